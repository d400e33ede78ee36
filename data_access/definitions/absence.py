"""Absence (DESIGN.md, "Definitions"): the categories, possible hours and the absence rate.

- *Possible hours* of a pupil = school days in the window × the hours per school day (setting
  ``hours_per_day``). School days come from :mod:`data_access.definitions.calendar`.
- *Absence rate* = absence hours / (enrolled pupils × possible hours per pupil). Callers sum the
  denominator over schools and weeks (Σ pupils × possible hours) and pass that sum.

Persistent and severe absence (shares of the possible hours) are thresholds and live with the
other settings-driven rules in ``data_access.metrics``.
"""
from __future__ import annotations

import datetime as dt

from data_access.definitions.calendar import SchoolCalendar

# Every absence category a code can map to; hours with a code the code table does not know count
# as absence under "onbekend" (and are flagged as a data-quality problem).
CATEGORIES = ("ongeoorloofd", "te_laat", "luxe", "ziek", "geoorloofd", "schorsing", "onbekend")
UNKNOWN_CATEGORY = "onbekend"


def possible_hours(school_days, *, hours_per_day: float):
    """School hours a pupil could attend on ``school_days`` days (a number, array or Series)."""
    return school_days * hours_per_day


def possible_hours_between(calendar: SchoolCalendar, start: dt.date, end: dt.date, *,
                           hours_per_day: float) -> float:
    """Possible hours of one pupil from ``start`` to ``end`` inclusive under ``calendar``."""
    return possible_hours(calendar.count_school_days(start, end), hours_per_day=hours_per_day)


def absence_rate(absence_hours: float, possible_hours_total: float) -> float | None:
    """Absence hours / possible hours of the pupils counted (Σ pupils × possible hours each);
    None when there were no possible hours (no pupils or no school days)."""
    if not possible_hours_total or possible_hours_total != possible_hours_total:
        return None
    return absence_hours / possible_hours_total


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
