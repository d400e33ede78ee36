"""The audit log: a row for each audited action, ids only (no names, notes, e-mail or birth
dates), the beheer page with its filters (also "who looked at this youth?") and its audited
CSV export, and user management on /beheer."""
from __future__ import annotations

import datetime as dt
import io
import json
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, text

from conftest import DEMO_PASSWORD
from data_access import audit, users
from data_access.db import make_engine
from data_access.models import AppUser, AuditEvent, Pupil

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def app(script: str = APP, username: str | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(script, default_timeout=90)
    if username:
        at.session_state["lea_username"] = username
        at.session_state["lea_auth_at"] = time.time()
    return at


@pytest.fixture
def site(demo_copy_url, app_env, monkeypatch, tmp_path):
    monkeypatch.setenv("LEA_SECRETS_FILE", str(tmp_path / "geen-secrets.toml"))
    app_env(demo_copy_url)
    eng = make_engine(demo_copy_url)
    yield eng
    eng.dispose()


def rows(eng, **where) -> list:
    query = select(AuditEvent.__table__).order_by(AuditEvent.id)
    for column, value in where.items():
        query = query.where(getattr(AuditEvent, column) == value)
    with eng.connect() as conn:
        return conn.execute(query).all()


def personal_values(eng) -> set[str]:
    """Names, e-mail addresses and birth dates that must never appear in the audit log."""
    with eng.connect() as conn:
        pupils = conn.execute(select(Pupil.first_name, Pupil.last_name, Pupil.birth_date)).all()
        accounts = conn.execute(select(AppUser.name, AppUser.email)).all()
        notes = conn.execute(text("SELECT note FROM concern_note WHERE note IS NOT NULL")).scalars().all()
    values = {f"{p.first_name} {p.last_name}" for p in pupils}
    values |= {p.birth_date.isoformat() for p in pupils} | {f"{p.birth_date:%d-%m-%Y}" for p in pupils}
    values |= {a.name for a in accounts} | {a.email for a in accounts if a.email}
    values |= {n for n in notes if len(n) > 12}
    return values


def login(at, username: str, password: str):
    at.text_input(key="lea_login_username").input(username)
    at.text_input(key="lea_login_password").input(password)
    return at.button[0].click().run()


def fetch_audit_csv(eng, filters: dict) -> bytes:
    """What the browser's fetch of the page's deferred CSV download runs (AppTest cannot fetch it)."""
    from ui.admin.audit_download import audit_csv_file

    return audit_csv_file(eng, "beheer", time.time(), filters, None, None)()


def user_admin_submit(at, key: str):
    return at.button(key=key).click().run()


def test_every_audited_action_writes_one_row_with_ids_only(site):
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    # login failure, success, a view of personal data, logout
    at = app().run()
    login(at, "leerplicht", "fout-wachtwoord")
    login(at, "leerplicht", DEMO_PASSWORD)
    session = {key: at.session_state[key] for key in ("lea_username", "lea_auth_at")}
    at.switch_page("pages/jongeren.py").run()
    assert not at.exception
    # (AppTest runs page files on their own after a page stopped early; log out from the app itself)
    at = app()
    for key, value in session.items():
        at.session_state[key] = value
    at.run().button(key="lea_logout").click().run()

    # lockout of an account name
    at = app().run()
    for attempt in range(5):
        login(at, "lea", f"fout-{attempt}")

    # a page the role may not open
    app(str(ROOT / "pages" / "jongeren.py"), "portefeuillehouder").run()

    # user management by beheer on /beheer
    at = app(username="beheer").run()
    at.switch_page("pages/beheer.py").run()
    assert not at.exception
    at.text_input(key="user_add_username").input("nieuw")
    at.text_input(key="user_add_name").input("Nieuwe Collega")
    at.text_input(key="user_add_email").input("nieuw@gemeente.example")
    at.multiselect(key="user_add_roles").select("lea")
    at.text_input(key="user_add_password").input("een-lang-wachtwoord")
    user_admin_submit(at, "user_add_submit")
    assert "Gebruiker nieuw toegevoegd." in [s.value for s in at.success]
    at.selectbox(key="user_roles_target").select("nieuw")
    at.multiselect(key="user_roles_new").select("lea").select("portefeuillehouder")
    user_admin_submit(at, "user_roles_submit")
    at.selectbox(key="user_password_target").select("nieuw")
    at.text_input(key="user_password_new").input("nog-een-lang-wachtwoord")
    at.text_input(key="user_password_again").input("nog-een-lang-wachtwoord")
    user_admin_submit(at, "user_password_submit")
    at.selectbox(key="user_status_target").select("nieuw")
    user_admin_submit(at, "user_disable_submit")
    at.selectbox(key="user_status_target").select("nieuw")
    user_admin_submit(at, "user_enable_submit")
    assert not at.error, [e.value for e in at.error]

    # the audit page itself: viewing and exporting are audited (the CSV when it is fetched)
    at.switch_page("pages/audit.py").run()
    assert not at.exception
    fetch_audit_csv(site, {})

    mine = [r for r in rows(site) if r.at >= started]
    seen = [(r.action, r.username, r.object_type, r.object_id, r.result) for r in mine]
    expected = [
        ("inloggen", None, "gebruiker", "leerplicht", "mislukt"),
        ("inloggen", "leerplicht", "gebruiker", "leerplicht", "ok"),
        ("bekijken", "leerplicht", "pagina", "jongeren", "ok"),
        ("uitloggen", "leerplicht", "gebruiker", "leerplicht", "ok"),
        *[("inloggen", None, "gebruiker", "lea", "mislukt")] * 4,
        ("inloggen", None, "gebruiker", "lea", "geblokkeerd"),
        ("account_geblokkeerd", None, "gebruiker", "lea", "geblokkeerd"),
        ("toegang_geweigerd", "portefeuillehouder", "pagina", "jongeren", "geweigerd"),
        ("gebruiker_toegevoegd", "beheer", "gebruiker", "nieuw", "ok"),
        ("rollen_gewijzigd", "beheer", "gebruiker", "nieuw", "ok"),
        ("wachtwoord_gewijzigd", "beheer", "gebruiker", "nieuw", "ok"),
        ("gebruiker_uitgeschakeld", "beheer", "gebruiker", "nieuw", "ok"),
        ("gebruiker_ingeschakeld", "beheer", "gebruiker", "nieuw", "ok"),
        ("bekijken", "beheer", "pagina", "audit", "ok"),
        ("export", "beheer", "auditlog", None, "ok"),
    ]
    other = {"bekijk_lijst"}  # rows the jongeren page itself writes (its own tests check them)
    assert [s for s in seen if s[0] not in other] == expected
    assert json.loads(next(r for r in mine if r.action == "rollen_gewijzigd").details) == \
        {"nieuw": ["portefeuillehouder", "lea"], "oud": ["lea"]}
    for row in mine:
        assert row.at <= dt.datetime.now(dt.UTC).replace(tzinfo=None)  # stored in UTC
        if row.username:
            assert row.role  # the actor's roles at the time
    forbidden = personal_values(site) | {"een-lang-wachtwoord", "nog-een-lang-wachtwoord", "fout-wachtwoord",
                                         DEMO_PASSWORD, "Nieuwe Collega", "nieuw@gemeente.example"}
    for row in rows(site):
        blob = " ".join(str(v) for v in row if v is not None)
        assert not [v for v in forbidden if v in blob], row


def test_the_audit_log_refuses_update_and_delete(site):
    with site.begin() as conn:
        audit.record(conn, "test", username="beheer")
    for statement in ("UPDATE audit_event SET username = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"):
            with site.begin() as conn:
                conn.execute(text(statement))


def test_who_looked_at_this_youth_and_the_other_filters(site):
    with site.connect() as conn:
        pupil_id, pseudonym = conn.execute(select(Pupil.id, Pupil.pseudonym).order_by(Pupil.id).limit(1)).one()
        other_id = conn.execute(select(Pupil.id).order_by(Pupil.id.desc()).limit(1)).scalar()
    with site.begin() as conn:
        audit.record(conn, "bekijken", username="leerplicht", role="leerplicht", object_type="pupil", object_id=pupil_id)
        audit.record(conn, "contact_toegevoegd", username="lpa2", role="leerplicht", object_type="pupil",
                     object_id=pupil_id)
        audit.record(conn, "bekijken", username="leerplicht", role="leerplicht", object_type="pupil", object_id=other_id)
    at = app(username="beheer").run()
    at.switch_page("pages/audit.py").run()
    assert [t.value for t in at.title] == ["Auditlog"]
    at.text_input(key="audit_pupil").input(pseudonym).run()
    shown = at.dataframe[0].value
    assert sorted(zip(shown["gebruiker"], shown["actie"])) == [("leerplicht", "bekijken"), ("lpa2", "contact_toegevoegd")]
    assert set(shown["object"]) == {str(pupil_id)}
    at.selectbox(key="audit_user").select("lpa2").run()
    assert list(at.dataframe[0].value["actie"]) == ["contact_toegevoegd"]
    at.text_input(key="audit_pupil").input("").run()
    at.selectbox(key="audit_user").select("(alle)").run()
    at.selectbox(key="audit_action").select("bekijken").run()
    assert set(at.dataframe[0].value["actie"]) == {"bekijken"}
    yesterday = dt.date.today() - dt.timedelta(days=1)
    at.date_input(key="audit_period").set_value((yesterday - dt.timedelta(days=5), yesterday)).run()
    assert len(at.dataframe[0].value) == 0  # nothing happened in that period
    at.text_input(key="audit_pupil").input("ONBEKEND").run()
    assert "Geen jongere met dit pseudoniem." in [w.value for w in at.warning]


def test_the_csv_export_holds_the_filtered_rows(site):
    with site.begin() as conn:
        for i in range(3):
            audit.record(conn, "export", username="leerplicht", role="leerplicht", object_type="lijst", object_id=i)
    at = app(username="beheer").run()
    at.switch_page("pages/audit.py").run()
    at.selectbox(key="audit_action").select("export").run()
    frame = pd.read_csv(io.BytesIO(audit.to_csv(at.dataframe[0].value)), sep=";", encoding="utf-8-sig")
    assert list(frame.columns)[:4] == ["tijd (UTC)", "gebruiker", "rol", "actie"] and len(frame) == 3
    fetch_audit_csv(site, {"action": "export"})
    exported = rows(site, action="export", object_type="auditlog")
    assert len(exported) == 1 and json.loads(exported[0].details)["rijen"] == 3
    assert json.loads(exported[0].details)["action"] == "export"


def test_user_admin_refuses_bad_input_with_dutch_messages(site):
    at = app(username="beheer").run()
    at.switch_page("pages/beheer.py").run()
    at.text_input(key="user_add_username").input("Met Spatie")
    at.text_input(key="user_add_name").input("X")
    at.text_input(key="user_add_password").input("een-lang-wachtwoord")
    user_admin_submit(at, "user_add_submit")
    assert any(e.value.startswith("Een gebruikersnaam heeft 2 tot 64 tekens") for e in at.error)
    at.text_input(key="user_add_username").input("kort")
    at.text_input(key="user_add_name").input("Kort Wachtwoord")
    at.text_input(key="user_add_password").input("kort")
    user_admin_submit(at, "user_add_submit")
    assert "Het wachtwoord moet minstens 12 tekens hebben." in [e.value for e in at.error]
    at.selectbox(key="user_status_target").select("beheer")
    user_admin_submit(at, "user_disable_submit")
    assert "Dit is het laatste actieve beheeraccount; het kan niet worden uitgeschakeld." in [e.value for e in at.error]
    with site.connect() as conn:
        assert users.get_user(conn, "beheer").active
        assert users.get_user(conn, "kort") is None
    assert not rows(site, action="gebruiker_toegevoegd")
