"""Charts on /covid: contacts per week with the closures shaded, and the school × week heat map."""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from data_access.periods import KIND_LABELS, PeriodRow, Window
from data_access.queries.contacts import CHANNEL_LABELS, CHART_TARGETS, HEATMAP_LOOKBACK_WEEKS, TARGET_LABELS
from ui import covid_format as cf
from ui import format as fmt

DUTCH_MONTH_LABELS = (
    "['jan','feb','mrt','apr','mei','jun','jul','aug','sep','okt','nov','dec'][month(datum.value)]"
    " + ' ' + year(datum.value)"
)
CHANNEL_COLOURS = {
    "Telefoon": "#1f5f8b", "E-mail": "#59a14f", "Brief": "#edc948", "Huisbezoek": "#e15759",
    "Schoolbezoek": "#76b7b2", "Overleg": "#b07aa1",
}
CLOSURE_COLOURS = {"covid_sluiting": "#7f7f7f", "covid_gedeeltelijk": "#c7c7c7"}
BASELINE_COLOUR = "#9ecae1"
RECENCY_CLASSES = (  # (label, colour); order = legend order
    ("Deze week", "#1a7f37"),
    ("1 week geleden", "#7fbf7b"),
    ("2–3 weken geleden", "#f6d55c"),
    ("4–7 weken geleden", "#f28e2b"),
    ("8 weken of langer geleden", "#c0392b"),
    ("Geen schoolcontact bekend", "#d9d9d9"),
)


def _time_axis(start: dt.date, end: dt.date) -> alt.X:
    return alt.X("week_start:T", title=None, scale=alt.Scale(domain=[_ts(start), _ts(end)]),
                 axis=alt.Axis(labelExpr=DUTCH_MONTH_LABELS, tickCount="month", labelAngle=0, grid=False))


def _ts(day: dt.date) -> str:
    return pd.Timestamp(day).isoformat()


# --- contacts per week ----------------------------------------------------------------------


def weekly_chart_data(shown: pd.DataFrame) -> pd.DataFrame:
    """Chart rows from the (possibly suppressed) weekly series: '<5' cells are not drawn."""
    frame = shown.copy()
    frame["value"] = [None if isinstance(v, str) else float(v) for v in frame["contacts"]]
    frame["contacts_text"] = [cf.count_text(v) for v in frame["contacts"]]
    frame["reached_text"] = [cf.count_text(v) for v in frame["reached"]]
    frame["target_label"] = frame["target"].map(TARGET_LABELS)
    frame["channel_label"] = frame["channel"].map(lambda c: CHANNEL_LABELS.get(c, c))
    frame["week_label"] = frame["week_start"].map(cf.week_label)
    frame["week_end"] = frame["week_start"].map(lambda d: pd.Timestamp(d + dt.timedelta(days=6)))
    frame["week_start"] = frame["week_start"].map(pd.Timestamp)
    return frame[["week_start", "week_end", "week_label", "target", "target_label", "channel_label", "value",
                  "contacts_text", "reached_text"]]


def shading_data(closures: list[PeriodRow], baseline: Window | None) -> pd.DataFrame:
    rows = [{"start": pd.Timestamp(p.start), "end": pd.Timestamp(p.end + dt.timedelta(days=1)),
             "name": p.name, "kind": KIND_LABELS.get(p.kind, p.kind),
             "dates": f"{fmt.date(p.start)} t/m {fmt.date(p.end)}", "colour": CLOSURE_COLOURS.get(p.kind, "#aaaaaa")}
            for p in closures]
    for s, e in (baseline.ranges if baseline else ()):
        rows.append({"start": pd.Timestamp(s), "end": pd.Timestamp(e + dt.timedelta(days=1)),
                     "name": "Basis (normale schoolweken)", "kind": "Vergelijkingsweken",
                     "dates": f"{fmt.date(s)} t/m {fmt.date(e)}", "colour": BASELINE_COLOUR})
    return pd.DataFrame(rows, columns=["start", "end", "name", "kind", "dates", "colour"])


def _shading_layer(shading: pd.DataFrame) -> alt.Chart:
    return alt.Chart(shading).mark_rect(opacity=0.35).encode(
        x="start:T", x2="end:T", color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("name:N", title="Periode"), alt.Tooltip("kind:N", title="Soort"),
                 alt.Tooltip("dates:N", title="Data")],
    )


def weekly_panel(data: pd.DataFrame, shading: pd.DataFrame, target: str, start: dt.date, end: dt.date,
                 height: int = 170) -> alt.LayerChart:
    """One target: stacked bars per channel, closures (grey) and baseline weeks (blue) behind."""
    rows = data[data["target"] == target]
    channels = sorted(set(data["channel_label"]), key=lambda c: list(CHANNEL_COLOURS).index(c)
                      if c in CHANNEL_COLOURS else 99)
    bars = alt.Chart(rows).mark_bar().encode(
        x=_time_axis(start, end), x2="week_end:T",
        y=alt.Y("value:Q", stack="zero", title="Contacten"),
        color=alt.Color("channel_label:N", title="Kanaal",
                        scale=alt.Scale(domain=channels, range=[CHANNEL_COLOURS.get(c, "#999999") for c in channels])),
        order=alt.Order("channel_label:N"),
        tooltip=[alt.Tooltip("week_label:N", title="Week"), alt.Tooltip("target_label:N", title="Met"),
                 alt.Tooltip("channel_label:N", title="Kanaal"), alt.Tooltip("contacts_text:N", title="Contacten"),
                 alt.Tooltip("reached_text:N", title="Bereikt")],
    )
    return alt.layer(_shading_layer(shading), bars).properties(
        title=f"Contacten met {TARGET_LABELS[target].lower()} per week", height=height)


def weekly_charts(data: pd.DataFrame, shading: pd.DataFrame, start: dt.date, end: dt.date) -> list[tuple[str, alt.LayerChart]]:
    return [(target, weekly_panel(data, shading, target, start, end)) for target in CHART_TARGETS]


def weekly_download_chart(panels: list[tuple[str, alt.LayerChart]]) -> alt.VConcatChart:
    return alt.vconcat(*(panel.properties(width=900) for _, panel in panels))


# --- school × week: last contacted ----------------------------------------------------------


def recency_class(weeks_since: float | None) -> str:
    if weeks_since is None or pd.isna(weeks_since):
        return RECENCY_CLASSES[5][0]
    if weeks_since == 0:
        return RECENCY_CLASSES[0][0]
    if weeks_since == 1:
        return RECENCY_CLASSES[1][0]
    if weeks_since <= 3:
        return RECENCY_CLASSES[2][0]
    if weeks_since <= 7:
        return RECENCY_CLASSES[3][0]
    return RECENCY_CLASSES[4][0]


def heatmap_data(grid: pd.DataFrame) -> pd.DataFrame:
    frame = grid.copy()
    frame["recency"] = [recency_class(w) for w in frame["weeks_since"]]
    frame["week_label"] = frame["week_start"].map(cf.week_label)
    frame["last_text"] = [cf.week_label(d) if d is not None and not pd.isna(d)
                          else f"geen in de {HEATMAP_LOOKBACK_WEEKS} weken ervoor" for d in frame["last_contact"]]
    frame["week_end"] = frame["week_start"].map(lambda d: pd.Timestamp(d + dt.timedelta(days=7)))
    frame["week_start"] = frame["week_start"].map(pd.Timestamp)
    return frame[["school", "week_start", "week_end", "week_label", "recency", "last_text"]]


def heatmap_chart(grid: pd.DataFrame, period: PeriodRow, start: dt.date, end: dt.date) -> alt.LayerChart:
    """Schools down, weeks across; the colour says how long ago the school was last contacted."""
    data = heatmap_data(grid)
    schools = sorted(set(data["school"]))
    labels = [label for label, _ in RECENCY_CLASSES]
    cells = alt.Chart(data).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=_time_axis(start, end + dt.timedelta(days=7)), x2="week_end:T",
        y=alt.Y("school:N", sort=schools, title=None, axis=alt.Axis(labelLimit=260)),
        color=alt.Color("recency:N", title="Laatste schoolcontact",
                        scale=alt.Scale(domain=labels, range=[colour for _, colour in RECENCY_CLASSES]),
                        legend=alt.Legend(orient="bottom", columns=3)),
        tooltip=[alt.Tooltip("school:N", title="School"), alt.Tooltip("week_label:N", title="Week"),
                 alt.Tooltip("last_text:N", title="Laatste schoolcontact"),
                 alt.Tooltip("recency:N", title="Dat is")],
    )
    edges = pd.DataFrame({"at": [pd.Timestamp(period.start), pd.Timestamp(period.end + dt.timedelta(days=1))],
                          "what": [f"Begin {period.name}", f"Einde {period.name}"]})
    rules = alt.Chart(edges).mark_rule(color="#1c2430", strokeWidth=2, strokeDash=[4, 3]).encode(
        x="at:T", tooltip=alt.Tooltip("what:N", title="Grens"))
    return alt.layer(cells, rules).properties(height=max(120, 20 * len(schools)))
