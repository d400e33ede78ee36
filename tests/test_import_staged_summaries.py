"""Issue 17 #9: an absence import holds SQLite's write lock only for its final swap.

The import reads, checks and stages its rows, finds what it will delete and computes the summary
tables' new rows (``aggregates.stage_absence``) in temporary tables of its own connection; only
the swap — rows into ``absence``, the summaries' rows replaced, the audit row — runs under the
write lock. These tests state that with events and probes, not with timings:

- the summaries after an import are exactly the ones worked out by hand from its rows, on SQLite
  (staged) and PostgreSQL (refreshed in the write transaction), for a first import, a "periode
  vervangen" that removes rows, and an import at a third school;
- at every step before the swap a second connection can take the write lock, and a login
  (counted attempt + audit row) succeeds with a lock timeout of 0,2 s; during the swap it cannot;
- a change to the 16-hour rule while the summaries are staged is not lost: the swap sees it and
  builds the summaries in place;
- a failure in the swap writes nothing and leaves no temporary tables behind;
- an import that at least doubles the table rebuilds absence's indexes exactly as they were.

The 1 M-row measurement of how long the lock is held is in bench/import_bench.py (RESULTS.md).
"""
from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from data_access import aggregates, users
from data_access.importers import write
from data_access.importers import Options, run_import
from data_access.models import ALL_CATEGORIES
from data_access.setting_changes import save_settings
from fixtures.imports import TODAY, dump, imp, impatient_engine, load_base, log_in, summaries

D = dt.date
PASSWORD = "geheim-wachtwoord-1"
U, Z, L = "ongeoorloofd", "ziek", "te_laat"

# LL01 (OBS De Esdoorn, 99ZZ00): 4 h unauthorised Mon 2 – Fri 6 Oct 2023: 4, 8, 12, 16 (not more
# than 16) and 20 h on Friday: a 16-hour signal on 6 Oct over the window from 2 Oct.
# LL02 (SBO De Vlinder, 99ZZ01): ill 2 h on Tue 3 Oct, late (1 h) on Mon 30 Oct.
FIRST = """datum;pseudoniem;uren;code
02-10-2023;LL01;4;A
03-10-2023;LL01;4;A
04-10-2023;LL01;4;A
05-10-2023;LL01;4;A
06-10-2023;LL01;4;A
03-10-2023;LL02;2;ZI
30-10-2023;LL02;1;TA
"""
# LL01's week delivered again for 2–6 Oct with only Monday (as it was) and Tuesday (3 h instead
# of 4: replaced): 4–6 Oct are removed.
REPLACE = """datum;pseudoniem;uren;code
02-10-2023;LL01;4;A
03-10-2023;LL01;3;A
"""
# LL03 (CBS Het Anker, 98YY00): ill 3 h on Fri 6 Oct — a school the summaries did not hold yet.
THIRD = """datum;pseudoniem;uren;code
06-10-2023;LL03;3;ZI
"""

WEEK, OCTOBER = D(2023, 10, 2), D(2023, 10, 1)
LL02_ROWS = {
    "absence_week": [("99ZZ01", WEEK, Z, 2.0, 1, 1), ("99ZZ01", D(2023, 10, 30), L, 1.0, 1, 1)],
    "absence_month": [("99ZZ01", OCTOBER, Z, 2.0, 1, 1), ("99ZZ01", OCTOBER, L, 1.0, 1, 1)],
    "pupil_year": [("LL02", 2023, "99ZZ01", 3.0, 0.0, 1, D(2023, 10, 30))],
    "pupil_category_year": [("LL02", 2023, Z, "99ZZ01", D(2023, 10, 3)), ("LL02", 2023, L, "99ZZ01", D(2023, 10, 30))],
    "absentee_year": [("99ZZ01", 2023, Z, 1), ("99ZZ01", 2023, L, 1), ("99ZZ01", 2023, ALL_CATEGORIES, 1)],
    "signal16": [],
}


def expected(**ll01_and_more) -> dict[str, list[tuple]]:
    return {name: sorted(LL02_ROWS[name] + ll01_and_more.get(name, []), key=repr) for name in LL02_ROWS}


AFTER_FIRST = expected(
    absence_week=[("99ZZ00", WEEK, U, 20.0, 5, 1)],
    absence_month=[("99ZZ00", OCTOBER, U, 20.0, 5, 1)],
    pupil_year=[("LL01", 2023, "99ZZ00", 20.0, 20.0, 0, D(2023, 10, 6))],
    pupil_category_year=[("LL01", 2023, U, "99ZZ00", D(2023, 10, 2))],
    absentee_year=[("99ZZ00", 2023, U, 1), ("99ZZ00", 2023, ALL_CATEGORIES, 1)],
    signal16=[("LL01", "99ZZ00", D(2023, 10, 6), D(2023, 10, 2), 20.0, None, None)],
)
AFTER_REPLACE = expected(  # 4 + 3 = 7 h on Mon and Tue; no more than 16 h: no signal
    absence_week=[("99ZZ00", WEEK, U, 7.0, 2, 1)],
    absence_month=[("99ZZ00", OCTOBER, U, 7.0, 2, 1)],
    pupil_year=[("LL01", 2023, "99ZZ00", 7.0, 7.0, 0, D(2023, 10, 3))],
    pupil_category_year=[("LL01", 2023, U, "99ZZ00", D(2023, 10, 2))],
    absentee_year=[("99ZZ00", 2023, U, 1), ("99ZZ00", 2023, ALL_CATEGORIES, 1)],
)
LL03_ROWS = {
    "absence_week": [("98YY00", WEEK, Z, 3.0, 1, 1)],
    "absence_month": [("98YY00", OCTOBER, Z, 3.0, 1, 1)],
    "pupil_year": [("LL03", 2023, "98YY00", 3.0, 0.0, 0, D(2023, 10, 6))],
    "pupil_category_year": [("LL03", 2023, Z, "98YY00", D(2023, 10, 6))],
    "absentee_year": [("98YY00", 2023, Z, 1), ("98YY00", 2023, ALL_CATEGORIES, 1)],
    "signal16": [],
}


def plus(tables: dict, more: dict) -> dict[str, list[tuple]]:
    return {name: sorted(rows + more[name], key=repr) for name, rows in tables.items()}


AFTER_THIRD = plus(AFTER_REPLACE, LL03_ROWS)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_base(request):
    eng = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    load_base(eng)
    return eng


@pytest.fixture
def swaps(monkeypatch) -> list[bool]:
    """Whether each import's swap used its staged summary rows (True) or rebuilt them in place."""
    used: list[bool] = []
    original = aggregates.apply_staged

    def spy(conn, staged):
        used.append(original(conn, staged))
        return used[-1]

    monkeypatch.setattr(aggregates, "apply_staged", spy)
    return used


def test_the_summaries_after_each_import_are_the_ones_worked_out_by_hand(any_base, swaps):
    first = imp(any_base, "verzuim", FIRST)
    assert first.ok and first.counts.inserted == 7
    assert summaries(any_base) == AFTER_FIRST

    again = imp(any_base, "verzuim", REPLACE, replace_period=True, period_from=D(2023, 10, 2),
                period_to=D(2023, 10, 6))
    assert again.ok and (again.counts.unchanged, again.counts.updated, again.counts.deleted) == (1, 1, 3)
    assert summaries(any_base) == AFTER_REPLACE

    third = imp(any_base, "verzuim", THIRD)
    assert third.ok and third.counts.inserted == 1
    assert summaries(any_base) == AFTER_THIRD
    # SQLite staged all three before the lock; PostgreSQL refreshes in its write transaction
    assert swaps == ([True, True, True] if any_base.dialect.name == "sqlite" else [])
    with any_base.begin() as conn:  # and they are what a whole rebuild makes (lea refresh)
        aggregates.refresh_all(conn)
    assert summaries(any_base) == AFTER_THIRD


def test_staged_summaries_swapped_in_are_the_ones_worked_out_by_hand_on_both_engines(any_base):
    """aggregates.stage_absence / apply_staged by themselves, as the import uses them on SQLite:
    the period replacement of REPLACE as temporary tables (LL01's rows of 3–6 Oct go, 3 Oct comes
    back with 3 h), the summaries staged from them, then the rows and the summaries swapped in."""
    assert imp(any_base, "verzuim", FIRST).ok
    date_type = "DATE" if any_base.dialect.name == "postgresql" else "TEXT"
    with any_base.begin() as conn:
        school, pupil = conn.execute(text("SELECT s.id, p.id FROM school s, pupil p "
                                          "WHERE s.vestigingsnummer = '99ZZ00' AND p.pseudonym = 'LL01'")).one()
        conn.execute(text("CREATE TEMPORARY TABLE t_gone (id BIGINT PRIMARY KEY)"))
        conn.execute(text("INSERT INTO t_gone (id) SELECT id FROM absence WHERE pupil_id = :p AND date >= :d"),
                     {"p": pupil, "d": D(2023, 10, 3)})
        conn.execute(text(f"CREATE TEMPORARY TABLE t_new (pupil_id BIGINT, school_id BIGINT, date {date_type}, "
                          "hours FLOAT, code VARCHAR(10), category VARCHAR(20))"))
        conn.execute(text("INSERT INTO t_new VALUES (:p, :s, :d, 3.0, 'A', 'ongeoorloofd')"),
                     {"p": pupil, "s": school, "d": D(2023, 10, 3)})
        staged = aggregates.stage_absence(conn, "t_new", "t_gone", {school}, D(2023, 10, 3), D(2023, 10, 6))
        # staged, not written: the database's own tables (read in the same transaction) are as they were
        assert conn.execute(text("SELECT hours FROM absence_week WHERE school_id = :s"), {"s": school}).scalar() == 20.0
        assert conn.execute(text("SELECT COUNT(*) FROM signal16")).scalar() == 1
        conn.execute(text("DELETE FROM absence WHERE id IN (SELECT id FROM t_gone)"))
        conn.execute(text("INSERT INTO absence (pupil_id, school_id, date, hours, code, category) "
                          "SELECT pupil_id, school_id, date, hours, code, category FROM t_new"))
        assert aggregates.apply_staged(conn, staged)
    assert summaries(any_base) == AFTER_REPLACE


# --- the write lock -----------------------------------------------------------------------------


@pytest.fixture
def lotte(engine):
    load_base(engine)
    with engine.begin() as conn:
        users.create_user(conn, "lotte", "Lotte Leerplicht", ["leerplicht"], PASSWORD)
    return engine


def can_write(path: str) -> bool:
    """Can a second connection take the write lock right now (no waiting)?"""
    con = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        con.close()


def test_only_the_final_swap_keeps_other_writers_out(lotte, sqlite_url, monkeypatch):
    path = make_url(sqlite_url).database
    probes: list[tuple[str, bool]] = []
    logins: list[bool] = []
    impatient = impatient_engine(sqlite_url)
    original_stage = aggregates._Step.stage

    def stage_and_probe(step, conn):
        original_stage(step, conn)
        probes.append((f"berekend: {step.table}", can_write(path)))
        if step.table == "pupil_year":  # halfway through the summaries: somebody logs in
            logins.append(log_in(impatient, "lotte", PASSWORD).ok)

    monkeypatch.setattr(aggregates._Step, "stage", stage_and_probe)
    try:
        result = import_probing(lotte, FIRST, lambda message: probes.append((message, can_write(path))))
    finally:
        impatient.dispose()
    assert result.ok and result.written
    assert logins == [True]  # with a 0,2 s lock timeout: nothing held the lock
    phases = [name for name, _ in probes]
    assert phases == ["Bestand lezen…", "7 rijen gecontroleerd…", "Samenvattingen berekenen…",
                      "berekend: absence_week", "berekend: absence_month", "berekend: pupil_year",
                      "berekend: signal16", "berekend: pupil_category_year", "berekend: absentee_year",
                      "Schrijven…", "Samenvattingen bijwerken…", "Klaar."]
    locked = [name for name, free in probes if not free]
    assert locked == ["Schrijven…", "Samenvattingen bijwerken…"]
    assert summaries(lotte) == AFTER_FIRST
    with lotte.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM login_attempt WHERE username = 'lotte' AND success")).scalar() == 1


def import_probing(engine, content: str, on_message):
    """The import as the page runs it, calling ``on_message`` with each progress message."""
    return run_import(engine, "verzuim", content.encode(), file_name="verzuim.csv", options=Options(today=TODAY),
                      username="tester", role="beheer", progress=lambda _fraction, message: on_message(message))


def test_a_rule_changed_while_the_summaries_are_staged_is_not_lost(lotte, swaps, monkeypatch):
    """signal_hours becomes 25 after the summaries were staged with 16 and before the swap: LL01's
    20 h are no signal under 25, so signal16 stays empty (the staged rows would hold one)."""
    original = aggregates.stage_absence

    def stage_then_change_the_rule(conn, *args):
        staged = original(conn, *args)
        assert any(step.table == "signal16" for step in staged.steps)
        with lotte.begin() as other:  # an administrator on /beheer, meanwhile
            save_settings(other, {"signal_hours": "25"}, username="beheerder", role="beheer")
        return staged

    monkeypatch.setattr(aggregates, "stage_absence", stage_then_change_the_rule)
    result = imp(lotte, "verzuim", FIRST)
    assert result.ok
    assert summaries(lotte) == {**AFTER_FIRST, "signal16": []}
    assert swaps == [False]  # the swap saw the change and built the summaries in place


def test_a_failure_in_the_swap_writes_nothing_and_leaves_no_temporary_tables(lotte, monkeypatch):
    before = dump(lotte)

    def broken(conn, staged):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(aggregates, "apply_staged", broken)
    with pytest.raises(RuntimeError):
        imp(lotte, "verzuim", FIRST)
    assert dump(lotte) == before
    assert lotte.pool.checkedin() == 1  # the import's own connection, back in the pool …
    with lotte.connect() as conn:  # … without the import's temporary tables and view
        assert conn.execute(text("SELECT name FROM sqlite_temp_master")).all() == []
    monkeypatch.undo()
    result = imp(lotte, "verzuim", FIRST)
    assert result.ok and result.counts.inserted == 7
    assert summaries(lotte) == AFTER_FIRST


def test_an_import_that_doubles_the_table_rebuilds_its_indexes_as_they_were(lotte, monkeypatch):
    monkeypatch.setattr(write, "REBUILD_INDEXES_FROM", 1)  # 7 rows stand in for a large first import
    rebuilt: list[list[str]] = []
    original = write.AbsenceHandler._indexes_to_rebuild

    def spy(handler, conn):
        indexes = original(handler, conn)
        rebuilt.append([name for name, _ in indexes])
        return indexes

    monkeypatch.setattr(write.AbsenceHandler, "_indexes_to_rebuild", spy)

    def indexes():
        with lotte.connect() as conn:
            return conn.execute(text("SELECT name, sql FROM sqlite_master WHERE tbl_name = 'absence' "
                                     "AND type = 'index' ORDER BY name")).all()

    before = indexes()
    assert imp(lotte, "verzuim", FIRST).ok              # 7 staged rows into an empty table: rebuilt
    assert imp(lotte, "verzuim", THIRD).ok              # 1 row into 7: inserted into the indexes
    assert rebuilt == [["ix_absence_category_day", "ix_absence_school_date", "ix_absence_unauthorised"], []]
    assert indexes() == before
    with lotte.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        plan = " ".join(str(r) for r in conn.execute(text(
            "EXPLAIN QUERY PLAN SELECT * FROM absence WHERE school_id = 1 AND date >= '2023-10-01'")))
    assert "ix_absence_school_date" in plan
    assert summaries(lotte) == plus(AFTER_FIRST, LL03_ROWS)
