"""Cached data for /scholen: thin wrappers around data_access.queries.schools and .pilot.

Each wrapper takes only hashable parameters, opens a connection inside and caches the small
aggregated result for TTL seconds. ``load`` turns a database failure into a Dutch message.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data_access.definitions import Settings, Suppressor
from data_access.queries import pilot as pilot_queries
from data_access.queries import schools as queries
from ui.db import engine
from ui import cache

TTL = 600
load = cache.load  # the pages call data.load


@st.cache_data(ttl=TTL, show_spinner=False)
def register() -> pd.DataFrame:
    with engine().connect() as conn:
        return queries.school_register(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def school_years() -> list[int]:
    with engine().connect() as conn:
        return queries.school_years(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def periods(start: dt.date, end: dt.date) -> pd.DataFrame:
    with engine().connect() as conn:
        return queries.named_periods(conn, start, end)


@st.cache_data(ttl=TTL, show_spinner=False)
def registered_through(school_ids: tuple[int, ...] | None, end: dt.date) -> dt.date | None:
    """The last registered day of the selection up to ``end``: where its figures end (t/m)."""
    with engine().connect() as conn:
        days = queries.last_registered_days(conn, school_ids)
    return min(max(days.values()), end) if days else None


@st.cache_data(ttl=TTL, show_spinner=False)
def comparison(window: queries.Window, compliance_days: int, settings: Settings) -> queries.Comparison:
    """``compliance_days``: the page's choice; ``settings``: part of the key, so a changed setting
    gives new figures."""
    with engine().connect() as conn:
        return queries.school_comparison(conn, window, compliance_days, settings.hours_per_day,
                                         settings.persistent_share, exact_below=settings.suppression_threshold)


@st.cache_data(ttl=TTL, show_spinner=False)
def pupil_spread(window: queries.Window, category: str) -> pd.DataFrame:
    """The spread of the pupils' hours behind one absence rate (for its interval)."""
    with engine().connect() as conn:
        return queries.pupil_spread(conn, window, category)


@st.cache_data(ttl=TTL, show_spinner=False)
def comparison_view(window: queries.Window, compliance_days: int, settings: Settings, level: str,
                    school_ids: tuple[int, ...] | None, suppressor: Suppressor | None,
                    spread_of: str | None = None) -> queries.ComparisonView:
    """The comparison rolled up and suppressed for this selection and role (cached as well);
    ``spread_of``: the absence category (or "total") whose rate gets an interval — read only
    for the rate the chart shows."""
    base = comparison(window, compliance_days, settings)
    if spread_of is not None:
        base = queries.with_spread(base, pupil_spread(window, spread_of))
    return queries.comparison_view(base, level, school_ids, suppressor)


@st.cache_data(ttl=TTL, show_spinner=False)
def pilot(compliance_days: int) -> tuple[pd.DataFrame, pd.DataFrame, dict[tuple[str, str], pilot_queries.PilotEffect]]:
    """School × phase totals, the group × phase table and the DiD per pilot metric and compared
    phase ('tijdens', and 'na' once the pilot has ended)."""
    with engine().connect() as conn:
        panel = pilot_queries.pilot_panel(conn, compliance_days)
    totals = pilot_queries.school_phase_totals(panel)
    effects = {(metric, phase): pilot_queries.did_estimate(totals, metric, phase)
               for metric in pilot_queries.METRICS for phase in pilot_queries.compared_phases(totals)}
    return panel, pilot_queries.group_table(totals), effects