"""Issue 17, finding 7 / build point 2: a per-origin throttle, so one anonymous client cannot
lock out every account.

After 3 failures from one origin within 15 minutes, each further attempt from that origin must
wait 2, 4, 8 … seconds (capped at 5 minutes) after the origin's previous failure; an attempt
that comes too early is refused with the wait and counts against no account. Times are given
explicitly (``now``), so nothing here depends on the clock. SQLite and PostgreSQL, through the
engine as the app does.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from data_access import auth_rules as rules
from data_access import users
from data_access.models import LoginAttempt

T0 = dt.datetime(2026, 3, 2, 9, 0, 0)
POLICY = rules.LockoutPolicy()  # 5 failures within 15 minutes lock an account for 15 minutes
ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"
ACCOUNTS = ["anna", "bram", "cor", "dina", "eef", "fleur"]


def seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


def right(name: str) -> str:
    return f"geheim-wachtwoord-{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    engine = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    with engine.begin() as conn:
        for name in ACCOUNTS:
            users.create_user(conn, name, name.title(), ["leerplicht"], right(name))
    return engine


def creds(db) -> dict:
    with db.connect() as conn:
        return rules.credentials(conn)


def verify(name: str, password: str) -> bool:
    return password == right(name)  # bcrypt itself is tested elsewhere; this keeps the test fast


def account_failures(db, name: str) -> int:
    with db.connect() as conn:
        return len(conn.execute(select(LoginAttempt.id).where(LoginAttempt.username == name,
                                                              LoginAttempt.success.is_(False))).all())


def test_twenty_failures_from_one_origin_over_six_accounts_lock_none_and_throttle_the_origin(db):
    c = creds(db)
    outcomes = [rules.attempt_login(db, ACCOUNTS[i % 6], "fout", c, verify, POLICY, T0 + seconds(i / 10),
                                    origin=ATTACKER) for i in range(20)]

    # the first three are checked (and fail); the other seventeen come too early: 2 s after the third
    assert [o.status for o in outcomes] == ["mislukt"] * 3 + ["vertraagd"] * 17
    assert all(o.locked_until == T0 + seconds(0.2) + seconds(2) for o in outcomes[3:])
    # only the three checked attempts count against an account: one each for anna, bram, cor
    assert [account_failures(db, name) for name in ACCOUNTS] == [1, 1, 1, 0, 0, 0]
    # so nobody is locked out: every account logs in from another address straight away
    for name in ACCOUNTS:
        assert rules.attempt_login(db, name, right(name), c, verify, POLICY, T0 + seconds(3),
                                   origin=OFFICE).ok, name


def test_the_wait_doubles_per_failure_and_ends_when_it_says(db):
    c = creds(db)

    def attempt(at: dt.timedelta, name="anna", password="fout"):
        return rules.attempt_login(db, name, password, c, verify, POLICY, T0 + at, origin=ATTACKER)

    for i in range(3):  # three failures are free
        assert attempt(seconds(i)).status == "mislukt"
    # failure 3 at 2 s → the next may come 2 s later (at 4 s), not before
    early = attempt(seconds(3.9))
    assert (early.status, early.locked_until) == ("vertraagd", T0 + seconds(4))
    assert attempt(seconds(4), name="bram").status == "mislukt"       # 4th failure at 4 s → wait 4 s
    assert attempt(seconds(7.9), name="bram").locked_until == T0 + seconds(8)
    assert attempt(seconds(8), name="cor").status == "mislukt"        # 5th at 8 s → wait 8 s
    assert attempt(seconds(15.9), name="cor").locked_until == T0 + seconds(16)
    # the right password from the throttled address waits too, and then gets in
    assert attempt(seconds(15.9), name="dina", password=right("dina")).status == "vertraagd"
    assert attempt(seconds(16), name="dina", password=right("dina")).ok
    # refused attempts were not counted: anna 3 (+0), bram 1, cor 1, dina 0 failures
    assert [account_failures(db, n) for n in ["anna", "bram", "cor", "dina"]] == [3, 1, 1, 0]


def test_the_wait_is_capped_and_old_failures_expire(db):
    policy = rules.ThrottlePolicy()
    assert [policy.delay(n).total_seconds() for n in range(0, 12)] == [0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert policy.delay(500) == dt.timedelta(minutes=5)
    c = creds(db)
    for i in range(3):
        rules.attempt_login(db, "anna", "fout", c, verify, POLICY, T0 + seconds(i), origin=ATTACKER)
    # 15 minutes after the failures they no longer count: no wait
    later = T0 + dt.timedelta(minutes=15, seconds=3)
    assert rules.attempt_login(db, "bram", right("bram"), c, verify, POLICY, later, origin=ATTACKER).ok


def test_the_wait_runs_from_the_latest_failure_and_ends_when_it_says():
    """The one doubling wait an origin and an account name share (ThrottlePolicy.waits_until)."""
    policy = rules.ThrottlePolicy()  # after 3 failures the next attempt waits 2 s, after 4 failures 4 s …
    three = [T0 + seconds(5), T0, T0 + seconds(1)]  # in any order: the latest is T0 + 5 s
    assert policy.waits_until(three, T0 + seconds(5)) == T0 + seconds(7)      # 3rd failure: 2 s
    assert policy.waits_until(three, T0 + seconds(6.9)) == T0 + seconds(7)
    assert policy.waits_until(three, T0 + seconds(7)) is None                  # the wait is over
    assert policy.waits_until([*three, T0 + seconds(7)], T0 + seconds(7)) == T0 + seconds(11)  # 4th: 4 s
    assert policy.waits_until(three[:2], T0 + seconds(5)) is None              # two failures are free
    assert policy.waits_until([], T0) is None


def test_a_typed_name_cannot_charge_failures_to_an_address(db):
    c = creds(db)
    victim_key = rules.origin_key(OFFICE)
    for i in range(5):  # the attacker types the victim's key (any case) as the user name
        rules.attempt_login(db, victim_key, "fout", c, verify, POLICY, T0 + seconds(i), origin=ATTACKER + "x")
        rules.attempt_login(db, victim_key.lower(), "fout", c, verify, POLICY, T0 + seconds(i), origin=None)
    with db.connect() as conn:
        assert rules.throttled_until(conn, OFFICE, rules.ThrottlePolicy(), T0 + seconds(5)) is None
    assert rules.attempt_login(db, "anna", right("anna"), c, verify, POLICY, T0 + seconds(6), origin=OFFICE).ok


def test_a_long_origin_gets_a_key_that_fits_the_column():
    key = rules.origin_key("2001:db8::1, " * 20)
    assert len(key) <= 64 and key.startswith("ADRES:sha256:")
    assert rules.origin_key("2001:db8::1") == "ADRES:2001:db8::1"


def test_attempts_spread_over_addresses_wait_per_account_and_are_not_counted_while_waiting(db):
    c = creds(db)

    def attempt(at: float, origin: str, password="fout"):
        return rules.attempt_login(db, "anna", password, c, verify, POLICY, T0 + seconds(at), origin=origin)

    # three addresses, one failure each at 0, 1 and 2 s: all checked (each address is still free)
    assert [attempt(i, f"10.9.0.{i}").status for i in range(3)] == ["mislukt"] * 3
    # a fourth address at 3 s: the account waits 2 s after its third failure (2 s), so until 4 s
    early = attempt(3, "10.9.0.3")
    assert (early.status, early.locked_until) == ("vertraagd", T0 + seconds(4))
    # the right password during the wait is refused the same way, without a password check
    assert attempt(3.5, "10.9.0.4", password=right("anna")).status == "vertraagd"
    assert account_failures(db, "anna") == 3  # the refused attempts were not counted
    # at 4 s a guess is checked again (4th failure), and then the wait is 4 s: until 8 s
    assert attempt(4, "10.9.0.5").status == "mislukt"
    assert attempt(7.9, "10.9.0.6").locked_until == T0 + seconds(8)
    # the fifth failure at 8 s locks the name (lockout policy: five failures)
    assert attempt(8, "10.9.0.7").status == "geblokkeerd"
    # another account is not slowed down by anna's failures
    assert rules.attempt_login(db, "bram", right("bram"), c, verify, POLICY, T0 + seconds(8),
                               origin="10.9.0.8").ok


def test_a_success_ends_the_account_wait(db):
    c = creds(db)
    for i in range(2):
        assert rules.attempt_login(db, "anna", "fout", c, verify, POLICY, T0 + seconds(i),
                                   origin=f"10.9.1.{i}").status == "mislukt"
    assert rules.attempt_login(db, "anna", right("anna"), c, verify, POLICY, T0 + seconds(2), origin="10.9.1.2").ok
    # failures before the success do not count: a typo right after logging in is checked at once
    assert rules.attempt_login(db, "anna", "fout", c, verify, POLICY, T0 + seconds(3),
                               origin="10.9.1.3").status == "mislukt"
