"""In a real browser on (a copy of) the demo: an administrator with an account of their own (a demo
account may not bring real data into the demo) logs in, uploads the DUO register on /beheer, runs
the proefimport, imports it — which ends demo mode, with the warning on the page — then uploads a
broken absence file and sees the report while nothing is written. Screenshots go to
/tmp/lea-import-*.png."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select

from conftest import wait_ready
from data_access import users
from data_access.db import make_engine
from data_access.models import Absence, AuditEvent, School
from fixtures.imports import DUO_FILE

SHOTS = "/tmp/lea-import-{}.png"
LONG = 180_000
OWN_PASSWORD = "een-eigen-lang-wachtwoord"


def counts(url: str) -> tuple[int, int, list[str]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        schools = conn.execute(select(func.count()).select_from(School)).scalar()
        absence = conn.execute(select(func.count()).select_from(Absence)).scalar()
        results = conn.execute(select(AuditEvent.result).where(AuditEvent.action == "import")
                               .order_by(AuditEvent.id)).scalars().all()
    engine.dispose()
    return schools, absence, results


def upload(page, path) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_role("button", name="Controleren (proefimport)").wait_for(timeout=LONG)
    wait_ready(page)


def test_beheer_imports_the_duo_register_and_gets_a_report_for_a_broken_file(streamlit_factory, demo_copy_url,
                                                                             page, tmp_path):
    engine = make_engine(demo_copy_url)
    with engine.begin() as conn:
        users.create_user(conn, "fb.jansen", "F. Jansen", ["beheer"], OWN_PASSWORD)
    engine.dispose()
    # a real installation has its own cookie key: the session goes on after demo mode ends
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(f'[auth_cookie]\nkey = "{secrets.token_urlsafe(48)}"\n')
    server = streamlit_factory(demo_copy_url, LEA_SECRETS_FILE=str(secrets_file))
    page.goto(server.url)
    wait_ready(page)
    page.get_by_label("Gebruikersnaam").fill("fb.jansen")
    page.get_by_label("Wachtwoord").fill(OWN_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    # logged in: the start page then switches to the role's first page (one more run); a click on
    # the sidebar before that switch can be overtaken by it under load (as conftest.log_in waits)
    page.get_by_role("button", name="Uitloggen").wait_for(timeout=LONG)
    page.wait_for_function("location.pathname !== '/'", timeout=LONG)
    wait_ready(page)
    page.get_by_role("link", name="Beheer").click()
    page.get_by_role("heading", name="Beheer", exact=True).wait_for(timeout=LONG)
    wait_ready(page)
    _, absence_before, _ = counts(demo_copy_url)

    upload(page, DUO_FILE)
    page.get_by_role("button", name="Controleren (proefimport)").last.click()
    page.get_by_text("Proefimport in orde").wait_for(timeout=LONG)
    wait_ready(page)
    page.get_by_text("Proefimport in orde").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS.format("1-proef"))
    page.get_by_role("button", name="Importeren").click()
    page.get_by_text("Import geslaagd.").wait_for(timeout=LONG)
    wait_ready(page)
    page.get_by_text("Import geslaagd.").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS.format("2-geslaagd"))
    schools, _, results = counts(demo_copy_url)
    assert schools == 6589 and results[-2:] == ["proef", "ok"]
    assert page.get_by_text("De demomodus is uitgeschakeld", exact=False).count() == 1  # issue 17 #6

    broken = tmp_path / "verzuim-kapot.csv"
    broken.write_text("datum;pseudoniem;uren;code\n02-10-2023;ONBEKEND1;2;A\n", encoding="utf-8")
    upload(page, broken)
    page.get_by_role("button", name="Controleren (proefimport)").last.click()
    page.get_by_text("De proefimport vond 1 probleem:").wait_for(timeout=LONG)
    wait_ready(page)
    page.get_by_role("button", name="Foutrapport (CSV)").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS.format("3-rapport"))
    assert page.get_by_role("button", name="Importeren").is_disabled()
    assert page.get_by_role("button", name="Foutrapport (CSV)").count() == 1
    _, absence_after, results = counts(demo_copy_url)
    assert absence_after == absence_before and results[-1] == "proef"
