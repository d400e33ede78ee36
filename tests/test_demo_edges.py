"""The demo exercises every definition (issue 16): each edge case, found in the raw tables by the
definition of DESIGN.md ("Definitions"), on the demo of seed 2024 (the session's ``demo_url``) and
of seed 1 (built here once).

Nothing here reads the generator's own notes of what it planted: pupils, schools and meldingen
are recognised from absence, enrolment, verzuimmelding and concern alone.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from sqlalchemy import text

from data_access import demo
from data_access.definitions.calendar import SchoolDayCounter, load_school_calendar, week_start
from data_access.db import make_engine
from data_access.definitions.settings import DEFAULTS, load_settings
from data_access.definitions.sixteen_hours import school_week_index, sixteen_hour_signals
from data_access.schema import migrate
from conftest import DEMO_PASSWORD

YEAR_START, YEAR_END = dt.date(2024, 8, 1), dt.date(2025, 7, 31)  # the running school year 2024/25
REFERENCE_DATE = dt.date(2025, 6, 20)  # an earlier reference date than today (DEMO_TODAY, 30-06-2025)


@pytest.fixture(scope="module", params=[2024, 1], ids=["seed2024", "seed1"])
def conn(request, demo_url, tmp_path_factory):
    if request.param == 2024:
        url = demo_url
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('demo1') / 'demo1.sqlite'}"
        engine = make_engine(url, create=True)
        migrate(engine)
        demo.build(engine, seed=request.param, password=DEMO_PASSWORD)
        engine.dispose()
    engine = make_engine(url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def rows(conn, sql: str, **params) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(sql), params)]


def as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def last_registered_day(conn) -> dict[int, dt.date]:
    """Per school: its last day with absence in the running school year."""
    return {school: as_date(day) for school, day in rows(
        conn, "SELECT school_id, MAX(date) FROM absence WHERE date BETWEEN :s AND :e GROUP BY school_id",
        s=YEAR_START, e=YEAR_END)}


def absence_shares(conn) -> dict[int, float]:
    """Per pupil enrolled in 2024/25: absence hours (every category) / possible hours, where the
    possible hours are the school days from 1 August to the school's last registered day × the
    hours per school day (setting)."""
    settings = load_settings(conn)
    calendar = load_school_calendar(conn)
    window_end = last_registered_day(conn)
    hours = dict(rows(conn, "SELECT pupil_id, SUM(hours) FROM absence WHERE date BETWEEN :s AND :e "
                            "GROUP BY pupil_id", s=YEAR_START, e=YEAR_END))
    out = {}
    for pupil, school in rows(conn, "SELECT pupil_id, school_id FROM pupil_enrolment WHERE school_year = 2024"):
        possible = calendar.count_school_days(YEAR_START, window_end[school]) * settings.hours_per_day
        out[pupil] = (hours.get(pupil) or 0.0) / possible
    return out


def test_a_few_pupils_are_long_term_non_attenders_and_more_are_persistently_absent(conn):
    settings = load_settings(conn)
    shares = absence_shares(conn)
    severe = [p for p, s in shares.items() if s >= settings.severe_share]
    persistent = [p for p, s in shares.items() if settings.persistent_share <= s < settings.severe_share]
    assert 3 <= len(severe) <= 6, sorted(shares.values())[-10:]
    assert len(persistent) >= 10
    # Somewhere between the two bands too, not only just above 10 %.
    assert any(s >= 0.3 for p, s in shares.items() if p in persistent)


def test_youths_with_two_cases_open_at_the_same_time(conn):
    cases = defaultdict(list)
    for pupil, opened, closed in rows(conn, "SELECT pupil_id, opened_on, closed_on FROM concern"):
        cases[pupil].append((as_date(opened), as_date(closed) if closed else demo.DEMO_TODAY, closed is None))
    overlapping = {}
    for pupil, spans in cases.items():
        spans.sort()
        pairs = [(a, b) for i, a in enumerate(spans) for b in spans[i + 1:] if b[0] <= a[1]]
        if pairs:
            overlapping[pupil] = pairs
    assert 2 <= len(overlapping) <= 3, overlapping
    # At least one youth has both cases open today (the work queue and /jongeren show it).
    assert any(a[2] and b[2] for pairs in overlapping.values() for a, b in pairs)


def test_one_school_stops_registering_weeks_before_the_others(conn):
    calendar = load_school_calendar(conn)
    weeks = school_week_index(calendar, YEAR_START, YEAR_END)
    last = last_registered_day(conn)
    assert len(last) == 24
    earliest = min(last, key=last.get)
    others = [d for s, d in last.items() if s != earliest]
    gap = weeks[week_start(min(others))] - weeks[week_start(last[earliest])]
    assert gap >= 6, (last[earliest], min(others))
    # Every other school registers up to the last week before today.
    assert min(others) >= demo.DEMO_TODAY - dt.timedelta(days=7)
    # The school is in scope and has pupils all year: its window ends early, its enrolment does not.
    assert rows(conn, "SELECT pupils FROM school_enrolment WHERE school_id = :s AND school_year = 2024",
                s=earliest)[0][0] > 0


@pytest.fixture(scope="module")
def answered_signals(conn):
    """Every 16-hour signal of 2024/25 by the definition, from the raw rows, with the 16_uur melding
    whose stated absence start lies in its window (the first choice of 'answered')."""
    calendar = load_school_calendar(conn)
    weeks = school_week_index(calendar, dt.date(2018, 8, 1), YEAR_END)
    counter = SchoolDayCounter(calendar, dt.date(2018, 8, 1), YEAR_END)
    absences = defaultdict(list)
    for pupil, day, hours in rows(conn, "SELECT pupil_id, date, hours FROM absence WHERE category = 'ongeoorloofd'"):
        absences[pupil].append((as_date(day), hours))
    meldingen = defaultdict(list)
    for melding, pupil, start, reported in rows(conn, "SELECT id, pupil_id, absence_start, reported_on "
                                                      "FROM verzuimmelding WHERE kind = '16_uur'"):
        meldingen[pupil].append((melding, as_date(start), as_date(reported)))
    out = []
    for pupil, days in absences.items():
        for signal in sixteen_hour_signals(days, weeks, DEFAULTS.signal_hours, DEFAULTS.signal_weeks):
            if signal.signal_on < YEAR_START:
                continue
            answer = next(((m, r) for m, s, r in meldingen[pupil]
                           if signal.window_start <= s <= signal.signal_on), None)
            out.append(dict(pupil=pupil, signal=signal, melding=answer and answer[0], reported=answer and answer[1],
                            school_days=answer and counter.between(signal.signal_on, answer[1]),
                            hours_between=sum(h for d, h in days if answer and signal.signal_on < d < answer[1])))
    return out


def test_unreported_hours_between_a_signal_and_a_late_melding(conn, answered_signals):
    late = [s for s in answered_signals if s["melding"] and s["school_days"] >= DEFAULTS.compliance_school_days
            and s["hours_between"] > 0]
    assert late
    # The summary table links the same signal to the same melding, counted as late.
    stored = {(p, as_date(d)): (m, n) for p, d, m, n in rows(
        conn, "SELECT pupil_id, signal_on, melding_id, school_days_to_melding FROM signal16")}
    for s in late:
        assert stored[(s["pupil"], s["signal"].signal_on)] == (s["melding"], s["school_days"])


def test_a_16_uur_melding_reported_after_a_reference_date(conn, answered_signals):
    """At REFERENCE_DATE the signal is 'niet gemeld'; on DEMO_TODAY it is reported."""
    after = [s for s in answered_signals if s["melding"] and s["signal"].signal_on <= REFERENCE_DATE
             < s["reported"] <= demo.DEMO_TODAY]
    assert after
    stored = {(p, as_date(d)): m for p, d, m in rows(conn, "SELECT pupil_id, signal_on, melding_id FROM signal16")}
    assert all(stored[(s["pupil"], s["signal"].signal_on)] == s["melding"] for s in after)


def test_small_cells_exist_for_the_suppression_to_hide(conn):
    """Counts of people between 1 and the threshold − 1 (shown as '<5' to lea) at the grains the pages
    show: per school and absence category, per school and melding kind,
    per school 16-hour signals, per school youths of concern — all in 2024/25."""
    threshold = load_settings(conn).suppression_threshold
    grains = {
        "absence category": "SELECT school_id, category, COUNT(DISTINCT pupil_id) FROM absence "
                            "WHERE date BETWEEN :s AND :e GROUP BY school_id, category",
        "melding kind": "SELECT school_id, kind, COUNT(DISTINCT pupil_id) FROM verzuimmelding "
                        "WHERE reported_on BETWEEN :s AND :e GROUP BY school_id, kind",
        "16-hour signal": "SELECT school_id, 1, COUNT(DISTINCT pupil_id) FROM signal16 "
                          "WHERE signal_on BETWEEN :s AND :e GROUP BY school_id",
        "youth of concern": "SELECT e.school_id, 1, COUNT(DISTINCT c.pupil_id) FROM concern c "
                            "JOIN pupil_enrolment e ON e.pupil_id = c.pupil_id AND e.school_year = 2024 "
                            "WHERE c.opened_on <= :e AND (c.closed_on IS NULL OR c.closed_on >= :s) "
                            "GROUP BY e.school_id",
    }
    for name, sql in grains.items():
        counts = [n for _, _, n in rows(conn, sql, s=YEAR_START, e=YEAR_END)]
        assert any(1 <= n < threshold for n in counts), name
        if name == "absence category":  # and cells that stay visible beside them
            assert any(n >= threshold for n in counts), name
