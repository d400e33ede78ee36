"""Altair charts of the /scholen page, with Dutch axes, Dutch tooltips and a meeting-mode size.

Every chart takes frames whose tooltip columns are already formatted Dutch strings (so a
suppressed value reads "<5" or "verborgen" in the tooltip too) and a :class:`ChartStyle`.
"""
from __future__ import annotations

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


def trend_by_series(points: pd.DataFrame, periods: pd.DataFrame, style: ChartStyle,
                    grain: str = "month") -> alt.TopLevelMixin:
    """One line per chosen school (the chosen categories together), on shaded periods."""
    columns = ["period_start", "rate_pct", *TOOLTIP_COLUMNS]  # only what the chart uses
    lines = alt.Chart(points[columns]).mark_line(point=alt.OverlayMarkDef(size=30 if not style.meeting else 60),
                                        strokeWidth=3 if style.meeting else 2).encode(
        x=alt.X("period_start:T", axis=time_axis(school_years=_school_years(points, grain))),
        y=alt.Y("rate_pct:Q", axis=value_axis("Verzuim (% van de schooluren)", 1, "%")),
        color=alt.Color("reeks:N", title="School"),
        tooltip=TREND_TOOLTIP,
    )
    return _with_shading(lines, periods, style)


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


def pilot_chart(points: pd.DataFrame, axis_title: str, decimals: int, suffix: str,
                style: ChartStyle) -> alt.TopLevelMixin:
    """Pilot and other schools before, during and (once it ended) after the pilot; dashed: the
    pilot schools had they followed the other schools (the gap is the difference-in-differences)."""
    series = ["pilotscholen", "overige scholen", "pilotscholen zonder pilot (verwacht)"]
    base = alt.Chart(points).encode(
        x=alt.X("fase:N", sort=["vóór de pilot", "tijdens de pilot", "na de pilot"], title=None,
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", axis=value_axis(axis_title, decimals, suffix), scale=alt.Scale(zero=True)),
        color=alt.Color("reeks:N", title=None, sort=series,
                        scale=alt.Scale(domain=series, range=["#1f5f8b", "#8c8c8c", "#1f5f8b"])),
        strokeDash=alt.StrokeDash("reeks:N", title=None, sort=series,
                                  scale=alt.Scale(domain=series, range=[[1, 0], [1, 0], [6, 4]])),
        tooltip=[alt.Tooltip("reeks:N", title="Groep"), alt.Tooltip("fase:N", title="Fase"),
                 alt.Tooltip("tekst:N", title="Waarde"), alt.Tooltip("uitleg:N", title="Teller / noemer")],
    )
    lines = base.mark_line(strokeWidth=4 if style.meeting else 3)
    dots = base.mark_point(filled=True, size=160 if style.meeting else 90)
    labels = base.mark_text(dy=-14, fontSize=style.font, fontWeight="bold").encode(text="tekst:N")
    return style.apply(alt.layer(lines, dots, labels).properties(height=style.height, width="container"),
                       legend_columns=1)
