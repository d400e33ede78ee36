"""A hand-made municipality for the /covid tests (imported by the other test_covid_* modules).

Calendar (2020): holiday Sat 29-02 – Sun 08-03 (the week of Mon 02-03 is no school week);
COVID closure for primary schools Mon 16-03 – Sun 29-03 (10 school days = 2 school weeks).
So the baseline "before" is the weeks of Mon 24-02 and Mon 09-03 (the holiday week skipped).

Schools: S1–S6 primary (BAO) in scope, X1 primary outside the municipality's scope, V1 secondary.
Cases K1–K10 (one pupil each, pupil n belongs to case Kn); see the comments at every contact.
Expected values, worked out by hand, are in the tests that use this fixture.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import column, insert, table

from data_access import aggregates, users
from data_access.models import Concern, Contact, Period, Pupil, PupilEnrolment, School

D = dt.date
S1, S2, S3, S4, S5, S6, X1, V1 = range(1, 9)
PASSWORD = "covid-test-wachtwoord"
USERS = {"lea": ["lea"], "leerplicht": ["leerplicht"], "wethouder": ["portefeuillehouder"], "beheer": ["beheer"]}


def school_rows():
    rows = [dict(id=i, vestigingsnummer=f"01AB{i:02d}", brin="01AB", name=f"Basisschool {name}", sector="BAO",
                 municipality="Testdorp", in_scope=True)
            for i, name in zip((S1, S2, S3, S4, S5, S6), ("Het Anker", "De Bron", "De Cirkel", "De Duinen",
                                                          "De Eik", "De Fontein"))]
    rows.append(dict(id=X1, vestigingsnummer="09XX00", brin="09XX", name="Basisschool Buiten", sector="BAO",
                     municipality="Buurdorp", in_scope=False))
    rows.append(dict(id=V1, vestigingsnummer="02VO00", brin="02VO", name="Testdorp College", sector="VO",
                     municipality="Testdorp", in_scope=True))
    return rows


# pupil id → (school in school year 2019/20, current school). Pupil 1 went on to secondary school:
# in 2019/20 she was at S1, so her case still counts for primary schools.
PUPILS = {1: (S1, V1), 2: (S2, S2), 3: (S3, S3), 4: (S4, S4), 5: (S5, S5), 6: (S6, S6), 7: (S1, S1),
          8: (S2, S2), 9: (V1, V1), 10: (S3, S3)}

CASES = [  # id (= pupil), opened_on, closed_on
    (1, D(2020, 1, 10), None),
    (2, D(2020, 3, 20), None),
    (3, D(2020, 2, 1), D(2020, 3, 18)),
    (4, D(2020, 3, 1), None),
    (5, D(2019, 12, 1), None),
    (6, D(2020, 3, 2), None),
    (7, D(2020, 3, 30), None),          # opened after the closure
    (8, D(2020, 1, 1), D(2020, 3, 13)),  # closed before the closure
    (9, D(2020, 1, 15), None),          # secondary school pupil
    (10, D(2020, 3, 16), None),
]


def _contact(day, target, channel, reached=True, school=None, case=None, pupil=None, led=False, topic=None):
    return dict(date=day, officer="lpa1", target=target, channel=channel, reached=reached, led_to_concern=led,
                school_id=school, concern_id=case, pupil_id=pupil if pupil is not None else case, topic=topic)


CONTACTS = [
    # --- school contacts in the closure (16-03 … 29-03)
    _contact(D(2020, 3, 17), "school", "phone", school=S1),
    _contact(D(2020, 3, 24), "school", "phone", school=S1),
    _contact(D(2020, 3, 18), "school", "email", school=S2, led=True),
    _contact(D(2020, 3, 26), "school", "school_visit", reached=False, school=S3),  # an attempt counts
    _contact(D(2020, 3, 20), "school", "phone", school=S4, led=True),
    _contact(D(2020, 3, 27), "school", "meeting", school=S5),
    _contact(D(2020, 3, 17), "school", "phone", school=X1),  # not in scope: no school contact
    _contact(D(2020, 3, 17), "school", "phone", school=V1),  # secondary
    # --- school contacts around it
    _contact(D(2020, 2, 25), "school", "phone", school=S1),  # baseline
    _contact(D(2020, 3, 10), "school", "phone", school=S2),  # baseline
    _contact(D(2020, 3, 11), "school", "phone", school=S3, led=True),  # baseline
    _contact(D(2020, 3, 3), "school", "phone", school=S4),   # holiday week: in no window
    _contact(D(2020, 2, 5), "school", "phone", school=S5),   # before the baseline
    # --- newsletters and information sessions: their own kind of contact
    *[_contact(D(2020, 3, 19), "school", "newsletter", school=s, topic="Thuisonderwijs") for s in (S1, S2, S3, S4, S5, S6)],
    *[_contact(D(2020, 3, 26), "school", "newsletter", school=s, topic="Thuisonderwijs") for s in (S1, S2)],
    _contact(D(2020, 3, 25), "school", "info_session", topic="Noodopvang"),
    _contact(D(2020, 3, 19), "school", "newsletter", school=V1, topic="Examens"),
    *[_contact(D(2020, 2, 10), "school", "newsletter", school=s, topic="Verzuimcodes") for s in (S1, S2, S3)],
    # --- families and youths
    _contact(D(2020, 3, 18), "family", "phone", case=1),                 # K1 reached, 2 days
    _contact(D(2020, 2, 26), "family", "phone", case=1),                 # K1 baseline, 2 days
    _contact(D(2020, 3, 18), "family", "phone", case=2),                 # before K2 opened: not counted
    _contact(D(2020, 3, 25), "youth", "home_visit", case=2),             # K2 reached, 5 days after opening
    _contact(D(2020, 3, 17), "family", "phone", reached=False, case=3),
    _contact(D(2020, 3, 18), "family", "phone", case=3),                 # K3 reached on its closing day, 2 days
    *[_contact(day, "family", channel, reached=False, case=4)           # K4 never reached: 5 attempts
      for day, channel in ((D(2020, 3, 17), "phone"), (D(2020, 3, 19), "phone"), (D(2020, 3, 20), "email"),
                           (D(2020, 3, 23), "letter"), (D(2020, 3, 26), "home_visit"))],
    _contact(D(2020, 3, 2), "family", "phone", case=4),                  # holiday week: in no window
    _contact(D(2020, 3, 12), "family", "phone", reached=False, case=4),  # K4 baseline: never reached
    _contact(D(2020, 3, 10), "family", "phone", case=5),                 # K5 baseline reached, 8 window days
    _contact(D(2020, 3, 24), "family", "email", reached=False, case=5, school=S5),  # K5 never reached in closure
    _contact(D(2020, 3, 13), "youth", "phone", case=6),                  # K6 baseline reached, 4 days
    _contact(D(2020, 3, 31), "family", "phone", case=7),                 # after the closure
    _contact(D(2020, 2, 27), "family", "letter", case=8),                # K8 baseline reached, 3 days
    _contact(D(2020, 3, 17), "family", "phone", case=9),                 # secondary: not counted
    _contact(D(2020, 3, 16), "family", "phone", pupil=10),               # K10 via the pupil (no case id), 0 days
]
PERIODS = [
    dict(name="Voorjaarsvakantie", kind="vakantie", sector=None, start=D(2020, 2, 29), end=D(2020, 3, 8)),
    dict(name="Eerste sluiting", kind="covid_sluiting", sector="BAO", start=D(2020, 3, 16), end=D(2020, 3, 29)),
    dict(name="Sluiting VO", kind="covid_sluiting", sector="VO", start=D(2020, 3, 16), end=D(2020, 3, 22)),
]


def build(engine) -> None:
    with engine.begin() as conn:
        insert_rows(conn)
        aggregates.refresh_contacts(conn)


def insert_rows(conn) -> None:
    """The fixture's rows, without the summaries."""
    conn.execute(insert(School), school_rows())
    conn.execute(insert(Pupil), [dict(id=p, pseudonym=f"P{p:04d}", first_name=f"Kind{p}", last_name="Test",
                                      birth_date=D(2010, 1, p), school_id=current, grade=6)
                                 for p, (_, current) in PUPILS.items()])
    conn.execute(insert(PupilEnrolment), [dict(pupil_id=p, school_id=then, school_year=2019, grade=6)
                                          for p, (then, _) in PUPILS.items()])
    # the columns every schema version has (a migration test inserts these into an older schema)
    concern = table("concern", *(column(c) for c in ("id", "pupil_id", "opened_on", "closed_on", "source",
                                                     "reason", "status", "officer")))
    conn.execute(insert(concern), [dict(id=i, pupil_id=i, opened_on=o, closed_on=c, source="school",
                                        reason="zorg", status="open" if c is None else "gesloten",
                                        officer="lpa1") for i, o, c in CASES])
    conn.execute(insert(Contact), CONTACTS)
    conn.execute(insert(Period), PERIODS)


def add_users(engine) -> None:
    with engine.begin() as conn:
        for username, roles in USERS.items():
            users.create_user(conn, username, username.title(), roles, PASSWORD)


@pytest.fixture
def covid_sqlite(engine):
    build(engine)
    return engine


@pytest.fixture
def covid_url(sqlite_url, engine):
    """URL of the SQLite fixture municipality with users (for AppTest)."""
    build(engine)
    add_users(engine)
    return sqlite_url
