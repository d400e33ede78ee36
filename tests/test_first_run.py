"""A newcomer's first run: the demo is built whole or not at all, says who can log in, and a
database that is reachable but empty is told apart from one that is down."""
from __future__ import annotations

import secrets
import time
from pathlib import Path

import pytest
from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from data_access import cli, demo, users
from data_access.db import make_engine
from data_access.models import School
from data_access.schema import migrate

APP = str(ROOT / "app.py")
EMPTY_FOR_BEHEER = "**Nog geen gegevens** — maak de demo (`lea demo`) of importeer bestanden op Beheer → Import."


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class Boom(RuntimeError):
    pass


@pytest.fixture
def failing_generator(monkeypatch):
    def fail(self):
        raise Boom("generator kapot")

    monkeypatch.setattr(demo._Generator, "run", fail)


@pytest.fixture
def interrupted_write(monkeypatch):
    def interrupt(conn, data, timings):
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "_write", interrupt)


def test_a_failed_demo_build_leaves_no_database_file(tmp_path, failing_generator):
    with pytest.raises(Boom):
        demo.build_file(tmp_path / "lea.sqlite", password="een-lang-wachtwoord")
    assert files_in(tmp_path) == []


def test_an_interrupted_demo_build_leaves_no_database_file(tmp_path, interrupted_write):
    with pytest.raises(KeyboardInterrupt):
        demo.build_file(tmp_path / "lea.sqlite", password="een-lang-wachtwoord")
    assert files_in(tmp_path) == []


def test_lea_demo_says_in_dutch_what_failed_and_leaves_nothing(tmp_path, failing_generator, capsys):
    code = cli.main(["demo", "--database-url", f"sqlite:///{tmp_path / 'lea.sqlite'}"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == ("Demo-opbouw mislukt (Boom: generator kapot); er is geen database achtergelaten.")
    assert files_in(tmp_path) == []


def test_lea_demo_interrupted_says_so_and_leaves_nothing(tmp_path, interrupted_write, capsys):
    code = cli.main(["demo", "--database-url", f"sqlite:///{tmp_path / 'lea.sqlite'}"])
    assert code == 130
    assert "afgebroken; er is geen database achtergelaten" in capsys.readouterr().err
    assert files_in(tmp_path) == []


def test_lea_demo_prints_url_accounts_roles_and_the_password_once(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LEA_APP_URL", "http://localhost:8599")
    code = cli.main(["demo", "--database-url", f"sqlite:///{tmp_path / 'lea.sqlite'}"])
    out = capsys.readouterr().out
    assert code == 0
    assert files_in(tmp_path) == ["lea.sqlite"]  # no build file, no write-ahead log left beside it
    lines = out.splitlines()
    assert "Open http://localhost:8599 en log in met een van deze demo-accounts:" in lines
    accounts = [line.split() for line in lines if line.startswith("  ")]
    assert accounts == [["portefeuillehouder", "portefeuillehouder"], ["lea", "lea"], ["leerplicht", "leerplicht"],
                        ["beheer", "beheer"], ["lpa2", "leerplicht"], ["lpa3", "leerplicht"]]
    password_lines = [line for line in lines if line.startswith("Wachtwoord (wordt maar één keer getoond): ")]
    assert len(password_lines) == 1
    password = password_lines[0].rsplit(" ", 1)[1]
    assert out.count(password) == 1
    assert any("lea demo --password" in line for line in lines)  # how to choose one next time
    eng = make_engine(f"sqlite:///{tmp_path / 'lea.sqlite'}")
    with eng.connect() as conn:
        assert users.get_user(conn, "lea").roles == ("lea",)
    eng.dispose()


def test_lea_demo_does_not_overwrite_real_data(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'lea.sqlite'}"
    eng = make_engine(url, create=True)
    migrate(eng)
    with eng.begin() as conn:
        conn.execute(insert(School).values(vestigingsnummer="99ZZ00", brin="99ZZ", name="Echte school",
                                           sector="BAO"))
    eng.dispose()
    before = (tmp_path / "lea.sqlite").read_bytes()
    assert cli.main(["demo", "--database-url", url]) == 1
    assert "bevat echte gegevens; de demo overschrijft die niet" in capsys.readouterr().err
    assert (tmp_path / "lea.sqlite").read_bytes() == before


# --- a reachable database without data ------------------------------------------------------


@pytest.fixture
def empty_db(tmp_path, app_env, monkeypatch):
    """A migrated database without schools (a real installation, so a real cookie key)."""
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(f'[auth_cookie]\nkey = "{secrets.token_urlsafe(48)}"\n')
    monkeypatch.setenv("LEA_SECRETS_FILE", str(secrets_file))
    url = f"sqlite:///{tmp_path / 'leeg.sqlite'}"
    eng = make_engine(url, create=True)
    migrate(eng)
    app_env(url)
    yield eng
    eng.dispose()


def run_as(username: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if username:
        at.session_state["lea_username"] = username
        at.session_state["lea_auth_at"] = time.time() + 1
    return at.run()


def test_an_empty_database_without_accounts_says_how_to_start(empty_db):
    at = run_as(None)
    assert not at.exception
    assert [i.value for i in at.info] == [
        "Deze installatie heeft nog geen accounts. Functioneel beheer maakt ze met `lea user add` "
        "(of bouwt de demo met `lea demo`)."]
    assert not at.error  # reachable: not "niet bereikbaar"


def test_an_empty_database_tells_beheer_what_to_do(empty_db):
    with empty_db.begin() as conn:
        users.add_user(conn, "fb", "Functioneel Beheer", ["beheer"], "een-lang-wachtwoord")
    at = run_as("fb")
    assert not at.exception
    assert EMPTY_FOR_BEHEER in [i.value for i in at.info]
    assert not at.error


def test_an_empty_database_tells_others_plainly(empty_db):
    with empty_db.begin() as conn:
        users.add_user(conn, "partner", "LEA Partner", ["lea"], "een-lang-wachtwoord")
    at = run_as("partner")
    assert not at.exception
    assert [t.value for t in at.title] == ["Nog geen gegevens"]
    assert [i.value for i in at.info] == ["Het dashboard heeft nog geen gegevens. Functioneel beheer vult het met "
                                          "een import; probeer het daarna opnieuw."]
    assert not at.error and not at.dataframe
