"""Where a definition runs both in Python and in SQL, both give the same answer on the same rows.

Issue 14: "Where SQL and Python both need it, one builds the other, or a test pins the two on the
same rows." Persistent absence (definitions.absence.persistence_level; the SQL of
queries.schools._persistent) and reporting on time (definitions.sixteen_hours.on_time: Python,
the SQLAlchemy expression of the /scholen comparison and the SQL text of the /status KPI) are
pinned here on the hand-made /scholen municipality (tests/fixtures/schools.py).
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from data_access import kpis
from data_access.definitions.absence import persistence_level, possible_hours_between
from data_access.definitions.calendar import load_school_calendar, school_year_bounds
from data_access.definitions.sixteen_hours import on_time, on_time_sql
from data_access.models import PupilYear, School, Signal16
from data_access.queries import schools as q
from fixtures.schools import HOURS, WINDOW, build_fixture


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    eng = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    with eng.begin() as conn:
        build_fixture(conn)
    return eng


@pytest.mark.parametrize("share", [0.10, 0.15])
def test_persistent_absence_in_sql_equals_the_python_rule(db, share):
    with db.connect() as conn:
        start, _ = school_year_bounds(2020)
        as_of = q.year_to_date_end(conn, 2020)
        sectors = dict(conn.execute(select(School.id, School.sector).where(School.in_scope.is_(True))).all())
        calendars = {s: load_school_calendar(conn, [s]) for s in set(sectors.values())}
        in_sql = q._persistent(conn, calendars, 2020, HOURS, share).set_index("school_id")["persistent"].to_dict()
        expected: dict[int, int] = {}
        for row in conn.execute(select(PupilYear.school_id, PupilYear.absence_hours)
                                .where(PupilYear.school_year == 2020)):
            if row.school_id not in sectors:
                continue
            possible = possible_hours_between(calendars[sectors[row.school_id]], start, as_of, hours_per_day=HOURS)
            if persistence_level(row.absence_hours, possible, share, 0.50) is not None:
                expected[row.school_id] = expected.get(row.school_id, 0) + 1
    assert in_sql == expected
    # the fixture's edge: 27,5 h of 275 possible hours is exactly 10 % (persistent at 0,10, not at 0,15)
    assert sum(expected.values()) > 0


@pytest.mark.parametrize("days", [0, 3, 5, 10])
def test_reporting_on_time_is_one_rule_in_python_the_comparison_and_the_kpi(db, days):
    with db.connect() as conn:
        delays = conn.execute(select(Signal16.school_days_to_melding).join(School, School.id == Signal16.school_id)
                              .where(School.in_scope.is_(True), Signal16.signal_on.between(WINDOW.start, WINDOW.end))
                              ).scalars().all()
        comparison = q.school_comparison(conn, WINDOW, days, HOURS, 0.10, exact_below=5).schools
        counts = kpis.window_counts(conn, ["compliance"], kpis.evidence_window(conn, WINDOW.start, WINDOW.end), days)
    in_python = sum(1 for d in delays if on_time(d, days))
    assert int(comparison["on_time"].sum()) == in_python
    assert counts["pilot_on_time"] + counts["other_on_time"] == in_python
    assert on_time_sql("g.school_days_to_melding") == "g.school_days_to_melding <= :days"
    assert not on_time(None, days)  # a signal nobody reported is never on time
