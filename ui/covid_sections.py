"""The four tabs under the figures on /covid."""
from __future__ import annotations

import datetime as dt

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


def render_weekly(selection: Selection, report: PeriodReport, suppress: bool) -> None:
    closures = covid_data.load(covid_data.covid_periods, selection.group)
    start, end = chart_range(closures)
    frame = covid_data.load(covid_data.weekly_contacts, selection.group, start, end)
    if frame.empty:
        st.info("Er zijn geen contacten vastgelegd in deze schooljaren.", icon=":material/info:")
        return
    st.caption("Grijs: scholen dicht; lichtgrijs: gedeeltelijk open; blauw: de normale schoolweken waarmee de "
               "gekozen periode wordt vergeleken. Nieuwsbrieven en bijeenkomsten staan in een eigen tabblad.")
    data = covid_charts.weekly_chart_data(contacts.suppressed_weekly(frame, suppress))
    shading = covid_charts.shading_data(closures, report.baseline)
    panels = covid_charts.weekly_charts(data, shading, start, end)
    for _, panel in panels:
        st.altair_chart(panel, width="stretch")
    if suppress:
        st.caption(SUPPRESSION_NOTE)
    chart_downloads(covid_charts.weekly_download_chart(panels), "contacten-per-week", key="covid-weekly")


def render_comparison(selection: Selection, suppress: bool) -> None:
    reports = covid_data.load(covid_data.all_period_reports, selection.group, selection.direction)
    table = covid_tables.comparison_table(reports, suppress)
    st.caption("Elke COVID-periode naast evenveel normale schoolweken (de gekozen vergelijking). "
               "Verschil = periode min basis; bij percentages in procentpunten.")
    st.dataframe(table, hide_index=True, width="stretch", height=min(38 * (len(table) + 1), 640))
    table_downloads(table, "covid-perioden-tegen-basis", key="covid-comparison")


def render_mass_contacts(selection: Selection, suppress: bool) -> None:
    frame = covid_data.load(covid_data.mass_contacts, selection.group)
    if frame.empty:
        st.info("In de COVID-perioden zijn geen nieuwsbrieven of informatiebijeenkomsten vastgelegd.",
                icon=":material/info:")
        return
    table = covid_tables.mass_contacts_table(frame, suppress)
    st.caption("Nieuwsbrieven en informatiebijeenkomsten voor scholen, per periode en onderwerp. "
               "‘Aantal keer’ telt verschillende data; ze tellen niet mee als schoolcontact.")
    st.dataframe(table, hide_index=True, width="stretch")
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
    chart_downloads(chart.properties(width=900), "scholen-laatste-contact", key="covid-heatmap")
