"""One import, start to end: read → validate → stage → compute the summaries, then write in one
short transaction → audit.

The long part (reading, validating and staging a file of a million rows, and computing what the
summary tables will hold after it, takes tens of seconds) holds no write lock: the rows go into
temporary tables of the import's own connection, and on SQLite the summaries are computed from
them into temporary tables too (``aggregates.stage_absence``). Only the final swap — staged rows
into their tables, the summaries' rows replaced, audit — runs in one write transaction
(``BEGIN IMMEDIATE`` on SQLite), so a login during an import waits a moment instead of failing.
Imports run one at a time (``import_slot``), so what the read phase checked still holds when it is
written. The first real import into the demo ends demo mode (data_access/demo_mode.py).

Nothing is written when anything is wrong, unless the user chose "alleen geldige rijen". A dry
run ("proefimport") does the same work and rolls back, so the preview shows exactly what an
import would do. Every run — dry, rejected or written — is recorded in the audit log with the
file's name and SHA-256, the row counts and the result (never any row content).
"""
from __future__ import annotations

import datetime as dt
import fcntl
import threading
import time
from contextlib import contextmanager
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from sqlalchemy import Engine, text

from data_access import aggregates, audit, demo_mode
from data_access.db import sqlite_path
from data_access.importers.kinds import get_kind
from data_access.importers.reading import ReadError, Source, TableReader
from data_access.importers.validate import PROBLEM_COLUMNS, ChunkCheck, Problem, Problems
from data_access.importers.kinds import Refresh
from data_access.importers.write import HANDLERS, AbsenceHandler, Counts, Options

ProgressCallback = Callable[[float, str], None]

GESLAAGD, AFGEWEZEN, PROEF_OK, PROEF_AFGEWEZEN = "geslaagd", "afgewezen", "proef: in orde", "proef: afgewezen"


@dataclass
class ImportResult:
    kind: str
    kind_label: str
    file_name: str
    options: Options
    sha256: str = ""
    file_description: str = ""
    rows: int = 0
    invalid_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    counts: Counts = field(default_factory=Counts)
    status: str = AFGEWEZEN
    written: bool = False
    unknown_codes: list[dict] = field(default_factory=list)
    onbekend_rows: int = 0
    replaced: list[dict] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    preview: pd.DataFrame = field(default_factory=pd.DataFrame)
    refreshes: list[Refresh] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)   # seconds per phase
    demo_ended: bool = False       # this import ended demo mode (the warning is in messages)
    started: float = field(default_factory=time.perf_counter)
    cpu_started: float = field(default_factory=time.process_time)

    @property
    def ok(self) -> bool:
        return self.status in (GESLAAGD, PROEF_OK)

    @property
    def valid_rows(self) -> int:
        return self.rows - self.invalid_rows

    def problems_frame(self) -> pd.DataFrame:
        return pd.DataFrame([p.as_dict() for p in self.problems], columns=PROBLEM_COLUMNS)

    def replaced_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{k: v for k, v in r.items() if k != "school_id"} for r in self.replaced],
                            columns=["vestigingsnummer", "van", "tot en met", "verwijderd"])

    def summary(self) -> list[str]:
        """The result in a few Dutch lines (CLI and page)."""
        c = self.counts
        lines = [f"{self.kind_label}: {self.file_name} ({self.file_description or 'onleesbaar'})",
                 f"SHA-256: {self.sha256}" if self.sha256 else "",
                 f"Gelezen: {counted(self.rows, 'rij', 'rijen')}; geldig: {_n(self.valid_rows)}; "
                 f"met problemen: {_n(self.invalid_rows)}."]
        verb = "zou" if self.options.dry_run else ""
        if self.status in (GESLAAGD, PROEF_OK):
            parts = [f"{_n(c.inserted)} nieuw", f"{_n(c.updated)} bijgewerkt", f"{_n(c.unchanged)} ongewijzigd"]
            if c.deleted or self.options.replace_period:
                parts.append(f"{_n(c.deleted)} verwijderd (periode vervangen)")
            lines.append(("Proefimport — er is niets geschreven. Een import " + verb + " geven: "
                          if self.options.dry_run else "Geschreven: ") + ", ".join(parts) + ".")
        if self.status == AFGEWEZEN:
            lines.append(f"AFGEWEZEN: {counted(self.problem_count, 'probleem', 'problemen')} — er is niets "
                         "geschreven.")
        elif self.status == PROEF_AFGEWEZEN:
            lines.append(f"Proefimport: {counted(self.problem_count, 'probleem', 'problemen')} — zo zou de import "
                         "worden afgewezen.")
        elif self.options.only_valid and self.invalid_rows:
            lines.append(f"Alleen de geldige rijen zijn {'meegenomen' if self.options.dry_run else 'geschreven'}; "
                         f"{counted(self.invalid_rows, 'rij', 'rijen')} met problemen "
                         f"{'is' if self.invalid_rows == 1 else 'zijn'} overgeslagen.")
        lines.extend(self.messages)
        return [line for line in lines if line]


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def counted(value: int, one: str, more: str) -> str:
    """'1 probleem', '2 problemen', '1.234 rijen'."""
    return f"{_n(value)} {one if value == 1 else more}"


def run_import(
    engine: Engine,
    kind: str,
    source: str | Path | bytes | BinaryIO,
    *,
    file_name: str | None = None,
    options: Options | None = None,
    username: str | None = None,
    role: str | None = None,
    origin: str | None = None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    options = options or Options()
    spec = get_kind(kind)
    src = Source.of(source, file_name)
    today = options.today or dt.date.today()
    result = ImportResult(spec.key, spec.label, src.name, options)
    started, cpu_started = time.perf_counter(), time.process_time()
    result.started, result.cpu_started = started, cpu_started
    problems = Problems(src.name)
    structural_rows: set[int] = set()

    def on_structural(problem: Problem) -> None:
        """Rows the reader could not split into the header's columns."""
        if problem.row:
            structural_rows.add(problem.row)
        problems.add(problem)

    report = progress or (lambda _f, _t: None)
    report(0.0, "Bestand lezen…")

    committed = False
    refusal = None
    if not options.dry_run:
        with engine.connect() as conn:
            refusal = demo_mode.import_refusal(conn, username)
    try:
        if refusal:  # a demo account may not bring real data into the demo (see demo_mode)
            problems.add(Problem(src.name, None, None, None, refusal))
            result.messages.append(refusal)
            reader = None
        else:
            reader = TableReader(src, spec)
    except ReadError as exc:
        for p in exc.problems:
            problems.add(p)
        reader = None
    if reader is not None:
        result.sha256, result.file_description = reader.info.sha256, reader.info.describe()
        handler = HANDLERS[spec.key](spec, options, reader.info, problems, today, username)
        with engine.connect() as conn, import_slot(conn):
            sqlite_write = conn.dialect.name == "sqlite" and not options.dry_run
            # References are checked against what the read phase saw (see write.Refs; imports run one
            # at a time, and only imports change schools, pupils and absence), so SQLite's per-row
            # foreign-key look-ups add nothing but time for the big absence files.
            fk_off = sqlite_write and spec.key == "verzuim"
            if fk_off:
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.commit()
            staged = None
            try:
                # 1. The long part — read, validate, stage into temporary tables — holds no write
                #    lock: logins, audit rows and officers' changes go on meanwhile.
                read_failed = False
                with conn.begin():
                    try:
                        handler.prepare(conn)
                        for chunk in reader.chunks(on_structural):
                            check = ChunkCheck(spec, chunk, problems, reader.info.header_of, today).run()
                            handler.check_chunk(conn, chunk, check)
                            report(0.95 * reader.fraction, f"{_n(handler.rows_read)} rijen gecontroleerd…")
                        handler.finish_reading(conn)
                    except ReadError as exc:
                        read_failed = True
                        for p in exc.problems:
                            problems.add(p)
                result.timings["lezen en controleren"] = time.perf_counter() - started
                result.timings["cpu: lezen en controleren"] = time.process_time() - cpu_started
                # 2. Still without the write lock: what the write will delete, and (SQLite) the
                #    summaries as they will be after it.
                if not read_failed:
                    with conn.begin():
                        handler.before_write(conn)
                        staged = _stage_summaries(conn, handler, problems, options, sqlite_write, report, result)
                # 3. One short write transaction applies it all, or nothing.
                _write_phase(conn, handler, result, problems, structural_rows, src.name, options,
                             sqlite_write, read_failed, username, role, origin, report, staged)
                committed = result.written
            finally:
                _drop_staging(conn, handler, staged)
                _restore_foreign_keys(conn, fk_off)
        if committed and result.demo_ended:
            demo_mode.rotate_key(engine)  # after the commit: every demo cookie is refused from now on
    result.problems = sorted(problems.items, key=lambda p: p.row or 0)
    result.problem_count = problems.count
    if reader is None:
        result.status = PROEF_AFGEWEZEN if options.dry_run else AFGEWEZEN
    result.seconds = time.perf_counter() - started
    if not committed:
        with engine.begin() as conn:
            _audit(conn, result, username, role, origin)
    report(1.0, "Klaar.")
    return result


def _stage_summaries(conn, handler, problems: Problems, options: Options, sqlite_write: bool,
                     report, result: ImportResult) -> aggregates.StagedAbsence | None:
    """SQLite: an absence import that will be written computes its summaries now, from its
    staged rows, so that its write transaction only swaps them in. (PostgreSQL refreshes them in
    the write transaction: its row locks do not keep logins out.)"""
    if not (sqlite_write and isinstance(handler, AbsenceHandler) and handler.ready_to_write) or \
            _rejected(problems, handler, options):
        return None
    refreshes = handler.result_refreshes()
    if not refreshes:
        return None
    report(0.95, "Samenvattingen berekenen…")
    (refresh,) = refreshes
    stage_started, stage_cpu = time.perf_counter(), time.process_time()
    staged = aggregates.stage_absence(conn, handler.staged_rows_table, handler.gone_ids_table,
                                      refresh.school_ids, refresh.start, refresh.end)
    result.timings["samenvattingen berekenen"] = time.perf_counter() - stage_started
    result.timings["cpu: samenvattingen berekenen"] = time.process_time() - stage_cpu
    return staged


def _rejected(problems: Problems, handler, options: Options) -> bool:
    structural = problems.count and not handler.rows_read
    return problems.count > 0 and (not options.only_valid or structural or _file_level(problems))


def _drop_staging(conn, handler, staged: aggregates.StagedAbsence | None) -> None:
    """The import's temporary tables go with it, also when it failed (the connection goes back to
    the pool)."""
    try:
        if conn.in_transaction():
            conn.rollback()
        with conn.begin():
            handler.drop_staging(conn)
            if staged is not None:
                aggregates.discard_staged(conn, staged)
    except Exception:  # noqa: BLE001 - a failed import's own error is the one to report
        conn.invalidate()  # the pool opens a fresh connection instead (its temp tables die with this one)


def _write_phase(conn, handler, result: ImportResult, problems: Problems, structural_rows: set[int],
                 name: str, options: Options, sqlite_write: bool, read_failed: bool, username, role, origin,
                 report, staged: aggregates.StagedAbsence | None) -> None:
    write_started, write_cpu = time.perf_counter(), time.process_time()
    tx = conn.begin()
    try:
        if sqlite_write:
            # the write lock, for the short swap only; a login meanwhile waits (busy_timeout) briefly
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        report(0.97, "Schrijven…")
        if not read_failed:
            handler.finish(conn)
            if not handler.rows_read and not structural_rows and not problems.count:
                problems.add(Problem(name, None, None, None, "Het bestand bevat geen gegevens: alleen een kopregel."))
        result.timings["schrijven"] = time.perf_counter() - write_started
        # the whole import without the summaries: the figure bench/import_bench.py reports
        result.timings["lezen, controleren en schrijven"] = (
            time.perf_counter() - result.started - result.timings.get("samenvattingen berekenen", 0.0))
        result.timings["cpu: lezen, controleren en schrijven"] = (
            time.process_time() - result.cpu_started - result.timings.get("cpu: samenvattingen berekenen", 0.0))
        if isinstance(handler, AbsenceHandler):
            result.timings["waarvan schrijven"] = handler.write_seconds
        rejected = _rejected(problems, handler, options)
        _collect(result, handler, len(structural_rows))
        if rejected or options.dry_run:
            tx.rollback()
            result.status = (PROEF_AFGEWEZEN if rejected else PROEF_OK) if options.dry_run else AFGEWEZEN
            return
        report(0.98, "Samenvattingen bijwerken…")
        refreshes = handler.result_refreshes() if isinstance(handler, AbsenceHandler) else handler.refreshes
        refresh_started, refresh_cpu = time.perf_counter(), time.process_time()
        _refresh(conn, refreshes, staged)
        result.timings["samenvattingen"] = time.perf_counter() - refresh_started
        result.timings["cpu: samenvattingen"] = time.process_time() - refresh_cpu
        result.refreshes = refreshes
        # the first real import ends demo mode, in this same transaction (data_access/demo_mode.py)
        warning = demo_mode.end(conn, username=username, role=role, origin=origin)
        if warning:
            result.messages.append(warning)
            result.demo_ended = True
        result.status, result.written = GESLAAGD, True
        result.seconds = time.perf_counter() - result.started
        _audit(conn, result, username, role, origin)
        tx.commit()
        # how long other writers waited (SQLite); its CPU time is that wait on an idle machine
        result.timings["schrijfslot"] = time.perf_counter() - write_started
        result.timings["cpu: schrijfslot"] = time.process_time() - write_cpu
    except BaseException:
        if tx.is_active:
            tx.rollback()
        result.written = False
        raise


IMPORT_LOCK_KEY = 0x4C45_4131  # "LEA1": the PostgreSQL advisory lock every import takes
_memory_lock = threading.Lock()


@contextmanager
def import_slot(conn):
    """One import at a time per database: the read phase's view of schools, pupils, codes and
    absence stays true until its write phase (only imports change them). A second import waits."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": IMPORT_LOCK_KEY})
        conn.commit()
        try:
            yield
        finally:
            if conn.in_transaction():
                conn.rollback()
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": IMPORT_LOCK_KEY})
            conn.commit()
        return
    path = sqlite_path(conn.engine.url.render_as_string(hide_password=False))
    if path is None:
        with _memory_lock:
            yield
        return
    with open(path.with_name(path.name + "-import.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _restore_foreign_keys(conn, fk_off: bool) -> None:
    if fk_off:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.commit()


def _file_level(problems: Problems) -> bool:
    """Problems about the file as a whole (not one row) reject even with 'alleen geldige rijen'."""
    return any(p.row is None or p.row == 1 for p in problems.items)


def _collect(result: ImportResult, handler, structural_rows: int) -> None:
    # rows with the wrong number of values never reach the handler, but they were read
    result.rows = handler.rows_read + structural_rows
    result.invalid_rows = handler.invalid_rows + structural_rows
    result.counts = handler.counts
    result.messages = list(handler.messages)
    result.replaced = list(handler.replaced)
    result.preview = handler.preview_frame()
    if isinstance(handler, AbsenceHandler):
        result.unknown_codes = [{k: v for k, v in e.items() if not k.startswith("_")}
                                for e in handler.unknown.values()]
        result.onbekend_rows = handler.onbekend_rows


def _refresh(conn, refreshes: list[Refresh], staged: aggregates.StagedAbsence | None = None) -> None:
    from data_access.summary_state import contact_segment_is_stale

    for r in refreshes:
        if not r.school_ids:
            continue
        if r.what == "absence" and staged is not None:
            aggregates.apply_staged(conn, staged)  # computed before the lock; rebuilt here if stale
        elif r.what == "absence":
            aggregates.refresh_absence(conn, r.school_ids, r.start, r.end)
        else:
            aggregates.refresh_contacts(conn, r.school_ids, r.start, r.end)
    if contact_segment_is_stale(conn):  # a schools import changed a sector or the scope
        aggregates.refresh_contacts(conn)


def _audit(conn, result: ImportResult, username, role, origin) -> None:
    c = result.counts
    details = {
        "file": result.file_name, "sha256": result.sha256, "rows": result.rows,
        "valid_rows": result.valid_rows, "written": result.written,
        "inserted": c.inserted if result.written else 0, "updated": c.updated if result.written else 0,
        "unchanged": c.unchanged, "deleted": c.deleted if result.written else 0,
        "problems": result.problem_count, "result": result.status,
        "options": {k: v for k, v in {
            "dry_run": result.options.dry_run, "only_valid": result.options.only_valid,
            "unknown_codes_as_onbekend": result.options.unknown_as_onbekend,
            "replace_period": result.options.replace_period}.items() if v},
    }
    audit.record(conn, "import", username=username, role=role, object_type="import", object_id=result.kind,
                 result={GESLAAGD: "ok", AFGEWEZEN: "afgewezen"}.get(result.status, "proef"),
                 origin=origin, details=details)
