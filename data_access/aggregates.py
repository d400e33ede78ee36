"""Summary tables the pages read, rebuilt from the raw rows.

``refresh_all`` rebuilds everything (``lea refresh``, the demo); imports call
``refresh_absence`` / ``refresh_contacts`` for the schools and dates they touched only.

One summary depends on settings: signal16 holds the 16-hour signals under the stored
``signal_hours`` and ``signal_weeks``. It is built with the values stored in the same database
(read on the caller's connection, so inside its transaction), never with a caller's own: a
summary with other thresholds than the setting table would disagree with every page. Saving
either setting on /beheer rebuilds it (:func:`refresh_signals`, in the same transaction).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from sqlalchemy import Connection, bindparam, text

from data_access import bulk
from data_access.definitions.calendar import (
    SchoolDayCounter, as_date, holiday_rows, load_school_calendar, month_sql, month_start, next_month_start,
    school_year_bounds, school_year_of, school_year_sql, week_sql, week_start,
)
from data_access.definitions.settings import load_fields
from data_access.definitions.sixteen_hours import answering_melding, school_week_index, sixteen_hour_signals
from data_access.models import ALL_CATEGORIES
from data_access.summary_state import contact_segment_is_stale


def _filter(column_school: str, column_date: str, school_ids, start, end) -> tuple[str, dict]:
    clauses, params = ["1=1"], {}
    if school_ids is not None:
        clauses.append(f"{column_school} IN :school_ids")
        params["school_ids"] = sorted(school_ids)
    if start is not None:
        clauses.append(f"{column_date} >= :start")
        params["start"] = start
    if end is not None:
        clauses.append(f"{column_date} <= :end")
        params["end"] = end
    return " AND ".join(clauses), params


def _run(conn: Connection, sql: str, params: dict) -> None:
    stmt = text(sql)
    if "school_ids" in params:
        stmt = stmt.bindparams(bindparam("school_ids", expanding=True))
    if "pupil_ids" in params:
        stmt = stmt.bindparams(bindparam("pupil_ids", expanding=True))
    conn.execute(stmt, params)


def _whole_weeks(school_ids, start, end):
    """The schools as a set, and the dates widened to whole weeks (summaries are per week)."""
    return (None if school_ids is None else set(school_ids),
            None if start is None else week_start(start),
            None if end is None else week_start(end) + dt.timedelta(days=6))


def refresh_all(conn: Connection) -> None:
    refresh_absence(conn)
    refresh_contacts(conn)


@dataclass(frozen=True)
class _Sources:
    """Where the absence summaries are built from. A refresh reads the database's own tables; an
    import that stages its summaries (:func:`stage_absence`) reads the absence rows as they will
    be after it — the stored rows but those in ``gone``, and the rows in ``staged`` — and
    pupil_category_year's new rows from its staged table."""

    staged: str | None = None            # staged: the import's new rows (a temporary table)
    gone: str | None = None              # staged: ids of stored rows the import deletes
    pupil_categories: str = "pupil_category_year"   # the new rows, as absentee_year counts them
    pupils_of_years: str | None = None   # staged: a table of the pupils to refresh in the years
    pupils: str | None = None            # staged: the same over all years (the 16-hour signals)

    def absence(self, where: str) -> str:
        """A FROM item: the absence rows that ``where`` selects. Staged, the condition goes into
        both halves by hand: SQLite pushes no condition with a subquery (``pupil_id IN (SELECT
        …)``) into a UNION ALL, and would read every stored row instead of using an index."""
        if self.staged is None and self.gone is None:
            return f"absence WHERE {where}"
        columns = "pupil_id, school_id, date, hours, code, category"
        kept = f" AND id NOT IN (SELECT id FROM {self.gone})" if self.gone else ""
        parts = [f"SELECT {columns} FROM absence WHERE ({where}){kept}"]
        if self.staged:
            parts.append(f"SELECT {columns} FROM {self.staged} WHERE {where}")
        return f"({' UNION ALL '.join(parts)}) AS absence_after"


_OWN = _Sources()


@dataclass
class _Step:
    """One summary table's rows in a refresh's scope: which rows go (``delete``) and what replaces
    them (``select``, or ``rows`` computed in Python)."""

    table: str
    columns: tuple[str, ...]
    delete: str
    delete_params: dict
    select: str = ""
    params: dict = field(default_factory=dict)
    rows: Callable[[Connection], list[tuple]] | None = None

    @property
    def staged_table(self) -> str:
        return f"lea_next_{self.table}"

    def new_rows_into(self, conn: Connection, table: str) -> None:
        if self.rows is not None:
            bulk.insert_rows(conn, table, self.columns, self.rows(conn))
        else:
            _run(conn, f"INSERT INTO {table} ({', '.join(self.columns)}) {self.select}", self.params)

    def replace(self, conn: Connection) -> None:
        """In place: delete the scope's rows and insert the new ones."""
        _run(conn, f"DELETE FROM {self.table} WHERE {self.delete}", self.delete_params)
        self.new_rows_into(conn, self.table)

    def stage(self, conn: Connection) -> None:
        """Into a temporary table of this connection (no write to the database's own tables)."""
        _drop_temporary(conn, self.staged_table)
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"CREATE TEMPORARY TABLE {self.staged_table} AS SELECT {', '.join(self.columns)} "
                              f"FROM {self.table} WHERE false"))
        else:  # no declared types: the values stay as computed until the swap stores them
            conn.execute(text(f"CREATE TEMPORARY TABLE {self.staged_table} ({', '.join(self.columns)})"))
        self.new_rows_into(conn, self.staged_table)

    def swap(self, conn: Connection) -> None:
        columns = ", ".join(self.columns)
        _run(conn, f"DELETE FROM {self.table} WHERE {self.delete}", self.delete_params)
        conn.execute(text(f"INSERT INTO {self.table} ({columns}) SELECT {columns} FROM {self.staged_table}"))
        _drop_temporary(conn, self.staged_table)


def _drop_temporary(conn: Connection, table: str) -> None:
    conn.execute(text(f"DROP TABLE IF EXISTS {table}"))


def refresh_absence(conn: Connection, school_ids: Iterable[int] | None = None,
                    start: dt.date | None = None, end: dt.date | None = None) -> None:
    """Rebuild absence_week, absence_month, pupil_year, pupil_category_year, absentee_year and
    signal16 for the given schools and dates."""
    for step in _absence_steps(conn, *_absence_scope(conn, school_ids, start, end), _OWN):
        step.replace(conn)


@dataclass
class StagedAbsence:
    """The absence summaries of an import, computed before its write transaction: see
    :func:`stage_absence`."""

    school_ids: set[int] | None
    start: dt.date | None
    end: dt.date | None
    steps: list[_Step]
    inputs: tuple
    temporary: list[str]


def stage_absence(conn: Connection, staged: str | None, gone: str | None, school_ids: Iterable[int] | None = None,
                  start: dt.date | None = None, end: dt.date | None = None) -> StagedAbsence:
    """What :func:`refresh_absence` would write after an import, computed from the absence rows
    as they will be after it — the stored ones but the ids in the temporary table ``gone``, plus
    the rows in the temporary table ``staged`` — into temporary tables of this connection.

    Why: on SQLite the summaries of a large import take tens of seconds to compute, and one
    write lock serves the whole database. Computed here they need no write lock; the import's
    short write transaction only swaps the rows in (:func:`apply_staged`). The rows are the same
    as :func:`refresh_absence`'s: the same steps, reading the staged rows instead.
    """
    scope = _absence_scope(conn, school_ids, start, end)
    temporary = []
    sources = _Sources(staged=staged, gone=gone, pupil_categories="lea_next_pupil_category_year")
    if scope[0] is not None:  # the pupils to refresh, found once, for the staged rows and the swap
        ids = {"school_ids": sorted(scope[0])}
        years = _affected_years(scope[1], scope[2])
        for table, of_years in (("lea_refresh_pupils_years", years), ("lea_refresh_pupils", None)):
            _drop_temporary(conn, table)
            conn.execute(text(f"CREATE TEMPORARY TABLE {table} (pupil_id BIGINT PRIMARY KEY)"))
            _run(conn, f"INSERT INTO {table} (pupil_id) {_pupils_of_schools_select(of_years, sources)}", ids)
            temporary.append(table)
        sources = replace(sources, pupils_of_years="lea_refresh_pupils_years", pupils="lea_refresh_pupils")
    steps = _absence_steps(conn, *scope, sources)
    for step in steps:
        step.stage(conn)
    return StagedAbsence(*scope, steps, _inputs(conn), temporary)


def apply_staged(conn: Connection, staged: StagedAbsence) -> bool:
    """Swap the staged summary rows in (in the caller's write transaction). When something the
    summaries read besides the absence rows changed since they were staged — a code's category,
    the 16-hour rule, the school holidays, the meldingen — they are rebuilt in place instead.
    Returns whether the staged rows were used."""
    fresh = _inputs(conn) == staged.inputs
    if fresh:
        for step in staged.steps:
            step.swap(conn)
    else:
        refresh_absence(conn, staged.school_ids, staged.start, staged.end)
    discard_staged(conn, staged)
    return fresh


def discard_staged(conn: Connection, staged: StagedAbsence) -> None:
    for table in [step.staged_table for step in staged.steps] + staged.temporary:
        _drop_temporary(conn, table)


def _inputs(conn: Connection) -> tuple:
    """What the absence summaries read besides the absence rows and the summaries themselves
    (signal16: the rule, the holidays and the meldingen; absence rows' categories: the codes)."""
    return (
        _signal_rule(conn),
        tuple(holiday_rows(conn)),
        tuple(conn.execute(text("SELECT source, code, category FROM absence_code ORDER BY source, code")).all()),
        tuple(conn.execute(text("SELECT COUNT(*), MAX(id) FROM verzuimmelding")).one()),
    )


def _absence_scope(conn: Connection, school_ids, start, end):
    school_ids, start, end = _whole_weeks(school_ids, start, end)
    if school_ids is not None and _covers_all_absence(conn, school_ids, start, end):
        return None, None, None
    return school_ids, start, end


def _absence_steps(conn: Connection, school_ids, start, end, src: _Sources) -> list[_Step]:
    """The summaries in the order a refresh in place needs: pupil_year and signal16 find the
    pupils to refresh also by pupil_category_year's old rows, absentee_year counts its new rows."""
    return [
        _absence_week(conn, school_ids, start, end, src),
        _absence_month(conn, school_ids, start, end, src),
        _pupil_year(conn, school_ids, start, end, src),
        _signals(conn, *_signal_rule(conn), school_ids, src),
        _pupil_categories(conn, school_ids, start, end, src),
        _absentees(conn, school_ids, start, end, src),
    ]


def _covers_all_absence(conn: Connection, school_ids: set[int], start, end) -> bool:
    """The refresh touches every school and week the summaries hold (e.g. a first import).

    Then a whole rebuild is both correct and faster: without the school and date filters the
    database aggregates straight through (1 M imported rows: 8.7 s instead of 15.9 s on SQLite).
    """
    held, first, last = conn.execute(text(
        "SELECT COUNT(DISTINCT school_id), MIN(week_start), MAX(week_start) FROM absence_week")).one()
    if held:
        known = {row[0] for row in conn.execute(text("SELECT DISTINCT school_id FROM absence_week"))}
        if not known <= school_ids:
            return False
        if start is not None and start > as_date(first) or end is not None and end < as_date(last):
            return False
    return True


def _absence_week(conn, school_ids, start, end, src: _Sources) -> _Step:
    where_week, delete_params = _filter("school_id", "week_start", school_ids, start, end)
    where, params = _filter("school_id", "date", school_ids, start, end)
    return _Step("absence_week", ("school_id", "week_start", "category", "hours", "occurrences", "pupils"),
                 where_week, delete_params, f"""
        SELECT school_id, {week_sql(conn, 'date')}, category, SUM(hours), COUNT(*), COUNT(DISTINCT pupil_id)
        FROM {src.absence(where)}
        GROUP BY school_id, {week_sql(conn, 'date')}, category""", params)


def refresh_absence_months(conn: Connection) -> None:
    """Rebuild absence_month entirely from the absence rows."""
    _absence_month(conn, None, None, None, _OWN).replace(conn)


def _absence_month(conn, school_ids, start, end, src: _Sources) -> _Step:
    """The calendar months that ``start``–``end`` touch, whole (a month's pupils are counted over
    all its days)."""
    start = None if start is None else month_start(start)
    end = None if end is None else next_month_start(end) - dt.timedelta(days=1)
    where_month, delete_params = _filter("school_id", "month_start", school_ids, start, end)
    where, params = _filter("school_id", "date", school_ids, start, end)
    return _Step("absence_month", ("school_id", "month_start", "category", "hours", "occurrences", "pupils"),
                 where_month, delete_params, f"""
        SELECT school_id, {month_sql(conn, 'date')}, category, SUM(hours), COUNT(*), COUNT(DISTINCT pupil_id)
        FROM {src.absence(where)}
        GROUP BY school_id, {month_sql(conn, 'date')}, category""", params)


def _affected_years(start, end) -> list[int] | None:
    if start is None or end is None:
        return None
    return list(range(school_year_of(start), school_year_of(end) + 1))


def _pupils_of_schools_select(years: list[int] | None, src: _Sources) -> str:
    """SQL: the pupils with absence at the schools ``:school_ids``, and those who had it (in
    ``years``) when pupil_category_year was last refreshed: their absence there may since have
    been deleted, leaving nothing in absence to find them by."""
    in_years = "" if years is None else f" AND school_year IN ({', '.join(str(y) for y in years)})"
    return (f"SELECT pupil_id FROM {src.absence('school_id IN :school_ids')}"
            f" UNION SELECT pupil_id FROM pupil_category_year WHERE school_id IN :school_ids{in_years}")


def _pupils_of_schools(src: _Sources, years: list[int] | None, params: dict, school_ids) -> str:
    """The condition ``pupil_id IN (…)`` for the pupils to refresh (:func:`_pupils_of_schools_select`);
    staged, they were found before and kept in a table."""
    staged = src.pupils if years is None else src.pupils_of_years
    if staged is not None:
        return f"pupil_id IN (SELECT pupil_id FROM {staged})"
    params["school_ids"] = sorted(school_ids)
    return f"pupil_id IN ({_pupils_of_schools_select(years, src)})"


def _pupil_year(conn, school_ids, start, end, src: _Sources) -> _Step:
    years = _affected_years(start, end)
    sy = school_year_sql(conn, "date")
    clauses, insert_clauses, params = ["1=1"], ["1=1"], {}
    if years is not None:
        in_years = f" IN ({', '.join(str(y) for y in years)})"
        clauses.append(f"school_year{in_years}")
        insert_clauses.append(f"{sy}{in_years}")
    if school_ids is not None:
        pupils = _pupils_of_schools(src, years, params, school_ids)
        clauses.append(pupils)
        insert_clauses.append(pupils)
    where = " AND ".join(insert_clauses)
    return _Step("pupil_year", ("pupil_id", "school_year", "school_id", "absence_hours", "unauthorised_hours",
                                "late_count", "last_absence_on"),
                 " AND ".join(clauses), params, f"""
        SELECT pupil_id, {sy}, MAX(school_id), SUM(hours),
               SUM(CASE WHEN category = 'ongeoorloofd' THEN hours ELSE 0 END),
               SUM(CASE WHEN category = 'te_laat' THEN 1 ELSE 0 END), MAX(date)
        FROM {src.absence(where)}
        GROUP BY pupil_id, {sy}""", params)


def refresh_pupil_categories(conn: Connection) -> None:
    """Rebuild pupil_category_year entirely (migration 0005 fills it with this)."""
    _pupil_categories(conn, None, None, None, _OWN).replace(conn)


def _pupil_categories(conn, school_ids, start, end, src: _Sources) -> _Step:
    """First absence date and hours per pupil × school year × category × school, for the whole school years
    that ``start``–``end`` touch (a first date depends on the whole year before it). Keyed by
    school, so a school's rows are replaced together, also those whose absence was deleted."""
    years = _affected_years(start, end)
    where_delete, params = _filter("school_id", "school_year", school_ids, None, None)
    where, _ = _filter("school_id", "date", school_ids, None, None)
    if years is not None:
        where_delete += f" AND school_year IN ({', '.join(str(y) for y in years)})"
        where += " AND date >= :year_start AND date <= :year_end"
        params.update(year_start=school_year_bounds(years[0])[0], year_end=school_year_bounds(years[-1])[1])
    sy = school_year_sql(conn, "date")
    return _Step("pupil_category_year", ("school_year", "category", "pupil_id", "school_id", "first_on", "hours"),
                 where_delete, {k: v for k, v in params.items() if k == "school_ids"}, f"""
        SELECT {sy}, category, pupil_id, school_id, MIN(date), SUM(hours)
        FROM {src.absence(where)}
        GROUP BY {sy}, category, pupil_id, school_id""", params)


def refresh_absentees(conn: Connection) -> None:
    """Rebuild absentee_year entirely from pupil_category_year."""
    _absentees(conn, None, None, None, _OWN).replace(conn)


def _absentees(conn, school_ids, start, end, src: _Sources) -> _Step:
    """absentee_year for the whole school years that ``start``–``end`` touch: pupil_category_year
    holds one row per pupil × school × year × category, so a category's pupils are its rows."""
    years = _affected_years(start, end)
    where, params = _filter("school_id", "school_year", school_ids, None, None)
    if years is not None:
        where += f" AND school_year IN ({', '.join(str(y) for y in years)})"
    return _Step("absentee_year", ("school_id", "school_year", "category", "pupils"), where, params, f"""
        SELECT school_id, school_year, category, COUNT(*) FROM {src.pupil_categories} WHERE {where}
        GROUP BY school_id, school_year, category
        UNION ALL
        SELECT school_id, school_year, '{ALL_CATEGORIES}', COUNT(DISTINCT pupil_id) FROM {src.pupil_categories}
        WHERE {where} GROUP BY school_id, school_year""", params)


def refresh_signals(conn: Connection) -> None:
    """Recompute every 16-hour signal: needed when the school calendar (holidays) or the setting
    ``signal_hours`` / ``signal_weeks`` changes."""
    _signals(conn, *_signal_rule(conn), None, _OWN).replace(conn)


def _signal_rule(conn: Connection) -> tuple[float, int]:
    """The stored ``signal_hours`` and ``signal_weeks``."""
    rule = load_fields(conn, "signal_hours", "signal_weeks")
    return rule["signal_hours"], rule["signal_weeks"]


def _signals(conn, signal_hours: float, signal_weeks: int, school_ids, src: _Sources) -> _Step:
    """16-hour signals per pupil (more than ``signal_hours`` in ``signal_weeks`` school weeks),
    each linked to the first 16_uur melding that followed it."""
    params: dict = {}
    pupils = "1=1" if school_ids is None else _pupils_of_schools(src, None, params, school_ids)
    return _Step("signal16", ("pupil_id", "school_id", "signal_on", "window_start", "hours", "melding_id",
                              "school_days_to_melding"), pupils, params,
                 rows=lambda c: _signal_rows(c, signal_hours, signal_weeks, src, pupils, params))


def _signal_rows(conn, signal_hours: float, signal_weeks: int, src: _Sources, pupils: str,
                 params: dict) -> list[tuple]:
    bounds = conn.execute(text(f"SELECT MIN(date), MAX(date) FROM {src.absence('1=1')}")).one()
    if bounds[0] is None:
        return []
    first, _ = school_year_bounds(school_year_of(as_date(bounds[0])))
    _, last = school_year_bounds(school_year_of(as_date(bounds[1])))
    calendar = load_school_calendar(conn)
    weeks = school_week_index(calendar, first, last)
    counter = SchoolDayCounter(calendar, first, last)

    absences: dict[int, list] = defaultdict(list)
    school_of: dict[int, dict] = defaultdict(dict)
    unauthorised = src.absence(f"category = 'ongeoorloofd' AND {pupils}")
    stmt = text(f"SELECT pupil_id, school_id, date, hours FROM {unauthorised} ORDER BY pupil_id, date")
    if params:
        stmt = stmt.bindparams(bindparam("school_ids", expanding=True))
    for pupil_id, school_id, day, hours in conn.execute(stmt, params):
        day = as_date(day)
        absences[pupil_id].append((day, hours))
        school_of[pupil_id][day] = school_id

    meldingen: dict[int, list] = defaultdict(list)
    for melding_id, pupil_id, reported_on, absence_start in conn.execute(text(
            "SELECT id, pupil_id, reported_on, absence_start FROM verzuimmelding "
            "WHERE kind = '16_uur' ORDER BY reported_on, id")):
        if pupil_id in absences:
            meldingen[pupil_id].append(
                (as_date(reported_on), melding_id, as_date(absence_start) if absence_start else None))

    rows = []
    for pupil_id, days in absences.items():
        pupil_meldingen = meldingen.get(pupil_id, [])
        signals = sixteen_hour_signals(days, weeks, signal_hours, signal_weeks)
        used: set[int] = set()
        for i, signal in enumerate(signals):
            next_signal = signals[i + 1].signal_on if i + 1 < len(signals) else dt.date.max
            melding = answering_melding([m for m in pupil_meldingen if m[1] not in used],
                                        signal.window_start, signal.signal_on, next_signal)
            delay = None
            if melding:
                used.add(melding[1])
                delay = counter.between(signal.signal_on, melding[0])
            rows.append((pupil_id, school_of[pupil_id][signal.signal_on], signal.signal_on,
                         signal.window_start, signal.hours, melding[1] if melding else None, delay))
    return rows


def refresh_contacts(conn: Connection, school_ids: Iterable[int] | None = None,
                     start: dt.date | None = None, end: dt.date | None = None) -> None:
    """Rebuild contact_week for the given schools and dates, and contact_segment for those dates.

    contact_segment is summed over the schools of a sector, so it is rebuilt for every school on
    the given dates (whole weeks: whole segments); and whole when a school's sector or scope
    changed since it was built.
    """
    school_ids, start, end = _whole_weeks(school_ids, start, end)
    _refresh_contact_week(conn, school_ids, start, end)
    if contact_segment_is_stale(conn):
        start = end = None
    _refresh_contact_segment(conn, start, end)


def _refresh_contact_week(conn, school_ids, start, end) -> None:
    where_week, params = _filter("school_id", "week_start", school_ids, start, end)
    _run(conn, f"DELETE FROM contact_week WHERE {where_week}", params)
    where, params = _filter("school_id", "date", school_ids, start, end)
    _run(conn, f"""
        INSERT INTO contact_week (school_id, week_start, target, channel, contacts, reached)
        SELECT school_id, {week_sql(conn, 'date')}, target, channel, COUNT(*),
               SUM(CASE WHEN reached THEN 1 ELSE 0 END)
        FROM contact WHERE school_id IS NOT NULL AND {where}
        GROUP BY school_id, {week_sql(conn, 'date')}, target, channel""", params)


def _refresh_contact_segment(conn, start, end) -> None:
    """contact_segment for the dates (all of it without dates), then the schools' sector and scope
    it used: all of them after a whole rebuild; else only schools new since (the others are
    unchanged, or the rebuild would have been whole)."""
    where_segment, params = _filter("", "first_day", None, start, end)
    _run(conn, f"DELETE FROM contact_segment WHERE {where_segment}", params)
    where, params = _filter("", "contact.date", None, start, end)
    week, month = week_sql(conn, "contact.date"), month_sql(conn, "contact.date")
    first_day = f"GREATEST({week}, {month})" if conn.dialect.name == "postgresql" else f"max({week}, {month})"
    _run(conn, f"""
        INSERT INTO contact_segment (first_day, sector, in_scope, target, channel, week_start, month_start,
                                     contacts, reached, led_to_concern)
        SELECT {first_day}, school.sector, school.in_scope, contact.target, contact.channel, {week}, {month},
               COUNT(*), SUM(CASE WHEN contact.reached THEN 1 ELSE 0 END),
               SUM(CASE WHEN contact.led_to_concern THEN 1 ELSE 0 END)
        FROM contact JOIN school ON school.id = contact.school_id
        WHERE {where}
        GROUP BY {week}, {month}, school.sector, school.in_scope, contact.target, contact.channel""", params)
    if start is None and end is None:
        _run(conn, "DELETE FROM contact_segment_school", {})
    _run(conn, """
        INSERT INTO contact_segment_school (school_id, sector, in_scope)
        SELECT id, sector, in_scope FROM school
        WHERE id NOT IN (SELECT school_id FROM contact_segment_school)""", {})
