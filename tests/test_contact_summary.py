"""contact_segment (the /covid summary of contacts) against the contact rows themselves.

The reference here is computed in pandas straight from the definitions in
data_access/queries/contacts.py: a contact belongs to its own school, or — without one — to the
pupil's school that school year (else the pupil's current school); contacts with a school itself
count only for schools in scope. Every test would fail if contact_segment were stale or wrong: it
compares what the page reads with that reference, after a full build, after incremental refreshes
(an officer's contact, a partial rebuild), after a school changed scope and sector, and after the
migration filled the table of an existing database.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import insert, select, text, update

from data_access import aggregates, cases, periods
from data_access.metrics import school_year_of, week_start
from data_access.models import (
    Contact, ContactSegment, Pupil, PupilEnrolment, School,
)
from data_access.queries import contacts
from data_access.schema import alembic_config, migrate
from fixtures.covid import CONTACTS, S1, S5, X1, build, insert_rows

D = dt.date
MASS = set(contacts.MASS_CHANNELS)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    engine = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    build(engine)
    return engine


# --- the reference: the definitions applied to the contact rows -----------------------------


def group_contacts(conn, group: str) -> pd.DataFrame:
    """The group's contacts (newsletters and sessions left out), each with its date as a date."""
    schools = {r.id: r for r in conn.execute(select(School.id, School.sector, School.in_scope))}
    enrolled = {(r.pupil_id, r.school_year): r.school_id
                for r in conn.execute(select(PupilEnrolment.pupil_id, PupilEnrolment.school_year,
                                             PupilEnrolment.school_id))}
    current = dict(conn.execute(select(Pupil.id, Pupil.school_id)).all())
    sectors = set(periods.sectors_of_group(group))
    rows = []
    for c in conn.execute(select(Contact.date, Contact.target, Contact.channel, Contact.reached,
                                 Contact.led_to_concern, Contact.school_id, Contact.pupil_id)):
        day = contacts._as_date(c.date)
        school = c.school_id
        if school is None and c.pupil_id is not None:
            school = enrolled.get((c.pupil_id, school_year_of(day)), current.get(c.pupil_id))
        if c.channel in MASS or school is None or schools[school].sector not in sectors:
            continue
        if c.target == "school" and (c.school_id is None or not schools[c.school_id].in_scope):
            continue
        rows.append((day, c.target, c.channel, bool(c.reached), bool(c.led_to_concern)))
    return pd.DataFrame(rows, columns=["date", "target", "channel", "reached", "led"])


def reference_over_time(conn, group, start, end, unit) -> list[tuple]:
    frame = group_contacts(conn, group)
    frame = frame[(frame["date"] >= start) & (frame["date"] <= end)
                  & frame["target"].isin(contacts.CHART_TARGETS)]
    bucket = [week_start(d) if unit == "week" else d.replace(day=1) for d in frame["date"]]
    grouped = frame.assign(bucket=bucket).groupby(["bucket", "target", "channel"])["reached"]
    return [(b, t, c, int(n), int(r)) for (b, t, c), n, r in zip(grouped.size().index, grouped.size(), grouped.sum())]


def reference_concern_counts(conn, group, window) -> tuple[int, int]:
    frame = group_contacts(conn, group)
    mine = frame[[window.contains(d) for d in frame["date"]]]
    return len(mine), int(mine["led"].sum())


def over_time(conn, group, start, end, unit) -> list[tuple]:
    frame = contacts.contacts_over_time(conn, group, start, end, unit)
    return [tuple(r) for r in frame.itertuples(index=False)]


def segment_rows(conn) -> list[tuple]:
    rows = conn.execute(select(ContactSegment.first_day, ContactSegment.sector, ContactSegment.in_scope,
                               ContactSegment.target, ContactSegment.channel, ContactSegment.week_start,
                               ContactSegment.month_start, ContactSegment.contacts, ContactSegment.reached,
                               ContactSegment.led_to_concern)).all()
    return sorted((contacts._as_date(r[0]), r[1], bool(r[2]), *r[3:5], contacts._as_date(r[5]),
                   contacts._as_date(r[6]), *r[7:]) for r in rows)


RANGES = [  # month-aligned (as the page asks), starting and ending mid-segment, one short range
    (D(2020, 2, 1), D(2020, 4, 30)), (D(2020, 2, 12), D(2020, 3, 18)), (D(2020, 3, 17), D(2020, 3, 19)),
    (D(2019, 8, 1), D(2020, 7, 31)),
]


def assert_matches_reference(conn, group="PO"):
    for start, end in RANGES:
        for unit in ("week", "month"):
            assert over_time(conn, group, start, end, unit) == reference_over_time(conn, group, start, end, unit), \
                (start, end, unit)
    [period] = periods.covid_periods(conn, group)
    report = contacts.period_report(conn, period, group)
    for window, metrics in ((report.window, report.metrics), (report.baseline, report.baseline_metrics)):
        assert (metrics.contacts, metrics.contacts_led_to_concern) == reference_concern_counts(conn, group, window)


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


# --- the page's figures against the reference -----------------------------------------------


def test_the_fast_path_equals_the_contact_rows(db):
    with db.connect() as conn:
        assert not aggregates.contact_segment_is_stale(conn)
        assert_matches_reference(conn)


def test_the_demo_municipality_equals_the_contact_rows(demo_url):
    from data_access.db import make_engine

    engine = make_engine(demo_url)
    with engine.connect() as conn:
        first, last = contacts.contact_bounds(conn)
        for start, end in [(D(first.year, 8, 1), last), (first + dt.timedelta(days=3), last - dt.timedelta(days=40))]:
            for unit in ("week", "month"):
                assert over_time(conn, "PO", start, end, unit) == reference_over_time(conn, "PO", start, end, unit)
        for report in contacts.all_period_reports(conn, "PO", "both"):
            for window, metrics in ((report.window, report.metrics), (report.baseline, report.baseline_metrics)):
                if metrics is not None:
                    assert (metrics.contacts, metrics.contacts_led_to_concern) == \
                        reference_concern_counts(conn, "PO", window)
    engine.dispose()


def test_an_officers_contact_is_in_the_figures_at_once(db):
    with db.begin() as conn:
        # pupil 4 (S4): a reached call on Wed 18-03-2020, logged through the contact form
        cases.add_contact(conn, pupil_id=4, officer="lpa1", role="leerplicht", on=D(2020, 3, 18), target="family",
                          channel="phone", reached=True, concern_id=4, today=D(2020, 4, 1))
    with db.connect() as conn:
        assert_matches_reference(conn)
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
        assert over_time(conn, "PO", D(2020, 3, 1), D(2020, 3, 31), "week") == \
            reference_over_time(conn, "PO", D(2020, 3, 1), D(2020, 3, 31), "week")
        partial = segment_rows(conn)
        aggregates.refresh_contacts(conn)
        full = segment_rows(conn)
        assert_matches_reference(conn)
    changed = [p for p, f in zip(partial, full) if p != f]
    assert changed and {p[0] for p in changed} == {D(2020, 2, 24)}


def test_a_school_that_changed_scope_or_sector_makes_the_summary_stale_not_wrong(db):
    with db.begin() as conn:
        # what a schools import can do: S1 leaves the scope, X1 (outside it) becomes secondary
        conn.execute(update(School).where(School.id == S1).values(in_scope=False))
        conn.execute(update(School).where(School.id == X1).values(sector="VO"))
    with db.connect() as conn:
        assert aggregates.contact_segment_is_stale(conn)
        assert_matches_reference(conn)
        report = contacts.period_report(conn, periods.covid_periods(conn, "PO")[0], "PO")
        assert (report.metrics.schools, report.metrics.schools_contacted) == (5, 4)
    with db.begin() as conn:
        # the next refresh, however small, rebuilds it whole
        aggregates.refresh_contacts(conn, [S5], D(2020, 3, 27), D(2020, 3, 27))
        assert not aggregates.contact_segment_is_stale(conn)
        assert_matches_reference(conn)


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
        assert migrated and not aggregates.contact_segment_is_stale(conn)
        assert_matches_reference(conn)
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
