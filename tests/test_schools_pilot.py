"""Pilot evaluation (difference-in-differences + bootstrap) on the fixture with a known effect.

The fixture and the figures it gives, worked out by hand, are in tests/fixtures/pilot.py: on time
50 % → 90 % at the four pilot schools and 50 % → 60 % at the four others (DiD 30 percentage
points); meldingen 20 → 50 and 20 → 30 per 1,000 pupils (DiD +20 per 1,000).
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from data_access import models
from data_access.queries import pilot as p
from fixtures.pilot import PILOT_START, build_pilot_fixture

D = dt.date


@pytest.fixture(params=["sqlite", "postgresql"])
def pilot_db(request):
    eng = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    with eng.begin() as conn:
        build_pilot_fixture(conn)
    return eng


def totals(eng, days=5):
    with eng.connect() as conn:
        return p.school_phase_totals(p.pilot_panel(conn, days))


def test_phases_around_the_pilot_start():
    assert p.phase_of(2020, D(2021, 8, 1), None) == "voor"
    assert p.phase_of(2021, D(2021, 8, 1), None) == "tijdens"
    assert p.phase_of(2021, D(2021, 10, 1), None) == "tijdens"  # started by the 1 October count date
    assert p.phase_of(2021, D(2022, 1, 10), None) is None       # started mid-year: the year is left out
    assert p.phase_of(2022, D(2022, 1, 10), None) == "tijdens"
    # a pilot 1-8-2020 – 31-7-2023 (the demo's): 2022/23 is its last year, 2023/24 on are "na"
    assert p.phase_of(2019, D(2020, 8, 1), D(2023, 7, 31)) == "voor"
    assert p.phase_of(2022, D(2020, 8, 1), D(2023, 7, 31)) == "tijdens"
    assert p.phase_of(2023, D(2020, 8, 1), D(2023, 7, 31)) == "na"
    assert p.phase_of(2024, D(2020, 8, 1), D(2023, 7, 31)) == "na"
    # ended on 30-9-2022: 1 October 2022 is past the end, so 2022/23 is already "na"
    assert p.phase_of(2022, D(2020, 8, 1), D(2022, 9, 30)) == "na"


def test_group_levels_before_and_after(pilot_db):
    table = p.group_table(totals(pilot_db)).set_index(["group", "phase"])
    assert table.loc[("pilotscholen", "voor"), "compliance"] == pytest.approx(0.5)
    assert table.loc[("pilotscholen", "tijdens"), "compliance"] == pytest.approx(0.9)
    assert table.loc[("overige scholen", "voor"), "compliance"] == pytest.approx(0.5)
    assert table.loc[("overige scholen", "tijdens"), "compliance"] == pytest.approx(0.6)
    assert table.loc[("pilotscholen", "tijdens"), "per_1000"] == pytest.approx(50.0)
    assert table.loc[("overige scholen", "tijdens"), "per_1000"] == pytest.approx(30.0)
    # 4 schools per group; the VO school is not compared (no pilot school in VO)
    assert table["schools"].tolist() == [4, 4, 4, 4]
    assert table.loc[("pilotscholen", "voor"), "signals"] == 80 and table.loc[("pilotscholen", "voor"), "pupils"] == 800


def test_did_recovers_the_known_effect_with_an_interval_around_it(pilot_db):
    effect = p.did_estimate(totals(pilot_db), "compliance")
    assert effect.did == pytest.approx(0.30)
    assert effect.low < 0.30 < effect.high
    assert effect.low > 0 and effect.interval_excludes_zero
    assert effect.expected_without_pilot == pytest.approx(0.60)
    assert (effect.pilot_schools, effect.other_schools) == (4, 4)
    again = p.did_estimate(totals(pilot_db), "compliance")
    assert (again.low, again.high) == (effect.low, effect.high)  # seeded: the same every time

    per_1000 = p.did_estimate(totals(pilot_db), "per_1000")
    assert per_1000.did == pytest.approx(20.0)
    # every school of a group changed by exactly the same amount: the interval is that amount
    assert per_1000.low == pytest.approx(20.0) and per_1000.high == pytest.approx(20.0)


def test_a_pilot_that_ended_has_its_after_phase_apart(engine):
    # the pilot's period ends 31-7-2022: 2021/22 is "tijdens", 2022/23 (1 Oct 2022) "na"
    with engine.begin() as conn:
        build_pilot_fixture(conn)
        conn.execute(insert(models.Period).values(name="Pilot", kind="pilot", start=PILOT_START, end=D(2022, 7, 31)))
    found = totals(engine)
    assert p.compared_phases(found) == ["tijdens", "na"]
    table = p.group_table(found).set_index(["group", "phase"])
    # one school year per phase after the start: 4 schools × 100 pupils, 4 × 10 signals
    assert table.loc[("pilotscholen", "tijdens"), "pupils"] == 400 and table.loc[("pilotscholen", "na"), "pupils"] == 400
    assert table.loc[("pilotscholen", "voor"), "pupils"] == 800
    assert table.loc[("pilotscholen", "na"), "signals"] == 40
    # the fixture's on-time counts are the same in every year after the start: 36 of 40 and
    # 24 of 40 in each of those phases, so both comparisons give (90 − 50) − (60 − 50) = 30 pp
    during, after = (p.did_estimate(found, "compliance", phase) for phase in ("tijdens", "na"))
    assert (during.phase, after.phase) == ("tijdens", "na")
    assert during.did == pytest.approx(0.30) and after.did == pytest.approx(0.30)
    assert after.pilot_then == pytest.approx(0.9) and after.others_then == pytest.approx(0.6)


def test_an_ongoing_pilot_has_no_after_phase(pilot_db):
    assert p.compared_phases(totals(pilot_db)) == ["tijdens"]


def test_no_effect_gives_an_interval_that_contains_zero(engine):
    same_trend = {1: (4, 6), 2: (6, 6), 3: (5, 7), 4: (5, 5), 5: (5, 6), 6: (5, 7), 7: (4, 5), 8: (6, 6)}
    with engine.begin() as conn:
        build_pilot_fixture(conn, on_time=same_trend, meldingen={"pilot": (2, 3), "other": (2, 3)})
    effect = p.did_estimate(totals(engine), "compliance")
    # pilot 20 → 24 of 40, others 20 → 24 of 40: DiD 0
    assert effect.did == pytest.approx(0.0)
    assert effect.low < 0 < effect.high and not effect.interval_excludes_zero


def test_no_pilot_schools_gives_an_empty_panel(engine):
    with engine.begin() as conn:
        conn.execute(insert(models.School).values(id=1, vestigingsnummer="01AA00", brin="01AA", name="A",
                                                  sector="BAO", in_scope=True))
    with engine.connect() as conn:
        assert p.pilot_panel(conn, 5).empty
