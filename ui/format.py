"""Dutch number and date formatting for everything the user reads, charts included.

Numbers: a comma for decimals and a point between thousands (1.234,5). Python text goes through
:func:`number`; Vega-Lite charts get the same separators from :data:`VEGA_LOCALE` (the chart's
``locale`` config), so their ``format`` strings need no hand-made separator swapping.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from data_access.definitions.calendar import school_year_label

DECIMAL_MARK, THOUSANDS_MARK = ",", "."
_TO_DUTCH = str.maketrans(",.", THOUSANDS_MARK + DECIMAL_MARK)
VEGA_LOCALE = {"number": {"decimal": DECIMAL_MARK, "thousands": THOUSANDS_MARK, "grouping": [3],
                          "currency": ["€\u00a0", ""]}}

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december"]


def number(value, decimals: int = 0) -> str:
    """1234.5 → '1.234,5'; None/NaN → '–'; strings (such as '<5') pass through."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, str):
        return value
    return format(value, f",.{decimals}f").translate(_TO_DUTCH)


def numbers(values: Iterable, decimals: int = 0) -> list[str]:
    """:func:`number` for every value of a column."""
    return [number(v, decimals) for v in values]


def vega_number_expr(decimals: int, suffix: str = "") -> str:
    """A Vega label expression: the value with ``decimals`` decimals (+ suffix), in the separators
    of the chart's locale (:data:`VEGA_LOCALE`)."""
    formatted = f"format(datum.value, ',.{decimals}f')"
    return f"{formatted} + '{suffix}'" if suffix else formatted


def percent(value, decimals: int = 1) -> str:
    if value is None or isinstance(value, str) or (isinstance(value, float) and math.isnan(value)):
        return value if isinstance(value, str) else "–"
    return f"{number(value * 100, decimals)}%"


def date(value: dt.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "–"


def week(value: dt.date) -> str:
    return f"week {value.isocalendar().week}"


def school_year(year: int) -> str:
    return school_year_label(year)


def long_date(value: dt.date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
