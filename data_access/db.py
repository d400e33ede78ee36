"""Engine and sessions from settings."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from data_access.settings import database_url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


class MissingDatabase(FileNotFoundError):
    """A SQLite file that does not exist, asked for without ``create``: most likely a typing error
    in the URL — SQLite would silently make an empty database there (the user would then see an
    empty app or a missing cookie key, not the cause)."""

    def __init__(self, path: str):
        super().__init__(
            f"Het databasebestand {path} bestaat niet. Controleer LEA_DATABASE_URL of [connections.lea] url in "
            f".streamlit/secrets.toml (een tikfout in het pad?). Een nieuwe, lege database maakt u met "
            f"'lea init --database-url sqlite:///{path}', een demo met 'lea demo'.")
        self.path = path


BUSY_MESSAGE = ("De database is even bezig (bijvoorbeeld met het afronden van een import). Even wachten en "
                "probeer het over een halve minuut opnieuw.")


def busy_message(exc: BaseException) -> str | None:
    """The Dutch "even wachten" message when ``exc`` means the database is locked by another writer
    (SQLite 'database is locked'/'busy', PostgreSQL lock or statement timeout), else None. For the
    login and page paths: a lock is a reason to wait, not a crash."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if isinstance(exc, OperationalError | DBAPIError) and any(
            marker in text for marker in ("database is locked", "database is busy", "database table is locked",
                                          "lock timeout", "canceling statement due to lock timeout")):
        return BUSY_MESSAGE
    return None


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
    return Path(path) if path and path != ":memory:" else None


def make_engine(url: str | None = None, *, create: bool = False) -> Engine:
    """An engine for ``url``. A SQLite file must exist unless ``create`` (lea init, lea demo, the
    demo builder, test fixtures): then it and its folder are made on first connect."""
    url = database_url(url)
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None:
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
            elif not path.exists():
                raise MissingDatabase(str(path))
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10,
                         connect_args={"connect_timeout": 5} if "psycopg" in url else {})


@lru_cache(maxsize=8)
def get_engine(url: str | None = None, *, create: bool = False) -> Engine:
    """One engine per URL per process (pages, CLI and tests share it)."""
    return make_engine(url, create=create)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
