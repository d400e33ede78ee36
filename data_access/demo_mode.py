"""Demo mode: its cookie key lives outside the database, and it ends with the first real import.

The key file
    The demo signs its session cookies with a random key kept in a file of its own with mode
    0600, beside the SQLite database (``data/lea.sqlite`` → ``data/lea.sqlite.sleutel``), or for
    a server database in ``.streamlit/`` — both git-ignored. Never in the database: whoever can
    read the database file (a backup, a copy, 0644 permissions) could otherwise forge a beheer
    cookie. Migration 0009 removes the key the demo used to keep in ``setting``.

The end of demo mode
    The first real import (any kind, not a dry run) into a demo database switches demo mode off
    in the import's own transaction: the setting goes to 0 (the "fictieve gegevens" banner goes
    with it), every demo account is disabled and its sessions ended, and after the commit the
    key file is rotated, so no demo cookie is valid any more. An import by one of the demo
    accounts is refused instead: their shared password would otherwise have imported real
    data, and disabling them would leave nobody to log in.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, select, update

from data_access import audit
from data_access.cookie_keys import key_problem
from data_access.db import sqlite_path
from data_access.demo_accounts import demo_accounts
from data_access.models import AppUser, Setting
from data_access.settings import PROJECT_ROOT

KEY_SUFFIX = ".sleutel"
DEMO_SETTING = "demo"
LEGACY_KEY_SETTING = "cookie_key"   # where the key used to live (removed by migration 0009)
DEMO_ENDED = "demomodus_beeindigd"  # audit action

REFUSED_DEMO_ACCOUNT = (
    "Deze database staat in demomodus. Echte gegevens importeren kan niet met een demo-account (het "
    "wachtwoord is gedeeld en de demo-accounts worden bij de eerste echte import uitgeschakeld). Maak eerst "
    "een eigen beheeraccount (Beheer → Gebruikers, of 'lea user add'), log daarmee in en importeer opnieuw.")
ENDED_WARNING = (
    "Let op: dit was de eerste echte import in de demodatabase. De demomodus is uitgeschakeld: de "
    "demo-accounts ({accounts}) zijn uitgeschakeld en hun sessies beëindigd, de demo-cookiesleutel is "
    "vervangen en de melding 'fictieve gegevens' verdwijnt. Zet nu een eigen cookiesleutel in "
    ".streamlit/secrets.toml onder [auth_cookie] key (zonder start de app niet buiten de demomodus). "
    "De fictieve demogegevens staan nog in deze database: begin voor echt gebruik liever met een lege "
    "database ('lea init' op een nieuw bestand).")


def key_path(engine_or_url: Engine | str) -> Path:
    """Where the demo's cookie key is kept for this database."""
    url = engine_or_url if isinstance(engine_or_url, str) else \
        engine_or_url.url.render_as_string(hide_password=True)
    path = sqlite_path(url)
    if path is not None:
        return path.with_name(path.name + KEY_SUFFIX)
    # a server (or in-memory) database: one file per database, named by a hash of its address
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return PROJECT_ROOT / ".streamlit" / f"demo-{digest}{KEY_SUFFIX}"


def _write_new(path: Path, *, replace: bool) -> None:
    """A new random key in a 0600 file; ``replace``: atomically over an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    target = path.with_name(f".{path.name}.{os.getpid()}.nieuw") if replace else path
    # O_EXCL: never write through a file (or link) someone else put there; mode 0600 from the start
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    if replace:
        os.replace(target, path)


def cookie_key(engine_or_url: Engine | str) -> str:
    """The demo's cookie key: made on first use, kept in its 0600 file."""
    path = key_path(engine_or_url)
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        try:
            _write_new(path, replace=False)
        except FileExistsError:  # another process made it at the same moment: use theirs
            pass
        key = path.read_text().strip()
    if key_problem(key) is not None or (path.stat().st_mode & 0o077):
        # weak, or readable by others (copied in by hand): a new key in a new 0600 file
        _write_new(path, replace=True)
        key = path.read_text().strip()
    return key


def rotate_key(engine_or_url: Engine | str) -> None:
    """Replace the key: every cookie signed with the old one is refused from now on. Without a
    key file there is nothing to replace (the next use makes a new one)."""
    path = key_path(engine_or_url)
    if path.exists():
        _write_new(path, replace=True)


def is_on(conn: Connection) -> bool:
    return conn.execute(select(Setting.value).where(Setting.key == DEMO_SETTING)).scalar() == "1"


def demo_usernames() -> list[str]:
    return [username for username, _role in demo_accounts()]


def import_refusal(conn: Connection, username: str | None) -> str | None:
    """Why this user may not do a real import now (Dutch), or None."""
    if username and is_on(conn) and username in demo_usernames():
        return REFUSED_DEMO_ACCOUNT
    return None


def end(conn: Connection, *, username: str | None, role: str | None = None,
        origin: str | None = None) -> str | None:
    """Switch demo mode off in the caller's transaction; returns the Dutch warning, or None when
    the database was not in demo mode. Rotate the key file (``rotate_key``) after the commit."""
    if not is_on(conn):
        return None
    now = audit.utcnow()
    conn.execute(update(Setting).where(Setting.key == DEMO_SETTING).values(value="0"))
    conn.execute(delete(Setting).where(Setting.key == LEGACY_KEY_SETTING))
    names = demo_usernames()
    present = list(conn.execute(select(AppUser.username).where(AppUser.username.in_(names))
                                .order_by(AppUser.username)).scalars())
    # disabled and cut off: every cookie and open session of these accounts is refused from now on
    conn.execute(update(AppUser).where(AppUser.username.in_(present)).values(active=False, last_logout_at=now))
    for name in present:
        audit.record(conn, audit.USER_DISABLED, username=username, role=role, object_type=audit.OBJECT_USER,
                     object_id=name, origin=origin, details={"reden": "einde demomodus"})
    audit.record(conn, DEMO_ENDED, username=username, role=role, origin=origin,
                 details={"accounts": present})
    return ENDED_WARNING.format(accounts=", ".join(present) or "geen")

