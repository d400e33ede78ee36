"""Bring a database to a usable state: migrate, and fill the embedded default with the demo."""
from __future__ import annotations

from sqlalchemy import Engine, select

from data_access.db import get_engine
from data_access.models import AppUser, Setting, School
from data_access.schema import migrate
from data_access.settings import DEFAULT_SQLITE_PATH, is_default_database


def ready_engine(url: str) -> Engine:
    """Migrate on start; the embedded default SQLite gets the demo municipality on first use,
    built beside it and moved into place only when complete."""
    if is_default_database(url) and not _has_data(url):
        from data_access import demo

        get_engine.cache_clear()  # the engine of the file that is about to be replaced
        summary = demo.build_file(DEFAULT_SQLITE_PATH)
        print(demo.welcome_text(summary), flush=True)
    engine = get_engine(url)
    migrate(engine)
    return engine


def _has_data(url: str) -> bool:
    if not DEFAULT_SQLITE_PATH.exists():
        return False
    engine = get_engine(url)
    try:
        migrate(engine)
        with engine.connect() as conn:  # accounts alone are kept too: a real installation being set up
            return conn.execute(select(School.id).limit(1)).first() is not None or \
                conn.execute(select(AppUser.id).limit(1)).first() is not None
    finally:
        engine.dispose()


def has_schools(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(School.id).limit(1)).first() is not None


def has_accounts(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(AppUser.id).limit(1)).first() is not None


def get_setting(engine: Engine, key: str, default: str | None = None) -> str | None:
    """A text setting such as ``demo`` or ``municipality``; every numeric threshold is read once
    per run by data_access.definitions.load_settings instead."""
    with engine.connect() as conn:
        value = conn.execute(select(Setting.value).where(Setting.key == key)).scalar()
    return default if value is None else value


def is_demo(engine: Engine) -> bool:
    return get_setting(engine, "demo") == "1"
