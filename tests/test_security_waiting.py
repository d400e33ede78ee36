"""Issue 17, build points 2 and 9 (UI side), through AppTest: the per-address throttle's message,
and database trouble on the login paths shown as a Dutch message, never a traceback.

- read-only: the app's connections are made read-only (SQLite ``PRAGMA query_only``, what a
  read-only file or replica answers: "attempt to write a readonly database"); running as root,
  chmod 0444 would not stop the writes.
- write-locked: another connection holds ``BEGIN IMMEDIATE`` (as a long import does); the
  login waits out SQLite's busy timeout (data_access/db.py, 10 s), then says to wait, and
  works once the lock is released.
"""
from __future__ import annotations

import secrets
import sqlite3

import pytest
from sqlalchemy import event, select

from data_access import users
from data_access.models import AuditEvent, LoginAttempt

PASSWORD = "een-lang-wachtwoord"
BUSY = ("De database is even bezet (er loopt waarschijnlijk een import) — probeer het over een paar "
        "seconden opnieuw.")
UNAVAILABLE = ("De database is op dit moment niet bereikbaar of alleen-lezen, dus inloggen lukt nu niet. "
               "Probeer het over enkele minuten opnieuw; blijft dit zo, neem dan contact op met de "
               "functioneel beheerder.")


def app():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=90)


@pytest.fixture
def site(engine, sqlite_url, app_env, tmp_path, monkeypatch):
    with engine.begin() as conn:
        for role in ("lea", "leerplicht", "beheer"):
            users.create_user(conn, role, f"Naam {role}", [role], PASSWORD)
    path = tmp_path / "secrets.toml"
    path.write_text(f'[auth_cookie]\nkey = "{secrets.token_urlsafe(48)}"\n')
    monkeypatch.setenv("LEA_SECRETS_FILE", str(path))
    app_env(sqlite_url)
    return engine


def login(at, username: str, password: str):
    at.text_input(key="lea_login_username").input(username)
    at.text_input(key="lea_login_password").input(password)
    return at.button(key="FormSubmitter:lea_login-Inloggen").click().run()


def app_engine():
    from ui.db import engine

    return engine()


def make_read_only(eng) -> None:
    """Every new connection of the app's engine refuses writes; the pooled ones are dropped."""
    event.listen(eng, "connect", lambda dbapi_conn, _record: dbapi_conn.execute("PRAGMA query_only=ON"))
    eng.dispose()


def errors(at) -> list[str]:
    return [e.value for e in at.error]


# --- per-address throttle ---------------------------------------------------------------------


def test_a_fourth_failure_from_one_address_is_told_to_wait_and_counts_against_no_account(site, monkeypatch):
    monkeypatch.setattr("ui.auth.origin", lambda: "203.0.113.9")
    at = app().run()
    for name in ("lea", "leerplicht", "beheer"):
        login(at, name, "fout")
        assert errors(at) == ["Inloggen mislukt: gebruikersnaam of wachtwoord onjuist."]
    login(at, "lea", PASSWORD)  # even the right password: this address waits now (2 s)
    assert len(errors(at)) == 1
    assert errors(at)[0] in {f"Te veel inlogpogingen kort na elkaar; probeer het over {n} seconden opnieuw."
                             for n in (1, 2)}
    assert "lea_username" not in at.session_state
    with site.connect() as conn:
        rows = conn.execute(select(AuditEvent.result, AuditEvent.object_id, AuditEvent.origin)
                            .where(AuditEvent.action == "inloggen").order_by(AuditEvent.id)).all()
        lea_failures = conn.execute(select(LoginAttempt.id).where(LoginAttempt.username == "lea",
                                                                  LoginAttempt.success.is_(False))).all()
    assert [tuple(r) for r in rows] == [("mislukt", "lea", "203.0.113.9"), ("mislukt", "leerplicht", "203.0.113.9"),
                                        ("mislukt", "beheer", "203.0.113.9"), ("vertraagd", "lea", "203.0.113.9")]
    assert len(lea_failures) == 1  # the refused attempt did not count against 'lea'
    monkeypatch.setattr("ui.auth.origin", lambda: "198.51.100.20")  # another address: straight in
    login(at, "lea", PASSWORD)
    assert not errors(at) and at.session_state["lea_username"] == "lea"


# --- database errors on the login paths ----------------------------------------------------


def test_a_read_only_database_at_login_gives_a_dutch_message(site):
    at = app().run()
    make_read_only(app_engine())
    login(at, "leerplicht", PASSWORD)
    assert not at.exception
    assert errors(at) == [UNAVAILABLE]
    assert "lea_username" not in at.session_state
    assert [t.label for t in at.text_input] == ["Gebruikersnaam", "Wachtwoord"]  # the form stays to retry


def test_a_read_only_database_at_logout_logs_this_browser_out_and_says_what_still_runs(site):
    at = app().run()
    login(at, "beheer", PASSWORD)
    assert at.session_state["lea_username"] == "beheer"
    make_read_only(app_engine())
    at.button(key="lea_logout").click().run()
    assert not at.exception and not at.error
    assert "lea_username" not in at.session_state
    assert [w.value for w in at.warning][-1].startswith("U bent in deze browser uitgelogd, maar de database")


def test_a_write_locked_database_at_login_says_wait_and_the_next_try_works(site, sqlite_url):
    at = app().run()
    holder = sqlite3.connect(sqlite_url.split("///", 1)[1], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # what a long import holds: the one SQLite write lock
    try:
        login(at, "leerplicht", PASSWORD)  # waits out the busy timeout, then is told to wait
        assert not at.exception
        assert errors(at) == [BUSY]
        assert "lea_username" not in at.session_state
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    login(at, "leerplicht", PASSWORD)
    assert not at.exception and not at.error
    assert at.session_state["lea_username"] == "leerplicht"


def test_a_locked_database_at_the_cookie_check_says_wait_and_checks_the_cookie_again(site, monkeypatch):
    from sqlalchemy.exc import OperationalError

    calls = []

    def locked(_config):
        calls.append(1)
        raise OperationalError("SELECT …", {}, Exception("database is locked"))

    monkeypatch.setattr("ui.auth._user_from_cookie", locked)
    at = app().run()
    assert not at.exception
    assert errors(at) == [BUSY]
    assert not at.text_input  # no login form under the message: the cookie may still be valid
    assert at.session_state["lea_cookie_checked"] is False
    monkeypatch.setattr("ui.auth._user_from_cookie", lambda _config: None)
    at.run()  # the next run checks the cookie again (there is none here: the login form)
    assert calls == [1] and not at.error
    assert [t.label for t in at.text_input] == ["Gebruikersnaam", "Wachtwoord"]
