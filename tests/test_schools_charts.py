"""Every /scholen chart renders to SVG the way its PNG/SVG download does (vl-convert), with
Dutch labels, shaded periods and suppressed values left out — on the hand-made fixtures."""
from __future__ import annotations

import datetime as dt

import pytest

from data_access.queries import pilot as pilot_queries
from data_access.queries import schools as q
from ui.downloads import chart_bytes
from ui.schools.charts import ChartStyle, trend_by_category, trend_by_series
from ui.schools.comparison import comparison_chart, comparison_points, registration_chart, registration_points
from ui.schools.labels import DEFAULT_TREND_CATEGORIES, FIGURES
from ui.schools.pilot import PILOT_METRICS, _points, pilot_chart
from ui.schools.trends import _shading, _with_tooltips
from fixtures.pilot import build_pilot_fixture
from fixtures.schools import DAYS, FIVE, HOURS, PERSISTENT, WINDOW, build_fixture

D = dt.date
STYLE = ChartStyle()


def svg(chart) -> str:
    return chart_bytes(chart, "svg").decode()


@pytest.fixture
def fixture_db(engine):
    with engine.begin() as conn:
        build_fixture(conn)
    return engine


def test_trend_chart_shades_covid_and_holidays_and_speaks_dutch(fixture_db):
    start, end = D(2020, 8, 1), D(2021, 7, 31)
    with fixture_db.connect() as conn:
        trend = q.absence_trend(conn, start, end, "week", hours_per_day=HOURS, exact_below=5)
        periods = q.named_periods(conn, start, end)
    points = _with_tooltips(q.suppress_trend(trend[trend["category"].isin(DEFAULT_TREND_CATEGORIES)], FIVE), "week",
                            "Testgemeente")
    text = svg(trend_by_category(points, _shading(periods, ("BAO", "VO"), start, end), STYLE))
    for label in ("COVID-sluiting", "COVID: gedeeltelijk open", "vakantie", "Periode", "Categorie",
                  "Verzuim (% van de schooluren)", "ongeoorloofd", "ziek"):
        assert label in text, label
    assert "0,0%" in text  # Dutch decimal comma on the axis
    assert "okt" in text or "nov" in text  # Dutch month abbreviations


def test_the_school_year_grain_is_labelled_per_school_year(fixture_db):
    start, end = D(2019, 8, 1), D(2021, 7, 31)
    with fixture_db.connect() as conn:
        trend = q.absence_trend(conn, start, end, "school_year", hours_per_day=HOURS, exact_below=None)
    points = _with_tooltips(trend[trend["category"].isin(DEFAULT_TREND_CATEGORIES)], "school_year", "Testgemeente")
    text = svg(trend_by_category(points, points.iloc[0:0], STYLE, "school_year"))
    # the fixture has pupils for 2020/21 only: one bar, labelled with its school year, no months
    assert ">2020/21<" in text
    assert not any(f">{month}" in text for month in ("jan", "feb", "aug", "okt", "2021<"))


def test_trend_per_school_chart(fixture_db):
    start, end = D(2020, 10, 1), D(2020, 10, 31)
    with fixture_db.connect() as conn:
        trend = q.absence_trend(conn, start, end, "week", school_ids=[1, 2], by_school=True,
                                hours_per_day=HOURS, exact_below=None, combine=DEFAULT_TREND_CATEGORIES)
        periods = q.named_periods(conn, start, end)
    points = _with_tooltips(trend, "week", "De Linde, De Eik")
    text = svg(trend_by_series(points, _shading(periods, ("BAO",), start, end), STYLE))
    assert "De Linde" in text and "De Eik" in text and "School" in text


def test_comparison_chart_has_municipal_line_intervals_and_no_hidden_values(fixture_db):
    with fixture_db.connect() as conn:
        view = q.comparison_view(q.school_comparison(conn, WINDOW, DAYS, HOURS, PERSISTENT, exact_below=FIVE.threshold), "school", None, FIVE)
    figure = FIGURES["per_1000"]
    points, municipal, hidden = comparison_points(view.rows, view.peers, view.total, figure)
    # De Linde (3 meldingen) and Het Baken (6, complementary) are hidden for LEA: not plotted
    assert hidden == 2 and set(points["group"]) == {"De Eik", "De Wilg"}
    assert municipal == pytest.approx(30 / 880 * 1000, abs=0.01)
    text = svg(comparison_chart(points, municipal, view.total, figure, True, STYLE))
    # De Eik 12 / 200: Wilson 34,65 – 101,93 per 1.000 lies above the municipal 34,09; De Wilg
    # 26,52 – 92,28 includes it (test_schools_benchmark works both out)
    for label in ("gemiddelde gemeente", "Meldingen per 1.000 leerlingen", "hoger dan gemeente",
                  "geen duidelijk verschil", "De Eik"):
        assert label in text, label
    assert "De Linde" not in text
    # De Eik and De Wilg are each other's only similar school: fewer than 5, so no ◇ at all
    assert "vergelijkbare scholen" not in text


def test_registration_chart(fixture_db):
    with fixture_db.connect() as conn:
        view = q.comparison_view(q.school_comparison(conn, WINDOW, DAYS, HOURS, PERSISTENT, exact_below=FIVE.threshold), "school", None, None)
    points = registration_points(view.rows).dropna(subset=["known_pct", "compliance_pct"])
    assert points.set_index("group").loc["De Eik", "compliance_pct"] == pytest.approx(60.0)
    text = svg(registration_chart(points, view.total.iloc[0], STYLE))
    assert "Meldtrouw: signalen op tijd gemeld (%)" in text and "Verzuim met bekende code (% van de uren)" in text


def test_pilot_chart_shows_both_groups_and_the_expected_line(engine):
    with engine.begin() as conn:
        build_pilot_fixture(conn)
    with engine.connect() as conn:
        totals = pilot_queries.school_phase_totals(pilot_queries.pilot_panel(conn, DAYS))
    groups = pilot_queries.group_table(totals).assign(compliance_reden="", per_1000_reden="")
    metric = PILOT_METRICS[0]
    effect = pilot_queries.did_estimate(totals, "compliance")
    text = svg(pilot_chart(_points([effect], metric, groups), metric.axis, metric.decimals, metric.suffix, STYLE))
    for label in ("pilotscholen", "overige scholen", "pilotscholen zonder pilot (verwacht)", "vóór de pilot",
                  "tijdens de pilot", "90,0%", "60,0%", "50,0%"):
        assert label in text, label


def test_meeting_mode_makes_charts_larger():
    assert ChartStyle(meeting=True).height > ChartStyle().height
    assert ChartStyle(meeting=True).font > ChartStyle().font
