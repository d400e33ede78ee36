"""History of the lights: per action a compact timeline, 3 rows (Kwaliteit/Tijd/Geld) × periods.

Colour *and* shape carry the light (● groen, ▲ oranje, ■ rood, ✕ geen rapportage), so the chart
reads in black and white and for colour-blind users; the explanation is in the tooltip and in
an expander below the chart.
"""
from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from data_access.queries.status import (
    LIGHT_COLUMNS, NO_REPORT, Period, explanation_lines, light_text,
)
from ui import format as fmt
from ui.downloads import chart_downloads

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


def history_section(actions: pd.DataFrame, history: pd.DataFrame, periods: list[Period]) -> None:
    titles = dict(zip(actions["action_id"], actions["code"] + " — " + actions["title"]))
    action_id = st.selectbox("LEA-actie", list(titles), format_func=titles.get, key="history_action")
    of_action = history[history["action_id"] == action_id]
    if of_action.empty:
        st.info("Voor deze actie is nog geen statusrapportage vastgelegd.")
        return
    frame = timeline_frame(of_action, periods)
    chart = timeline_chart(frame, f"Verloop {titles[action_id]}")
    st.altair_chart(chart, width="stretch",
                    alt=f"Verloop van Kwaliteit, Tijd en Geld over de rapportageperioden voor {titles[action_id]}")
    chart_downloads(chart, f"verloop-{actions.set_index('action_id').loc[action_id, 'code']}",
                    key=f"history-{action_id}")
    with st.expander("Toelichting per periode (nieuwste eerst)", expanded=True):
        explanation_by_period(of_action, periods)


def explanation_by_period(of_action: pd.DataFrame, periods: list[Period]) -> None:
    """Every period that has a report; periods without one are visible in the chart."""
    reports = of_action.set_index("period_id")
    for period in reversed(periods):
        if period.id not in reports.index:
            continue
        report = reports.loc[period.id]
        lights = " · ".join(f"{label} {light_text(report[key])}" for key, label in LIGHT_COLUMNS.items())
        lines = explanation_lines(report) or [("Toelichting", "alle lichten groen")]
        st.markdown(f"**{period.name}** ({fmt.date(period.start)} t/m {fmt.date(period.end)}) — {lights}  \n"
                    + "  \n".join(f"{label}: {text}" for label, text in lines))
