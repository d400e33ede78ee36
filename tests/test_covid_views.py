"""The cached views of /covid against the straightforward rendering.

The page sends ready views (ui.covid.views), cached by the filter values: Vega-Lite specs of the
charts, the Arrow tables st.dataframe would make, the tiles' texts. Here they are compared with
what the page sent before it cached them: the Altair charts built from the queries and converted
by st.altair_chart's own converter, the tables made from the period reports. For every sector ×
period × baseline direction × suppressed or not (× week/month for the chart) on the hand-made
fixture, the demo municipality and PostgreSQL; and after new contacts (an import clears the cache).
"""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from sqlalchemy import insert

import test_covid_fixture as fixture
from data_access import aggregates, periods
from data_access.db import make_engine
from data_access.definitions import Suppressor
from data_access.models import Contact
from data_access.queries import contacts
from data_access.queries.contacts import HEATMAP_LOOKBACK_WEEKS
from ui.covid import charts as covid_charts
from ui.covid import tables as covid_tables
from ui.covid import tiles as covid_tiles
from ui.covid import views as covid_views
from ui.covid import format as cf
from ui.covid.views import DownloadChart
from ui.streamlit_private import arrow_table, vega_lite_spec

FIVE = Suppressor(5)  # the default threshold

UNITS = ("week", "month")


# --- the straightforward rendering ----------------------------------------------------------


def reference_over_time(conn, group, unit, suppressor, baseline):
    """(target, Altair chart, has rows) per panel, as the page built them on every rerun; None
    without contacts."""
    closures = periods.covid_periods(conn, group)
    start, end = covid_views.chart_range(closures)
    frame = contacts.contacts_over_time(conn, group, start, end, unit)
    if frame.empty:
        return None
    data = covid_charts.over_time_chart_data(contacts.suppressed_over_time(frame, suppressor), unit)
    shading = covid_charts.shading_data(closures, baseline)
    panels = covid_charts.over_time_charts(data, shading, start, end, unit)
    return [(target, chart, not data[data["target"] == target].empty) for target, chart in panels]


def reference_heatmap_range(report) -> tuple[dt.date, dt.date]:
    windows = [report.window] + ([report.baseline] if not report.baseline.is_empty else [])
    return min(w.start for w in windows), max(w.end for w in windows)


def same_table(shown, frame: pd.DataFrame) -> bool:
    """``shown`` (what the view hands st.dataframe) is what st.dataframe makes of ``frame``."""
    return shown.equals(arrow_table(frame))


def check_views(conn, groups=periods.SECTOR_GROUPS, units=UNITS) -> int:
    """Compare every view with the reference; returns how many selections were compared."""
    compared = 0
    for group in groups:
        choices = periods.period_choices(conn, group)
        if not choices:
            continue
        for suppressor in (None, FIVE):
            for direction in periods.BASELINE_DIRECTIONS:
                check_comparison(conn, group, direction, suppressor)
                for period in choices:
                    check_period(conn, group, period, direction, suppressor, units)
                    compared += 1
            check_mass_contacts(conn, group, suppressor)
    return compared


def check_period(conn, group, period, direction, suppressor, units) -> None:
    report = contacts.period_report(conn, period, group, direction)
    view = covid_views.report_view(group, period.key, direction, suppressor)
    assert view.no_contacts == covid_tiles.has_no_contacts(report)
    assert view.baseline == report.baseline
    assert view.windows == covid_tiles.windows_text(report)
    assert view.tiles == covid_tiles.tiles(report, suppressor)
    assert same_table(view.families, covid_tiles.family_table(report, suppressor))
    assert same_table(view.attempts, covid_tiles.attempts_table(report, suppressor))
    start, end = reference_heatmap_range(report)
    assert view.heatmap_range == (start, end)

    for unit in units:
        over_time = covid_views.over_time_view(group, unit, suppressor, report.baseline)
        panels = reference_over_time(conn, group, unit, suppressor, report.baseline)
        if panels is None:
            assert over_time.empty
            continue
        assert [(p.target, p.title, p.has_rows) for p in over_time.panels] == \
            [(target, chart.title, has_rows) for target, chart, has_rows in panels]
        for panel, (_, chart, has_rows) in zip(over_time.panels, panels):
            assert panel.spec == (vega_lite_spec(chart) if has_rows else None)
        download = covid_charts.download_chart([(target, chart) for target, chart, _ in panels])
        assert DownloadChart(over_time).to_json() == download.to_json()

    grid = contacts.heatmap_grid(conn, group, start, end)
    heatmap = covid_views.heatmap_view(group, period, start, end)
    assert heatmap.empty == grid.empty
    if not grid.empty:
        chart = covid_charts.heatmap_chart(grid, period, start, end)
        assert heatmap.spec == vega_lite_spec(chart)
        assert DownloadChart(heatmap).to_json() == chart.properties(width=900, autosize={"type": "pad"}).to_json()


def check_comparison(conn, group, direction, suppressor) -> None:
    table = covid_tables.comparison_table(contacts.all_period_reports(conn, group, direction), suppressor)
    view = covid_views.comparison_view(group, direction, suppressor)
    pd.testing.assert_frame_equal(view.table, table)
    groups = list(table.groupby(["Periode", "Van – tot"], sort=False))
    assert [heading for heading, _ in view.sections] == [f"**{p}** · {d}" for (p, d), _ in groups]
    for (_, shown), (_, rows) in zip(view.sections, groups):
        assert same_table(shown, rows.drop(columns=["Periode", "Van – tot"]))


def check_mass_contacts(conn, group, suppressor) -> None:
    start, end = covid_views.chart_range(periods.covid_periods(conn, group))
    frame = contacts.mass_contacts_by_period(conn, group, periods.covid_periods(conn, group), start, end)
    view = covid_views.mass_contacts_view(group, suppressor)
    if frame.empty:
        assert view is None
        return
    table = covid_tables.mass_contacts_table(frame, suppressor)
    pd.testing.assert_frame_equal(view.table, table)
    assert same_table(view.shown, table)


# --- the fixture, the demo and PostgreSQL ---------------------------------------------------


def test_views_equal_the_straightforward_rendering_on_the_fixture(engine, sqlite_url, app_env):
    fixture.build(engine)
    app_env(sqlite_url)
    with engine.connect() as conn:
        assert check_views(conn) > 0


def test_views_equal_the_straightforward_rendering_on_the_demo(demo_url, app_env):
    app_env(demo_url)
    engine = make_engine(demo_url)
    try:
        with engine.connect() as conn:
            assert check_views(conn, units=("week",)) > 0
    finally:
        engine.dispose()


def test_views_equal_the_straightforward_rendering_on_postgresql(pg_engine, app_env):
    fixture.build(pg_engine)
    app_env(pg_engine.url.render_as_string(hide_password=False))
    with pg_engine.connect() as conn:
        assert check_views(conn, groups=("PO",)) > 0


def test_views_follow_new_contacts_after_the_cache_is_cleared(engine, sqlite_url, app_env):
    """An import clears st.cache_data; the views then show the new contacts."""
    fixture.build(engine)
    app_env(sqlite_url)
    with engine.connect() as conn:
        check_views(conn, groups=("PO",), units=("week",))
    with engine.begin() as conn:
        conn.execute(insert(Contact), [
            fixture._contact(fixture.D(2020, 3, 18), "school", "phone", school=school)
            for school in (fixture.S1, fixture.S2, fixture.S3, fixture.S4, fixture.S5, fixture.S6)])
        aggregates.refresh_contacts(conn)
    app_env(sqlite_url)  # clears the caches, as an import does
    with engine.connect() as conn:
        check_views(conn, groups=("PO",), units=("week",))
        period = periods.period_choices(conn, "PO")[0]
        report = contacts.period_report(conn, period, "PO", "before")
    figures = contacts.figures(report.metrics, None)
    assert figures["school_rate"].value == 1.0  # every school now has a contact in the period
    tiles = covid_views.report_view("PO", period.key, "before", None).tiles
    assert tiles[0][0].value == "100,0%"


# --- the heat map's texts, made once per distinct week --------------------------------------


def reference_heatmap_data(grid: pd.DataFrame) -> pd.DataFrame:
    """A text per row, as before."""
    frame = grid.copy()
    frame["recency"] = [covid_charts.recency_class(w) for w in frame["weeks_since"]]
    frame["week_label"] = frame["week_start"].map(cf.week_label)
    frame["last_text"] = [cf.week_label(d) if d is not None and not pd.isna(d)
                          else f"geen in de {HEATMAP_LOOKBACK_WEEKS} weken ervoor" for d in frame["last_contact"]]
    frame["week_end"] = frame["week_start"].map(lambda d: pd.Timestamp(d + dt.timedelta(days=7)))
    frame["week_start"] = frame["week_start"].map(pd.Timestamp)
    return frame[["school", "week_start", "week_end", "week_label", "recency", "last_text"]]


def test_heatmap_data_equals_the_per_row_texts(engine):
    fixture.build(engine)
    with engine.connect() as conn:
        grid = contacts.heatmap_grid(conn, "PO", fixture.D(2020, 2, 24), fixture.D(2020, 3, 29))
    assert not grid.empty and grid["last_contact"].isna().any() and grid["weeks_since"].notna().any()
    pd.testing.assert_frame_equal(covid_charts.heatmap_data(grid), reference_heatmap_data(grid))


def test_download_json_is_a_vega_lite_chart(engine, sqlite_url, app_env):
    fixture.build(engine)
    app_env(sqlite_url)
    with engine.connect() as conn:
        period = periods.period_choices(conn, "PO")[0]
    view = covid_views.report_view("PO", period.key, "before", None)
    spec = json.loads(DownloadChart(covid_views.heatmap_view("PO", period, *view.heatmap_range)).to_json())
    assert spec["width"] == 900 and spec["autosize"] == {"type": "pad"}
