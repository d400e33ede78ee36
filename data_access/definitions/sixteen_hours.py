"""The 16-hour rule (DESIGN.md, Definitions: "16-hour signal" and "Reporting compliance").

A pupil whose unauthorised hours within ``signal_weeks`` consecutive school weeks exceed
``signal_hours`` gets a signal on the day the line is passed; counting restarts the next school
day. The signal is answered by a 16_uur melding (:func:`answering_melding`); it was reported on
time when that melding came within ``compliance_school_days`` school days (:func:`on_time`, one
rule for Python, SQLAlchemy and the KPI's SQL text). The thresholds are settings, passed in.
"""
from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, literal_column

from data_access.definitions.calendar import SchoolCalendar, week_start

UNAUTHORISED = "ongeoorloofd"  # the code-table category the rule counts


@dataclass(frozen=True)
class Signal:
    signal_on: dt.date
    window_start: dt.date
    hours: float


class SchoolWeeks(dict):
    """Monday of each week with at least one school day → its running number; knows its school days."""

    def __init__(self, numbers: dict[dt.date, int], school_days: frozenset[dt.date]):
        super().__init__(numbers)
        self.school_days = school_days


def school_week_index(calendar: SchoolCalendar, start: dt.date, end: dt.date) -> SchoolWeeks:
    """Monday of each week that holds at least one school day → its running number.

    Weeks that are entirely holiday get no number, so "4 consecutive school weeks" skips them.
    """
    days = calendar.school_days(start, end)
    index: dict[dt.date, int] = {}
    for day in days:
        monday = week_start(day)
        if monday not in index:
            index[monday] = len(index)
    return SchoolWeeks(index, frozenset(days))


def sixteen_hour_signals(
    absences: Iterable[tuple[dt.date, float]],
    week_index: dict[dt.date, int],
    threshold: float,
    weeks: int,
) -> list[Signal]:
    """Signals for one pupil from its unauthorised absence (date, hours).

    A signal is raised on the first absence day on which the unauthorised hours within the
    current and the previous ``weeks - 1`` school weeks exceed ``threshold`` (settings
    ``signal_hours`` and ``signal_weeks``; more than 16, so exactly 16 is no signal). Hours on holidays and study days are ignored. Counting restarts
    the school day after a signal, so no hour counts in two signals; when (or whether) a melding
    was filed plays no part.
    """
    window: deque[tuple[dt.date, int, float]] = deque()
    total = 0.0
    signals: list[Signal] = []
    school_days = getattr(week_index, "school_days", None)
    for day, hours in sorted(absences):
        week = week_index.get(week_start(day))
        if week is None or (school_days is not None and day not in school_days):
            continue
        while window and window[0][1] <= week - weeks:
            total -= window.popleft()[2]
        window.append((day, week, hours))
        total += hours
        if total > threshold + 1e-9:
            signals.append(Signal(day, window[0][0], round(total, 2)))
            window.clear()
            total = 0.0
    return signals


def rolling_unauthorised_hours(
    absences: Iterable[tuple[dt.date, float]], week_index: dict[dt.date, int], on: dt.date,
    weeks: int,
) -> float:
    """Unauthorised hours in the last ``weeks`` school weeks up to ``on`` (the "approaching" check)."""
    current = max((i for m, i in week_index.items() if m <= on), default=None)
    if current is None:
        return 0.0
    school_days = getattr(week_index, "school_days", None)
    return sum(
        h for d, h in absences
        if d <= on and (w := week_index.get(week_start(d))) is not None and w > current - weeks
        and (school_days is None or d in school_days)
    )


def answering_melding(meldingen: list[tuple[dt.date, int, dt.date | None]], window_start: dt.date,
                      signal_on: dt.date, next_signal_on: dt.date) -> tuple[dt.date, int, dt.date | None] | None:
    """The 16_uur melding (reported_on, id, absence_start) that answered a signal.

    First choice: the melding whose stated absence start lies in the signal's window. Otherwise
    the first one reported on or after the signal day and before the next signal, so a signal
    nobody reported cannot borrow the melding that answered a later one.
    """
    stated = next((m for m in meldingen if m[2] is not None and window_start <= m[2] <= signal_on
                   and m[0] >= window_start), None)
    if stated:
        return stated
    return next((m for m in meldingen if signal_on <= m[0] < next_signal_on
                 and (m[2] is None or m[2] >= window_start)), None)


def on_time(school_days_to_melding, compliance_days):
    """Reported on time: the answering melding came within ``compliance_days`` school days
    (setting). Works on a number (None: never reported, so not on time) and on a SQLAlchemy
    column or bind parameter alike, so the Python and SQL figures cannot drift apart."""
    if school_days_to_melding is None:
        return False
    return school_days_to_melding <= compliance_days


def on_time_sql(column: str) -> str:
    """:func:`on_time` as SQL text for a raw query, with the setting as the bind ``:days``."""
    return str(on_time(literal_column(column), bindparam("days")))
