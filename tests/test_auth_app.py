"""Login page, logout and start-up checks through AppTest (the browser flows are in test_auth_browser)."""
from __future__ import annotations

import secrets
import time
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from data_access import users
from data_access.models import AppUser, AuditEvent, Setting

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PASSWORD = "een-lang-wachtwoord"


def app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=60)


@pytest.fixture
def secrets_file(tmp_path, monkeypatch):
    """Write the app's secrets.toml for this test (never the developer's own)."""
    path = tmp_path / "secrets.toml"
    monkeypatch.setenv("LEA_SECRETS_FILE", str(path))

    def write(text: str) -> Path:
        path.write_text(text)
        return path

    return write


@pytest.fixture
def site(engine, sqlite_url, app_env, secrets_file):
    """A non-demo database with one account per role, and a strong cookie key."""
    with engine.begin() as conn:
        for role in ("portefeuillehouder", "lea", "leerplicht", "beheer"):
            users.create_user(conn, role, f"Naam {role}", [role], PASSWORD)
    secrets_file(f'[auth_cookie]\nkey = "{secrets.token_urlsafe(48)}"\n')
    app_env(sqlite_url)
    return engine


def login(at, username: str, password: str):
    at.text_input(key="lea_login_username").input(username)
    at.text_input(key="lea_login_password").input(password)
    return at.button[0].click().run()


# --- start-up -------------------------------------------------------------------------------


@pytest.mark.parametrize(("secrets_text", "reason"), [
    ("", "de cookiesleutel ontbreekt"),
    ('[auth_cookie]\nkey = "kort-en-zwak"\n', "de cookiesleutel is te kort"),
    (None, "de cookiesleutel is een voorbeeldsleutel"),
])
def test_outside_demo_mode_a_missing_short_or_example_key_stops_the_app(
        engine, sqlite_url, app_env, secrets_file, secrets_text, reason):
    if secrets_text is None:
        secrets_text = (ROOT / ".streamlit" / "secrets.toml.example").read_text()
    secrets_file(secrets_text)
    with engine.begin() as conn:
        users.create_user(conn, "bea", "Bea", ["beheer"], PASSWORD)
    app_env(sqlite_url)
    at = app().run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith(f"Het LEA-dashboard start niet: {reason}")
    assert "secrets.token_urlsafe(48)" in at.error[0].value
    assert not at.text_input and not at.sidebar.children  # no login form, no navigation
    at.session_state["lea_username"] = "bea"  # not even with a session
    at.session_state["lea_auth_at"] = time.time()
    at.run()
    assert [t.value for t in at.title] == ["LEA-dashboard"] and at.error and not at.sidebar.children


def test_demo_mode_makes_a_random_key_on_first_use(engine, sqlite_url, app_env, secrets_file):
    secrets_file("")
    with engine.begin() as conn:
        conn.execute(insert(Setting).values(key="demo", value="1"))
    app_env(sqlite_url)
    at = app().run()
    assert not at.exception and not at.error
    assert [t.label for t in at.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    key_file = Path(sqlite_url.split("///", 1)[1] + ".sleutel")  # outside the database (issue 17 #6)
    key = key_file.read_text().strip()
    assert key and len(key) >= 43 and key_file.stat().st_mode & 0o777 == 0o600
    with engine.connect() as conn:
        assert conn.execute(select(Setting.value).where(Setting.key == "cookie_key")).scalar() is None
    app().run()
    assert key_file.read_text().strip() == key  # the same key on the next run: sessions survive a restart


# --- login and logout ---------------------------------------------------------------------


def test_the_login_form_is_dutch_and_logs_in(site):
    at = app().run()
    assert [t.value for t in at.title] == ["LEA-dashboard"]
    assert [t.label for t in at.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    assert [b.label for b in at.button] == ["Inloggen"]
    login(at, "Leerplicht ", PASSWORD)  # user names are case- and space-insensitive, as in the library
    assert not at.exception and not at.error
    assert at.session_state["lea_username"] == "leerplicht"
    assert at.session_state["authentication_status"] is True  # streamlit-authenticator's state too
    assert "Ingelogd als **Naam leerplicht** (leerplichtambtenaar)" in [c.value for c in at.sidebar.caption]
    assert at.session_state["lea_pending_cookie"][1]  # the cookie to set in the browser


def test_a_wrong_password_shows_one_message_and_logs_nothing_in(site):
    at = app().run()
    login(at, "leerplicht", "fout-wachtwoord")
    assert [e.value for e in at.error] == ["Inloggen mislukt: gebruikersnaam of wachtwoord onjuist."]
    assert "lea_username" not in at.session_state
    assert at.text_input(key="lea_login_password").value == ""  # the password is not kept
    login(at, "niemand", "fout-wachtwoord")
    assert [e.value for e in at.error] == ["Inloggen mislukt: gebruikersnaam of wachtwoord onjuist."]


def test_lockout_after_five_failures_in_a_new_session_too(site):
    at = app().run()
    for i in range(5):
        login(at, "lea", f"fout-{i}")
    assert at.error[0].value == ("Te veel mislukte pogingen: inloggen met deze gebruikersnaam is tijdelijk "
                                 "geblokkeerd. Probeer het over 15 minuten opnieuw of neem contact op met "
                                 "functioneel beheer.")
    fresh = app().run()  # another session (AppTest instances share nothing but the database)
    login(fresh, "lea", PASSWORD)
    assert fresh.error[0].value.startswith("Te veel mislukte pogingen")
    assert "lea_username" not in fresh.session_state


def test_lockout_limits_are_configurable(site, secrets_file):
    secrets_file(f'[auth_cookie]\nkey = "{secrets.token_urlsafe(48)}"\n[login]\nmax_failures = 2\n')
    at = app().run()
    login(at, "lea", "fout-1")
    assert at.error[0].value.startswith("Inloggen mislukt")
    login(at, "lea", "fout-2")
    assert at.error[0].value.startswith("Te veel mislukte pogingen")


def test_logout_ends_the_session_everywhere(site):
    first, second = app().run(), app().run()
    login(first, "beheer", PASSWORD)
    login(second, "beheer", PASSWORD)
    first.button(key="lea_logout").click().run()
    assert [t.label for t in first.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    assert "U bent uitgelogd." in [i.value for i in first.info]
    assert first.session_state["lea_pending_cookie_del"]  # the browser cookie is deleted too
    with site.connect() as conn:
        assert conn.execute(select(AppUser.last_logout_at).where(AppUser.username == "beheer")).scalar()
    second.run()  # the other session was started before the logout: it ends on its next click
    assert [t.label for t in second.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    assert "Uw sessie is beëindigd. Log opnieuw in." in [i.value for i in second.info]
    login(second, "beheer", PASSWORD)  # a new login after the logout works
    assert second.session_state["lea_username"] == "beheer"
    with site.connect() as conn:
        actions = conn.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert actions == ["inloggen", "inloggen", "uitloggen", "sessie_beeindigd", "inloggen"]
