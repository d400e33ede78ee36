"""The four tabs under the figures on /covid."""
from __future__ import annotations

import datetime as dt

import altair as alt
import streamlit as st

from data_access.metrics import school_year_bounds, school_year_of
from data_access.queries import contacts
from data_access.queries.contacts import PeriodReport
from ui import covid_charts, covid_data, covid_tables
from ui.covid_filters import Selection
from ui.downloads import chart_downloads, table_downloads

SUPPRESSION_NOTE = ("Aantallen kleiner dan 5 zijn niet getekend of staan als ‘<5’ (kleine aantallen kunnen "
                    "naar personen herleidbaar zijn).")


def chart_range(periods: list) -> tuple[dt.date, dt.date]:
    """The school years that hold the group's COVID periods."""
    first = school_year_bounds(school_year_of(min(p.start for p in periods)))[0]
    last = school_year_bounds(school_year_of(max(p.end for p in periods)))[1]
    return first, last


UNITS = {"week": "Per week", "month": "Per maand"}


def render_over_time(selection: Selection, report: PeriodReport, suppress: bool) -> None:
    closures = covid_data.load(covid_data.covid_periods, selection.group)
    start, end = chart_range(closures)
    unit = st.segmented_control("Tijdschaal", list(UNITS), format_func=UNITS.get, default="week",
                                required=True, key="covid_unit", label_visibility="collapsed")
    frame = covid_data.load(covid_data.contacts_over_time, selection.group, start, end, unit)
    if frame.empty:
        st.info("Er zijn geen contacten vastgelegd in deze schooljaren.", icon=":material/info:")
        return
    st.caption("Grijs: scholen dicht; lichtgrijs: gedeeltelijk open; blauw: de normale schoolweken waarmee de "
               "gekozen periode wordt vergeleken. Nieuwsbrieven en bijeenkomsten staan in een eigen tabblad.")
    data = covid_charts.over_time_chart_data(contacts.suppressed_over_time(frame, suppress), unit)
    shading = covid_charts.shading_data(closures, report.baseline)
    panels = covid_charts.over_time_charts(data, shading, start, end, unit)
    for target, panel in panels:
        if data[data["target"] == target].empty:
            st.markdown(f"**{panel.title}**")
            st.info("Geen contacten om te tekenen" + (": alle aantallen zijn kleiner dan 5." if suppress else "."),
                    icon=":material/visibility_off:" if suppress else ":material/info:")
        else:
            st.altair_chart(panel, width="stretch")
    if suppress:
        st.caption(SUPPRESSION_NOTE + " Per maand zijn minder aantallen te klein.")
    chart_downloads(covid_charts.download_chart(panels), f"contacten-per-{'week' if unit == 'week' else 'maand'}",
                    key="covid-over-time")


def render_comparison(selection: Selection, suppress: bool) -> None:
    reports = covid_data.load(covid_data.all_period_reports, selection.group, selection.direction)
    table = covid_tables.comparison_table(reports, suppress)
    st.caption("Elke COVID-periode (en opeenvolgende perioden samen) naast evenveel normale schoolweken, volgens "
               "de gekozen vergelijking. Verschil = periode min basis; bij percentages in procentpunten.")
    for (period, dates), rows in table.groupby(["Periode", "Van – tot"], sort=False):
        st.markdown(f"**{period}** · {dates}")
        st.dataframe(rows.drop(columns=["Periode", "Van – tot"]), hide_index=True, placeholder="–", width="stretch",
                     column_config={"Toelichting": st.column_config.TextColumn(width="medium")})
    table_downloads(table, "covid-perioden-tegen-basis", key="covid-comparison")


def render_mass_contacts(selection: Selection, suppress: bool) -> None:
    start, end = chart_range(covid_data.load(covid_data.covid_periods, selection.group))
    frame = covid_data.load(covid_data.mass_contacts, selection.group, start, end)
    if frame.empty:
        st.info("Er zijn in deze schooljaren geen nieuwsbrieven of informatiebijeenkomsten vastgelegd.",
                icon=":material/info:")
        return
    table = covid_tables.mass_contacts_table(frame, suppress)
    st.caption("Nieuwsbrieven en informatiebijeenkomsten voor scholen, per COVID-periode en daarbuiten per "
               "schooljaar. ‘Aantal keer’ telt verschillende data. Ze tellen niet mee als schoolcontact.")
    st.dataframe(table, hide_index=True, placeholder="–", width="stretch")
    table_downloads(table, "covid-nieuwsbrieven-bijeenkomsten", key="covid-mass")


def render_heatmap(selection: Selection, report: PeriodReport) -> None:
    windows = [report.window] + ([report.baseline] if not report.baseline.is_empty else [])
    start, end = min(w.start for w in windows), max(w.end for w in windows)
    grid = covid_data.load(covid_data.heatmap_grid, selection.group, start, end)
    if grid.empty:
        st.info("Er zijn geen scholen in beeld voor deze sector.", icon=":material/info:")
        return
    st.caption("Per school en week: hoe lang geleden de school voor het laatst door leerplicht is gesproken "
               "(zonder namen van medewerkers). De stippellijnen markeren de gekozen periode.")
    chart = covid_charts.heatmap_chart(grid, selection.period, start, end)
    st.altair_chart(chart, width="stretch")
    chart_downloads(chart.properties(width=900, autosize=alt.AutoSizeParams(type="pad")), "scholen-laatste-contact",
                    key="covid-heatmap")
