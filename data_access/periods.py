"""Named periods (COVID closures, holidays, …) and the windows of days the COVID page compares.

A *window* is a set of whole days made of one or more date ranges: a period is one range; its
baseline is the normal school weeks chosen around it (holidays and other closures left out), so
it usually has gaps. Every metric on /covid is computed over a window.

``beheer`` adds or corrects periods through :func:`add_period` / :func:`update_period`; both
validate and write an audit row in the caller's transaction.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from sqlalchemy import Connection, false, insert, or_, select, update

from data_access import audit
from data_access.definitions.calendar import HOLIDAY_KINDS, SchoolCalendar, week_start
from data_access.models import PERIOD_KINDS, SECTORS, Period

COVID_KINDS = ("covid_sluiting", "covid_gedeeltelijk")
EPISODE_KIND = "covid_episode"  # not stored: adjacent COVID periods shown as one
# Weeks overlapping one of these are never "normal" school weeks for a baseline.
BLOCKING_KINDS = ("vakantie", "covid_sluiting", "covid_gedeeltelijk")

SECTOR_GROUPS: dict[str, tuple[str, ...]] = {"PO": ("BAO", "SBAO", "SO"), "VO": ("VO",)}
SECTOR_GROUP_LABELS = {"PO": "Primair onderwijs", "VO": "Voortgezet onderwijs"}
KIND_LABELS = {
    "covid_sluiting": "COVID-19: scholen dicht",
    "covid_gedeeltelijk": "COVID-19: gedeeltelijk open",
    "vakantie": "Vakantie",
    "studiedag": "Studiedag",
    "pilot": "Pilot",
    "overig": "Overig",
    EPISODE_KIND: "COVID-19: dicht en gedeeltelijk open samen",
}
BASELINE_DIRECTIONS = ("before", "after", "both")
MAX_BASELINE_WEEKS_AWAY = 104  # never look further than two years from the period for normal weeks


class PeriodError(ValueError):
    """A period that cannot be saved; the message is Dutch and meant for the user."""


@dataclass(frozen=True)
class PeriodRow:
    """A period; or, with ``parts``, a run of adjacent COVID periods taken together (an episode)."""

    id: int
    name: str
    kind: str
    sector: str | None
    start: dt.date
    end: dt.date
    parts: tuple[int, ...] = ()

    @property
    def key(self) -> tuple[int, ...]:
        """Hashable identity for caches and widgets: the ids of the period(s)."""
        return self.parts or (self.id,)


@dataclass(frozen=True)
class Window:
    """Whole days in one or more inclusive, sorted, non-overlapping date ranges."""

    ranges: tuple[tuple[dt.date, dt.date], ...]
    school_days: int

    @property
    def start(self) -> dt.date:
        return self.ranges[0][0]

    @property
    def end(self) -> dt.date:
        return self.ranges[-1][1]

    @property
    def school_weeks(self) -> float:
        """School days / 5: the "weeks" in contacts per school per week."""
        return self.school_days / 5

    @property
    def is_empty(self) -> bool:
        return not self.ranges

    def contains(self, day: dt.date) -> bool:
        return any(s <= day <= e for s, e in self.ranges)

    def first_day_from(self, day: dt.date) -> dt.date | None:
        """The first day of the window on or after ``day``."""
        for s, e in self.ranges:
            if day <= e:
                return max(day, s)
        return None

    def days_between(self, first: dt.date, later: dt.date) -> int:
        """Days of the window from ``first`` up to ``later`` (excluded): gaps do not count."""
        return sum(
            max(0, (min(later, e + dt.timedelta(days=1)) - max(first, s)).days) for s, e in self.ranges
        )


EMPTY_WINDOW = Window((), 0)


# --- reading periods ------------------------------------------------------------------------


def sectors_of_group(group: str) -> tuple[str, ...]:
    return SECTOR_GROUPS[group]


def periods(conn: Connection, kinds: Iterable[str] | None = None, group: str | None = None) -> list[PeriodRow]:
    """Periods of the given kinds that apply to a sector group (sector empty means: all sectors)."""
    rows = conn.execute(_periods_statement(None if kinds is None else tuple(sorted(kinds)), group)).all()
    return [PeriodRow(*row) for row in rows]


@lru_cache(maxsize=64)
def _periods_statement(kinds: tuple[str, ...] | None, group: str | None):
    """Built once per kinds × group, its kinds and sectors bound as one parameter each, not a list
    (/covid reads periods for every report; building the statement cost more than reading it)."""
    query = select(Period.id, Period.name, Period.kind, Period.sector, Period.start, Period.end)
    if kinds is not None:
        query = query.where(or_(false(), *(Period.kind == kind for kind in kinds)))
    if group is not None:
        query = query.where(or_(Period.sector.is_(None), *(Period.sector == s for s in sectors_of_group(group))))
    return query.order_by(Period.start, Period.end, Period.id)


def covid_periods(conn: Connection, group: str) -> list[PeriodRow]:
    """COVID periods of a sector group; the same period stored once per sector (BAO, SBAO) counts once."""
    return unique_periods(periods(conn, COVID_KINDS, group))


def unique_periods(rows: Iterable[PeriodRow]) -> list[PeriodRow]:
    seen: dict[tuple, PeriodRow] = {}
    for row in rows:
        seen.setdefault((row.name, row.kind, row.start, row.end), row)
    return list(seen.values())


def covid_episodes(rows: Sequence[PeriodRow], max_gap_days: int = 3) -> list[PeriodRow]:
    """Runs of two or more COVID periods that follow each other (closed, then half groups, …) as one
    period: "the first closure" from the day schools closed to the day they fully opened again."""
    episodes, run = [], []
    for row in sorted(rows, key=lambda r: (r.start, r.end)):
        if run and (row.start - run[-1].end).days > max_gap_days:
            episodes.append(run)
            run = []
        if not run or row.start > run[-1].end:
            run.append(row)
    episodes.append(run)
    return [_episode(run) for run in episodes if len(run) > 1]


def _episode(run: list[PeriodRow]) -> PeriodRow:
    first, last = run[0], run[-1]
    first_name = first.name
    suffix = last.name[last.name.rfind(" ("):] if last.name.endswith(")") and " (" in last.name else ""
    if suffix and first_name.endswith(suffix):
        first_name = first_name[: -len(suffix)]
    return PeriodRow(first.id, f"{first_name} t/m {last.name}", EPISODE_KIND, first.sector, first.start, last.end,
                     parts=tuple(r.id for r in run))


def period_choices(conn: Connection, group: str) -> list[PeriodRow]:
    """COVID periods and episodes, by start; an episode before the periods it is made of."""
    rows = covid_periods(conn, group)
    return sorted(rows + covid_episodes(rows), key=lambda r: (r.start, -r.end.toordinal(), r.name))


def period_by_id(conn: Connection, period_id: int) -> PeriodRow | None:
    row = conn.execute(select(Period.id, Period.name, Period.kind, Period.sector, Period.start, Period.end)
                       .where(Period.id == period_id)).first()
    return PeriodRow(*row) if row else None


def period_by_key(conn: Connection, key: tuple[int, ...]) -> PeriodRow | None:
    """A stored period (one id) or the episode made of the given periods (None if one is gone)."""
    rows = [period_by_id(conn, period_id) for period_id in key]
    if not rows or any(row is None for row in rows):
        return None
    if len(rows) == 1:
        return rows[0]
    [episode] = covid_episodes(rows, max_gap_days=10_000) or [None]
    return episode if episode and episode.key == tuple(key) else None


def all_periods_frame(conn: Connection) -> pd.DataFrame:
    """Every period, newest first, for the beheer screen (Dutch column names)."""
    rows = periods(conn)
    frame = pd.DataFrame(
        [{"id": p.id, "naam": p.name, "soort": KIND_LABELS.get(p.kind, p.kind),
          "sector": p.sector or "alle", "begin": p.start, "einde": p.end} for p in rows],
        columns=["id", "naam", "soort", "sector", "begin", "einde"],
    )
    return frame.sort_values(["begin", "id"], ascending=False, ignore_index=True)


def blocked_ranges(conn: Connection, group: str) -> list[tuple[dt.date, dt.date]]:
    """Holidays and COVID periods of a sector group: no baseline week may touch these."""
    return [(p.start, p.end) for p in periods(conn, BLOCKING_KINDS, group)]


# --- changing periods (beheer) --------------------------------------------------------------


def validate_period(name: str, kind: str, sector: str | None, start: dt.date | None, end: dt.date | None) -> None:
    if not (name or "").strip():
        raise PeriodError("Geef de periode een naam.")
    if kind not in PERIOD_KINDS:
        raise PeriodError(f"Onbekende soort periode: {kind!r}.")
    if sector is not None and sector not in SECTORS:
        raise PeriodError(f"Onbekende sector: {sector!r}.")
    if start is None or end is None:
        raise PeriodError("Vul een begin- en einddatum in.")
    if start > end:
        raise PeriodError("De begindatum ligt na de einddatum.")


def add_period(conn: Connection, *, name: str, kind: str, sector: str | None, start: dt.date, end: dt.date,
               username: str, role: str | None = "beheer") -> int:
    """Add a period after validation; audited. Returns the new id."""
    validate_period(name, kind, sector, start, end)
    values = {"name": name.strip(), "kind": kind, "sector": sector, "start": start, "end": end}
    period_id = conn.execute(insert(Period).values(**values).returning(Period.id)).scalar_one()
    audit.record(conn, "periode_toegevoegd", username=username, role=role, object_type="periode",
                 object_id=period_id, details=_audit_values(values))
    _refresh_if_calendar_changed(conn, kind)
    return period_id


def update_period(conn: Connection, period_id: int, *, name: str, kind: str, sector: str | None,
                  start: dt.date, end: dt.date, username: str, role: str | None = "beheer") -> None:
    """Correct a period after validation; the audit row holds the old and the new values."""
    validate_period(name, kind, sector, start, end)
    old = period_by_id(conn, period_id)
    if old is None:
        raise PeriodError("Deze periode bestaat niet (meer).")
    values = {"name": name.strip(), "kind": kind, "sector": sector, "start": start, "end": end}
    conn.execute(update(Period).where(Period.id == period_id).values(**values))
    before = {"name": old.name, "kind": old.kind, "sector": old.sector, "start": old.start, "end": old.end}
    audit.record(conn, "periode_gewijzigd", username=username, role=role, object_type="periode",
                 object_id=period_id, details={"oud": _audit_values(before), "nieuw": _audit_values(values)})
    _refresh_if_calendar_changed(conn, kind, old.kind)


def _refresh_if_calendar_changed(conn: Connection, *kinds: str) -> None:
    """Holidays and study days shape the 16-hour windows: recompute the signals when they change."""
    from data_access.aggregates import refresh_signals

    if set(kinds) & set(HOLIDAY_KINDS):
        refresh_signals(conn)


def _audit_values(values: dict) -> dict:
    return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in values.items()}


# --- windows: a period and its baseline -----------------------------------------------------


def period_window(period: PeriodRow, calendar: SchoolCalendar) -> Window:
    return Window(((period.start, period.end),), calendar.count_school_days(period.start, period.end))


def baseline_week_count(period: Window) -> int:
    """As many school weeks as the period has (its school days / 5, rounded; at least 1)."""
    return max(1, round(period.school_weeks))


def is_normal_school_week(monday: dt.date, blocked: Sequence[tuple[dt.date, dt.date]]) -> bool:
    """Monday to Friday all outside every holiday and COVID period."""
    friday = monday + dt.timedelta(days=4)
    return not any(s <= friday and e >= monday for s, e in blocked)


def _weeks_walking(first_monday: dt.date, step_days: int, blocked, earliest: dt.date, latest: dt.date
                   ) -> Iterator[dt.date]:
    """Normal school weeks from ``first_monday`` on, one week at a time in the direction of ``step_days``."""
    monday = first_monday
    for _ in range(MAX_BASELINE_WEEKS_AWAY):
        if monday < earliest or monday + dt.timedelta(days=4) > latest:
            return
        if is_normal_school_week(monday, blocked):
            yield monday
        monday += dt.timedelta(days=step_days)


def baseline_mondays(period_start: dt.date, period_end: dt.date, weeks: int,
                     blocked: Sequence[tuple[dt.date, dt.date]], direction: str = "before",
                     earliest: dt.date | None = None, latest: dt.date | None = None) -> list[dt.date]:
    """The Mondays of the baseline: the ``weeks`` normal school weeks nearest to the period.

    ``before`` walks back week by week from the week before the period; ``after`` walks forward
    from the week after it; ``both`` takes one before, then one after, and so on (when one side
    runs out, the other goes on). Weeks touching a holiday or COVID period are skipped; the walk
    stops at weeks not wholly within [earliest, latest] — the dates for which there is contact data
    at all — or two years away from the period.
    """
    if direction not in BASELINE_DIRECTIONS:
        raise ValueError(f"unknown baseline direction {direction!r}")
    earliest = earliest or dt.date.min + dt.timedelta(days=7)
    latest = latest or dt.date.max - dt.timedelta(days=7)
    before = _weeks_walking(week_start(period_start) - dt.timedelta(days=7), -7, blocked, earliest, latest)
    after = _weeks_walking(week_start(period_end) + dt.timedelta(days=7), 7, blocked, earliest, latest)
    sides = {"before": [before], "after": [after], "both": [before, after]}[direction]
    chosen: list[dt.date] = []
    while sides and len(chosen) < weeks:
        for side in list(sides):
            if len(chosen) == weeks:
                break
            monday = next(side, None)
            if monday is None:
                sides.remove(side)
            else:
                chosen.append(monday)
    return sorted(chosen)


def window_of_weeks(mondays: Iterable[dt.date], calendar: SchoolCalendar) -> Window:
    """Whole weeks (Monday–Sunday), consecutive weeks merged into one range."""
    ranges: list[list[dt.date]] = []
    school_days = 0
    for monday in sorted(mondays):
        sunday = monday + dt.timedelta(days=6)
        school_days += calendar.count_school_days(monday, sunday)
        if ranges and ranges[-1][1] + dt.timedelta(days=1) == monday:
            ranges[-1][1] = sunday
        else:
            ranges.append([monday, sunday])
    return Window(tuple((s, e) for s, e in ranges), school_days)


def baseline_window(period: PeriodRow, calendar: SchoolCalendar, blocked: Sequence[tuple[dt.date, dt.date]],
                    direction: str = "before", earliest: dt.date | None = None,
                    latest: dt.date | None = None) -> Window:
    weeks = baseline_week_count(period_window(period, calendar))
    mondays = baseline_mondays(period.start, period.end, weeks, blocked, direction, earliest, latest)
    return window_of_weeks(mondays, calendar)
