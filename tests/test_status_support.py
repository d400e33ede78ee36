"""A hand-made municipality for the status tests (no tests in here; imported by test_status_*.py).

Every expected number in the tests is worked out by hand from the rows below.

Schools (in scope unless said): A BAO (pilot from 01-08-2023), B BAO, C SBAO (pilot from
01-02-2024), D SO, E VO, F BAO out of scope.

Reporting periods: 2023-T3 (01-09-2023 – 31-12-2023), 2024-T1 (01-01 – 31-03-2024),
2024-T2 (01-04 – 30-06-2024, no reports). KPIs for 2024-T1 count 01-08-2023 – 31-03-2024.

* schools_visited_share: primary in scope = A, B, C, D. Visits in the window: A (12-09-2023),
  B (31-03-2024, last day). C only by phone and a visit on 31-07-2023 (last school year);
  D visited 02-04-2024 (after); E is VO, F out of scope → 2 / 4 = 0,5. For 2024-T2: 3 / 4.
* newsletters_per_year: 02-10-2023 (to A and B, two rows), 15-01-2024; 01-06-2023 is last
  year → 2.
* meldingen_per_1000: 12 meldingen in the window at in-scope schools (+1 at F, +1 on
  20-07-2023, +1 on 05-04-2024: not counted); pupils 2023 at in-scope schools
  200 + 150 + 50 + 40 + 560 = 1.000 (F's 1.000 not counted) → 12,0.
* 16-hour signals in the window, school days to melding (≤ 5 is on time):
  pilot (A): 2, 5, 6, –, 1 → 3 of 5 = 0,6;
  overig: B 0, 3, –, 10; E 8; C 4 (10-01-2024, before its pilot) → 3 of 6 = 0,5;
  not counted: F (out of scope), A on 01-05-2024 (after the window).
  pilot_compliance_gap = 0,6 − 0,5 = 0,1; reporting_compliance = 6 / 11.

Actions and KPI links (target, higher is better):
  LEA-01 Verzuim / Wethouder Jansen: schools_visited_share 0,8 ↑ → 0,5: rood
  LEA-02 Verzuim / Wethouder Jansen: pilot_compliance_gap 0,1 ↑ → groen;
                                     reporting_compliance 0,6 ↑ → 0,545: oranje (miss 0,055 ≤ 0,06)
  LEA-03 Thuiszitters / Wethouder de Vries: meldingen_per_1000 11 ↓ → 12: oranje (miss 1 ≤ 1,1)
  LEA-04 Thuiszitters / Wethouder de Vries: newsletters_per_year 2 ↑ → 2: groen

Reports (K/T/G), latest per action and period counts:
  2023-T3: LEA-01 g/g/g; LEA-02 g/o/g; LEA-03 none; LEA-04 r/r/o
  2024-T1: LEA-01 g/o/g; LEA-02 o/o/g on 02-04 then correction g/o/g on 03-04;
           LEA-03 o/g/g; LEA-04 r/o/g
  → 2024-T1: Kwaliteit 2 groen, 1 oranje, 1 rood; Tijd 1 groen, 3 oranje, 0 rood; Geld 4 groen.
  → 2023-T3: Kwaliteit 2 groen, 0 oranje, 1 rood, 1 geen rapportage.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select

from data_access.models import (
    ActionKpi, Contact, PolicyAction, Pupil, ReportingPeriod, School, SchoolEnrolment, Signal16,
    StatusReport, Verzuimmelding,
)
from data_access.users import create_user

D = dt.date
PASSWORD = "status-test-wachtwoord"
EXPLAIN = {"cause": "Minder capaciteit", "consequence": "Bezoeken schuiven op", "measure": "Inhuur per mei"}


def add(conn: Connection, model, **values) -> int:
    return conn.execute(insert(model).values(**values).returning(model.id)).scalar_one()


def add_users(conn: Connection) -> None:
    for username, name, role in [("wethouder", "Wethouder Jansen", "portefeuillehouder"),
                                 ("lpa", "Lia Leerplicht", "leerplicht"),
                                 ("admin", "Bert Beheer", "beheer"),
                                 ("partner", "Lea Partner", "lea")]:
        create_user(conn, username, name, [role], PASSWORD)


def add_periods(conn: Connection) -> dict[str, int]:
    return {name: add(conn, ReportingPeriod, name=name, start=start, end=end) for name, start, end in [
        ("2023-T3", D(2023, 9, 1), D(2023, 12, 31)),
        ("2024-T1", D(2024, 1, 1), D(2024, 3, 31)),
        ("2024-T2", D(2024, 4, 1), D(2024, 6, 30)),
    ]}


def add_actions(conn: Connection) -> dict[str, int]:
    ids = {}
    for code, programme, title, holder in [
        ("LEA-01", "Verzuim", "Schoolbezoeken leerplicht", "Wethouder Jansen"),
        ("LEA-02", "Verzuim", "Evaluatie pilot Ondersteuning verzuimadministratie scholen", "Wethouder Jansen"),
        ("LEA-03", "Thuiszitters", "Minder verzuimmeldingen door vroegsignalering", "Wethouder de Vries"),
        ("LEA-04", "Thuiszitters", "Nieuwsbrief voor scholen", "Wethouder de Vries"),
    ]:
        ids[code] = add(conn, PolicyAction, code=code, programme=programme, title=title,
                        portfolio_holder=holder, planned_end=D(2024, 12, 31))
    for code, kpi, target, higher in [
        ("LEA-01", "schools_visited_share", 0.8, True),
        ("LEA-02", "pilot_compliance_gap", 0.1, True),
        ("LEA-02", "reporting_compliance", 0.6, True),
        ("LEA-03", "meldingen_per_1000", 11.0, False),
        ("LEA-04", "newsletters_per_year", 2.0, True),
    ]:
        add(conn, ActionKpi, action_id=ids[code], kpi=kpi, target=target, higher_is_better=higher)
    return ids


def report(conn: Connection, action_id: int, period_id: int, lights: str, at: dt.datetime,
           author: str = "lpa", explained: bool = True) -> int:
    quality, time, money = ({"g": "groen", "o": "oranje", "r": "rood"}[c] for c in lights.split("/"))
    explanation = EXPLAIN if explained and lights != "g/g/g" else {}
    return add(conn, StatusReport, action_id=action_id, reporting_period_id=period_id, quality=quality,
               time=time, money=money, author=author, created_at=at, **explanation)


def add_reports(conn: Connection, actions: dict[str, int], periods: dict[str, int]) -> None:
    t3, t1 = periods["2023-T3"], periods["2024-T1"]
    at = dt.datetime
    report(conn, actions["LEA-01"], t3, "g/g/g", at(2024, 1, 5, 9))
    report(conn, actions["LEA-02"], t3, "g/o/g", at(2024, 1, 5, 9))
    report(conn, actions["LEA-04"], t3, "r/r/o", at(2024, 1, 5, 9))
    report(conn, actions["LEA-01"], t1, "g/o/g", at(2024, 4, 2, 9))
    report(conn, actions["LEA-02"], t1, "o/o/g", at(2024, 4, 2, 9))
    report(conn, actions["LEA-02"], t1, "g/o/g", at(2024, 4, 3, 10), author="admin")
    report(conn, actions["LEA-03"], t1, "o/g/g", at(2024, 4, 2, 9))
    report(conn, actions["LEA-04"], t1, "r/o/g", at(2024, 4, 2, 9))


def add_evidence(conn: Connection) -> None:
    """Schools, enrolment, contacts, meldingen and 16-hour signals (see the module docstring)."""
    school = {}
    for key, sector, pilot, in_scope, pupils in [
        ("A", "BAO", D(2023, 8, 1), True, 200), ("B", "BAO", None, True, 150),
        ("C", "SBAO", D(2024, 2, 1), True, 50), ("D", "SO", None, True, 40),
        ("E", "VO", None, True, 560), ("F", "BAO", None, False, 1000),
    ]:
        school[key] = add(conn, School, vestigingsnummer=f"99{key}X00", brin=f"99{key}X", name=f"School {key}",
                          sector=sector, pilot_start=pilot, in_scope=in_scope)
        add(conn, SchoolEnrolment, school_id=school[key], school_year=2023, pupils=pupils)
    pupil = add(conn, Pupil, pseudonym="P0001", first_name="Test", last_name="Leerling",
                birth_date=D(2012, 5, 1), school_id=school["A"])

    def contact(key, day, channel, target="school"):
        add(conn, Contact, date=day, officer="lpa", target=target, channel=channel, school_id=school[key])

    contact("A", D(2023, 9, 12), "school_visit")
    contact("B", D(2024, 3, 31), "school_visit")
    contact("C", D(2024, 1, 8), "phone")
    contact("C", D(2023, 7, 31), "school_visit")
    contact("D", D(2024, 4, 2), "school_visit")
    contact("E", D(2023, 10, 10), "school_visit")
    contact("F", D(2023, 10, 10), "school_visit")
    contact("A", D(2023, 10, 2), "newsletter")
    contact("B", D(2023, 10, 2), "newsletter")
    contact("A", D(2024, 1, 15), "newsletter")
    contact("A", D(2023, 6, 1), "newsletter")

    counted = ["A"] * 4 + ["B"] * 3 + ["C"] * 2 + ["D"] * 1 + ["E"] * 2
    for index, key in enumerate(counted):
        add(conn, Verzuimmelding, pupil_id=pupil, school_id=school[key], kind="16_uur",
            reported_on=D(2023, 9, 1) + dt.timedelta(days=14 * index))
    for key, day in [("F", D(2023, 11, 1)), ("A", D(2023, 7, 20)), ("A", D(2024, 4, 5))]:
        add(conn, Verzuimmelding, pupil_id=pupil, school_id=school[key], kind="16_uur", reported_on=day)

    signals = [("A", D(2023, 10, 2), 2), ("A", D(2023, 10, 9), 5), ("A", D(2023, 11, 6), 6),
               ("A", D(2023, 11, 13), None), ("A", D(2024, 2, 5), 1),
               ("B", D(2023, 9, 18), 0), ("B", D(2023, 10, 16), 3), ("B", D(2023, 12, 4), None),
               ("B", D(2024, 3, 4), 10), ("E", D(2024, 1, 22), 8), ("C", D(2024, 1, 10), 4),
               ("F", D(2023, 10, 2), 1), ("A", D(2024, 5, 1), 1)]
    for key, day, delay in signals:
        add(conn, Signal16, pupil_id=pupil, school_id=school[key], signal_on=day,
            window_start=day - dt.timedelta(days=14), hours=17.0, school_days_to_melding=delay)


def build(engine, *, users: bool = True, reports: bool = True, evidence: bool = True) -> dict:
    """Fill a migrated, empty database; returns the ids of actions and periods."""
    with engine.begin() as conn:
        if users:
            add_users(conn)
        periods = add_periods(conn)
        actions = add_actions(conn)
        if reports:
            add_reports(conn, actions, periods)
        if evidence:
            add_evidence(conn)
    return {"actions": actions, "periods": periods}


def period_ids(conn: Connection) -> dict[str, int]:
    return dict(conn.execute(select(ReportingPeriod.name, ReportingPeriod.id)).all())
