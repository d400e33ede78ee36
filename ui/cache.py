"""The one cache layer's shared parts: the settings of this run, and one invalidate().

Every write path (import, period edit, status report, contact/case change, the settings screen
on /beheer) calls :func:`invalidate`, which clears the data caches (``st.cache_data``) and the
resource caches that hold data (registered with :func:`data_resource`) — never the database
engine of ui/db.py, which holds no data and is costly to rebuild.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import access
from data_access.definitions import SettingError, Settings, Suppressor, load_settings
from ui.db import UNREACHABLE, engine

T = TypeVar("T")

F = TypeVar("F", bound=Callable)
TTL = 600
_DATA_RESOURCES: list = []


def data_resource(**options) -> Callable[[F], F]:
    """``st.cache_resource`` for a shared, read-only view of data; cleared by :func:`invalidate`."""
    def register(function: F) -> F:
        cached = st.cache_resource(**options)(function)
        _DATA_RESOURCES.append(cached)
        return cached
    return register


def invalidate() -> None:
    """Data changed: every page reads it again on its next run (all sessions of this server)."""
    st.cache_data.clear()
    for cached in _DATA_RESOURCES:
        cached.clear()


@st.cache_data(ttl=TTL, show_spinner=False)
def _stored_settings() -> Settings:
    with engine().connect() as conn:
        return load_settings(conn)


def settings() -> Settings:
    """The settings of this run (read once per TTL or after :func:`invalidate`). Loaders take the
    values they use as arguments, so they are part of every cache key as well.

    A stored value that is not a usable number stops the page with the Dutch reason, rather
    than falling back to a default the user did not choose.
    """
    try:
        return _stored_settings()
    except SettingError as error:
        st.error(f"{error} Laat functioneel beheer de instelling aanpassen.", icon=":material/error:")
        st.stop()
    except SQLAlchemyError:
        st.error(UNREACHABLE, icon=":material/cloud_off:")
        st.stop()
    raise AssertionError("unreachable: st.stop() ends the run")


def suppressor_for(roles, current: Settings | None = None) -> Suppressor | None:
    """The small-cell suppression for these roles: None for roles that see personal data
    (leerplicht), else a Suppressor with the configured threshold."""
    if access.sees_personal_data(roles):
        return None
    return Suppressor((current or settings()).suppression_threshold)


def load(loader: Callable[..., T], *args) -> T:
    """Call a (cached) loader; if the database cannot be reached, say so in Dutch and stop the page."""
    try:
        return loader(*args)
    except (SQLAlchemyError, OSError):
        st.error(UNREACHABLE, icon=":material/cloud_off:")
        st.stop()
        raise  # unreachable: st.stop() ends the run
