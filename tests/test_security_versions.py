"""Issue 17 #8 (finding 9): no lost update. Cases and status reports carry a version; a save on
a stale version is refused with a Dutch message naming what changed, and nothing is lost — the
officer retries with the current version. SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import insert, select, text

from data_access import cases
from data_access.models import Concern, ConcernNote, Pupil, School, StatusReport
from data_access.status_reports import NewReport, StaleReport, add_report, current_version
from fixtures import status as status_fixture

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    return request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")


@pytest.fixture
def case_db(db):
    with db.begin() as conn:
        conn.execute(insert(School).values(id=1, vestigingsnummer="01AB00", brin="01AB", name="De Es", sector="po"))
        conn.execute(insert(Pupil).values(id=1, pseudonym="P-1", first_name="A", last_name="B",
                                          birth_date=dt.date(2012, 1, 1), school_id=1))
        conn.execute(insert(Concern).values(id=1, pupil_id=1, opened_on=dt.date(2026, 1, 5), source="school",
                                            reason="verzuim", status="open", phase="intake"))
    return db


def save(db, author: str, version: int | None, **change):
    with db.begin() as conn:
        return cases.change_case_status(conn, concern_id=1, author=author, role="leerplicht", on=TODAY,
                                        expected_version=version, **change)


def test_a_new_case_starts_at_version_1_and_each_save_adds_one(case_db):
    with case_db.connect() as conn:
        assert cases.case_version(conn, 1) == 1
    save(case_db, "lpa1", 1, status="in_behandeling")
    save(case_db, "lpa1", 2, status="in_behandeling", next_action="huisbezoek")
    with case_db.connect() as conn:
        assert cases.case_version(conn, 1) == 3


def test_a_save_on_a_stale_version_is_refused_naming_what_changed(case_db):
    save(case_db, "lpa1", 1, status="in_behandeling", phase="onderzoek", next_action="Huisbezoek plannen")
    with pytest.raises(cases.StaleCase) as refused:
        save(case_db, "lpa2", 1, status="gesloten", note="Schoolgang hersteld")
    message = str(refused.value)
    assert message.startswith("Deze zaak is intussen gewijzigd door lpa1 (")
    assert "nu: status in_behandeling, fase onderzoek, volgende actie Huisbezoek plannen." in message
    assert "niet opgeslagen maar staat nog in het formulier" in message
    assert refused.value.current_version == 2
    assert isinstance(refused.value, cases.CaseError)  # forms that show CaseError show this too
    with case_db.connect() as conn:
        case = conn.execute(select(Concern.status, Concern.version).where(Concern.id == 1)).one()
        notes = conn.execute(select(ConcernNote.author).order_by(ConcernNote.id)).scalars().all()
    assert tuple(case) == ("in_behandeling", 2) and notes == ["lpa1"]  # nothing of lpa2 was written


def test_two_concurrent_case_saves_the_second_is_told_and_nothing_is_lost(case_db):
    """Both officers drew the form at version 1 and press save at the same moment."""
    drawn = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def officer(name: str, next_action: str):
        with case_db.connect() as conn:
            version = cases.case_version(conn, 1)
        drawn.wait()
        try:
            save(case_db, name, version, status="in_behandeling", next_action=next_action)
            outcome[name] = "opgeslagen"
        except cases.StaleCase as exc:
            outcome[name] = exc

    threads = [threading.Thread(target=officer, args=("lpa1", "Huisbezoek")),
               threading.Thread(target=officer, args=("lpa2", "Gesprek school"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(v == "opgeslagen" for v in outcome.values()) == [False, True]
    [loser] = [name for name, v in outcome.items() if v != "opgeslagen"]
    winner = "lpa2" if loser == "lpa1" else "lpa1"
    assert f"gewijzigd door {winner}" in str(outcome[loser])
    # the loser's input is still in the form: the retry on the current version is stored
    save(case_db, loser, outcome[loser].current_version, status="in_behandeling", next_action="Retry")
    with case_db.connect() as conn:
        notes = conn.execute(select(ConcernNote.author).order_by(ConcernNote.id)).scalars().all()
        case = conn.execute(select(Concern.next_action, Concern.version).where(Concern.id == 1)).one()
    assert notes == [winner, loser] and tuple(case) == ("Retry", 3)


def test_without_a_version_a_save_still_works_and_counts(case_db):
    save(case_db, "lpa1", None, status="in_behandeling")
    with case_db.connect() as conn:
        assert cases.case_version(conn, 1) == 2


def test_a_case_that_is_gone_says_so(case_db):
    with pytest.raises(cases.CaseError, match="bestaat niet"):
        with case_db.begin() as conn:
            cases.change_case_status(conn, concern_id=99, author="a", role="leerplicht", status="open",
                                     expected_version=1)


# --- status reports -------------------------------------------------------------------------


@pytest.fixture
def report_db(db):
    ids = status_fixture.build(db, users=False, reports=False, evidence=False)
    return db, ids["actions"]["LEA-01"], ids["periods"]["2024-T1"]


def add(db, action, period, author, lights, version):
    with db.begin() as conn:
        return add_report(conn, NewReport(action, period, *lights, cause="c", consequence="g", measure="m"),
                          username=author, roles=["leerplicht"], expected_version=version)


def test_status_reports_are_numbered_and_a_stale_correction_is_refused(report_db):
    db, action, period = report_db
    with db.connect() as conn:
        assert current_version(conn, action, period) == 0
    add(db, action, period, "lpa1", ("groen", "groen", "groen"), 0)
    add(db, action, period, "lpa1", ("oranje", "groen", "groen"), 1)
    with pytest.raises(StaleReport) as refused:  # lpa2 drew the form before lpa1's correction
        add(db, action, period, "lpa2", ("rood", "rood", "rood"), 1)
    [message] = refused.value.messages
    assert "intussen een rapportage toegevoegd door lpa1 (" in message
    assert "kwaliteit oranje, tijd groen, geld groen" in message
    assert refused.value.current_version == 2
    add(db, action, period, "lpa2", ("rood", "rood", "rood"), refused.value.current_version)
    with db.connect() as conn:
        rows = conn.execute(select(StatusReport.author, StatusReport.quality, StatusReport.version)
                            .order_by(StatusReport.id)).all()
    assert [tuple(r) for r in rows] == [("lpa1", "groen", 1), ("lpa1", "oranje", 2), ("lpa2", "rood", 3)]


def test_two_reports_claiming_the_same_version_cannot_both_be_stored(report_db):
    """The unique index is the last line: a row that claims a taken version is refused."""
    db, action, period = report_db
    add(db, action, period, "lpa1", ("groen", "groen", "groen"), 0)
    with pytest.raises(Exception):
        with db.begin() as conn:
            conn.execute(insert(StatusReport).values(
                action_id=action, reporting_period_id=period, quality="rood", time="rood", money="rood",
                author="x", created_at=dt.datetime(2026, 1, 1), version=1))


def test_the_migration_numbers_existing_reports_by_creation_time(sqlite_url):
    """Reports written before 0008 get 1, 2, … per action and period, oldest first."""
    from data_access.db import make_engine
    from data_access.schema import alembic_config

    from alembic import command

    eng = make_engine(sqlite_url, create=True)
    cfg = alembic_config()
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
    ids = status_fixture.build(eng, users=False, reports=True, evidence=False)
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with eng.connect() as conn:
        rows = conn.execute(text("SELECT author, created_at, version FROM status_report "
                                 "WHERE action_id = :a AND reporting_period_id = :p ORDER BY id"),
                            {"a": ids["actions"]["LEA-02"], "p": ids["periods"]["2024-T1"]}).all()
    eng.dispose()
    assert [(r.author, r.version) for r in rows] == [("lpa", 1), ("admin", 2)]


# --- the case form on /jongeren -------------------------------------------------------------


def test_the_case_form_tells_a_stale_save_what_changed_and_keeps_the_input_for_a_retry(sqlite_url, app_env, request):
    from streamlit.testing.v1 import AppTest

    youths_db = request.getfixturevalue("youths_db")  # the /jongeren fixture (fixtures/youths.py)
    app_env(sqlite_url)
    at = AppTest.from_file("../pages/jongeren.py", default_timeout=60)
    at.session_state["lea_username"] = "leerplicht"
    at.query_params["jongere"] = "P-ZAAK"
    at.run()  # the officer opens the case: the form starts from its version now
    with youths_db.connect() as conn:
        concern_id = conn.execute(select(Concern.id).where(Concern.pupil_id == 10)).scalar_one()
        version = cases.case_version(conn, concern_id)
    with youths_db.begin() as conn:  # meanwhile a colleague saves the same case
        cases.change_case_status(conn, concern_id=concern_id, author="lpa2", role="leerplicht", status="in_behandeling",
                                 next_action="Huisbezoek", expected_version=version)
    next(t for t in at.text_input if t.label == "Volgende actie").input("Gesprek op school")
    save = lambda: next(b for b in at.button if b.label == "Wijziging opslaan").click().run()  # noqa: E731
    save()
    assert not at.exception and not [s for s in at.success if "Zaak bijgewerkt" in s.value]
    [error] = [e.value for e in at.error]
    assert "gewijzigd door lpa2" in error and "volgende actie Huisbezoek" in error
    assert next(t for t in at.text_input if t.label == "Volgende actie").value == "Gesprek op school"  # kept
    save()  # the retry, now that the officer knows
    assert any("Zaak bijgewerkt" in s.value for s in at.success)
    with youths_db.connect() as conn:
        case = conn.execute(select(Concern.next_action, Concern.version).where(Concern.id == concern_id)).one()
        authors = conn.execute(select(ConcernNote.author).where(ConcernNote.concern_id == concern_id,
                                                                ConcernNote.status.is_not(None))
                               .order_by(ConcernNote.id)).scalars().all()
    assert tuple(case) == ("Gesprek op school", version + 2) and authors[-2:] == ["lpa2", "leerplicht"]
