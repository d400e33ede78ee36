"""Evidence KPIs and the suggested colour, on the hand-made municipality of fixtures/status.py."""
import datetime as dt

import pandas as pd
import pytest

from data_access import kpis
from data_access.definitions import DEFAULTS, Suppressor
from data_access.queries import status as q
from fixtures import status as fixture

D = dt.date
T1_WINDOW = (D(2023, 8, 1), D(2024, 3, 31))


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


def test_window_is_school_year_to_period_end():
    assert kpis.kpi_window(D(2024, 3, 31)) == T1_WINDOW
    assert kpis.kpi_window(D(2023, 12, 31)) == (D(2023, 8, 1), D(2023, 12, 31))
    assert kpis.kpi_window(D(2024, 8, 15)) == (D(2024, 8, 1), D(2024, 8, 15))


# --- the KPIs on the fixture ----------------------------------------------------------------


def _kpi_values(engine, end=D(2024, 3, 31)) -> dict[str, kpis.KpiValue]:
    start, end = kpis.kpi_window(end)
    with engine.connect() as conn:
        return {key: d.compute(conn, start, end, DEFAULTS.compliance_school_days) for key, d in kpis.KPIS.items()}


def _check_fixture_values(values):
    assert values["schools_visited_share"].value == 0.5
    assert dict(values["schools_visited_share"].counts) == {"scholen bezocht": 2, "basisscholen": 4}
    assert values["newsletters_per_year"].value == 2
    assert values["meldingen_per_1000"].value == 12.0
    assert dict(values["meldingen_per_1000"].counts) == {"meldingen": 12, "leerlingen": 1000}
    assert values["reporting_compliance"].value == pytest.approx(6 / 11)
    assert values["pilot_compliance_gap"].value == pytest.approx(0.1)
    assert dict(values["pilot_compliance_gap"].counts) == {
        "tijdig gemeld pilot": 3, "signalen pilot": 5, "tijdig gemeld overig": 3, "signalen overig": 6}


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
    values = _kpi_values(engine, D(2021, 12, 31))
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
    fixture.build(engine, users=False)
    frame = _evidence(engine, suppressor=None)
    assert frame.loc[("LEA-01", "schools_visited_share"), "suggested"] == "rood"
    assert frame.loc[("LEA-02", "pilot_compliance_gap"), "suggested"] == "groen"
    assert frame.loc[("LEA-02", "reporting_compliance"), "suggested"] == "oranje"
    assert frame.loc[("LEA-03", "meldingen_per_1000"), "suggested"] == "oranje"
    assert frame.loc[("LEA-04", "newsletters_per_year"), "suggested"] == "groen"


def test_small_counts_hide_the_value_and_the_colour_for_other_roles(engine):
    fixture.build(engine, users=False)
    frame = _evidence(engine, suppressor=Suppressor(5))
    gap = frame.loc[("LEA-02", "pilot_compliance_gap")]  # 3 on time at pilot schools: below 5
    assert pd.isna(gap["value"]) and pd.isna(gap["suggested"]) and gap["counts"] == ()
    assert gap["reason"].startswith("verborgen")
    # counts of schools describe no person: shown
    assert frame.loc[("LEA-01", "schools_visited_share"), "value"] == 0.5
    assert frame.loc[("LEA-03", "meldingen_per_1000"), "value"] == 12.0


def test_unknown_kpi_key_shows_a_reason_instead_of_failing(engine):
    links = pd.DataFrame([{"action_id": 1, "kpi": "bestaat_niet", "target": 1.0, "higher_is_better": True}])
    with engine.connect() as conn:
        frame = kpis.evaluate(conn, links, D(2024, 3, 31), DEFAULTS, None)
    assert frame.loc[0, "reason"] == "onbekende KPI" and pd.isna(frame.loc[0, "suggested"])
