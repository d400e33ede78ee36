"""Issue 17 #9 (finding 10, data side): waiting is not crashing.

A long import reads, validates and stages its rows, and computes its summaries, without the
database's write lock, so a login (a counted attempt and its audit row) during that part succeeds
at once; only the short final swap holds the lock, and a login then waits — or, when it gives up, gets the Dutch "even
wachten" message. The import is held at a chosen point through its progress callback (events,
no sleeps), and the logins use a short lock timeout, so the old single long write transaction
would make them fail.

Also: a SQLite path that does not exist is refused with its name instead of being made empty.
"""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from data_access import audit, users
from data_access.db import BUSY_MESSAGE, MissingDatabase, busy_message, get_engine, make_engine
from data_access.models import Absence, AuditEvent, LoginAttempt
from fixtures.imports import TODAY, imp, impatient_engine, load_base, log_in

PUPILS = 2000
DAYS = 150     # weekdays from 4 September 2023: 2.000 × 150 = 300.000 absence rows (6,6 MB)
PASSWORD = "geheim-wachtwoord-1"


def school_days() -> list[dt.date]:
    days, day = [], dt.date(2023, 9, 4)
    while len(days) < DAYS:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def big_absence_file() -> bytes:
    lines = ["datum;pseudoniem;uren;code"]
    lines += [f"{day:%d-%m-%Y};P{i:05d};1;A" for i in range(PUPILS) for day in school_days()]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def big(engine, sqlite_url):
    load_base(engine)
    pupils = "pseudoniem;voornaam;achternaam;geboortedatum;vestigingsnummer;groep;schooljaar\n" + "".join(
        f"P{i:05d};Voor;Naam;01-01-2014;99ZZ00;5;2023/24\n" for i in range(PUPILS))
    assert imp(engine, "leerlingen", pupils).ok
    with engine.begin() as conn:
        users.create_user(conn, "lotte", "Lotte Leerplicht", ["leerplicht"], PASSWORD)
    return engine


def run_held(engine, hold_at: str):
    """Start the big import in a thread; it stops at the first progress message containing
    ``hold_at`` until ``release`` is set. Returns (thread, release, outcome)."""
    held, release, outcome = threading.Event(), threading.Event(), {}

    def progress(_fraction: float, message: str) -> None:
        if hold_at in message and not held.is_set():
            held.set()
            release.wait(120)

    def work():
        try:
            outcome["result"] = _import(engine, progress)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            outcome["error"] = exc
        finally:
            held.set()

    thread = threading.Thread(target=work)
    thread.start()
    assert held.wait(120)
    return thread, release, outcome


def _import(engine, progress):
    from data_access.importers import Options, run_import

    return run_import(engine, "verzuim", big_absence_file(), file_name="verzuim-groot.csv",
                      options=Options(today=TODAY), username="tester", role="beheer", progress=progress)


def absence_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Absence)).scalar()


def test_a_login_while_a_large_import_is_read_and_checked_succeeds_at_once(big, sqlite_url):
    thread, release, outcome = run_held(big, "rijen gecontroleerd")  # after the first of two blocks
    impatient = impatient_engine(sqlite_url)
    try:
        assert "error" not in outcome
        assert log_in(impatient, "lotte", PASSWORD).ok  # would be 'database is locked' under one long write transaction
        assert absence_rows(big) == 0  # nothing of the import is visible yet: all or nothing
    finally:
        release.set()
        thread.join(300)
        impatient.dispose()
    assert "error" not in outcome, outcome.get("error")
    result = outcome["result"]
    assert result.ok and result.counts.inserted == PUPILS * DAYS
    assert absence_rows(big) == PUPILS * DAYS
    with big.connect() as conn:
        assert conn.execute(select(func.count()).select_from(LoginAttempt)
                            .where(LoginAttempt.username == "lotte", LoginAttempt.success)).scalar() == 1
        assert conn.execute(select(AuditEvent.result).where(AuditEvent.action == audit.LOGIN)).scalars().all() == ["ok"]


def test_a_login_during_the_final_apply_waits_or_is_told_to_wait_in_dutch(big, sqlite_url):
    # held inside the write transaction, after the rows were applied, before the staged summaries
    # are swapped in (tests/test_import_staged_summaries.py probes every phase on a small file)
    thread, release, outcome = run_held(big, "Samenvattingen bijwerken")
    impatient = impatient_engine(sqlite_url)
    waiting: dict[str, object] = {}

    def patient_login():  # the app's own engine waits for the lock (busy timeout 10 s)
        waiting["outcome"] = log_in(big, "lotte", PASSWORD)

    try:
        with pytest.raises(OperationalError) as locked:
            log_in(impatient, "lotte", PASSWORD)
        assert busy_message(locked.value) == BUSY_MESSAGE
        assert "Even wachten" in BUSY_MESSAGE
        patient = threading.Thread(target=patient_login)
        patient.start()
    finally:
        release.set()
        thread.join(300)
        impatient.dispose()
    patient.join(60)
    assert "error" not in outcome and outcome["result"].ok
    assert waiting["outcome"].ok  # it waited for the apply and then logged in


def test_a_rejected_large_import_leaves_nothing_and_drops_its_staging(big):
    data = big_absence_file() + b"31-12-2023;P00001;30;A\n"  # one impossible row at the very end
    from data_access.importers import Options, run_import

    result = run_import(big, "verzuim", data, file_name="kapot.csv", options=Options(today=TODAY))
    assert not result.ok and result.status == "afgewezen"
    assert absence_rows(big) == 0


def test_busy_message_only_for_locks():
    assert busy_message(OperationalError("INSERT", {}, Exception("database is locked"))) == BUSY_MESSAGE
    assert busy_message(OperationalError("SELECT", {}, Exception("no such table: x"))) is None
    assert busy_message(ValueError("database is locked")) is None


def test_a_sqlite_path_that_does_not_exist_is_refused_with_its_name(tmp_path):
    missing = tmp_path / "tikfout" / "lea.sqlite"
    with pytest.raises(MissingDatabase) as refused:
        make_engine(f"sqlite:///{missing}")
    assert str(missing) in str(refused.value) and "bestaat niet" in str(refused.value)
    with pytest.raises(MissingDatabase):
        get_engine(f"sqlite:///{missing}")
    assert not missing.exists() and not missing.parent.exists()
    eng = make_engine(f"sqlite:///{missing}", create=True)  # lea init, lea demo: on purpose
    with eng.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    eng.dispose()
    assert missing.exists()
    make_engine(f"sqlite:///{missing}").dispose()  # now it exists


def test_postgresql_an_import_as_the_app_role_writes_everything_and_frees_its_lock(pg_engine, pg_url):
    """The app connects as lea_app (migration 0007): staging tables, the apply, the summaries
    and the audit row need nothing more; the advisory lock that keeps imports one at a time is
    released, so the next import runs."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from data_access.importers import Options, run_import
    from data_access.importers.run import IMPORT_LOCK_KEY

    app = make_engine(make_url(pg_url).set(username="lea_app").render_as_string(hide_password=False))
    try:
        load_base(app)
        data = "datum;pseudoniem;uren;code\n02-10-2023;LL01;2;A\n03-10-2023;LL02;1;ZI\n".encode()
        first = run_import(app, "verzuim", data, file_name="v.csv", options=Options(today=TODAY))
        again = run_import(app, "verzuim", data, file_name="v.csv", options=Options(today=TODAY))
        assert first.ok and first.counts.inserted == 2
        assert again.ok and again.counts.inserted == 0 and again.counts.unchanged == 2
        assert absence_rows(app) == 2
        with app.connect() as conn:
            held = conn.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :k"),
                                {"k": IMPORT_LOCK_KEY}).scalar()
        assert held == 0
    finally:
        app.dispose()
