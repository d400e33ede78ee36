"""Verzuim per school (the /scholen page): trends, comparisons and registration differences.

Every figure follows DESIGN.md "Definitions" through :mod:`data_access.metrics`. The queries
aggregate the summary tables (absence_month, absence_week, pupil_year, signal16) and verzuimmelding with
GROUP BY in the database; pandas only combines the small results with the school calendar.

Frames carry numerators and denominators next to every rate, so the page can show both and
roll schools up to boards, samenwerkingsverbanden and municipalities by summing them.
"""
from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, case, func, literal, literal_column, select

from data_access import metrics
from data_access.definitions.absence import (
    CATEGORIES, UNKNOWN_CATEGORY, absence_rate, possible_hours, possible_hours_between,
)
from data_access.definitions.calendar import (
    SchoolCalendar, as_date, load_school_calendar, mondays, month_sql, month_start, next_month_start,
    school_year_bounds, school_year_label, school_year_of, school_year_sql, school_year_start, week_sql,
)
from data_access.definitions.sixteen_hours import UNAUTHORISED, on_time
from data_access.definitions.suppression import Suppressor
from data_access.models import (
    ALL_CATEGORIES, Absence, AbsenceMonth, AbsenceWeek, AbsenteeYear, Period, PupilCategoryYear, PupilYear, School,
    SchoolEnrolment, Signal16, Verzuimmelding,
)
from data_access.definitions.intervals import Z_95
from data_access.definitions.similar_schools import MIN_SIMILAR_SCHOOLS, benchmark_formed
from data_access.queries import benchmark

COMBINED = "gekozen"  # the trend's chosen categories as one (absence_trend's ``combine``)
UNAUTHORISED_CATEGORY = UNAUTHORISED
GRAINS = ("week", "month", "school_year")
LEVELS = {"school": "school_id", "board": "board", "swv": "swv_code", "municipality": "municipality"}
SHADED_PERIOD_KINDS = ("covid_sluiting", "covid_gedeeltelijk", "vakantie")

# Similar schools: same sector and the same national size class (pupils at 1 October of the year
# shown; definitions.similar_schools), at least MIN_SIMILAR_SCHOOLS of them.

# Numerator and denominator columns that add up when schools are rolled up.
ADDITIVE = (
    "schools", "pupils", "possible_hours", "hours_total", "involved_total", "known_hours",
    "meldingen", "signals", "on_time", "with_melding", "persistent",
    *(f"hours_{c}" for c in CATEGORIES), *(f"involved_{c}" for c in CATEGORIES),
)


# --- helpers -------------------------------------------------------------------------------


def query_frame(conn: Connection, statement, columns: list[str]) -> pd.DataFrame:
    """Run a query into a DataFrame (rows as plain tuples: much faster than Row objects)."""
    return pd.DataFrame([tuple(row) for row in conn.execute(statement)], columns=columns)


def _of_schools(column, ids: Sequence[int] | None):
    """``column`` belongs to the given schools, or (None) to any school of the municipality."""
    if ids is None:
        return column.in_(select(School.id).where(School.in_scope.is_(True)))
    return column.in_(list(ids))


# --- register and settings -----------------------------------------------------------------


def school_register(conn: Connection) -> pd.DataFrame:
    """The municipality's schools (in scope), with the fields the page groups by."""
    frame = query_frame(conn, (
        select(School.id.label("school_id"), School.vestigingsnummer, School.name, School.sector,
               School.board, School.swv_code, School.municipality, School.pilot_start)
        .where(School.in_scope.is_(True)).order_by(School.name)
    ), ["school_id", "vestigingsnummer", "name", "sector", "board", "swv_code", "municipality", "pilot_start"])
    for col in ("board", "swv_code", "municipality"):
        frame[col] = frame[col].fillna("onbekend")
    return frame


def school_years(conn: Connection) -> list[int]:
    """School years with enrolment counts, oldest first."""
    return [y for (y,) in conn.execute(
        select(SchoolEnrolment.school_year).distinct().order_by(SchoolEnrolment.school_year))]


def size_band(pupils: float | None) -> str | None:
    """The national size class of a school with ``pupils`` (definitions.similar_schools: thirds of
    the country's primary school locations in the DUO register), e.g. "klein (≤ 147)"."""
    return benchmark.size_label(pupils)


def named_periods(conn: Connection, start: dt.date | None = None, end: dt.date | None = None,
                  kinds: Sequence[str] = SHADED_PERIOD_KINDS) -> pd.DataFrame:
    """COVID closures and holidays (for shading trends, and to compare a named period)."""
    query = select(Period.name, Period.kind, Period.sector, Period.start, Period.end).where(
        Period.kind.in_(kinds)).order_by(Period.start, Period.kind)
    if start is not None:
        query = query.where(Period.end >= start)
    if end is not None:
        query = query.where(Period.start <= end)
    return query_frame(conn, query, ["name", "kind", "sector", "start", "end"])


# --- school calendar arithmetic ------------------------------------------------------------


def _sector_calendars(conn: Connection, sectors) -> dict[str, SchoolCalendar]:
    return {sector: load_school_calendar(conn, [sector]) for sector in sectors}


def last_registered_days(conn: Connection, ids: Sequence[int] | None) -> dict[int, dt.date]:
    """Per school the last day it registered any absence (from pupil_year).

    One correlated MAX per school: with ix_pupil_year_last_day each is a single index seek."""
    last = (select(func.max(PupilYear.last_absence_on)).where(PupilYear.school_id == School.id)
            .correlate(School).scalar_subquery())
    schools = select(School.id, last)
    schools = schools.where(School.id.in_(list(ids))) if ids is not None else schools.where(School.in_scope.is_(True))
    rows = conn.execute(schools).all()
    return {school: as_date(day) for school, day in rows if day is not None}


def school_days_per_school_week(calendars: dict[str, SchoolCalendar], register: pd.DataFrame,
                                weeks: Sequence[dt.date], last_days: dict[int, dt.date],
                                start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """Per school × week: its school days from ``start`` to ``end`` (exact dates: a window that
    starts on a Wednesday counts that week from Wednesday), none after the school's last
    registered day.

    The window of every figure ends at the school's last registered day (DESIGN, Definitions): a
    running school year, or a school whose data stop early, is not diluted by days without data.
    ``registered`` is False for the weeks after that day (the school's pupils do not count there).
    A school that registered nothing at all is not cut.
    """
    if not len(weeks) or register.empty:
        return pd.DataFrame(columns=["school_id", "sector", "week_start", "school_days", "registered"])
    starts = np.array(weeks, dtype="datetime64[D]")
    first = max(min(weeks), start) if start else min(weeks)
    last = min(max(weeks) + dt.timedelta(days=6), end) if end else max(weeks) + dt.timedelta(days=6)
    days = {sector: np.array(calendar.school_days(first, last), dtype="datetime64[D]")
            for sector, calendar in calendars.items()}
    parts = []
    for school_id, sector in zip(register["school_id"], register["sector"]):
        sector_days = days[sector]
        until = last_days.get(school_id)
        if until is not None:
            sector_days = sector_days[sector_days <= np.datetime64(until)]
        counts = np.searchsorted(sector_days, starts + 7) - np.searchsorted(sector_days, starts)
        registered = np.ones(len(weeks), dtype=bool) if until is None else starts <= np.datetime64(until)
        parts.append((school_id, sector, counts, registered))
    return pd.DataFrame({
        "school_id": np.repeat([p[0] for p in parts], len(weeks)),
        "sector": np.repeat([p[1] for p in parts], len(weeks)),
        "week_start": np.tile(pd.to_datetime(starts), len(parts)),
        "school_days": np.concatenate([p[2] for p in parts]),
        "registered": np.concatenate([p[3] for p in parts]),
    })


# --- trends --------------------------------------------------------------------------------


def _period_bins(start: dt.date, end: dt.date, grain: str) -> list[tuple[dt.date, dt.date]]:
    """The periods of the chart as [start, end) date pairs: the weeks (Monday–Sunday), calendar
    months or school years (1 August – 31 July) from the one holding ``start`` to the one holding
    ``end``."""
    if grain == "week":
        return [(m, m + dt.timedelta(days=7)) for m in mondays(start, end)]
    if grain == "month":
        day, bins = month_start(start), []
        while day <= end:
            bins.append((day, next_month_start(day)))
            day = next_month_start(day)
        return bins
    years = range(school_year_of(start), school_year_of(end) + 1)
    return [(school_year_start(y), school_year_start(y + 1)) for y in years]


def absence_trend(conn: Connection, start: dt.date, end: dt.date, grain: str = "month",
                  school_ids: Sequence[int] | None = None, by_school: bool = False, *,
                  hours_per_day: float, exact_below: int | None,
                  combine: Sequence[str] | None = None) -> pd.DataFrame:
    """Absence rate per week / month / school year and category; ``hours_per_day``: setting.

    One series for the whole selection, or one per school (``by_school``). Per row: absence
    ``hours`` (numerator), ``pupils`` enrolled (1 October) and ``possible_hours`` = Σ pupils ×
    school hours (denominator), ``rate`` (definitions.absence.absence_rate) and ``involved``: the pupils behind
    the hours. Periods are exact dates (DESIGN, Definitions): a week that straddles two calendar
    months is split by day, its days in each month counted there. Each school counts up to its
    last registered day (see :func:`school_days_per_school_week`).

    ``combine``: the chosen categories as one (a pupil absent in two of them counts once); the
    result then has no ``category`` column.

    ``involved`` is exact wherever it decides suppression: the summary gives a lower bound (the
    largest count of one school-week) and an upper bound (their sum); a cell whose bounds lie on
    both sides of ``exact_below`` (the suppression threshold; None: no suppression) is counted
    exactly from the absence rows. Elsewhere ``involved`` is the lower bound, which is then
    already ≥ the threshold (or, without suppression, only informative).
    """
    if grain not in GRAINS:
        raise ValueError(grain)
    register = school_register(conn)
    if school_ids is not None:
        register = register[register["school_id"].isin(list(school_ids))]
    if register.empty:
        return _empty_trend()
    ids = None if school_ids is None else register["school_id"].tolist()
    weeks = mondays(start, end)
    bins = _period_bins(start, end, grain)
    series_key = ["school_id"] if by_school else []

    denominators = _possible_hours_per_period(conn, register, bins, hours_per_day, start, end)
    if denominators.empty:
        return _empty_trend()
    if not by_school:
        denominators = denominators.groupby(["period_start", "period_end"], as_index=False)[
            ["pupils", "possible_hours"]].sum()
    numerators = _absence_per_period(conn, ids, weeks, bins, grain, by_school, combine, start, end)
    categories = [COMBINED] if combine is not None else list(CATEGORIES)
    grid = denominators.merge(pd.DataFrame({"category": categories}), how="cross")
    trend = grid.merge(numerators, on=[*series_key, "period_start", "category"], how="left")
    trend[["hours", "involved", "involved_max"]] = trend[["hours", "involved", "involved_max"]].fillna(0)
    if exact_below is not None:
        _count_exactly(conn, trend, ids, by_school, exact_below, combine, grain, start, end)
    trend["rate"] = [_rate(h, p, ph) for h, p, ph in zip(trend["hours"], trend["pupils"], trend["possible_hours"])]
    if by_school:
        names = _series_names(register)
        trend["series"] = trend["school_id"].map(names)
    else:
        trend["series"] = "selectie"
    trend["period_start"] = pd.to_datetime(trend["period_start"])
    trend["period_end"] = pd.to_datetime(trend["period_end"])
    trend = trend[["series", "period_start", "period_end", "category", "hours", "involved", "pupils",
                   "possible_hours", "rate"]].sort_values(["series", "period_start", "category"], ignore_index=True)
    return trend.drop(columns="category") if combine is not None else trend


# the figures the LEA discusses most, small beside sickness: the trend shows them in a panel of
# their own, with its own scale
UNAUTHORISED_PANEL = ("ongeoorloofd", "luxe", "te_laat")


@dataclass(frozen=True)
class TrendView:
    """The trends tab's data for one selection: what is drawn, already suppressed."""

    points: pd.DataFrame  # absence_trend rows of the chosen categories (per school: combined)
    panel: pd.DataFrame | None  # the unauthorised categories (whole selection only; None: none shown)
    periods: pd.DataFrame  # named_periods of the chart's dates, to shade

    @property
    def hidden(self) -> int:
        """How many points are hidden by suppression."""
        return int((self.points["rate_reden"] != "").sum()) if "rate_reden" in self.points else 0

    @property
    def all_hidden(self) -> bool:
        return bool(self.points["rate"].notna().sum() == 0)


def trend_view(conn: Connection, start: dt.date, end: dt.date, grain: str, school_ids: Sequence[int] | None,
               categories: Sequence[str], per_school: bool, *, hours_per_day: float,
               suppressor: Suppressor | None) -> TrendView | None:
    """The trends tab (one loader): absence per period of the chosen categories — for the whole
    selection per category, or per school with the categories as one (a pupil absent in two
    counts once) — suppressed by ``suppressor`` (None: role leerplicht), with the unauthorised
    panel and the periods to shade. None when the selection has no school days."""
    trend = absence_trend(conn, start, end, grain, school_ids, per_school, hours_per_day=hours_per_day,
                          exact_below=suppressor.threshold if suppressor else None,
                          combine=tuple(categories) if per_school else None)
    if trend.empty or trend["possible_hours"].sum() == 0:
        return None
    if suppressor:
        trend = suppress_trend(trend, suppressor)
    else:
        trend = trend.assign(rate_reden="")
    if per_school:
        return TrendView(trend, None, named_periods(conn, start, end))
    panel = trend[trend["category"].isin(UNAUTHORISED_PANEL)]
    return TrendView(trend[trend["category"].isin(list(categories))], panel if panel["rate"].notna().any() else None,
                     named_periods(conn, start, end))


def _absence_per_period(conn: Connection, ids: Sequence[int] | None, weeks: list[dt.date],
                        bins: list[tuple[dt.date, dt.date]], grain: str, by_school: bool,
                        combine: Sequence[str] | None, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Hours and the bounds of the pupils behind them per [school ×] period × category, from
    ``start`` to ``end``, read from the coarsest summary that fits (:func:`_cover`): whole calendar
    months inside one period from absence_month, then whole weeks from absence_week, and the days
    left over (a week across a period boundary or across ``start`` or ``end``) from the absence rows."""
    starts = [b[0] for b in bins]

    def period_of(day: dt.date) -> dt.date | None:
        return starts[bisect.bisect_right(starts, day) - 1] if start <= day <= end else None

    months, whole_weeks, days = _cover(start, end, weeks, period_of, with_months=grain != "week")
    key = ["school_id", "period_start", "category"] if by_school else ["period_start", "category"]
    parts = []
    for table, column, units in ((AbsenceMonth, AbsenceMonth.month_start, months),
                                 (AbsenceWeek, AbsenceWeek.week_start, whole_weeks)):
        if units:
            summary = _summary_absence(conn, table, column, ids, units, by_school)
            summary["period_start"] = [period_of(as_date(d)) for d in summary["unit"]]
            parts.append(summary[[*key, "hours", "involved", "involved_max"]])
    # the days left, read from the absence rows in one query and assigned to their period by day
    # (pupils per day: the bounds again, largest and sum)
    if days:
        raw = query_frame(conn, (
            select(Absence.school_id, Absence.category, Absence.date, func.sum(Absence.hours),
                   func.count(Absence.pupil_id.distinct()))
            .where(_of_schools(Absence.school_id, ids), Absence.date.in_(days))
            .group_by(Absence.school_id, Absence.category, Absence.date)
        ), ["school_id", "category", "date", "hours", "involved"])
        raw["category"] = raw["category"].where(raw["category"].isin(CATEGORIES), UNKNOWN_CATEGORY)
        raw["period_start"] = [period_of(as_date(d)) for d in raw["date"]]
        per_school = raw.groupby(["school_id", "period_start", "category"], as_index=False).agg(
            hours=("hours", "sum"), involved=("involved", "max"), involved_max=("involved", "sum"))
        parts.append(per_school.groupby(key, as_index=False).agg(
            hours=("hours", "sum"), involved=("involved", "max"), involved_max=("involved_max", "sum")))
    if not parts:
        return pd.DataFrame(columns=[*key, "hours", "involved", "involved_max"])
    long = pd.concat(parts, ignore_index=True)
    if combine is not None:
        long = long[long["category"].isin(list(combine))].assign(category=COMBINED)
    return long.groupby(key, as_index=False).agg(
        hours=("hours", "sum"), involved=("involved", "max"), involved_max=("involved_max", "sum"))


def _cover(start: dt.date, end: dt.date, weeks: list[dt.date], period_of,
           with_months: bool) -> tuple[list[dt.date], list[dt.date], list[dt.date]]:
    """Split ``start``–``end`` into what each summary can give exactly: the first days of the
    calendar months that lie wholly inside it and inside one period (only ``with_months``: when
    periods are months or longer), the Mondays of the weeks left whose Monday to Friday lie in one
    period (schools register on weekdays; a week's weekend goes with its Friday), and the days left.
    Every day from ``start`` to ``end`` is in exactly one of them."""
    months: list[dt.date] = []
    taken: set[dt.date] = set()
    if with_months:
        month = month_start(start)
        while month <= end:
            last = next_month_start(month) - dt.timedelta(days=1)
            if month >= start and last <= end and period_of(month) == period_of(last):
                months.append(month)
                taken.update(month + dt.timedelta(days=i) for i in range((last - month).days + 1))
            month = next_month_start(month)
    whole_weeks = [m for m in weeks
                   if period_of(m) is not None and period_of(m) == period_of(m + dt.timedelta(days=4))
                   and not any(m + dt.timedelta(days=i) in taken for i in range(7))]
    taken.update(m + dt.timedelta(days=i) for m in whole_weeks for i in range(7))
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return months, whole_weeks, [d for d in days if d not in taken]


def _count_exactly(conn: Connection, trend: pd.DataFrame, ids: Sequence[int] | None, by_school: bool,
                   threshold: int, combine: Sequence[str] | None, grain: str, start: dt.date, end: dt.date) -> None:
    """Replace ``involved`` by the exact number of pupils where the bounds straddle ``threshold``.

    One query for all such cells: the absence rows of their categories only (ix_absence_category_day
    reads just those), grouped by period, from ``start`` to ``end``."""
    unsure = trend.index[(trend["involved"] < threshold) & (trend["involved_max"] >= threshold)]
    if not len(unsure):
        return
    cells = trend.loc[unsure]
    known_categories = [c for c in CATEGORIES if c != UNKNOWN_CATEGORY]
    category = case((Absence.category.in_(known_categories), Absence.category), else_=UNKNOWN_CATEGORY)
    wanted = list(combine) if combine is not None else cells["category"].unique().tolist()
    # unknown codes have no one stored name: with them the rows are read by school and date
    chosen = Absence.category.in_(wanted) if UNKNOWN_CATEGORY not in wanted else category.in_(wanted)
    period = literal_column({"week": week_sql, "month": month_sql, "school_year": school_year_sql}[grain](
        conn, Absence.date.expression.table.name + ".date"))
    group = [Absence.school_id] if by_school else []
    counted_as = literal(COMBINED) if combine is not None else category
    schools = cells["school_id"].unique().tolist() if by_school else ids
    counted = query_frame(conn, (
        select(*group, period, counted_as, func.count(Absence.pupil_id.distinct()))
        .where(_of_schools(Absence.school_id, schools), Absence.date.between(start, end), chosen)
        .group_by(*group, period, *([] if combine is not None else [category]))
    ), (["school_id"] if by_school else []) + ["period", "category", "exact"])
    if grain == "school_year":
        counted["period_start"] = pd.to_datetime([school_year_start(int(y)) for y in counted["period"]])
    else:
        counted["period_start"] = pd.to_datetime([as_date(d) for d in counted["period"]])
    key = (["school_id"] if by_school else []) + ["period_start", "category"]
    lookup = cells[key].assign(period_start=pd.to_datetime(cells["period_start"]))
    exact = lookup.merge(counted[[*key, "exact"]], on=key, how="left")["exact"].fillna(0).to_numpy()
    trend.loc[unsure, "involved"] = exact


def _summary_absence(conn: Connection, table, unit, ids: Sequence[int] | None, units: list[dt.date],
                     by_school: bool) -> pd.DataFrame:
    """Absence hours per unit (a month of absence_month, a week of absence_week) × category, per
    school or for the selection as a whole, with the bounds of the pupils behind them:
    ``involved`` the largest count of one school (a lower bound across schools), ``involved_max``
    their sum (an upper bound; a pupil who changed school in the unit counts twice). Per school
    the two are equal and exact.

    The numerator needs no sector (only the denominator does), and for the whole municipality
    a join on ``in_scope`` lets SQLite aggregate in (unit, category) order.
    """
    group = [table.school_id] if by_school else []
    query = select(*group, unit, table.category, func.sum(table.hours), func.max(table.pupils),
                   func.sum(table.pupils))
    if ids is None:
        query = query.join(School, School.id == table.school_id).where(School.in_scope.is_(True))
    else:
        query = query.where(table.school_id.in_(list(ids)))
    query = query.where(unit.between(units[0], units[-1])).group_by(unit, table.category, *group)
    columns = (["school_id"] if by_school else []) + ["unit", "category", "hours", "involved", "involved_max"]
    frame = query_frame(conn, query, columns)
    frame = frame[pd.to_datetime(frame["unit"]).dt.date.isin(set(units))].copy()
    frame["category"] = frame["category"].where(frame["category"].isin(CATEGORIES), UNKNOWN_CATEGORY)
    return frame


def _empty_trend() -> pd.DataFrame:
    return pd.DataFrame(columns=["series", "period_start", "period_end", "category", "hours", "involved",
                                 "pupils", "possible_hours", "rate"])


def _rate(hours: float, pupils: float, possible: float) -> float | None:
    """The absence rate of a group whose denominator is Σ pupils × possible hours; None without pupils."""
    return absence_rate(hours, possible) if pupils else None


def _series_names(register: pd.DataFrame) -> dict[int, str]:
    duplicated = register["name"].duplicated(keep=False)
    names = np.where(duplicated, register["name"] + " (" + register["vestigingsnummer"] + ")", register["name"])
    return dict(zip(register["school_id"], names))


def _enrolment(conn: Connection, ids: Sequence[int] | None, first_year: int, last_year: int) -> pd.DataFrame:
    return query_frame(conn, (
        select(SchoolEnrolment.school_id, School.sector, SchoolEnrolment.school_year, SchoolEnrolment.pupils)
        .join(School, School.id == SchoolEnrolment.school_id)
        .where(_of_schools(SchoolEnrolment.school_id, ids),
               SchoolEnrolment.school_year.between(first_year, last_year))
    ), ["school_id", "sector", "school_year", "pupils"])


def _possible_hours_per_period(conn: Connection, register: pd.DataFrame, bins: list[tuple[dt.date, dt.date]],
                               per_day: float, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per school × period: pupils enrolled (1 October of the period's school year) and pupils ×
    school hours of the period's days from ``start`` to ``end``, up to the school's last
    registered day (a period after it does not count the school's pupils)."""
    calendars = _sector_calendars(conn, sorted(register["sector"].unique()))
    ids = register["school_id"].tolist()
    last_days = last_registered_days(conn, ids)
    days = {sector: np.array(calendar.school_days(start, end), dtype="datetime64[D]")
            for sector, calendar in calendars.items()}
    starts = np.array([b[0] for b in bins], dtype="datetime64[D]")
    ends = np.array([b[1] for b in bins], dtype="datetime64[D]")
    counts, registered = [], []
    for school_id, sector in zip(register["school_id"], register["sector"]):
        sector_days, until = days[sector], last_days.get(school_id)
        if until is not None:
            sector_days = sector_days[sector_days <= np.datetime64(until)]
        counts.append(np.searchsorted(sector_days, ends) - np.searchsorted(sector_days, starts))
        registered.append(np.ones(len(bins), dtype=bool) if until is None else starts <= np.datetime64(until))
    years = {b[0]: school_year_of(b[0]) for b in bins}
    frame = pd.DataFrame({  # one row per school × period, built as whole columns
        "school_id": np.repeat(register["school_id"].to_numpy(), len(bins)),
        "period_start": [b[0] for b in bins] * len(register),
        "period_end": [b[1] for b in bins] * len(register),
        "school_days": np.concatenate(counts), "registered": np.concatenate(registered),
        "school_year": [years[b[0]] for b in bins] * len(register)})
    years = frame["school_year"]
    enrolment = _enrolment(conn, ids, int(years.min()), int(years.max()))
    frame = frame.merge(enrolment[["school_id", "school_year", "pupils"]], on=["school_id", "school_year"],
                        how="inner")
    frame["pupils"] = frame["pupils"].where(frame["registered"], 0)
    frame["possible_hours"] = frame["pupils"] * possible_hours(frame["school_days"], hours_per_day=per_day)
    return frame[["school_id", "period_start", "period_end", "pupils", "possible_hours"]]


# --- comparison per school -----------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """What a comparison covers: the exact dates from ``start`` to ``end`` (DESIGN: windows are exact
    dates), each school up to its last registered day."""

    start: dt.date
    end: dt.date
    label: str

    @property
    def school_year(self) -> int:
        return school_year_of(self.start)

    @property
    def years(self) -> list[int]:
        return list(range(school_year_of(self.start), school_year_of(self.end) + 1))

    @property
    def is_whole_school_years(self) -> bool:
        return (self.start == school_year_bounds(self.years[0])[0]
                and self.end == school_year_bounds(self.years[-1])[1])

    @property
    def is_school_year(self) -> bool:
        return (self.start, self.end) == school_year_bounds(self.school_year)

    @classmethod
    def for_school_year(cls, year: int) -> Window:
        start, end = school_year_bounds(year)
        return cls(start, end, f"schooljaar {school_year_label(year)}")

    @classmethod
    def for_school_years(cls, first: int, last: int) -> Window:
        start, _ = school_year_bounds(first)
        _, end = school_year_bounds(last)
        label = (f"schooljaren {school_year_label(first)} – {school_year_label(last)}"
                 if last > first else f"schooljaar {school_year_label(first)}")
        return cls(start, end, label)


@dataclass(frozen=True)
class Comparison:
    """Per-school figures for a window, plus the signal-to-melding counts behind the medians."""

    schools: pd.DataFrame
    histogram: pd.DataFrame
    window: Window


def school_comparison(conn: Connection, window: Window, compliance_days: int, hours_per_day: float,
                      persistent_share: float, *, exact_below: int | None) -> Comparison:
    """One row per school with every comparison figure, numerators and denominators included.

    ``exact_below``: the suppression threshold (None: no suppression); the pupils behind each
    school's hours (``involved_*``) are exact wherever they decide it (see :func:`_exact_involved`).

    ``pupils`` is the enrolment (1 October) summed over the school years the window touches:
    the pupils of that year for a school year or a period within one, pupil-years otherwise.

    - absence rate per category = hours / (pupils × school hours in the window's weeks);
    - meldingen per 1,000 = verzuimmeldingen reported in the window / pupils × 1,000;
    - persistent absence = pupils with absence ≥ ``persistent_share`` (setting, 10 %) of the
      possible hours (``hours_per_day`` per school day) in the school year to date (only for a
      whole school year) / pupils;
    - 16-hour signals in the window and reporting compliance = signals followed by a melding
      within ``compliance_days`` school days / signals;
    - known-code share = hours with a category other than 'onbekend' / all hours;
    - median school days from signal to melding (signals that got a melding);
    - last registration = the latest absence day the school registered in the window's last
      school year or the one before ("–": nothing registered in those two years).
    """
    register = school_register(conn)
    ids = None  # every school of the municipality
    year = window.school_year
    weeks = mondays(window.start, window.end)
    per_day = hours_per_day
    calendars = _sector_calendars(conn, sorted(register["sector"].unique()))
    frame = register.merge(_window_denominators(conn, register, window, weeks, calendars, per_day),
                           on="school_id", how="left")
    frame["schools"] = 1
    frame["size_band"] = frame["latest_pupils"].map(size_band)

    frame = frame.merge(_absence_by_category(conn, ids, window.start, window.end), on="school_id", how="left")
    frame = frame.merge(_meldingen(conn, ids, window), on="school_id", how="left")
    frame = frame.merge(_signals(conn, ids, window, compliance_days), on="school_id", how="left")
    frame = frame.merge(_last_registration(conn, ids, window.end), on="school_id", how="left")
    if window.is_school_year:
        frame = frame.merge(_persistent(conn, calendars, year, per_day, persistent_share), on="school_id", how="left")
        frame["persistent"] = frame["persistent"].fillna(0).where(frame["pupils"].notna())
    else:
        frame["persistent"] = np.nan
    frame = _exact_involved(conn, ids, window, frame, exact_below)
    counts = [c for c in ADDITIVE if c not in ("pupils", "possible_hours", "persistent")]
    frame[counts] = frame[counts].fillna(0)
    frame["last_registration"] = pd.to_datetime(frame["last_registration"]).dt.date
    frame = frame.drop(columns=["latest_pupils"])
    histogram = signal_delay_histogram(conn, ids, window)
    frame = add_rates(frame)
    frame["median_days"] = frame["school_id"].map(_medians(histogram, "school_id")).astype(float)
    return Comparison(frame, histogram, window)


def _window_denominators(conn: Connection, register: pd.DataFrame, window: Window, weeks: list[dt.date],
                         calendars: dict[str, SchoolCalendar], per_day: float) -> pd.DataFrame:
    """Per school: pupils (summed over the school years of the window: pupil-years),
    possible hours (Σ pupils of the week's school year × school hours of the week, up to the
    school's last registered day) and the pupils of the window's last school year (for the size
    band)."""
    enrolment = _enrolment(conn, None, window.years[0], window.years[-1])
    if enrolment.empty:
        return pd.DataFrame(columns=["school_id", "pupils", "possible_hours", "latest_pupils"])
    per_week = school_days_per_school_week(calendars, register, weeks,
                                           last_registered_days(conn, register["school_id"].tolist()),
                                           window.start, window.end)
    per_week["school_year"] = per_week["week_start"].map(
        {pd.Timestamp(w): school_year_of(max(w, window.start)) for w in weeks})
    school_days = per_week.groupby(["school_id", "school_year"], as_index=False)["school_days"].sum()
    per_year = enrolment.merge(school_days, on=["school_id", "school_year"], how="left").fillna({"school_days": 0})
    per_year["possible_hours"] = per_year["pupils"] * possible_hours(per_year["school_days"], hours_per_day=per_day)
    latest = per_year.sort_values("school_year").groupby("school_id")["pupils"].last().rename("latest_pupils")
    sums = per_year.groupby("school_id")[["pupils", "possible_hours"]].sum()
    return sums.join(latest).reset_index()


def _absence_by_category(conn: Connection, ids: Sequence[int] | None, start: dt.date,
                         end: dt.date) -> pd.DataFrame:
    """Per school, one column per category: the hours registered from ``start`` to ``end`` (exact
    dates, read as :func:`_cover` splits them: whole months from absence_month, whole weeks from
    absence_week, the days left from the absence rows). The pupils behind the hours:
    _exact_involved."""
    def within(day: dt.date) -> dt.date | None:
        return start if start <= day <= end else None

    months, weeks, days = _cover(start, end, mondays(start, end), within, with_months=True)
    parts = [query_frame(conn, (
        select(table.school_id, table.category, func.sum(table.hours))
        .where(_of_schools(table.school_id, ids), unit.in_(units)).group_by(table.school_id, table.category)
    ), ["school_id", "category", "hours"]) for table, unit, units in (
        (AbsenceMonth, AbsenceMonth.month_start, months), (AbsenceWeek, AbsenceWeek.week_start, weeks),
        (Absence, Absence.date, days)) if units]
    long = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["school_id", "category", "hours"])
    long["category"] = long["category"].where(long["category"].isin(CATEGORIES), UNKNOWN_CATEGORY)
    long = long.groupby(["school_id", "category"], as_index=False).agg(hours=("hours", "sum"))
    hours = long.pivot(index="school_id", columns="category", values="hours").reindex(columns=list(CATEGORIES))
    wide = hours.add_prefix("hours_").fillna(0)
    wide["hours_total"] = hours.fillna(0).sum(axis=1)
    wide["known_hours"] = wide["hours_total"] - wide[f"hours_{UNKNOWN_CATEGORY}"]
    return wide.reset_index()


def _exact_involved(conn: Connection, ids: Sequence[int] | None, window: Window, frame: pd.DataFrame,
                    exact_below: int | None) -> pd.DataFrame:
    """The pupils behind each school's hours (DESIGN: suppression counts the people exactly, not a
    bound): per category, and in total (a pupil with absence of two categories counts once).

    Whole school years come from absentee_year (per school, year and stored category). Where a
    cell adds several rows up (several years; codes outside the categories, which count as
    'onbekend') it has bounds: the largest row and the sum. A cell whose bounds lie on both sides
    of ``exact_below`` is recounted from pupil_category_year (see :func:`_recount_absentees`);
    elsewhere the lower bound stands, which then already decides suppression (or, without it, is
    only informative). One school year is thus exact throughout. Other windows (a period inside
    a school year) are counted from their own absence rows."""
    if window.is_whole_school_years:
        counts = query_frame(conn, (
            select(AbsenteeYear.school_id, AbsenteeYear.category, AbsenteeYear.pupils)
            .where(_of_schools(AbsenteeYear.school_id, ids), AbsenteeYear.school_year.between(window.years[0], window.years[-1]))
        ), ["school_id", "category", "pupils"])
    else:
        known = Absence.category.in_([c for c in CATEGORIES if c != UNKNOWN_CATEGORY])
        category = case((known, Absence.category), else_=UNKNOWN_CATEGORY)
        where = [_of_schools(Absence.school_id, ids), Absence.date.between(window.start, window.end)]
        counts = pd.concat([query_frame(conn, (
            select(Absence.school_id, category, func.count(Absence.pupil_id.distinct())).where(*where)
            .group_by(Absence.school_id, category)
        ), ["school_id", "category", "pupils"]), query_frame(conn, (
            select(Absence.school_id, literal(ALL_CATEGORIES), func.count(Absence.pupil_id.distinct()))
            .where(*where).group_by(Absence.school_id)
        ), ["school_id", "category", "pupils"])], ignore_index=True)
    counts["category"] = counts["category"].where(counts["category"].isin([*CATEGORIES, ALL_CATEGORIES]),
                                                  UNKNOWN_CATEGORY)
    cells = counts.groupby(["school_id", "category"], as_index=False).agg(
        lower=("pupils", "max"), upper=("pupils", "sum"))
    cells["pupils"] = cells["lower"]
    if exact_below is not None:
        unsure = cells.index[(cells["lower"] < exact_below) & (cells["upper"] >= exact_below)]
        if len(unsure):
            exact = _recount_absentees(conn, cells.loc[unsure, "school_id"].unique().tolist(), window)
            cells.loc[unsure, "pupils"] = cells.loc[unsure, ["school_id", "category"]].merge(
                exact, on=["school_id", "category"], how="left")["pupils"].fillna(0).to_numpy()
    wide = cells.pivot(index="school_id", columns="category", values="pupils")
    wide = wide.reindex(columns=[*CATEGORIES, ALL_CATEGORIES])
    wide.columns = [f"involved_{c}" for c in CATEGORIES] + ["involved_total"]
    out = frame.drop(columns=[c for c in wide.columns if c in frame]).merge(
        wide.reset_index(), on="school_id", how="left")
    out[list(wide.columns)] = out[list(wide.columns)].fillna(0)
    return out


def _recount_absentees(conn: Connection, school_ids: list[int], window: Window) -> pd.DataFrame:
    """The pupils of whole school years per school × category (and ``ALL_CATEGORIES``), counted
    from pupil_category_year: one row per pupil there. A first date lies in its own school year, so
    the window's dates select its school years; said that way rather than by ``school_year``,
    SQLite counts in the order of ix_pupil_category_year_school instead of sorting."""
    table = PupilCategoryYear
    known = table.category.in_([c for c in CATEGORIES if c != UNKNOWN_CATEGORY])
    category = case((known, table.category), else_=UNKNOWN_CATEGORY)
    where = [table.school_id.in_(school_ids), table.first_on.between(window.start, window.end)]
    return pd.concat([query_frame(conn, (
        select(table.school_id, category, func.count(table.pupil_id.distinct())).where(*where)
        .group_by(table.school_id, category)
    ), ["school_id", "category", "pupils"]), query_frame(conn, (
        select(table.school_id, literal(ALL_CATEGORIES), func.count(table.pupil_id.distinct()))
        .where(*where).group_by(table.school_id)
    ), ["school_id", "category", "pupils"])], ignore_index=True)


def _meldingen(conn: Connection, ids: Sequence[int] | None, window: Window) -> pd.DataFrame:
    return query_frame(conn, (
        select(Verzuimmelding.school_id, func.count())
        .where(_of_schools(Verzuimmelding.school_id, ids),
               Verzuimmelding.reported_on.between(window.start, window.end))
        .group_by(Verzuimmelding.school_id)
    ), ["school_id", "meldingen"])


def _signals(conn: Connection, ids: Sequence[int] | None, window: Window, compliance_days: int) -> pd.DataFrame:
    in_time = case((on_time(Signal16.school_days_to_melding, compliance_days), 1), else_=0)
    with_melding = case((Signal16.school_days_to_melding.is_not(None), 1), else_=0)
    return query_frame(conn, (
        select(Signal16.school_id, func.count(), func.sum(in_time), func.sum(with_melding))
        .where(_of_schools(Signal16.school_id, ids), Signal16.signal_on.between(window.start, window.end))
        .group_by(Signal16.school_id)
    ), ["school_id", "signals", "on_time", "with_melding"])


def signal_delay_histogram(conn: Connection, ids: Sequence[int] | None, window: Window) -> pd.DataFrame:
    """School days from signal to melding, counted per school (for medians after a roll-up)."""
    return query_frame(conn, (
        select(Signal16.school_id, Signal16.school_days_to_melding, func.count())
        .where(_of_schools(Signal16.school_id, ids), Signal16.signal_on.between(window.start, window.end),
               Signal16.school_days_to_melding.is_not(None))
        .group_by(Signal16.school_id, Signal16.school_days_to_melding)
    ), ["school_id", "days", "signals"])


def _last_registration(conn: Connection, ids: Sequence[int] | None, until: dt.date) -> pd.DataFrame:
    """The latest absence day each school registered in the school year of ``until`` or the one before.

    A pupil-year's last absence lies in its school year, so the two years are a date range: one
    correlated MAX per school, each a seek in ix_pupil_year_last_day (as last_registered_days)."""
    year = school_year_of(until)
    first, _ = school_year_bounds(year - 1)
    _, last = school_year_bounds(year)
    latest = (select(func.max(PupilYear.last_absence_on))
              .where(PupilYear.school_id == School.id, PupilYear.last_absence_on.between(first, last))
              .correlate(School).scalar_subquery())
    schools = select(School.id, latest).where(latest.is_not(None))
    schools = schools.where(School.id.in_(list(ids))) if ids is not None else schools.where(School.in_scope.is_(True))
    return query_frame(conn, schools, ["school_id", "last_registration"])


def year_to_date_end(conn: Connection, year: int) -> dt.date:
    """The end of the school year, or the last registered absence day if the year is still running."""
    _, year_end = school_year_bounds(year)
    last = conn.execute(select(func.max(PupilYear.last_absence_on)).where(PupilYear.school_year == year)).scalar()
    if last is None:
        return year_end
    return min(year_end, as_date(last))


def _persistent(conn: Connection, calendars: dict[str, SchoolCalendar], year: int,
                per_day: float, persistent_share: float) -> pd.DataFrame:
    """Pupils with absence ≥ ``persistent_share`` of the possible hours of their sector, year to date.

    The same rule as definitions.absence.persistence_level ('langdurig' or worse), evaluated in the
    database with one threshold per sector.
    """
    start, _ = school_year_bounds(year)
    as_of = year_to_date_end(conn, year)
    thresholds = {sector: persistent_share * possible_hours_between(calendar, start, as_of, hours_per_day=per_day)
                  for sector, calendar in calendars.items()}
    threshold = case(*((School.sector == s, t) for s, t in thresholds.items()), else_=None)
    return query_frame(conn, (
        select(PupilYear.school_id, func.count())
        .join(School, School.id == PupilYear.school_id)
        .where(PupilYear.school_year == year, School.in_scope.is_(True), PupilYear.absence_hours >= threshold,
               threshold > 0)
        .group_by(PupilYear.school_id)
    ), ["school_id", "persistent"])


def _pairwise(function, *columns: pd.Series) -> np.ndarray:
    """Apply a metrics definition row by row on plain arrays (NaN where a part is missing)."""
    arrays = [pd.to_numeric(c, errors="coerce").to_numpy(dtype=float) for c in columns]
    values = [None if np.isnan(parts).any() else function(*parts) for parts in zip(*arrays)]
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def add_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Rates from the numerator and denominator columns (rows may be schools or roll-ups)."""
    rates = {f"rate_{c}": _pairwise(_rate, frame[f"hours_{c}"], frame["pupils"], frame["possible_hours"])
             for c in (*CATEGORIES, "total")}
    rates["per_1000"] = _pairwise(metrics.per_thousand, frame["meldingen"], frame["pupils"])
    rates["persistent_share"] = _pairwise(metrics.share, frame["persistent"], frame["pupils"])
    rates["compliance"] = _pairwise(metrics.share, frame["on_time"], frame["signals"])
    rates["known_share"] = _pairwise(metrics.share, frame["known_hours"], frame["hours_total"])
    kept = frame.drop(columns=[c for c in rates if c in frame.columns])
    return pd.concat([kept, pd.DataFrame(rates, index=frame.index)], axis=1)


def _median_of_counts(histogram: pd.DataFrame) -> float | None:
    """metrics.median_or_none over days stored as (days, number of signals) pairs."""
    if histogram.empty:
        return None
    return metrics.median_or_none(
        np.repeat(histogram["days"].to_numpy(), histogram["signals"].to_numpy().astype(int)).tolist())


def _medians(histogram: pd.DataFrame, key: str) -> dict:
    return {group: _median_of_counts(part) for group, part in histogram.groupby(key)}


def roll_up(schools: pd.DataFrame, histogram: pd.DataFrame, level: str) -> pd.DataFrame:
    """Schools summed to board / samenwerkingsverband / municipality (or left per school).

    Rates are recomputed from the summed numerators and denominators (pooled), the median
    from the combined signal-to-melding counts, freshness is the latest date of the group.
    The ``group`` column names the row.
    """
    if level == "school":
        return schools.assign(group=schools["name"])
    column = LEVELS[level]
    grouped = schools.groupby(column)
    sums = grouped[_summed(schools)].sum(min_count=1)
    sums["schools"] = grouped["school_id"].count()
    sums["last_registration"] = grouped["last_registration"].max()
    rolled = add_rates(sums.reset_index())
    keyed = histogram.merge(schools[["school_id", column]], on="school_id")
    rolled["median_days"] = rolled[column].map(_medians(keyed, column)).astype(float)
    return rolled.assign(group=rolled[column]).sort_values(column, ignore_index=True)


MUNICIPAL_LABEL = "Gemeente (alle scholen)"


def municipal_total(schools: pd.DataFrame, histogram: pd.DataFrame, label: str = MUNICIPAL_LABEL) -> pd.DataFrame:
    """One pooled row over all schools: the municipal average every row is held against."""
    sums = schools[_summed(schools)].sum(min_count=1).to_frame().T.astype(float)
    sums["schools"] = len(schools)
    sums["last_registration"] = schools["last_registration"].max()
    total = add_rates(sums)
    total["median_days"] = _median_of_counts(histogram)
    return total.assign(group=label, name=label)


def _summed(schools: pd.DataFrame) -> list[str]:
    """The columns that add up in a roll-up: ADDITIVE and, when present, the pupils' square sums
    behind the absence-rate intervals (see pupil_spread)."""
    return [*ADDITIVE, *(c for c in benchmark.SQUARE_SUMS if c in schools.columns)]


def similar_schools(schools: pd.DataFrame, histogram: pd.DataFrame,
                    minimum: int = MIN_SIMILAR_SCHOOLS) -> pd.DataFrame:
    """Per school: the pooled figures of the *other* schools with the same sector and national
    size class (definitions.similar_schools).

    ``schools`` counts those other schools and ``places`` names their municipalities (with how
    many each). With fewer than ``minimum`` of them no benchmark is formed: every figure is
    then empty and ``formed`` is False — the page says so instead of showing a figure that is
    mostly the school itself or the municipality again.
    """
    summed = _summed(schools)
    numeric = schools[summed].astype(float)
    band = schools["size_band"].fillna("onbekend")
    group_sums = numeric.groupby([schools["sector"], band]).transform("sum")
    others = group_sums - numeric.fillna(0)
    others["schools"] = group_sums["schools"] - 1
    others["persistent"] = others["persistent"].where(schools["persistent"].notna())
    peers = add_rates(others)
    peers["median_days"] = _peer_medians(schools, band, histogram)
    formed = np.array([benchmark_formed(int(n), minimum) for n in peers["schools"]], dtype=bool)
    figures = [c for c in peers.columns if c != "schools"]
    peers.loc[~formed, figures] = np.nan
    peers["formed"] = formed
    peers["places"] = benchmark.peer_places(schools, band)
    return peers


def _peer_medians(schools: pd.DataFrame, band: pd.Series, histogram: pd.DataFrame) -> pd.Series:
    """Median signal-to-melding days over the other schools of each school's group."""
    group_of = dict(zip(schools["school_id"], schools["sector"] + "|" + band))
    own: dict[int, dict[int, int]] = {}
    for school_id, days, n in zip(histogram["school_id"], histogram["days"], histogram["signals"]):
        own.setdefault(school_id, {})[int(days)] = int(n)
    per_group: dict[str, dict[int, int]] = {}
    for school_id, counts in own.items():
        combined = per_group.setdefault(group_of.get(school_id, ""), {})
        for days, n in counts.items():
            combined[days] = combined.get(days, 0) + n
    medians = []
    for school_id in schools["school_id"]:
        mine = own.get(school_id, {})
        others = {d: n - mine.get(d, 0) for d, n in per_group.get(group_of[school_id], {}).items()}
        others = {d: n for d, n in others.items() if n > 0}
        medians.append(metrics.median_or_none(np.repeat(list(others), list(others.values())).tolist())
                       if others else None)
    return pd.Series(medians, index=schools.index, dtype=float)


# --- suppression ---------------------------------------------------------------------------

COUNT_COLUMNS = ("pupils", "meldingen", "persistent", "signals", "on_time")
# Absence with an unknown code says something about a school's registration, nothing about a
# child, so its rate (and the known-code share, which would reveal it) is not suppressed.
SUPPRESSED_CATEGORIES = tuple(c for c in CATEGORIES if c != UNKNOWN_CATEGORY)
RATE_PARTS: dict[str, tuple[str, str]] = {
    **{f"rate_{c}": (f"involved_{c}", "pupils") for c in (*SUPPRESSED_CATEGORIES, "total")},
    "known_share": ("involved_total", "pupils"),
    "per_1000": ("meldingen", "pupils"),
    "persistent_share": ("persistent", "pupils"),
    "compliance": ("on_time", "signals"),
    "median_days": ("with_melding", "signals"),
}
CATEGORY_RATES = tuple(f"rate_{c}" for c in SUPPRESSED_CATEGORIES)
PROTECTED = "verborgen: zou een ander verborgen getal verraden"


def suppress_comparison(frame: pd.DataFrame, suppressor: Suppressor) -> pd.DataFrame:
    """Suppressor.frame on comparison rows (for every role but leerplicht).

    Counts below the threshold become its marker ("<5"); a rate is hidden when its numerator or
    denominator is small. Absence rates count the pupils behind the hours (a lower bound) as numerator;
    the 'onbekend' rate is exempt (see SUPPRESSED_CATEGORIES).
    Extra complementary rules keep a hidden absence figure from being worked out:
    - a row that hides exactly one category hides a second one (else the total gives it away),
      preferably one that other rows also show;
    - a column that hides exactly one row hides the next smallest row as well.
    """
    rates = {rate: parts for rate, parts in RATE_PARTS.items() if rate in frame.columns}
    counts = [c for c in COUNT_COLUMNS if c in frame.columns]
    # work on the columns that matter only: Suppressor.frame copies and extends its input
    needed = list(dict.fromkeys([*counts, *rates, *(part for parts in rates.values() for part in parts)]))
    narrow = suppressor.frame(frame[needed], counts=counts, rates=rates)
    _protect_categories(narrow)
    for rate, (numerator, _) in rates.items():
        _protect_single_hidden_row(narrow, rate, frame[numerator])
    return pd.concat([frame.drop(columns=[c for c in narrow.columns if c in frame.columns]), narrow], axis=1)


def _hide(out: pd.DataFrame, rows: np.ndarray, rate: str, reason: str = PROTECTED) -> None:
    """Hide ``rate`` in the rows of boolean mask ``rows``."""
    if rows.any():
        out[rate] = out[rate].astype(object).where(~rows, None)
        out[f"{rate}_reden"] = np.where(rows, reason, out[f"{rate}_reden"])


def _protect_categories(out: pd.DataFrame) -> None:
    columns = [c for c in CATEGORY_RATES if c in out.columns]
    if not columns:
        return
    values = np.column_stack([pd.to_numeric(out[c], errors="coerce").to_numpy(dtype=float) for c in columns])
    hidden = np.column_stack([out[f"{c}_reden"].to_numpy() != "" for c in columns])
    shown = ~hidden & (np.nan_to_num(values) > 0)
    shown_elsewhere = (shown.sum(axis=0) - shown) > 0
    extra = np.zeros_like(hidden)
    for i in np.flatnonzero(hidden.sum(axis=1) == 1):
        candidates = shown[i] & shown_elsewhere[i]
        if not candidates.any():
            candidates = shown[i]
        if candidates.any():
            extra[i, np.argmin(np.where(candidates, values[i], np.inf))] = True
    for j, column in enumerate(columns):
        _hide(out, extra[:, j], column)


def _protect_single_hidden_row(out: pd.DataFrame, rate: str, numerators: pd.Series) -> None:
    hidden = (out[f"{rate}_reden"] != "").to_numpy()
    if hidden.sum() != 1 or len(out) < 2:
        return
    numbers = pd.to_numeric(numerators, errors="coerce").to_numpy(dtype=float)
    candidates = ~hidden & out[rate].notna().to_numpy() & (np.nan_to_num(numbers) > 0)
    if candidates.any():
        smallest = np.zeros_like(hidden)
        smallest[np.argmin(np.where(candidates, numbers, np.inf))] = True
        _hide(out, smallest, rate)


@dataclass(frozen=True)
class ComparisonView:
    """What the comparison shows for one selection: the rows (schools of the selection, or
    their roll-up), per school its similar schools, and the municipal row; suppressed or not."""

    rows: pd.DataFrame
    peers: pd.DataFrame | None
    total: pd.DataFrame
    schools_in_municipality: int


def comparison_view(comparison: Comparison, level: str, school_ids: Sequence[int] | None,
                    suppressor: Suppressor | None) -> ComparisonView:
    """Roll up and suppress a comparison the way the page shows it (``suppressor``: None for
    roles that see every count).

    Per school, suppression runs over all schools of the municipality before the selection is
    taken (so a complementary cell hidden elsewhere stays hidden); a roll-up is suppressed
    over the rolled-up rows of the selection.

    Every row, the municipal row included, carries the 95 % interval of each figure
    (``<figure>_low`` / ``_high``, queries.benchmark.add_intervals): absence rates only when
    the comparison has the rate's pupil spread (:func:`with_spread`). A hidden
    figure has no interval.
    """
    schools, histogram = comparison.schools, comparison.histogram

    def shown(frame: pd.DataFrame) -> pd.DataFrame:
        # intervals from the unsuppressed numbers, then emptied wherever the figure is hidden
        with_intervals = benchmark.add_intervals(frame, Z_95)
        return benchmark.hide_intervals(suppress_comparison(with_intervals, suppressor)) if suppressor else with_intervals

    def selected(frame: pd.DataFrame) -> pd.DataFrame:
        return frame if school_ids is None else frame[schools["school_id"].isin(list(school_ids)).to_numpy()]

    total = shown(municipal_total(schools, histogram))
    if level == "school":
        rows = selected(shown(schools).assign(group=schools["name"]))
        peers = selected(shown(similar_schools(schools, histogram)))
        return ComparisonView(rows, peers, total, len(schools))
    rows = shown(roll_up(selected(schools), histogram, level))
    return ComparisonView(rows, None, total, len(schools))


def suppress_trend(trend: pd.DataFrame, suppressor: Suppressor) -> pd.DataFrame:
    """Hide a trend point (rate and hours) when too few pupils are behind it."""
    out = trend.copy()
    hidden = (out["involved"].map(suppressor.hides) | out["pupils"].map(suppressor.hides)).astype(bool)
    out["rate"] = out["rate"].astype(object).where(~hidden, None)
    out["hours"] = out["hours"].astype(object).where(~hidden, None)
    out["rate_reden"] = np.where(hidden, suppressor.fewer_than("leerlingen"), "")
    return out


# --- uncertainty of the comparison (issue 15) ----------------------------------------------


def pupil_spread(conn: Connection, window: Window, category: str) -> pd.DataFrame:
    """The spread of the pupils' absence hours behind one absence rate (``category``: a category
    or "total"), per school: ``sy_<category>`` = Σ yᵢ and ``sq_<category>`` = Σ yᵢ² over its
    pupils' hours yᵢ in ``window`` (pupils without absence add nothing; queries.benchmark and
    definitions.intervals.rate_interval_over_pupils turn them into the rate's interval).

    The unit is the pupil-year: a window of several school years counts a pupil once in each,
    as ``pupils`` counts pupil-years.

    - Whole school years, total: from pupil_year (one row per pupil and school year, already
      summed: the index holds it). A pupil who changed school within a year counts there at one
      school (the summary's), which moves a little spread, not the rate itself.
    - Whole school years, one category: from pupil_category_year (a pupil's hours of the category
      per school and school year).
    - Any other window: from the absence rows of the window's exact dates, summed per pupil-year.
    """
    if category not in (*CATEGORIES, "total"):
        raise ValueError(category)
    columns = ["school_id", f"sy_{category}", f"sq_{category}"]
    known = [c for c in CATEGORIES if c != UNKNOWN_CATEGORY]
    if window.is_whole_school_years and category == "total":
        hours = PupilYear.absence_hours
        return query_frame(conn, (
            select(PupilYear.school_id, func.sum(hours), func.sum(hours * hours))
            .where(_of_schools(PupilYear.school_id, None), PupilYear.school_year.between(window.years[0], window.years[-1]))
            .group_by(PupilYear.school_id)
        ), columns)
    if window.is_whole_school_years:
        table = PupilCategoryYear
        stored = [category]
        if category == UNKNOWN_CATEGORY:  # with any stored code outside the categories (absentee_year knows them)
            stored += conn.execute(select(AbsenteeYear.category).distinct().where(
                AbsenteeYear.school_year.between(window.years[0], window.years[-1]),
                AbsenteeYear.category.not_in([*CATEGORIES, ALL_CATEGORIES]))).scalars().all()
        chosen = table.category.in_(stored)
        per_pupil = (select(table.school_id.label("school_id"), func.sum(table.hours).label("hours"))
                     .where(_of_schools(table.school_id, None),
                            table.school_year.between(window.years[0], window.years[-1]), chosen)
                     .group_by(table.school_id, table.pupil_id, table.school_year).subquery())
        return query_frame(conn, (
            select(per_pupil.c.school_id, func.sum(per_pupil.c.hours), func.sum(per_pupil.c.hours * per_pupil.c.hours))
            .group_by(per_pupil.c.school_id)
        ), columns)
    year = literal_column(school_year_sql(conn, Absence.__table__.name + ".date"))
    where = [_of_schools(Absence.school_id, None), Absence.date.between(window.start, window.end)]
    if category == UNKNOWN_CATEGORY:
        where.append(Absence.category.not_in(known))
    elif category != "total":
        where.append(Absence.category == category)
    per_pupil = (select(Absence.school_id.label("school_id"), func.sum(Absence.hours).label("hours"))
                 .where(*where).group_by(Absence.school_id, Absence.pupil_id, year).subquery())
    return query_frame(conn, (
        select(per_pupil.c.school_id, func.sum(per_pupil.c.hours), func.sum(per_pupil.c.hours * per_pupil.c.hours))
        .group_by(per_pupil.c.school_id)
    ), columns)


def with_spread(comparison: Comparison, spread: pd.DataFrame) -> Comparison:
    """The comparison with one rate's pupil spread (:func:`pupil_spread`) merged in (0 for a
    school without absence)."""
    schools = comparison.schools.drop(columns=[c for c in spread.columns if c != "school_id" and c in comparison.schools])
    schools = schools.merge(spread, on="school_id", how="left")
    added = [c for c in spread.columns if c != "school_id"]
    schools[added] = schools[added].astype(float).fillna(0.0)
    return Comparison(schools, comparison.histogram, comparison.window)
