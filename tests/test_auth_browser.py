"""Login, sessions and refusals in a real browser (headless Chromium) against a live server.

Covers what only a browser shows: the legacy pages/ router on a fresh server, the first login
of a fresh browser, the session cookie (set from JavaScript) and what happens when it is
forged, replayed after logout, or belongs to a disabled user, and the lockout surviving a new
app process.
"""
from __future__ import annotations

import datetime as dt
import json
import secrets

import jwt
import pytest
from sqlalchemy import update

from conftest import DEMO_PASSWORD
from data_access import access, auth_rules, demo_mode, users
from data_access.db import make_engine
from data_access.models import LoginAttempt
from fixtures.browser import (
    COOKIE, SESSION_ENDED, audit_rows, data_elements, expect_logged_in, expect_login_form, headings, menu,
    open_app, processed, submit_login, wait_for_cookie,
)


# --- the legacy pages/ router on a fresh server -------------------------------------------


@pytest.mark.parametrize("key", list(access.PAGES))
def test_direct_url_as_the_first_request_to_a_fresh_server_shows_nothing_of_the_page(
        streamlit_factory, demo_copy_url, env, page, key):
    server = streamlit_factory(demo_copy_url, **env)  # a new process: st.navigation never ran yet
    open_app(page, server.url, f"/{key}")
    expect_login_form(page)
    # the legacy router ran pages/<key>.py itself; its guard stopped it and sent the browser to /
    assert page.url.rstrip("/") == server.url
    assert access.PAGES[key]["title"] not in headings(page)
    assert data_elements(page) == 0
    assert "Traceback" not in server.log_text()


def test_direct_url_to_a_forbidden_page_on_a_fresh_server_with_a_valid_cookie(
        streamlit_factory, demo_copy_url, env, page):
    eng = make_engine(demo_copy_url)
    config = auth_rules.CookieConfig(COOKIE, demo_mode.cookie_key(eng), 8)
    eng.dispose()
    token, _, _ = auth_rules.issue_token("lea", config)
    server = streamlit_factory(demo_copy_url, **env)
    page.context.add_cookies([{"name": COOKIE, "value": token, "url": server.url}])
    open_app(page, server.url, "/jongeren")
    expect_logged_in(page)  # the cookie is valid: lea is logged in, but sees nothing of /jongeren
    assert "Jongeren in beeld" not in headings(page)
    assert menu(page) == [access.PAGES[k]["title"] for k in access.allowed_pages(["lea"])]


def test_direct_url_on_a_running_server_asks_for_login_then_opens_that_page(
        streamlit_factory, demo_copy_url, env, page):
    server = streamlit_factory(demo_copy_url, **env)
    open_app(page, server.url)  # st.navigation has run: the legacy router is off
    context = page.context.browser.new_context(locale="nl-NL")
    deep = context.new_page()
    open_app(deep, server.url, "/jongeren")
    expect_login_form(deep)
    assert data_elements(deep) == 0
    submit_login(deep, "leerplicht", DEMO_PASSWORD)
    expect_logged_in(deep)
    assert "Jongeren in beeld" in headings(deep)
    context.close()


# --- login ---------------------------------------------------------------------------------


def test_the_first_login_of_a_fresh_browser_works(streamlit_factory, demo_copy_url, env, page):
    server = streamlit_factory(demo_copy_url, **env)
    page.goto(server.url)
    submit_login(page, "leerplicht", DEMO_PASSWORD)  # as soon as the form is there, no waiting
    expect_logged_in(page)
    assert menu(page) == [access.PAGES[k]["title"] for k in access.allowed_pages(["leerplicht"])]
    assert audit_rows(demo_copy_url, "inloggen")[-1].result == "ok"


def test_each_role_gets_its_own_menu(streamlit_factory, demo_copy_url, env, browser):
    server = streamlit_factory(demo_copy_url, **env)
    for role in ("portefeuillehouder", "lea", "leerplicht", "beheer"):
        context = browser.new_context(locale="nl-NL")
        page = context.new_page()
        open_app(page, server.url)
        submit_login(page, role, DEMO_PASSWORD)
        expect_logged_in(page)
        assert menu(page) == [access.PAGES[k]["title"] for k in access.allowed_pages([role])], role
        context.close()


def test_wrong_password_and_unknown_user_get_the_same_message(streamlit_factory, demo_copy_url, env, page):
    server = streamlit_factory(demo_copy_url, **env)
    open_app(page, server.url)
    messages = []
    for username in ("leerplicht", "bestaat-niet"):
        submit_login(page, username, "fout-wachtwoord")
        processed(page)
        messages.append(page.locator("[data-testid='stAlert']").all_inner_texts()[-1])
    assert messages[0] == messages[1]


# --- session cookie --------------------------------------------------------------------------


def test_the_login_cookie_keeps_a_new_tab_logged_in_until_logout_then_a_replay_is_refused(
        streamlit_factory, demo_copy_url, env, page, browser):
    server = streamlit_factory(demo_copy_url, **env)
    open_app(page, server.url)
    submit_login(page, "leerplicht", DEMO_PASSWORD)
    expect_logged_in(page)
    cookie = wait_for_cookie(page)
    claims = jwt.decode(cookie, options={"verify_signature": False})
    assert claims["username"] == "leerplicht" and claims["exp_date"] - claims["iat"] == 8 * 3600

    def new_tab_with(value: str):
        context = browser.new_context(locale="nl-NL")
        context.add_cookies([{"name": COOKIE, "value": value, "url": server.url}])
        tab = context.new_page()
        open_app(tab, server.url)
        return context, tab

    context, tab = new_tab_with(cookie)  # before logout: the cookie logs in
    expect_logged_in(tab)
    context.close()

    page.get_by_role("button", name="Uitloggen").click()
    expect_login_form(page)
    page.get_by_text("U bent uitgelogd.").first.wait_for()
    page.wait_for_function(f"!document.cookie.includes('{COOKIE}=')")  # deleted in this browser

    context, tab = new_tab_with(cookie)  # the same cookie, replayed after logout
    expect_login_form(tab)
    assert data_elements(tab) == 0
    context.close()
    submit_login(page, "leerplicht", DEMO_PASSWORD)  # logging in again right away works
    expect_logged_in(page)
    refused = audit_rows(demo_copy_url, "cookie_geweigerd")
    assert json.loads(refused[-1].details) == {"reden": "na_uitloggen"}
    assert audit_rows(demo_copy_url, "uitloggen")[-1].username == "leerplicht"


def _forged_cookies(url: str) -> dict[str, str]:
    now = auth_rules.to_ts(auth_rules.utcnow())
    claims = {"username": "leerplicht", "iat": now, "exp_date": now + 3600}
    return {
        "andere sleutel": jwt.encode(claims, secrets.token_urlsafe(48), algorithm="HS256"),
        "voorbeeldsleutel van de bibliotheek": jwt.encode(claims, "some_signature_key", algorithm="HS256"),
        "zonder handtekening": jwt.encode(claims, None, algorithm="none"),
        "rommel": "dit-is-geen-token",
    }


def test_forged_cookies_are_refused(streamlit_factory, demo_copy_url, env, browser):
    server = streamlit_factory(demo_copy_url, **env)
    for label, value in _forged_cookies(server.url).items():
        context = browser.new_context(locale="nl-NL")
        context.add_cookies([{"name": COOKIE, "value": value, "url": server.url}])
        tab = context.new_page()
        open_app(tab, server.url, "/jongeren")
        expect_login_form(tab)
        assert data_elements(tab) == 0, label
        context.close()
    reasons = [json.loads(r.details)["reden"] for r in audit_rows(demo_copy_url, "cookie_geweigerd")]
    assert reasons == ["ongeldige_handtekening"] * 4
    assert "Traceback" not in server.log_text()


def test_a_disabled_user_is_out_on_the_next_click_and_the_cookie_no_longer_works(
        streamlit_factory, demo_copy_url, env, page, browser):
    server = streamlit_factory(demo_copy_url, **env)
    open_app(page, server.url)
    submit_login(page, "leerplicht", DEMO_PASSWORD)
    expect_logged_in(page)
    cookie = wait_for_cookie(page)
    eng = make_engine(demo_copy_url)
    with eng.begin() as conn:
        users.set_active(conn, "leerplicht", False)
    eng.dispose()
    page.locator("[data-testid='stSidebarNavLink']", has_text="Jongeren in beeld").click()
    page.get_by_text(SESSION_ENDED).wait_for()
    expect_login_form(page)
    assert "Jongeren in beeld" not in headings(page) and data_elements(page) == 0

    context = browser.new_context(locale="nl-NL")
    context.add_cookies([{"name": COOKIE, "value": cookie, "url": server.url}])
    tab = context.new_page()
    open_app(tab, server.url)
    expect_login_form(tab)
    context.close()
    assert json.loads(audit_rows(demo_copy_url, "cookie_geweigerd")[-1].details) == {"reden": "gebruiker_uitgeschakeld"}


# --- lockout ---------------------------------------------------------------------------------


@pytest.fixture
def no_origin_throttle(tmp_path) -> dict:
    """The account lockout alone: every attempt here comes from 127.0.0.1, and the per-address
    throttle (tested in test_security_throttle) would otherwise delay the fourth one."""
    path = tmp_path / "secrets-zonder-adresrem.toml"
    path.write_text("[login]\norigin_free_failures = 1000\n")
    return {"LEA_SECRETS_FILE": str(path)}


def test_lockout_after_five_failures_survives_a_new_app_process_and_expires(
        streamlit_factory, demo_copy_url, no_origin_throttle, browser):
    env = no_origin_throttle
    first = streamlit_factory(demo_copy_url, **env)
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    open_app(page, first.url)
    for attempt in range(5):
        submit_login(page, "leerplicht", f"fout-{attempt}")
        processed(page)
    page.get_by_text("Te veel mislukte pogingen").wait_for()
    submit_login(page, "leerplicht", DEMO_PASSWORD)  # even the right password is refused now
    processed(page)
    assert "Te veel mislukte pogingen" in page.locator("[data-testid='stAlert']").all_inner_texts()[-1]
    context.close()
    first.process.terminate()
    first.process.wait(10)

    second = streamlit_factory(demo_copy_url, **env)  # a new process, other memory: still locked
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    open_app(page, second.url)
    submit_login(page, "leerplicht", DEMO_PASSWORD)
    page.get_by_text("Te veel mislukte pogingen").wait_for()
    assert page.get_by_role("button", name="Uitloggen").count() == 0

    eng = make_engine(demo_copy_url)  # 16 minutes later (the lockout lasts 15)
    with eng.begin() as conn:
        conn.execute(update(LoginAttempt).values(at=LoginAttempt.at - dt.timedelta(minutes=16)))
    eng.dispose()
    submit_login(page, "leerplicht", DEMO_PASSWORD)
    expect_logged_in(page)
    context.close()
    assert [r.result for r in audit_rows(demo_copy_url, "account_geblokkeerd")] == ["geblokkeerd"]
    assert [r.result for r in audit_rows(demo_copy_url, "inloggen")] == \
        ["mislukt"] * 4 + ["geblokkeerd"] * 3 + ["ok"]


def test_an_unknown_name_is_locked_the_same_way(streamlit_factory, demo_copy_url, no_origin_throttle, page):
    server = streamlit_factory(demo_copy_url, **no_origin_throttle)
    open_app(page, server.url)
    for attempt in range(6):
        submit_login(page, "bestaat-niet", f"fout-{attempt}")
        processed(page)
    assert "Te veel mislukte pogingen" in page.locator("[data-testid='stAlert']").all_inner_texts()[-1]


# --- configuration ---------------------------------------------------------------------------


def test_outside_demo_mode_an_example_key_stops_the_app_with_a_dutch_message(
        streamlit_factory, sqlite_url, engine, tmp_path, page):
    with engine.begin() as conn:
        users.create_user(conn, "bea", "Bea Beheer", ["beheer"], "een-lang-wachtwoord")
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text((__import__("pathlib").Path(__file__).parent.parent
                             / ".streamlit" / "secrets.toml.example").read_text())
    server = streamlit_factory(sqlite_url, LEA_SECRETS_FILE=str(secrets_file))
    open_app(page, server.url, "/beheer")
    page.get_by_text("Het LEA-dashboard start niet: de cookiesleutel is een voorbeeldsleutel").wait_for()
    assert page.get_by_label("Gebruikersnaam").count() == 0 and data_elements(page) == 0
