"""Where the database lives and the few knobs the definitions need.

Database URL, in this order: env ``LEA_DATABASE_URL``, ``[connections.lea] url`` in
``.streamlit/secrets.toml``, default embedded SQLite ``data/lea.sqlite``.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "lea.sqlite"


def read_secrets(path: Path | None = None) -> dict:
    path = path or Path(os.environ.get("LEA_SECRETS_FILE", SECRETS_PATH))
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def database_url(explicit: str | None = None) -> str:
    if explicit:
        return explicit
    if os.environ.get("LEA_DATABASE_URL"):
        return os.environ["LEA_DATABASE_URL"]
    url = read_secrets().get("connections", {}).get("lea", {}).get("url")
    if url:
        return url
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def is_default_database(url: str) -> bool:
    return url == f"sqlite:///{DEFAULT_SQLITE_PATH}"
