"""Altair charts of the /scholen page, with Dutch axes, Dutch tooltips and a meeting-mode size.

Every chart takes frames whose tooltip columns are already formatted Dutch strings (so a
suppressed value reads "<5" or "verborgen" in the tooltip too) and a :class:`ChartStyle`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import pandas as pd

from ui import format as fmt
from ui.labels import CATEGORY_LABELS
from ui.schools.labels import CATEGORY_COLORS, PERIOD_KIND_COLORS, PERIOD_KIND_LABELS, POSITION_COLORS, POSITION_LABELS

MONTHS = "['jan','feb','mrt','apr','mei','jun','jul','aug','sep','okt','nov','dec']"
TIME_LABELS = (
    "date(datum.value) == 1 && month(datum.value) == 0 ? timeFormat(datum.value, '%Y') : "
    f"(date(datum.value) == 1 ? {MONTHS}[month(datum.value)] : "
    f"date(datum.value) + ' ' + {MONTHS}[month(datum.value)])"
)


@dataclass(frozen=True)
class ChartStyle:
    """Sizes for a normal screen or a projector (meeting mode)."""

    meeting: bool = False

    @property
    def height(self) -> int:
        return 460 if self.meeting else 320

    @property
    def row_height(self) -> int:
        return 30 if self.meeting else 20

    @property
    def font(self) -> int:
        return 17 if self.meeting else 12

    @property
    def title_font(self) -> int:
        return 19 if self.meeting else 13

    def apply(self, chart: alt.TopLevelMixin, legend_columns: int = 4) -> alt.TopLevelMixin:
        return (chart.configure_axis(labelFontSize=self.font, titleFontSize=self.title_font, labelLimit=320)
                .configure_legend(labelFontSize=self.font, titleFontSize=self.title_font, labelLimit=400, titleLimit=400,
                                  orient="bottom", columns=legend_columns)
                .configure_view(strokeWidth=0))  # Dutch numbers and text colour: ui.chart_theme


# A school year's label ("2019/20") at its middle (1 February), so it sits under its bar.
SCHOOL_YEAR_LABELS = ("toString(year(datum.value) - 1) + '/' + "
                      "substring(toString(year(datum.value)), 2, 4)")


def time_axis(title: str | None = None, school_years: list[int] | None = None) -> alt.Axis:
    """Dutch dates on a time axis; with ``school_years`` one label per school year, 2019/20."""
    if school_years:
        middles = [alt.DateTime(year=y + 1, month=2, date=1) for y in school_years]
        return alt.Axis(title=title, values=middles, labelExpr=SCHOOL_YEAR_LABELS, labelAngle=0)
    return alt.Axis(title=title, labelExpr=TIME_LABELS, labelAngle=0)


def _school_years(points: pd.DataFrame, grain: str) -> list[int] | None:
    if grain != "school_year":
        return None
    return sorted({d.year for d in pd.to_datetime(points["period_start"])})


def value_axis(title: str, decimals: int, suffix: str = "") -> alt.Axis:
    return alt.Axis(title=title, labelExpr=fmt.vega_number_expr(decimals, suffix))


# --- trends --------------------------------------------------------------------------------


SHADING_COLUMNS = ["start", "end_exclusive", "soort", "naam", "van", "tot", "sectoren"]


def period_shading(periods: pd.DataFrame) -> alt.Chart:
    """COVID closures and holidays as shaded bands with their own legend."""
    kinds = [k for k in PERIOD_KIND_LABELS if k in set(periods["kind"])]
    return alt.Chart(periods[SHADING_COLUMNS]).mark_rect(opacity=0.22).encode(
        x="start:T", x2="end_exclusive:T",
        color=alt.Color("soort:N", title="Periode",
                        scale=alt.Scale(domain=[PERIOD_KIND_LABELS[k] for k in kinds],
                                        range=[PERIOD_KIND_COLORS[k] for k in kinds])),
        tooltip=[alt.Tooltip("naam:N", title="Periode"), alt.Tooltip("soort:N", title="Soort"),
                 alt.Tooltip("van:N", title="Van"), alt.Tooltip("tot:N", title="Tot en met"),
                 alt.Tooltip("sectoren:N", title="Sector")],
    )


TREND_TOOLTIP = [
    alt.Tooltip("periode:N", title="Periode"),
    alt.Tooltip("reeks:N", title="Selectie"),
    alt.Tooltip("categorie:N", title="Categorie"),
    alt.Tooltip("verzuim:N", title="Verzuim"),
    alt.Tooltip("teller:N", title="Verzuimuren (teller)"),
    alt.Tooltip("noemer:N", title="Mogelijke uren (noemer)"),
    alt.Tooltip("leerlingen:N", title="Leerlingen ingeschreven"),
]
TOOLTIP_COLUMNS = ["periode", "reeks", "categorie", "verzuim", "teller", "noemer", "leerlingen"]


def stacked(points: pd.DataFrame) -> pd.DataFrame:
    """Bottom and top of each category's bar segment (hidden values take no room)."""
    out = points.sort_values(["period_start", "volgorde"]).copy()
    heights = out["rate_pct"].fillna(0)
    out["top"] = heights.groupby(out["period_start"]).cumsum()
    out["bottom"] = out["top"] - heights
    return out[out["rate_pct"].notna()]


def trend_by_category(points: pd.DataFrame, periods: pd.DataFrame, style: ChartStyle, grain: str = "month",
                      axis_title: str = "Verzuim (% van de schooluren)", decimals: int = 1) -> alt.TopLevelMixin:
    """Stacked bars spanning their week / month / year: the absence rate split by category,
    on shaded periods."""
    present = [c for c in CATEGORY_LABELS if CATEGORY_LABELS[c] in set(points["categorie"])]
    columns = ["period_start", "period_end", "top", "bottom", *TOOLTIP_COLUMNS]  # only what the chart uses
    bars = alt.Chart(stacked(points)[columns]).mark_bar(stroke="white", strokeWidth=0.3).encode(
        x=alt.X("period_start:T", axis=time_axis(school_years=_school_years(points, grain))),
        x2="period_end:T",
        y=alt.Y("top:Q", axis=value_axis(axis_title, decimals, "%")),
        y2="bottom:Q",
        color=alt.Color("categorie:N", title="Categorie", sort=[CATEGORY_LABELS[c] for c in present],
                        scale=alt.Scale(domain=[CATEGORY_LABELS[c] for c in present],
                                        range=[CATEGORY_COLORS[c] for c in present])),
        tooltip=TREND_TOOLTIP,
    )
    return _with_shading(bars, periods, style)


# Lines told apart without colour (issue 15): each school its own Okabe–Ito colour, dash pattern
# and marker shape, and its name at the line's end. Without bluish green (it would stand beside the
# vermillion: red beside green) and yellow (too light for a line on white).
SERIES_COLORS = ("#0072B2", "#E69F00", "#000000", "#CC79A7", "#D55E00", "#56B4E9")
SERIES_DASHES = ([1, 0], [8, 4], [2, 3], [12, 3, 3, 3], [5, 5], [1, 5], [16, 6], [6, 2, 2, 2, 2, 2])
SERIES_SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-right")
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")  # the plot keeps its set height
END_LABEL_LIMIT = 150  # px: a long school name is cut off with "…" rather than squeeze the chart


def series_styles(names: list[str]) -> dict[str, tuple[str, list[int], str]]:
    """Colour, dash and shape per series, in the order given: colours and dashes repeat in
    cycles of 6 and 8, so the first 24 series all differ in colour and dash together, and
    every two neighbours differ in all three."""
    return {name: (SERIES_COLORS[i % len(SERIES_COLORS)], SERIES_DASHES[i % len(SERIES_DASHES)],
                   SERIES_SHAPES[i % len(SERIES_SHAPES)]) for i, name in enumerate(names)}


def nice_top(value: float) -> float:
    """The top of a value axis from 0: the first multiple of a 1-2-2,5-5 step at or above
    ``value`` with at most 8 steps (1,37 → 1,4; 13,7 → 14; 0 or nothing → 1)."""
    if not value or value != value or value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value / 8))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if value / (m * magnitude) <= 8)
    return round(math.ceil(round(value / step, 9)) * step, 10)


def dodge(values: list[float], gap: float, top: float) -> list[float]:
    """Label positions near ``values`` (same order), at least ``gap`` apart, within 0 … ``top``
    where there is room: pushed up from the lowest, then back down from ``top``."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed = [0.0] * len(values)
    previous = None
    for i in order:
        placed[i] = values[i] if previous is None else max(values[i], previous + gap)
        previous = placed[i]
    ceiling = top
    for i in reversed(order):
        placed[i] = max(min(placed[i], ceiling), 0.0)
        ceiling = placed[i] - gap
    return placed


def end_labels(points: pd.DataFrame, top: float, height: int, font: int) -> pd.DataFrame:
    """Each series' last plotted point with its name, and the label's height on the value axis
    (``label_y``): at the point, moved apart so two labels are at least a line of text
    (``font`` + 3 px on a plot of ``height`` px from 0 to ``top``) apart."""
    shown = points[points["rate_pct"].notna()].sort_values("period_start")
    last = shown.groupby("reeks", sort=True).tail(1)[["reeks", "period_start", "rate_pct"]].reset_index(drop=True)
    last["label_y"] = dodge(last["rate_pct"].tolist(), (font + 3) * top / height, top)
    return last


def trend_by_series(points: pd.DataFrame, periods: pd.DataFrame, style: ChartStyle,
                    grain: str = "month") -> alt.TopLevelMixin:
    """One line per chosen school (the chosen categories together), on shaded periods. A line
    is told apart by colour, dash pattern and marker shape, and named at its end."""
    columns = ["period_start", "rate_pct", *TOOLTIP_COLUMNS]  # only what the chart uses
    names = sorted(points["reeks"].dropna().unique().tolist())
    styles = series_styles(names)
    top = nice_top(points["rate_pct"].max())
    y_scale = alt.Scale(domain=[0, top], nice=False, zero=True)
    x = alt.X("period_start:T", axis=time_axis(school_years=_school_years(points, grain)))
    def by_school(channel, range_):
        # no legend: the name at each line's end says which school it is (a colour legend is of
        # no use to whom cannot tell the colours apart, and Vega-Lite draws no merged legend of
        # colour, dash and shape for a line with markers)
        return channel("reeks:N", title="School", sort=names, scale=alt.Scale(domain=names, range=range_),
                       legend=None)

    colors = [styles[n][0] for n in names]
    base = alt.Chart(points[columns]).encode(x=x, y=alt.Y("rate_pct:Q", scale=y_scale,
                                                          axis=value_axis("Verzuim (% van de schooluren)", 1, "%")),
                                             tooltip=TREND_TOOLTIP)
    lines = base.mark_line(strokeWidth=3 if style.meeting else 2).encode(
        color=by_school(alt.Color, colors), strokeDash=by_school(alt.StrokeDash, [styles[n][1] for n in names]))
    markers = base.mark_point(filled=True, size=70 if style.meeting else 45, opacity=1).encode(
        color=by_school(alt.Color, colors), shape=by_school(alt.Shape, [styles[n][2] for n in names]))
    ends = end_labels(points, top, style.height, style.font)
    labels = alt.Chart(ends).mark_text(align="left", baseline="middle", dx=8, fontSize=style.font,
                                       limit=END_LABEL_LIMIT).encode(
        x=x, y=alt.Y("label_y:Q", scale=y_scale), text="reeks:N")
    # fit the width only: the plot is then exactly style.height high, which the labels' spacing
    # counts on (with "fit" the legend and axis would squeeze the plot)
    return _with_shading(alt.layer(lines, markers, labels), periods, style).properties(autosize=FIT_WIDTH)


def _with_shading(chart: alt.Chart, periods: pd.DataFrame, style: ChartStyle) -> alt.TopLevelMixin:
    layers = [period_shading(periods), chart] if not periods.empty else [chart]
    layered = alt.layer(*layers).resolve_scale(color="independent").properties(height=style.height, width="container")
    return style.apply(layered)


# --- comparison ----------------------------------------------------------------------------


def comparison_dots(rows: pd.DataFrame, tooltip: list[tuple[str, str]], municipal: float | None,
                    municipal_text: str, axis_title: str, decimals: int, suffix: str,
                    style: ChartStyle) -> alt.TopLevelMixin:
    """A dot per school/group with its 95 % interval as a bar, the municipal average as a dashed
    line, similar schools as ◇. The value axis starts at 0, so a small difference looks small;
    the colour says higher or lower only where the interval excludes the municipal value."""
    order = rows.sort_values("value", ascending=False)["group"].tolist()
    y = alt.Y("group:N", sort=order, title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False))
    upper = [v for v in (rows["value"].max(), rows["high"].max(), rows["peer_value"].max(), municipal)
             if v is not None and not pd.isna(v)]
    scale = alt.Scale(domain=[0, max(upper) * 1.05 if upper and max(upper) > 0 else 1], nice=True, zero=True)
    x = alt.X("value:Q", axis=value_axis(axis_title, decimals, suffix), scale=scale)
    present = [key for key in POSITION_LABELS if POSITION_LABELS[key] in set(rows["positie"])]
    color = alt.Color("positie:N", title="Ten opzichte van de gemeente",
                      scale=alt.Scale(domain=[POSITION_LABELS[k] for k in present],
                                      range=[POSITION_COLORS[k] for k in present]))
    tips = [alt.Tooltip(c, title=t) for c, t in tooltip]
    layers = []
    intervals = rows[rows["low"].notna() & rows["high"].notna()]
    if not intervals.empty:
        layers.append(alt.Chart(intervals).mark_rule(strokeWidth=3 if style.meeting else 2, opacity=0.75).encode(
            x=alt.X("low:Q", scale=scale), x2="high:Q", y=y, color=color, tooltip=tips))
    layers.append(alt.Chart(rows).mark_circle(size=160 if style.meeting else 90, opacity=1).encode(
        x=x, y=y, color=color, tooltip=tips))
    peers = rows[rows["peer_value"].notna()]
    if not peers.empty:
        layers.append(alt.Chart(peers).mark_point(shape="diamond", filled=False, color="#222222",
                                                  size=140 if style.meeting else 80).encode(
            x=alt.X("peer_value:Q", scale=scale), y=y,
            shape=alt.Shape("peer_label:N", title=None, scale=alt.Scale(range=["diamond"]),
                            legend=alt.Legend(orient="top", offset=22)),
            tooltip=[alt.Tooltip("group:N", title="School"),
                     alt.Tooltip("peer_text:N", title="Vergelijkbare scholen")],
        ))
    if municipal is not None:
        rule = pd.DataFrame({"value": [municipal], "label": ["gemiddelde gemeente"],
                             "text": [municipal_text]})
        line = alt.Chart(rule).encode(x=alt.X("value:Q", scale=scale), tooltip=[alt.Tooltip("text:N", title="Gemeente")])
        layers.append(line.mark_rule(color="#222222", strokeWidth=2, strokeDash=[6, 4]))
        # named at its top instead of in a legend: a third legend did not fit a phone
        layers.append(line.mark_text(y=0, dy=-8, fontSize=style.font, color="#222222", align="center").encode(
            text="label:N"))
    height = max(160, style.row_height * len(rows)) + (150 if style.meeting else 110)  # + axis and legends
    chart = alt.layer(*layers).resolve_scale(shape="independent")
    # the colour legend below, one entry per line, the ◇ above: each fits a phone (390 px); side by
    # side at the bottom the last one was cut off
    return style.apply(chart.properties(height=height, width="container"), legend_columns=1)


def registration_scatter(rows: pd.DataFrame, tooltip: list[tuple[str, str]],
                         municipal: tuple[float | None, float | None], style: ChartStyle) -> alt.TopLevelMixin:
    """Known-code share against reporting compliance: one dot per school/group."""
    points = alt.Chart(rows).mark_circle(size=220 if style.meeting else 120, opacity=0.85, color="#1f5f8b").encode(
        x=alt.X("known_pct:Q", scale=alt.Scale(domain=[0, 100]),  # from 0: a small gap looks small
                axis=value_axis("Verzuim met bekende code (% van de uren)", 1, "%")),
        y=alt.Y("compliance_pct:Q", scale=alt.Scale(domain=[0, 100]),
                axis=value_axis("Meldtrouw: signalen op tijd gemeld (%)", 0, "%")),
        tooltip=[alt.Tooltip(c, title=t) for c, t in tooltip],
    )
    layers = [points]
    known, compliance = municipal
    if known is not None:
        layers.append(alt.Chart(pd.DataFrame({"v": [known]})).mark_rule(color="#b2182b", strokeDash=[6, 4]).encode(x="v:Q"))
    if compliance is not None:
        layers.append(alt.Chart(pd.DataFrame({"v": [compliance]})).mark_rule(color="#b2182b", strokeDash=[6, 4]).encode(y="v:Q"))
    return style.apply(alt.layer(*layers).properties(height=style.height, width="container"))


# --- pilot ---------------------------------------------------------------------------------


PILOT_SERIES = ("pilotscholen", "overige scholen", "pilotscholen zonder pilot (verwacht)")
PILOT_PHASES = ("vóór de pilot", "tijdens de pilot", "na de pilot")
# per series: colour (Okabe–Ito), dash, marker, marker size, sideways offset (px). Two lines with
# the same values stay visible: the others 4 px to the right of the pilot schools, with a larger
# square behind the pilot's circle; the expected line (the pilot schools' own start plus the
# others' change) dashed in a lighter blue over the pilot line.
PILOT_STYLES = {
    "pilotscholen": ("#0072B2", [1, 0], "circle", 90, -4),
    "overige scholen": ("#E69F00", [1, 0], "square", 130, 4),
    "pilotscholen zonder pilot (verwacht)": ("#56B4E9", [6, 4], "diamond", 90, -4),
}
LABEL_GAP = 12  # px between a point and its label


def label_side(phase: str, series: str, phases: list[str]) -> str:
    """Where a value's label goes: left of the first phase's points and right of the last
    one's, away from the lines; in a phase between, the pilot schools left and the others right."""
    if phase == phases[0]:
        return "left"
    if phase == phases[-1]:
        return "right"
    return "left" if series == PILOT_SERIES[0] else "right"


def pilot_label_positions(points: pd.DataFrame, top: float, height: int, font: int) -> pd.DataFrame:
    """The labelled points (``tekst`` not empty) with their ``side`` (:func:`label_side`) and
    ``label_y``: at the point, moved apart so two labels on one side of a phase are at least a
    line of text (``font`` + 3 px on a plot of ``height`` px from 0 to ``top``) apart."""
    phases = [p for p in PILOT_PHASES if p in set(points["fase"])]
    labelled = points[points["tekst"].fillna("") != ""].reset_index(drop=True)
    labelled["side"] = [label_side(f, r, phases) for f, r in zip(labelled["fase"], labelled["reeks"])]
    labelled["label_y"] = labelled["value"].astype(float)
    gap = (font + 3) * top / height
    for _, group in labelled.groupby(["fase", "side"]):
        labelled.loc[group.index, "label_y"] = dodge(group["value"].astype(float).tolist(), gap, top)
    return labelled


def pilot_chart(points: pd.DataFrame, axis_title: str, decimals: int, suffix: str,
                style: ChartStyle) -> alt.TopLevelMixin:
    """Pilot and other schools before, during and (once it ended) after the pilot; dashed: the
    pilot schools had they followed the other schools (the gap is the difference-in-differences).
    The axis starts at 0; each series has its own colour, marker and offset, and labels that do
    not overlap (pilot schools left of their point, the others right, moved apart vertically)."""
    series = list(PILOT_SERIES)
    top = nice_top(points["value"].max())
    y = alt.Y("value:Q", axis=value_axis(axis_title, decimals, suffix), scale=alt.Scale(domain=[0, top], nice=False))
    # room left of the first phase and right of the last for their labels (in steps between phases)
    # and each phase on two lines ("tijdens" / "de pilot"): on a phone all three fit
    two_lines = ("[slice(datum.label, 0, indexof(datum.label, ' ')), "
                 "slice(datum.label, indexof(datum.label, ' ') + 1)]")
    x = alt.X("fase:N", sort=list(PILOT_PHASES), title=None, scale=alt.Scale(padding=0.9),
              axis=alt.Axis(labelAngle=0, labelExpr=two_lines, labelOverlap=False))
    # the legend shows each line as it is drawn: colour and dash
    legend = dict(title=None, sort=series,
                  legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolSize=600))
    tooltip = [alt.Tooltip("reeks:N", title="Groep"), alt.Tooltip("fase:N", title="Fase"),
               alt.Tooltip("tekst:N", title="Waarde"), alt.Tooltip("uitleg:N", title="Teller / noemer")]
    layers = []
    # the others first, then the pilot schools over them, and the expected line dashed on top: a
    # dashed line lets the one below show through its gaps
    for name in (series[1], series[0], series[2]):
        colour, dash, shape, size, offset = PILOT_STYLES[name]
        part = points[points["reeks"] == name]
        if part.empty:
            continue
        base = alt.Chart(part).encode(
            x=x, y=y, tooltip=tooltip,
            color=alt.Color("reeks:N", **legend,
                            scale=alt.Scale(domain=series, range=[PILOT_STYLES[s][0] for s in series])),
            strokeDash=alt.StrokeDash("reeks:N", **legend,
                                      scale=alt.Scale(domain=series, range=[PILOT_STYLES[s][1] for s in series])))
        layers.append(base.mark_line(strokeWidth=(4 if style.meeting else 3) - (name == series[2]), xOffset=offset))
        layers.append(base.mark_point(filled=name != series[2], shape=shape, size=size * (1.8 if style.meeting else 1),
                                      xOffset=offset, opacity=1, strokeWidth=2))
    labels = pilot_label_positions(points, top, style.height, style.font)
    label_y = alt.Y("label_y:Q", scale=alt.Scale(domain=[0, top], nice=False))
    for side, sign in (("left", -1), ("right", 1)):
        part = labels[labels["side"] == side]
        if part.empty:
            continue
        text = alt.Chart(part).mark_text(align="right" if side == "left" else "left", baseline="middle",
                                         dx=sign * (LABEL_GAP + 4), fontSize=style.font, fontWeight="bold")
        # a white halo first: a label that a line crosses stays readable
        layers.append(text.encode(x=x, y=label_y, text="tekst:N").mark_text(
            align="right" if side == "left" else "left", baseline="middle", dx=sign * (LABEL_GAP + 4),
            fontSize=style.font, fontWeight="bold", stroke="white", strokeWidth=4, strokeJoin="round"))
        layers.append(text.encode(x=x, y=label_y, text="tekst:N", tooltip=tooltip))
    chart = alt.layer(*layers).properties(height=style.height, width="container", autosize=FIT_WIDTH)
    return style.apply(chart, legend_columns=1)
