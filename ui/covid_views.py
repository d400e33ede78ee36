"""The charts of /covid, built once per selection and cached as ready Vega-Lite specs.

Building the Altair charts and converting them (to_dict with schema validation, deep copies) took
most of a rerun. Each view is cached by the small filter values only (never by a DataFrame: hashing
one costs more than the work) and loads its data inside. The page sends the spec with
st.vega_lite_chart, which is what st.altair_chart would send; the Altair chart is rebuilt only
when a PNG or SVG download asks for it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from data_access.metrics import school_year_bounds, school_year_of
from data_access.periods import PeriodRow, Window
from data_access.queries import contacts
from data_access.queries.contacts import CHART_TARGETS
from ui import covid_charts, covid_data, covid_tables, covid_tiles

MAX_ENTRIES = 64  # an entry: a few hundred kB at region scale (the heat map's Arrow data)


def chart_range(periods: list) -> tuple[dt.date, dt.date]:
    """The school years that hold the group's COVID periods."""
    first = school_year_bounds(school_year_of(min(p.start for p in periods)))[0]
    last = school_year_bounds(school_year_of(max(p.end for p in periods)))[1]
    return first, last


def streamlit_spec(chart: alt.TopLevelMixin) -> dict | None:
    """The spec st.altair_chart makes of ``chart`` (with its Arrow datasets), or None if this
    Streamlit version has no such converter (then the page calls st.altair_chart itself)."""
    try:
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
    except ImportError:
        return None
    return _convert_altair_to_vega_lite_spec(chart)


# --- the figures of the chosen period, and the tables -----------------------------------------


@dataclass(frozen=True)
class ReportView:
    """The chosen period's texts and tables, as the page shows them."""

    no_contacts: bool  # nothing recorded: the page says so instead of showing zeros
    baseline: Window
    heatmap_range: tuple[dt.date, dt.date]  # the period and its baseline
    windows: covid_tiles.WindowsText
    tiles: tuple[tuple[covid_tiles.Tile, ...], ...]
    families: pd.DataFrame
    attempts: pd.DataFrame


@st.cache_data(ttl=covid_data.TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def report_view(group: str, period_key: tuple[int, ...], direction: str, suppress: bool) -> ReportView | None:
    """None if the period no longer exists."""
    report = covid_data.period_report(group, period_key, direction)
    if report is None:
        return None
    windows = [report.window] + ([report.baseline] if not report.baseline.is_empty else [])
    return ReportView(covid_tiles.has_no_contacts(report), report.baseline,
                      (min(w.start for w in windows), max(w.end for w in windows)),
                      covid_tiles.windows_text(report), covid_tiles.tiles(report, suppress),
                      covid_tiles.family_table(report, suppress), covid_tiles.attempts_table(report, suppress))


@dataclass(frozen=True)
class ComparisonView:
    table: pd.DataFrame  # the download
    sections: tuple[tuple[str, pd.DataFrame], ...]  # per period: heading, rows


@st.cache_data(ttl=covid_data.TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def comparison_view(group: str, direction: str, suppress: bool) -> ComparisonView:
    table = covid_tables.comparison_table(covid_data.all_period_reports(group, direction), suppress)
    return ComparisonView(table, covid_tables.comparison_sections(table))


@st.cache_data(ttl=covid_data.TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def mass_contacts_view(group: str, suppress: bool) -> pd.DataFrame | None:
    """The newsletters and information sessions table; None if there are none."""
    start, end = chart_range(covid_data.covid_periods(group))
    frame = covid_data.mass_contacts(group, start, end)
    return None if frame.empty else covid_tables.mass_contacts_table(frame, suppress)


# --- contacts per week or month -------------------------------------------------------------


@dataclass(frozen=True)
class PanelView:
    target: str
    title: str
    has_rows: bool  # False: nothing to draw (all counts hidden or none); the page says so
    spec: dict | None  # None without rows, or if this Streamlit has no converter


@dataclass(frozen=True)
class OverTimeView:
    """The panels of the over-time tab for one selection, and what rebuilds them for a download."""

    empty: bool  # no contacts at all in these school years
    start: dt.date
    end: dt.date
    unit: str
    data: pd.DataFrame  # covid_charts.over_time_chart_data
    shading: pd.DataFrame  # covid_charts.shading_data
    panels: tuple[PanelView, ...]

    def charts(self) -> list[tuple[str, alt.LayerChart]]:
        return covid_charts.over_time_charts(self.data, self.shading, self.start, self.end, self.unit)

    def download_chart(self) -> alt.VConcatChart:
        return covid_charts.download_chart(self.charts())


@st.cache_data(ttl=covid_data.TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def over_time_view(group: str, unit: str, suppress: bool, baseline: Window | None) -> OverTimeView:
    """The over-time panels; ``baseline``: the chosen period's baseline (shaded blue)."""
    closures = covid_data.covid_periods(group)
    start, end = chart_range(closures)
    frame = covid_data.contacts_over_time(group, start, end, unit)
    if frame.empty:
        return OverTimeView(True, start, end, unit, pd.DataFrame(), pd.DataFrame(), ())
    data = covid_charts.over_time_chart_data(contacts.suppressed_over_time(frame, suppress), unit)
    shading = covid_charts.shading_data(closures, baseline)
    charts = covid_charts.over_time_charts(data, shading, start, end, unit)
    drawn = set(data["target"])
    panels = tuple(PanelView(target, chart.title, target in drawn,
                             streamlit_spec(chart) if target in drawn else None)
                   for target, chart in charts)
    assert tuple(p.target for p in panels) == CHART_TARGETS
    return OverTimeView(False, start, end, unit, data, shading, panels)


# --- school × week ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatmapView:
    empty: bool  # no schools in scope
    grid: pd.DataFrame
    period: PeriodRow
    start: dt.date
    end: dt.date
    spec: dict | None

    def chart(self) -> alt.LayerChart:
        return covid_charts.heatmap_chart(self.grid, self.period, self.start, self.end)

    def download_chart(self) -> alt.LayerChart:
        return self.chart().properties(width=900, autosize=alt.AutoSizeParams(type="pad"))


@st.cache_data(ttl=covid_data.TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def heatmap_view(group: str, period: PeriodRow, start: dt.date, end: dt.date) -> HeatmapView:
    """The heat map of the weeks ``start``–``end`` (the period and its baseline)."""
    grid = covid_data.heatmap_grid(group, start, end)
    if grid.empty:
        return HeatmapView(True, grid, period, start, end, None)
    view = HeatmapView(False, grid, period, start, end, None)
    return HeatmapView(False, grid, period, start, end, streamlit_spec(view.chart()))


class DownloadChart:
    """A view's Altair chart, built only when a PNG or SVG download asks for it."""

    def __init__(self, view: OverTimeView | HeatmapView):
        self.view = view

    def to_json(self, *args, **kwargs) -> str:
        return self.view.download_chart().to_json(*args, **kwargs)
