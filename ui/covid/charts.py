"""Charts on /covid: contacts per week with the closures shaded, and the school × week heat map."""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from data_access.definitions.calendar import next_month_start
from data_access.periods import KIND_LABELS, PeriodRow, Window
from data_access.definitions.suppression import COMPLEMENTARY, COMPLEMENTARY_REASON
from data_access.queries.contacts import ALL_CHANNELS, CHART_TARGETS, HEATMAP_LOOKBACK_WEEKS
from ui.covid import format as cf
from ui import format as fmt
from ui.labels import CHANNEL_LABELS, TARGET_PLURAL_LABELS

DUTCH_MONTH_LABELS = (
    "['jan','feb','mrt','apr','mei','jun','jul','aug','sep','okt','nov','dec'][month(datum.value)]"
    " + ' ' + year(datum.value)"
)
CHANNEL_COLOURS = {  # Okabe–Ito: no red beside green
    "Telefoon": "#0072B2", "E-mail": "#56B4E9", "Brief": "#E69F00", "Huisbezoek": "#D55E00",
    "Schoolbezoek": "#CC79A7", "Overleg": "#7f3b08",
}
ALL_CHANNELS_LABEL = "Alle kanalen samen"  # families and youths for roles with suppression
CHANNEL_COLOURS[ALL_CHANNELS_LABEL] = "#332288"  # Tol's indigo: apart from every channel colour
HIDDEN_COLOUR = "#6b6b6b"  # a hidden bucket: grey with 5,3:1 contrast on white, unlike any channel
HIDDEN_MARK_HEIGHT = 12  # pixels
CLOSURE_COLOURS = {"covid_sluiting": "#7f7f7f", "covid_gedeeltelijk": "#c7c7c7"}
BASELINE_COLOUR = "#9ecae1"
RECENCY_CLASSES = (  # (label, colour); order = legend order; blue (recent) to orange (long ago):
    ("Deze week", "#2166ac"),  # a scale readable with red–green colour blindness
    ("1 week geleden", "#67a9cf"),
    ("2–3 weken geleden", "#d1e5f0"),
    ("4–7 weken geleden", "#fdb863"),
    ("8 weken of langer geleden", "#b35806"),
    ("Geen schoolcontact bekend", "#9e9e9e"),
)


CHANNEL_ORDER = list(CHANNEL_COLOURS)
# Fit the width to the page but keep the plot height: Streamlit's default "fit" squeezes the plot
# to make room for title and legend.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def _time_axis(start: dt.date, end: dt.date, field: str = "bucket_start") -> alt.X:
    return alt.X(f"{field}:T", title=None, scale=alt.Scale(domain=[_ts(start), _ts(end)]),
                 axis=alt.Axis(labelExpr=DUTCH_MONTH_LABELS, tickCount="month", labelAngle=0, grid=False))


def _ts(day: dt.date) -> str:
    return pd.Timestamp(day).isoformat()


# --- contacts per week (or month) -----------------------------------------------------------


def bucket_end(start: dt.date, unit: str) -> dt.date:
    """Where a bar ends: a little before the next week or month, so bars stand apart."""
    if unit == "week":
        return start + dt.timedelta(days=6)
    return next_month_start(start) - dt.timedelta(days=3)


def bucket_label(start: dt.date, unit: str) -> str:
    return cf.week_label(start) if unit == "week" else f"{fmt.MONTHS[start.month - 1]} {start.year}"


def hidden_label(threshold: int) -> str:
    """The legend entry of a hidden bucket: "verborgen (<5)"."""
    return f"verborgen (<{threshold})"


def hidden_reason(shown, threshold: int) -> str:
    """Why a bucket is hidden (its tooltip): small, or hidden to protect a small one elsewhere."""
    if shown == COMPLEMENTARY:
        return COMPLEMENTARY_REASON
    return (f"minder dan {threshold} contacten met gezinnen of jongeren; zo'n klein aantal kan naar personen "
            "herleidbaar zijn")


def over_time_chart_data(shown: pd.DataFrame, unit: str = "week", threshold: int | None = None) -> pd.DataFrame:
    """Chart rows from the (possibly suppressed) series, stacked per target and bucket in a fixed
    channel order. A hidden bucket ("<5" or "•"; ``threshold``: the suppressor's) is a row with
    ``hidden`` set and no height: the panel draws it as a grey mark, never as zero or a gap."""
    frame = shown.copy()
    # float64 even when every count is hidden (a column of only None would be object, and the
    # cumulative sum below fails on it)
    frame["value"] = pd.Series([None if isinstance(v, str) else float(v) for v in frame["contacts"]],
                               index=frame.index, dtype="float64")
    frame["hidden"] = frame["value"].isna()
    frame["channel_label"] = [hidden_label(threshold) if hidden else ALL_CHANNELS_LABEL if c == ALL_CHANNELS
                              else CHANNEL_LABELS.get(c, c) for c, hidden in zip(frame["channel"], frame["hidden"])]
    frame["order"] = frame["channel_label"].map(channel_rank)
    frame = frame.sort_values(["target", "bucket_start", "order"], ignore_index=True)
    frame["y_end"] = frame.groupby(["target", "bucket_start"])["value"].cumsum()
    frame["y_start"] = frame["y_end"] - frame["value"]
    frame["contacts_text"] = [cf.count_text(v) for v in frame["contacts"]]
    frame["reached_text"] = [cf.count_text(v) for v in frame["reached"]]
    frame["reason"] = [hidden_reason(v, threshold) if hidden else ""
                       for v, hidden in zip(frame["contacts"], frame["hidden"])]
    frame["target_label"] = frame["target"].map(TARGET_PLURAL_LABELS)
    frame["bucket_label"] = frame["bucket_start"].map(lambda d: bucket_label(d, unit))
    frame["bucket_end"] = frame["bucket_start"].map(lambda d: pd.Timestamp(bucket_end(d, unit)))
    frame["bucket_start"] = frame["bucket_start"].map(pd.Timestamp)
    return frame[["bucket_start", "bucket_end", "bucket_label", "target", "target_label", "channel_label",
                  "y_start", "y_end", "contacts_text", "reached_text", "hidden", "reason"]]


def channel_rank(label: str) -> int:
    return CHANNEL_ORDER.index(label) if label in CHANNEL_ORDER else 99


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


def over_time_panel(data: pd.DataFrame, shading: pd.DataFrame, target: str, start: dt.date, end: dt.date,
                    unit: str = "week", height: int = 190) -> alt.LayerChart:
    """One target: stacked bars per channel, closures (grey) and baseline weeks (blue) behind; a
    hidden bucket is a short grey block on the axis with "verborgen (<5)" in the legend and the
    reason in its tooltip."""
    rows = data[data["target"] == target]
    bars, hidden = rows[~rows["hidden"]], rows[rows["hidden"]]
    # the legend lists what this panel draws; every label keeps its own colour in every panel
    domain = sorted(set(bars["channel_label"]), key=channel_rank) + sorted(set(hidden["channel_label"]))
    colour = alt.Color("channel_label:N", title="Kanaal",
                       scale=alt.Scale(domain=domain, range=[CHANNEL_COLOURS.get(c, HIDDEN_COLOUR) for c in domain]),
                       legend=alt.Legend(orient="top", direction="horizontal"))
    bucket = alt.Tooltip("bucket_label:N", title="Week" if unit == "week" else "Maand")
    with_whom = alt.Tooltip("target_label:N", title="Met")
    layers = [_shading_layer(shading), alt.Chart(bars).mark_rect().encode(
        x=_time_axis(start, end), x2="bucket_end:T",
        y=alt.Y("y_end:Q", title="Contacten"), y2="y_start:Q", color=colour,
        tooltip=[bucket, with_whom, alt.Tooltip("channel_label:N", title="Kanaal"),
                 alt.Tooltip("contacts_text:N", title="Contacten"), alt.Tooltip("reached_text:N", title="Bereikt")],
    )]
    if not hidden.empty:
        # a fixed height in pixels: the block says "a small number, not shown", never a value
        layers.append(alt.Chart(hidden).mark_rect().encode(
            x=_time_axis(start, end), x2="bucket_end:T",
            y=alt.value(height - HIDDEN_MARK_HEIGHT), y2=alt.value(height), color=colour,
            tooltip=[bucket, with_whom, alt.Tooltip("contacts_text:N", title="Contacten"),
                     alt.Tooltip("reason:N", title="Verborgen")],
        ))
    per = "week" if unit == "week" else "maand"
    return alt.layer(*layers).properties(
        title=f"Contacten met {TARGET_PLURAL_LABELS[target].lower()} per {per}", height=height, autosize=FIT_WIDTH)


def over_time_charts(data: pd.DataFrame, shading: pd.DataFrame, start: dt.date, end: dt.date,
                     unit: str = "week") -> list[tuple[str, alt.LayerChart]]:
    return [(target, over_time_panel(data, shading, target, start, end, unit)) for target in CHART_TARGETS]


def download_chart(panels: list[tuple[str, alt.LayerChart]]) -> alt.VConcatChart:
    """All panels in one picture for the PNG/SVG download (a fixed width: there is no page to fit)."""
    plain = [alt.layer(*panel.layer, data=panel.data).properties(title=panel.title, height=panel.height, width=900)
             for _, panel in panels]
    return alt.vconcat(*plain).properties(autosize=alt.AutoSizeParams(type="pad"))


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
    """Chart rows of the grid. Texts and timestamps are made once per distinct week (a grid has
    a row per school × week, the weeks repeat for every school)."""
    frame = grid.copy()
    frame["recency"] = _per_distinct(frame["weeks_since"], recency_class)
    frame["week_label"] = _per_distinct(frame["week_start"], cf.week_label)
    no_contact = f"geen in de {HEATMAP_LOOKBACK_WEEKS} weken ervoor"
    frame["last_text"] = _per_distinct(
        frame["last_contact"], lambda d: cf.week_label(d) if d is not None and not pd.isna(d) else no_contact)
    frame["week_end"] = _per_distinct(frame["week_start"], lambda d: pd.Timestamp(d + dt.timedelta(days=7)))
    frame["week_start"] = _per_distinct(frame["week_start"], pd.Timestamp)
    return frame[["school", "week_start", "week_end", "week_label", "recency", "last_text"]]


def _per_distinct(values: pd.Series, make) -> list:
    """``[make(v) for v in values]``, calling ``make`` once per distinct value (missing values —
    None, NaN, NaT — are one value each and passed as they are)."""
    made: dict = {}
    out = []
    for value in values.tolist():
        key = "<missing>" if value is None or (not isinstance(value, str) and pd.isna(value)) else value
        if key not in made:
            made[key] = make(value)
        out.append(made[key])
    return out


def heatmap_chart(grid: pd.DataFrame, period: PeriodRow, start: dt.date, end: dt.date) -> alt.LayerChart:
    """Schools down, weeks across; the colour says how long ago the school was last contacted."""
    data = heatmap_data(grid)
    schools = sorted(set(data["school"]))
    labels = [label for label, _ in RECENCY_CLASSES]
    cells = alt.Chart(data).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=_time_axis(start, end + dt.timedelta(days=7), "week_start"), x2="week_end:T",
        y=alt.Y("school:N", sort=schools, title=None, axis=alt.Axis(labelLimit=260)),
        color=alt.Color("recency:N", title="Laatste schoolcontact",
                        scale=alt.Scale(domain=labels, range=[colour for _, colour in RECENCY_CLASSES]),
                        legend=alt.Legend(orient="bottom", columns=3, labelLimit=320)),
        tooltip=[alt.Tooltip("school:N", title="School"), alt.Tooltip("week_label:N", title="Week"),
                 alt.Tooltip("last_text:N", title="Laatste schoolcontact"),
                 alt.Tooltip("recency:N", title="Dat is")],
    )
    edges = pd.DataFrame({"at": [pd.Timestamp(period.start), pd.Timestamp(period.end + dt.timedelta(days=1))],
                          "what": [f"Begin {period.name}", f"Einde {period.name}"]})
    rules = alt.Chart(edges).mark_rule(color="#1c2430", strokeWidth=2, strokeDash=[4, 3]).encode(
        x="at:T", tooltip=alt.Tooltip("what:N", title="Grens"))
    return alt.layer(cells, rules).properties(height=alt.Step(22), autosize=FIT_WIDTH)
