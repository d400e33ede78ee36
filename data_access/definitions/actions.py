"""LEA actions: when an action is past its planned end date (issue 15, /status).

The one definition behind the "einddatum verstreken" flag on Tijd, on the page's tiles and in the
council appendix (Word and PDF).

A status report has no "gereed" (done) state yet: the report holds only the three lights and the
explanation. So every action that is past its planned end and still reported on in a period is
flagged, whatever its Tijd light says — a green Tijd after the planned end is exactly what the
reader must not take at face value.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

PAST_END = "einddatum verstreken"
PAST_END_SYMBOL = "⚑"


def past_planned_end(planned_end: dt.date | None, period_end: dt.date, today: dt.date) -> bool:
    """The action's planned end date lies before the reference date of the period: the period's
    last day, or today while the period is still running (a planned end later this period is
    not past yet). No planned end: never past."""
    if planned_end is None or pd.isna(planned_end):
        return False
    return pd.Timestamp(planned_end).date() < min(period_end, today)


def past_end_text(planned_end: dt.date) -> str:
    """'⚑ einddatum verstreken (gepland gereed 31-12-2024)' — marker and word, never colour alone."""
    return f"{PAST_END_SYMBOL} {PAST_END} (gepland gereed {pd.Timestamp(planned_end):%d-%m-%Y})"
