"""The four tabs under the figures on /covid."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from data_access.definitions import Suppressor
from data_access.periods import Window
from ui.covid import data as covid_data
from ui.covid import views as covid_views
from ui.covid.filters import Selection
from ui.covid.views import DownloadChart
from ui.downloads import chart_downloads, table_downloads



def suppression_note(suppressor: Suppressor) -> str:
    return (f"Aantallen kleiner dan {suppressor.threshold} zijn niet getekend of staan als ‘{suppressor.marker}’ "
            "(kleine aantallen kunnen naar personen herleidbaar zijn).")


UNITS = {"week": "Per week", "month": "Per maand"}


def render_over_time(selection: Selection, baseline: Window, suppressor: Suppressor | None) -> None:
    """Contacts per week or month; ``baseline``: the chosen period's baseline weeks (shaded)."""
    unit = st.segmented_control("Tijdschaal", list(UNITS), format_func=UNITS.get, default="week",
                                required=True, key="covid_unit", label_visibility="collapsed")
    view = covid_data.load(covid_views.over_time_view, selection.group, unit, suppressor, baseline)
    if view.empty:
        st.info("Er zijn geen contacten vastgelegd in deze schooljaren.", icon=":material/info:")
        return
    st.caption("Grijs: scholen dicht; lichtgrijs: gedeeltelijk open; blauw: de normale schoolweken waarmee de "
               "gekozen periode wordt vergeleken. Nieuwsbrieven en bijeenkomsten staan in een eigen tabblad.")
    charts = None  # built only if this Streamlit cannot take the cached specs
    for index, panel in enumerate(view.panels):
        if not panel.has_rows:
            st.markdown(f"**{panel.title}**")
            st.info("Geen contacten om te tekenen"
                    + (f": alle aantallen zijn kleiner dan {suppressor.threshold}." if suppressor else "."),
                    icon=":material/visibility_off:" if suppressor else ":material/info:")
        elif panel.spec is not None:
            st.vega_lite_chart(spec=panel.spec, width="stretch")  # what st.altair_chart would send
        else:
            charts = charts or view.charts()
            st.altair_chart(charts[index][1], width="stretch")
    if suppressor:
        st.caption(suppression_note(suppressor) + " Per maand zijn minder aantallen te klein.")
    chart_downloads(DownloadChart(view), f"contacten-per-{'week' if unit == 'week' else 'maand'}",
                    key="covid-over-time")


def render_comparison(selection: Selection, suppressor: Suppressor | None) -> None:
    view = covid_data.load(covid_views.comparison_view, selection.group, selection.direction, suppressor)
    st.caption("Elke COVID-periode (en opeenvolgende perioden samen) naast evenveel normale schoolweken, volgens "
               "de gekozen vergelijking. Verschil = periode min basis; bij percentages in procentpunten.")
    for heading, rows in view.sections:
        st.markdown(heading)
        st.dataframe(rows, hide_index=True, placeholder="–", width="stretch",
                     column_config={"Toelichting": st.column_config.TextColumn(width="medium")})
    table_downloads(view.table, "covid-perioden-tegen-basis", key="covid-comparison")


def render_mass_contacts(selection: Selection, suppressor: Suppressor | None) -> None:
    view = covid_data.load(covid_views.mass_contacts_view, selection.group, suppressor)
    if view is None:
        st.info("Er zijn in deze schooljaren geen nieuwsbrieven of informatiebijeenkomsten vastgelegd.",
                icon=":material/info:")
        return
    st.caption("Nieuwsbrieven en informatiebijeenkomsten voor scholen, per COVID-periode en daarbuiten per "
               "schooljaar. ‘Aantal keer’ telt verschillende data. Ze tellen niet mee als schoolcontact.")
    st.dataframe(view.shown, hide_index=True, placeholder="–", width="stretch")
    table_downloads(view.table, "covid-nieuwsbrieven-bijeenkomsten", key="covid-mass")


def render_heatmap(selection: Selection, start: dt.date, end: dt.date) -> None:
    """Schools × weeks from ``start`` to ``end`` (the chosen period and its baseline)."""
    view = covid_data.load(covid_views.heatmap_view, selection.group, selection.period, start, end)
    if view.empty:
        st.info("Er zijn geen scholen in beeld voor deze sector.", icon=":material/info:")
        return
    st.caption("Per school en week: hoe lang geleden de school voor het laatst door leerplicht is gesproken "
               "(zonder namen van medewerkers). De stippellijnen markeren de gekozen periode.")
    if view.spec is not None:
        st.vega_lite_chart(spec=view.spec, width="stretch")  # what st.altair_chart would send
    else:
        st.altair_chart(view.chart(), width="stretch")
    chart_downloads(DownloadChart(view), "scholen-laatste-contact", key="covid-heatmap")
