"""A hand-made municipality for the /jongeren tests (imported by the other test_youths_* files).

Calendar (all sectors): summer holiday 18 Jul – 30 Aug 2020, autumn holiday 17 – 25 Oct 2020.
School weeks from Mon 31 Aug 2020; the week of 19 Oct is holiday and does not count.
Reference date TODAY = Fri 13 Nov 2020: the current 4-school-week window is the weeks of
12 Oct, 26 Oct, 2 Nov and 9 Nov. School days 31 Aug – 13 Nov = 11 weeks − 1 holiday week = 50,
so possible hours = 50 × 5,5 = 275; persistent (10 %) from 27,5 h, severe (50 %) from 137,5 h.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from data_access import aggregates, models, users

D = dt.date
TODAY = D(2020, 11, 13)
PASSWORD = "fixture-wachtwoord-1"

PUPILS = {
    # id: (pseudonym, first, last, birth date, school, grade)
    1: ("P-EXACT", "Anna", "Exact", D(2010, 5, 1), 1, 5),        # 16 h in window: approaching, no signal
    2: ("P-OVER", "Bram", "Boven", D(2009, 11, 14), 1, 6),       # 16,5 h: signal on Fri 6 Nov
    3: ("P-VAKANTIE", "Cas", "Vakantie", D(2008, 1, 1), 2, 7),   # window across the autumn holiday
    4: ("P-MELDING", "Dina", "Melding", D(2008, 2, 2), 2, 8),    # a melding filed before the signal
    5: ("P-LAAT", "Eva", "Laat", D(2011, 3, 3), 1, 4),           # 10 times late
    6: ("P-LAAT9", "Finn", "Bijna", D(2011, 4, 4), 1, 4),        # 9 times late: no signal
    7: ("P-LANG", "Gijs", "Langdurig", D(2010, 6, 6), 2, 5),     # 27,5 h sick = exactly 10 %
    8: ("P-ONDER", "Hana", "Onder", D(2010, 7, 7), 2, 5),        # 22 h sick = 8 %: not listed
    9: ("P-ERNSTIG", "Ivo", "Ernstig", D(2009, 8, 8), 1, 6),     # 137,5 h sick = exactly 50 %
    10: ("P-ZAAK", "Jet", "Zaak", D(2007, 9, 9), 2, 8),          # open case only, action overdue
    11: ("P-GESLOTEN", "Kees", "Dicht", D(2007, 10, 10), 1, 8),  # case closed this year, no signal
}


def weekdays(start: dt.date, count: int) -> list[dt.date]:
    """``count`` school days from ``start`` (skipping weekends and the autumn holiday)."""
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5 and not (D(2020, 10, 17) <= day <= D(2020, 10, 25)):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def absence_rows() -> list[tuple]:
    rows = []

    def add(pupil, day, hours, code, category):
        rows.append((pupil, day, hours, code, category))

    for i in range(4):  # 1: 4 h on Mon–Thu 2–5 Nov = exactly 16 h
        add(1, D(2020, 11, 2 + i), 4.0, "A", "ongeoorloofd")
    for i in range(4):  # 2: the same plus 0,5 h on Fri 6 Nov = 16,5 h
        add(2, D(2020, 11, 2 + i), 4.0, "A", "ongeoorloofd")
    add(2, D(2020, 11, 6), 0.5, "A", "ongeoorloofd")
    # 3: 6 h Mon 5 Oct, 6 h Mon 12 Oct, 8 h during the holiday (ignored), 5 h Mon 2 Nov:
    #    weeks 5 Oct, 12 Oct, 26 Oct, 2 Nov are 4 consecutive school weeks → 17 h → signal on 2 Nov
    add(3, D(2020, 10, 5), 6.0, "A", "ongeoorloofd")
    add(3, D(2020, 10, 12), 6.0, "A", "ongeoorloofd")
    add(3, D(2020, 10, 20), 8.0, "A", "ongeoorloofd")
    add(3, D(2020, 11, 2), 5.0, "A", "ongeoorloofd")
    # 4: 6 h Mon 2 – Thu 5 Nov; 16_uur melding (absence from 2 Nov) filed on Tue 3 Nov
    #    → 18 h on Wed 4 Nov: a signal, answered by that melding; restart on Thu: 6 h in the window
    for i in range(4):
        add(4, D(2020, 11, 2 + i), 6.0, "A", "ongeoorloofd")
    for day in weekdays(D(2020, 9, 1), 10):  # 5: late on 10 days
        add(5, day, 0.25, "TL", "te_laat")
    for day in weekdays(D(2020, 9, 1), 9):  # 6: late on 9 days
        add(6, day, 0.25, "TL", "te_laat")
    for day in weekdays(D(2020, 9, 7), 5):  # 7: 5 × 5,5 = 27,5 h sick
        add(7, day, 5.5, "ZI", "ziek")
    for day in weekdays(D(2020, 9, 7), 4):  # 8: 4 × 5,5 = 22 h sick
        add(8, day, 5.5, "ZI", "ziek")
    for day in weekdays(D(2020, 9, 1), 25):  # 9: 25 × 5,5 = 137,5 h sick
        add(9, day, 5.5, "ZI", "ziek")
    add(9, D(2020, 11, 13), 1.0, "GO", "geoorloofd")  # …plus 1 h: 138,5 h; also sets the latest date
    return rows


def build(engine) -> None:
    """Fill a migrated, empty database with the fixture and refresh the summary tables."""
    with engine.begin() as conn:
        conn.execute(insert(models.School), [
            dict(id=1, vestigingsnummer="01AA00", brin="01AA", name="De Esdoorn", sector="BAO", swv_code="PO2201"),
            dict(id=2, vestigingsnummer="02BB00", brin="02BB", name="Het Baken", sector="BAO", swv_code="PO2202"),
        ])
        conn.execute(insert(models.Pupil), [
            dict(id=i, pseudonym=p, first_name=f, last_name=l, birth_date=b, school_id=s, grade=g)
            for i, (p, f, l, b, s, g) in PUPILS.items()
        ])
        conn.execute(insert(models.PupilEnrolment), [
            dict(pupil_id=i, school_id=s, school_year=2020, grade=g) for i, (_, _, _, _, s, g) in PUPILS.items()
        ])
        conn.execute(insert(models.Period), [
            dict(name="Zomervakantie 2020", kind="vakantie", start=D(2020, 7, 18), end=D(2020, 8, 30)),
            dict(name="Herfstvakantie 2020", kind="vakantie", start=D(2020, 10, 17), end=D(2020, 10, 25)),
        ])
        conn.execute(insert(models.Absence), [
            dict(pupil_id=p, school_id=PUPILS[p][4], date=d, hours=h, code=c, category=cat)
            for p, d, h, c, cat in absence_rows()
        ])
        conn.execute(insert(models.Verzuimmelding).values(
            id=1, pupil_id=4, school_id=2, kind="16_uur", absence_start=D(2020, 11, 2),
            reported_on=D(2020, 11, 3), hours=12, status="open", officer="leerplicht"))
        no_action = dict(next_action=None, next_action_on=None, closed_on=None)
        conn.execute(insert(models.Concern), [dict(no_action, **c) for c in [
            dict(id=1, pupil_id=10, opened_on=D(2020, 9, 15), source="school", reason="Zorgen over thuissituatie",
                 status="in_behandeling", mas_route="route 2", phase="onderzoek", officer="leerplicht",
                 next_action="Huisbezoek", next_action_on=D(2020, 11, 10)),
            dict(id=2, pupil_id=11, opened_on=D(2020, 9, 1), source="ggd", reason="Afgerond", status="gesloten",
                 mas_route="route 1", phase="nazorg", officer="lpa2", closed_on=D(2020, 10, 1)),
            dict(id=3, pupil_id=2, opened_on=D(2020, 11, 9), source="school", reason="16 uur",
                 status="open", mas_route="route 1", phase="intake", officer="lpa2",
                 next_action="Gesprek", next_action_on=D(2020, 11, 20)),
        ]])
        conn.execute(insert(models.Contact), [
            dict(date=D(2020, 10, 1), officer="leerplicht", target="family", channel="phone", reached=True,
                 school_id=2, pupil_id=10, concern_id=1, notes="Moeder gebeld"),
            # linked to the case only (no pupil_id): still the last contact of P-OVER
            dict(date=D(2020, 11, 10), officer="lpa2", target="school", channel="email", reached=True,
                 school_id=1, pupil_id=None, concern_id=3, notes=None),
        ])
        users.create_user(conn, "leerplicht", "Lotte Leerplicht", ["leerplicht"], PASSWORD)
        users.create_user(conn, "lpa2", "Piet Plicht", ["leerplicht"], PASSWORD)
        users.create_user(conn, "lea", "Lea Deelnemer", ["lea"], PASSWORD)
        users.create_user(conn, "portefeuillehouder", "Wethouder", ["portefeuillehouder"], PASSWORD)
        users.create_user(conn, "beheer", "Beheerder", ["beheer"], PASSWORD)
        aggregates.refresh_all(conn)


def test_fixture_builds_and_has_the_signals_the_other_tests_rely_on(engine):
    build(engine)
    with engine.connect() as conn:
        signals = conn.exec_driver_sql("SELECT pupil_id, signal_on FROM signal16 ORDER BY pupil_id").all()
    assert [(p, str(d)[:10]) for p, d in signals] == [(2, "2020-11-06"), (3, "2020-11-02"), (4, "2020-11-04")]


@pytest.fixture
def fixture_db(engine):
    """The fixture municipality on SQLite."""
    build(engine)
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def any_fixture_db(request):
    """The fixture municipality on SQLite and on PostgreSQL."""
    eng = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    build(eng)
    return eng
