"""Single sign-on: with [auth] in secrets, st.login replaces the password form; the account is
the app_user with the same e-mail address; an unknown address gets no access and is audited."""
from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from data_access import access, auth_rules, users
from data_access.models import AppUser, AuditEvent, School, Setting

ROOT = Path(__file__).resolve().parent.parent
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": secrets.token_urlsafe(32),
    "microsoft": {
        "client_id": "lea-dashboard",
        "client_secret": "x",
        "server_metadata_url": "https://login.microsoftonline.com/tenant/v2.0/.well-known/openid-configuration",
    },
}


@pytest.fixture
def site(engine, sqlite_url, app_env, monkeypatch, tmp_path):
    monkeypatch.setenv("LEA_SECRETS_FILE", str(tmp_path / "geen-secrets.toml"))
    with engine.begin() as conn:
        conn.execute(insert(Setting).values(key="demo", value="1"))
        # one school, so the pages are the pages (an empty database shows "Nog geen gegevens")
        conn.execute(insert(School).values(vestigingsnummer="01AA00", brin="01AA", name="De Esdoorn", sector="BAO"))
        users.create_user(conn, "lotte", "Lotte Leerplicht", ["leerplicht"], None, email="Lotte@Gemeente.example")
        users.create_user(conn, "oud", "Oud Account", ["lea"], None, email="oud@gemeente.example", active=False)
    app_env(sqlite_url)
    return engine


def app(user: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = user
    return at


def audit_rows(eng) -> list:
    with eng.connect() as conn:
        return conn.execute(select(AuditEvent.__table__).order_by(AuditEvent.id)).all()


def test_the_password_form_is_replaced_by_the_sso_button(site):
    at = app({"is_logged_in": False}).run()
    assert not at.exception
    assert not at.text_input  # no password form
    assert [b.label for b in at.button] == ["Inloggen met Microsoft"]


def test_a_known_email_logs_in_with_the_roles_from_the_database(site):
    at = app({"is_logged_in": True, "email": "lotte@gemeente.example", "iat": time.time()}).run()
    assert not at.exception
    assert at.session_state["lea_username"] == "lotte"
    at.switch_page("pages/jongeren.py")  # registered: leerplicht's navigation
    for key in access.PAGES:
        if "leerplicht" not in access.PAGES[key]["roles"]:
            with pytest.raises(ValueError):
                at.switch_page(f"pages/{key}.py")
    [row] = audit_rows(site)
    assert (row.action, row.username, row.object_id, row.result, json.loads(row.details)) == \
        ("inloggen", "lotte", "lotte", "ok", {"methode": "sso"})


@pytest.mark.parametrize(("email", "reason"), [("vreemde@elders.example", "onbekend_email"),
                                               ("oud@gemeente.example", "gebruiker_uitgeschakeld"),
                                               (None, "onbekend_email")])
def test_an_unknown_or_disabled_account_gets_no_access_and_is_audited(site, email, reason):
    at = app({"is_logged_in": True, "email": email, "iat": time.time()}).run()
    assert not at.exception
    assert "lea_username" not in at.session_state
    assert at.error[0].value.startswith("Uw account heeft geen toegang tot het LEA-dashboard")
    assert [b.label for b in at.button] == ["Uitloggen"]
    for key in access.PAGES:
        with pytest.raises(ValueError):
            at.switch_page(f"pages/{key}.py")
    at.run()  # audited once per session, not on every click
    [row] = audit_rows(site)
    details = json.loads(row.details)
    assert (row.action, row.username, row.result, details["methode"], details["reden"]) == \
        ("inloggen", None, "geweigerd", "sso", reason)
    blob = " ".join(str(v) for v in row if v is not None)
    assert (email or "@") not in blob  # the address itself is not stored, at most its domain


def test_logout_ends_the_sso_session_and_an_older_identity_is_refused(site):
    issued = time.time()
    at = app({"is_logged_in": True, "email": "lotte@gemeente.example", "iat": issued}).run()
    at.button(key="lea_logout").click().run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Inloggen met Microsoft"]  # st.logout() ran
    with site.connect() as conn:
        assert conn.execute(select(AppUser.last_logout_at).where(AppUser.username == "lotte")).scalar()
    replay = app({"is_logged_in": True, "email": "lotte@gemeente.example", "iat": issued}).run()
    assert "lea_username" not in replay.session_state  # an identity issued before the logout
    assert json.loads(audit_rows(site)[-1].details)["reden"] == "na_uitloggen"
    fresh = app({"is_logged_in": True, "email": "lotte@gemeente.example",
                 "iat": auth_rules.to_ts(auth_rules.utcnow()) + 1}).run()
    assert fresh.session_state["lea_username"] == "lotte"


def test_disabling_the_account_ends_the_sso_session_on_the_next_click(site):
    at = app({"is_logged_in": True, "email": "lotte@gemeente.example", "iat": time.time()}).run()
    assert at.session_state["lea_username"] == "lotte"
    with site.begin() as conn:
        users.set_active(conn, "lotte", False)
    at.run()
    assert "lea_username" not in at.session_state
    assert at.error[0].value.startswith("Uw account heeft geen toegang")
