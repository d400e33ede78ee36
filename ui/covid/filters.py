"""The choices at the top of /covid: sector, period and where the baseline comes from."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from data_access import periods
from ui import format as fmt
from ui.covid import data as covid_data

DIRECTION_LABELS = {"before": "Vóór de periode", "after": "Na de periode", "both": "Vóór en na"}


@dataclass(frozen=True)
class Selection:
    group: str
    period: periods.PeriodRow
    direction: str


def period_label(period: periods.PeriodRow) -> str:
    return f"{period.name} · {fmt.date(period.start)} t/m {fmt.date(period.end)}"


def render_selection() -> Selection:
    """Sector, period and baseline; stops the page with a Dutch message when there is no period."""
    periods_by_group = {group: covid_data.load(covid_data.period_choices, group) for group in periods.SECTOR_GROUPS}
    groups = [group for group, found in periods_by_group.items() if found]
    if not groups:
        st.info("Er zijn nog geen COVID-19-perioden vastgelegd. Functioneel beheer kan de perioden van "
                "de schoolsluitingen toevoegen op de pagina Beheer.", icon=":material/event_busy:")
        st.stop()
    sector_col, period_col, baseline_col = st.columns([2, 5, 2])
    group = sector_col.selectbox("Sector", groups, format_func=periods.SECTOR_GROUP_LABELS.get, key="covid_group",
                                 help="Primair onderwijs: BAO, SBAO en SO. Voortgezet onderwijs: VO.")
    options = periods_by_group[group]
    period = period_col.selectbox(
        "Periode", options, format_func=period_label, key=f"covid_period_{group}",
        help="Een COVID-periode uit de periodetabel, of opeenvolgende perioden samen (van de sluiting tot "
             "de scholen weer helemaal open waren).")
    direction = baseline_col.selectbox(
        "Vergelijken met normale schoolweken", list(DIRECTION_LABELS), format_func=DIRECTION_LABELS.get,
        key="covid_direction",
        help="Evenveel normale schoolweken als de periode telt, zo dicht mogelijk bij de periode. "
             "Weken met vakantie of een andere COVID-periode tellen niet mee.")
    return Selection(group, period, direction)
