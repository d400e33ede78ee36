"""The trend's periods are exact dates, and the pupils behind a point are counted exactly.

DESIGN, Definitions: "month = calendar month (a week that straddles two months is split by day)"
and "a rate is hidden when the number of people behind its numerator … is below the threshold
(count the people exactly, not a bound)". Issue 16, causes 1 and "over-suppression".

One primary school, De Beuk, 20 pupils at 1 October 2020, no holidays in September–October
2020, 5,5 hours per school day. Raw absence rows below; the summary tables are built from them
by the same refresh an import runs.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from data_access import aggregates, models
from data_access.definitions import Suppressor
from data_access.queries import schools as q

D = dt.date
BEUK, ES = 1, 2
HOURS = 5.5


def _absence(pupil: int, day: dt.date, category: str, hours: float, school: int = BEUK) -> dict:
    return dict(pupil_id=pupil, school_id=school, date=day, code=category[:3].upper(), category=category,
                hours=hours)


ROWS = [
    # the week of Monday 28 September straddles September and October:
    _absence(1, D(2020, 9, 29), "ongeoorloofd", 3.0),   # Tuesday: September
    _absence(2, D(2020, 10, 1), "ongeoorloofd", 2.0),   # Thursday: October
    # luxe in October: pupils 3–5 in the week of 5 Oct, pupils 6–8 in the week of 12 Oct
    # (at most 3 in any one week, 6 in the month)
    *[_absence(p, D(2020, 10, 6), "luxe", 5.5) for p in (3, 4, 5)],
    *[_absence(p, D(2020, 10, 13), "luxe", 5.5) for p in (6, 7, 8)],
    # schorsing in October: the same 3 pupils (9–11) in two weeks (3 people, 6 school-weeks)
    *[_absence(p, d, "schorsing", 5.5) for p in (9, 10, 11) for d in (D(2020, 10, 7), D(2020, 10, 14))],
    # pupil 3 is also sick: luxe + ziek together are 6 + 1 = 7 rows but 6 pupils
    _absence(3, D(2020, 10, 20), "ziek", 5.5),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    eng = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    with eng.begin() as conn:
        conn.execute(insert(models.School), [
            dict(id=BEUK, vestigingsnummer="01AB00", brin="01AB", name="De Beuk", sector="BAO", board="Stichting",
                 swv_code="SWV-A", municipality="Testgemeente", in_scope=True),
            dict(id=ES, vestigingsnummer="02AB00", brin="02AB", name="De Es", sector="BAO", board="Stichting",
                 swv_code="SWV-A", municipality="Testgemeente", in_scope=True),
        ])
        conn.execute(insert(models.SchoolEnrolment), [dict(school_id=BEUK, school_year=2020, pupils=20),
                                                      dict(school_id=ES, school_year=2020, pupils=20)])
        conn.execute(insert(models.Pupil), [
            dict(id=p, pseudonym=f"P{p:04d}", first_name="Fictief", last_name=f"Kind {p}",
                 birth_date=D(2012, 1, 1), school_id=BEUK, grade=6) for p in range(1, 13)])
        conn.execute(insert(models.Absence), ROWS)
        # both schools register until Friday 30 October, so neither window is cut short
        conn.execute(insert(models.Absence), [_absence(1, D(2020, 10, 30), "geoorloofd", 1.0),
                                              _absence(12, D(2020, 10, 30), "ziek", 1.0, school=ES)])
        aggregates.refresh_all(conn)
    return eng


def trend(db, grain: str, exact_below: int | None, **kwargs):
    with db.connect() as conn:
        return q.absence_trend(conn, D(2020, 9, 1), D(2020, 10, 31), grain, hours_per_day=HOURS,
                               exact_below=exact_below, **kwargs)


def cell(frame, month: int, category: str):
    rows = frame[(frame["period_start"].dt.month == month) & (frame["category"] == category)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_a_week_across_two_months_is_split_by_day(db):
    months = trend(db, "month", None, school_ids=[BEUK])
    # Tuesday 29 September's 3 h count for September, Thursday 1 October's 2 h for October
    assert cell(months, 9, "ongeoorloofd")["hours"] == 3.0
    assert cell(months, 10, "ongeoorloofd")["hours"] == 2.0
    # denominators by calendar month: September 2020 has 22 weekdays, October 22
    # 20 pupils × 22 days × 5,5 h = 2.420 h each
    assert cell(months, 9, "ongeoorloofd")["possible_hours"] == 20 * 22 * 5.5 == 2420
    assert cell(months, 10, "ongeoorloofd")["possible_hours"] == 2420
    assert cell(months, 9, "ongeoorloofd")["rate"] == pytest.approx(3 / 2420)
    # the week grain keeps the week whole: 3 + 2 = 5 h in the week of 28 September
    weeks = trend(db, "week", None, school_ids=[BEUK])
    week = weeks[(weeks["period_start"] == "2020-09-28") & (weeks["category"] == "ongeoorloofd")].iloc[0]
    assert week["hours"] == 5.0


def test_the_school_year_grain_runs_from_1_august(db):
    years = trend(db, "school_year", None, school_ids=[BEUK])
    # 1 September – 31 October lie in school year 2020/21, one period from 1 August 2020
    assert years["period_start"].drop_duplicates().tolist() == [dt.datetime(2020, 8, 1)]
    unauthorised = years[years["category"] == "ongeoorloofd"].iloc[0]
    assert unauthorised["hours"] == 5.0
    # its denominator holds the chart's own dates only: 1 September – 31 October, 22 + 22
    # school days (no holidays in this fixture), not August
    assert unauthorised["possible_hours"] == 20 * 44 * 5.5


def test_the_pupils_behind_a_month_are_counted_exactly_for_suppression(db):
    months = trend(db, "month", 5, school_ids=[BEUK])
    five = Suppressor(5)
    shown = q.suppress_trend(months, five)
    # luxe in October: 3 pupils a week, 6 different pupils in the month → 6 ≥ 5: shown
    luxe = cell(shown, 10, "luxe")
    assert luxe["involved"] == 6 and luxe["rate"] == pytest.approx(33 / 2420)
    # schorsing: the same 3 pupils in two weeks → 3 people, not 6: hidden
    suspension = cell(shown, 10, "schorsing")
    assert suspension["involved"] == 3 and suspension["rate"] is None
    assert "minder dan 5" in suspension["rate_reden"]


def test_chosen_categories_together_count_a_pupil_once(db):
    # luxe and ziek together in October: pupils 3–8 (luxe) and 3 (ziek) = 6 people, 7 rows
    combined = trend(db, "month", 7, school_ids=[BEUK], by_school=True, combine=("luxe", "ziek"))
    october = combined[combined["period_start"].dt.month == 10].iloc[0]
    assert "category" not in combined
    assert october["hours"] == 6 * 5.5 + 5.5
    assert october["involved"] == 6  # below 7: hidden at a threshold of 7, though 7 rows
    assert q.suppress_trend(combined, Suppressor(7)).loc[october.name, "rate"] is None


def test_without_suppression_the_bound_is_not_refined(db):
    # a calendar month comes whole from the month summary: its pupils are counted exactly (6)
    months = trend(db, "month", None, school_ids=[BEUK])
    assert cell(months, 10, "luxe")["involved"] == 6
    # a school year adds up months: without suppression the count stays the largest month's
    # (pupil 1 in September, pupil 2 in October: 1, where exactly it is 2) ...
    years = trend(db, "school_year", None, school_ids=[BEUK])
    assert years[years["category"] == "ongeoorloofd"].iloc[0]["involved"] == 1
    # ... and with suppression the cell whose bounds (1 and 2) straddle the threshold is counted
    exact = trend(db, "school_year", 2, school_ids=[BEUK])
    assert exact[exact["category"] == "ongeoorloofd"].iloc[0]["involved"] == 2


def test_each_day_is_read_from_exactly_one_summary():
    # month grain from Tuesday 1 September to Wednesday 14 October 2020
    start, end = D(2020, 9, 1), D(2020, 10, 14)
    bins = q._period_bins(start, end, "month")
    starts = [b[0] for b in bins]

    def period_of(day):
        return max(s for s in starts if s <= day) if start <= day <= end else None

    months, weeks, days = q._cover(start, end, q.mondays(start, end), period_of, with_months=True)
    # September lies whole inside the chart: one month row; October does not (it ends on the 14th)
    assert months == [D(2020, 9, 1)]
    # the week of 5 October is whole in October; the week of 28 September shares days with
    # September's row, the week of 12 October runs past the end: neither comes from absence_week
    assert weeks == [D(2020, 10, 5)]
    # the rest day by day: Thursday 1 – Sunday 4 October and Monday 12 – Wednesday 14 October
    assert days == [D(2020, 10, d) for d in (1, 2, 3, 4, 12, 13, 14)]
    # the week grain never reads months
    months, weeks, _ = q._cover(start, end, q.mondays(start, end), period_of, with_months=False)
    assert months == [] and D(2020, 9, 7) in weeks


def test_the_trend_view_is_what_the_tab_draws_suppressed(db):
    with db.connect() as conn:
        view = q.trend_view(conn, D(2020, 9, 1), D(2020, 10, 31), "month", [BEUK], ("ziek", "ongeoorloofd"), False,
                            hours_per_day=HOURS, suppressor=Suppressor(5))
    # the chosen categories only: 2 months × 2 categories
    assert sorted(view.points["category"].unique()) == ["ongeoorloofd", "ziek"] and len(view.points) == 4
    # one pupil behind unauthorised absence in September and in October, one sick pupil in
    # October: hidden; no sick pupil in September: a 0 %, shown
    assert view.hidden == 3 and not view.all_hidden
    assert cell(view.points, 9, "ziek")["rate"] == 0
    # the unauthorised panel: its own categories, whatever was chosen; luxe in October (6 pupils) shows
    assert set(view.panel["category"]) == {"ongeoorloofd", "luxe", "te_laat"}
    assert cell(view.panel, 10, "luxe")["rate"] == pytest.approx(33 / 2420)
    # leerplicht (no suppressor) sees every point
    with db.connect() as conn:
        everything = q.trend_view(conn, D(2020, 9, 1), D(2020, 10, 31), "month", [BEUK], ("ziek",), False,
                                  hours_per_day=HOURS, suppressor=None)
    assert everything.hidden == 0 and cell(everything.points, 10, "ziek")["rate"] == pytest.approx(5.5 / 2420)
