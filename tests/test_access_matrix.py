"""Role × page: every page is reachable for exactly the roles in access.PAGES, and refused —
showing nothing of the page — for every other role, whichever way it is reached.

Ways a page can be reached: the menu (st.navigation, registered per role), st.switch_page (only
to registered pages; AppTest.switch_page applies the same rule), a direct URL in navigation
mode (the same registration), and the page module run on its own, as Streamlit's legacy
pages/ router does on a fresh server (the guard). The fresh-server URL itself is tested in
a real browser in test_auth_browser.py.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data_access import access, users
from data_access.db import make_engine
from data_access.models import AuditEvent, ROLES

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
REFUSED = "U heeft geen toegang tot deze pagina."
MATRIX = [(role, page) for role in ROLES for page in access.PAGES]
EXPECTED = {  # the decision in DESIGN.md, written out so a change to access.py is a visible test change
    "status": {"portefeuillehouder", "lea", "leerplicht", "beheer"},  # lea reads the LEA's own actions (issue 15)
    "scholen": {"portefeuillehouder", "lea", "leerplicht"},
    "covid": {"lea", "leerplicht"},
    "keten": {"portefeuillehouder", "lea", "leerplicht"},  # aggregated and suppressed but for leerplicht (issue 18)
    "jongeren": {"leerplicht"},
    "beheer": {"beheer"},
    "audit": {"beheer"},
}


def logged_in(script: str, username: str) -> AppTest:
    at = AppTest.from_file(script, default_timeout=60)
    at.session_state["lea_username"] = username
    at.session_state["lea_auth_at"] = time.time()
    return at


def shown_content(at: AppTest) -> dict:
    """What a page could show data with."""
    return {"dataframes": len(at.dataframe), "tables": len(at.table), "metrics": len(at.metric),
            "charts": len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart")) + len(at.get("plotly_chart")),
            "downloads": len(at.get("download_button")), "titles": [t.value for t in at.title]}


@pytest.fixture(scope="module")
def matrix_url(demo_url, tmp_path_factory) -> str:
    """A copy of the demo for this module: refusals are audited, so these tests write."""
    target = tmp_path_factory.mktemp("matrix") / "demo.sqlite"
    source = make_engine(demo_url)
    with source.connect() as conn:
        conn.exec_driver_sql(f"VACUUM INTO '{target}'")
    source.dispose()
    return f"sqlite:///{target}"


@pytest.fixture(autouse=True)
def no_local_secrets(monkeypatch, tmp_path):
    """Ignore a developer's .streamlit/secrets.toml: the demo database makes its own cookie key."""
    monkeypatch.setenv("LEA_SECRETS_FILE", str(tmp_path / "geen-secrets.toml"))


@pytest.fixture
def demo_app(matrix_url, app_env):
    app_env(matrix_url)
    return matrix_url


def test_the_matrix_is_the_designed_one():
    assert {key: page["roles"] for key, page in access.PAGES.items()} == EXPECTED


def test_each_role_starts_on_its_own_question():
    # lea may read /status, but starts on absence per school; a user with two roles starts on the
    # home page of theirs that comes first in the menu
    assert access.home_page(["lea"]) == "scholen"
    assert access.home_page(["portefeuillehouder"]) == "status"
    assert access.home_page(["leerplicht"]) == "status"
    assert access.home_page(["lea", "portefeuillehouder"]) == "status"
    assert access.home_page([]) is None


@pytest.mark.parametrize("role", ROLES)
def test_navigation_registers_exactly_the_allowed_pages(demo_app, role):
    at = logged_in(APP, role).run()
    assert not at.exception
    for key in access.PAGES:
        if role in EXPECTED[key]:
            at.switch_page(f"pages/{key}.py")  # registered: reachable by menu, URL and st.switch_page
        else:  # not in this user's navigation: menu, st.switch_page and /<page> cannot reach it
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"pages/{key}.py")


@pytest.mark.parametrize(("role", "page"), [(r, p) for r, p in MATRIX if r in EXPECTED[p]])
def test_each_allowed_page_opens_from_the_navigation(demo_app, role, page):
    at = logged_in(APP, role).run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    assert REFUSED not in [e.value for e in at.error]
    assert at.session_state["lea_last_page"] == page  # the page module itself ran, past its guard
    assert at.title and at.title[0].value == access.PAGES[page]["title"] or at.title


@pytest.mark.parametrize(("role", "page"), [(r, p) for r, p in MATRIX if r not in EXPECTED[p]])
def test_the_page_module_on_its_own_refuses_other_roles_and_shows_nothing(demo_app, role, page):
    at = logged_in(str(ROOT / "pages" / f"{page}.py"), role).run()
    assert not at.exception
    assert [e.value for e in at.error] == [REFUSED]
    assert shown_content(at) == {"dataframes": 0, "tables": 0, "metrics": 0, "charts": 0, "downloads": 0, "titles": []}
    assert len(at.main.children) == 1  # the refusal, nothing of the page
    eng = make_engine(demo_app)
    with eng.connect() as conn:
        row = conn.execute(select(AuditEvent.__table__).order_by(AuditEvent.id.desc()).limit(1)).one()
    eng.dispose()
    assert (row.username, row.action, row.object_type, row.object_id, row.result) == \
        (role, "toegang_geweigerd", "pagina", page, "geweigerd")


@pytest.mark.parametrize("page", list(access.PAGES))
def test_the_page_module_without_a_login_shows_nothing(demo_app, page):
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60).run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["Log eerst in om deze pagina te zien."]
    assert shown_content(at)["titles"] == [] and len(at.main.children) == 1


@pytest.mark.parametrize(("role", "page"), [(r, p) for r, p in MATRIX if r in EXPECTED[p]])
def test_the_page_module_on_its_own_admits_its_roles(demo_app, role, page):
    at = logged_in(str(ROOT / "pages" / f"{page}.py"), role).run()
    assert not at.exception, at.exception
    assert REFUSED not in [e.value for e in at.error]
    assert at.title, "the page rendered its title"


def test_logged_out_navigation_has_only_the_login_page(demo_app):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["LEA-dashboard"]
    assert [t.label for t in at.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    assert len(at.sidebar.children) == 0  # no menu, no user box
    for key in access.PAGES:  # no page module is registered
        with pytest.raises(ValueError):
            at.switch_page(f"pages/{key}.py")


def test_removing_a_role_takes_effect_on_the_next_click(demo_copy_url, app_env):
    app_env(demo_copy_url)
    eng = make_engine(demo_copy_url)
    with eng.begin() as conn:
        users.set_roles(conn, "leerplicht", ["leerplicht", "lea"])
    at = logged_in(APP, "leerplicht").run()
    at.switch_page("pages/jongeren.py").run()
    assert at.session_state["lea_last_page"] == "jongeren"
    with eng.begin() as conn:
        users.set_roles(conn, "leerplicht", ["lea"])
    at.run()  # the next click: nothing of the page is shown any more
    assert access.PAGES["jongeren"]["title"] not in [t.value for t in at.title]
    # a change of roles ends the session (issue 17: it moves the session cut-off): log in again
    assert shown_content(at)["dataframes"] == 0 and "Uw sessie is beëindigd. Log opnieuw in." in [
        i.value for i in at.info]
    with pytest.raises(ValueError):  # and the menu no longer has it
        logged_in(APP, "leerplicht").run().switch_page("pages/jongeren.py")
    eng.dispose()


def test_disabling_a_user_ends_the_session_on_the_next_click(demo_copy_url, app_env):
    app_env(demo_copy_url)
    eng = make_engine(demo_copy_url)
    at = logged_in(APP, "leerplicht").run()
    at.switch_page("pages/jongeren.py").run()
    with eng.begin() as conn:
        users.set_active(conn, "leerplicht", False)
    at.run()
    assert [t.value for t in at.title] == ["LEA-dashboard"]
    assert [t.label for t in at.text_input] == ["Gebruikersnaam", "Wachtwoord"]
    assert "Uw sessie is beëindigd. Log opnieuw in." in [i.value for i in at.info]
    with eng.connect() as conn:
        row = conn.execute(select(AuditEvent.__table__).where(AuditEvent.action == "sessie_beeindigd")).one()
    assert (row.username, row.object_id, row.result) == ("leerplicht", "leerplicht", "geweigerd")
    assert "gebruiker_uitgeschakeld" in row.details
    eng.dispose()


def test_an_account_without_roles_sees_only_the_no_access_page(demo_copy_url, app_env):
    app_env(demo_copy_url)
    eng = make_engine(demo_copy_url)
    with eng.begin() as conn:
        users.create_user(conn, "zonderrol", "Zonder Rol", [], "een-lang-wachtwoord")
    at = logged_in(APP, "zonderrol").run()
    assert [t.value for t in at.title] == ["Geen toegang"]
    for key in access.PAGES:
        with pytest.raises(ValueError):
            at.switch_page(f"pages/{key}.py")
    eng.dispose()
