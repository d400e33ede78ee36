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

Newsletters and information sessions are their own kind of contact: counted per topic.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection, and_, case, distinct, func, literal_column, or_, select,
)

from data_access import periods as periods_mod
from data_access.aggregates import school_year_sql, week_sql
from data_access.metrics import (
    SUPPRESSED, SUPPRESSION_THRESHOLD, is_small, median_or_none, school_year_bounds, school_year_label,
    school_year_of, share, suppress_count,
    suppress_frame, week_start,
)
from data_access.models import Concern, Contact, ContactWeek, Pupil, PupilEnrolment, School
from data_access.periods import PeriodRow, Window

MASS_CHANNELS = ("newsletter", "info_session")
FAMILY_TARGETS = ("family", "youth")
CHART_TARGETS = ("school", "family", "youth")
ATTEMPT_CHANNELS = ("phone", "email", "letter", "home_visit")
HIDDEN_REASON = f"verborgen: teller of noemer kleiner dan {SUPPRESSION_THRESHOLD}"
HEATMAP_LOOKBACK_WEEKS = 26

TARGET_LABELS = {"school": "Scholen", "family": "Gezinnen", "youth": "Jongeren", "partner": "Partners"}
CHANNEL_LABELS = {
    "phone": "Telefoon", "email": "E-mail", "letter": "Brief", "home_visit": "Huisbezoek",
    "school_visit": "Schoolbezoek", "meeting": "Overleg", "newsletter": "Nieuwsbrief",
    "info_session": "Informatiebijeenkomst",
}


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
    mondays: list[dt.date] = []
    for start, end in window.ranges:
        monday = week_start(start)
        while monday <= end:
            mondays.append(monday)
            monday += dt.timedelta(days=7)
    return mondays


# --- scope helpers --------------------------------------------------------------------------


def _in_window(column, window: Window):
    return or_(*(column.between(s, e) for s, e in window.ranges))


def _group_school_ids(group: str, in_scope_only: bool = False):
    query = select(School.id).where(School.sector.in_(periods_mod.sectors_of_group(group)))
    if in_scope_only:
        query = query.where(School.in_scope.is_(True))
    return query


def _contact_school(conn: Connection):
    """The school a contact is about: its own school, else the pupil's school that school year."""
    year = literal_column(school_year_sql(conn, "contact.date"))
    enrolled = (select(PupilEnrolment.school_id)
                .where(PupilEnrolment.pupil_id == Contact.pupil_id, PupilEnrolment.school_year == year)
                .scalar_subquery())
    current = select(Pupil.school_id).where(Pupil.id == Contact.pupil_id).scalar_subquery()
    return func.coalesce(Contact.school_id, enrolled, current)


def _contact_in_group(conn: Connection, group: str):
    """A contact about a school of the group; contacts with a school itself only for schools in scope."""
    return and_(_contact_school(conn).in_(_group_school_ids(group)),
                or_(Contact.target != "school", Contact.school_id.in_(_group_school_ids(group, True))))


def _case_open_in_group(window: Window, group: str):
    """A case open in one of the window's ranges while its youth was at a school of the group."""
    ranges_by_year: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for start, end in window.ranges:
        ranges_by_year[school_year_of(start)].append((start, end))
    current = select(Pupil.school_id).where(Pupil.id == Concern.pupil_id).scalar_subquery()
    conditions = []
    for year, ranges in ranges_by_year.items():
        enrolled = (select(PupilEnrolment.school_id)
                    .where(PupilEnrolment.pupil_id == Concern.pupil_id, PupilEnrolment.school_year == year)
                    .scalar_subquery())
        open_in_ranges = or_(*(
            and_(Concern.opened_on <= end, or_(Concern.closed_on.is_(None), Concern.closed_on >= start))
            for start, end in ranges))
        conditions.append(and_(open_in_ranges, func.coalesce(enrolled, current).in_(_group_school_ids(group))))
    return or_(*conditions)


def _reached_count():
    return func.sum(case((Contact.reached.is_(True), 1), else_=0))


# --- data bounds and the windows ------------------------------------------------------------


def contact_bounds(conn: Connection) -> tuple[dt.date | None, dt.date | None]:
    """First and last contact date in the database (a baseline never reaches beyond them)."""
    first, last = conn.execute(select(func.min(Contact.date), func.max(Contact.date))).one()
    return _as_date(first), _as_date(last)


def windows_for(conn: Connection, period: PeriodRow, group: str, direction: str) -> tuple[Window, Window]:
    calendar = periods_mod.school_calendar(conn, group)
    earliest, latest = contact_bounds(conn)
    window = periods_mod.period_window(period, calendar)
    if earliest is None:
        return window, periods_mod.EMPTY_WINDOW
    baseline = periods_mod.baseline_window(period, calendar, periods_mod.blocked_ranges(conn, group),
                                           direction, earliest, latest)
    return window, baseline


# --- the metrics of one window --------------------------------------------------------------


def window_metrics(conn: Connection, window: Window, group: str) -> ContactMetrics:
    schools, schools_contacted, school_contacts = school_contact_counts(conn, window, group)
    rows = _case_channel_rows(conn, window, group)
    cases = summarise_cases(rows, window)
    contacts, led = concern_counts(conn, window, group)
    return ContactMetrics(
        schools=schools, schools_contacted=schools_contacted, school_contacts=school_contacts,
        school_weeks=window.school_weeks,
        cases_open=len(cases),
        cases_reached=int((cases["status"] == "reached").sum()),
        cases_never_reached=int((cases["status"] == "never_reached").sum()),
        cases_not_contacted=int((cases["status"] == "not_contacted").sum()),
        median_days_to_contact=median_or_none(cases["days_to_contact"].dropna().tolist()),
        contacts=contacts, contacts_led_to_concern=led,
        never_reached_attempts=attempts_of_never_reached(rows, cases),
    )


def school_contact_counts(conn: Connection, window: Window, group: str) -> tuple[int, int, int]:
    """(in-scope schools, schools contacted, school contacts) in the window."""
    schools = conn.execute(select(func.count()).select_from(_group_school_ids(group, True).subquery())).scalar_one()
    if window.is_empty:
        return schools, 0, 0
    contacted, contacts = conn.execute(
        select(func.count(distinct(Contact.school_id)), func.count(Contact.id))
        .where(Contact.school_id.in_(_group_school_ids(group, True)), Contact.target == "school",
               Contact.channel.not_in(MASS_CHANNELS), _in_window(Contact.date, window))
    ).one()
    return int(schools), int(contacted or 0), int(contacts or 0)


def _case_channel_rows(conn: Connection, window: Window, group: str) -> pd.DataFrame:
    """Per open case × channel: attempts, successful ones and the first successful date."""
    columns = ["case_id", "opened_on", "channel", "attempts", "reached", "first_reached"]
    if window.is_empty:
        return pd.DataFrame(columns=columns)
    belongs_to_case = or_(Contact.concern_id == Concern.id,
                          and_(Contact.concern_id.is_(None), Contact.pupil_id == Concern.pupil_id))
    counted = and_(belongs_to_case, Contact.target.in_(FAMILY_TARGETS), Contact.channel.not_in(MASS_CHANNELS),
                   _in_window(Contact.date, window), Contact.date >= Concern.opened_on,
                   or_(Concern.closed_on.is_(None), Contact.date <= Concern.closed_on))
    rows = conn.execute(
        select(Concern.id, Concern.opened_on, Contact.channel, func.count(Contact.id), _reached_count(),
               func.min(case((Contact.reached.is_(True), Contact.date), else_=None)))
        .select_from(Concern).outerjoin(Contact, counted)
        .where(_case_open_in_group(window, group))
        .group_by(Concern.id, Concern.opened_on, Contact.channel)
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def case_contact_summary(conn: Connection, window: Window, group: str) -> pd.DataFrame:
    """One row per open case: attempts, status (reached / never_reached / not_contacted) and days
    from its start in the window to the first successful contact."""
    return summarise_cases(_case_channel_rows(conn, window, group), window)


def summarise_cases(rows: pd.DataFrame, window: Window) -> pd.DataFrame:
    columns = ["case_id", "attempts", "reached", "first_reached", "status", "days_to_contact"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = rows.assign(
        attempts=rows["attempts"].fillna(0).astype(int), reached=rows["reached"].fillna(0).astype(int),
        opened_on=rows["opened_on"].map(_as_date), first_reached=rows["first_reached"].map(_as_date),
    )
    cases = rows.groupby("case_id").agg(
        opened_on=("opened_on", "first"), attempts=("attempts", "sum"), reached=("reached", "sum"),
        first_reached=("first_reached", lambda s: min((d for d in s if d is not None), default=None)),
    ).reset_index()
    cases["status"] = [
        "reached" if r > 0 else "never_reached" if a > 0 else "not_contacted"
        for a, r in zip(cases["attempts"], cases["reached"])
    ]
    cases["days_to_contact"] = [
        _days_to_contact(window, opened, first) for opened, first in zip(cases["opened_on"], cases["first_reached"])
    ]
    return cases[columns]


def _days_to_contact(window: Window, opened_on: dt.date, first_reached: dt.date | None) -> float | None:
    if first_reached is None:
        return None
    anchor = window.first_day_from(opened_on)
    return float(window.days_between(anchor, first_reached)) if anchor else None


def never_reached_attempts(conn: Connection, window: Window, group: str) -> dict[str, int]:
    """Attempts per channel made for the cases contacted but never reached in the window."""
    rows = _case_channel_rows(conn, window, group)
    return attempts_of_never_reached(rows, summarise_cases(rows, window))


def attempts_of_never_reached(rows: pd.DataFrame, cases: pd.DataFrame) -> dict[str, int]:
    never = set(cases.loc[cases["status"] == "never_reached", "case_id"])
    attempts = {channel: 0 for channel in ATTEMPT_CHANNELS}
    for case_id, channel, count in zip(rows["case_id"], rows["channel"], rows["attempts"]):
        if case_id in never and isinstance(channel, str):
            attempts[channel] = attempts.get(channel, 0) + int(count)
    return attempts


def concern_counts(conn: Connection, window: Window, group: str) -> tuple[int, int]:
    """(contacts, contacts that led to a new concern) in the window, mass contacts excluded."""
    if window.is_empty:
        return 0, 0
    contacts, led = conn.execute(
        select(func.count(Contact.id), func.sum(case((Contact.led_to_concern.is_(True), 1), else_=0)))
        .where(Contact.channel.not_in(MASS_CHANNELS), _in_window(Contact.date, window),
               _contact_in_group(conn, group))
    ).one()
    return int(contacts or 0), int(led or 0)


# --- reports --------------------------------------------------------------------------------


def period_report(conn: Connection, period: PeriodRow, group: str, direction: str = "before") -> PeriodReport:
    window, baseline = windows_for(conn, period, group, direction)
    return PeriodReport(
        period=period, window=window, baseline=baseline, direction=direction,
        metrics=window_metrics(conn, window, group),
        baseline_metrics=None if baseline.is_empty else window_metrics(conn, baseline, group),
    )


def all_period_reports(conn: Connection, group: str, direction: str = "before") -> list[PeriodReport]:
    """Every COVID period of the group, and every run of adjacent ones taken together."""
    return [period_report(conn, p, group, direction) for p in periods_mod.period_choices(conn, group)]


# --- charts and tables ----------------------------------------------------------------------


def _month_sql(conn: Connection, column: str) -> str:
    """SQL for the first day of the month of a date column."""
    if conn.dialect.name == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def contacts_over_time(conn: Connection, group: str, start: dt.date, end: dt.date, unit: str = "week") -> pd.DataFrame:
    """Contacts per week (its Monday) or month (its first day) × target × channel for the group;
    newsletters and information sessions left out."""
    bucket_sql = week_sql(conn, "contact.date") if unit == "week" else _month_sql(conn, "contact.date")
    bucket = literal_column(bucket_sql)
    rows = conn.execute(
        select(bucket, Contact.target, Contact.channel, func.count(Contact.id), _reached_count())
        .where(Contact.target.in_(CHART_TARGETS), Contact.channel.not_in(MASS_CHANNELS),
               Contact.date.between(start, end), _contact_in_group(conn, group))
        .group_by(bucket, Contact.target, Contact.channel)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["bucket_start", "target", "channel", "contacts", "reached"])
    frame["bucket_start"] = frame["bucket_start"].map(_as_date)
    frame[["contacts", "reached"]] = frame[["contacts", "reached"]].astype(int)
    return frame.sort_values(["bucket_start", "target", "channel"], ignore_index=True)


def mass_contact_rows(conn: Connection, group: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Newsletters and information sessions: one row per channel × topic × date × school."""
    rows = conn.execute(
        select(Contact.channel, Contact.topic, Contact.date, Contact.school_id)
        .where(Contact.channel.in_(MASS_CHANNELS), Contact.date.between(start, end),
               or_(Contact.school_id.is_(None), Contact.school_id.in_(_group_school_ids(group))))
        .group_by(Contact.channel, Contact.topic, Contact.date, Contact.school_id)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["channel", "topic", "date", "school_id"])
    frame["date"] = frame["date"].map(_as_date)
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
    frame["week_start"] = frame["week_start"].map(_as_date)
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
    mondays = weeks_from(start, end)
    looked_at_from = week_start(start) - dt.timedelta(weeks=HEATMAP_LOOKBACK_WEEKS)
    return last_contact_grid(schools_in_scope(conn, group), school_contact_weeks(conn, group, looked_at_from, end),
                             mondays)


def weeks_from(start: dt.date, end: dt.date) -> list[dt.date]:
    mondays, monday = [], week_start(start)
    while monday <= end:
        mondays.append(monday)
        monday += dt.timedelta(days=7)
    return mondays


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


def family_breakdown(metrics: ContactMetrics, suppress: bool) -> pd.DataFrame:
    """Open cases by outcome (reached, never reached, not contacted); their total is shown too.

    Suppressed: counts of 1–4 become "<5", and when only one cell is hidden a second one is, so
    the total cannot give it away (complementary suppression, as metrics.suppress_frame does). The
    second cell is chosen among the two "not reached" outcomes first — even a zero — because the
    reached count is published anyway as the numerator of the family contact rate: hiding it in
    the table would protect nothing and only hide the rate.
    """
    counts = {"reached": metrics.cases_reached, "never_reached": metrics.cases_never_reached,
              "not_contacted": metrics.cases_not_contacted}
    hidden = {status for status, count in counts.items() if suppress and is_small(count)}
    if len(hidden) == 1:
        [only] = hidden
        not_reached = ["never_reached", "not_contacted"]
        if only in not_reached:
            hidden.add(next(status for status in not_reached if status != only))
        else:
            hidden.add(min(not_reached, key=lambda status: counts[status]))
    return pd.DataFrame({"status": list(counts),
                         "cases": [SUPPRESSED if status in hidden else count for status, count in counts.items()]})


def _rate_figure(numerator: int, denominator: int, value: float | None, suppress: bool,
                 hidden_numerator: bool = False) -> Figure:
    """A rate, hidden when its numerator or denominator is small (or the numerator is hidden)."""
    if not suppress:
        return Figure(value, numerator, denominator)
    numerator_shown = SUPPRESSED if hidden_numerator else suppress_count(numerator)
    denominator_shown = suppress_count(denominator)
    if isinstance(numerator_shown, str) or isinstance(denominator_shown, str):
        return Figure(None, numerator_shown, denominator_shown, HIDDEN_REASON)
    return Figure(value, numerator, denominator)


def figures(metrics: ContactMetrics, suppress: bool) -> dict[str, Figure]:
    """Every figure of one window, suppressed for every role but leerplicht."""
    breakdown = family_breakdown(metrics, suppress).set_index("status")["cases"]
    never = _plain(breakdown["never_reached"])
    few_reached = suppress and is_small(metrics.cases_reached)
    return {
        "school_rate": _rate_figure(metrics.schools_contacted, metrics.schools, metrics.school_contact_rate,
                                    suppress),
        "contacts_per_school_week": _rate_figure(metrics.school_contacts, metrics.schools,
                                                 metrics.contacts_per_school_per_week, suppress),
        "family_rate": _rate_figure(metrics.cases_reached, metrics.cases_open, metrics.family_contact_rate,
                                    suppress, hidden_numerator=isinstance(breakdown["reached"], str)),
        "median_days": (Figure(None, reason=f"verborgen: minder dan {SUPPRESSION_THRESHOLD} bereikte gezinnen")
                        if few_reached else Figure(metrics.median_days_to_contact, metrics.cases_reached)),
        "never_reached": Figure(never, reason=HIDDEN_REASON if isinstance(never, str) else ""),
        "concern_share": _rate_figure(metrics.contacts_led_to_concern, metrics.contacts, metrics.concern_share,
                                      suppress),
    }


def difference(key: str, period: Figure, baseline: Figure) -> float | None:
    """Period minus baseline; None when either is hidden or missing. Shares in percentage points."""
    if period.hidden or baseline.hidden or not _is_number(period.value) or not _is_number(baseline.value):
        return None
    diff = period.value - baseline.value
    return diff * 100 if METRIC_KINDS[key] == "share" else diff


def comparison_frame(reports: list[PeriodReport], suppress: bool) -> pd.DataFrame:
    """Each period against its baseline, one row per period × figure (raw values, not formatted)."""
    rows = []
    for report in reports:
        period_figures = figures(report.metrics, suppress)
        base_figures = figures(report.baseline_metrics, suppress) if report.baseline_metrics else {}
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


def suppressed_over_time(frame: pd.DataFrame, suppress: bool) -> pd.DataFrame:
    """The series as shown: for every role but leerplicht, small counts become "<5"."""
    return suppress_frame(frame, counts=["contacts", "reached"]) if suppress else frame.copy()


def suppressed_attempts(attempts: dict[str, int], suppress: bool) -> pd.DataFrame:
    frame = pd.DataFrame({"channel": list(attempts), "attempts": list(attempts.values())})
    return suppress_frame(frame, counts=["attempts"]) if suppress else frame


def suppressed_mass_contacts(frame: pd.DataFrame, suppress: bool) -> pd.DataFrame:
    return suppress_frame(frame, counts=["occasions", "schools"]) if suppress else frame.copy()


# --- small helpers --------------------------------------------------------------------------


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and not pd.isna(value)


def _plain(value):
    """numpy scalars to plain Python numbers (strings such as "<5" pass through)."""
    return value.item() if isinstance(value, np.generic) else value


def _as_date(value) -> dt.date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
