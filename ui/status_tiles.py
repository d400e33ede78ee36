"""Widgets of the status page: selection bar, colour summary, action tiles, the report form.

A light is never shown by colour alone: always shape + word ("● groen", "▲ oranje", "■ rood"),
on a coloured badge.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_access import kpis
from data_access.models import LIGHTS
from data_access.queries.status import (
    LIGHT_COLUMNS, LIGHT_SYMBOLS, NO_REPORT, Period, explanation_lines, light_text, no_report_text,
)
from data_access.status_reports import NewReport
from ui import format as fmt

BADGE_COLOURS = {"groen": "green", "oranje": "orange", "rood": "red"}
ALL_PROGRAMMES = "Alle programma's"
ALL_HOLDERS = "Alle portefeuillehouders"
LOCAL_TZ = "Europe/Amsterdam"


@dataclass(frozen=True)
class Selection:
    period: Period
    programme: str | None
    portfolio_holder: str | None
    only_not_green: bool


# --- small pieces ---------------------------------------------------------------------------


def badge(colour: str | None) -> str:
    """Markdown badge: colour + shape + word; grey dashed text when there is no report."""
    if colour in BADGE_COLOURS:
        return f":{BADGE_COLOURS[colour]}-badge[{light_text(colour)}]"
    return f":gray-badge[{light_text(None)}]"


def local_time(value) -> str:
    """A naive UTC timestamp from the database as Dutch local time: '28-11-2026 14:05'."""
    if value is None or pd.isna(value):
        return "–"
    stamp = pd.Timestamp(value).tz_localize("UTC").tz_convert(LOCAL_TZ)
    return stamp.strftime("%d-%m-%Y %H:%M")


def changes_since(row, previous: Period | None) -> str:
    """'Tijd: groen → oranje' per changed light, or why there is nothing to compare."""
    if previous is None:
        return "Geen eerdere rapportageperiode om mee te vergelijken."
    if not isinstance(row["prev_quality"], str):
        return f"Geen rapportage in {previous.name} om mee te vergelijken."
    changed = [f"{label}: {row[f'prev_{key}']} → {row[key]}" for key, label in LIGHT_COLUMNS.items()
               if row[f"prev_{key}"] != row[key]]
    if not changed:
        return f"Ongewijzigd sinds {previous.name}."
    return f"Sinds {previous.name}: " + "; ".join(changed)


def summary_badges(counts: pd.DataFrame, light: str) -> str:
    """The counts of one light as badges: shape + number + word on the light's colour."""
    of_light = counts[counts["light"] == light].set_index("colour")["actions"]
    badges = [f":{BADGE_COLOURS[c]}-badge[{LIGHT_SYMBOLS[c]} {int(of_light.get(c, 0))} {c}]" for c in LIGHTS]
    missing = int(of_light.get(NO_REPORT, 0))
    if missing:
        badges.append(f":gray-badge[{missing} {NO_REPORT}]")
    return " ".join(badges)


def kpi_value_text(unit: str, value) -> str:
    if value is None or pd.isna(value):
        return "–"
    if unit == "share":
        return fmt.percent(value)
    if unit == "points":
        sign = "+" if value > 0 else ""
        return f"{sign}{fmt.number(value * 100, 1)} procentpunt"
    if unit == "per_thousand":
        return fmt.number(value, 1)
    return fmt.number(value)


def kpi_line(kpi) -> str:
    arrow = "≥" if kpi.higher_is_better else "≤"
    line = (f"{kpi.label}: **{kpi_value_text(kpi.unit, kpi.value)}** "
            f"(doel {arrow} {kpi_value_text(kpi.unit, kpi.target)})")
    if kpi.counts:
        line += " — " + ", ".join(f"{label} {fmt.number(count)}" for label, count in kpi.counts)
    if isinstance(kpi.reason, str) and kpi.reason:
        line += f" — _{kpi.reason}_"
    if isinstance(kpi.suggested, str):
        line += f" → bewijs: {badge(kpi.suggested)}"
    return line


# --- selection and summary ------------------------------------------------------------------


def selection_bar(periods: list[Period], default: Period, actions: pd.DataFrame) -> Selection:
    by_id = {p.id: p for p in periods}
    ids = [p.id for p in reversed(periods)]  # newest first
    period_col, programme_col, holder_col, toggle_col = st.columns([2, 2, 2, 1.3],
                                                                  vertical_alignment="bottom")
    period_id = period_col.selectbox("Rapportageperiode", ids, index=ids.index(default.id),
                                     format_func=lambda i: by_id[i].name, key="status_period")
    programme = programme_col.selectbox(
        "Programma", [ALL_PROGRAMMES, *sorted(actions["programme"].unique())], key="status_programme")
    holder = holder_col.selectbox(
        "Portefeuillehouder", [ALL_HOLDERS, *sorted(actions["portfolio_holder"].unique())],
        key="status_holder")
    only_not_green = toggle_col.toggle("Alleen niet-groen", key="status_not_green")
    return Selection(by_id[period_id], None if programme == ALL_PROGRAMMES else programme,
                     None if holder == ALL_HOLDERS else holder, only_not_green)


def apply_selection(overview: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    shown = overview
    if selection.programme:
        shown = shown[shown["programme"] == selection.programme]
    if selection.portfolio_holder:
        shown = shown[shown["portfolio_holder"] == selection.portfolio_holder]
    if selection.only_not_green:
        lights = shown[list(LIGHT_COLUMNS)]
        shown = shown[lights.isin(["oranje", "rood"]).any(axis=1)]
    return shown


def colour_summary(counts: pd.DataFrame, period: Period) -> None:
    st.subheader(f"Samenvatting {period.name}")
    st.caption(f"Aantal acties per kleur, volgens de laatste rapportage per actie in {period.name} "
               f"({fmt.date(period.start)} t/m {fmt.date(period.end)}); programma en "
               "portefeuillehouder uit de selectie tellen mee.")
    for column, light in zip(st.columns(3, border=True), LIGHT_COLUMNS.values()):
        column.markdown(f"**{light}**  \n" + summary_badges(counts, light))


# --- the tile -------------------------------------------------------------------------------


def action_tile(row, evidence: pd.DataFrame, period: Period, previous: Period | None,
                load_versions: Callable[[int], pd.DataFrame]) -> None:
    with st.container(border=True):
        st.markdown(f"**{row['code']} — {row['title']}**")
        planned = f" · gepland gereed {fmt.date(row['planned_end'])}" if _present(row["planned_end"]) else ""
        st.caption(f"{row['programme']} · portefeuillehouder {row['portfolio_holder']}{planned}")
        if not isinstance(row["quality"], str):
            st.info(no_report_text(row["planned_end"], period), icon=":material/info:")
        else:
            st.markdown("  \n".join(f"**{label}** {badge(row[key])}" for key, label in LIGHT_COLUMNS.items()))
            st.caption(changes_since(row, previous))
            _explanation(row)
        _evidence(evidence, row["quality"] if isinstance(row["quality"], str) else None, period)
        if isinstance(row["quality"], str):
            _authorship(row, load_versions)


def _explanation(row) -> None:
    lines = explanation_lines(row)
    if lines:
        st.markdown("  \n".join(f"**{label}:** {text}" for label, text in lines))


def _evidence(evidence: pd.DataFrame, reported_quality: str | None, period: Period) -> None:
    if evidence.empty:
        return
    start, end = kpis.kpi_window(period.end)
    st.markdown(f"**Bewijs uit de gegevens** (schooljaar {fmt.school_year(start.year)} t/m {fmt.date(end)})  \n"
                + "  \n".join(kpi_line(k) for k in evidence.itertuples()))
    suggested = kpis.worst_colour(evidence["suggested"])
    if kpis.evidence_mismatch(suggested, reported_quality):
        st.warning(f"Het bewijs wijst op {light_text(suggested)} voor Kwaliteit; gerapporteerd is "
                   f"{light_text(reported_quality)}. De gerapporteerde kleur blijft het oordeel van de "
                   "leerplichtambtenaar.", icon=":material/compare_arrows:")


def _authorship(row, load_versions: Callable[[int], pd.DataFrame]) -> None:
    st.caption(f"Gerapporteerd door {row['author_name']} op {local_time(row['created_at'])}"
               + (f" · {row['versions']} versies (correcties)" if row["versions"] > 1 else ""))
    if row["versions"] > 1:
        with st.expander("Eerdere versies"):
            for version in load_versions(int(row["action_id"])).iloc[1:].itertuples():
                lights = " · ".join(f"{label} {light_text(getattr(version, key))}"
                                    for key, label in LIGHT_COLUMNS.items())
                st.markdown(f"{local_time(version.created_at)}, {version.author_name}: {lights}")


def tile_grid(shown: pd.DataFrame, evidence: pd.DataFrame, period: Period, previous: Period | None,
              load_versions: Callable[[int], pd.DataFrame], columns: int = 2) -> None:
    """Tiles row by row (one st.columns per row), so the page order is the reading order."""
    rows = [shown.iloc[i:i + columns] for i in range(0, len(shown), columns)]
    for chunk in rows:
        for column, (_, row) in zip(st.columns(columns), chunk.iterrows()):
            with column:
                action_tile(row, evidence[evidence["action_id"] == row["action_id"]], period, previous,
                            load_versions)


# --- the report form (leerplicht, beheer) -----------------------------------------------------


def report_form(actions: pd.DataFrame, periods: list[Period], period: Period) -> NewReport | None:
    """The form to append a report; returns the new report when submitted (not yet validated)."""
    titles = dict(zip(actions["action_id"], actions["code"] + " — " + actions["title"]))
    by_id = {p.id: p for p in periods}
    ids = [p.id for p in reversed(periods)]
    with st.form("status_report_form"):
        st.caption("Een rapportage wordt nooit gewijzigd of verwijderd: een correctie is een nieuwe "
                   "rapportage, de laatste telt. Bij oranje of rood zijn oorzaak, gevolg en maatregel "
                   "verplicht.")
        left, right = st.columns(2)
        action_id = left.selectbox("LEA-actie", list(titles), format_func=titles.get, key="form_action")
        period_id = right.selectbox("Rapportageperiode", ids, index=ids.index(period.id),
                                    format_func=lambda i: by_id[i].name, key="form_period")
        lights = {key: column.radio(label, LIGHTS, format_func=_coloured_light, key=f"form_{key}")
                  for column, (key, label) in zip(st.columns(3), LIGHT_COLUMNS.items())}
        cause = st.text_area("Oorzaak", key="form_cause", height=80)
        consequence = st.text_area("Gevolg", key="form_consequence", height=80)
        measure = st.text_area("Maatregel", key="form_measure", height=80)
        if not st.form_submit_button("Rapportage toevoegen", type="primary"):
            return None
    return NewReport(int(action_id), int(period_id), lights["quality"], lights["time"], lights["money"],
                     cause, consequence, measure)


def _coloured_light(colour: str) -> str:
    return f":{BADGE_COLOURS[colour]}[{light_text(colour)}]"


def _present(value) -> bool:
    return value is not None and not pd.isna(value) and isinstance(value, (dt.date, pd.Timestamp))
