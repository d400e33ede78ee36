"""Dutch number and date formatting for everything the user reads."""
from __future__ import annotations

import datetime as dt
import math

from data_access.metrics import school_year_label

CATEGORY_LABELS = {
    "ongeoorloofd": "ongeoorloofd",
    "te_laat": "te laat",
    "luxe": "luxeverzuim",
    "ziek": "ziek",
    "geoorloofd": "geoorloofd",
    "schorsing": "schorsing",
    "onbekend": "onbekende code",
}
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december"]


def number(value, decimals: int = 0) -> str:
    """1234.5 → '1.234,5'; None/NaN → '–'; strings (such as '<5') pass through."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, str):
        return value
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


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
