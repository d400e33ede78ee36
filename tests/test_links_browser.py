"""Typed URLs, bookmarks and refusals in Chromium, as each demo user meets them.

Every page has one stable Dutch URL for every role: a role that may open it lands there, any
other role gets a Dutch "Geen toegang" naming who may open it, an unknown path a Dutch "Pagina
niet gevonden", and a logged-out bookmark (query parameters included) is where the visitor
lands after logging in. No English Streamlit dialog or message appears on the way.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from conftest import DEMO_PASSWORD, wait_ready
from data_access import access

ROLES = ("portefeuillehouder", "lea", "leerplicht", "beheer")
# Streamlit's own English texts that reached users before; none may show up any more.
ENGLISH = ("Page not found", "Running the app's main page", "This app has encountered an error",
           "Choose options", "Choose an option", "Limit 200MB", "Traceback", "does not seem to exist")


@pytest.fixture
def env(tmp_path) -> dict:
    return {"LEA_SECRETS_FILE": str(tmp_path / "geen-secrets.toml")}


@pytest.fixture
def server(streamlit_factory, demo_url, env, browser):
    """A warm server: one session has reached st.navigation (the legacy pages/ router is off)."""
    started = streamlit_factory(demo_url, **env)
    warm = browser.new_page()
    warm.goto(started.url)
    wait_ready(warm)
    warm.close()
    return started


def settle(page) -> None:
    wait_ready(page)
    page.wait_for_timeout(300)  # a switch_page from the start page runs the script once more
    wait_ready(page)


def visible_text(page) -> str:
    dialogs = " ".join(page.locator("[role='dialog']").all_inner_texts())
    return page.locator("body").inner_text() + " " + dialogs


def assert_dutch(page) -> None:
    text = visible_text(page)
    assert not [phrase for phrase in ENGLISH if phrase in text], text[:500]


def log_in_here(page, username: str) -> None:
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("button", name="Uitloggen").wait_for()
    settle(page)


def path_and_query(page) -> str:
    parts = urlsplit(page.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def heading(page) -> str:
    return page.locator("h1").first.inner_text().strip()


@pytest.mark.parametrize("role", ROLES)
def test_every_typed_url_of_a_role(server, page, role):
    page.goto(server.url)
    settle(page)
    log_in_here(page, role)
    first = access.home_page([role])
    assert path_and_query(page) == f"/{first}"  # the role's first page keeps its own URL
    for key in access.PAGES:
        page.goto(f"{server.url}/{key}")  # a new session: the cookie logs it in
        settle(page)
        page.get_by_role("button", name="Uitloggen").wait_for()
        assert urlsplit(page.url).path == f"/{key}"  # (a page may add its filters to the query)
        if access.may_open([role], key):
            assert heading(page) == access.PAGES[key]["title"]
        else:
            assert heading(page) == "Geen toegang"
            assert "alleen voor" in page.get_by_role("alert").first.inner_text()
            assert access.PAGES[key]["title"] not in [link.split("\n")[-1] for link in
                                                       page.locator("[data-testid='stSidebarNavLink']").all_inner_texts()]
        assert_dutch(page)
    page.goto(f"{server.url}/bestaat-niet")
    settle(page)
    assert heading(page) == "Pagina niet gevonden"
    page.get_by_role("link", name="Naar de startpagina").click()
    settle(page)
    assert path_and_query(page) == f"/{first}"
    assert_dutch(page)


def test_forbidden_page_names_who_may_open_it(server, page):
    page.goto(f"{server.url}/jongeren")
    settle(page)
    log_in_here(page, "lea")
    assert heading(page) == "Geen toegang"
    assert "alleen voor leerplichtambtenaar" in page.get_by_role("alert").first.inner_text()
    assert page.locator("[data-testid='stDataFrame']").count() == 0


@pytest.mark.parametrize("role, bookmark", [
    ("lea", "/scholen?weergave=Registratiepilot"),
    ("leerplicht", "/jongeren?categorie=ziek"),
    ("portefeuillehouder", "/status"),
])
def test_a_logged_out_bookmark_is_where_the_login_lands(server, page, role, bookmark):
    page.goto(server.url + bookmark)
    settle(page)
    page.get_by_label("Gebruikersnaam").wait_for()
    assert path_and_query(page) == bookmark  # the login form is shown at the bookmark itself
    log_in_here(page, role)
    wanted, landed = urlsplit(bookmark), urlsplit(page.url)
    assert landed.path == wanted.path
    # the page may add its own defaults to the URL (/jongeren does), but keeps the bookmark's
    assert set(parse_qsl(wanted.query)) <= set(parse_qsl(landed.query))
    key = wanted.path.strip("/")
    assert heading(page) == access.PAGES[key]["title"]
    assert_dutch(page)


@pytest.mark.parametrize("bookmark, title", [
    ("/scholen?weergave=Registratiepilot", access.PAGES["scholen"]["title"]),
    ("/jongeren?categorie=ziek", "Geen toegang"),
])
def test_a_bookmark_as_the_first_request_to_a_fresh_server(streamlit_factory, demo_url, env, page, bookmark, title):
    # Before any session reached st.navigation, Streamlit's legacy pages/ router runs the page
    # file itself; its guard sends the visitor to the login and remembers the bookmark.
    fresh = streamlit_factory(demo_url, **env)
    page.goto(fresh.url + bookmark)
    settle(page)
    log_in_here(page, "lea")
    page.wait_for_timeout(1000)  # the reruns after a login (the cookie component's) leave it there
    wait_ready(page)
    assert path_and_query(page) == bookmark
    assert heading(page) == title
    assert_dutch(page)


def test_a_bookmark_to_a_forbidden_page_ends_on_geen_toegang(server, page):
    page.goto(server.url + "/beheer")
    settle(page)
    log_in_here(page, "portefeuillehouder")
    assert heading(page) == "Geen toegang"
    assert "alleen voor functioneel beheer" in page.get_by_role("alert").first.inner_text()
    assert_dutch(page)


def test_an_unknown_path_logged_out_is_dutch(server, page):
    page.goto(server.url + "/onbekend")
    settle(page)
    assert heading(page) == "Pagina niet gevonden"
    assert_dutch(page)
