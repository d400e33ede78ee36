"""Issue 17 #7: an audit log that answers "who saw youth X", holds against INSERT OR REPLACE and,
on PostgreSQL, against the app's own role (TRUNCATE, trigger removal); the origin comes from a
configured number of trusted proxies, not from the first X-Forwarded-For entry."""
from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url

from data_access import audit, users
from data_access.db import make_engine
from data_access.models import AuditEvent
from data_access.queries import youths
from data_access.schema import migrate
from ui.admin.audit_download import DownloadRefused, audit_csv_file
from ui.guard import client_origin
from ui.youths.export import export_file


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    name = "engine" if request.param == "sqlite" else "pg_engine"
    return request.getfixturevalue(name)


def actions_of(frame) -> list[tuple[str, str]]:
    return list(zip(frame["gebruiker"], frame["actie"]))


def test_who_saw_youth_x_finds_list_views_exports_and_the_file_but_not_other_youths(db):
    with db.begin() as conn:
        shown = audit.record(conn, "bekijk_lijst", username="lpa1", role="leerplicht", object_type="lijst",
                             object_id="jongeren", pupil_ids=[7, 3, 7, 12])
        audit.record(conn, "bekijk_lijst", username="lpa2", role="leerplicht", object_type="lijst",
                     object_id="jongeren", pupil_ids=[4, 5])
        audit.record(conn, "bekijk_jongere", username="lpa3", role="leerplicht", object_type="pupil", object_id=7)
        audit.record(conn, "bekijk_jongere", username="lpa4", role="leerplicht", object_type="pupil", object_id=70)
        audit.record(conn, "inloggen", username="lpa5", object_type="gebruiker", object_id="7")
    with db.connect() as conn:
        assert audit.pupil_ids_of(conn, shown) == [3, 7, 12]  # each pupil once, however often passed
        assert actions_of(audit.who_saw(conn, 7)) == [("lpa3", "bekijk_jongere"), ("lpa1", "bekijk_lijst")]
        assert actions_of(audit.who_saw(conn, 5)) == [("lpa2", "bekijk_lijst")]
        assert actions_of(audit.who_saw(conn, 7, username="lpa1")) == [("lpa1", "bekijk_lijst")]
        assert audit.who_saw(conn, 99).empty


def test_the_youth_list_export_names_its_pupils_in_audit_pupil(engine):
    user = type("U", (), {"username": "lpa1", "role_label": "leerplicht"})()
    import pandas as pd

    export_file(engine, user, youths.YouthFilters(), dt.date(2026, 3, 2), "Casusoverleg met school of zorgpartner",
                "", "csv", pd.DataFrame({"pseudoniem": ["P-1", "P-2"]}), [21, 22], "10.0.0.1")()
    with engine.connect() as conn:
        [event] = conn.execute(select(AuditEvent.__table__).where(AuditEvent.action == audit.EXPORT)).all()
        assert audit.pupil_ids_of(conn, event.id) == [21, 22]
        assert (event.username, event.origin) == ("lpa1", "10.0.0.1")
        assert json.loads(event.details)["rijen"] == 2
        assert actions_of(audit.who_saw(conn, 22)) == [("lpa1", "export")]


def _beheer(engine, username="beheerder"):
    with engine.begin() as conn:
        users.create_user(conn, username=username, name="B", roles=["beheer"], password=None)


def test_the_audit_csv_is_audited_when_fetched_with_the_pupils_it_holds(engine):
    _beheer(engine)
    with engine.begin() as conn:
        audit.record(conn, "bekijk_jongere", username="lpa1", object_type="pupil", object_id=31)
        audit.record(conn, "bekijk_lijst", username="lpa1", object_type="lijst", pupil_ids=[31, 32])
    fetch = audit_csv_file(engine, "beheerder", time.time(), {"username": "lpa1"}, None, "10.0.0.9")
    for _ in range(2):  # every fetch of the file id is its own event
        assert fetch().count(b"lpa1") == 2
    with engine.connect() as conn:
        exports = conn.execute(select(AuditEvent.__table__).where(AuditEvent.object_type == audit.OBJECT_AUDIT)
                               .order_by(AuditEvent.id)).all()
        assert [(e.username, e.result, e.origin) for e in exports] == [("beheerder", "ok", "10.0.0.9")] * 2
        assert json.loads(exports[0].details) == {"username": "lpa1", "rijen": 2}
        # the list view's pupils are not in the CSV (only the event row is): only the detail view's pupil is
        assert audit.pupil_ids_of(conn, exports[0].id) == [31]


def test_the_audit_csv_is_refused_and_the_refusal_audited_after_the_account_is_disabled(engine):
    _beheer(engine)
    _beheer(engine, "tweede")  # the last active beheer account cannot be disabled
    fetch = audit_csv_file(engine, "beheerder", time.time() - 5, {}, None, None)
    with engine.begin() as conn:
        users.set_active(conn, "beheerder", False)
    with pytest.raises(DownloadRefused, match="niet meer toegestaan"):
        fetch()
    with engine.connect() as conn:
        results = conn.execute(select(AuditEvent.result).where(AuditEvent.object_type == audit.OBJECT_AUDIT)).scalars()
        assert list(results) == ["geweigerd"]


@pytest.mark.parametrize("statement", [
    "INSERT OR REPLACE INTO audit_event (id, at, action, result) VALUES (:id, '2020-01-01', 'vervalst', 'ok')",
    "REPLACE INTO audit_event (id, at, action, result) VALUES (:id, '2020-01-01', 'vervalst', 'ok')",
    "INSERT OR REPLACE INTO audit_pupil (event_id, pupil_id) VALUES (:id, 5)",
])
def test_sqlite_insert_or_replace_cannot_overwrite_an_audit_row(engine, statement):
    with engine.begin() as conn:
        event_id = audit.record(conn, "bekijk_lijst", username="lpa1", pupil_ids=[5])
    with pytest.raises(Exception, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text(statement), {"id": event_id})
    with engine.connect() as conn:
        assert conn.execute(select(AuditEvent.action)).scalars().all() == ["bekijk_lijst"]
        assert audit.pupil_ids_of(conn, event_id) == [5]


def test_sqlite_audit_pupil_refuses_update_and_delete(engine):
    with engine.begin() as conn:
        audit.record(conn, "bekijk_lijst", username="lpa1", pupil_ids=[5])
    for statement in ("UPDATE audit_pupil SET pupil_id = 6", "DELETE FROM audit_pupil"):
        with pytest.raises(Exception, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(statement))


def test_sqlite_a_new_event_still_gets_its_own_id(engine):
    """The no-replace trigger must not refuse ordinary inserts (NEW.id is not known yet)."""
    with engine.begin() as conn:
        ids = [audit.record(conn, "x", username="a") for _ in range(3)]
        conn.execute(insert(AuditEvent).values(at=audit.utcnow(), action="y", result="ok"))
    assert ids == [1, 2, 3]


def app_role_engine(pg_url):
    url = make_url(pg_url).set(username="lea_app")
    return make_engine(url.render_as_string(hide_password=False))


def test_postgresql_the_app_role_cannot_truncate_or_disarm_the_audit_log(pg_engine, pg_url):
    with pg_engine.connect() as conn:
        owners = dict(conn.execute(text("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'")).all())
    assert owners["audit_event"] == owners["audit_pupil"] == owners["concern"] == "lea_owner"
    app = app_role_engine(pg_url)
    try:
        migrate(app)  # the app's start-up migrate at head needs nothing the app role lacks
        with app.begin() as conn:  # the app role writes what the app writes
            event_id = audit.record(conn, "bekijk_lijst", username="lpa1", pupil_ids=[1, 2])
            conn.execute(text("UPDATE app_user SET name = name"))
        refused = [
            "TRUNCATE audit_event", "TRUNCATE audit_event CASCADE", "TRUNCATE audit_pupil", "TRUNCATE status_report",
            "DELETE FROM audit_event", "UPDATE audit_event SET username = 'x'", "DELETE FROM audit_pupil",
            "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
            "DROP TRIGGER audit_event_append_only ON audit_event", "DROP TABLE audit_pupil",
        ]
        for statement in refused:
            with pytest.raises(Exception, match="permission denied|must be owner"):
                with app.begin() as conn:
                    conn.execute(text(statement))
        with app.connect() as conn:
            assert audit.pupil_ids_of(conn, event_id) == [1, 2]
    finally:
        app.dispose()


def test_postgresql_even_the_owner_cannot_truncate_without_removing_the_trigger(pg_engine):
    with pg_engine.begin() as conn:
        audit.record(conn, "x", username="a", pupil_ids=[1])
    for table in ("audit_event", "audit_pupil"):
        with pytest.raises(Exception, match="append-only"):
            with pg_engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {table} CASCADE"))


# --- origin --------------------------------------------------------------------------------


@pytest.mark.parametrize("forwarded, hops, expected", [
    ("6.6.6.6", 0, "10.0.0.2"),                     # no proxy trusted: the header is the client's own word
    ("6.6.6.6, 203.0.113.5", 1, "203.0.113.5"),     # nginx appended the peer it saw; the rest is forged
    ("203.0.113.5", 1, "203.0.113.5"),
    ("6.6.6.6, 203.0.113.5, 10.1.1.1", 2, "203.0.113.5"),
    ("203.0.113.5", 2, "10.0.0.2"),                 # fewer entries than proxies: the peer, not a guess
    (None, 1, "10.0.0.2"),
    ("", 1, "10.0.0.2"),
])
def test_origin_is_taken_from_the_trusted_proxy_count(forwarded, hops, expected):
    assert client_origin(forwarded, "10.0.0.2", "lea.example", hops) == expected


def test_origin_without_an_address_is_the_host_or_nothing():
    assert client_origin("6.6.6.6", None, "lea.example", 0) == "lea.example"
    assert client_origin(None, None, None, 0) is None


# --- the /audit page ------------------------------------------------------------------------


def test_the_audit_page_answers_who_saw_youth_x_including_list_views(demo_copy_url, app_env, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from data_access.models import Pupil

    monkeypatch.setenv("LEA_SECRETS_FILE", str(tmp_path / "geen-secrets.toml"))
    app_env(demo_copy_url)
    eng = make_engine(demo_copy_url)
    try:
        with eng.connect() as conn:
            (x, pseudonym), (other, _) = conn.execute(select(Pupil.id, Pupil.pseudonym).order_by(Pupil.id).limit(2)).all()
        with eng.begin() as conn:
            audit.record(conn, "bekijk_lijst", username="lpa2", role="leerplicht", object_type="lijst",
                         object_id="jongeren", pupil_ids=[x, other])
            audit.record(conn, "bekijk_lijst", username="lpa3", role="leerplicht", object_type="lijst",
                         object_id="jongeren", pupil_ids=[other])
            audit.record(conn, "bekijk_jongere", username="leerplicht", role="leerplicht", object_type="pupil",
                         object_id=x)
        at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=90)
        at.session_state["lea_username"] = "beheer"
        at.session_state["lea_auth_at"] = time.time()
        at.run()
        at.switch_page("pages/audit.py").run()
        field = at.text_input(key="audit_pupil")
        assert field.label == "Wie zag jongere (pseudoniem)…"
        field.input(pseudonym).run()
        assert not at.exception
        shown = at.dataframe[0].value
        assert sorted(zip(shown["gebruiker"], shown["actie"])) == [("leerplicht", "bekijk_jongere"),
                                                                   ("lpa2", "bekijk_lijst")]
    finally:
        eng.dispose()


def test_the_list_view_audit_names_the_pupils_it_showed(engine):
    with engine.begin() as conn:
        youths.record_list_view(conn, "lpa1", "leerplicht", youths.YouthFilters(), dt.date(2026, 3, 2), 3,
                                "10.0.0.1", pupil_ids=[5, 9, 7])
        youths.record_list_view(conn, "lpa2", "leerplicht", youths.YouthFilters(), dt.date(2026, 3, 2), 0)
    with engine.connect() as conn:
        first, second = conn.execute(select(AuditEvent.id).order_by(AuditEvent.id)).scalars().all()
        assert audit.pupil_ids_of(conn, first) == [5, 7, 9] and audit.pupil_ids_of(conn, second) == []
        assert actions_of(audit.who_saw(conn, 9)) == [("lpa1", youths.LIST_VIEW)]


def test_the_audit_csv_is_refused_to_a_session_whose_beheer_role_was_removed(engine):
    _beheer(engine)
    _beheer(engine, "tweede")
    with engine.begin() as conn:
        users.set_roles(conn, "beheerder", ["lea"])
    fetch = audit_csv_file(engine, "beheerder", time.time(), {}, None, None)  # a session from after the change
    with pytest.raises(DownloadRefused):
        fetch()
    with engine.connect() as conn:
        [details] = conn.execute(select(AuditEvent.details).where(AuditEvent.object_type == audit.OBJECT_AUDIT)).scalars()
    assert json.loads(details) == {"reden": "rol_ingetrokken"}
