"""The charts of /covid, built once per selection and cached as ready Vega-Lite specs.

Building the Altair charts and converting them (to_dict with schema validation, deep copies) costs
more than the rest of the page, so it is done once per selection, not on every rerun. Each view is
cached by the small filter values only (never by a DataFrame: hashing one costs more than the work)
and loads its data inside. The page sends the spec with
st.vega_lite_chart, which is what st.altair_chart would send; the Altair chart is rebuilt only
when a PNG or SVG download asks for it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from data_access.definitions.calendar import school_year_bounds, school_year_of
from data_access.definitions import Suppressor
from data_access.periods import PeriodRow, Window
from data_access.queries import contacts
from data_access.queries.contacts import CHART_TARGETS
from ui.covid import charts as covid_charts
from ui.covid import data as covid_data
from ui.covid import tables as covid_tables
from ui.covid import tiles as covid_tiles
from ui.streamlit_private import arrow_table, vega_lite_spec

MAX_ENTRIES = 64  # an entry: a few hundred kB at region scale (the heat map's Arrow data)


def chart_range(periods: list) -> tuple[dt.date, dt.date]:
    """The school years that hold the group's COVID periods."""
    first = school_year_bounds(school_year_of(min(p.start for p in periods)))[0]
    last = school_year_bounds(school_year_of(max(p.end for p in periods)))[1]
    return first, last


def streamlit_spec(chart: alt.TopLevelMixin) -> dict | None:
    """The spec st.altair_chart makes of ``chart``, or None (then the page calls st.altair_chart)."""
    return vega_lite_spec(chart)


def shown_table(frame: pd.DataFrame):
    """The Arrow table st.dataframe would make of ``frame``, made once per selection."""
    return arrow_table(frame)


# --- the figures of the chosen period, and the tables -----------------------------------------


@dataclass(frozen=True)
class ReportView:
    """The chosen period's texts and tables, as the page shows them."""

    no_contacts: bool  # nothing recorded: the page says so instead of showing zeros
    baseline: Window
    heatmap_range: tuple[dt.date, dt.date]  # the period and its baseline
    windows: covid_tiles.WindowsText
    tiles: tuple[tuple[covid_tiles.Tile, ...], ...]
    families: object  # shown_table of covid_tiles.family_table
    attempts: object  # shown_table of covid_tiles.attempts_table


@st.cache_data(ttl=covid_data.TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def report_view(group: str, period_key: tuple[int, ...], direction: str,
                suppressor: Suppressor | None) -> ReportView | None:
    """None if the period no longer exists."""
    report = covid_data.period_report(group, period_key, direction)
    if report is None:
        return None
    windows = [report.window] + ([report.baseline] if not report.baseline.is_empty else [])
    return ReportView(covid_tiles.has_no_contacts(report), report.baseline,
                      (min(w.start for w in windows), max(w.end for w in windows)),
                      covid_tiles.windows_text(report), covid_tiles.tiles(report, suppressor),
                      shown_table(covid_tiles.family_table(report, suppressor)),
                      shown_table(covid_tiles.attempts_table(report, suppressor)))


@dataclass(frozen=True)
class ComparisonView:
    table: pd.DataFrame  # the download
    sections: tuple[tuple[str, object], ...]  # per period: heading, shown_table of its rows


@st.cache_data(ttl=covid_data.TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def comparison_view(group: str, direction: str, suppressor: Suppressor | None) -> ComparisonView:
    table = covid_tables.comparison_table(covid_data.all_period_reports(group, direction), suppressor)
    return ComparisonView(table, tuple((heading, shown_table(rows))
                                       for heading, rows in covid_tables.comparison_sections(table)))


@dataclass(frozen=True)
class MassContactsView:
    table: pd.DataFrame  # the download
    shown: object  # shown_table of it


@st.cache_data(ttl=covid_data.TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def mass_contacts_view(group: str, suppressor: Suppressor | None) -> MassContactsView | None:
    """The newsletters and information sessions table; None if there are none."""
    start, end = chart_range(covid_data.covid_periods(group))
    frame = covid_data.mass_contacts(group, start, end)
    if frame.empty:
        return None
    table = covid_tables.mass_contacts_table(frame, suppressor)
    return MassContactsView(table, shown_table(table))


# --- contacts per week or month -------------------------------------------------------------


@dataclass(frozen=True)
class PanelView:
    target: str
    title: str
    has_rows: bool  # False: no contacts at all; the page says so
    spec: dict | None  # None without rows, or if this Streamlit has no converter
    shown_buckets: int = 0  # weeks (months) drawn as a bar
    hidden_buckets: int = 0  # weeks (months) drawn as hidden (suppressed)

    @property
    def all_hidden(self) -> bool:
        return self.hidden_buckets > 0 and self.shown_buckets == 0

    @property
    def mostly_hidden(self) -> bool:
        """At least half of the buckets with contacts are hidden: a longer grain shows more."""
        return self.hidden_buckets > 0 and self.hidden_buckets >= self.shown_buckets


@dataclass(frozen=True)
class OverTimeView:
    """The panels of the over-time tab for one selection. The chart rows are not kept: a download
    rebuilds the charts from the (cached) data, so a rerun does not unpickle them."""

    group: str
    unit: str
    suppressor: Suppressor | None
    baseline: Window | None
    empty: bool  # no contacts at all in these school years
    panels: tuple[PanelView, ...]

    def charts(self) -> list[tuple[str, alt.LayerChart]]:
        return over_time_charts(self.group, self.unit, self.suppressor, self.baseline)

    def download_chart(self) -> alt.VConcatChart:
        return covid_charts.download_chart(self.charts())


def over_time_charts(group: str, unit: str, suppressor: Suppressor | None,
                     baseline: Window | None) -> list[tuple[str, alt.LayerChart]]:
    """The Altair panels (target, chart), straight from the data; [] without any contacts."""
    data, shading, start, end = _over_time_data(group, unit, suppressor, baseline)
    return [] if data is None else covid_charts.over_time_charts(data, shading, start, end, unit)


def _over_time_data(group: str, unit: str, suppressor: Suppressor | None, baseline: Window | None):
    closures = covid_data.covid_periods(group)
    start, end = chart_range(closures)
    frame = covid_data.contacts_over_time(group, start, end, unit)
    if frame.empty:
        return None, None, start, end
    data = covid_charts.over_time_chart_data(contacts.suppressed_over_time(frame, suppressor), unit,
                                             suppressor.threshold if suppressor else None)
    return data, covid_charts.shading_data(closures, baseline), start, end


@st.cache_data(ttl=covid_data.TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def over_time_view(group: str, unit: str, suppressor: Suppressor | None, baseline: Window | None) -> OverTimeView:
    """The over-time panels; ``baseline``: the chosen period's baseline (shaded blue)."""
    data, shading, start, end = _over_time_data(group, unit, suppressor, baseline)
    if data is None:
        return OverTimeView(group, unit, suppressor, baseline, True, ())
    charts = covid_charts.over_time_charts(data, shading, start, end, unit)
    drawn = set(data["target"])
    buckets = data.groupby(["target", "bucket_start"])["hidden"].any().groupby("target")
    hidden = buckets.sum().to_dict()
    total = buckets.size().to_dict()
    panels = tuple(PanelView(target, chart.title, target in drawn,
                             streamlit_spec(chart) if target in drawn else None,
                             int(total.get(target, 0) - hidden.get(target, 0)), int(hidden.get(target, 0)))
                   for target, chart in charts)
    assert tuple(p.target for p in panels) == CHART_TARGETS
    return OverTimeView(group, unit, suppressor, baseline, False, panels)


# --- school × week ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatmapView:
    group: str
    period: PeriodRow
    start: dt.date
    end: dt.date
    empty: bool  # no schools in scope
    spec: dict | None

    def chart(self) -> alt.LayerChart:
        return heatmap_chart(self.group, self.period, self.start, self.end)

    def download_chart(self) -> alt.LayerChart:
        return self.chart().properties(width=900, autosize=alt.AutoSizeParams(type="pad"))


def heatmap_chart(group: str, period: PeriodRow, start: dt.date, end: dt.date) -> alt.LayerChart:
    """The Altair heat map, straight from the (cached) grid."""
    return covid_charts.heatmap_chart(covid_data.heatmap_grid(group, start, end), period, start, end)


@st.cache_data(ttl=covid_data.TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def heatmap_view(group: str, period: PeriodRow, start: dt.date, end: dt.date) -> HeatmapView:
    """The heat map of the weeks ``start``–``end`` (the period and its baseline)."""
    if covid_data.heatmap_grid(group, start, end).empty:
        return HeatmapView(group, period, start, end, True, None)
    return HeatmapView(group, period, start, end, False, streamlit_spec(heatmap_chart(group, period, start, end)))


class DownloadChart:
    """A view's Altair chart, built only when a PNG or SVG download asks for it."""

    def __init__(self, view: OverTimeView | HeatmapView):
        self.view = view

    def to_json(self, *args, **kwargs) -> str:
        return self.view.download_chart().to_json(*args, **kwargs)
