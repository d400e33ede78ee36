"""Issue 17 #6: demo mode cannot cover real data. The demo's cookie key lives in a 0600 file beside
the database (never in it); the first real import switches demo mode off with a Dutch warning —
key rotated, demo accounts disabled, banner gone; a demo account cannot import real data; the key
check measures entropy and refuses passphrases of common words."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from alembic import command
from data_access import audit, auth_rules, cookie_keys, demo_mode, users
from data_access.db import make_engine
from data_access.demo_accounts import demo_accounts
from data_access.importers import Options, run_import
from data_access.models import AbsenceCode, AppUser, AuditEvent, Setting
from data_access.schema import alembic_config
from data_access.setup import is_demo

CODES = "code;categorie;omschrijving\nQQ;ongeoorloofd;nieuwe code\n"
DEMO_NAMES = sorted(name for name, _ in demo_accounts())


def db_file(url: str) -> Path:
    return Path(url.split("///", 1)[1])


@pytest.fixture
def demo_db(demo_copy_url):
    eng = make_engine(demo_copy_url)
    with eng.begin() as conn:  # a real administrator, made before the first real import
        users.create_user(conn, "fb.jansen", "F. Jansen", ["beheer"], "een-eigen-lang-wachtwoord")
    yield eng
    eng.dispose()


def key_file(eng) -> Path:
    return demo_mode.key_path(eng)


# --- the key file ---------------------------------------------------------------------------


def test_the_demo_key_is_in_a_0600_file_beside_the_database_and_not_in_it(demo_db, demo_copy_url):
    key = demo_mode.cookie_key(demo_db)
    path = key_file(demo_db)
    assert path == Path(str(db_file(demo_copy_url)) + ".sleutel")
    assert path.read_text().strip() == key and path.stat().st_mode & 0o777 == 0o600
    assert demo_mode.cookie_key(demo_db) == key  # made once, then read
    with demo_db.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        settings = dict(conn.execute(select(Setting.key, Setting.value)).all())
    assert key not in settings.values() and "cookie_key" not in settings
    assert key.encode() not in db_file(demo_copy_url).read_bytes()


def test_a_weak_or_world_readable_key_file_is_replaced_by_a_new_0600_one(demo_db):
    path = key_file(demo_db)
    path.write_text("kort\n")
    new = demo_mode.cookie_key(demo_db)
    assert new != "kort" and cookie_keys.key_problem(new) is None and path.stat().st_mode & 0o777 == 0o600
    os.chmod(path, 0o644)  # copied in by hand, readable by everyone
    newer = demo_mode.cookie_key(demo_db)
    assert newer != new and path.stat().st_mode & 0o777 == 0o600


def test_the_demo_key_files_are_ignored_by_git():
    root = Path(__file__).resolve().parent.parent
    assert "*.sleutel" in (root / ".gitignore").read_text().split()


def test_migration_0009_removes_the_key_the_demo_kept_in_the_database(sqlite_url):
    eng = make_engine(sqlite_url, create=True)
    cfg = alembic_config()
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
    with eng.begin() as conn:
        conn.execute(insert(Setting).values(key="cookie_key", value="oude-sleutel-uit-de-database"))
        conn.execute(insert(Setting).values(key="demo", value="1"))
    with eng.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with eng.connect() as conn:
        assert dict(conn.execute(select(Setting.key, Setting.value)).all()) == {"demo": "1"}
    eng.dispose()


# --- the first real import ------------------------------------------------------------------


def test_the_first_real_import_ends_demo_mode_with_a_dutch_warning(demo_db):
    old_key = demo_mode.cookie_key(demo_db)
    config = auth_rules.CookieConfig("lea_sessie", old_key, 8)
    token, _, _ = auth_rules.issue_token("beheer", config)
    assert is_demo(demo_db)

    result = run_import(demo_db, "verzuimcodes", CODES.encode(), file_name="codes.csv",
                        options=Options(), username="fb.jansen", role="beheer", origin="10.0.0.5")

    assert result.ok and result.written and result.demo_ended
    [warning] = [m for m in result.messages if m.startswith("Let op")]
    assert "De demomodus is uitgeschakeld" in warning and "fictieve gegevens" in warning
    assert "[auth_cookie] key" in warning
    assert warning in result.summary()  # the /beheer import page shows the summary's lines
    assert not is_demo(demo_db)  # app.py shows the banner only when is_demo()
    with demo_db.connect() as conn:
        accounts = {r.username: r for r in conn.execute(select(AppUser.username, AppUser.active,
                                                               AppUser.last_logout_at))}
        assert conn.execute(select(AbsenceCode.code).where(AbsenceCode.code == "QQ")).scalar() == "QQ"
        ended = conn.execute(select(AuditEvent.username, AuditEvent.origin)
                             .where(AuditEvent.action == demo_mode.DEMO_ENDED)).all()
        disabled = conn.execute(select(AuditEvent.object_id).where(AuditEvent.action == audit.USER_DISABLED)
                                .order_by(AuditEvent.object_id)).scalars().all()
        # the demo cookie is refused: signed with the old key, and its account is disabled anyway
        assert not auth_rules.check_token(conn, token, config).ok
    assert [n for n in DEMO_NAMES if accounts[n].active] == []
    assert all(accounts[n].last_logout_at is not None for n in DEMO_NAMES)
    assert accounts["fb.jansen"].active
    assert [tuple(e) for e in ended] == [("fb.jansen", "10.0.0.5")] and disabled == DEMO_NAMES
    new_key = key_file(demo_db).read_text().strip()
    assert new_key != old_key and key_file(demo_db).stat().st_mode & 0o777 == 0o600

    # a second import is an ordinary import
    again = run_import(demo_db, "verzuimcodes", CODES.encode(), file_name="codes.csv", username="fb.jansen")
    assert again.ok and not again.demo_ended and not [m for m in again.messages if m.startswith("Let op")]


def test_a_demo_account_cannot_import_real_data_and_nothing_changes(demo_db):
    result = run_import(demo_db, "verzuimcodes", CODES.encode(), file_name="codes.csv", username="beheer",
                        role="beheer")
    assert not result.ok and not result.written and result.status == "afgewezen"
    assert any("demo-account" in line for line in result.summary())
    assert is_demo(demo_db)
    with demo_db.connect() as conn:
        assert conn.execute(select(AbsenceCode.code).where(AbsenceCode.code == "QQ")).scalar() is None
        assert conn.execute(select(AppUser.active).where(AppUser.username == "beheer")).scalar()


def test_a_dry_run_or_a_rejected_file_keeps_demo_mode(demo_db):
    key = demo_mode.cookie_key(demo_db)
    assert run_import(demo_db, "verzuimcodes", CODES.encode(), file_name="codes.csv",
                      options=Options(dry_run=True), username="fb.jansen").ok
    broken = "code;categorie;omschrijving\nQQ;onbekende-categorie;x\n"
    assert not run_import(demo_db, "verzuimcodes", broken.encode(), file_name="kapot.csv", username="fb.jansen").ok
    assert is_demo(demo_db) and key_file(demo_db).read_text().strip() == key


# --- the key check ------------------------------------------------------------------------


@pytest.mark.parametrize("key", [
    "correct-horse-battery-staple-correct-horse-battery-staple-xx",
    "zomer-fiets-boom-water-huis-kat-regen-wind-vuur-maan-ster-dag",
    "Welkom2024!Welkom2024!Welkom2024!Welkom2024!Welkom2024!",
    "welkomwachtwoordgeheimsleutelgemeenteleerplichtdashboard",
])
def test_passphrases_of_common_words_are_refused(key):
    assert "wachtzin" in cookie_keys.key_problem(key) or "voorbeeld" in cookie_keys.key_problem(key)


def test_a_phrase_of_uncommon_words_is_judged_by_its_words_not_its_letters():
    """Six uncommon words: 56 letters, but about 6 × 13 bits (a word someone picks is worth at most
    a diceware word), so below 128 bits; eleven such words are enough."""
    six = "Tafelpoot-Kruimeldief-Zeemeeuw-Lantaarn-Vensterbank-Oliebol7"
    assert cookie_keys.estimated_entropy_bits(six) == pytest.approx(6 * 13.0 + 1 * 6.57 + 1 * 6.57, abs=0.1)
    assert "te voorspelbaar" in cookie_keys.key_problem(six)
    eleven = "-".join(["Tafelpoot", "Kruimeldief", "Zeemeeuw", "Lantaarn", "Vensterbank", "Oliebol",
                       "Schoorsteen", "Dakgoot", "Fietsbel", "Knikker", "Zandbak"])
    assert cookie_keys.key_problem(eleven) is None


@pytest.mark.parametrize("make", [lambda: secrets.token_urlsafe(32), lambda: secrets.token_hex(32),
                                  lambda: secrets.token_urlsafe(48)])
def test_random_keys_measure_at_least_128_bits(make):
    for _ in range(200):
        key = make()
        assert cookie_keys.estimated_entropy_bits(key) >= 128 and cookie_keys.key_problem(key) is None


def test_a_rebuilt_demo_gets_a_new_key(tmp_path, monkeypatch):
    """`lea demo` (and the first start) build the demo with demo.build_file: old demo cookies end."""
    from data_access import demo

    monkeypatch.setattr(demo, "build", lambda engine, **_: {})  # the schema is enough here
    path = tmp_path / "lea.sqlite"
    demo.build_file(path)
    first = demo_mode.cookie_key(f"sqlite:///{path}")
    demo.build_file(path)
    second = (tmp_path / "lea.sqlite.sleutel").read_text().strip()
    assert second != first and cookie_keys.key_problem(second) is None
    assert (tmp_path / "lea.sqlite.sleutel").stat().st_mode & 0o777 == 0o600
