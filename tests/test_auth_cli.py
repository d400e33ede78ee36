"""`lea user add|roles|password|disable|enable|list` on SQLite and PostgreSQL."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from data_access import auth_rules, cli, users
from data_access.db import get_engine
from data_access.models import AuditEvent


def lea(url: str, *args: str, stdin: str | None = None, monkeypatch=None) -> int:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(["user", *args, "--database-url", url])


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request):
    if request.param == "sqlite":
        request.getfixturevalue("engine")  # the file exists (lea init); a missing one is refused
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


def check_password(url: str, username: str, password: str) -> bool:
    from streamlit_authenticator.models import AuthenticationModel

    with get_engine(url).connect() as conn:
        return AuthenticationModel(auth_rules.credentials(conn), auto_hash=False).check_credentials(username, password) is True


def test_add_roles_password_disable_enable(url, monkeypatch, capsys):
    assert lea(url, "add", "bea", "--name", "Bea Beheer", "--roles", "beheer,lea", "--email", "bea@gemeente.example",
               "--password-stdin", stdin="een-lang-wachtwoord\n", monkeypatch=monkeypatch) == 0
    assert lea(url, "add", "lotte", "--name", "Lotte", "--roles", "leerplicht", stdin="", monkeypatch=monkeypatch) == 0
    out = capsys.readouterr().out
    generated = out.split("Tijdelijk wachtwoord (wordt niet opnieuw getoond): ")[1].split()[0]
    assert check_password(url, "bea", "een-lang-wachtwoord") and check_password(url, "lotte", generated)

    assert lea(url, "roles", "lotte", "leerplicht,portefeuillehouder") == 0
    assert lea(url, "password", "lotte", "--password-stdin", stdin="nieuw-lang-wachtwoord\n", monkeypatch=monkeypatch) == 0
    assert check_password(url, "lotte", "nieuw-lang-wachtwoord") and not check_password(url, "lotte", generated)
    assert lea(url, "disable", "lotte") == 0
    assert not check_password(url, "lotte", "nieuw-lang-wachtwoord")  # not in the credentials any more
    assert lea(url, "enable", "lotte") == 0
    assert lea(url, "list") == 0
    listing = capsys.readouterr().out
    assert "lotte" in listing and "portefeuillehouder,leerplicht" in listing

    with get_engine(url).connect() as conn:
        user = users.get_user(conn, "lotte")
        rows = conn.execute(select(AuditEvent.__table__).order_by(AuditEvent.id)).all()
    assert user.roles == ("portefeuillehouder", "leerplicht") and user.active
    assert [(r.action, r.object_type, r.object_id, r.role) for r in rows] == [
        ("gebruiker_toegevoegd", "gebruiker", "bea", "cli"),
        ("gebruiker_toegevoegd", "gebruiker", "lotte", "cli"),
        ("rollen_gewijzigd", "gebruiker", "lotte", "cli"),
        ("wachtwoord_gewijzigd", "gebruiker", "lotte", "cli"),
        ("gebruiker_uitgeschakeld", "gebruiker", "lotte", "cli"),
        ("gebruiker_ingeschakeld", "gebruiker", "lotte", "cli"),
    ]
    assert all(r.username.startswith("cli") for r in rows)
    assert json.loads(rows[2].details) == {"oud": ["leerplicht"], "nieuw": ["portefeuillehouder", "leerplicht"]}
    text = repr(rows)
    assert "wachtwoord" not in text.replace("wachtwoord_gewijzigd", "") and "Bea Beheer" not in text
    assert generated not in text and "bea@gemeente.example" not in text


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (("add", "Bea", "--name", "B", "--roles", "lea"), "een-lang-wachtwoord\n", "Een gebruikersnaam heeft"),
    (("add", "bea", "--name", "B", "--roles", "baas"), "een-lang-wachtwoord\n", "Onbekende rol(len): baas"),
    (("add", "bea", "--name", "B", "--roles", "lea", "--password-stdin"), "kort\n", "minstens 12 tekens"),
    (("roles", "niemand", "lea"), None, "Gebruiker niemand bestaat niet."),
    (("disable", "niemand"), None, "Gebruiker niemand bestaat niet."),
])
def test_refusals_are_dutch_and_change_nothing(sqlite_url, monkeypatch, capsys, args, stdin, message):
    cli.main(["init", "--database-url", sqlite_url])
    code = lea(sqlite_url, *args, stdin=stdin if stdin is not None else "", monkeypatch=monkeypatch)
    assert code == 1
    assert message in capsys.readouterr().err
    with get_engine(sqlite_url).connect() as conn:
        assert users.list_users(conn) == []
        assert conn.execute(select(AuditEvent.id)).first() is None


def test_the_last_beheer_account_keeps_its_role(engine, sqlite_url, monkeypatch, capsys):
    lea(sqlite_url, "add", "bea", "--name", "Bea", "--roles", "beheer", stdin="", monkeypatch=monkeypatch)
    assert lea(sqlite_url, "roles", "bea", "lea") == 1
    assert lea(sqlite_url, "disable", "bea") == 1
    assert "laatste actieve beheeraccount" in capsys.readouterr().err
    lea(sqlite_url, "add", "ben", "--name", "Ben", "--roles", "beheer", stdin="", monkeypatch=monkeypatch)
    assert lea(sqlite_url, "disable", "bea") == 0
