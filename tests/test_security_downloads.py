"""Issue 17, finding 5: a download of personal data is decided when the file is made.

In Chromium on a demo copy, as the officer (leerplicht): the youth list export and the absence
calendar PNG are drawn, and a first click gets the file (and its audit row). Then the role is
taken away (users.set_roles, as beheer or `lea user roles` does) while the page with the
drawn button stays open. The next click gets no file: the generator asks the database again,
refuses, audits the refusal with its reason, and the click's rerun shows the Dutch message.
"""
from __future__ import annotations

import json
import time

import pytest

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from conftest import log_in, wait_ready
from data_access import users
from data_access.db import make_engine
from data_access.models import AuditEvent
from data_access.queries import youths

SESSION_ENDED = "Uw sessie is beëindigd. Log opnieuw in."


def exports(url: str) -> list[tuple[str, str | None, str | None, dict]]:
    eng = make_engine(url)
    with eng.connect() as conn:
        rows = conn.execute(select(AuditEvent.result, AuditEvent.object_type, AuditEvent.object_id,
                                   AuditEvent.details)
                            .where(AuditEvent.action == "export", AuditEvent.username == "leerplicht")
                            .order_by(AuditEvent.id)).all()
    eng.dispose()
    return [(r.result, r.object_type, r.object_id, json.loads(r.details or "{}")) for r in rows]


def wait_for_exports(url: str, count: int, timeout: float = 30.0) -> list:
    """The officer's export rows once there are ``count`` (the generator runs in Streamlit's worker
    thread after the click, so its row lands a moment later)."""
    deadline = time.monotonic() + timeout
    rows = exports(url)
    while len(rows) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        rows = exports(url)
    return rows


def revoke(url: str) -> None:
    eng = make_engine(url)
    with eng.begin() as conn:
        users.set_roles(conn, "leerplicht", ["lea"])
    eng.dispose()


def open_list_export(page) -> None:
    page.get_by_role("link", name="Jongeren in beeld").click()
    page.get_by_role("heading", name="Jongeren in beeld").wait_for(timeout=60_000)
    wait_ready(page)
    page.get_by_role("tab", name="Alle jongeren in beeld").click()
    wait_ready(page)
    page.get_by_text("Exporteren (").click()
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Doel van de export")
    box.wait_for()
    wait_ready(page)
    option = page.get_by_role("option", name="Casusoverleg met school of zorgpartner")
    for _attempt in range(3):  # under load the first click can land before the list is ready
        box.locator("input").first.click()
        try:
            option.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            wait_ready(page)
    option.click()
    wait_ready(page)


def test_the_youth_list_export_is_refused_once_the_role_is_gone(streamlit_factory, demo_copy_url, page):
    server = streamlit_factory(demo_copy_url)
    log_in(page, server.url, "leerplicht")
    open_list_export(page)
    downloads = []
    button = page.get_by_role("button", name="Download CSV")
    with page.expect_download() as first:
        button.click()
    assert first.value.suggested_filename.startswith("jongeren-in-beeld-")
    assert open(first.value.path(), "rb").read().decode("utf-8-sig").startswith("Pseudoniem")
    ok = wait_for_exports(demo_copy_url, 1)
    assert [(r[0], r[1], r[3]["formaat"]) for r in ok] == [("ok", youths.OBJECT_LIST, "csv")]
    wait_ready(page)

    revoke(demo_copy_url)  # the button stays on screen, drawn while the role was there
    page.on("download", lambda d: downloads.append(d))
    page.get_by_role("button", name="Download CSV").click()
    page.get_by_text(SESSION_ENDED).wait_for(timeout=30_000)  # the click's rerun says why
    rows = wait_for_exports(demo_copy_url, 2)
    assert [(r[0], r[1], r[2], r[3].get("formaat"), r[3].get("reden")) for r in rows[1:]] == [
        ("geweigerd", youths.OBJECT_LIST, "jongeren", "csv", "na_uitloggen")]
    assert downloads == []  # no file reached the browser
    assert page.get_by_role("button", name="Download CSV").count() == 0


def test_the_absence_calendar_png_is_audited_and_refused_once_the_role_is_gone(
        streamlit_factory, demo_copy_url, page):
    eng = make_engine(demo_copy_url)
    with eng.connect() as conn:
        pseudonym, pupil_id = conn.exec_driver_sql(
            "SELECT p.pseudonym, p.id FROM pupil p JOIN absence a ON a.pupil_id = p.id "
            "GROUP BY p.id ORDER BY count(*) DESC LIMIT 1").one()
    eng.dispose()
    server = streamlit_factory(demo_copy_url)
    log_in(page, server.url, "leerplicht")
    page.wait_for_function("document.cookie.includes('lea_sessie=')")
    page.goto(f"{server.url}/jongeren?jongere={pseudonym}")  # the login cookie opens the file
    wait_ready(page)
    page.screenshot(path="/tmp/lea-kalender-1.png")
    page.get_by_role("heading", name=f"{pseudonym} — ").wait_for(timeout=60_000)
    wait_ready(page)
    page.get_by_role("tab", name="Verzuimkalender").click()
    page.get_by_role("button", name="Download grafiek").click()
    with page.expect_download() as first:
        page.get_by_role("button", name="PNG", exact=True).click()
    assert open(first.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    ok = wait_for_exports(demo_copy_url, 1)
    assert [(r[0], r[1], r[2], r[3]) for r in ok] == [
        ("ok", "pupil", str(pupil_id), {"bestand": "verzuimkalender", "formaat": "png"})]
    wait_ready(page)

    revoke(demo_copy_url)
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    if not page.get_by_role("button", name="PNG", exact=True).is_visible():
        page.get_by_role("tab", name="Verzuimkalender").click()
        page.get_by_role("button", name="Download grafiek").click()
    page.get_by_role("button", name="PNG", exact=True).click()
    page.get_by_text(SESSION_ENDED).wait_for(timeout=30_000)
    rows = wait_for_exports(demo_copy_url, 2)
    assert [(r[0], r[2], r[3].get("formaat"), r[3].get("reden")) for r in rows[1:]] == [
        ("geweigerd", str(pupil_id), "png", "na_uitloggen")]
    assert downloads == []


# --- the rule itself, without a browser --------------------------------------------------------


class FakeState:
    """What ui.downloads reads of the drawing session's state (``filtered_state``)."""

    def __init__(self, **values):
        self.filtered_state = values


def test_a_file_is_made_only_for_the_same_login_of_the_drawing_session(engine):
    from ui.downloads import DownloadRefused, Grant, guarded

    with engine.begin() as conn:
        users.create_user(conn, "lotte", "Lotte", ["leerplicht"], "geheim-wachtwoord-1")
    issued = time.time()
    state = FakeState(lea_username="lotte", lea_auth_at=issued)
    who = Grant("lotte", "leerplicht", issued, frozenset({"leerplicht"}), "10.0.0.1", state)
    made = []
    run = guarded(engine, who, {"object_type": "lijst", "object_id": "jongeren", "formaat": "csv"},
                  lambda: made.append(1) or b"bestand")
    assert run() == b"bestand" and made == [1]

    state.filtered_state = {"lea_username": "lotte", "lea_auth_at": issued + 5}  # logged out and in again
    with pytest.raises(DownloadRefused):
        run()
    state.filtered_state = {}  # logged out
    with pytest.raises(DownloadRefused):
        run()
    assert made == [1]
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEvent.result, AuditEvent.origin, AuditEvent.details)
                            .where(AuditEvent.action == "export").order_by(AuditEvent.id)).all()
    assert [(r.result, r.origin, json.loads(r.details)) for r in rows] == [
        ("geweigerd", "10.0.0.1", {"reden": "sessie_gewisseld", "formaat": "csv"})] * 2


def test_download_problem_names_each_reason(engine):
    from data_access import auth_rules

    with engine.begin() as conn:
        users.create_user(conn, "lotte", "Lotte", ["leerplicht"], "geheim-wachtwoord-1")
        users.create_user(conn, "bea", "Bea", ["beheer"], "geheim-wachtwoord-2")
    now = time.time()
    with engine.begin() as conn:
        assert auth_rules.download_problem(conn, "lotte", now, {"leerplicht"}) is None
        assert auth_rules.download_problem(conn, "bea", now + 60, {"leerplicht"}) == "rol_ingetrokken"
        assert auth_rules.download_problem(conn, "niemand", now, {"leerplicht"}) == "onbekende_gebruiker"
        users.set_active(conn, "lotte", False)
        assert auth_rules.download_problem(conn, "lotte", now, {"leerplicht"}) == "gebruiker_uitgeschakeld"
