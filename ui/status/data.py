"""Cached data for /status: what a rerun needs as small plain values, keyed by the filters.

st.cache_data copies a cached value out on every read, so the page caches ready texts and a
ready chart spec (a few kB) rather than frames or Altair charts, and keys them by the small
filter values, never by a frame. The loaders live in a module rather than in the page script:
a decorator run on every rerun read the function's source each time.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from data_access.definitions import Settings, Suppressor
from data_access.queries import status as q
from data_access.exports.council_report import CouncilReport
from ui.status import charts as status_charts
from ui.status import report as status_report
from ui.status import tiles as status_tiles
from ui.db import engine

TTL = 600


@st.cache_data(ttl=TTL, show_spinner=False)
def basics() -> tuple[list[q.Period], q.Period | None, status_tiles.ActionIndex]:
    """The reporting periods, the default one and the LEA actions."""
    with engine().connect() as conn:
        periods = q.reporting_periods(conn)
        return periods, q.default_period(conn, periods), status_tiles.action_index(q.actions(conn))


@st.cache_data(ttl=TTL, max_entries=256, show_spinner="Status wordt geladen…")
def overview_view(period_id: int, previous_id: int | None, programme: str | None, holder: str | None,
                  settings: Settings, suppressor: Suppressor | None,
                  today: dt.date | None = None) -> status_tiles.OverviewView | None:
    """Summary and tiles of a period and programme/portfolio holder selection (a few kB); None
    when the period no longer exists (the periods of :func:`basics` are out of date).
    ``suppressor``: None for roles that see every count (leerplicht); ``today``: the date an
    action's planned end is judged by while the period runs (the page passes it, so it is part
    of the cache key)."""
    today = today or dt.date.today()
    with engine().connect() as conn:
        by_id = {p.id: p for p in q.reporting_periods(conn)}
        if period_id not in by_id:
            return None
        period, previous = by_id[period_id], by_id.get(previous_id)
        overview, counts = q.period_status(conn, period_id, previous_id, programme, holder)
        evidence = q.evidence(conn, period, settings, suppressor)
        return status_tiles.overview_view(overview, counts, evidence, period, previous, programme, holder,
                                          lambda action_id: q.report_versions(conn, action_id, period_id), today)


@st.cache_data(ttl=TTL, max_entries=64, show_spinner=False)
def council_report(period_id: int, settings: Settings, suppressor: Suppressor | None,
                   today: dt.date) -> CouncilReport | None:
    """The council appendix's content for every action of the period, with the evidence as this
    role sees it (read on a download click only); None when the period no longer exists."""
    with engine().connect() as conn:
        by_id = {p.id: p for p in q.reporting_periods(conn)}
        if period_id not in by_id:
            return None
        period = by_id[period_id]
        return status_report.council_report(period, q.overview(conn, period_id, None),
                                             q.evidence(conn, period, settings, suppressor), today)


@st.cache_data(ttl=TTL, max_entries=64, show_spinner=False)
def history_view(action_id: int, title: str, code: str) -> status_charts.HistoryView | None:
    """The Verloop tab of one action: chart spec, chart rows and explanations."""
    with engine().connect() as conn:
        history = q.history(conn)
        periods = q.reporting_periods(conn)
    return status_charts.history_view(history[history["action_id"] == action_id], periods, title, code)
