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
    return (f"Contacten met gezinnen en jongeren worden per week of maand opgeteld over alle kanalen; een aantal "
            f"kleiner dan {suppressor.threshold} staat als grijs blokje ‘verborgen (<{suppressor.threshold})’ "
            "(kleine aantallen kunnen naar personen herleidbaar zijn). Contacten met scholen, nieuwsbrieven en "
            "bijeenkomsten zijn het eigen werk van leerplicht en worden altijd getoond.")


UNITS = {"week": "Per week", "month": "Per maand"}
UNIT_KEY = "covid_unit"


def _show_months() -> None:
    st.session_state[UNIT_KEY] = "month"


def render_over_time(selection: Selection, baseline: Window, suppressor: Suppressor | None) -> None:
    """Contacts per week or month; ``baseline``: the chosen period's baseline weeks (shaded)."""
    unit = st.segmented_control("Tijdschaal", list(UNITS), format_func=UNITS.get, default="week",
                                required=True, key=UNIT_KEY, label_visibility="collapsed")
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
            st.info("Geen contacten in deze schooljaren.", icon=":material/info:")
            continue
        if panel.spec is not None:
            st.vega_lite_chart(spec=panel.spec, width="stretch")  # what st.altair_chart would send
        else:
            charts = charts or view.charts()
            st.altair_chart(charts[index][1], width="stretch")
        if suppressor and panel.mostly_hidden:
            _offer_longer_view(panel, unit, suppressor, index)
    if suppressor:
        st.caption(suppression_note(suppressor))
    chart_downloads(DownloadChart(view), f"contacten-per-{'week' if unit == 'week' else 'maand'}",
                    key="covid-over-time")


def _offer_longer_view(panel: covid_views.PanelView, unit: str, suppressor: Suppressor, index: int) -> None:
    """Most (or all) weeks of a panel are hidden: offer the months; most months hidden: the periods."""
    what = panel.title.split(" per ")[0].lower()  # "contacten met gezinnen"
    if unit == "week":
        weeks = "elke week" if panel.all_hidden else \
            f"{panel.hidden_buckets} van de {panel.hidden_buckets + panel.shown_buckets} weken"
        st.info(f"In {weeks} met {what} waren het er minder dan {suppressor.threshold}; die weken zijn verborgen. "
                "Per maand zijn de aantallen groter en is meer te zien.", icon=":material/visibility_off:")
        st.button("Toon per maand", key=f"covid-months-{index}", on_click=_show_months,
                  icon=":material/calendar_month:")
    else:
        months = "elke maand" if panel.all_hidden else \
            f"{panel.hidden_buckets} van de {panel.hidden_buckets + panel.shown_buckets} maanden"
        st.info(f"Ook per maand waren het in {months} minder dan {suppressor.threshold} {what}. De cijfers over "
                "de hele periode staan bovenaan de pagina en in het tabblad ‘Alle perioden’.",
                icon=":material/visibility_off:")


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
