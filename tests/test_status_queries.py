"""The status page's queries (overview, colour counts, KPI counts of a window) on the hand-made
municipality of tests/fixtures/status.py, whose docstring works out the KPI counts by hand, on
SQLite and PostgreSQL; after new rows arrive (a new report version, a school visit, a newsletter,
a melding) the figures follow at once (nothing is cached or summarised). The statement counts
guard the round trips.

Replaces the comparisons with a pandas recomputation from the raw rows (on the demo, every
period and month end). Behaviours those covered, and where they are stated now:
- the latest report per action and period (highest created_at, then id), its number of
  versions, the author's name and the previous period's lights (``test_the_overview_per_period``);
- the colour counts per programme / portfolio holder selection, "geen rapportage" counted
  (``test_colour_counts_per_selection``);
- every KPI count over windows that end in different school years and months, in-scope and
  pilot rules (``test_kpi_counts_per_window``);
- one KPI computed alone equals the one in the evidence (``test_each_kpi_alone_has_the_evidence_value``);
- new rows at once (``test_new_rows_show_at_once``).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Connection, event, insert, select

from data_access import kpis
from data_access.definitions.calendar import school_year_of, school_year_start
from data_access.definitions import DEFAULTS, Suppressor
from data_access.models import Contact, School, Verzuimmelding
from data_access.queries import status as q
from data_access.status_reports import NewReport, add_report
from fixtures import status as fixture

D = dt.date
DAYS = DEFAULTS.compliance_school_days
FIVE = Suppressor(5)
OVERVIEW = ["code", "quality", "time", "money", "author_name", "versions", "prev_quality", "prev_time", "prev_money"]


def overview_rows(conn: Connection, period_id: int, previous_id: int | None) -> list[tuple]:
    frame = q.overview(conn, period_id, previous_id)[OVERVIEW]
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False, name=None)]


def counts_dict(frame: pd.DataFrame) -> dict:
    """(light, colour) → actions, leaving out the zeros."""
    return {(r.light, r.colour): r.actions for r in frame.itertuples() if r.actions}


def test_the_overview_per_period(status_read_only):
    engine, ids = status_read_only
    t3, t1, t2 = (ids["periods"][name] for name in ("2023-T3", "2024-T1", "2024-T2"))
    lia, bert = "Lia Leerplicht", "Bert Beheer"
    with engine.connect() as conn:
        # in programme order (Thuiszitters, Verzuim), then by code; the first period has no previous one
        assert overview_rows(conn, t3, None) == [
            ("LEA-03", None, None, None, None, 0, None, None, None),
            ("LEA-04", "rood", "rood", "oranje", lia, 1, None, None, None),
            ("LEA-01", "groen", "groen", "groen", lia, 1, None, None, None),
            ("LEA-02", "groen", "oranje", "groen", lia, 1, None, None, None),
        ]
        assert overview_rows(conn, t1, t3) == [
            ("LEA-03", "oranje", "groen", "groen", lia, 1, None, None, None),
            ("LEA-04", "rood", "oranje", "groen", lia, 1, "rood", "rood", "oranje"),
            ("LEA-01", "groen", "oranje", "groen", lia, 1, "groen", "groen", "groen"),
            # o/o/g on 02-04, corrected to g/o/g by Bert Beheer on 03-04: the later one counts
            ("LEA-02", "groen", "oranje", "groen", bert, 2, "groen", "oranje", "groen"),
        ]
        assert overview_rows(conn, t2, t1) == [  # no reports yet; the previous lights are T1's
            ("LEA-03", None, None, None, None, 0, "oranje", "groen", "groen"),
            ("LEA-04", None, None, None, None, 0, "rood", "oranje", "groen"),
            ("LEA-01", None, None, None, None, 0, "groen", "oranje", "groen"),
            ("LEA-02", None, None, None, None, 0, "groen", "oranje", "groen"),
        ]
        frame, counts = q.period_status(conn, t1, t3, None, None)  # both in one call
        assert frame[OVERVIEW].equals(q.overview(conn, t1, t3)[OVERVIEW])
        assert counts_dict(counts) == counts_dict(q.colour_counts(conn, t1))


def test_colour_counts_per_selection(status_read_only):
    engine, ids = status_read_only
    t3, t1 = ids["periods"]["2023-T3"], ids["periods"]["2024-T1"]
    with engine.connect() as conn:
        assert counts_dict(q.colour_counts(conn, t1)) == {
            ("Kwaliteit", "groen"): 2, ("Kwaliteit", "oranje"): 1, ("Kwaliteit", "rood"): 1,
            ("Tijd", "groen"): 1, ("Tijd", "oranje"): 3, ("Geld", "groen"): 4}
        # Thuiszitters: LEA-03 o/g/g, LEA-04 r/o/g
        assert counts_dict(q.colour_counts(conn, t1, "Thuiszitters")) == {
            ("Kwaliteit", "oranje"): 1, ("Kwaliteit", "rood"): 1, ("Tijd", "groen"): 1, ("Tijd", "oranje"): 1,
            ("Geld", "groen"): 2}
        # Wethouder Jansen: LEA-01 g/o/g, LEA-02 g/o/g
        assert counts_dict(q.colour_counts(conn, t1, None, "Wethouder Jansen")) == {
            ("Kwaliteit", "groen"): 2, ("Tijd", "oranje"): 2, ("Geld", "groen"): 2}
        # 2023-T3: LEA-03 without a report counts as "geen rapportage" for every light
        assert counts_dict(q.colour_counts(conn, t3, "Thuiszitters", "Wethouder de Vries")) == {
            ("Kwaliteit", "rood"): 1, ("Kwaliteit", q.NO_REPORT): 1, ("Tijd", "rood"): 1, ("Tijd", q.NO_REPORT): 1,
            ("Geld", "oranje"): 1, ("Geld", q.NO_REPORT): 1}
        frame, counts = q.period_status(conn, t3, None, "Thuiszitters", None)
        assert list(frame["code"]) == ["LEA-03", "LEA-04", "LEA-01", "LEA-02"]  # the tiles select, not the query
        assert counts_dict(counts) == counts_dict(q.colour_counts(conn, t3, "Thuiszitters"))


def window(**counts) -> dict[str, int]:
    base = dict(schools=4, visited=0, newsletters=0, meldingen=0, pupils=0, pilot_signals=0, pilot_on_time=0,
                other_signals=0, other_on_time=0)
    return {**base, **counts}


@pytest.mark.parametrize("end, expected", [
    # school year 2022/23 (01-08-2022 – 31-07-2023): C's visit on its last day, the newsletter of
    # 01-06-2023, A's melding of 20-07-2023; no enrolment and no signals that year
    (D(2023, 7, 31), window(visited=1, newsletters=1, meldingen=1)),
    # a month into 2023/24: nothing yet; enrolment of 2023: 200 + 150 + 50 + 40 + 560 in scope
    (D(2023, 8, 31), window(pupils=1000)),
    # 2023-T3: visit A; newsletter 02-10 (two rows, one date); meldingen every 14 days from 01-09:
    # 9 up to 22-12; A (pilot) 2, 5, 6, – → 2 of 4 on time; B 0, 3, – → 2 of 3
    (D(2023, 12, 31), window(visited=1, newsletters=1, meldingen=9, pupils=1000, pilot_signals=4, pilot_on_time=2,
                             other_signals=3, other_on_time=2)),
    # 2024-T1: the fixture's docstring: visited A, B; 2 newsletters; 12 meldingen; pilot 3 of 5,
    # other (B, E, C before its pilot) 3 of 6
    (D(2024, 3, 31), window(visited=2, newsletters=2, meldingen=12, pupils=1000, pilot_signals=5, pilot_on_time=3,
                            other_signals=6, other_on_time=3)),
    # 2024-T2: D visited 02-04; A's melding of 05-04 and its signal of 01-05 (1 day) added
    (D(2024, 6, 30), window(visited=3, newsletters=2, meldingen=13, pupils=1000, pilot_signals=6, pilot_on_time=4,
                            other_signals=6, other_on_time=3)),
], ids=str)
def test_kpi_counts_per_window(status_read_only, end, expected):
    engine, _ = status_read_only
    start = school_year_start(school_year_of(end))  # counts from 1 August up to ``end``
    with engine.connect() as conn:
        assert kpis.window_counts(conn, kpis.COUNT_QUERIES, kpis.evidence_window(conn, start, end), DAYS) == expected


def test_a_longer_compliance_term_counts_more_signals_on_time(engine):
    fixture.build(engine)
    with engine.connect() as conn:
        counts = kpis.window_counts(conn, kpis.COUNT_QUERIES, kpis.evidence_window(conn, D(2023, 8, 1), D(2024, 3, 31)),
                                    8)
    # within 8 school days: pilot A 2, 5, 6, 1 → 4 of 5; other B 0, 3, E 8, C 4 → 4 of 6
    assert (counts["pilot_on_time"], counts["other_on_time"]) == (4, 4)


def test_each_kpi_alone_has_the_evidence_value(engine):
    """evaluate() computes all linked KPIs in one statement; compute() one at a time: both give
    the hand-worked values of 2024-T1, measured over its own days (1 January – 31 March 2024)."""
    fixture.build(engine)
    expected = {
        "schools_visited_share": 0.25,  # B only: 1 / 4
        "newsletters_per_year": 1,  # 15-01
        "meldingen_per_1000": 3.0,  # 05-01, 19-01, 02-02: 3 / 1.000 × 1.000
        "reporting_compliance": 2 / 4,  # A 05-02 (1), C 10-01 (4) on time; B 04-03 (10), E 22-01 (8) late
    }
    # the pilot's effect: the fixture has no school year before the pilot → no value (its
    # arithmetic is worked out on the pilot fixture in test_status_pilot_evidence.py)
    expected_none = {"pilot_compliance_gap"}
    # the chain's KPIs are worked out on the chain fixture (test_chain_definitions::test_chain_kpis_…)
    chain = {"chain_signal_to_contact_days", "chain_help_first_share"}
    links = [(1, key, 1.0, True) for key in kpis.KPIS]
    with engine.connect() as conn:
        window = kpis.evidence_window(conn, D(2024, 1, 1), D(2024, 3, 31))
        evidence = kpis.evaluate_links(conn, links, window, DEFAULTS, None).set_index("kpi")
        alone = {key: definition.compute(conn, window, DAYS).value for key, definition in kpis.KPIS.items()}
    assert set(kpis.KPIS) == set(expected) | expected_none | chain
    assert {key: alone[key] for key in expected} == pytest.approx(expected)
    assert {key: evidence.loc[key, "value"] for key in expected} == pytest.approx(expected)
    assert alone["pilot_compliance_gap"] is None and pd.isna(evidence.loc["pilot_compliance_gap", "value"])


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
        year_to_date = kpis.evidence_window(conn, D(2023, 8, 1), D(2024, 3, 31))
        # + D's visit of 01-02, a newsletter on 01-03 (a new date), D's melding of 15-03
        assert kpis.window_counts(conn, kpis.COUNT_QUERIES, year_to_date, DAYS) == window(
            visited=3, newsletters=3, meldingen=13, pupils=1000, pilot_signals=5, pilot_on_time=3, other_signals=6,
            other_on_time=3)
        row = q.overview(conn, t1, ids["periods"]["2023-T3"]).set_index("code").loc["LEA-03"]
        assert (row["quality"], row["versions"], row["prev_quality"]) == ("rood", 2, "groen")
        counts = counts_dict(q.colour_counts(conn, t1))
        assert counts[("Kwaliteit", "rood")] == 2 and ("Kwaliteit", "oranje") not in counts
        row = q.overview(conn, ids["periods"]["2024-T2"], t1).set_index("code").loc["LEA-04"]
        assert (row["quality"], row["versions"], row["prev_quality"]) == ("oranje", 2, "rood")
        after = q.evidence(conn, period, DEFAULTS, None).set_index("kpi")
    # 2024-T1 over its own days: B's visit → 1 / 4; with D's visit of 01-02 → 2 / 4
    assert before.loc["schools_visited_share", "value"] == 0.25
    assert after.loc["schools_visited_share", "value"] == 0.5
    assert after.loc["newsletters_per_year", "value"] == before.loc["newsletters_per_year", "value"] + 1
    assert dict(after.loc["meldingen_per_1000", "counts"])["meldingen"] == 3 + 1  # + D's melding of 15-03


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
            # the links, the sectors and holidays (the period's school days), then all KPI counts at
            # once; the pilot's effect (LEA-02) reads the pilot evaluation as the Registratiepilot
            # tab does: the school register, enrolment, meldingen, signals and the pilot's end (5)
            (lambda: q.evidence(conn, period, DEFAULTS, FIVE), 4 + 5),
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
                                                         "higher_is_better": True}]),
                                    kpis.EvidenceWindow(D(2024, 1, 1), D(2024, 3, 31), 65, 2023), DEFAULTS, FIVE)
        assert seen.count == 1  # the links only
    assert list(frame.columns) == kpis.EVIDENCE_COLUMNS and frame.empty
    assert unknown.loc[0, "reason"] == "onbekende KPI"


def test_an_empty_database_gives_empty_frames_and_zero_counts(engine):
    with engine.connect() as conn:
        overview = q.overview(conn, 1, None)
        counts = q.colour_counts(conn, 1)
        actions = q.actions(conn)
    assert overview.empty and set(OVERVIEW) <= set(overview.columns)
    assert actions.empty
    assert counts["actions"].tolist() == [0] * 12
    assert counts[["light", "colour"]].drop_duplicates().shape[0] == 12
    counts.loc[0, "light"] = "gewijzigd"  # a caller changing its result changes no later result
    with engine.connect() as conn:
        assert q.colour_counts(conn, 1).loc[0, "light"] == "Kwaliteit"
