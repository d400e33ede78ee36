"""Bring a database to a usable state: migrate, and fill the embedded default with the demo."""
from __future__ import annotations

from sqlalchemy import Engine, select

from data_access.db import get_engine
from data_access.models import Setting, School
from data_access.schema import migrate
from data_access.settings import is_default_database


def ready_engine(url: str) -> Engine:
    """Migrate on start; the embedded default SQLite gets the demo municipality on first use."""
    engine = get_engine(url)
    migrate(engine)
    if is_default_database(url) and not has_schools(engine):
        from data_access import demo

        summary = demo.build(engine)
        if "wachtwoord demo-accounts" in summary:
            print(f"Demo-database gemaakt. Wachtwoord van de demo-accounts: {summary['wachtwoord demo-accounts']}")
    return engine


def has_schools(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(School.id).limit(1)).first() is not None


def get_setting(engine: Engine, key: str, default: str | None = None) -> str | None:
    with engine.connect() as conn:
        value = conn.execute(select(Setting.value).where(Setting.key == key)).scalar()
    return default if value is None else value


def is_demo(engine: Engine) -> bool:
    return get_setting(engine, "demo") == "1"
