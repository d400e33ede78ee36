"""Summary tables built from a hand-made fixture, on SQLite and PostgreSQL; values by hand."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select, text

from data_access import aggregates, models

D = dt.date


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    eng = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    with eng.begin() as conn:
        conn.execute(insert(models.School), [
            dict(id=1, vestigingsnummer="01AA00", brin="01AA", name="School A", sector="BAO"),
            dict(id=2, vestigingsnummer="02BB00", brin="02BB", name="School B", sector="BAO"),
        ])
        conn.execute(insert(models.Pupil), [
            dict(id=1, pseudonym="P1", first_name="Een", last_name="Fixture", birth_date=D(2012, 1, 1), school_id=1, grade=8),
            dict(id=2, pseudonym="P2", first_name="Twee", last_name="Fixture", birth_date=D(2013, 1, 1), school_id=2, grade=7),
        ])
        conn.execute(insert(models.PupilEnrolment), [
            dict(pupil_id=1, school_id=1, school_year=2020, grade=8),
            dict(pupil_id=2, school_id=2, school_year=2020, grade=7),
        ])
        # autumn holiday 17–25 Oct 2020
        conn.execute(insert(models.Period).values(name="Herfstvakantie", kind="vakantie",
                                                  start=D(2020, 10, 17), end=D(2020, 10, 25)))
        rows = [
            # pupil 1: 6 h Mon 12 Oct, 6 h Tue 13 Oct, (holiday), 5 h Mon 26 Oct → 17 h: signal on 26 Oct
            (1, 1, D(2020, 10, 12), 6.0, "A", "ongeoorloofd"),
            (1, 1, D(2020, 10, 13), 6.0, "A", "ongeoorloofd"),
            (1, 1, D(2020, 10, 26), 5.0, "A", "ongeoorloofd"),
            (1, 1, D(2020, 10, 14), 0.5, "TL", "te_laat"),
            # pupil 2: sick 2 days in week of 12 Oct, late once
            (2, 2, D(2020, 10, 12), 5.5, "ZI", "ziek"),
            (2, 2, D(2020, 10, 15), 5.5, "ZI", "ziek"),
            (2, 2, D(2020, 10, 16), 0.25, "TL", "te_laat"),
        ]
        conn.execute(insert(models.Absence), [
            dict(pupil_id=p, school_id=s, date=d, hours=h, code=c, category=cat) for p, s, d, h, c, cat in rows
        ])
        # melding 3 school days after the signal (Tue 27, Wed 28, Thu 29 Oct)
        conn.execute(insert(models.Verzuimmelding).values(
            id=1, pupil_id=1, school_id=1, kind="16_uur", absence_start=D(2020, 10, 12),
            reported_on=D(2020, 10, 29), hours=17, status="open"))
        conn.execute(insert(models.Contact), [
            dict(date=D(2020, 10, 13), officer="lpa", target="school", channel="phone", reached=True, school_id=1),
            dict(date=D(2020, 10, 14), officer="lpa", target="school", channel="phone", reached=False, school_id=1),
        ])
        aggregates.refresh_all(conn)
    return eng


def test_absence_week_sums_per_school_week_and_category(db):
    with db.connect() as conn:
        rows = conn.execute(text(
            "SELECT school_id, week_start, category, hours, occurrences, pupils FROM absence_week "
            "ORDER BY school_id, week_start, category")).all()
    as_tuples = [(r[0], str(r[1])[:10], r[2], r[3], r[4], r[5]) for r in rows]
    assert as_tuples == [
        (1, "2020-10-12", "ongeoorloofd", 12.0, 2, 1),
        (1, "2020-10-12", "te_laat", 0.5, 1, 1),
        (1, "2020-10-26", "ongeoorloofd", 5.0, 1, 1),
        (2, "2020-10-12", "te_laat", 0.25, 1, 1),
        (2, "2020-10-12", "ziek", 11.0, 2, 1),
    ]


def test_absence_month_splits_a_week_by_calendar_month(db):
    with db.begin() as conn:
        # pupil 2 ill on Wednesday 30 September and Thursday 1 October 2020: one week, two months;
        # pupil 1 ill on 1 October too. Only school 2's September and October are refreshed.
        conn.execute(insert(models.Absence), [
            dict(pupil_id=2, school_id=2, date=D(2020, 9, 30), hours=2.0, code="ZI", category="ziek"),
            dict(pupil_id=2, school_id=2, date=D(2020, 10, 1), hours=3.0, code="ZI", category="ziek"),
        ])
        aggregates.refresh_absence(conn, {2}, D(2020, 9, 30), D(2020, 10, 1))
        rows = conn.execute(text(
            "SELECT school_id, month_start, category, hours, occurrences, pupils FROM absence_month "
            "ORDER BY school_id, month_start, category")).all()
    assert [(r[0], str(r[1])[:10], r[2], r[3], r[4], r[5]) for r in rows] == [
        # school 1: 6 + 6 + 5 h unauthorised in October (3 rows, 1 pupil), 0,5 h late
        (1, "2020-10-01", "ongeoorloofd", 17.0, 3, 1),
        (1, "2020-10-01", "te_laat", 0.5, 1, 1),
        # school 2: 2 h in September; October: 5,5 + 5,5 (12 and 15 Oct) + 3 (1 Oct) = 14 h, one pupil
        (2, "2020-09-01", "ziek", 2.0, 1, 1),
        (2, "2020-10-01", "te_laat", 0.25, 1, 1),
        (2, "2020-10-01", "ziek", 14.0, 3, 1),
    ]


def test_absentee_year_counts_pupils_per_category_and_a_pupil_with_two_once(db):
    with db.connect() as conn:
        rows = sorted(conn.execute(text("SELECT school_id, school_year, category, pupils FROM absentee_year")))
    # each school has one pupil, absent in two categories: 1 per category, 1 in all ('*')
    assert [tuple(r) for r in rows] == [
        (1, 2020, "*", 1), (1, 2020, "ongeoorloofd", 1), (1, 2020, "te_laat", 1),
        (2, 2020, "*", 1), (2, 2020, "te_laat", 1), (2, 2020, "ziek", 1),
    ]


def test_pupil_year_totals(db):
    with db.connect() as conn:
        rows = conn.execute(text("SELECT pupil_id, school_year, absence_hours, unauthorised_hours, late_count "
                                 "FROM pupil_year ORDER BY pupil_id")).all()
    assert [tuple(r) for r in rows] == [(1, 2020, 17.5, 17.0, 1), (2, 2020, 11.25, 0.0, 1)]


def test_signal_across_holiday_linked_to_melding_three_school_days_later(db):
    with db.connect() as conn:
        [signal] = conn.execute(select(models.Signal16.__table__)).all()
    assert (signal.pupil_id, signal.signal_on, signal.window_start) == (1, D(2020, 10, 26), D(2020, 10, 12))
    assert signal.hours == 17.0 and signal.melding_id == 1 and signal.school_days_to_melding == 3


def test_contact_week_counts_contacts_and_reached(db):
    with db.connect() as conn:
        rows = conn.execute(text("SELECT school_id, target, channel, contacts, reached FROM contact_week")).all()
    assert [tuple(r) for r in rows] == [(1, "school", "phone", 2, 1)]


def test_incremental_refresh_touches_only_the_given_school(db):
    with db.begin() as conn:
        conn.execute(insert(models.Absence).values(pupil_id=2, school_id=2, date=D(2020, 10, 14),
                                                   hours=2.0, code="A", category="ongeoorloofd"))
        conn.execute(text("UPDATE absence_week SET hours = 99 WHERE school_id = 1"))
        aggregates.refresh_absence(conn, {2}, D(2020, 10, 14), D(2020, 10, 14))
        school1 = conn.execute(text("SELECT SUM(hours) FROM absence_week WHERE school_id = 1")).scalar()
        school2 = conn.execute(text("SELECT hours FROM absence_week WHERE school_id = 2 "
                                    "AND category = 'ongeoorloofd'")).scalar()
    assert school1 == 99 * 3  # untouched
    assert school2 == 2.0


def test_an_unreported_signal_does_not_borrow_the_melding_of_a_later_one(engine):
    with engine.begin() as conn:
        conn.execute(insert(models.School).values(id=1, vestigingsnummer="01AA00", brin="01AA",
                                                  name="School A", sector="BAO"))
        conn.execute(insert(models.Pupil).values(id=1, pseudonym="P1", first_name="Een", last_name="Fixture",
                                                 birth_date=D(2012, 1, 1), school_id=1, grade=8))
        # signal 1: 3 × 6 h on 2–4 Nov 2020 (Wed 4 Nov), never reported;
        # signal 2: 3 × 6 h on 30 Nov – 2 Dec 2020 (Wed 2 Dec), reported Fri 4 Dec
        days = [D(2020, 11, 2), D(2020, 11, 3), D(2020, 11, 4), D(2020, 11, 30), D(2020, 12, 1), D(2020, 12, 2)]
        conn.execute(insert(models.Absence), [dict(pupil_id=1, school_id=1, date=d, hours=6.0, code="A",
                                                   category="ongeoorloofd") for d in days])
        conn.execute(insert(models.Verzuimmelding).values(id=7, pupil_id=1, school_id=1, kind="16_uur",
                                                          reported_on=D(2020, 12, 4), status="open"))
        aggregates.refresh_all(conn)
        rows = conn.execute(text("SELECT signal_on, melding_id, school_days_to_melding FROM signal16 "
                                 "ORDER BY signal_on")).all()
    assert [(str(r[0])[:10], r[1], r[2]) for r in rows] == [("2020-11-04", None, None), ("2020-12-02", 7, 2)]


def test_a_new_holiday_recomputes_the_signals(engine):
    from data_access import periods

    with engine.begin() as conn:
        conn.execute(insert(models.School).values(id=1, vestigingsnummer="01AA00", brin="01AA",
                                                  name="School A", sector="BAO"))
        conn.execute(insert(models.Pupil).values(id=1, pseudonym="P1", first_name="Een", last_name="Fixture",
                                                 birth_date=D(2012, 1, 1), school_id=1, grade=8))
        # 6 h on Mon 2, Tue 3 and Wed 4 Nov 2020 → 18 h → signal on Wed 4 Nov
        conn.execute(insert(models.Absence), [dict(pupil_id=1, school_id=1, date=D(2020, 11, d), hours=6.0,
                                                   code="A", category="ongeoorloofd") for d in (2, 3, 4)])
        aggregates.refresh_all(conn)
        assert conn.execute(text("SELECT COUNT(*) FROM signal16")).scalar() == 1
        # Wed 4 Nov becomes a study day: its hours no longer count → 12 h, no signal
        periods.add_period(conn, name="Studiedag", kind="studiedag", sector=None, start=D(2020, 11, 4),
                           end=D(2020, 11, 4), username="beheer")
        assert conn.execute(text("SELECT COUNT(*) FROM signal16")).scalar() == 0


def _summaries(conn) -> dict[str, list[tuple]]:
    """The summary tables' rows (signal16 without its generated id)."""
    queries = {t: f"SELECT * FROM {t}" for t in ("absence_week", "absence_month", "pupil_year", "pupil_category_year", "absentee_year")}
    queries["signal16"] = ("SELECT pupil_id, school_id, signal_on, window_start, hours, melding_id, "
                           "school_days_to_melding FROM signal16")
    return {t: sorted((tuple(str(v) for v in r) for r in conn.execute(text(q))), key=repr)
            for t, q in queries.items()}


def test_a_refresh_of_every_school_and_week_rebuilds_whole_and_equals_the_full_refresh(db):
    with db.begin() as conn:
        conn.execute(insert(models.Absence).values(pupil_id=2, school_id=2, date=D(2020, 10, 14),
                                                   hours=2.0, code="A", category="ongeoorloofd"))
        aggregates.refresh_all(conn)
        expected = _summaries(conn)
        conn.execute(text("UPDATE absence_week SET hours = 99"))
        assert aggregates._covers_all_absence(conn, {1, 2}, D(2020, 10, 12), D(2020, 11, 1))
        aggregates.refresh_absence(conn, {1, 2}, D(2020, 10, 12), D(2020, 10, 30))
        assert _summaries(conn) == expected
        # one school, or fewer weeks than the summaries hold: the incremental path
        assert not aggregates._covers_all_absence(conn, {2}, D(2020, 10, 12), D(2020, 11, 1))
        assert not aggregates._covers_all_absence(conn, {1, 2}, D(2020, 10, 19), D(2020, 11, 1))
