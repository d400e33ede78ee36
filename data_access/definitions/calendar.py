"""Calendar and school year (DESIGN.md, "Definitions"): school years, weeks, months, school days
and holidays, and the one way a date read from the database becomes a ``datetime.date``.

- *School year*: 1 August – 31 July, labelled "2024/25"; the number 2024 stands for 2024/25.
- *Week*: Monday – Sunday, named by its Monday.
- *Month*: the calendar month; a range that straddles two months is split by day.
- *School days*: weekdays minus the holidays and study days (periods of a :data:`HOLIDAY_KINDS`
  kind) of the school's sector. COVID closure days are school days.

The SQL forms of the week, month and school year are built here too, from the same constants,
so that the summary tables and the Python figures cannot disagree.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, or_, select

from data_access.models import Period

# --- school year ---------------------------------------------------------------------------

SCHOOL_YEAR_START_MONTH = 8  # the school year starts on 1 August and ends on 31 July


def school_year_of(day: dt.date) -> int:
    """The school year a date falls in: 31 July 2025 → 2024 (2024/25), 1 August 2025 → 2025."""
    return day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1


def school_year_label(year: int) -> str:
    """2024 → "2024/25"."""
    return f"{year}/{(year + 1) % 100:02d}"


def school_year_start(year: int) -> dt.date:
    """1 August of ``year``."""
    return dt.date(year, SCHOOL_YEAR_START_MONTH, 1)


def school_year_end(year: int) -> dt.date:
    """31 July of ``year + 1``: the day before the next school year starts."""
    return school_year_start(year + 1) - dt.timedelta(days=1)


def school_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a school year (both inclusive)."""
    return school_year_start(year), school_year_end(year)


def day_in_school_year(year: int, month: int, day: int) -> dt.date:
    """The date with this month and day inside school year ``year``: (2024, 3, 15) → 15 March 2025."""
    return dt.date(year + (month < SCHOOL_YEAR_START_MONTH), month, day)


def school_years_of_days(days: np.ndarray) -> np.ndarray:
    """:func:`school_year_of` for an array of datetime64 days (NaT gives a meaningless number:
    mask it)."""
    months = days.astype("datetime64[M]").astype(np.int64)  # months since January 1970
    return 1970 + months // 12 - (months % 12 < SCHOOL_YEAR_START_MONTH - 1)


def school_years_of_series(days: pd.Series) -> pd.Series:
    """:func:`school_year_of` for a Series of dates or Timestamps."""
    days = pd.Series(pd.to_datetime(days))
    return pd.Series(school_years_of_days(days.to_numpy(dtype="datetime64[D]")), index=days.index)


# --- weeks and months ----------------------------------------------------------------------


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week of ``day``."""
    return day - dt.timedelta(days=day.weekday())


def mondays(start: dt.date, end: dt.date) -> list[dt.date]:
    """The Monday of every week that has a day in [start, end]: from the week of ``start`` up to
    the last Monday on or before ``end``. Empty when end < start."""
    if end < start:
        return []
    first = week_start(start)
    return [first + dt.timedelta(weeks=i) for i in range((end - first).days // 7 + 1)]


def month_start(day: dt.date) -> dt.date:
    """The first day of the calendar month of ``day``."""
    return day.replace(day=1)


def next_month_start(day: dt.date) -> dt.date:
    """The first day of the month after the month of ``day``."""
    first = month_start(day)
    return first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)


def month_ranges(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """[start, end] split into calendar months by day: each part (first day, last day) inclusive."""
    parts = []
    first = start
    while first <= end:
        last = min(end, next_month_start(first) - dt.timedelta(days=1))
        parts.append((first, last))
        first = last + dt.timedelta(days=1)
    return parts


# --- SQL forms (the same definitions, for the summary tables and raw queries) ---------------


def week_sql(conn: Connection, column: str) -> str:
    """SQL for the Monday of the week of a date column."""
    if conn.dialect.name == "postgresql":
        return f"CAST(date_trunc('week', {column}) AS date)"
    return f"date({column}, '-' || ((CAST(strftime('%w', {column}) AS INTEGER) + 6) % 7) || ' days')"


def month_sql(conn: Connection, column: str) -> str:
    """SQL for the first day of the month of a date column."""
    if conn.dialect.name == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def school_year_sql(conn: Connection, column: str) -> str:
    """SQL for :func:`school_year_of` of a date column; 2020 means 2020/21."""
    if conn.dialect.name == "postgresql":
        return (f"(CAST(EXTRACT(YEAR FROM {column}) AS INTEGER) - "
                f"CASE WHEN EXTRACT(MONTH FROM {column}) < {SCHOOL_YEAR_START_MONTH} THEN 1 ELSE 0 END)")
    return (f"(CAST(strftime('%Y', {column}) AS INTEGER) - "
            f"(CAST(strftime('%m', {column}) AS INTEGER) < {SCHOOL_YEAR_START_MONTH}))")


# --- dates read from the database ----------------------------------------------------------


def as_date(value) -> dt.date | None:
    """A date as the database or pandas hands it over, as a ``datetime.date``.

    PostgreSQL returns ``date`` objects; SQLite returns ISO text ("2024-08-01", or with a time
    "2024-08-01 00:00:00.000000") wherever a raw query bypasses SQLAlchemy's Date type; pandas
    gives Timestamps or datetime64. None, NaN and NaT become None.
    """
    if type(value) is dt.date:
        return value
    if type(value) is str:
        return dt.date.fromisoformat(value[:10])
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else value.astype("datetime64[D]").astype(object)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --- the dates a person may enter ----------------------------------------------------------

# No registration this product holds is older (the importers refuse earlier dates too); a typing
# error such as 1900 for 2000 would otherwise become a reference date in "schooljaar 1899/00".
EARLIEST_DATE = dt.date(2000, 1, 1)


def date_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last date anyone may enter or put in a link: 1 January 2000 up to the same
    day a year after ``today`` (the real date; from 29 February: 28 February), both inclusive.
    A planned date (a next action, a period) lies at most a year ahead."""
    try:
        latest = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year + 1, day=28)
    return EARLIEST_DATE, latest


def reference_date_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """The bounds of a reference date (*peildatum*): :func:`date_bounds`, but no later than
    ``today`` (the real date) — after it nothing has been registered yet."""
    return EARLIEST_DATE, min(date_bounds(today)[1], today)


def within(day: dt.date, bounds: tuple[dt.date, dt.date]) -> bool:
    return bounds[0] <= day <= bounds[1]


# --- school days and holidays --------------------------------------------------------------

HOLIDAY_KINDS = ("vakantie", "studiedag")  # period kinds whose days are no school days


@dataclass(frozen=True)
class SchoolCalendar:
    """Weekdays minus holidays (and study days): the days on which school hours count."""

    holidays: tuple[tuple[dt.date, dt.date], ...] = ()

    @classmethod
    def from_periods(cls, periods: Iterable[tuple[dt.date, dt.date]]) -> SchoolCalendar:
        return cls(tuple(sorted((s, e) for s, e in periods)))

    def _holiday_days(self, start: dt.date, end: dt.date) -> np.ndarray:
        days = [
            np.arange(max(s, start), min(e, end) + dt.timedelta(days=1), dtype="datetime64[D]")
            for s, e in self.holidays
            if s <= end and e >= start
        ]
        return np.concatenate(days) if days else np.array([], dtype="datetime64[D]")

    def school_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """School days from start to end inclusive."""
        if end < start:
            return []
        days = np.arange(start, end + dt.timedelta(days=1), dtype="datetime64[D]")
        mask = np.is_busday(days, holidays=self._holiday_days(start, end))
        return [d.item() for d in days[mask]]

    def count_school_days(self, start: dt.date, end: dt.date) -> int:
        if end < start:
            return 0
        return int(
            np.busday_count(start, end + dt.timedelta(days=1), holidays=self._holiday_days(start, end))
        )

    def is_school_day(self, day: dt.date) -> bool:
        return self.count_school_days(day, day) == 1

    def school_days_between(self, first: dt.date, later: dt.date) -> int:
        """School days after ``first`` up to and including ``later`` (0 if same day or earlier)."""
        return self.count_school_days(first + dt.timedelta(days=1), later) if later > first else 0


def load_school_calendar(conn: Connection, sectors: Sequence[str] | None = None) -> SchoolCalendar:
    """The one school-calendar loader: holidays and study days of schools in ``sectors``
    (periods stored without a sector hold for all); no sectors: every holiday and study day."""
    query = select(Period.start, Period.end).where(Period.kind.in_(HOLIDAY_KINDS))
    if sectors:
        query = query.where(or_(Period.sector.is_(None), Period.sector.in_(list(sectors))))
    return SchoolCalendar.from_periods((as_date(s), as_date(e)) for s, e in conn.execute(query))


def holiday_rows(conn: Connection) -> list[tuple]:
    """The stored holidays and study days as (start, end, sector) rows, in the order they were made
    (also what an import compares to see whether the calendar changed meanwhile)."""
    return conn.execute(select(Period.start, Period.end, Period.sector).where(Period.kind.in_(HOLIDAY_KINDS))
                        .order_by(Period.id)).all()


def load_school_calendars(conn: Connection, sectors: Sequence[str]) -> dict[str, SchoolCalendar]:
    """:func:`load_school_calendar` for each sector, from one read of the holidays."""
    rows = holiday_rows(conn)
    return {sector: SchoolCalendar.from_periods((as_date(s), as_date(e)) for s, e, of in rows
                                                if of is None or of == sector)
            for sector in sectors}


class SchoolDayCounter:
    """School-day arithmetic over a fixed range, for many signals at once (one array search each)."""

    def __init__(self, calendar: SchoolCalendar, start: dt.date, end: dt.date):
        self.days = np.array(calendar.school_days(start, end), dtype="datetime64[D]")

    def upto(self, day: dt.date) -> int:
        """School days on or before ``day`` within the range."""
        return int(np.searchsorted(self.days, np.datetime64(day, "D"), side="right"))

    def between(self, first: dt.date, later: dt.date) -> int:
        """School days after ``first`` up to and including ``later``; 0 when later ≤ first."""
        return max(0, self.upto(later) - self.upto(first))

