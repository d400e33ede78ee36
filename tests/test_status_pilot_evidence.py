"""LEA-02's evidence (KPI ``pilot_compliance_gap``) is the Registratiepilot tab's figure, shown or
hidden exactly as that tab shows it, for every role but leerplicht (issue 15).

The pilot fixture (tests/fixtures/pilot.py): eight primary schools, pilot from 01-08-2021, ten
16-hour signals per school and school year 2019/20 – 2022/23 (signals on 2–11 November).
Signals on time per school: pilot 20 of 40 → 36 of 40 a year, others 20 of 40 → 24 of 40, so
with two school years per phase the meldtrouw goes 40/80 → 72/80 (pilot) and 40/80 → 48/80
(others): DiD = (90 − 50) − (60 − 50) = +30 percentage points, target ≥ +10 → groen.

In the "small" variant the other schools report almost nothing on time during the pilot: school
5 one signal a year, schools 6–8 none → 2 of 80 on time. That count of 2 is below 5: the tab
hides the meldtrouw (and so the effect), and the evidence must be hidden with it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest
from sqlalchemy import insert

from data_access import kpis
from data_access.definitions import DEFAULTS, Suppressor
from data_access.models import ActionKpi, PolicyAction, ReportingPeriod
from data_access.queries import status as q
from fixtures.pilot import ON_TIME, build_pilot_fixture
from ui.schools import data as schools_data
from ui.schools import pilot as pilot_tab

D = dt.date
FIVE = Suppressor(5)
SMALL = {**ON_TIME, 5: (5, 1), 6: (5, 0), 7: (4, 0), 8: (6, 0)}


def build(engine, on_time) -> None:
    with engine.begin() as conn:
        build_pilot_fixture(conn, on_time=on_time)
        conn.execute(insert(ReportingPeriod).values(name="2022-T3", start=D(2022, 9, 1), end=D(2022, 12, 31)))
        conn.execute(insert(ReportingPeriod).values(name="2021-T1", start=D(2021, 1, 1), end=D(2021, 4, 30)))
        action = conn.execute(insert(PolicyAction).values(
            code="LEA-02", programme="LEA", title="Evaluatie pilot", portfolio_holder="Wethouder",
            planned_end=D(2023, 7, 31)).returning(PolicyAction.id)).scalar_one()
        conn.execute(insert(ActionKpi).values(action_id=action, kpi="pilot_compliance_gap", target=0.1,
                                              higher_is_better=True))


def lea02(engine, period_name: str, suppressor):
    with engine.connect() as conn:
        [period] = [p for p in q.reporting_periods(conn) if p.name == period_name]
        [row] = q.evidence(conn, period, DEFAULTS, suppressor).itertuples()
    return row


def pilot_tab_hides_meldtrouw(suppressor) -> bool:
    """What the Registratiepilot tab decides for the portefeuillehouder, with its own code: its
    group table through ``_suppressed_groups``, and ``_metric_block`` hides the meldtrouw block
    when any group × phase has a reason."""
    _, groups, _ = schools_data.pilot(DEFAULTS.compliance_school_days)
    context = SimpleNamespace(suppress=suppressor is not None, suppressor=suppressor)
    shown = pilot_tab._suppressed_groups(groups, context)
    return bool((shown["compliance_reden"] != "").any())


def test_the_effect_is_shown_as_on_the_pilot_tab(engine, sqlite_url, app_env):
    build(engine, ON_TIME)
    app_env(sqlite_url)
    assert not pilot_tab_hides_meldtrouw(FIVE)
    shown = lea02(engine, "2022-T3", FIVE)
    assert shown.label == "Meldtrouw: effect van de registratiepilot (schooljaren vóór en tijdens de pilot)"
    assert shown.value == pytest.approx(0.30) and shown.suggested == "groen" and shown.reason == ""
    # the counts behind it: 40 of 80 → 72 of 80 (pilot), 40 of 80 → 48 of 80 (others)
    assert dict(shown.counts) == {
        "tijdig gemeld pilot vóór": 40, "signalen pilot vóór": 80,
        "tijdig gemeld pilot tijdens": 72, "signalen pilot tijdens": 80,
        "tijdig gemeld overig vóór": 40, "signalen overig vóór": 80,
        "tijdig gemeld overig tijdens": 48, "signalen overig tijdens": 80}
    # leerplicht sees the same
    assert lea02(engine, "2022-T3", None).value == pytest.approx(0.30)


def test_the_effect_is_hidden_as_on_the_pilot_tab(engine, sqlite_url, app_env):
    build(engine, SMALL)
    app_env(sqlite_url)
    assert pilot_tab_hides_meldtrouw(FIVE)
    hidden = lea02(engine, "2022-T3", FIVE)
    assert pd.isna(hidden.value) and hidden.suggested is None and hidden.counts == ()
    assert hidden.reason == "verborgen: teller of noemer kleiner dan 5"
    # leerplicht: 40/80 → 72/80 against 40/80 → 2/80: (90 − 50) − (2,5 − 50) = +87,5 points
    assert lea02(engine, "2022-T3", None).value == pytest.approx(0.875)
    # and the tab shows it to leerplicht too
    assert not pilot_tab_hides_meldtrouw(None)


def test_the_effect_follows_the_compliance_days_setting(engine):
    """Every signal's melding came 2 or 12 school days after it: with 12 days allowed all are on
    time, 100 % → 100 % in both groups, so the effect is 0 points (target +10: rood)."""
    build(engine, ON_TIME)
    with engine.connect() as conn:
        [period] = [p for p in q.reporting_periods(conn) if p.name == "2022-T3"]
        [row] = q.evidence(conn, period, dataclasses.replace(DEFAULTS, compliance_school_days=12), FIVE).itertuples()
    assert row.value == pytest.approx(0.0) and row.suggested == "rood"


def test_the_evidence_counts_what_was_known_at_the_end_of_the_period(engine):
    """2021-T1 ends on 30-04-2021, before any school year during the pilot (from 2021/22)."""
    build(engine, ON_TIME)
    early = lea02(engine, "2021-T1", FIVE)
    assert pd.isna(early.value) and early.suggested is None
    assert early.reason == kpis.NOT_YET_COMPARABLE
