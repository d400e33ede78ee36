"""Cached loaders for /keten: thin wrappers around data_access.queries.chain and .quality.

The chains are built once per reference date and settings (they hold pupil ids, never names, and
stay on the server); every view is derived from them per run. A database failure stops the page
with a Dutch message.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from data_access.definitions import Settings
from data_access.queries import chain as queries
from data_access.queries import youths
from ui.db import engine
from ui import cache

TTL = 600
load = cache.load  # the pages call data.load


@st.cache_data(ttl=TTL, show_spinner=False)
def reference_date() -> dt.date:
    """The latest registered absence day (the demo: its own "today"), as on /jongeren."""
    with engine().connect() as conn:
        return youths.default_today(conn)


@st.cache_data(ttl=TTL, show_spinner="De keten wordt opgebouwd…")
def chains(today: dt.date, settings: Settings) -> queries.ChainData:
    with engine().connect() as conn:
        return queries.load_chains(conn, today, settings)


@st.cache_data(ttl=TTL, show_spinner=False)
def group_names() -> dict[str, dict]:
    with engine().connect() as conn:
        return queries.group_names(conn)

