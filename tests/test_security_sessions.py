"""Issue 17, finding 1: every credential change moves the user's session cut-off.

A password change, disabling, enabling, a change of roles and beheer's "alle sessies
beëindigen" each refuse every cookie and open session issued at or before the change — also
after re-enabling — while a login right after the change (even in the same second) is valid.
On SQLite and PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
import io
import secrets

import pytest
from sqlalchemy import select

from data_access import auth_rules as rules
from data_access import cli, users
from data_access.db import get_engine
from data_access.models import AppUser, AuditEvent

KEY = secrets.token_urlsafe(48)
CONFIG = rules.CookieConfig("lea_sessie", KEY, 8.0)
# The moment of the credential change: 0,4 s into a second, so "the same second" has room on both sides.
CHANGE = dt.datetime(2026, 3, 2, 9, 0, 0, 400000)
US = dt.timedelta(microseconds=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    engine = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    with engine.begin() as conn:
        users.create_user(conn, "lotte", "Lotte Leerplicht", ["leerplicht"], "geheim-wachtwoord-1")
        users.create_user(conn, "bea", "Bea Beheer", ["beheer"], "geheim-wachtwoord-2")
    return engine


@pytest.fixture
def at_change(monkeypatch):
    """The credential change happens at CHANGE (the cut-off is taken from auth_rules.utcnow)."""
    monkeypatch.setattr(rules, "utcnow", lambda: CHANGE)


def token_at(moment: dt.datetime) -> str:
    return rules.issue_token("lotte", CONFIG, moment)[0]


def cookie_reason(db, token: str) -> str | None:
    with db.connect() as conn:
        return rules.check_token(conn, token, CONFIG, CHANGE + dt.timedelta(minutes=5)).reason


def open_session_problem(db, issued: dt.datetime) -> str | None:
    """What ui/auth and ui/guard ask on every run of an open session issued at ``issued``."""
    with db.connect() as conn:
        user = users.get_user(conn, "lotte")
    return rules.session_problem(user.active, user.last_logout_at, rules.to_ts(issued))


CHANGES = {
    "wachtwoord": lambda conn: users.set_password(conn, "lotte", "nieuw-geheim-wachtwoord"),
    "uitschakelen_en_weer_inschakelen": lambda conn: (users.set_active(conn, "lotte", False),
                                                       users.set_active(conn, "lotte", True)),
    "inschakelen": lambda conn: users.set_active(conn, "lotte", True),
    "rollen": lambda conn: users.set_roles(conn, "lotte", ["lea"]),
    "alle_sessies_beeindigen": lambda conn: users.end_all_sessions(conn, "lotte"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_credential_change_refuses_every_cookie_and_session_issued_before_it(db, at_change, change):
    before = CHANGE - dt.timedelta(hours=1)
    old_cookie = token_at(before)
    assert cookie_reason(db, old_cookie) is None and open_session_problem(db, before) is None
    with db.begin() as conn:
        CHANGES[change](conn)
    assert cookie_reason(db, old_cookie) == "na_uitloggen"
    assert open_session_problem(db, before) == "na_uitloggen"
    # the account itself still works: a login after the change is valid
    assert cookie_reason(db, token_at(CHANGE + dt.timedelta(seconds=2))) is None
    assert open_session_problem(db, CHANGE + dt.timedelta(seconds=2)) is None


def test_re_enabling_does_not_revive_a_cookie_from_before_the_disable(db, monkeypatch):
    old_cookie = token_at(CHANGE - dt.timedelta(hours=1))
    monkeypatch.setattr(rules, "utcnow", lambda: CHANGE)
    with db.begin() as conn:
        users.set_active(conn, "lotte", False)
    assert cookie_reason(db, old_cookie) == "gebruiker_uitgeschakeld"
    monkeypatch.setattr(rules, "utcnow", lambda: CHANGE + dt.timedelta(minutes=1))
    with db.begin() as conn:
        users.set_active(conn, "lotte", True)
    assert cookie_reason(db, old_cookie) == "na_uitloggen"


def test_the_cut_off_keeps_microseconds_so_a_login_in_the_same_second_after_a_change_is_valid(db, at_change):
    with db.begin() as conn:
        users.set_password(conn, "lotte", "nieuw-geheim-wachtwoord")
    with db.connect() as conn:
        stored = conn.execute(select(AppUser.last_logout_at).where(AppUser.username == "lotte")).scalar_one()
    assert stored == CHANGE  # 09:00:00.400000, not rounded to the second
    # issued 0,3 s before the change, in the same second: refused
    assert cookie_reason(db, token_at(CHANGE - dt.timedelta(milliseconds=300))) == "na_uitloggen"
    # issued at the very moment of the change: refused ("at or before")
    assert cookie_reason(db, token_at(CHANGE)) == "na_uitloggen"
    # issued one microsecond and 0,5 s after the change, both in the same second: valid
    assert cookie_reason(db, token_at(CHANGE + US)) is None
    assert cookie_reason(db, token_at(CHANGE + dt.timedelta(milliseconds=500))) is None
    assert open_session_problem(db, CHANGE + US) is None
    assert open_session_problem(db, CHANGE) == "na_uitloggen"
    # the token really carries the sub-second issue time
    with db.connect() as conn:
        issued = rules.check_token(conn, token_at(CHANGE + US), CONFIG, CHANGE).issued_at
    assert issued == rules.to_ts(CHANGE + US) and issued > rules.to_ts(CHANGE)


def test_saving_the_same_roles_again_ends_no_session(db, at_change):
    before = CHANGE - dt.timedelta(hours=1)
    with db.begin() as conn:
        users.set_roles(conn, "lotte", ["leerplicht"])
    assert open_session_problem(db, before) is None


def test_a_refused_change_moves_nothing(db, at_change):
    before = CHANGE - dt.timedelta(hours=1)
    with pytest.raises(users.UserError), db.begin() as conn:
        users.set_password(conn, "lotte", "kort")
    with pytest.raises(users.UserError), db.begin() as conn:
        users.end_all_sessions(conn, "niemand")
    assert open_session_problem(db, before) is None


# --- the command line ----------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request):
    if request.param == "sqlite":
        request.getfixturevalue("engine")  # the file exists (lea init); a missing one is refused
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def lea(url: str, *args: str) -> int:
    return cli.main(["user", *args, "--database-url", url])


def test_lea_user_password_and_end_sessions_refuse_a_cookie_from_before(url, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("een-lang-wachtwoord\n"))
    assert lea(url, "add", "lotte", "--name", "Lotte", "--roles", "leerplicht", "--password-stdin") == 0
    engine = get_engine(url)
    first = token_at(rules.utcnow())
    with engine.connect() as conn:
        assert rules.check_token(conn, first, CONFIG).ok

    monkeypatch.setattr("sys.stdin", io.StringIO("nog-een-lang-wachtwoord\n"))
    assert lea(url, "password", "lotte", "--password-stdin") == 0
    assert "alle sessies van deze gebruiker zijn beëindigd" in capsys.readouterr().out
    second = token_at(rules.utcnow())
    with engine.connect() as conn:
        assert rules.check_token(conn, first, CONFIG).reason == "na_uitloggen"
        assert rules.check_token(conn, second, CONFIG).ok

    assert lea(url, "end-sessions", "lotte") == 0
    with engine.connect() as conn:
        assert rules.check_token(conn, second, CONFIG).reason == "na_uitloggen"
        actions = [(r.action, r.object_id, r.role) for r in
                   conn.execute(select(AuditEvent.__table__).order_by(AuditEvent.id))]
    assert actions[-2:] == [("wachtwoord_gewijzigd", "lotte", "cli"), ("sessies_ingetrokken", "lotte", "cli")]
    assert lea(url, "end-sessions", "niemand") == 1
    assert "Gebruiker niemand bestaat niet." in capsys.readouterr().err


# --- /beheer: "Alle sessies beëindigen" ------------------------------------------------------


def test_beheer_ends_all_sessions_of_a_user_and_it_is_audited(demo_copy_url, app_env, monkeypatch, tmp_path):
    import time
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LEA_SECRETS_FILE", str(tmp_path / "geen-secrets.toml"))
    app_env(demo_copy_url)
    engine = get_engine(demo_copy_url)
    with engine.connect() as conn:
        assert users.get_user(conn, "leerplicht").last_logout_at is None
    opened = rules.to_ts(rules.utcnow())  # an open session of leerplicht, issued before

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=90)
    at.session_state["lea_username"] = "beheer"
    at.session_state["lea_auth_at"] = time.time()
    at.run()
    at.switch_page("pages/beheer.py").run()
    assert not at.exception
    at.selectbox(key="user_sessions_target").select("leerplicht")
    at.button(key="user_sessions_submit").click().run()
    assert "Alle sessies van leerplicht zijn beëindigd." in [s.value for s in at.success]

    with engine.connect() as conn:
        user = users.get_user(conn, "leerplicht")
        row = conn.execute(select(AuditEvent.__table__).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert rules.session_problem(user.active, user.last_logout_at, opened) == "na_uitloggen"
    assert (row.action, row.username, row.role, row.object_type, row.object_id, row.result) == (
        "sessies_ingetrokken", "beheer", "beheer", "gebruiker", "leerplicht", "ok")
