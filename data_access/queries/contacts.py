"""Contact during COVID-19: school and family contact rates per period, against a baseline.

Definitions (DESIGN.md, "Definitions"), all computed over a :class:`~data_access.periods.Window`
(a period, or the normal school weeks of its baseline) for one sector group:

- **school contact rate** = in-scope schools of the group with at least one officer contact with
  the school (target ``school``; newsletters and information sessions do not count) in the window
  / in-scope schools of the group. Reached or not: a contact attempt counts, as the definition says.
- **contacts per school per week** = those school contacts / schools / school weeks (school days / 5).
- **family contact rate** = cases (``concern`` rows) open in the window whose youth was at a school
  of the group that school year, with at least one successful contact (``reached``, target family
  or youth) in the window while the case was open / those open cases. A contact belongs to a case
  through ``concern_id``, or — when it has none — through the same pupil.
- **days to first successful contact**: from the case's opening or the window's start (whichever
  is later; for a baseline: its first day on or after the opening) to that contact, counting only
  days inside the window; the median over the reached cases.
- **never reached**: open cases contacted in the window but never reached in it; their attempts
  are counted per channel. Cases not contacted at all are counted separately.
- **led to a new concern**: share of the contacts in the window (newsletters and information
  sessions excluded) with ``led_to_concern``.

A contact belongs to the group through its school, or — without one — through the pupil's school
in that school year; contacts with a school itself count only for schools in scope.

Where the figures are read from: the contacts with a school of their own per sector and segment
(a week, cut where a month begins) from the ``contact_segment`` summary, which
``aggregates.refresh_contacts`` keeps current; the days of a range around its whole segments,
contacts without a school, school contacts per school and the cases from the contact rows (the
covering index ``ix_contact_target_date``). When a school's sector or scope changed since
``contact_segment`` was built, everything comes from the contact rows until it is rebuilt.

Newsletters and information sessions are their own kind of contact: counted per topic.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection, Date, Executable, Integer, and_, bindparam, case, distinct, func, literal_column, or_, select, union_all,
)

from data_access import periods as periods_mod
from data_access.summary_state import contact_segment_is_stale
from data_access.definitions.calendar import (
    SchoolCalendar, as_date, load_school_calendar, mondays, month_ranges, month_sql, school_year_bounds, school_year_label,
    school_year_of, school_year_sql, week_sql, week_start,
)
from data_access.definitions.suppression import COMPLEMENTARY, Suppressor, applies
from data_access.metrics import median_or_none, share
from data_access.models import Concern, Contact, ContactSegment, ContactWeek, Pupil, PupilEnrolment, School
from data_access.periods import PeriodRow, Window

MASS_CHANNELS = ("newsletter", "info_session")
FAMILY_TARGETS = ("family", "youth")
CHART_TARGETS = ("school", "family", "youth")
ATTEMPT_CHANNELS = ("phone", "email", "letter", "home_visit")
HEATMAP_LOOKBACK_WEEKS = 26



# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactMetrics:
    """The raw counts behind every figure of one window (no suppression applied)."""

    schools: int
    schools_contacted: int
    school_contacts: int
    school_weeks: float
    cases_open: int
    cases_reached: int
    cases_never_reached: int
    cases_not_contacted: int
    median_days_to_contact: float | None
    contacts: int
    contacts_led_to_concern: int
    never_reached_attempts: dict[str, int] = field(default_factory=dict)

    @property
    def school_contact_rate(self) -> float | None:
        return share(self.schools_contacted, self.schools)

    @property
    def contacts_per_school_per_week(self) -> float | None:
        if not self.schools or not self.school_weeks:
            return None
        return self.school_contacts / self.schools / self.school_weeks

    @property
    def family_contact_rate(self) -> float | None:
        return share(self.cases_reached, self.cases_open)

    @property
    def concern_share(self) -> float | None:
        return share(self.contacts_led_to_concern, self.contacts)


@dataclass(frozen=True)
class PeriodReport:
    period: PeriodRow
    window: Window
    baseline: Window
    direction: str
    metrics: ContactMetrics
    baseline_metrics: ContactMetrics | None

    @property
    def baseline_weeks_wanted(self) -> int:
        return periods_mod.baseline_week_count(self.window)

    @property
    def baseline_complete(self) -> bool:
        return len(baseline_mondays_of(self.baseline)) >= self.baseline_weeks_wanted


def baseline_mondays_of(window: Window) -> list[dt.date]:
    """The Mondays of the weeks the baseline's ranges cover."""
    return [monday for start, end in window.ranges for monday in mondays(start, end)]


# --- statements -----------------------------------------------------------------------------
#
# The statements that read contacts are built once per shape — dialect, sector group, the number
# of date ranges read — and kept; their dates are bound per call. Building and keying statements
# of this size costs SQLAlchemy about as much time as SQLite needs to run them (region tier).

_STATEMENTS: dict[tuple, Executable] = {}
_MAX_STATEMENTS = 256


def _statement(conn: Connection, key: tuple, build: Callable[[], Executable]) -> Executable:
    key = (conn.dialect.name, *key)
    statement = _STATEMENTS.get(key)
    if statement is None:
        if len(_STATEMENTS) >= _MAX_STATEMENTS:
            _STATEMENTS.clear()
        statement = _STATEMENTS[key] = build()
    return statement


def _day(name: str):
    return bindparam(name, type_=Date)


def _window_ranges(windows: Sequence[Window]) -> list[tuple[int, dt.date, dt.date]]:
    """(window number, first day, last day) of every range of every window, window by window.

    The queries below read each range as its own ``BETWEEN`` (a UNION ALL branch tagged with its
    window): one index range each, where an OR of ranges makes the planners scan."""
    return [(i, start, end) for i, window in enumerate(windows) for start, end in window.ranges]


def _range_params(ranges: list[tuple[int, dt.date, dt.date]], stale: bool = False) -> dict:
    """Range j binds s<j>, e<j>; y<j>, the school year of its first day; and its split for the
    contacts of the group (:func:`_split_range`): whole segments fs<j>–fe<j>, days before them
    hs<j>–he<j> and after them ts<j>–te<j>."""
    params = {}
    for j, (_, start, end) in enumerate(ranges):
        params.update({f"s{j}": start, f"e{j}": end, f"y{j}": school_year_of(start)})
        for name, (first, last) in zip("fht", _split_range(start, end, stale)):
            params.update({f"{name}s{j}": first, f"{name}e{j}": last})
    return params


def _window_tag(i: int):
    return literal_column(str(int(i))).label("w")


def _one_of(column, values: Sequence[str]):
    """``column IN ('a', 'b')`` with the code's constants (sectors, targets, channels) in the SQL:
    an IN of bound values is rendered anew for every execution of a cached statement."""
    return column.in_([literal_column(_quoted(v)) for v in values])


def _none_of(column, values: Sequence[str]):
    return column.not_in([literal_column(_quoted(v)) for v in values])


def _quoted(value: str) -> str:
    if not value.replace("_", "").isalnum():
        raise ValueError(f"not a plain constant: {value!r}")
    return f"'{value}'"


# --- scope helpers --------------------------------------------------------------------------


def _group_school_ids(group: str, in_scope_only: bool = False):
    query = select(School.id).where(_one_of(School.sector, periods_mod.sectors_of_group(group)))
    if in_scope_only:
        query = query.where(School.in_scope.is_(True))
    return query


def _pupil_school(pupil_id, year):
    """The pupil's school in a school year, else the current one."""
    enrolled = (select(PupilEnrolment.school_id)
                .where(PupilEnrolment.pupil_id == pupil_id, PupilEnrolment.school_year == year)
                .scalar_subquery())
    current = select(Pupil.school_id).where(Pupil.id == pupil_id).scalar_subquery()
    return func.coalesce(enrolled, current)


# A contact is about its own school (contact.school_id) or, without one, about the pupil's school
# that school year; contacts with a school itself (target school) count only for schools in scope.
# contact_segment sums the first kind per sector; the second kind is resolved row by row as it is read.


def _own_school_in_group(group: str):
    """Straight from the contact rows: a contact whose own school is of the group."""
    return and_(Contact.school_id.in_(_group_school_ids(group)),
                or_(Contact.target != "school", Contact.school_id.in_(_group_school_ids(group, True))))


def _summary_in_group(group: str):
    """The same from contact_segment: contacts with a school of the group's sectors."""
    return and_(_one_of(ContactSegment.sector, periods_mod.sectors_of_group(group)),
                or_(ContactSegment.target != "school", ContactSegment.in_scope.is_(True)))


def _pupil_school_in_group(conn: Connection, group: str):
    """A contact without a school of its own, about a pupil of a school of the group that school year."""
    year = literal_column(school_year_sql(conn, "contact.date"))
    return and_(Contact.school_id.is_(None), Contact.pupil_id.is_not(None), Contact.target != "school",
                _pupil_school(Contact.pupil_id, year).in_(_group_school_ids(group)))


def _open_in_range(j: int):
    """A case open on some day of range j (bound as s<j>, e<j>)."""
    return and_(Concern.opened_on <= _day(f"e{j}"), or_(Concern.closed_on.is_(None), Concern.closed_on >= _day(f"s{j}")))


def _count_true(flag):
    """SUM of a boolean column (reached, led_to_concern) that works on SQLite and PostgreSQL."""
    return func.sum(case((flag.is_(True), 1), else_=0))


def segment_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The segment (contact_segment) a day is in: its week, cut where a month begins."""
    monday = week_start(day)
    return next((s, e) for s, e in month_ranges(monday, monday + dt.timedelta(days=6)) if s <= day <= e)


_NO_DAYS = (dt.date(2000, 1, 2), dt.date(2000, 1, 1))  # an empty BETWEEN


def _split_range(start: dt.date, end: dt.date, stale: bool = False) -> tuple[tuple[dt.date, dt.date], ...]:
    """(whole segments, days before them, days after them) of a date range; each may be empty.

    The group's contacts on the whole segments come from contact_segment; on the days around them
    (and on all days when contact_segment is stale) from the contact rows."""
    first = start if segment_of(start)[0] == start else segment_of(start)[1] + dt.timedelta(days=1)
    last = end if segment_of(end)[1] == end else segment_of(end)[0] - dt.timedelta(days=1)
    if stale or first > last:
        return _NO_DAYS, (start, end), _NO_DAYS
    before = (start, first - dt.timedelta(days=1)) if start < first else _NO_DAYS
    after = (last + dt.timedelta(days=1), end) if last < end else _NO_DAYS
    return (first, last), before, after


def _group_contact_parts(conn: Connection, group: str, j: int, summary: Callable, contacts: Callable) -> list:
    """The group's contacts in range j (no newsletters and sessions), as SELECTs to add up: whole
    segments from contact_segment; the days around them from the contact rows; contacts without a
    school of their own from the contact rows on all days. ``summary(where)`` and
    ``contacts(where)`` make the SELECT of each source with its conditions."""
    def days(prefix):
        return Contact.date.between(_day(f"{prefix}s{j}"), _day(f"{prefix}e{j}"))

    mine = _none_of(Contact.channel, MASS_CHANNELS)
    return [
        summary(and_(_summary_in_group(group), _none_of(ContactSegment.channel, MASS_CHANNELS),
                     ContactSegment.first_day.between(_day(f"fs{j}"), _day(f"fe{j}")))),
        contacts(and_(_own_school_in_group(group), mine, days("h"))),
        contacts(and_(_own_school_in_group(group), mine, days("t"))),
        contacts(and_(_pupil_school_in_group(conn, group), mine, days(""))),
    ]


# --- data bounds and the windows ------------------------------------------------------------


@dataclass(frozen=True)
class _WindowInputs:
    """What the windows of every period of a group are made from (read once for all periods)."""

    calendar: SchoolCalendar
    blocked: list[tuple[dt.date, dt.date]]
    earliest: dt.date | None
    latest: dt.date | None


def contact_bounds(conn: Connection) -> tuple[dt.date | None, dt.date | None]:
    """First and last contact date in the database (a baseline never reaches beyond them)."""
    # two subqueries: each is one step along the date index; MIN and MAX together scan all of it
    statement = _statement(conn, ("bounds",), lambda: select(select(func.min(Contact.date)).scalar_subquery(),
                                                             select(func.max(Contact.date)).scalar_subquery()))
    first, last = conn.execute(statement).one()
    return as_date(first), as_date(last)


def _window_inputs(conn: Connection, group: str) -> _WindowInputs:
    """The group's school calendar (holidays, study days) and blocked ranges (holidays, COVID)."""
    calendar = load_school_calendar(conn, periods_mod.sectors_of_group(group))
    blocked = periods_mod.blocked_ranges(conn, group)
    return _WindowInputs(calendar, blocked, *contact_bounds(conn))


def _windows(period: PeriodRow, inputs: _WindowInputs, direction: str) -> tuple[Window, Window]:
    window = periods_mod.period_window(period, inputs.calendar)
    if inputs.earliest is None:
        return window, periods_mod.EMPTY_WINDOW
    baseline = periods_mod.baseline_window(period, inputs.calendar, inputs.blocked, direction,
                                           inputs.earliest, inputs.latest)
    return window, baseline


def windows_for(conn: Connection, period: PeriodRow, group: str, direction: str) -> tuple[Window, Window]:
    return _windows(period, _window_inputs(conn, group), direction)


# --- the metrics of windows -----------------------------------------------------------------
#
# Every kind of figure is read for all windows at once (a report's period and baseline; every
# period on the comparison tab): one statement per kind reads each range of each window as its own
# UNION ALL branch, tagged with the window's number, and returns the figures per window. Windows
# may overlap (an episode and its parts): a contact is counted in each window it falls in.


class CaseOutcome(NamedTuple):
    """One open case in a window: its attempts, successes and the first successful day."""

    case_id: int
    opened_on: dt.date
    attempts: int
    reached: int
    first_reached: dt.date | None
    status: str
    days_to_contact: float | None


def window_metrics(conn: Connection, window: Window, group: str) -> ContactMetrics:
    return windows_metrics(conn, [window], group)[0]


def windows_metrics(conn: Connection, windows: Sequence[Window], group: str) -> list[ContactMetrics]:
    """The metrics of each window, with one query per kind of figure for all of them."""
    schools = conn.execute(_statement(conn, ("schools", group), lambda: select(func.count()).select_from(
        _group_school_ids(group, True).subquery()))).scalar_one()
    ranges = _window_ranges(windows)
    school_counts = _school_contact_counts(conn, ranges, group) if ranges else {}
    contact_counts = _concern_counts(conn, ranges, group) if ranges else {}
    case_rows = _case_channel_rows(conn, ranges, group, len(windows)) if ranges else [[] for _ in windows]
    out = []
    for i, (window, rows) in enumerate(zip(windows, case_rows)):
        cases = _case_outcomes(rows, window)
        contacted, school_contacts = school_counts.get(i, (0, 0))
        contacts, led = contact_counts.get(i, (0, 0))
        out.append(ContactMetrics(
            schools=int(schools), schools_contacted=contacted, school_contacts=school_contacts,
            school_weeks=window.school_weeks,
            cases_open=len(cases),
            cases_reached=sum(c.status == "reached" for c in cases),
            cases_never_reached=sum(c.status == "never_reached" for c in cases),
            cases_not_contacted=sum(c.status == "not_contacted" for c in cases),
            median_days_to_contact=median_or_none([c.days_to_contact for c in cases
                                                   if c.days_to_contact is not None]),
            contacts=contacts, contacts_led_to_concern=led,
            never_reached_attempts=_attempts_of_never_reached(rows, cases),
        ))
    return out


def _school_contact_counts(conn: Connection, ranges: list, group: str) -> dict[int, tuple[int, int]]:
    """Per window: (in-scope schools of the group contacted, contacts with them); no newsletters."""
    tags = tuple(i for i, _, _ in ranges)

    def build():
        rows = union_all(*(
            select(_window_tag(i), Contact.school_id)
            .where(Contact.school_id.in_(_group_school_ids(group, True)), Contact.target == "school",
                   _none_of(Contact.channel, MASS_CHANNELS), Contact.date.between(_day(f"s{j}"), _day(f"e{j}")))
            for j, i in enumerate(tags))).subquery()
        return select(rows.c.w, func.count(distinct(rows.c.school_id)), func.count()).group_by(rows.c.w)

    counts = conn.execute(_statement(conn, ("school_contacts", group, tags), build), _range_params(ranges)).all()
    return {int(w): (int(contacted), int(contacts)) for w, contacted, contacts in counts}


def _concern_counts(conn: Connection, ranges: list, group: str) -> dict[int, tuple[int, int]]:
    """Per window: (the group's contacts, those that led to a new concern); no newsletters and sessions."""
    tags = tuple(i for i, _, _ in ranges)

    def build():
        led = _count_true(Contact.led_to_concern)
        parts = [part for j, i in enumerate(tags) for part in _group_contact_parts(
            conn, group, j,
            summary=lambda where, i=i: select(_window_tag(i), func.sum(ContactSegment.contacts).label("n"),
                                              func.sum(ContactSegment.led_to_concern).label("led")).where(where),
            contacts=lambda where, i=i: select(_window_tag(i), func.count().label("n"), led.label("led")).where(where))]
        rows = union_all(*parts).subquery()
        return select(rows.c.w, func.sum(rows.c.n), func.sum(rows.c.led)).group_by(rows.c.w)

    stale = contact_segment_is_stale(conn)
    counts = conn.execute(_statement(conn, ("concern_counts", group, tags), build), _range_params(ranges, stale)).all()
    return {int(w): (int(contacts or 0), int(led or 0)) for w, contacts, led in counts}


def _case_channel_rows(conn: Connection, ranges: list, group: str, windows: int) -> list[list[tuple]]:
    """Per window, per open case: (case, opened on, channel, attempts, successes, first successful
    day) per channel of its contacts in the window while it was open, and one row with channel
    None and no attempts (so a case without contacts is there too)."""
    tags = tuple(i for i, _, _ in ranges)
    params = _range_params(ranges)
    open_cases = _open_cases(conn, ranges, group, windows, params)
    found = [[(case_id, opened_on, None, 0, 0, None) for case_id, opened_on in cases.items()] for cases in open_cases]
    for w, case_id, channel, attempts, reached, first in conn.execute(
            _statement(conn, ("case_contacts", tags), lambda: _case_contacts_statement(tags)), params).all():
        opened_on = open_cases[int(w)].get(case_id)
        if opened_on is not None:  # contacts of cases of other groups are left out
            found[int(w)].append((case_id, opened_on, channel, int(attempts), int(reached or 0), as_date(first)))
    return found


def _open_cases(conn: Connection, ranges: list, group: str, windows: int, params: dict) -> list[dict[int, dt.date]]:
    """Per window: its open cases of the group, id → opened on. A case belongs to a window when it
    was open in one of the window's ranges while its youth was at a school of the group in that
    range's school year. One pass over the cases open in any range; the youth's school is looked up
    once per case and school year (for the years of the ranges the case was open in)."""
    years = sorted({params[f"y{j}"] for j in range(len(ranges))})
    slots = tuple(years.index(params[f"y{j}"]) for j in range(len(ranges)))
    statement = _statement(conn, ("open_cases", group, slots), lambda: _open_cases_statement(slots, group))
    found: list[dict[int, dt.date]] = [{} for _ in range(windows)]
    for case_id, opened_on, closed_on, *member in conn.execute(
            statement, {**params, **{f"year{k}": year for k, year in enumerate(years)}}).all():
        opened_on, closed_on = as_date(opened_on), as_date(closed_on)
        for j, (i, start, end) in enumerate(ranges):
            if member[slots[j]] and opened_on <= end and (closed_on is None or closed_on >= start):
                found[i][case_id] = opened_on
    return found


def _open_cases_statement(slots: tuple[int, ...], group: str):
    """Cases open in any range, with per school year k (year<k>) whether the youth was at a school
    of the group then — only asked when the case was open in a range of that year (else NULL)."""
    def member(k):
        in_year = or_(*(_open_in_range(j) for j, slot in enumerate(slots) if slot == k))
        at_school = _pupil_school(Concern.pupil_id, bindparam(f"year{k}", type_=Integer)).in_(_group_school_ids(group))
        return case((in_year, at_school), else_=None)

    return (select(Concern.id, Concern.opened_on, Concern.closed_on, *(member(k) for k in range(max(slots) + 1)))
            .where(or_(*(_open_in_range(j) for j in range(len(slots))))))


def _case_contacts_statement(tags: tuple[int, ...]):
    """Per window × case × channel: the contacts with families and youths in the window while the
    case was open, of any case (the caller keeps those of the window's open cases)."""
    def per_channel(i, j, belongs_to_case):
        return (select(_window_tag(i), Concern.id, Contact.channel, func.count(), _count_true(Contact.reached),
                       func.min(case((Contact.reached.is_(True), Contact.date), else_=None)))
                .select_from(Contact).join(Concern, belongs_to_case)
                .where(_one_of(Contact.target, FAMILY_TARGETS), _none_of(Contact.channel, MASS_CHANNELS),
                       Contact.date.between(_day(f"s{j}"), _day(f"e{j}")), Contact.date >= Concern.opened_on,
                       or_(Concern.closed_on.is_(None), Contact.date <= Concern.closed_on))
                .group_by(Concern.id, Contact.channel))

    # A contact belongs to a case through concern_id, or — without one — through the same pupil.
    # "concern_id + 0 IS NULL": the same test, but SQLite then reads the range's contacts by date
    # instead of every contact without a case through the concern_id index (~16 k at region scale).
    through_case = Concern.id == Contact.concern_id
    through_pupil = and_((Contact.concern_id + literal_column("0")).is_(None), Concern.pupil_id == Contact.pupil_id)
    return union_all(*(per_channel(i, j, link) for j, i in enumerate(tags) for link in (through_case, through_pupil)))


def _case_outcomes(rows: list[tuple], window: Window) -> list[CaseOutcome]:
    """One outcome per open case (by id): reached / never_reached (attempts only) / not_contacted."""
    cases: dict[int, list] = {}
    for case_id, opened_on, _, attempts, reached, first in rows:
        acc = cases.setdefault(case_id, [opened_on, 0, 0, None])
        acc[1] += attempts
        acc[2] += reached
        if first is not None and (acc[3] is None or first < acc[3]):
            acc[3] = first
    out = []
    for case_id in sorted(cases):
        opened_on, attempts, reached, first = cases[case_id]
        status = "reached" if reached > 0 else "never_reached" if attempts > 0 else "not_contacted"
        out.append(CaseOutcome(case_id, opened_on, attempts, reached, first, status,
                               _days_to_contact(window, opened_on, first)))
    return out


def _days_to_contact(window: Window, opened_on: dt.date, first_reached: dt.date | None) -> float | None:
    if first_reached is None:
        return None
    anchor = window.first_day_from(opened_on)
    return float(window.days_between(anchor, first_reached)) if anchor else None


def _attempts_of_never_reached(rows: list[tuple], cases: list[CaseOutcome]) -> dict[str, int]:
    never = {c.case_id for c in cases if c.status == "never_reached"}
    attempts = {channel: 0 for channel in ATTEMPT_CHANNELS}
    for case_id, _, channel, count, _, _ in rows:
        if case_id in never and isinstance(channel, str):
            attempts[channel] = attempts.get(channel, 0) + count
    return attempts


def case_contact_summary(conn: Connection, window: Window, group: str) -> pd.DataFrame:
    """One row per open case: attempts, status (reached / never_reached / not_contacted) and days
    from its start in the window to the first successful contact."""
    columns = ["case_id", "attempts", "reached", "first_reached", "status", "days_to_contact"]
    ranges = _window_ranges([window])
    [rows] = _case_channel_rows(conn, ranges, group, 1) if ranges else [[]]
    return pd.DataFrame([(c.case_id, c.attempts, c.reached, c.first_reached, c.status, c.days_to_contact)
                         for c in _case_outcomes(rows, window)], columns=columns)


# --- reports --------------------------------------------------------------------------------


def period_report(conn: Connection, period: PeriodRow, group: str, direction: str = "before") -> PeriodReport:
    [report] = period_reports(conn, [period], group, direction)
    return report


def all_period_reports(conn: Connection, group: str, direction: str = "before") -> list[PeriodReport]:
    """Every COVID period of the group, and every run of adjacent ones taken together."""
    return period_reports(conn, periods_mod.period_choices(conn, group), group, direction)


def period_reports(conn: Connection, chosen: Sequence[PeriodRow], group: str, direction: str = "before"
                   ) -> list[PeriodReport]:
    """Each period against its baseline; the metrics of all their windows read together."""
    inputs = _window_inputs(conn, group)
    pairs = [_windows(period, inputs, direction) for period in chosen]
    metrics = windows_metrics(conn, [w for pair in pairs for w in pair], group)
    return [PeriodReport(period=period, window=window, baseline=baseline, direction=direction,
                         metrics=metrics[2 * i],
                         baseline_metrics=None if baseline.is_empty else metrics[2 * i + 1])
            for i, (period, (window, baseline)) in enumerate(zip(chosen, pairs))]


# --- charts and tables ----------------------------------------------------------------------


def contacts_over_time(conn: Connection, group: str, start: dt.date, end: dt.date, unit: str = "week") -> pd.DataFrame:
    """Contacts per week (its Monday) or month (its first day) × target × channel for the group;
    newsletters and information sessions left out."""
    params = _range_params([(0, start, end)], contact_segment_is_stale(conn))
    totals: dict[tuple, list[int]] = {}
    for bucket, target, channel, contacts, reached in conn.execute(
            _statement(conn, ("over_time", group, unit), lambda: _over_time_statement(conn, group, unit)), params).all():
        key = (as_date(bucket), target, channel)
        cell = totals.get(key)
        if cell is None:
            totals[key] = [contacts, reached]
        else:
            cell[0] += contacts
            cell[1] += reached
    keys = sorted(totals)
    return pd.DataFrame({
        "bucket_start": pd.Series([k[0] for k in keys], dtype=object),
        "target": pd.Series([k[1] for k in keys], dtype=object if not keys else None),
        "channel": pd.Series([k[2] for k in keys], dtype=object if not keys else None),
        "contacts": np.fromiter((totals[k][0] for k in keys), np.int64, len(keys)),
        "reached": np.fromiter((totals[k][1] for k in keys), np.int64, len(keys)),
    })


def _over_time_statement(conn: Connection, group: str, unit: str):
    """Each source of the group's contacts summed per bucket × target × channel (added up by the caller:
    the sources rarely share a cell, and an outer GROUP BY costs SQLite a sort of all rows)."""
    bucket = literal_column((week_sql if unit == "week" else month_sql)(conn, "contact.date"), type_=Date)
    summary_bucket = ContactSegment.week_start if unit == "week" else ContactSegment.month_start

    def summary(where):
        return (select(summary_bucket.label("bucket"), ContactSegment.target, ContactSegment.channel,
                       func.sum(ContactSegment.contacts).label("n"), func.sum(ContactSegment.reached).label("reached"))
                .where(where, _one_of(ContactSegment.target, CHART_TARGETS))
                .group_by(summary_bucket, ContactSegment.target, ContactSegment.channel))

    def contacts(where):
        return (select(bucket.label("bucket"), Contact.target, Contact.channel, func.count().label("n"),
                       _count_true(Contact.reached).label("reached"))
                .where(where, _one_of(Contact.target, CHART_TARGETS))
                .group_by(bucket, Contact.target, Contact.channel))

    return union_all(*_group_contact_parts(conn, group, 0, summary, contacts))


def mass_contact_rows(conn: Connection, group: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Newsletters and information sessions: one row per channel × topic × date × school."""
    rows = conn.execute(
        select(Contact.channel, Contact.topic, Contact.date, Contact.school_id)
        .where(Contact.channel.in_(MASS_CHANNELS), Contact.date.between(start, end),
               or_(Contact.school_id.is_(None), Contact.school_id.in_(_group_school_ids(group))))
        .group_by(Contact.channel, Contact.topic, Contact.date, Contact.school_id)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["channel", "topic", "date", "school_id"])
    frame["date"] = frame["date"].map(as_date)
    frame["topic"] = frame["topic"].fillna("(geen onderwerp)")
    return frame


def summarise_mass_contacts(rows: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Per channel × topic (and ``by``): occasions (different dates) and different schools."""
    keys = [*(by or []), "channel", "topic"]
    if rows.empty:
        return pd.DataFrame(columns=[*keys, "occasions", "schools"])
    summary = rows.groupby(keys, sort=False).agg(occasions=("date", "nunique"),
                                                 schools=("school_id", "nunique")).reset_index()
    return summary.astype({"occasions": int, "schools": int})


def mass_contacts(conn: Connection, window: Window, group: str) -> pd.DataFrame:
    """Newsletters and information sessions in a window, per channel × topic."""
    if window.is_empty:
        return summarise_mass_contacts(pd.DataFrame())
    rows = mass_contact_rows(conn, group, window.start, window.end)
    summary = summarise_mass_contacts(rows[[window.contains(d) for d in rows["date"]]])
    return summary.sort_values(["channel", "occasions", "topic"], ascending=[True, False, True], ignore_index=True)


def mass_contacts_by_period(conn: Connection, group: str, covid: list[PeriodRow], start: dt.date,
                            end: dt.date) -> pd.DataFrame:
    """Newsletters and information sessions from start to end per COVID period, and per school year
    for those outside the COVID periods: period, from, to, channel, topic, occasions, schools."""
    rows = mass_contact_rows(conn, group, start, end)
    labels = [_mass_period_of(day, covid, start, end) for day in rows["date"]]
    rows = rows.assign(period=[l[0] for l in labels], period_start=[l[1] for l in labels],
                       period_end=[l[2] for l in labels])
    summary = summarise_mass_contacts(rows, by=["period_start", "period_end", "period"])
    return summary.sort_values(["period_start", "channel", "topic"], ignore_index=True)


def _mass_period_of(day: dt.date, covid: list[PeriodRow], start: dt.date, end: dt.date) -> tuple[str, dt.date, dt.date]:
    for period in covid:
        if period.start <= day <= period.end:
            return period.name, period.start, period.end
    year = school_year_of(day)
    first, last = school_year_bounds(year)
    return f"Buiten de COVID-perioden, schooljaar {school_year_label(year)}", max(first, start), min(last, end)


def schools_in_scope(conn: Connection, group: str) -> pd.DataFrame:
    rows = conn.execute(select(School.id, School.name).where(School.id.in_(_group_school_ids(group, True)))
                        .order_by(School.name)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["school_id", "school"])


def school_contact_weeks(conn: Connection, group: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """(school, week) pairs with at least one school contact, from the contact_week summary table."""
    rows = conn.execute(
        select(ContactWeek.school_id, ContactWeek.week_start)
        .where(ContactWeek.school_id.in_(_group_school_ids(group, True)), ContactWeek.target == "school",
               ContactWeek.channel.not_in(MASS_CHANNELS), ContactWeek.contacts > 0,
               ContactWeek.week_start.between(week_start(start), end))
        .group_by(ContactWeek.school_id, ContactWeek.week_start)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["school_id", "week_start"])
    frame["week_start"] = frame["week_start"].map(as_date)
    return frame


def last_contact_grid(schools: pd.DataFrame, contact_weeks: pd.DataFrame, mondays: list[dt.date]) -> pd.DataFrame:
    """School × week: the week of the last school contact up to and including that week, and how
    many weeks ago that was (None: no contact in the weeks looked at)."""
    contacted = contact_weeks.groupby("school_id")["week_start"].apply(lambda s: sorted(set(s))).to_dict()
    rows = []
    for school_id, name in zip(schools["school_id"], schools["school"]):
        weeks = contacted.get(school_id, [])
        for monday in mondays:
            last = max((w for w in weeks if w <= monday), default=None)
            rows.append((school_id, name, monday, last, None if last is None else (monday - last).days // 7))
    return pd.DataFrame(rows, columns=["school_id", "school", "week_start", "last_contact", "weeks_since"])


def heatmap_grid(conn: Connection, group: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    weeks = mondays(start, end)
    looked_at_from = week_start(start) - dt.timedelta(weeks=HEATMAP_LOOKBACK_WEEKS)
    return last_contact_grid(schools_in_scope(conn, group), school_contact_weeks(conn, group, looked_at_from, end),
                             weeks)


# --- what a user may see: figures with small-cell suppression ------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure as shown: value None means hidden (``reason``) or not computable."""

    value: float | int | str | None
    numerator: int | str | None = None
    denominator: int | str | None = None
    reason: str = ""

    @property
    def hidden(self) -> bool:
        return bool(self.reason)


METRIC_KEYS = ("school_rate", "contacts_per_school_week", "family_rate", "median_days", "never_reached",
               "concern_share")
METRIC_LABELS = {
    "school_rate": "Scholen gecontacteerd",
    "contacts_per_school_week": "Contacten per school per week",
    "family_rate": "Gezinnen bereikt (jongeren in beeld)",
    "median_days": "Mediaan dagen tot eerste contact",
    "never_reached": "Gezinnen nooit bereikt",
    "concern_share": "Contacten die tot nieuwe zorg leidden",
}
METRIC_KINDS = {"school_rate": "share", "contacts_per_school_week": "number", "family_rate": "share",
                "median_days": "days", "never_reached": "count", "concern_share": "share"}
HIGHER_IS_BETTER = {"school_rate": True, "contacts_per_school_week": True, "family_rate": True,
                    "median_days": False, "never_reached": False, "concern_share": True}


def family_breakdown(metrics: ContactMetrics, suppressor: Suppressor | None) -> pd.DataFrame:
    """Open cases by outcome (reached, never reached, not contacted); their total is shown too.

    With a ``suppressor`` (every role but leerplicht): small counts become its marker ("<5"), and
    when only one cell is hidden a second one is, marked "•", so the total cannot give it away
    (complementary suppression, as Suppressor.frame does). The
    second cell is chosen among the two "not reached" outcomes first — even a zero — because the
    reached count is published anyway as the numerator of the family contact rate: hiding it in
    the table would protect nothing and only hide the rate.
    """
    counts = {"reached": metrics.cases_reached, "never_reached": metrics.cases_never_reached,
              "not_contacted": metrics.cases_not_contacted}
    hidden = {status for status, count in counts.items() if suppressor and suppressor.hides(count)}
    protecting: set[str] = set()
    if len(hidden) == 1:
        [only] = hidden
        not_reached = ["never_reached", "not_contacted"]
        if only in not_reached:
            protecting.add(next(status for status in not_reached if status != only))
        else:
            protecting.add(min(not_reached, key=lambda status: counts[status]))
    return pd.DataFrame({"status": list(counts),
                         "cases": [suppressor.marker if status in hidden else COMPLEMENTARY if status in protecting
                                   else count for status, count in counts.items()]})


def _rate_figure(numerator: int, denominator: int, value: float | None, suppressor: Suppressor | None,
                 counted: tuple[str, str], hidden_numerator: bool = False) -> Figure:
    """A rate, hidden when its numerator or denominator is a small count of people (or the
    numerator is hidden). ``counted``: what the numerator and the denominator count (keys of
    suppression.COUNTS_PEOPLE); a count of the officers' own work or of schools is never hidden."""
    numerator_rule, denominator_rule = (applies(suppressor, what) for what in counted)
    numerator_shown = (suppressor.marker if hidden_numerator and suppressor
                       else numerator_rule.count(numerator) if numerator_rule else numerator)
    denominator_shown = denominator_rule.count(denominator) if denominator_rule else denominator
    if isinstance(numerator_shown, str) or isinstance(denominator_shown, str):
        return Figure(None, numerator_shown, denominator_shown, suppressor.reason)
    return Figure(value, numerator, denominator)


# What the numerator and denominator of each rate on /covid count (suppression.COUNTS_PEOPLE).
RATE_COUNTS = {
    "school_rate": ("schools", "schools"),
    "contacts_per_school_week": ("school_contacts", "schools"),
    "family_rate": ("families", "youths"),
    "concern_share": ("new_concerns", "contacts"),
}


def figures(metrics: ContactMetrics, suppressor: Suppressor | None) -> dict[str, Figure]:
    """Every figure of one window; with a ``suppressor`` (every role but leerplicht) the small
    counts of people suppressed. School contacts and schools are the officers' own work: shown."""
    breakdown = family_breakdown(metrics, suppressor).set_index("status")["cases"]
    never = _plain(breakdown["never_reached"])
    few_reached = suppressor is not None and suppressor.hides(metrics.cases_reached)
    return {
        "school_rate": _rate_figure(metrics.schools_contacted, metrics.schools, metrics.school_contact_rate,
                                    suppressor, RATE_COUNTS["school_rate"]),
        "contacts_per_school_week": _rate_figure(metrics.school_contacts, metrics.schools,
                                                 metrics.contacts_per_school_per_week, suppressor,
                                                 RATE_COUNTS["contacts_per_school_week"]),
        "family_rate": _rate_figure(metrics.cases_reached, metrics.cases_open, metrics.family_contact_rate,
                                    suppressor, RATE_COUNTS["family_rate"],
                                    hidden_numerator=isinstance(breakdown["reached"], str)),
        "median_days": (Figure(None, reason=suppressor.fewer_than("bereikte gezinnen"))
                        if few_reached else Figure(metrics.median_days_to_contact, metrics.cases_reached)),
        "never_reached": Figure(never, reason=suppressor.reason if isinstance(never, str) else ""),
        "concern_share": _rate_figure(metrics.contacts_led_to_concern, metrics.contacts, metrics.concern_share,
                                      suppressor, RATE_COUNTS["concern_share"]),
    }


def difference(key: str, period: Figure, baseline: Figure) -> float | None:
    """Period minus baseline; None when either is hidden or missing. Shares in percentage points."""
    if period.hidden or baseline.hidden or not _is_number(period.value) or not _is_number(baseline.value):
        return None
    diff = period.value - baseline.value
    return diff * 100 if METRIC_KINDS[key] == "share" else diff


def comparison_frame(reports: list[PeriodReport], suppressor: Suppressor | None) -> pd.DataFrame:
    """Each period against its baseline, one row per period × figure (raw values, not formatted)."""
    rows = []
    for report in reports:
        period_figures = figures(report.metrics, suppressor)
        base_figures = figures(report.baseline_metrics, suppressor) if report.baseline_metrics else {}
        for key in METRIC_KEYS:
            mine = period_figures[key]
            base = base_figures.get(key, Figure(None, reason="geen basisperiode met gegevens"))
            rows.append({
                "period_id": report.period.id, "period": report.period.name, "kind": report.period.kind,
                "start": report.period.start, "end": report.period.end, "metric": key,
                "value": mine.value, "baseline": base.value, "difference": difference(key, mine, base),
                "value_hidden": mine.hidden, "baseline_hidden": base.hidden,
                "reason": "; ".join(dict.fromkeys(r for r in (mine.reason, base.reason) if r)),
            })
    columns = ["period_id", "period", "kind", "start", "end", "metric", "value", "baseline", "difference",
               "value_hidden", "baseline_hidden", "reason"]
    return pd.DataFrame(rows, columns=columns).astype({"value": object, "baseline": object, "difference": object})


# What a contact with each target counts (suppression.COUNTS_PEOPLE): a contact with a school is
# the officers' own work; a contact with a family or youth names a family.
TARGET_COUNTS = {"school": "school_contacts", "family": "family_contacts", "youth": "family_contacts"}
ALL_CHANNELS = "all"  # the channel of a bucket's contacts taken together (see suppressed_over_time)


def suppressed_over_time(frame: pd.DataFrame, suppressor: Suppressor | None) -> pd.DataFrame:
    """The series as shown.

    Contacts with schools are the officers' own work: shown per channel for every role. With a
    ``suppressor`` (every role but leerplicht) the contacts with families and with youths are
    counts of people: per bucket and target the channels are added up (channel
    :data:`ALL_CHANNELS`) — a split by channel would make nearly every cell small — and a small
    total becomes the marker ("<5"); when a target's series has exactly one small bucket, one
    more is hidden ("•", complementary, as Suppressor.frame does)."""
    if suppressor is None or frame.empty:
        return frame.copy()
    parts = []
    for target, rows in frame.groupby("target", sort=False):
        rule = applies(suppressor, TARGET_COUNTS.get(target, "family_contacts"))
        if rule is None:
            parts.append(rows)
            continue
        totals = rows.groupby("bucket_start", as_index=False, sort=True)[["contacts", "reached"]].sum()
        totals.insert(1, "target", target)
        totals.insert(2, "channel", ALL_CHANNELS)
        parts.append(rule.frame(totals, counts=["contacts", "reached"]))
    shown = pd.concat(parts, ignore_index=True)
    return shown.sort_values(["bucket_start", "target", "channel"], ignore_index=True)[list(frame.columns)]


def suppressed_attempts(attempts: dict[str, int], suppressor: Suppressor | None) -> pd.DataFrame:
    """Attempts to reach the families never reached, per channel: counts of people."""
    frame = pd.DataFrame({"channel": list(attempts), "attempts": list(attempts.values())})
    rule = applies(suppressor, "family_attempts")
    return rule.frame(frame, counts=["attempts"]) if rule else frame


def suppressed_mass_contacts(frame: pd.DataFrame, suppressor: Suppressor | None) -> pd.DataFrame:
    """Newsletters and information sessions (occasions) and the schools they reached: the
    officers' own work, so shown for every role — the decision is suppression.COUNTS_PEOPLE's."""
    counts = [column for column, counted in (("occasions", "newsletters"), ("occasions", "meetings"),
                                             ("schools", "schools")) if applies(suppressor, counted)]
    return suppressor.frame(frame, counts=list(dict.fromkeys(counts))) if counts else frame.copy()


# --- small helpers --------------------------------------------------------------------------


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and not pd.isna(value)


def _plain(value):
    """numpy scalars to plain Python numbers (strings such as "<5" pass through)."""
    return value.item() if isinstance(value, np.generic) else value
