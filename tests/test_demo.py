"""The synthetic demo municipality: deterministic, complete, and showing what the dashboard is for.

Most tests read the session's demo database (``demo_url``: seed 2024). One test builds the demo a
second time on SQLite and one on PostgreSQL to prove determinism and portability.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

import bcrypt
import pytest
from sqlalchemy import text

from data_access import demo
from data_access.definitions.calendar import SchoolDayCounter, load_school_calendar, week_start
from data_access.db import make_engine
from data_access.definitions.settings import DEFAULTS
from data_access.definitions.sixteen_hours import school_week_index, sixteen_hour_signals
from data_access.models import MELDING_KINDS, MELDING_STATUSES
from data_access.schema import migrate
from conftest import DEMO_PASSWORD

FIRST_CLOSURE = (dt.date(2020, 3, 16), dt.date(2020, 6, 7))  # closed + half groups, open again 08-06-2020
SECOND_CLOSURE = (dt.date(2020, 12, 16), dt.date(2021, 2, 7))


@pytest.fixture(scope="module")
def conn(demo_url):
    engine = make_engine(demo_url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def rows(conn, sql: str, **params) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(sql), params)]


def as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _norm(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == " ":
        return value[:19]
    if isinstance(value, float):
        return round(value, 6)
    return value


FINGERPRINT_TABLES = {
    "school": "id, vestigingsnummer, name, board, swv_code, pilot_start",
    "pupil": "id, pseudonym, first_name, last_name, birth_date, school_id, grade",
    "pupil_enrolment": "id, pupil_id, school_id, school_year, grade",
    "absence": "id, pupil_id, school_id, date, hours, code, category, registered_on",
    "verzuimmelding": "id, pupil_id, school_id, kind, absence_start, reported_on, hours, status, outcome, officer, "
                      "meldingsnummer, absence_end",
    "concern": "id, pupil_id, opened_on, source, status, mas_route, phase, officer, next_action_on, closed_on, "
               "outcome, outcome_explanation",
    "intervention": "id, concern_id, kind, date, officer",
    "concern_note": "id, concern_id, at, author, status, phase",
    "contact": "id, date, officer, target, channel, purpose, reached, led_to_concern, school_id, pupil_id, concern_id",
    "period": "id, name, kind, sector, start, \"end\"",
    "status_report": "id, action_id, reporting_period_id, quality, time, money, author, created_at",
    "signal16": "pupil_id, school_id, signal_on, window_start, hours, melding_id, school_days_to_melding",
}


def fingerprint(engine) -> dict:
    """Headline counts, per-school absence totals and a hash of every generated row."""
    out: dict = {}
    with engine.connect() as c:
        for table, columns in FINGERPRINT_TABLES.items():
            order = "id" if columns.startswith("id") else "pupil_id, signal_on"
            digest = hashlib.sha256()
            count = 0
            for row in c.execute(text(f"SELECT {columns} FROM {table} ORDER BY {order}")):
                digest.update(repr(tuple(_norm(v) for v in row)).encode())
                count += 1
            out[table] = (count, digest.hexdigest())
        out["absence_per_school"] = rows(
            c, "SELECT school_id, category, COUNT(*), ROUND(CAST(SUM(hours) AS NUMERIC), 2) FROM absence "
               "GROUP BY school_id, category ORDER BY school_id, category")
        out["absence_per_school"] = [(s, k, n, float(h)) for s, k, n, h in out["absence_per_school"]]
    return out


# --- determinism and portability -----------------------------------------------------------------


def test_same_seed_gives_identical_rows(demo_url, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'again.sqlite'}", create=True)
    migrate(engine)
    summary = demo.build(engine, seed=2024, password=DEMO_PASSWORD)
    reference = make_engine(demo_url)
    try:
        assert fingerprint(engine) == fingerprint(reference)
        assert "wachtwoord demo-accounts" not in summary
        assert summary["scholen"] == 24
    finally:
        engine.dispose()
        reference.dispose()


def test_other_seed_differs_and_generated_password_is_returned(engine):
    spec = demo.coevorden_spec().subset(4)
    summary = demo.build(engine, seed=7, spec=spec)
    assert summary["scholen"] == 4
    password = summary["wachtwoord demo-accounts"]
    assert len(password) >= 16
    with engine.connect() as c:
        stored = c.execute(text("SELECT password_hash FROM app_user WHERE username = 'beheer'")).scalar()
        pseudonyms = {r[0] for r in c.execute(text("SELECT pseudonym FROM pupil"))}
    assert bcrypt.checkpw(password.encode(), stored.encode())
    other = demo._Generator(spec, 8)
    other.run()
    assert pseudonyms.isdisjoint({r[1] for r in other.out["pupil"][1]})


def test_demo_builds_on_postgresql_with_the_same_rows(pg_engine, demo_url):
    summary = demo.build(pg_engine, seed=2024, password=DEMO_PASSWORD)
    assert summary["scholen"] == 24
    reference = make_engine(demo_url)
    try:
        assert fingerprint(pg_engine) == fingerprint(reference)
    finally:
        reference.dispose()
    with pg_engine.begin() as c:  # sequences were moved past the explicit ids
        c.execute(text("INSERT INTO period (name, kind, start, \"end\") VALUES ('test', 'overig', '2025-01-01', '2025-01-02')"))


def test_refuses_a_database_with_data(demo_copy_url):
    engine = make_engine(demo_copy_url)
    try:
        with pytest.raises(demo.DemoError, match="Database bevat al gegevens; gebruik een lege database"):
            demo.build(engine, password="x", replace=True)
        with pytest.raises(demo.DemoError):
            demo.build(engine, password="x")
    finally:
        engine.dispose()


def test_replace_empties_a_database_without_status_reports(engine):
    with engine.begin() as c:
        c.execute(text("INSERT INTO school (id, vestigingsnummer, brin, name, sector, in_scope) "
                       "VALUES (99, '99XX00', '99XX', 'Oud', 'BAO', 1)"))
    spec = demo.coevorden_spec().subset(3)
    with pytest.raises(demo.DemoError):
        demo.build(engine, password="x", spec=spec)
    demo.build(engine, password="x", spec=spec, replace=True)
    with engine.connect() as c:
        assert c.execute(text("SELECT COUNT(*) FROM school WHERE vestigingsnummer = '99XX00'")).scalar() == 0
        assert c.execute(text("SELECT COUNT(*) FROM school")).scalar() == 3


# --- the municipality ----------------------------------------------------------------------------------


def test_schools_boards_and_samenwerkingsverbanden(conn):
    schools = rows(conn, "SELECT vestigingsnummer, sector, board, swv_code, postcode, pilot_start, name FROM school")
    assert len(schools) == 24
    real = {r.vestigingsnummer: r for r in demo.load_duo_rows() if r.municipality == "Coevorden"}
    assert {s[0] for s in schools} == set(real)
    for number, sector, _, _, postcode, _, name in schools:
        assert (sector, postcode) == (real[number].sector, real[number].postcode)
    assert len({s[2] for s in schools}) >= 2
    assert {s[3] for s in schools} == {"PO2201", "PO2202"}
    pilots = [s for s in schools if s[5] is not None]
    assert 6 <= len(pilots) <= 10 and all(as_date(s[5]) == dt.date(2020, 8, 1) for s in pilots)


def test_pupils_per_school_year(conn):
    per_year = dict(rows(conn, "SELECT school_year, SUM(pupils) FROM school_enrolment GROUP BY school_year"))
    assert sorted(per_year) == list(range(2018, 2025))
    assert all(2550 <= n <= 3450 for n in per_year.values()), per_year
    counted = dict(((s, y), n) for s, y, n in rows(
        conn, "SELECT school_id, school_year, COUNT(*) FROM pupil_enrolment GROUP BY school_id, school_year"))
    stored = dict(((s, y), n) for s, y, n in rows(conn, "SELECT school_id, school_year, pupils FROM school_enrolment"))
    assert counted == stored


def test_grades_progress_and_birth_dates_fit(conn):
    history = defaultdict(list)
    for pupil, year, grade, birth in rows(conn, """
            SELECT e.pupil_id, e.school_year, e.grade, p.birth_date
            FROM pupil_enrolment e JOIN pupil p ON p.id = e.pupil_id ORDER BY e.pupil_id, e.school_year"""):
        history[pupil].append((year, grade))
        age = (dt.date(year, 10, 1) - as_date(birth)).days / 365.25
        assert grade + 2.9 <= age <= grade + 5.1, (pupil, year, grade, age)
    repeats = 0
    for years in history.values():
        for (y0, g0), (y1, g1) in zip(years, years[1:]):
            assert y1 == y0 + 1 and g1 - g0 in (0, 1)
            repeats += g1 == g0
    assert 0 < repeats < 0.05 * len(history)
    # A new cohort starts in groep 1 every year; groep 8 leaves.
    firsts = dict(rows(conn, "SELECT school_year, COUNT(*) FROM pupil_enrolment WHERE grade = 1 GROUP BY school_year"))
    assert all(250 <= firsts[y] <= 450 for y in range(2018, 2025))
    names = rows(conn, "SELECT pseudonym, first_name, last_name FROM pupil")
    assert len({n[0] for n in names}) == len(names)
    from data_access import demo_names
    assert {n[1] for n in names} <= set(demo_names.FIRST_NAMES)
    assert {n[2] for n in names} <= set(demo_names.LAST_NAMES)


def test_covid_periods_follow_the_reference_facts(conn):
    periods = {(kind, as_date(s), as_date(e)) for kind, s, e in rows(
        conn, "SELECT kind, start, \"end\" FROM period WHERE sector = 'BAO'")}
    assert periods == {
        ("covid_sluiting", dt.date(2020, 3, 16), dt.date(2020, 5, 10)),
        ("covid_gedeeltelijk", dt.date(2020, 5, 11), dt.date(2020, 6, 7)),
        ("covid_sluiting", dt.date(2020, 12, 16), dt.date(2021, 2, 7)),
        ("covid_sluiting", dt.date(2021, 12, 21), dt.date(2022, 1, 9)),
    }
    pilot = rows(conn, "SELECT start FROM period WHERE kind = 'pilot'")
    assert [as_date(p[0]) for p in pilot] == [dt.date(2020, 8, 1)]
    holidays = rows(conn, "SELECT name FROM period WHERE kind = 'vakantie'")
    for word in ("Herfst", "Kerst", "Voorjaars", "Mei", "Zomer"):
        assert sum(word in h[0] for h in holidays) >= 7


# --- absence ------------------------------------------------------------------------------------------


def test_absence_rows_are_valid(conn):
    calendar = load_school_calendar(conn)
    dates = [as_date(d) for (d,) in rows(conn, "SELECT DISTINCT date FROM absence")]
    assert all(calendar.is_school_day(d) for d in dates)
    assert max(dates) <= demo.DEMO_TODAY
    assert rows(conn, "SELECT COUNT(*) FROM (SELECT pupil_id, date FROM absence GROUP BY pupil_id, date "
                      "HAVING SUM(hours) > 8) x") == [(0,)]
    mapping = dict(rows(conn, "SELECT code, category FROM absence_code"))
    assert rows(conn, "SELECT code, category FROM absence GROUP BY code, category") and all(
        mapping[code] == category for code, category in rows(conn, "SELECT code, category FROM absence GROUP BY 1, 2"))
    assert rows(conn, "SELECT COUNT(*) FROM absence WHERE registered_on < date") == [(0,)]
    late = rows(conn, "SELECT MIN(hours), MAX(hours) FROM absence WHERE category = 'te_laat'")[0]
    assert 0.25 <= late[0] and late[1] <= 0.5
    total = rows(conn, "SELECT COUNT(*) FROM absence")[0][0]
    assert 200_000 <= total <= 600_000


def test_sickness_dominates(conn):
    by_category = dict(rows(conn, "SELECT category, SUM(hours) FROM absence GROUP BY category"))
    assert max(by_category, key=by_category.get) == "ziek"
    assert by_category["ziek"] > 0.5 * sum(by_category.values())
    counts = dict(rows(conn, "SELECT category, COUNT(*) FROM absence GROUP BY category"))
    assert max(counts, key=counts.get) == "ziek"
    assert {"ongeoorloofd", "te_laat", "luxe", "geoorloofd", "schorsing", "onbekend"} <= set(counts)


def test_unauthorised_absence_is_concentrated_in_few_pupils(conn):
    pupils = rows(conn, "SELECT COUNT(*) FROM pupil")[0][0]
    hours = sorted((h for (h,) in rows(conn, "SELECT SUM(hours) FROM absence WHERE category = 'ongeoorloofd' "
                                             "GROUP BY pupil_id")), reverse=True)
    top = sum(hours[: pupils // 10])
    assert top > 0.6 * sum(hours)


def test_luxe_sits_next_to_holidays(conn):
    calendar = load_school_calendar(conn)
    dates = [as_date(d) for (d,) in rows(conn, "SELECT date FROM absence WHERE category = 'luxe'")]
    near = 0
    for d in dates:
        around = [d + dt.timedelta(days=k) for k in range(-5, 6)]
        near += any(not calendar.is_school_day(x) and x.weekday() < 5 for x in around)
    assert near > 0.95 * len(dates)


def _hours_per_school_day(conn, calendar, start: dt.date, end: dt.date) -> float:
    hours = rows(conn, "SELECT SUM(hours) FROM absence WHERE date BETWEEN :s AND :e", s=start, e=end)[0][0] or 0
    return hours / calendar.count_school_days(start, end)


def test_first_closure_shows_far_fewer_registrations(conn):
    calendar = load_school_calendar(conn)
    closure = _hours_per_school_day(conn, calendar, dt.date(2020, 3, 16), dt.date(2020, 5, 10))
    baseline = []
    for year in (2019, 2022, 2023, 2024):  # the same calendar weeks in normal years
        start = dt.date.fromisocalendar(year, 12, 1)
        baseline.append(_hours_per_school_day(conn, calendar, start, start + dt.timedelta(days=55)))
    assert closure < 0.4 * min(baseline), (closure, baseline)


# --- reporting behaviour --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signals(conn):
    """Every 16-hour signal from the raw rows (DESIGN.md definition), with the school it arose at
    and whether a 16_uur melding followed within 5 school days (reported on or after the signal)."""
    calendar = load_school_calendar(conn)
    weeks = school_week_index(calendar, dt.date(2018, 8, 1), dt.date(2025, 7, 31))
    counter = SchoolDayCounter(calendar, dt.date(2018, 8, 1), dt.date(2025, 7, 31))
    absences, school_on = defaultdict(list), {}
    for pupil, school, day, hours in rows(
            conn, "SELECT pupil_id, school_id, date, hours FROM absence WHERE category = 'ongeoorloofd'"):
        absences[pupil].append((as_date(day), hours))
        school_on[(pupil, as_date(day))] = school
    meldingen = defaultdict(list)
    for pupil, day in rows(conn, "SELECT pupil_id, reported_on FROM verzuimmelding WHERE kind = '16_uur'"):
        meldingen[pupil].append(as_date(day))
    pilot = {s: p is not None for s, p in rows(conn, "SELECT id, pilot_start FROM school")}
    out = []
    for pupil, days in absences.items():
        for signal in sixteen_hour_signals(days, weeks, DEFAULTS.signal_hours, DEFAULTS.signal_weeks):
            school = school_on[(pupil, signal.signal_on)]
            compliant = any(signal.signal_on <= r and counter.between(signal.signal_on, r) <= 5
                            for r in meldingen[pupil])
            out.append(dict(pupil=pupil, school=school, pilot=pilot[school], signal=signal, compliant=compliant))
    return out


def test_signal_summary_matches_the_definition(conn, signals):
    """signal16 (built by the aggregates) holds exactly the signals of the 16-hour rule."""
    stored = sorted((p, as_date(d)) for p, d in rows(conn, "SELECT pupil_id, signal_on FROM signal16"))
    assert stored == sorted((s["pupil"], s["signal"].signal_on) for s in signals)
    assert 150 <= len(stored) <= 500  # ≈ 1 % of pupils a year: plausible for primary schools


def test_every_16_uur_melding_answers_a_signal(conn, signals):
    windows = {(s["pupil"], s["signal"].window_start): s["signal"].signal_on for s in signals}
    meldingen = rows(conn, "SELECT pupil_id, absence_start, reported_on FROM verzuimmelding WHERE kind = '16_uur'")
    assert len(meldingen) > 100
    for pupil, start, reported in meldingen:
        assert windows[(pupil, as_date(start))] < as_date(reported)


def test_schools_differ_in_reporting(signals):
    per_school = defaultdict(list)
    for s in signals:
        if not s["pilot"]:
            per_school[s["school"]].append(s["compliant"])
    shares = [sum(v) / len(v) for v in per_school.values() if len(v) >= 5]
    assert len(shares) >= 8 and max(shares) - min(shares) >= 0.6


def test_pilot_improves_reporting_compliance(conn, signals):
    groups = defaultdict(list)
    for s in signals:
        groups[(s["pilot"], s["signal"].signal_on >= dt.date(2020, 8, 1))].append(s["compliant"])
    share = {k: sum(v) / len(v) for k, v in groups.items()}
    assert all(len(v) >= 15 for v in groups.values()), {k: len(v) for k, v in groups.items()}
    pilot_gain = share[(True, True)] - share[(True, False)]
    other_gain = share[(False, True)] - share[(False, False)]
    assert share[(True, True)] >= 0.8 and pilot_gain >= 0.4, share
    assert pilot_gain > other_gain + 0.3, share
    # Pilot schools also register fewer unknown codes after the start.
    unknown = dict(((bool(p), bool(a)), v) for p, a, v in rows(conn, """
        SELECT school.pilot_start IS NOT NULL, date >= '2020-08-01',
               AVG(CASE WHEN category = 'onbekend' THEN 1.0 ELSE 0.0 END)
        FROM absence JOIN school ON school.id = absence.school_id GROUP BY 1, 2"""))
    assert unknown[(True, True)] < unknown[(True, False)]


def test_signal16_links_each_signal_to_the_melding_that_answered_it(conn):
    links = rows(conn, """
        SELECT g.window_start, m.absence_start FROM signal16 g JOIN verzuimmelding m ON m.id = g.melding_id""")
    assert links and all(as_date(w) == as_date(a) for w, a in links)


def test_meldingen_of_every_kind_with_status_outcome_and_officer(conn):
    kinds = {k for (k,) in rows(conn, "SELECT DISTINCT kind FROM verzuimmelding")}
    assert kinds == set(MELDING_KINDS) - {"rmc"}  # the demo's schools are primary: no 18+ (RMC) meldingen
    statuses = {s for (s,) in rows(conn, "SELECT DISTINCT status FROM verzuimmelding")}
    assert statuses == set(MELDING_STATUSES)  # DUO's five
    # a handled melding (afgesloten, ter kennisgeving aangenomen) has an outcome, no other one has
    assert rows(conn, "SELECT COUNT(*) FROM verzuimmelding WHERE status IN ('afgerond', 'ter_kennisgeving') "
                      "AND outcome IS NULL") == [(0,)]
    assert rows(conn, "SELECT COUNT(*) FROM verzuimmelding WHERE status NOT IN ('afgerond', 'ter_kennisgeving') "
                      "AND outcome IS NOT NULL") == [(0,)]
    outcomes = {o for (o,) in rows(conn, "SELECT DISTINCT outcome FROM verzuimmelding WHERE outcome IS NOT NULL")}
    assert {"gesprek", "waarschuwing", "proces-verbaal", "doorverwijzing zorg", "geen actie"} <= outcomes
    officers = dict(rows(conn, "SELECT officer, COUNT(*) FROM verzuimmelding GROUP BY officer"))
    assert set(officers) == set(demo.OFFICERS)
    assert officers["leerplicht"] >= 0.3 * sum(officers.values())


# --- youths of concern and contacts -------------------------------------------------------------------


def test_concerns(conn):
    concerns = rows(conn, "SELECT source, status, mas_route, officer, next_action, next_action_on, closed_on, phase "
                          "FROM concern")
    assert len(concerns) >= 100
    assert {c[0] for c in concerns} >= {"school", "GGD", "jeugdconsulent", "politie", "ouders", "DUO-melding"}
    assert {c[1] for c in concerns} == {"open", "in_behandeling", "gesloten"}
    assert {c[2] for c in concerns} == {"MAS-1 preventief", "MAS-2 zorg", "MAS-3 handhaving"}
    open_ = [c for c in concerns if c[1] != "gesloten"]
    assert all(c[4] and c[5] and c[6] is None for c in open_)
    assert all(c[6] is not None and c[4] is None and c[7] == "afgesloten" for c in concerns if c[1] == "gesloten")
    overdue = [c for c in open_ if as_date(c[5]) < demo.DEMO_TODAY]
    assert 0 < len(overdue) < len(open_)
    assert any(c[3] == "leerplicht" for c in overdue)
    notes = rows(conn, "SELECT concern_id, COUNT(*) FROM concern_note GROUP BY concern_id")
    assert len(notes) == len(concerns) and all(n >= 1 for _, n in notes)


def test_every_school_phoned_every_week_of_the_first_closures(conn):
    calendar = load_school_calendar(conn)
    schools = {s for (s,) in rows(conn, "SELECT id FROM school")}
    phoned = defaultdict(set)
    for school, day in rows(conn, "SELECT school_id, date FROM contact WHERE target = 'school' AND channel = 'phone'"):
        phoned[week_start(as_date(day))].add(school)
    for start, end in (FIRST_CLOSURE, SECOND_CLOSURE):
        weeks = {week_start(d) for d in calendar.school_days(start, end)}
        assert len(weeks) >= 6
        for monday in weeks:
            assert phoned[monday] == schools, monday
    # Each school was contacted during 16-03-2020 … 08-06-2020 at all, too.
    contacted = {s for (s,) in rows(conn, "SELECT DISTINCT school_id FROM contact WHERE target = 'school' "
                                          "AND date BETWEEN '2020-03-16' AND '2020-06-08'")}
    assert contacted == schools


def test_closure_contacts_stand_out_against_normal_periods(conn):
    calendar = load_school_calendar(conn)

    def per_school_week(start, end):
        n = rows(conn, "SELECT COUNT(*) FROM contact WHERE target = 'school' AND channel IN ('phone', 'email', "
                       "'meeting', 'school_visit') AND date BETWEEN :s AND :e", s=start, e=end)[0][0]
        weeks = len({week_start(d) for d in calendar.school_days(start, end)})
        return n / weeks / 24

    closure = per_school_week(*FIRST_CLOSURE)
    normal = per_school_week(dt.date(2022, 9, 1), dt.date(2023, 6, 30))
    assert closure >= 1.0 and normal < 0.35 * closure


def test_families_of_concern_contacted_and_some_never_reached(conn):
    contacts = rows(conn, "SELECT concern_id, MAX(CASE WHEN reached THEN 1 ELSE 0 END), COUNT(*) FROM contact "
                          "WHERE target IN ('family', 'youth') AND concern_id IS NOT NULL AND concern_id IN "
                          "(SELECT id FROM concern WHERE opened_on < '2025-05-31') GROUP BY concern_id")
    concerns = rows(conn, "SELECT COUNT(*) FROM concern WHERE opened_on < '2025-05-31'")[0][0]
    assert len(contacts) >= 0.9 * concerns
    never = [c for c in contacts if c[1] == 0]
    assert never and all(n >= 2 for _, _, n in never)
    channels = {c for (c,) in rows(conn, "SELECT DISTINCT channel FROM contact WHERE target IN ('family', 'youth')")}
    assert {"phone", "email", "letter", "home_visit"} <= channels
    assert rows(conn, "SELECT COUNT(*) FROM contact WHERE led_to_concern")[0][0] > 0


def test_newsletters_info_sessions_and_partners(conn):
    newsletters = rows(conn, "SELECT substr(CAST(date AS TEXT), 1, 4), COUNT(DISTINCT topic), COUNT(*) FROM contact "
                             "WHERE channel = 'newsletter' GROUP BY 1")
    assert dict((y, n) for y, n, _ in newsletters)["2023"] == 4
    assert all(total == topics * 24 for _, topics, total in newsletters)
    assert rows(conn, "SELECT COUNT(*) FROM contact WHERE channel = 'info_session' AND topic IS NOT NULL")[0][0] > 0
    assert rows(conn, "SELECT COUNT(*) FROM contact WHERE target = 'partner'")[0][0] > 0
    visited = rows(conn, "SELECT COUNT(DISTINCT school_id) FROM contact WHERE channel = 'school_visit' "
                         "AND date BETWEEN '2024-08-01' AND '2025-07-31'")[0][0]
    assert visited == 24


# --- the LEA programme and accounts ------------------------------------------------------------------


def test_status_reports_explain_every_non_green_light(conn):
    reports = rows(conn, """
        SELECT a.title, p.name, p."end", r.quality, r.time, r.money, r.cause, r.consequence, r.measure, r.created_at
        FROM status_report r JOIN policy_action a ON a.id = r.action_id
        JOIN reporting_period p ON p.id = r.reporting_period_id""")
    assert len(reports) >= 50
    non_green = [r for r in reports if {r[3], r[4], r[5]} != {"groen"}]
    assert non_green
    for r in non_green:
        assert all(part and part.strip().endswith(".") for part in r[6:9]), r
    for r in reports:
        assert as_date(r[9]) <= as_date(r[2])
    assert any("pilot" in r[0].lower() and r[3:6] == ("oranje", "oranje", "groen") for r in reports)
    kpis = dict(rows(conn, "SELECT kpi, target FROM action_kpi"))
    # targets per reporting period of four months, which is what the evidence measures
    assert kpis == {"schools_visited_share": 0.33, "meldingen_per_1000": 8, "pilot_compliance_gap": 0.10,
                    "newsletters_per_year": 1}
    holders = {h for (h,) in rows(conn, "SELECT DISTINCT portfolio_holder FROM policy_action")}
    assert all(h.startswith("wethouder ") for h in holders)


def test_demo_accounts_and_settings(conn):
    users = dict(rows(conn, "SELECT username, roles FROM app_user"))
    assert users == {"portefeuillehouder": "portefeuillehouder", "lea": "lea", "leerplicht": "leerplicht",
                     "beheer": "beheer", "lpa2": "leerplicht", "lpa3": "leerplicht"}
    stored = rows(conn, "SELECT password_hash FROM app_user WHERE username = 'leerplicht'")[0][0]
    assert bcrypt.checkpw(DEMO_PASSWORD.encode(), stored.encode())
    settings = dict(rows(conn, "SELECT key, value FROM setting"))
    assert settings["demo"] == "1" and settings["municipality"] == "Coevorden"
    assert float(settings["hours_per_day"]) == 5.5
    # Written from the one place the defaults live, not as literals of their own.
    from data_access.definitions.settings import DEFAULTS
    assert settings["suppression_threshold"] == str(DEFAULTS.suppression_threshold)
    assert settings["compliance_school_days"] == str(DEFAULTS.compliance_school_days)
