"""Cached loaders for /jongeren and the audit of what the officer sees.

The list is cached per reference date and settings (the Settings value is part of every key, so
a changed threshold gives a new list; a short TTL; every change an officer makes,
and every import, clears it through ui.cache.invalidate, so a new contact shows up at once). The detail of one youth is read fresh on every
view: it is small, and the access log must be current.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access.definitions import Settings
from data_access.queries import youths
from data_access.users import User
from ui import cache
from ui.db import engine
from ui.youths import tables
from ui.guard import origin

LAST_VIEW = "youths_last_audited_view"
DATABASE_DOWN = ("De database is nu niet bereikbaar, dus de lijst kan niet worden getoond. "
                 "Probeer het over enkele minuten opnieuw of neem contact op met beheer.")


@st.cache_data(ttl=600, show_spinner="Lijst wordt opgebouwd…")
def youth_list(today: dt.date, settings: Settings) -> pd.DataFrame:
    """``settings``: the configured ones with the officer's lateness count (ViewSettings.thresholds)."""
    with engine().connect() as conn:
        return youths.youth_list(conn, today, settings)


@st.cache_data(ttl=600, show_spinner=False)
def filter_options() -> youths.FilterOptions:
    with engine().connect() as conn:
        return youths.filter_options(conn)


@st.cache_data(ttl=600, show_spinner=False)
def defaults() -> tuple[dt.date, str]:
    """Default reference date and where it comes from."""
    with engine().connect() as conn:
        return youths.default_today(conn), youths.today_source(conn)


@st.cache_data(ttl=600, show_spinner=False)
def pupils_with_categories(categories: tuple[str, ...], today: dt.date) -> frozenset[int]:
    with engine().connect() as conn:
        return youths.pupils_with_categories(conn, categories, today)


@dataclass(frozen=True)
class ListView:
    """The filtered list, its work queue and both tables as shown — for one selection."""

    rows: pd.DataFrame
    queue: pd.DataFrame
    queue_shown: pd.DataFrame | None
    shown: pd.DataFrame | None
    pupil_ids: tuple[int, ...]


@cache.data_resource(ttl=600, max_entries=32, show_spinner="Lijst wordt opgebouwd…")
def list_view(today: dt.date, settings: Settings, filters: youths.YouthFilters, search: str,
              _officers: dict[str, str]) -> ListView:
    """Filtering, the queue and the Dutch table text, once per selection for all officers' sessions.

    A resource cache hands every session the same read-only object: with the list's 27 k rows
    at region scale, a copy per rerun and per session (st.cache_data) cost more time and memory
    than the work itself (server RSS 2.3 GB at 50 sessions). ``search`` is part of the key
    because ``YouthFilters`` leaves it out of its equality; cleared by ui.cache.invalidate.
    """
    del search  # in the key only; the filters carry it
    everyone = youth_list(today, settings)
    in_category = pupils_with_categories(filters.categories, today) if filters.categories else None
    rows = youths.apply_filters(everyone, filters, today, in_category)
    queue = youths.work_queue(rows, today, settings.no_contact_days, filters.signals)
    return ListView(
        rows=rows, queue=queue,
        queue_shown=None if queue.empty else tables.queue_frame(queue, today, _officers, settings.signal_weeks),
        shown=None if rows.empty else tables.list_frame(rows, today, _officers, settings.signal_weeks),
        pupil_ids=tuple(rows["pupil_id"].tolist()),
    )


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
        youths.record_list_view(conn, user.username, user.role_label, filters, today, len(pupil_ids), origin(),
                                pupil_ids=pupil_ids)
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
