"""Dutch text for the figures on /covid (values, differences, windows)."""
from __future__ import annotations

import datetime as dt
import math

from data_access.periods import Window
from data_access.queries.contacts import METRIC_KINDS, Figure
from ui import format as fmt

HIDDEN = "verborgen"


def value_text(key: str, value) -> str:
    """A figure's value as the user reads it; "<5" stays "<5", None becomes "–"."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return "–"
    kind = METRIC_KINDS[key]
    if kind == "share":
        return fmt.percent(value)
    if kind == "number":
        return fmt.number(value, 2)
    if kind == "days":
        return f"{fmt.number(value, 1)} dagen"
    return fmt.number(value)


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def shown_text(key: str, value, hidden: bool) -> str:
    """A value, or "verborgen" where suppression removed it ("<5" counts stay "<5")."""
    if hidden and is_missing(value):
        return HIDDEN
    return value_text(key, value)


def figure_text(key: str, figure: Figure) -> str:
    return shown_text(key, figure.value, figure.hidden)


def difference_text(key: str, difference: float | None) -> str | None:
    """'+12,3 %-punt', '-1,5 dagen', … ; None when there is nothing to compare."""
    if is_missing(difference):
        return None
    kind = METRIC_KINDS[key]
    size = round(abs(difference), 2 if kind == "number" else 1 if kind in ("share", "days") else 0)
    # a difference that rounds to zero is no change, whatever its sign before rounding
    sign = "±" if size == 0 else "+" if difference > 0 else "-"
    if kind == "share":
        return f"{sign}{fmt.number(size, 1)} %-punt"
    if kind == "number":
        return f"{sign}{fmt.number(size, 2)}"
    if kind == "days":
        return f"{sign}{fmt.number(size, 1)} dagen"
    return f"{sign}{fmt.number(size)}"


def count_text(value) -> str:
    return value if isinstance(value, str) else fmt.number(value)


def schools_text(value) -> str:
    """Schools reached by a newsletter; 0 means: sent without a school (for instance to all)."""
    return "–" if not isinstance(value, str) and not value else count_text(value)


def ranges_text(window: Window) -> str:
    """'24-02-2020 t/m 01-03-2020 en 09-03-2020 t/m 15-03-2020'."""
    parts = [f"{fmt.date(s)} t/m {fmt.date(e)}" for s, e in window.ranges]
    if len(parts) <= 1:
        return parts[0] if parts else "–"
    return ", ".join(parts[:-1]) + " en " + parts[-1]


def weeks_text(weeks: float) -> str:
    whole = round(weeks)
    if abs(weeks - whole) < 1e-9:
        return f"{whole} schoolweek" if whole == 1 else f"{whole} schoolweken"
    return f"{fmt.number(weeks, 1)} schoolweken"


def week_label(monday: dt.date) -> str:
    return f"{fmt.week(monday)} ({fmt.date(monday)})"
