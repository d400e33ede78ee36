"""Registration quality per school for a window (definitions.quality): the flag beside a ranking
on /scholen and /keten. Reads the summaries (absence_week, signal16) and one index seek per school
for its last registered day."""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, case, func, select

from data_access.definitions import quality as definition
from data_access.definitions.calendar import as_date, load_school_calendar, week_start
from data_access.definitions.sixteen_hours import on_time, school_week_index
from data_access.models import Absence, AbsenceWeek, School, Signal16

COLUMNS = ["school_id", "name", "last_registration", "stale_school_days", "unknown_hours", "hours", "signals",
           "on_time", "recent_per_day", "earlier_per_day", "reasons", "flagged"]


def school_quality(conn: Connection, start: dt.date, end: dt.date, compliance_days: int) -> pd.DataFrame:
    """One row per school: the measures behind the flag over [start, end] and its reasons.

    ``compliance_days``: the meldtrouw term (setting ``compliance_school_days``)."""
    last = (select(func.max(Absence.date)).where(Absence.school_id == School.id, Absence.date <= end)
            .correlate(School).scalar_subquery())
    schools = pd.DataFrame([(i, n, as_date(d)) for i, n, d in conn.execute(select(School.id, School.name, last))],
                           columns=["school_id", "name", "last_registration"])
    if schools.empty:
        return pd.DataFrame(columns=COLUMNS)
    newest = max((d for d in schools["last_registration"] if d is not None), default=None)
    calendar = load_school_calendar(conn)

    hours = dict.fromkeys(schools["school_id"], 0.0)
    unknown = dict.fromkeys(schools["school_id"], 0.0)
    for school, category, total in conn.execute(
            select(AbsenceWeek.school_id, AbsenceWeek.category, func.sum(AbsenceWeek.hours))
            .where(AbsenceWeek.week_start >= week_start(start), AbsenceWeek.week_start <= end)
            .group_by(AbsenceWeek.school_id, AbsenceWeek.category)):
        hours[school] = hours.get(school, 0.0) + float(total or 0)
        if category == "onbekend":
            unknown[school] = unknown.get(school, 0.0) + float(total or 0)
    signals = {school: (int(n), int(t or 0)) for school, n, t in conn.execute(
        select(Signal16.school_id, func.count(), func.sum(case((on_time(Signal16.school_days_to_melding,
                                                                       compliance_days), 1), else_=0)))
        .where(Signal16.signal_on >= start, Signal16.signal_on <= end).group_by(Signal16.school_id))}

    recent, earlier = {}, {}
    if newest is not None:
        weeks = school_week_index(calendar, newest - dt.timedelta(days=400), newest)
        by_number = {n: monday for monday, n in weeks.items()}
        current = weeks.get(week_start(newest))
        if current is not None:
            recent_weeks = [by_number[n] for n in range(current - definition.RECENT_WEEKS + 1, current + 1)
                            if n in by_number]
            earlier_weeks = [by_number[n] for n in range(current - definition.RECENT_WEEKS - definition.EARLIER_WEEKS + 1,
                                                         current - definition.RECENT_WEEKS + 1) if n in by_number]
            per_week = {}
            for school, monday, total in conn.execute(
                    select(AbsenceWeek.school_id, AbsenceWeek.week_start, func.sum(AbsenceWeek.hours))
                    .where(AbsenceWeek.week_start.in_(recent_weeks + earlier_weeks))
                    .group_by(AbsenceWeek.school_id, AbsenceWeek.week_start)):
                per_week[(school, as_date(monday))] = float(total or 0)

            def days_in(mondays):
                return sum(calendar.count_school_days(m, min(m + dt.timedelta(days=6), newest)) for m in mondays)

            recent_days, earlier_days = days_in(recent_weeks), days_in(earlier_weeks)
            for school in schools["school_id"]:
                if recent_days:
                    recent[school] = sum(per_week.get((school, m), 0.0) for m in recent_weeks) / recent_days
                if earlier_days:
                    earlier[school] = sum(per_week.get((school, m), 0.0) for m in earlier_weeks) / earlier_days

    rows = []
    for school, name, last_day in schools.itertuples(index=False):
        stale = calendar.school_days_between(last_day, newest) if last_day is not None and newest else None
        n, t = signals.get(school, (0, 0))
        reasons = definition.quality_reasons(
            stale_school_days=stale, unknown_hours=unknown.get(school, 0.0), hours=hours.get(school, 0.0),
            signals=n, on_time=t, recent_per_day=recent.get(school), earlier_per_day=earlier.get(school))
        rows.append((school, name, last_day, stale, unknown.get(school, 0.0), hours.get(school, 0.0), n, t,
                     recent.get(school), earlier.get(school), reasons, bool(reasons)))
    return pd.DataFrame(rows, columns=COLUMNS)
