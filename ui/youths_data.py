"""Cached loaders for /jongeren and the audit of what the officer sees.

The list is cached per reference date and threshold (a short TTL; every change an officer makes
clears it, so a new contact shows up at once). The detail of one youth is read fresh on every
view: it is small, and the access log must be current.
"""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access.queries import youths
from data_access.users import User
from ui.db import engine
from ui.guard import origin

LAST_VIEW = "youths_last_audited_view"
DATABASE_DOWN = ("De database is nu niet bereikbaar, dus de lijst kan niet worden getoond. "
                 "Probeer het over enkele minuten opnieuw of neem contact op met beheer.")


@st.cache_data(ttl=600, show_spinner="Lijst wordt opgebouwd…")
def youth_list(today: dt.date, late_threshold: int) -> pd.DataFrame:
    with engine().connect() as conn:
        return youths.youth_list(conn, today, late_threshold)


@st.cache_data(ttl=600, show_spinner=False)
def filter_options() -> youths.FilterOptions:
    with engine().connect() as conn:
        return youths.filter_options(conn)


@st.cache_data(ttl=600, show_spinner=False)
def defaults() -> tuple[dt.date, str, int]:
    """Default reference date, where it comes from, and the lateness threshold."""
    with engine().connect() as conn:
        return youths.default_today(conn), youths.today_source(conn), youths.late_threshold(conn)


@st.cache_data(ttl=600, show_spinner=False)
def pupils_with_categories(categories: tuple[str, ...], today: dt.date) -> frozenset[int]:
    with engine().connect() as conn:
        return youths.pupils_with_categories(conn, categories, today)


def after_change() -> None:
    """A contact, note or case was written: the list and the choices must show it."""
    youth_list.clear()
    filter_options.clear()


def stop_when_database_down(error: SQLAlchemyError) -> None:
    st.error(DATABASE_DOWN, icon=":material/cloud_off:")
    del error
    st.stop()


# --- audit: once per distinct view in a session ----------------------------------------------


def audit_list_view(user: User, filters: youths.YouthFilters, today: dt.date, pupil_ids: list[int]) -> None:
    """One 'bekijk_lijst' row per distinct list the officer opens: other filters, another
    reference date or other youths on it (a new search), not on every rerun."""
    view = ("lijst", youths.filters_json(filters), today.isoformat(), hash(tuple(pupil_ids)))
    if st.session_state.get(LAST_VIEW) == view:
        return
    with engine().begin() as conn:
        youths.record_list_view(conn, user.username, user.role_label, filters, today, len(pupil_ids), origin())
    st.session_state[LAST_VIEW] = view


def audit_detail_view(user: User, pupil_id: int) -> None:
    """One 'bekijk_jongere' row each time the officer opens a youth (not on every rerun)."""
    view = ("jongere", str(pupil_id))
    if st.session_state.get(LAST_VIEW) == view:
        return
    with engine().begin() as conn:
        youths.record_detail_view(conn, user.username, user.role_label, pupil_id, origin())
    st.session_state[LAST_VIEW] = view


def details_summary(details: str | None) -> str:
    """An audit row's details, readable: the ids it names."""
    if not isinstance(details, str) or not details:
        return ""
    try:
        values = json.loads(details)
    except ValueError:
        return details
    return ", ".join(f"{k}: {v}" for k, v in values.items() if v not in (None, "", [], {}))
