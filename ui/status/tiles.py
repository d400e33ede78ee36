"""Widgets of the status page: selection bar, colour summary, action tiles, the report form.

A light is never shown by colour alone: always shape + word ("● groen", "▲ oranje", "■ rood"),
on a coloured badge.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_access import kpis
from data_access.definitions.actions import PAST_END, PAST_END_SYMBOL, past_end_text, past_planned_end
from data_access.models import LIGHTS
from data_access.queries.status import (
    LIGHT_COLUMNS, LIGHT_SYMBOLS, NO_REPORT, Period, explanation_lines, light_text, no_report_text,
)
from data_access.status_reports import NewReport
from ui import format as fmt
from ui.text import plain

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


@dataclass(frozen=True)
class ActionIndex:
    """What the widgets need of the LEA actions, as plain values (cheap to copy out of a cache)."""

    titles: dict[int, str]  # action id → "LEA-01 — titel", in the page order
    codes: dict[int, str]  # action id → "LEA-01"
    programmes: tuple[str, ...]  # sorted
    holders: tuple[str, ...]  # sorted

    @property
    def empty(self) -> bool:
        return not self.titles


@dataclass(frozen=True)
class TileView:
    """One action's tile as ready texts; the page only sends them (see :func:`action_tile`)."""

    action_id: int
    not_green: bool  # a light is oranje or rood ("Alleen niet-groen" keeps it)
    title: str
    caption: str
    no_report: str | None  # the info text when the action has no report in the period
    lights: str | None
    past_end: str | None  # "⚑ einddatum verstreken (gepland gereed …)" on Tijd, plain text
    changes: str | None
    details: str | None  # the explanation and the evidence, one markdown
    warning: str | None  # evidence disagrees with the reported Kwaliteit
    authorship: str | None
    versions: tuple[str, ...]  # earlier versions, newest first (shown when there are corrections)


@dataclass(frozen=True)
class OverviewView:
    """The Overzicht tab of one period and programme/portfolio holder selection."""

    summary: tuple[tuple[str, str], ...]  # (light label, badges) for Kwaliteit, Tijd, Geld
    any_report: bool  # some action has a report in the period (selection not applied)
    tiles: tuple[TileView, ...]  # the actions of the programme/portfolio holder selection, in order


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
        return f"Geen rapportage in {plain(previous.name)} om mee te vergelijken."
    changed = [f"{label}: {row[f'prev_{key}']} → {row[key]}" for key, label in LIGHT_COLUMNS.items()
               if row[f"prev_{key}"] != row[key]]
    if not changed:
        return f"Ongewijzigd sinds {plain(previous.name)}."
    return f"Sinds {plain(previous.name)}: " + "; ".join(changed)


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


def kpi_line(kpi, plain_text: bool = False) -> str:
    """One KPI under a tile (markdown), or as plain text for the council appendix (the same words:
    value, target, counts, why hidden, the colour the evidence suggests as shape + word)."""
    arrow = "≥" if kpi.higher_is_better else "≤"
    value = kpi_value_text(kpi.unit, kpi.value)
    line = (f"{kpi.label}: {value if plain_text else f'**{value}**'} "
            f"(doel {arrow} {kpi_value_text(kpi.unit, kpi.target)})")
    if kpi.counts:
        line += " — " + ", ".join(f"{label} {fmt.number(count)}" for label, count in kpi.counts)
    if isinstance(kpi.reason, str) and kpi.reason:
        line += f" — {kpi.reason}" if plain_text else f" — _{kpi.reason}_"
    if isinstance(kpi.suggested, str):
        line += f" → bewijs: {light_text(kpi.suggested) if plain_text else badge(kpi.suggested)}"
    return line


def evidence_heading(period: Period) -> str:
    """Evidence counts the period's own school days (DESIGN, "Evidence for a status light")."""
    return f"Bewijs uit de gegevens (schooldagen van {fmt.date(period.start)} t/m {fmt.date(period.end)})"


def evidence_warning(evidence: pd.DataFrame, reported_quality: str | None) -> str | None:
    """"Het bewijs wijst op …" when the action's KPIs suggest another colour than the reported
    Kwaliteit; None when they agree or suggest nothing. The tile and the appendix both say this."""
    if evidence.empty:
        return None
    suggested = kpis.worst_colour(evidence["suggested"])
    if not kpis.evidence_mismatch(suggested, reported_quality):
        return None
    return (f"Het bewijs wijst op {light_text(suggested)} voor Kwaliteit; gerapporteerd is "
            f"{light_text(reported_quality)}. De gerapporteerde kleur blijft het oordeel van de "
            "leerplichtambtenaar.")


def past_end_flag(row, period: Period, today: dt.date) -> str | None:
    """The Tijd flag of an action past its planned end (definitions.actions), or None."""
    if not _present(row["planned_end"]) or not past_planned_end(row["planned_end"], period.end, today):
        return None
    return past_end_text(row["planned_end"])


# --- selection and summary ------------------------------------------------------------------


def action_index(actions: pd.DataFrame) -> ActionIndex:
    return ActionIndex(
        titles=dict(zip(actions["action_id"].tolist(), (actions["code"] + " — " + actions["title"]).tolist())),
        codes=dict(zip(actions["action_id"].tolist(), actions["code"].tolist())),
        programmes=tuple(sorted(actions["programme"].unique())),
        holders=tuple(sorted(actions["portfolio_holder"].unique())))


def selection_bar(periods: list[Period], default: Period, actions: ActionIndex) -> Selection:
    """Period, programme, portfolio holder and "Alleen niet-groen", folded into an expander that
    starts closed: on a phone the lights come first (issue 15), and its label says what is chosen."""
    by_id = {p.id: p for p in periods}
    ids = [p.id for p in reversed(periods)]  # newest first
    state = st.session_state
    chosen = by_id.get(state.get("status_period"), default)
    label = " · ".join([f"Selectie: {chosen.name}", state.get("status_programme") or ALL_PROGRAMMES,
                        state.get("status_holder") or ALL_HOLDERS]
                       + (["alleen niet-groen"] if state.get("status_not_green") else []))
    with st.expander(plain(label), expanded=False, key="status_selection", icon=":material/filter_list:"):
        period_col, programme_col, holder_col, toggle_col = st.columns([2, 2, 2, 1.3],
                                                                      vertical_alignment="bottom")
        period_id = period_col.selectbox("Rapportageperiode", ids, index=ids.index(default.id),
                                         format_func=lambda i: by_id[i].name, key="status_period")
        programme = programme_col.selectbox(
            "Programma", [ALL_PROGRAMMES, *actions.programmes], key="status_programme")
        holder = holder_col.selectbox(
            "Portefeuillehouder", [ALL_HOLDERS, *actions.holders],
            key="status_holder")
        only_not_green = toggle_col.toggle("Alleen niet-groen", key="status_not_green",
                                           help="Toont de acties met een oranje of rood licht en de acties zonder "
                                                "rapportage.")
    return Selection(by_id[period_id], None if programme == ALL_PROGRAMMES else programme,
                     None if holder == ALL_HOLDERS else holder, only_not_green)


def apply_selection(overview: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """The overview rows of the selection (the straightforward form of :func:`visible_tiles`)."""
    shown = overview
    if selection.programme:
        shown = shown[shown["programme"] == selection.programme]
    if selection.portfolio_holder:
        shown = shown[shown["portfolio_holder"] == selection.portfolio_holder]
    if selection.only_not_green:
        lights = shown[list(LIGHT_COLUMNS)]
        shown = shown[lights.isin(["oranje", "rood"]).any(axis=1) | lights.isna().all(axis=1)]
    return shown


def visible_tiles(view: OverviewView, only_not_green: bool) -> list[TileView]:
    """The tiles left after "Alleen niet-groen" (programme and holder are in the view already).

    An action without a report in the period stays: a missing report needs attention as much as an
    oranje or rood light, and its tile says "Geen statusrapportage in deze periode"."""
    return [tile for tile in view.tiles if tile.not_green or tile.no_report or not only_not_green]


def summary_texts(counts: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    return tuple((light, f"**{light}**  \n" + summary_badges(counts, light)) for light in LIGHT_COLUMNS.values())


def colour_summary(summary: Iterable[tuple[str, str]], period: Period) -> None:
    st.subheader(f"Samenvatting {plain(period.name)}")
    st.caption(f"Aantal acties per kleur, volgens de laatste rapportage per actie in {plain(period.name)} "
               f"({fmt.date(period.start)} t/m {fmt.date(period.end)}); programma en "
               "portefeuillehouder uit de selectie tellen mee.")
    for column, (_, text) in zip(st.columns(3, border=True), summary):
        column.markdown(text)


# --- the tile: texts built once per period and selection, then only sent --------------------


def overview_view(overview: pd.DataFrame, counts: pd.DataFrame, evidence: pd.DataFrame, period: Period,
                  previous: Period | None, programme: str | None, portfolio_holder: str | None,
                  versions_of: Callable[[int], pd.DataFrame], today: dt.date) -> OverviewView:
    """Summary and tiles of a period for a programme/portfolio holder selection.

    ``counts`` is the colour count of that selection; ``versions_of(action_id)`` gives an action's
    reports in the period, newest first (asked only for actions with corrections). The evidence is
    grouped by action once here, instead of filtering the frame for every tile on every rerun."""
    shown = apply_selection(overview, Selection(period, programme, portfolio_holder, False))
    evidence_of = {int(action_id): part for action_id, part in evidence.groupby("action_id", sort=False)} \
        if not evidence.empty else {}
    tiles = tuple(tile_view(row, evidence_of.get(int(row["action_id"]), evidence.iloc[:0]), period, previous,
                            versions_of, today) for _, row in shown.iterrows())
    return OverviewView(summary_texts(counts), bool(overview["report_id"].notna().any()), tiles)


def tile_view(row, evidence: pd.DataFrame, period: Period, previous: Period | None,
              versions_of: Callable[[int], pd.DataFrame], today: dt.date) -> TileView:
    """The texts of one action's tile (``evidence``: the action's own KPI rows)."""
    reported = row["quality"] if isinstance(row["quality"], str) else None
    planned = f" · gepland gereed {fmt.date(row['planned_end'])}" if _present(row["planned_end"]) else ""
    evidence_text, warning = _evidence(evidence, reported, period)
    details = [part for part in (_explanation(row) if reported else None, evidence_text) if part]
    past_end = past_end_flag(row, period, today) if reported else None
    return TileView(
        action_id=int(row["action_id"]),
        not_green=any(row[key] in ("oranje", "rood") for key in LIGHT_COLUMNS),
        title=f"**{plain(row['code'])} — {plain(row['title'])}**",
        caption=f"{plain(row['programme'])} · portefeuillehouder {plain(row['portfolio_holder'])}{planned}",
        no_report=None if reported else no_report_text(row["planned_end"], period),
        lights="  \n".join(f"**{label}** {badge(row[key])}"
                           + (f" :violet-badge[{PAST_END_SYMBOL} {PAST_END}]" if key == "time" and past_end else "")
                           for key, label in LIGHT_COLUMNS.items()) if reported else None,
        past_end=past_end,
        changes=changes_since(row, previous) if reported else None,
        details="\n\n".join(details) or None,
        warning=warning,
        authorship=_authorship(row) if reported else None,
        versions=_earlier_versions(row, versions_of) if reported else (),
    )


def _explanation(row) -> str | None:
    lines = explanation_lines(row)
    return "  \n".join(f"**{label}:** {plain(text, multiline=True)}" for label, text in lines) if lines else None


def _evidence(evidence: pd.DataFrame, reported_quality: str | None, period: Period) -> tuple[str | None, str | None]:
    """The evidence markdown and, when it points elsewhere than the reported Kwaliteit, the warning."""
    if evidence.empty:
        return None, None
    heading = evidence_heading(period).replace("Bewijs uit de gegevens", "**Bewijs uit de gegevens**", 1)
    text = heading + "  \n" + "  \n".join(kpi_line(k) for k in evidence.itertuples())
    return text, evidence_warning(evidence, reported_quality)


def _authorship(row) -> str:
    return (f"Gerapporteerd door {plain(row['author_name'])} op {local_time(row['created_at'])}"
            + (f" · {row['versions']} versies (correcties)" if row["versions"] > 1 else ""))


def _earlier_versions(row, versions_of: Callable[[int], pd.DataFrame]) -> tuple[str, ...]:
    if row["versions"] <= 1:
        return ()
    lines = []
    for version in versions_of(int(row["action_id"])).iloc[1:].itertuples():
        lights = " · ".join(f"{label} {light_text(getattr(version, key))}" for key, label in LIGHT_COLUMNS.items())
        lines.append(f"{local_time(version.created_at)}, {plain(version.author_name)}: {lights}")
    return tuple(lines)


def action_tile(tile: TileView) -> None:
    """One bordered tile; consecutive markdown goes out as one element (each element sent costs
    the server an event-loop wake-up, and a paragraph break looks the same as the gap between
    two elements)."""
    with st.container(border=True):
        st.markdown(tile.title)
        st.caption(tile.caption)
        if tile.no_report:
            st.info(tile.no_report, icon=":material/info:")
        else:
            st.markdown(tile.lights)
            st.caption(tile.changes)
        if tile.details:
            st.markdown(tile.details)
        if tile.warning:
            st.warning(tile.warning, icon=":material/compare_arrows:")
        if tile.authorship:
            st.caption(tile.authorship)
        if tile.versions:
            with st.expander("Eerdere versies"):
                st.markdown("\n\n".join(tile.versions))


def tile_grid(tiles: list[TileView], columns: int = 2) -> None:
    """Tiles row by row (one st.columns per row), so the page order is the reading order."""
    for first in range(0, len(tiles), columns):
        for column, tile in zip(st.columns(columns), tiles[first:first + columns]):
            with column:
                action_tile(tile)


# --- the report form (leerplicht, beheer) -----------------------------------------------------


def report_form(actions: ActionIndex, periods: list[Period], period: Period) -> NewReport | None:
    """The form to append a report; returns the new report when submitted (not yet validated)."""
    titles = actions.titles
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
