"""Cached loaders for /covid: thin wrappers around data_access.queries.contacts.

Each takes only hashable parameters, opens its own connection and caches the (small, aggregated)
result for ten minutes. :func:`load` turns a database failure into a Dutch message.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data_access import periods
from data_access.queries import contacts
from ui.db import engine
from ui import cache

load = cache.load  # the pages call data.load
TTL = 600


@st.cache_data(ttl=TTL, show_spinner=False)
def covid_periods(group: str) -> list[periods.PeriodRow]:
    with engine().connect() as conn:
        return periods.covid_periods(conn, group)


@st.cache_data(ttl=TTL, show_spinner=False)
def period_choices(group: str) -> list[periods.PeriodRow]:
    with engine().connect() as conn:
        return periods.period_choices(conn, group)


@st.cache_data(ttl=TTL, show_spinner="Contactgegevens worden berekend…")
def period_report(group: str, period_key: tuple[int, ...], direction: str) -> contacts.PeriodReport | None:
    with engine().connect() as conn:
        period = periods.period_by_key(conn, period_key)
        return contacts.period_report(conn, period, group, direction) if period else None


@st.cache_data(ttl=TTL, show_spinner="Alle perioden worden vergeleken…")
def all_period_reports(group: str, direction: str) -> list[contacts.PeriodReport]:
    with engine().connect() as conn:
        return contacts.all_period_reports(conn, group, direction)


@st.cache_data(ttl=TTL, show_spinner=False)
def contacts_over_time(group: str, start: dt.date, end: dt.date, unit: str) -> pd.DataFrame:
    with engine().connect() as conn:
        return contacts.contacts_over_time(conn, group, start, end, unit)


@st.cache_data(ttl=TTL, show_spinner=False)
def heatmap_grid(group: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    with engine().connect() as conn:
        return contacts.heatmap_grid(conn, group, start, end)


@st.cache_data(ttl=TTL, show_spinner=False)
def mass_contacts(group: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Newsletters and information sessions per COVID period and, outside them, per school year."""
    with engine().connect() as conn:
        return contacts.mass_contacts_by_period(conn, group, periods.covid_periods(conn, group), start, end)
