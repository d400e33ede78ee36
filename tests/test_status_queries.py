"""The status page's fast queries against a straightforward computation from the rows themselves.

The page reads the overview, the colour counts and the evidence KPIs with a few prebuilt
statements (the KPI counts of a period in one statement). Here they are checked against pandas
over the raw rows: on the demo municipality for every reporting period and for KPI windows ending
on every month end, on the hand-made fixture on PostgreSQL, and after new rows arrive (a new
report version, a school visit, a newsletter, a melding): nothing is cached or summarised, so
the figures follow at once. The statement counts guard the round trips.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd
import pytest
from sqlalchemy import Connection, event, insert, select

from data_access import kpis
from data_access.definitions import DEFAULTS, Suppressor
from data_access.metrics import school_year_of
from data_access.models import (
    LIGHTS, AppUser, Contact, PolicyAction, School, SchoolEnrolment, Signal16, StatusReport, Verzuimmelding,
)
from data_access.queries import status as q
from data_access.status_reports import NewReport, add_report
from fixtures import status as fixture

D = dt.date
DAYS = DEFAULTS.compliance_school_days
FIVE = Suppressor(5)


def _table(conn: Connection, *columns) -> pd.DataFrame:
    result = conn.execute(select(*columns))
    return pd.DataFrame(result.all(), columns=list(result.keys()), dtype=object)


# --- the straightforward versions ----------------------------------------------------------


def reference_counts(conn: Connection, start: dt.date, end: dt.date) -> dict[str, int]:
    """Every count of kpis.COUNT_QUERIES, by pandas over the raw rows."""
    schools = _table(conn, School.id, School.sector, School.in_scope, School.pilot_start).set_index("id")
    in_scope = set(schools.index[schools["in_scope"].astype(bool)])
    primary = in_scope & set(schools.index[schools["sector"].isin(kpis.PRIMARY_SECTORS)])

    contacts = _table(conn, Contact.date, Contact.channel, Contact.target, Contact.school_id)
    contacts = contacts[(contacts["date"] >= start) & (contacts["date"] <= end)]
    visits = contacts[(contacts["channel"] == "school_visit") & (contacts["target"] == "school")]
    newsletters = contacts[contacts["channel"] == "newsletter"]

    meldingen = _table(conn, Verzuimmelding.reported_on, Verzuimmelding.school_id)
    meldingen = meldingen[(meldingen["reported_on"] >= start) & (meldingen["reported_on"] <= end)
                          & meldingen["school_id"].isin(in_scope)]
    enrolment = _table(conn, SchoolEnrolment.school_id, SchoolEnrolment.school_year, SchoolEnrolment.pupils)
    enrolment = enrolment[(enrolment["school_year"] == school_year_of(end)) & enrolment["school_id"].isin(in_scope)]

    signals = _table(conn, Signal16.school_id, Signal16.signal_on, Signal16.school_days_to_melding)
    signals = signals[(signals["signal_on"] >= start) & (signals["signal_on"] <= end)
                      & signals["school_id"].isin(in_scope)]
    pilot_start = signals["school_id"].map(schools["pilot_start"])
    pilot = [p is not None and not pd.isna(p) and p <= day for p, day in zip(pilot_start, signals["signal_on"])]
    on_time = [d is not None and not pd.isna(d) and d <= DEFAULTS.compliance_school_days
               for d in signals["school_days_to_melding"]]
    return {
        "schools": len(primary),
        "visited": visits.loc[visits["school_id"].isin(primary), "school_id"].nunique(),
        "newsletters": newsletters["date"].nunique(),
        "meldingen": len(meldingen),
        "pupils": int(enrolment["pupils"].sum()),
        "pilot_signals": sum(pilot),
        "pilot_on_time": sum(p and o for p, o in zip(pilot, on_time)),
        "other_signals": sum(not p for p in pilot),
        "other_on_time": sum(not p and o for p, o in zip(pilot, on_time)),
    }


def reference_latest(conn: Connection, period_id: int | None) -> dict[int, dict]:
    """Action id → its latest report in the period (highest created_at, then id) + versions."""
    reports = _table(conn, StatusReport.id, StatusReport.action_id, StatusReport.reporting_period_id,
                     StatusReport.quality, StatusReport.time, StatusReport.money, StatusReport.author,
                     StatusReport.created_at)
    reports = reports[reports["reporting_period_id"] == period_id]
    latest = {}
    for action_id, rows in reports.groupby("action_id"):
        row = rows.sort_values(["created_at", "id"], ascending=False).iloc[0].to_dict()
        latest[int(action_id)] = {**row, "versions": len(rows)}
    return latest


def reference_overview(conn: Connection, period_id: int, previous_id: int | None) -> list[tuple]:
    actions = _table(conn, PolicyAction.id, PolicyAction.code, PolicyAction.programme)
    names = dict(conn.execute(select(AppUser.username, AppUser.name)).all())
    current, before = reference_latest(conn, period_id), reference_latest(conn, previous_id)
    rows = []
    for action in actions.sort_values(["programme", "code"]).itertuples():
        now, then = current.get(action.id, {}), before.get(action.id, {})
        rows.append((action.id, now.get("id"), now.get("quality"), now.get("time"), now.get("money"),
                     names.get(now.get("author"), now.get("author")), now.get("versions", 0),
                     then.get("quality"), then.get("time"), then.get("money")))
    return rows


def reference_colour_counts(conn: Connection, period_id: int, programme=None, holder=None) -> dict:
    actions = _table(conn, PolicyAction.id, PolicyAction.programme, PolicyAction.portfolio_holder)
    latest = reference_latest(conn, period_id)
    counted = Counter()
    for action in actions.itertuples():
        if (programme and action.programme != programme) or (holder and action.portfolio_holder != holder):
            continue
        for column, label in q.LIGHT_COLUMNS.items():
            counted[(label, latest.get(action.id, {}).get(column, q.NO_REPORT))] += 1
    return {(label, colour): counted[(label, colour)]
            for label in q.LIGHT_COLUMNS.values() for colour in [*LIGHTS, q.NO_REPORT]}


def _none(value):
    return None if value is None or pd.isna(value) else value


def overview_rows(frame: pd.DataFrame) -> list[tuple]:
    columns = ["action_id", "report_id", "quality", "time", "money", "author_name", "versions",
               "prev_quality", "prev_time", "prev_money"]
    return [tuple(_none(v) for v in row) for row in frame[columns].itertuples(index=False, name=None)]


def counts_dict(frame: pd.DataFrame) -> dict:
    return {(r.light, r.colour): r.actions for r in frame.itertuples()}


def check_against_reference(conn: Connection) -> None:
    periods = q.reporting_periods(conn)
    programmes = sorted(set(q.actions(conn)["programme"]))
    holders = sorted(set(q.actions(conn)["portfolio_holder"]))
    for period in periods:
        previous = q.previous_period(periods, period.id)
        previous_id = previous.id if previous else None
        overview = q.overview(conn, period.id, previous_id)
        assert overview_rows(overview) == reference_overview(conn, period.id, previous_id), period.name
        for programme, holder in [(None, None), (programmes[0], None), (None, holders[-1])]:
            expected = reference_colour_counts(conn, period.id, programme, holder)
            assert counts_dict(q.colour_counts(conn, period.id, programme, holder)) == expected
            frame, counts = q.period_status(conn, period.id, previous_id, programme, holder)
            pd.testing.assert_frame_equal(frame, overview)
            pd.testing.assert_frame_equal(counts, q.colour_counts(conn, period.id, programme, holder))
        start, end = kpis.kpi_window(period.end)
        assert kpis.window_counts(conn, kpis.COUNT_QUERIES, start, end, DAYS) == reference_counts(conn, start, end)


# --- the demo municipality -----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_conn(demo_url):
    from data_access.db import make_engine

    engine = make_engine(demo_url)
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def test_overview_counts_and_kpis_match_the_rows_for_every_period(demo_conn):
    assert len(q.reporting_periods(demo_conn)) > 1
    check_against_reference(demo_conn)


def test_kpi_counts_match_the_rows_for_windows_ending_every_month(demo_conn):
    first = demo_conn.execute(select(Contact.date).order_by(Contact.date)).scalars().first()
    last = demo_conn.execute(select(Contact.date).order_by(Contact.date.desc())).scalars().first()
    month_end = D(first.year, first.month, 1)
    checked = 0
    while month_end <= last + dt.timedelta(days=31):
        month_end = (month_end.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        start, end = kpis.kpi_window(month_end)
        assert kpis.window_counts(demo_conn, kpis.COUNT_QUERIES, start, end, DAYS) == \
            reference_counts(demo_conn, start, end), month_end
        month_end += dt.timedelta(days=1)
        checked += 1
    assert checked >= 12


def test_each_kpi_alone_equals_the_kpi_in_the_evidence(demo_conn):
    """evaluate() computes all linked KPIs in one statement; compute() one at a time."""
    period = q.reporting_periods(demo_conn)[-1]
    start, end = kpis.kpi_window(period.end)
    links = [(1, key, 1.0, True) for key in kpis.KPIS]
    evidence = kpis.evaluate_links(demo_conn, links, period.end, DEFAULTS, None).set_index("kpi")
    for key, definition in kpis.KPIS.items():
        alone = definition.compute(demo_conn, start, end, DAYS)
        assert _none(evidence.loc[key, "value"]) == alone.value
        assert evidence.loc[key, "counts"] == alone.counts


# --- the fixture on PostgreSQL, and after new rows --------------------------------------------


def test_overview_counts_and_kpis_match_the_rows_on_postgresql(pg_engine):
    fixture.build(pg_engine)
    with pg_engine.connect() as conn:
        check_against_reference(conn)


def _add_rows_after_the_first_look(conn: Connection, ids: dict) -> None:
    actions, periods = ids["actions"], ids["periods"]
    add_report(conn, NewReport(actions["LEA-03"], periods["2024-T1"], "rood", "groen", "groen",
                               cause="Meer meldingen", consequence="Doel niet gehaald", measure="Extra inzet"),
               username="lpa", roles=["leerplicht"])
    add_report(conn, NewReport(actions["LEA-03"], periods["2023-T3"], "groen", "groen", "groen"),
               username="lpa", roles=["leerplicht"])
    same_moment = dt.datetime(2024, 7, 1, 9)  # equal created_at: the higher id counts
    fixture.report(conn, actions["LEA-04"], periods["2024-T2"], "g/g/g", same_moment)
    fixture.report(conn, actions["LEA-04"], periods["2024-T2"], "o/g/g", same_moment)
    school_d = conn.execute(select(School.id).where(School.name == "School D")).scalar_one()
    school_a = conn.execute(select(School.id).where(School.name == "School A")).scalar_one()
    conn.execute(insert(Contact), [
        {"date": D(2024, 2, 1), "officer": "lpa", "target": "school", "channel": "school_visit",
         "school_id": school_d},
        {"date": D(2024, 3, 1), "officer": "lpa", "target": "school", "channel": "newsletter",
         "school_id": school_a},
    ])
    pupil = conn.execute(select(Verzuimmelding.pupil_id)).scalars().first()
    conn.execute(insert(Verzuimmelding).values(pupil_id=pupil, school_id=school_d, kind="16_uur",
                                               reported_on=D(2024, 3, 15)))


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_new_rows_show_at_once(database, request):
    engine = request.getfixturevalue("engine" if database == "sqlite" else "pg_engine")
    ids = fixture.build(engine)
    t1 = ids["periods"]["2024-T1"]
    with engine.connect() as conn:
        period = next(p for p in q.reporting_periods(conn) if p.id == t1)
        before = q.evidence(conn, period, DEFAULTS, None).set_index("kpi")
        q.overview(conn, t1, ids["periods"]["2023-T3"])
    with engine.begin() as conn:
        _add_rows_after_the_first_look(conn, ids)
    with engine.connect() as conn:
        check_against_reference(conn)
        row = q.overview(conn, t1, ids["periods"]["2023-T3"]).set_index("code").loc["LEA-03"]
        assert (row["quality"], row["versions"], row["prev_quality"]) == ("rood", 2, "groen")
        counts = counts_dict(q.colour_counts(conn, t1))
        assert counts[("Kwaliteit", "rood")] == 2 and counts[("Kwaliteit", "oranje")] == 0
        row = q.overview(conn, ids["periods"]["2024-T2"], t1).set_index("code").loc["LEA-04"]
        assert (row["quality"], row["versions"], row["prev_quality"]) == ("oranje", 2, "rood")
        after = q.evidence(conn, period, DEFAULTS, None).set_index("kpi")
    assert before.loc["schools_visited_share", "value"] == 0.5
    assert after.loc["schools_visited_share", "value"] == 0.75
    assert after.loc["newsletters_per_year", "value"] == before.loc["newsletters_per_year", "value"] + 1
    assert dict(after.loc["meldingen_per_1000", "counts"])["meldingen"] == 13


# --- round trips and empty results ----------------------------------------------------------


class Statements:
    """Counts the statements sent to the database inside a with block."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _seen(self, *_args) -> None:
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)


def test_round_trips_of_the_status_view(engine):
    ids = fixture.build(engine)
    t1, t3 = ids["periods"]["2024-T1"], ids["periods"]["2023-T3"]
    with engine.connect() as conn:
        period = next(p for p in q.reporting_periods(conn) if p.id == t1)
        for call, expected in [
            (lambda: q.evidence(conn, period, DEFAULTS, FIVE), 2),  # the links, then all their KPI counts at once
            (lambda: q.overview(conn, t1, t3), 1),
            (lambda: q.colour_counts(conn, t1, "Verzuim"), 1),
            (lambda: q.period_status(conn, t1, t3, "Verzuim", None), 1),
        ]:
            with Statements(engine) as seen:
                call()
            assert seen.count == expected


def test_without_links_no_kpi_is_computed(engine):
    with engine.connect() as conn:
        with Statements(engine) as seen:
            frame = q.evidence(conn, q.Period(1, "2024-T1", D(2024, 1, 1), D(2024, 3, 31)), DEFAULTS, FIVE)
            unknown = kpis.evaluate(conn, pd.DataFrame([{"action_id": 1, "kpi": "bestaat_niet", "target": 1.0,
                                                         "higher_is_better": True}]), D(2024, 3, 31), DEFAULTS, FIVE)
        assert seen.count == 1  # the links only
    assert list(frame.columns) == kpis.EVIDENCE_COLUMNS and frame.empty
    assert (frame.dtypes == object).all()
    assert unknown.loc[0, "reason"] == "onbekende KPI"


def test_empty_database_gives_the_same_empty_frames(engine):
    with engine.connect() as conn:
        overview = q.overview(conn, 1, None)
        counts = q.colour_counts(conn, 1)
        actions = q.actions(conn)
    assert overview.empty and str(overview["versions"].dtype) == "int64"
    assert (overview.drop(columns="versions").dtypes == object).all()
    assert actions.empty and (actions.dtypes == object).all()
    assert counts["actions"].tolist() == [0] * 12
    assert counts[["light", "colour"]].drop_duplicates().shape[0] == 12
    counts.loc[0, "light"] = "gewijzigd"  # a caller changing its result changes no later result
    with engine.connect() as conn:
        assert q.colour_counts(conn, 1).loc[0, "light"] == "Kwaliteit"
