"""Every figure on /covid on the hand-made municipality of fixtures/covid.py, on SQLite and PostgreSQL.

Expected values are worked out by hand from the contacts listed in the fixture:

Closure 16-03 … 29-03-2020 (2 school weeks), baseline weeks 24-02 and 09-03 (02-03 is a holiday week).

Schools (S1–S6 in scope): closure S1, S2, S3 (an unanswered visit still counts), S4, S5 → 5 of 6,
6 contacts → 6 / 6 schools / 2 weeks = 0,5. Baseline S1, S2, S3 → 3 of 6, 3 / 6 / 2 = 0,25.
(X1 is outside the scope, V1 is secondary, the newsletters to S6 are no contact, S4 on 03-03 falls
in the holiday week, S5 on 05-02 before the baseline.)

Families, closure: open K1, K2, K3, K4, K5, K6, K10 = 7 (K7 opened after, K8 closed before, K9 is
secondary). Reached: K1 (18-03: 2 days from the start), K2 (25-03: 5 days from its opening on 20-03;
the call on 18-03 was before it opened), K3 (18-03, its closing day: 2 days), K10 (16-03, through the
pupil: 0 days) → 4 / 7; median of 0, 2, 2, 5 = 2. Never reached: K4 (phone 2, e-mail 1, letter 1, home
visit 1) and K5 (e-mail 1; reached on 10-03, but that is not in the closure). Not contacted: K6.

Families, baseline: open K1, K3, K4, K5, K6, K8 = 6. Reached K1 (26-02: 2 days), K5 (10-03: 7 days in
the first week + 1 = 8 window days), K6 (opened 02-03 in the holiday week, so from 09-03; 13-03: 4
days), K8 (27-02: 3 days) → 4 / 6; median of 2, 3, 4, 8 = 3,5. Never reached: K4 (phone 1; its
success on 02-03 was in the holiday week). Not contacted: K3.

Led to a new concern: closure 2 of 18 contacts (6 school + 12 family/youth contacts of primary pupils),
baseline 1 of 8 (3 + 5).
"""
import datetime as dt

import pytest

from data_access import periods
from data_access.definitions import Suppressor
from data_access.queries import contacts
from fixtures.covid import S1, S2, S3, S4, S5, S6, build

FIVE = Suppressor(5)  # the default threshold

D = dt.date


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    engine = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    build(engine)
    return engine


@pytest.fixture
def sqlite_db(engine):
    build(engine)
    return engine


def report_for(engine, direction="before", group="PO"):
    with engine.connect() as conn:
        [period] = periods.covid_periods(conn, group)
        return contacts.period_report(conn, period, group, direction)


def test_the_closure_is_compared_with_two_normal_weeks_before_it(db):
    report = report_for(db)
    assert report.window.ranges == ((D(2020, 3, 16), D(2020, 3, 29)),)
    assert report.baseline.ranges == ((D(2020, 2, 24), D(2020, 3, 1)), (D(2020, 3, 9), D(2020, 3, 15)))
    assert report.window.school_weeks == 2 and report.baseline.school_weeks == 2


def test_school_contact_rate_and_contacts_per_school_per_week(db):
    report = report_for(db)
    m, b = report.metrics, report.baseline_metrics
    assert (m.schools_contacted, m.schools, m.school_contacts) == (5, 6, 6)
    assert m.school_contact_rate == pytest.approx(5 / 6)
    assert m.contacts_per_school_per_week == pytest.approx(0.5)
    assert (b.schools_contacted, b.schools, b.school_contacts) == (3, 6, 3)
    assert b.school_contact_rate == pytest.approx(0.5)
    assert b.contacts_per_school_per_week == pytest.approx(0.25)


def test_family_contact_rate_and_median_days_to_first_success(db):
    report = report_for(db)
    m, b = report.metrics, report.baseline_metrics
    assert (m.cases_reached, m.cases_open) == (4, 7)
    assert m.family_contact_rate == pytest.approx(4 / 7)
    assert m.median_days_to_contact == 2.0
    assert (b.cases_reached, b.cases_open) == (4, 6)
    assert b.family_contact_rate == pytest.approx(4 / 6)
    assert b.median_days_to_contact == 3.5


def test_never_reached_families_and_their_attempts_by_channel(db):
    report = report_for(db)
    m, b = report.metrics, report.baseline_metrics
    assert (m.cases_never_reached, m.cases_not_contacted) == (2, 1)
    assert m.never_reached_attempts == {"phone": 2, "email": 2, "letter": 1, "home_visit": 1}
    assert (b.cases_never_reached, b.cases_not_contacted) == (1, 1)
    assert b.never_reached_attempts == {"phone": 1, "email": 0, "letter": 0, "home_visit": 0}


def test_the_never_reached_rule_case_by_case(sqlite_db):
    """Contacted in the window but never reached in it; a success outside the window does not help,
    a contact before the case opened does not count, a success on the closing day does."""
    report = report_for(sqlite_db)
    with sqlite_db.connect() as conn:
        cases = contacts.case_contact_summary(conn, report.window, "PO").set_index("case_id")
    assert cases["status"].to_dict() == {1: "reached", 2: "reached", 3: "reached", 4: "never_reached",
                                         5: "never_reached", 6: "not_contacted", 10: "reached"}
    assert cases.loc[2, "first_reached"] == D(2020, 3, 25)
    assert cases.loc[4, "attempts"] == 5 and cases.loc[5, "attempts"] == 1
    assert cases["days_to_contact"].dropna().to_dict() == {1: 2.0, 2: 5.0, 3: 2.0, 10: 0.0}


def test_share_of_contacts_that_led_to_a_new_concern(db):
    report = report_for(db)
    m, b = report.metrics, report.baseline_metrics
    assert (m.contacts_led_to_concern, m.contacts) == (2, 18)
    assert (b.contacts_led_to_concern, b.contacts) == (1, 8)


def test_baseline_after_the_closure_has_no_data_weeks_so_it_is_empty(db):
    # the last contact is on 31-03-2020: no complete normal week after the closure has data
    report = report_for(db, direction="after")
    assert report.baseline.is_empty and report.baseline_metrics is None


def test_newsletters_and_sessions_per_topic(db):
    report = report_for(db)
    with db.connect() as conn:
        frame = contacts.mass_contacts(conn, report.window, "PO")
    assert frame.to_dict("records") == [
        {"channel": "info_session", "topic": "Noodopvang", "occasions": 1, "schools": 0},
        {"channel": "newsletter", "topic": "Thuisonderwijs", "occasions": 2, "schools": 6},
    ]


def test_contacts_per_week_by_target_and_channel(db):
    with db.connect() as conn:
        frame = contacts.contacts_over_time(conn, "PO", D(2020, 2, 1), D(2020, 4, 5), "week")
    week = frame[frame["bucket_start"] == D(2020, 3, 16)]
    cells = {(t, c): n for t, c, n in zip(week["target"], week["channel"], week["contacts"])}
    # S1 and S4 by phone (X1 out of scope, V1 secondary); S2 by e-mail; families: K1, K2 (before opening:
    # still a contact), K3 twice, K4 twice, K10 by phone; K4 by e-mail. Newsletters are not in the chart.
    assert cells == {("school", "phone"): 2, ("school", "email"): 1, ("family", "phone"): 7,
                     ("family", "email"): 1}
    assert set(frame["bucket_start"]) == {D(2020, 2, 3), D(2020, 2, 24), D(2020, 3, 2), D(2020, 3, 9),
                                          D(2020, 3, 16), D(2020, 3, 23), D(2020, 3, 30)}


def test_contacts_per_month(db):
    with db.connect() as conn:
        frame = contacts.contacts_over_time(conn, "PO", D(2020, 2, 1), D(2020, 4, 30), "month")
    school_phone = frame[(frame["target"] == "school") & (frame["channel"] == "phone")]
    # February: S5 (05-02), S1 (25-02); March: S4 (03-03), S2 (10-03), S3 (11-03), S1 (17-03, 24-03), S4 (20-03)
    assert dict(zip(school_phone["bucket_start"], school_phone["contacts"])) == {D(2020, 2, 1): 2, D(2020, 3, 1): 6}


def test_newsletters_per_covid_period_and_per_school_year_outside_them(db):
    with db.connect() as conn:
        covid = periods.covid_periods(conn, "PO")
        frame = contacts.mass_contacts_by_period(conn, "PO", covid, D(2019, 8, 1), D(2020, 7, 31))
    assert frame[["period", "channel", "topic", "occasions", "schools"]].values.tolist() == [
        ["Buiten de COVID-perioden, schooljaar 2019/20", "newsletter", "Verzuimcodes", 1, 3],
        ["Eerste sluiting", "info_session", "Noodopvang", 1, 0],
        ["Eerste sluiting", "newsletter", "Thuisonderwijs", 2, 6],
    ]


def test_last_contacted_heat_map_from_the_weekly_summary(db):
    with db.connect() as conn:
        grid = contacts.heatmap_grid(conn, "PO", D(2020, 3, 9), D(2020, 3, 29))
    weeks = {(s, w): n for s, w, n in zip(grid["school_id"], grid["week_start"], grid["weeks_since"])}
    assert sorted(set(grid["school_id"])) == [S1, S2, S3, S4, S5, S6]
    monday = [D(2020, 3, 9), D(2020, 3, 16), D(2020, 3, 23)]
    assert [weeks[(S1, w)] for w in monday] == [2, 0, 0]      # 25-02, 17-03, 24-03
    assert [weeks[(S4, w)] for w in monday] == [1, 0, 1]      # 03-03, 20-03
    assert [weeks[(S5, w)] for w in monday] == [5, 6, 0]      # 05-02, 27-03
    assert all(pd_isna(weeks[(S6, w)]) for w in monday)       # newsletters only: never contacted
    assert [weeks[(S2, w)] for w in monday] == [0, 0, 1]
    assert [weeks[(S3, w)] for w in monday] == [0, 1, 0]


def pd_isna(value) -> bool:
    return value is None or value != value


def test_for_every_role_but_leerplicht_small_figures_are_hidden(sqlite_db):
    report = report_for(sqlite_db)
    shown = contacts.figures(report.metrics, suppressor=FIVE)
    base = contacts.figures(report.baseline_metrics, suppressor=FIVE)
    # 5 of 6 schools, 6 contacts: nothing small
    assert shown["school_rate"].value == pytest.approx(5 / 6) and not shown["school_rate"].hidden
    assert shown["contacts_per_school_week"].value == pytest.approx(0.5)
    # 4 of 7 families reached: the numerator is below 5
    assert shown["family_rate"].value is None and shown["family_rate"].numerator == "<5"
    assert shown["median_days"].value is None
    assert shown["never_reached"].value == "<5"
    assert shown["concern_share"].value is None  # 2 of 18
    # 3 of 6 schools in the baseline: schools are no people, so shown, and the difference too
    assert base["school_rate"].value == pytest.approx(0.5) and not base["school_rate"].hidden
    assert contacts.difference("school_rate", shown["school_rate"], base["school_rate"]) == pytest.approx(100 / 3)
    # 3 school contacts / 6 schools / 2 weeks: the officers' own work, shown
    assert base["contacts_per_school_week"].value == pytest.approx(0.25)
    assert base["family_rate"].value is None  # 4 of 6 families: the 4 reached are too few
    # leerplicht sees everything
    full = contacts.figures(report.metrics, suppressor=None)
    assert full["family_rate"].value == pytest.approx(4 / 7) and full["never_reached"].value == 2


def family_metrics(reached: int, never: int, not_contacted: int) -> contacts.ContactMetrics:
    return contacts.ContactMetrics(
        schools=10, schools_contacted=10, school_contacts=40, school_weeks=4,
        cases_open=reached + never + not_contacted, cases_reached=reached, cases_never_reached=never,
        cases_not_contacted=not_contacted, median_days_to_contact=2, contacts=100, contacts_led_to_concern=10)


@pytest.mark.parametrize("counts, shown, rate_shown", [
    # 3 never reached is small; 7 not contacted goes too ("•": hidden, not small), or 40 − 30 − 7
    # would give the 3 away
    ((30, 3, 7), [30, "<5", "•"], True),
    # 2 not contacted, nobody never reached: the zero is hidden with it as "•" (11 is in the rate anyway)
    ((11, 0, 2), [11, "•", "<5"], True),
    # reached itself small: the rate goes, and the smaller of the others with it (6, as "•")
    ((3, 6, 10), ["<5", "•", 10], False),
    # nothing small: nothing hidden
    ((20, 5, 6), [20, 5, 6], True),
])
def test_complementary_suppression_in_the_family_breakdown(counts, shown, rate_shown):
    metrics = family_metrics(*counts)
    assert list(contacts.family_breakdown(metrics, suppressor=FIVE)["cases"]) == shown
    figures = contacts.figures(metrics, suppressor=FIVE)
    assert (figures["family_rate"].value is not None) == rate_shown
    if rate_shown:
        assert figures["family_rate"].value == pytest.approx(counts[0] / sum(counts))
    assert list(contacts.family_breakdown(metrics, suppressor=None)["cases"]) == list(counts)


def test_the_comparison_table_has_each_figure_with_its_difference(db):
    frame = contacts.comparison_frame([report_for(db)], suppressor=None).set_index("metric")
    assert frame.loc["school_rate", "difference"] == pytest.approx((5 / 6 - 0.5) * 100)
    assert frame.loc["family_rate", "difference"] == pytest.approx((4 / 7 - 4 / 6) * 100)
    assert frame.loc["median_days", "difference"] == pytest.approx(-1.5)
    assert frame.loc["never_reached", "difference"] == 1
    assert frame.loc["concern_share", "difference"] == pytest.approx((2 / 18 - 1 / 8) * 100)
