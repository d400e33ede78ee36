"""contact_segment (the /covid summary of contacts) and the figures read from it, on the
hand-made municipality of tests/fixtures/covid.py (SQLite and PostgreSQL).

Definitions (data_access/queries/contacts.py): a contact belongs to its own school or, without
one, to the pupil's school that school year (else the pupil's current school); contacts with a
school itself count only for schools in scope; newsletters and sessions are not contacts here.
Every expected count below is worked out by hand from the fixture's contacts, after a full
build, after incremental refreshes (an officer's contact, a partial rebuild), after a school
changed scope and sector, and after the migration filled the table of an existing database.

Replaces the comparisons with a pandas recomputation from the contact rows (on the fixture and
the demo). Behaviours those covered, and where they are stated now: weekly and monthly counts
and reached per target and channel over month-aligned, mid-segment, short and school-year ranges,
and the contacts / led-to-concern counts of the closure and its baseline
(``PO_FIGURES`` with ``assert_figures``, used by every test below).
"""
from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import insert, select, text, update

from data_access import aggregates, cases, periods
from data_access.definitions.calendar import as_date
from data_access.models import Contact, ContactSegment, School
from data_access.queries import contacts
from data_access.summary_state import contact_segment_is_stale
from data_access.schema import alembic_config, migrate
from fixtures.covid import CONTACTS, S1, S5, X1, build, insert_rows

D = dt.date


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    engine = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    build(engine)
    return engine


def over_time(conn, group, start, end, unit) -> list[tuple]:
    frame = contacts.contacts_over_time(conn, group, start, end, unit)
    return [tuple(r) for r in frame.itertuples(index=False)]


def segment_rows(conn) -> list[tuple]:
    rows = conn.execute(select(ContactSegment.first_day, ContactSegment.sector, ContactSegment.in_scope,
                               ContactSegment.target, ContactSegment.channel, ContactSegment.week_start,
                               ContactSegment.month_start, ContactSegment.contacts, ContactSegment.reached,
                               ContactSegment.led_to_concern)).all()
    return sorted((as_date(r[0]), r[1], bool(r[2]), *r[3:5], as_date(r[5]),
                   as_date(r[6]), *r[7:]) for r in rows)


# The fixture's primary (PO) contacts per bucket, target and channel: (contacts, reached).
# Families belong to their pupil's school of 2019/20 (all primary but K9's); X1 is out of scope,
# V1 secondary, newsletters and the session are no contacts.
PO_FIGURES = {
    # 17–19 March (within one segment): calls S1 17-03; e-mail S2 18-03; family calls K1 18-03,
    # K2 18-03, K3 17-03 (not reached) and 18-03, K4 17-03 and 19-03 (not reached) → 6, 3 reached
    (D(2020, 3, 17), D(2020, 3, 19), "week"): {
        (D(2020, 3, 16), "family", "phone"): (6, 3), (D(2020, 3, 16), "school", "email"): (1, 1),
        (D(2020, 3, 16), "school", "phone"): (1, 1)},
    # Wed 12 Feb – Wed 18 March (mid-segment at both ends); S5's call of 05-02 lies before it
    (D(2020, 2, 12), D(2020, 3, 18), "week"): {
        (D(2020, 2, 24), "family", "letter"): (1, 1),  # K8 27-02
        (D(2020, 2, 24), "family", "phone"): (1, 1),  # K1 26-02
        (D(2020, 2, 24), "school", "phone"): (1, 1),  # S1 25-02
        (D(2020, 3, 2), "family", "phone"): (1, 1),  # K4 02-03 (holiday week: in the chart all the same)
        (D(2020, 3, 2), "school", "phone"): (1, 1),  # S4 03-03
        (D(2020, 3, 9), "family", "phone"): (2, 1),  # K5 10-03 reached, K4 12-03 not
        (D(2020, 3, 9), "school", "phone"): (2, 2),  # S2 10-03, S3 11-03
        (D(2020, 3, 9), "youth", "phone"): (1, 1),  # K6 13-03
        # up to Wed 18-03: pupil 10 on 16-03, K1, K2, K3 twice, K4 on 17-03 → 6, 4 reached
        (D(2020, 3, 16), "family", "phone"): (6, 4),
        (D(2020, 3, 16), "school", "email"): (1, 1), (D(2020, 3, 16), "school", "phone"): (1, 1)},
    # February – April by month (month-aligned, as the page asks)
    (D(2020, 2, 1), D(2020, 4, 30), "month"): {
        (D(2020, 2, 1), "family", "letter"): (1, 1), (D(2020, 2, 1), "family", "phone"): (1, 1),
        (D(2020, 2, 1), "school", "phone"): (2, 2),  # S5 05-02, S1 25-02
        (D(2020, 3, 1), "family", "email"): (2, 0),  # K4 20-03, K5 24-03
        (D(2020, 3, 1), "family", "home_visit"): (1, 0),  # K4 26-03
        (D(2020, 3, 1), "family", "letter"): (1, 0),  # K4 23-03
        # K1, K2, K3 ×2, K4 02/12/17/19-03, K5 10-03, K7 31-03, pupil 10 → 11; reached all but
        # K3 17-03 and K4's 12, 17 and 19 March → 7
        (D(2020, 3, 1), "family", "phone"): (11, 7),
        (D(2020, 3, 1), "school", "email"): (1, 1), (D(2020, 3, 1), "school", "meeting"): (1, 1),
        (D(2020, 3, 1), "school", "phone"): (6, 6),  # S4 03, S2 10, S3 11, S1 17, S4 20, S1 24
        (D(2020, 3, 1), "school", "school_visit"): (1, 0),  # S3 26-03, not answered
        (D(2020, 3, 1), "youth", "home_visit"): (1, 1), (D(2020, 3, 1), "youth", "phone"): (1, 1)},
}
# the whole school year 2019/20 holds the same contacts as February – April
PO_FIGURES[(D(2019, 8, 1), D(2020, 7, 31), "month")] = PO_FIGURES[(D(2020, 2, 1), D(2020, 4, 30), "month")]
RANGES = list(PO_FIGURES)  # short week, mid-segment weeks, February – April, the school year
# contacts and those that led to a new concern: closure 6 school + 12 family/youth, 2 led (S2,
# S4); baseline 3 + 5, 1 led (S3) — see tests/test_covid_metrics.py
PO_CONCERNS = {"closure": (18, 2), "baseline": (8, 1)}


def assert_figures(conn, figures=None, concerns=None) -> None:
    """What /covid reads for primary schools equals the hand-worked figures (default: the
    fixture's, ``PO_FIGURES`` and ``PO_CONCERNS``)."""
    figures, concerns = figures or PO_FIGURES, concerns or PO_CONCERNS
    for (start, end, unit), expected in figures.items():
        got = {(b, t, c): (n, r) for b, t, c, n, r in over_time(conn, "PO", start, end, unit)}
        assert got == expected, (start, end, unit)
    [period] = periods.covid_periods(conn, "PO")
    report = contacts.period_report(conn, period, "PO")
    assert (report.metrics.contacts, report.metrics.contacts_led_to_concern) == concerns["closure"]
    assert (report.baseline_metrics.contacts, report.baseline_metrics.contacts_led_to_concern) == \
        concerns["baseline"]


def figures_with(updates: dict) -> dict:
    """PO_FIGURES with some (range, bucket) counts replaced (None: the bucket is gone)."""
    figures = {key: dict(rows) for key, rows in PO_FIGURES.items()}
    for (key, bucket), value in updates.items():
        if value is None:
            figures[key].pop(bucket)
        else:
            figures[key][bucket] = value
    return figures


# --- segments -------------------------------------------------------------------------------


def test_a_segment_is_a_week_cut_where_a_month_begins():
    assert contacts.segment_of(D(2020, 3, 4)) == (D(2020, 3, 2), D(2020, 3, 8))
    assert contacts.segment_of(D(2020, 3, 30)) == (D(2020, 3, 30), D(2020, 3, 31))  # Mon 30 – Tue 31 March
    assert contacts.segment_of(D(2020, 4, 2)) == (D(2020, 4, 1), D(2020, 4, 5))    # Wed 1 – Sun 5 April
    assert contacts.segment_of(D(2020, 12, 31)) == (D(2020, 12, 28), D(2020, 12, 31))


def test_a_date_range_is_whole_segments_and_the_days_around_them():
    none = contacts._NO_DAYS
    # Wed 16 Dec 2020 – Sun 7 Feb 2021: 16–20 Dec from the contacts, the rest from whole segments
    assert contacts._split_range(D(2020, 12, 16), D(2021, 2, 7)) == (
        (D(2020, 12, 21), D(2021, 2, 7)), (D(2020, 12, 16), D(2020, 12, 20)), none)
    # a school year is whole segments
    assert contacts._split_range(D(2020, 8, 1), D(2021, 7, 31)) == ((D(2020, 8, 1), D(2021, 7, 31)), none, none)
    # within one segment, or with a stale summary: all from the contacts
    assert contacts._split_range(D(2020, 3, 17), D(2020, 3, 19)) == (none, (D(2020, 3, 17), D(2020, 3, 19)), none)
    assert contacts._split_range(D(2020, 8, 1), D(2021, 7, 31), stale=True) == (
        none, (D(2020, 8, 1), D(2021, 7, 31)), none)


def test_contact_segment_sums_the_contacts_with_a_school_per_sector_and_scope(db):
    with db.connect() as conn:
        rows = segment_rows(conn)
    # 17-03-2020: school phone calls with S1 (BAO, in scope) and X1 (BAO, not in scope) apart
    assert (D(2020, 3, 16), "BAO", True, "school", "phone", D(2020, 3, 16), D(2020, 3, 1), 2, 2, 1) in rows
    assert (D(2020, 3, 16), "BAO", False, "school", "phone", D(2020, 3, 16), D(2020, 3, 1), 1, 1, 0) in rows
    # a family contact with a school of its own (K5, S5, 24-03); 25-02 is in the week of Mon 24-02, whose
    # Sunday 01-03 would be a segment of its own
    assert (D(2020, 3, 23), "BAO", True, "family", "email", D(2020, 3, 23), D(2020, 3, 1), 1, 0, 0) in rows
    assert (D(2020, 2, 24), "BAO", True, "school", "phone", D(2020, 2, 24), D(2020, 2, 1), 1, 1, 0) in rows
    # contacts without a school of their own (most family contacts here) are not in it
    assert sum(r[7] for r in rows) == sum(1 for c in CONTACTS if c["school_id"] is not None)


# --- the page's figures after changes, against the hand-worked ones ---------------------------


def test_the_figures_read_from_the_summary_are_the_hand_worked_ones(db):
    with db.connect() as conn:
        assert not contact_segment_is_stale(conn)
        assert_figures(conn)


def test_an_officers_contact_is_in_the_figures_at_once(db):
    with db.begin() as conn:
        # pupil 4 (S4): a reached call on Wed 18-03-2020, logged through the contact form
        cases.add_contact(conn, pupil_id=4, officer="lpa1", role="leerplicht", on=D(2020, 3, 18), target="family",
                          channel="phone", reached=True, concern_id=4, today=D(2020, 4, 1))
    week, mid, month, year = RANGES
    with db.connect() as conn:
        # one more reached family call on 18-03 in every range
        assert_figures(conn, figures_with({
            (week, (D(2020, 3, 16), "family", "phone")): (7, 4), (mid, (D(2020, 3, 16), "family", "phone")): (7, 5),
            (month, (D(2020, 3, 1), "family", "phone")): (12, 8), (year, (D(2020, 3, 1), "family", "phone")): (12, 8),
        }), {"closure": (19, 2), "baseline": (8, 1)})
        report = contacts.period_report(conn, periods.covid_periods(conn, "PO")[0], "PO")
        assert report.metrics.contacts == 19 and report.metrics.cases_reached == 5  # was 18 and 4
        incremental = segment_rows(conn)
    with db.begin() as conn:
        aggregates.refresh_contacts(conn)
        assert segment_rows(conn) == incremental


def test_a_partial_refresh_rebuilds_those_days_for_every_school(db):
    with db.begin() as conn:
        conn.execute(insert(Contact).values(date=D(2020, 3, 25), officer="lpa1", target="school", channel="phone",
                                            reached=True, led_to_concern=True, school_id=S5))
        conn.execute(text("UPDATE contact_segment SET contacts = 99 WHERE first_day = :day"), {"day": D(2020, 2, 24)})
        # what an import of S5's contacts of 25-03 does: that week is rebuilt, the tampered one is not
        aggregates.refresh_contacts(conn, [S5], D(2020, 3, 25), D(2020, 3, 25))
        # the week of 23-03 is one whole segment, read from the summary: S1 24-03 and S5 25-03
        assert over_time(conn, "PO", D(2020, 3, 23), D(2020, 3, 29), "week") == [
            (D(2020, 3, 23), "family", "email", 1, 0), (D(2020, 3, 23), "family", "home_visit", 1, 0),
            (D(2020, 3, 23), "family", "letter", 1, 0), (D(2020, 3, 23), "school", "meeting", 1, 1),
            (D(2020, 3, 23), "school", "phone", 2, 2), (D(2020, 3, 23), "school", "school_visit", 1, 0),
            (D(2020, 3, 23), "youth", "home_visit", 1, 1)]
        partial = segment_rows(conn)
        aggregates.refresh_contacts(conn)
        full = segment_rows(conn)
        _, _, month, year = RANGES
        # one more reached school call in March, which led to a concern, in the closure
        assert_figures(conn, figures_with({(month, (D(2020, 3, 1), "school", "phone")): (7, 7),
                                      (year, (D(2020, 3, 1), "school", "phone")): (7, 7)}),
                       {"closure": (19, 3), "baseline": (8, 1)})
    changed = [p for p, f in zip(partial, full) if p != f]
    assert changed and {p[0] for p in changed} == {D(2020, 2, 24)}


def test_a_school_that_changed_scope_or_sector_makes_the_summary_stale_not_wrong(db):
    with db.begin() as conn:
        # what a schools import can do: S1 leaves the scope, X1 (outside it) becomes secondary
        conn.execute(update(School).where(School.id == S1).values(in_scope=False))
        conn.execute(update(School).where(School.id == X1).values(sector="VO"))
    week, mid, month, year = RANGES
    # S1's own calls (25-02, 17-03, 24-03) no longer count; its pupils' families (K1, K7) still do;
    # X1 was out of scope before and is secondary now: nothing changes for it
    without_s1 = figures_with({
        (week, (D(2020, 3, 16), "school", "phone")): None, (mid, (D(2020, 2, 24), "school", "phone")): None,
        (mid, (D(2020, 3, 16), "school", "phone")): None,
        (month, (D(2020, 2, 1), "school", "phone")): (1, 1), (month, (D(2020, 3, 1), "school", "phone")): (4, 4),
        (year, (D(2020, 2, 1), "school", "phone")): (1, 1), (year, (D(2020, 3, 1), "school", "phone")): (4, 4),
    })
    concerns = {"closure": (16, 2), "baseline": (7, 1)}  # 18 − 2 and 8 − 1
    with db.connect() as conn:
        assert contact_segment_is_stale(conn)
        assert_figures(conn, without_s1, concerns)
        report = contacts.period_report(conn, periods.covid_periods(conn, "PO")[0], "PO")
        assert (report.metrics.schools, report.metrics.schools_contacted) == (5, 4)
    with db.begin() as conn:
        # the next refresh, however small, rebuilds it whole
        aggregates.refresh_contacts(conn, [S5], D(2020, 3, 27), D(2020, 3, 27))
        assert not contact_segment_is_stale(conn)
        assert_figures(conn, without_s1, concerns)


# --- the migration fills the table of an existing database ---------------------------------


def test_the_migration_fills_contact_segment_for_an_existing_database(request, backend):
    engine = request.getfixturevalue("engine" if backend == "sqlite" else "pg_engine")
    # back to the schema before 0004, with the fixture's rows but no summaries
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
    with engine.begin() as conn:
        insert_rows(conn)
    migrate(engine)
    with engine.connect() as conn:
        migrated = segment_rows(conn)
        assert migrated and not contact_segment_is_stale(conn)
        assert_figures(conn)
    with engine.begin() as conn:
        aggregates.refresh_contacts(conn)
        assert segment_rows(conn) == migrated


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    return request.param


def test_all_periods_read_together_equal_each_period_alone(demo_url):
    """The comparison tab reads every window at once; an episode's windows overlap its parts'."""
    from data_access.db import make_engine

    engine = make_engine(demo_url)
    with engine.connect() as conn:
        choices = periods.period_choices(conn, "PO")
        assert any(p.parts for p in choices)  # the demo has an episode
        together = contacts.all_period_reports(conn, "PO", "both")
        alone = [contacts.period_report(conn, p, "PO", "both") for p in choices]
    engine.dispose()
    assert together == alone
