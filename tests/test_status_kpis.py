"""Evidence KPIs and the suggested colour, on the hand-made municipality of fixtures/status.py."""
import datetime as dt

import pandas as pd
import pytest

from data_access import kpis
from data_access.definitions import DEFAULTS, Suppressor
from data_access.queries import status as q
from fixtures import status as fixture

D = dt.date


# --- the colour rule, by hand ---------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    (0.80, "groen"),   # target met exactly
    (0.95, "groen"),
    (0.72, "oranje"),  # missed by 0,08 = exactly 10 % of 0,8
    (0.75, "oranje"),
    (0.719, "rood"),   # missed by 0,081 > 0,08
    (0.10, "rood"),
    (None, None),
])
def test_colour_when_higher_is_better(value, expected):
    assert kpis.suggested_colour(value, 0.8, higher_is_better=True) == expected


@pytest.mark.parametrize("value, expected", [
    (20.0, "groen"), (15.0, "groen"),
    (22.0, "oranje"),  # 2 above a target of 20 = 10 %
    (22.1, "rood"),
])
def test_colour_when_lower_is_better(value, expected):
    assert kpis.suggested_colour(value, 20.0, higher_is_better=False) == expected


def test_with_target_zero_every_miss_is_red():
    assert kpis.suggested_colour(0.0, 0.0) == "groen"
    assert kpis.suggested_colour(-0.01, 0.0) == "rood"


def test_worst_colour_and_mismatch():
    assert kpis.worst_colour(["groen", None, "oranje"]) == "oranje"
    assert kpis.worst_colour([None]) is None
    assert kpis.evidence_mismatch("rood", "groen")
    assert kpis.evidence_mismatch("oranje", "rood")  # reported worse than the evidence: also flagged
    assert not kpis.evidence_mismatch("oranje", "oranje")
    assert not kpis.evidence_mismatch("groen", "rood")  # target met: nothing to flag
    assert not kpis.evidence_mismatch("rood", None)  # no report: nothing to compare


# --- the window: the reporting period's own school days ------------------------------------


SUMMER = dict(name="Zomervakantie 2024", kind="vakantie", sector=None, start=D(2024, 7, 13), end=D(2024, 8, 25))


def _with_summer(engine) -> None:
    from sqlalchemy import insert

    from data_access.models import Period

    with engine.begin() as conn:
        conn.execute(insert(Period).values(**SUMMER))


def test_the_evidence_window_is_the_period_with_its_school_days(engine):
    fixture.build(engine, users=False, reports=False)
    _with_summer(engine)
    with engine.connect() as conn:
        t1 = kpis.evidence_window(conn, D(2024, 1, 1), D(2024, 3, 31))
        summer = kpis.evidence_window(conn, D(2024, 7, 15), D(2024, 8, 23))
        may_august = kpis.evidence_window(conn, D(2024, 5, 1), D(2024, 8, 31))
    # 1 Jan – 31 Mar 2024: 23 + 21 + 21 weekdays (no holidays in the fixture then), school year 2023/24
    assert (t1.start, t1.end, t1.school_days, t1.school_year) == (D(2024, 1, 1), D(2024, 3, 31), 65, 2023)
    assert (summer.school_days, summer.school_year) == (0, 2023)  # all holiday
    # May – August: 23 weekdays in May, 20 in June, 10 in July before the holiday (all 2023/24) and
    # 26–30 August after it (2024/25): 58 school days, most of them in 2023/24, whose pupils count
    assert (may_august.school_days, may_august.school_year) == (23 + 20 + 10 + 5, 2023)


def test_a_period_without_school_days_has_no_evidence_rather_than_a_red_light(engine):
    fixture.build(engine, users=False, reports=False)
    _with_summer(engine)
    links = [(1, "newsletters_per_year", 2.0, True), (1, "schools_visited_share", 0.8, True)]
    with engine.connect() as conn:
        frame = kpis.evaluate_links(conn, links, kpis.evidence_window(conn, D(2024, 7, 15), D(2024, 8, 23)),
                                    DEFAULTS, None)
    assert frame["reason"].tolist() == ["geen schooldagen in deze periode"] * 2
    assert frame["value"].isna().all() and frame["suggested"].isna().all()


# --- the KPIs on the fixture ----------------------------------------------------------------


def _kpi_values(engine, end=D(2024, 3, 31), start=D(2023, 8, 1)) -> dict[str, kpis.KpiValue]:
    """The KPI arithmetic over a window from ``start`` (default: the fixture's school year) to ``end``."""
    with engine.connect() as conn:
        window = kpis.evidence_window(conn, start, end)
        return {key: d.compute(conn, window, DEFAULTS.compliance_school_days) for key, d in kpis.KPIS.items()}


def _check_fixture_values(values):
    assert values["schools_visited_share"].value == 0.5
    assert dict(values["schools_visited_share"].counts) == {"scholen bezocht": 2, "basisscholen": 4}
    assert values["newsletters_per_year"].value == 2
    assert values["meldingen_per_1000"].value == 12.0
    assert dict(values["meldingen_per_1000"].counts) == {"meldingen": 12, "leerlingen": 1000}
    assert values["reporting_compliance"].value == pytest.approx(6 / 11)
    # the pilot's effect needs school years before the pilot (A's started 01-08-2023, the
    # fixture's first school year): not yet comparable, whatever the signals of the window
    # (tests/test_status_pilot_evidence.py measures it on the pilot fixture)
    assert values["pilot_compliance_gap"].value is None
    assert values["pilot_compliance_gap"].missing == kpis.NOT_YET_COMPARABLE


def test_kpis_on_sqlite(engine):
    fixture.build(engine, users=False, reports=False)
    _check_fixture_values(_kpi_values(engine))


def test_kpis_on_postgresql(pg_engine):
    fixture.build(pg_engine, users=False, reports=False)
    _check_fixture_values(_kpi_values(pg_engine))


def test_a_later_period_counts_the_visit_after_march(engine):
    fixture.build(engine, users=False, reports=False)
    assert _kpi_values(engine, D(2024, 6, 30))["schools_visited_share"].value == 0.75


def test_kpis_of_an_empty_year_have_no_value(engine):
    fixture.build(engine, users=False, reports=False)
    values = _kpi_values(engine, D(2021, 12, 31), start=D(2021, 8, 1))
    assert values["schools_visited_share"].value == 0.0  # schools exist, none visited
    assert values["meldingen_per_1000"].value is None  # no enrolment that year
    assert values["pilot_compliance_gap"].value is None
    assert values["newsletters_per_year"].value == 0


def _evidence(engine, suppressor):
    with engine.connect() as conn:
        periods = {p.name: p for p in q.reporting_periods(conn)}
        actions = q.actions(conn).set_index("code")["action_id"]
        frame = q.evidence(conn, periods["2024-T1"], DEFAULTS, suppressor)
    frame["code"] = frame["action_id"].map({v: k for k, v in actions.items()})
    return frame.set_index(["code", "kpi"])


def test_suggested_colours_per_action_for_leerplicht(engine):
    """2024-T1 is measured over its own days, 1 January – 31 March 2024 (see fixtures/status.py)."""
    fixture.build(engine, users=False)
    frame = _evidence(engine, suppressor=None)
    # visits: only B (31 March) → 1 / 4 = 0,25 against 0,8: rood
    assert frame.loc[("LEA-01", "schools_visited_share"), "value"] == 0.25
    assert frame.loc[("LEA-01", "schools_visited_share"), "suggested"] == "rood"
    # the pilot's effect: no school year before the pilot in the fixture → no value, no colour
    gap = frame.loc[("LEA-02", "pilot_compliance_gap")]
    assert pd.isna(gap["value"]) and pd.isna(gap["suggested"]) and gap["reason"] == kpis.NOT_YET_COMPARABLE
    # 2 of 4 on time = 0,5 against 0,6: missed by 0,1 > 0,06 → rood
    assert frame.loc[("LEA-02", "reporting_compliance"), "value"] == 0.5
    assert frame.loc[("LEA-02", "reporting_compliance"), "suggested"] == "rood"
    # meldingen 05-01 (D), 19-01 and 02-02 (E): 3 / 1.000 pupils × 1.000 = 3,0 ≤ 11 → groen
    assert frame.loc[("LEA-03", "meldingen_per_1000"), "value"] == 3.0
    assert frame.loc[("LEA-03", "meldingen_per_1000"), "suggested"] == "groen"
    # newsletters: 15-01 only → 1 against 2: rood
    assert frame.loc[("LEA-04", "newsletters_per_year"), "value"] == 1
    assert frame.loc[("LEA-04", "newsletters_per_year"), "suggested"] == "rood"


def test_small_counts_hide_the_value_and_the_colour_for_other_roles(engine):
    fixture.build(engine, users=False)
    frame = _evidence(engine, suppressor=Suppressor(5))
    # meldtrouw: 2 of 4 signals on time, both counts of pupils' signals below 5
    compliance = frame.loc[("LEA-02", "reporting_compliance")]
    assert pd.isna(compliance["value"]) and pd.isna(compliance["suggested"]) and compliance["counts"] == ()
    assert compliance["reason"] == "verborgen: minder dan 5 16-uurssignalen"
    # 3 meldingen about pupils: below 5, hidden as well
    assert pd.isna(frame.loc[("LEA-03", "meldingen_per_1000"), "value"])
    assert frame.loc[("LEA-03", "meldingen_per_1000"), "reason"] == "verborgen: minder dan 5 meldingen"
    # schools visited (1 of 4) and newsletters (1) are the officers' own work: shown, small or not
    assert frame.loc[("LEA-01", "schools_visited_share"), "value"] == 0.25
    assert frame.loc[("LEA-04", "newsletters_per_year"), "value"] == 1


def test_every_count_of_a_kpi_says_what_it_counts():
    """A count nobody classified could show a person: a KPI value refuses it."""
    with pytest.raises(ValueError):
        kpis.KpiValue("x", 1.0, (("leerlingen", 3),))


def test_unknown_kpi_key_shows_a_reason_instead_of_failing(engine):
    links = pd.DataFrame([{"action_id": 1, "kpi": "bestaat_niet", "target": 1.0, "higher_is_better": True}])
    with engine.connect() as conn:
        frame = kpis.evaluate(conn, links, kpis.evidence_window(conn, D(2024, 1, 1), D(2024, 3, 31)), DEFAULTS, None)
    assert frame.loc[0, "reason"] == "onbekende KPI" and pd.isna(frame.loc[0, "suggested"])
