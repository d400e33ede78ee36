"""Schema, migrations, settings and the CLI on SQLite and on a real PostgreSQL server."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import inspect, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from data_access import models, settings
from data_access.cli import main as lea
from data_access.db import make_engine
from data_access.schema import current_revision, head_revision, is_current, migrate

EXPECTED_TABLES = {
    "school", "school_enrolment", "pupil", "pupil_enrolment", "absence", "absence_code",
    "verzuimmelding", "contact", "concern", "concern_note", "period", "policy_action", "action_kpi",
    "reporting_period", "status_report", "audit_event", "app_user", "login_attempt", "setting",
    "absence_week", "absence_month", "absentee_year", "pupil_year", "signal16", "contact_week",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request):
    return request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")


def test_migrations_create_every_table_and_are_current(any_engine):
    assert EXPECTED_TABLES <= set(inspect(any_engine).get_table_names())
    assert current_revision(any_engine) == head_revision()
    assert is_current(any_engine)
    migrate(any_engine)  # running again changes nothing
    assert is_current(any_engine)


def test_models_round_trip_a_school_and_a_pupil(any_engine):
    with any_engine.begin() as conn:
        conn.execute(insert(models.School).values(id=1, vestigingsnummer="04ZO00", brin="04ZO",
                                                  name="OBS De Esdoorn", sector="BAO"))
        conn.execute(insert(models.Pupil).values(id=1, pseudonym="PX1", first_name="Test",
                                                 last_name="Fixture", birth_date=dt.date(2015, 3, 1),
                                                 school_id=1, grade=4))
    with any_engine.connect() as conn:
        row = conn.execute(select(models.Pupil.birth_date, models.School.name)
                           .join(models.School)).one()
    assert row == (dt.date(2015, 3, 1), "OBS De Esdoorn")


def _add_status_report(conn) -> int:
    conn.execute(insert(models.PolicyAction).values(id=1, code="A1", programme="LEA", title="Pilot",
                                                    portfolio_holder="wethouder Onderwijs"))
    conn.execute(insert(models.ReportingPeriod).values(id=1, name="2024-T1", start=dt.date(2024, 1, 1),
                                                       end=dt.date(2024, 4, 30)))
    conn.execute(insert(models.StatusReport).values(
        id=1, action_id=1, reporting_period_id=1, quality="groen", time="groen", money="groen",
        author="beheer", created_at=dt.datetime(2024, 4, 30, 12)))
    return 1


def test_status_reports_are_append_only_in_the_database(any_engine):
    with any_engine.begin() as conn:
        _add_status_report(conn)
        conn.execute(insert(models.AuditEvent).values(at=dt.datetime(2024, 5, 1), username="beheer",
                                                      action="login"))
    with pytest.raises(DBAPIError, match="append-only"):
        with any_engine.begin() as conn:
            conn.execute(update(models.StatusReport).values(quality="rood"))
    with pytest.raises(DBAPIError, match="append-only"):
        with any_engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_event"))
    with any_engine.connect() as conn:
        assert conn.execute(select(models.StatusReport.quality)).scalar() == "groen"


def test_sqlite_runs_with_wal_and_foreign_keys(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_personal_data_columns_are_marked_on_the_model():
    marked = models.personal_columns()
    assert {"first_name", "last_name", "birth_date"} <= set(marked["pupil"])
    assert "notes" in marked["contact"]
    assert "school" not in marked and "audit_event" not in marked


def test_database_url_order_env_then_secrets_then_default(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[connections.lea]\nurl = "postgresql+psycopg://u@h/db"\n')
    monkeypatch.setenv("LEA_SECRETS_FILE", str(secrets))
    monkeypatch.setenv("LEA_DATABASE_URL", "sqlite:///env.sqlite")
    assert settings.database_url() == "sqlite:///env.sqlite"
    monkeypatch.delenv("LEA_DATABASE_URL")
    assert settings.database_url() == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("LEA_SECRETS_FILE", str(tmp_path / "missing.toml"))
    assert settings.database_url() == f"sqlite:///{settings.DEFAULT_SQLITE_PATH}"


def test_cli_init_then_check_reports_current_schema_and_counts(sqlite_url, capsys):
    # a file that does not exist is refused with its name (a typing error), not made empty
    assert lea(["check", "--database-url", sqlite_url]) == 2
    assert f"Het databasebestand {sqlite_url.split('///', 1)[1]} bestaat niet" in capsys.readouterr().err
    assert not Path(sqlite_url.split("///", 1)[1]).exists()
    assert lea(["init", "--database-url", sqlite_url]) == 0
    capsys.readouterr()
    assert lea(["check", "--database-url", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert "actueel" in out and "absence" in out


def test_cli_check_on_unreachable_database_says_so(capsys):
    code = lea(["check", "--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/none"])
    assert code == 2
    assert "niet bereikbaar" in capsys.readouterr().err


def test_postgres_cli_init(pg_url, capsys):
    assert lea(["init", "--database-url", pg_url]) == 0
    assert is_current(make_engine(pg_url))
