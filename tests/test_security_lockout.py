"""Issue 17, finding 2: a lockout that counts every attempt, also parallel ones.

Each attempt is written and committed before its password is checked, so N parallel attempts
cannot each see fewer than five failures. The race is made deterministic without timing: the
wrong guesses that reach their password check are held there until the right password has
been tried, which is exactly the window the old check → bcrypt → record order left open.
On SQLite and PostgreSQL, each attempt through the engine (its own connections), as the app does.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from data_access import auth_rules as rules
from data_access import users
from data_access.models import LoginAttempt

RIGHT = "geheim-wachtwoord-1"
POLICY = rules.LockoutPolicy()  # 5 failures within 15 minutes lock for 15 minutes
WRONG = 19


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    engine = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    with engine.begin() as conn:
        users.create_user(conn, "lotte", "Lotte Leerplicht", ["leerplicht"], RIGHT)
    return engine


def attempts(db) -> list[bool]:
    with db.connect() as conn:
        return list(conn.execute(select(LoginAttempt.success).where(LoginAttempt.username == "lotte")).scalars())


def test_twenty_parallel_logins_with_the_right_password_last_end_locked_and_refuse_it(db):
    with db.connect() as conn:
        creds = rules.credentials(conn)
    arrived: set[int] = set()  # wrong attempts that reached their password check or finished
    changed = threading.Condition()
    right_tried = threading.Event()
    checked_wrong = []  # wrong guesses whose password was really checked

    def arrive() -> None:
        with changed:
            arrived.add(threading.get_ident())
            changed.notify_all()

    def verify(name: str, password: str) -> bool:
        if password == RIGHT:
            return True
        checked_wrong.append(password)
        arrive()
        right_tried.wait()  # the guess stays "in bcrypt" until the right password was tried
        return False

    start = threading.Barrier(WRONG)

    def wrong(i: int) -> rules.LoginOutcome:
        start.wait()
        try:
            return rules.attempt_login(db, "lotte", f"fout-{i}", creds, verify, POLICY)
        finally:
            arrive()

    def right() -> rules.LoginOutcome:
        try:
            with changed:
                changed.wait_for(lambda: len(arrived) == WRONG)
            return rules.attempt_login(db, "Lotte", RIGHT, creds, verify, POLICY)
        finally:
            right_tried.set()

    with ThreadPoolExecutor(max_workers=WRONG + 1) as pool:
        wrong_runs = [pool.submit(wrong, i) for i in range(WRONG)]
        right_run = pool.submit(right)
        outcomes = [f.result() for f in wrong_runs]
        last = right_run.result()

    assert last.status == "geblokkeerd" and not last.ok
    assert not any(o.ok for o in outcomes)
    # never more guesses than the policy allows (often none: each saw five others already written)
    assert len(checked_wrong) <= POLICY.max_failures
    # each wrong attempt that was not refused by a lockout already in place is a failure row
    # (how many were refused before being written depends on the interleaving); the right one,
    # refused during the lockout, is not counted
    rows = attempts(db)
    assert POLICY.max_failures <= len(rows) <= WRONG and not any(rows)
    with db.connect() as conn:
        assert rules.locked_until(conn, "lotte", POLICY) is not None
    # and afterwards the right password is still refused, one at a time as well
    assert rules.attempt_login(db, "lotte", RIGHT, creds, verify, POLICY).status == "geblokkeerd"


def test_an_attempt_is_recorded_before_its_password_is_checked(db):
    """While bcrypt runs, the attempt is already a committed failure that others count."""
    with db.connect() as conn:
        creds = rules.credentials(conn)
    seen = []

    def verify(name: str, password: str) -> bool:
        seen.append(attempts(db))  # another connection, while the password is being checked
        return password == RIGHT

    assert rules.attempt_login(db, "lotte", "fout", creds, verify, POLICY).status == "mislukt"
    assert rules.attempt_login(db, "lotte", RIGHT, creds, verify, POLICY).ok
    assert seen == [[False], [False, False]]
    assert sorted(attempts(db)) == [False, True]  # the right one was marked a success afterwards


@pytest.mark.parametrize("name, password, locked", [
    ("lotte", "fout", False), ("lotte", "", False), ("niemand", "fout", False), ("niemand", "", False),
    ("lotte", RIGHT, True), ("niemand", "", True),
])
def test_every_path_spends_exactly_one_bcrypt_check(db, monkeypatch, name, password, locked):
    """Known or unknown name, empty or not, locked or not: one bcrypt check each, so the clock
    cannot tell them apart (counted, not timed)."""
    with db.connect() as conn:
        creds = rules.credentials(conn)
    if locked:
        for i in range(POLICY.max_failures):
            rules.attempt_login(db, name, f"fout-{i}", creds, lambda n, p: False, POLICY)
    checks = []
    monkeypatch.setattr(rules, "equalise_timing", lambda secret: checks.append("dummy"))

    def verify(n: str, p: str) -> bool:
        checks.append("echt")
        return p == RIGHT

    outcome = rules.attempt_login(db, name, password, creds, verify, POLICY)
    assert len(checks) == 1
    assert outcome.status == ("geblokkeerd" if locked else "mislukt")
    assert checks == (["echt"] if (name, password, locked) in {("lotte", "fout", False)} else ["dummy"])
    with db.connect() as conn:
        failures = conn.execute(select(func.count()).select_from(LoginAttempt)
                                .where(LoginAttempt.success.is_(False))).scalar()
    assert failures == POLICY.max_failures if locked else failures == 1
