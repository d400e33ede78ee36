"""History of the lights: per action a compact timeline, 3 rows (Kwaliteit/Tijd/Geld) × periods.

Colour *and* shape carry the light (● groen, ▲ oranje, ■ rood, ✕ geen rapportage), so the chart
reads in black and white and for colour-blind users; the explanation is in the tooltip and in
an expander below the chart.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from data_access.queries.status import (
    LIGHT_COLUMNS, NO_REPORT, Period, explanation_lines, light_text,
)
from ui import format as fmt
from ui.downloads import chart_downloads
from ui.streamlit_private import vega_lite_spec
from ui.text import plain

DOMAIN = ["groen", "oranje", "rood", NO_REPORT]
COLOURS = ["#1a7f37", "#e07000", "#c62828", "#9e9e9e"]
SHAPES = ["circle", "triangle-up", "square", "cross"]


def timeline_frame(history: pd.DataFrame, periods: list[Period]) -> pd.DataFrame:
    """Long form for one action: one row per period × light, 'geen rapportage' where missing."""
    by_period = history.set_index("period_id") if not history.empty else history
    rows = []
    for order, period in enumerate(periods):
        report = by_period.loc[period.id] if period.id in by_period.index else None
        for key, label in LIGHT_COLUMNS.items():
            colour = report[key] if report is not None else NO_REPORT
            parts = dict(explanation_lines(report)) if report is not None else {}
            rows.append({
                "periode": period.name, "volgorde": order, "licht": label, "kleur": colour,
                "stand": light_text(colour if colour != NO_REPORT else None),
                "oorzaak": parts.get("Oorzaak", ""), "gevolg": parts.get("Gevolg", ""),
                "maatregel": parts.get("Maatregel", ""),
                "auteur": report["author"] if report is not None else "",
            })
    return pd.DataFrame(rows)


def timeline_chart(frame: pd.DataFrame, title: str) -> alt.Chart:
    order = list(dict.fromkeys(frame.sort_values("volgorde")["periode"]))
    return (
        alt.Chart(frame, title=alt.Title(title, anchor="start", fontSize=13))
        .mark_point(filled=True, size=240, opacity=1)
        .encode(
            x=alt.X("periode:N", sort=order, title="Rapportageperiode", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("licht:N", sort=list(LIGHT_COLUMNS.values()), title=None),
            color=alt.Color("kleur:N", title="Licht", scale=alt.Scale(domain=DOMAIN, range=COLOURS),
                            legend=alt.Legend(orient="bottom", direction="horizontal")),
            shape=alt.Shape("kleur:N", title="Licht", scale=alt.Scale(domain=DOMAIN, range=SHAPES)),
            tooltip=[alt.Tooltip("periode:N", title="Periode"), alt.Tooltip("licht:N", title="Licht"),
                     alt.Tooltip("stand:N", title="Stand"), alt.Tooltip("oorzaak:N", title="Oorzaak"),
                     alt.Tooltip("gevolg:N", title="Gevolg"), alt.Tooltip("maatregel:N", title="Maatregel"),
                     alt.Tooltip("auteur:N", title="Gerapporteerd door")],
        )
        .properties(height=alt.Step(34))
    )


@dataclass(frozen=True)
class HistoryView:
    """The Verloop tab of one action, built once: the chart as the Vega-Lite spec st.altair_chart
    would send (None if this Streamlit has no converter), the chart's rows (for the downloads,
    which rebuild the Altair chart only when clicked) and the explanations as one markdown."""

    title: str  # "LEA-01 — titel"
    code: str
    points: tuple[dict, ...]  # timeline_frame as records
    spec: dict | None
    explanation: str

    def chart(self) -> alt.Chart:
        return timeline_chart(pd.DataFrame(list(self.points)), f"Verloop {self.title}")


def history_view(of_action: pd.DataFrame, periods: list[Period], title: str, code: str) -> HistoryView | None:
    """The view of one action's reports (``history`` rows of that action); None without reports."""
    if of_action.empty:
        return None
    frame = timeline_frame(of_action, periods)
    chart = timeline_chart(frame, f"Verloop {title}")
    return HistoryView(title, code, tuple(frame.to_dict("records")), vega_lite_spec(chart),
                       explanation_text(of_action, periods))


class _DownloadChart:
    """The Altair chart of a view, built only when a PNG or SVG download asks for it."""

    def __init__(self, view: HistoryView):
        self.view = view

    def to_json(self, *args, **kwargs) -> str:
        return self.view.chart().to_json(*args, **kwargs)


def history_section(titles: dict[int, str], view_of: Callable[[int], HistoryView | None]) -> None:
    """``titles``: action id → "LEA-01 — titel"; ``view_of(action_id)``: its (cached) view."""
    action_id = st.selectbox("LEA-actie", list(titles), format_func=titles.get, key="history_action")
    view = view_of(action_id)
    if view is None:
        st.info("Voor deze actie is nog geen statusrapportage vastgelegd.")
        return
    alt_text = f"Verloop van Kwaliteit, Tijd en Geld over de rapportageperioden voor {view.title}"
    if view.spec is not None:
        st.vega_lite_chart(spec=view.spec, width="stretch", alt=alt_text)  # what st.altair_chart would send
    else:
        st.altair_chart(view.chart(), width="stretch", alt=alt_text)
    chart_downloads(_DownloadChart(view), f"verloop-{view.code}", key=f"history-{action_id}")
    with st.expander("Toelichting per periode (nieuwste eerst)", expanded=True):
        st.markdown(view.explanation)


def explanation_text(of_action: pd.DataFrame, periods: list[Period]) -> str:
    """Every period that has a report, newest first, a paragraph each (periods without one are
    visible in the chart)."""
    reports = of_action.set_index("period_id")
    paragraphs = []
    for period in reversed(periods):
        if period.id not in reports.index:
            continue
        report = reports.loc[period.id]
        lights = " · ".join(f"{label} {light_text(report[key])}" for key, label in LIGHT_COLUMNS.items())
        lines = explanation_lines(report) or [("Toelichting", "alle lichten groen")]
        paragraphs.append(f"**{plain(period.name)}** ({fmt.date(period.start)} t/m {fmt.date(period.end)}) — "
                          f"{lights}  \n"
                          + "  \n".join(f"{label}: {plain(text, multiline=True)}" for label, text in lines))
    return "\n\n".join(paragraphs)
