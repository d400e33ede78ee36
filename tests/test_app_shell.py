"""The app shell on the demo: every page renders for a role that may open it, with the banner."""
from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from data_access import access
from conftest import ROOT, wait_ready

FIRST_ALLOWED = {key: sorted(page["roles"])[0] for key, page in access.PAGES.items()}


@pytest.mark.parametrize("page_key", sorted(access.PAGES))
def test_every_page_renders_on_the_demo_without_exception(page_key, demo_url, app_env):
    app_env(demo_url)
    at = AppTest.from_file(str(ROOT / "pages" / f"{page_key}.py"), default_timeout=120)
    at.session_state["lea_username"] = FIRST_ALLOWED[page_key]
    at.session_state["lea_auth_at"] = time.time()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title and at.title[0].value, "page has no title"


def test_first_page_in_chromium_shows_login_and_demo_banner(streamlit_factory, demo_url, page):
    server = streamlit_factory(demo_url)
    page.goto(server.url)
    wait_ready(page)
    assert page.get_by_text("Demo — fictieve gegevens").is_visible()
    assert page.get_by_role("button", name="Inloggen").is_visible()
    assert page.locator("[data-testid='stException']").count() == 0


def test_unreachable_database_gives_a_dutch_message_not_a_traceback(app_env):
    app_env("postgresql+psycopg://nobody@127.0.0.1:1/none")
    for script in ("app.py", "pages/jongeren.py"):
        at = AppTest.from_file(str(ROOT / script), default_timeout=60)
        at.session_state["lea_username"] = "leerplicht"
        at.run()
        assert not at.exception
        assert "niet bereikbaar" in at.error[0].value
