"""The one set of definitions every page uses (see DESIGN.md, "Definitions").

Pure functions on plain values, so they can be tested on hand-made fixtures and used by the
queries, the demo generator, the importer and the benchmarks alike.
"""
from __future__ import annotations

import datetime as dt
import math
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from data_access.definitions.calendar import SchoolCalendar, week_start

# The thresholds (16 hours, 4 weeks, 10 % / 50 %, hours per day) are settings: every function
# below that depends on one takes it as a required argument (data_access.definitions.settings).
UNAUTHORISED = "ongeoorloofd"


# --- rates ----------------------------------------------------------------------------------


def per_thousand(count: float, pupils: float) -> float | None:
    """Meldingen per 1,000 pupils (the published "relatief verzuim")."""
    if not pupils:
        return None
    return count / pupils * 1000


def share(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def persistence_level(absent_hours: float, possible_hours: float, persistent_share: float,
                      severe_share: float) -> str | None:
    """'ernstig' at ≥ ``severe_share`` (setting, 50 %), 'langdurig' at ≥ ``persistent_share``
    (setting, 10 %) of possible hours in the year to date."""
    if possible_hours <= 0:
        return None
    fraction = absent_hours / possible_hours
    if fraction >= severe_share:
        return "ernstig"
    if fraction >= persistent_share:
        return "langdurig"
    return None


def median_or_none(values: Sequence[float]) -> float | None:
    clean = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return float(np.median(clean)) if clean else None


# --- the 16-hour rule ----------------------------------------------------------------------


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
