"""The municipality's school calendar, read from the ``period`` table."""
from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import Connection, or_, select

from data_access.metrics import SchoolCalendar
from data_access.models import Period

HOLIDAY_KINDS = ("vakantie", "studiedag")


def load_calendar(conn: Connection, sector: str | None = None) -> SchoolCalendar:
    query = select(Period.start, Period.end).where(Period.kind.in_(HOLIDAY_KINDS))
    if sector:
        query = query.where(or_(Period.sector.is_(None), Period.sector == sector))
    return SchoolCalendar.from_periods((s, e) for s, e in conn.execute(query))


class SchoolDayCounter:
    """Fast school-day arithmetic over a fixed range (for many signals at once)."""

    def __init__(self, calendar: SchoolCalendar, start: dt.date, end: dt.date):
        self.days = np.array(calendar.school_days(start, end), dtype="datetime64[D]")

    def upto(self, day: dt.date) -> int:
        """School days on or before ``day`` within the range."""
        return int(np.searchsorted(self.days, np.datetime64(day, "D"), side="right"))

    def between(self, first: dt.date, later: dt.date) -> int:
        """School days after ``first`` up to and including ``later``; 0 when later ≤ first."""
        return max(0, self.upto(later) - self.upto(first))
