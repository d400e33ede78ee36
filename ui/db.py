"""The app's database handle: one engine per process, migrated (and demo-filled) on first use."""
from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from data_access import setup
from data_access.settings import database_url


@st.cache_resource(show_spinner="Database wordt voorbereid…")
def engine() -> Engine:
    return setup.ready_engine(database_url())


def is_demo() -> bool:
    return setup.is_demo(engine())
