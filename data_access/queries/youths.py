"""The officers' list: youths of concern and pupils with signals (page /jongeren, leerplicht only).

Everything here is personal data. Functions take a SQLAlchemy Connection and return DataFrames;
the definitions come from ``data_access.metrics`` (16-hour rule, approaching, persistence).

"Today" (the reference date, *peildatum*) is a parameter of every query; by default it is the
latest registered absence date or the real date, whichever is earlier, so the demo and a database
that was imported last week show a consistent picture.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Integer, and_, case, cast, extract, func, literal_column, or_, select

from data_access import audit
from data_access.definitions.absence import possible_hours_between
from data_access.definitions.calendar import as_date, load_school_calendar, school_year_bounds, school_year_of
from data_access.definitions.settings import Settings
from data_access.definitions.absence import persistence_level
from data_access.definitions.open_work import case_covers_signal, melding_handled, signal_answered
from data_access.definitions.sixteen_hours import UNAUTHORISED, school_week_index
from data_access.models import (
    Absence,
    AppUser,
    AuditEvent,
    Concern,
    ConcernNote,
    Contact,
    Pupil,
    PupilCategoryYear,
    PupilYear,
    School,
    Setting,
    Signal16,
    Verzuimmelding,
)

SIGNAL_CODES = ("16_uur", "bijna_16", "te_laat", "langdurig", "ernstig")


def signal_labels(settings: Settings) -> dict[str, str]:
    """The Dutch label of each signal, naming the thresholds of ``settings``: with the defaults
    "16 uur", "bijna 16 uur", "vaak te laat", "langdurig (≥ 10%)", "ernstig (≥ 50%)"."""
    hours = _dutch(settings.signal_hours)
    return {
        "16_uur": f"{hours} uur",
        "bijna_16": f"bijna {hours} uur",
        "te_laat": "vaak te laat",
        "langdurig": f"langdurig (≥ {_dutch(settings.persistent_share * 100)}%)",
        "ernstig": f"ernstig (≥ {_dutch(settings.severe_share * 100)}%)",
    }


def _dutch(number: float) -> str:
    """16.0 → "16", 12.5 → "12,5" (a label, not a figure: no thousands)."""
    return f"{round(number, 2):g}".replace(".", ",")

# Signals that put a youth without an open case in the work queue, unless the officer filters
# on other signals: a 16-hour signal (mandatory report) and severe absence. Lateness and
# persistent absence are common (about one pupil in ten by June) and stay in the list.
QUEUE_SIGNALS = ("16_uur", "ernstig")
NO_CASE = "geen zaak"
CLOSED_STATUSES = ("gesloten", "afgesloten")

SORT_KEYS = {
    "urgentie": "urgentie",
    "volgende_actie": "volgende actie",
    "laatste_contact": "laatste contact",
    "uren_venster": "ongeoorloofd in het venster van de 16-uursregel",
    "ongeoorloofd": "ongeoorloofd dit schooljaar",
    "verzuim_pct": "verzuim % dit schooljaar",
    "te_laat": "keren te laat",
    "pseudoniem": "pseudoniem",
    "school": "school",
    "leeftijd": "leeftijd",
}

LIST_COLUMNS = [
    "pupil_id", "pseudonym", "name", "school_id", "school", "swv_code", "sector", "grade", "age",
    "signals", "signal_labels", "signals16", "last_signal_on", "unreported_signals", "open_signals16", "window_hours",
    "unauthorised_hours", "absence_hours", "possible_hours", "absence_share", "late_count",
    "persistence", "concern_id", "case_status", "case_open", "mas_route", "phase", "officer",
    "opened_on", "next_action_on", "last_contact_on",
]


# --- the reference date --------------------------------------------------------------------


def latest_absence_date(conn: Connection) -> dt.date | None:
    """The latest registered absence date: the latest pupil_year.last_absence_on of the latest
    school year (index seeks and one school year's index entries, not every absence row)."""
    py = PupilYear
    last_year = select(func.max(py.school_year)).scalar_subquery()
    return conn.execute(select(func.max(py.last_absence_on)).where(py.school_year == last_year)).scalar()


def default_today(conn: Connection, real_today: dt.date | None = None) -> dt.date:
    """The latest registered absence date or the real date, whichever is earlier.

    The demo municipality fixes its own "today" (setting ``demo_today``); that date is used
    instead, so the demo's overdue actions are overdue as its generator intended.
    """
    real_today = real_today or dt.date.today()
    demo_today = _setting(conn, "demo_today")
    if demo_today:
        try:
            return min(as_date(demo_today), real_today)
        except ValueError:
            pass
    latest = latest_absence_date(conn)
    return min(latest, real_today) if latest else real_today


def today_source(conn: Connection) -> str:
    """Where the default reference date comes from, in Dutch, for the page."""
    if _setting(conn, "demo_today"):
        return "de vaste 'vandaag' van de demogemeente"
    return "de laatste verzuimregistratie of vandaag, wat het eerst is"


@dataclass(frozen=True)
class SignalWindow:
    """The current window of ``signal_weeks`` school weeks: the Mondays of the school weeks it
    covers and its school days up to today (hours on holidays and study days inside those weeks
    do not count, as in definitions.sixteen_hours.sixteen_hour_signals)."""

    mondays: tuple[dt.date, ...]
    school_days: tuple[dt.date, ...] = ()

    @property
    def start(self) -> dt.date | None:
        return self.mondays[0] if self.mondays else None

    def day_ranges(self) -> list[tuple[dt.date, dt.date]]:
        """The school days as (first, last) runs of consecutive weekdays, for a short SQL filter."""
        ranges: list[list[dt.date]] = []
        for day in self.school_days:
            if ranges and (day - ranges[-1][1]).days == 1:
                ranges[-1][1] = day
            else:
                ranges.append([day, day])
        return [(first, last) for first, last in ranges]


def current_window(conn: Connection, today: dt.date, weeks: int) -> SignalWindow:
    """The school week holding ``today`` (or the last one before it) and the ``weeks - 1`` before
    (``weeks``: the setting ``signal_weeks``).

    Uses the same all-sector calendar as the signal16 table, so "approaching" and the signal agree;
    weeks that are entirely holiday are skipped, also across the summer holiday.
    """
    calendar = load_school_calendar(conn)
    index = school_week_index(calendar, today - dt.timedelta(days=400), today)
    mondays = sorted(m for m in index if m <= today)[-weeks:]
    if not mondays:
        return SignalWindow(())
    return SignalWindow(tuple(mondays), tuple(calendar.school_days(mondays[0], today)))


def possible_hours_by_sector(conn: Connection, today: dt.date, per_day: float) -> dict[str | None, float]:
    """School hours from 1 August to ``today`` per sector (holidays of that sector excluded);
    ``per_day``: the hours per school day (setting)."""
    start, _ = school_year_bounds(school_year_of(today))
    sectors = [s for (s,) in conn.execute(select(School.sector).distinct())]
    hours = {s: possible_hours_between(load_school_calendar(conn, [s]), start, today, hours_per_day=per_day)
             for s in sectors}
    hours[None] = possible_hours_between(load_school_calendar(conn), start, today, hours_per_day=per_day)
    return hours


# --- the list --------------------------------------------------------------------------------


def youth_list(conn: Connection, today: dt.date | None, settings: Settings) -> pd.DataFrame:
    """One row per youth with a signal this school year or a case open (or closed) this year.

    ``today``: the reference date (None: :func:`default_today`); ``settings``: the thresholds
    (the page passes the officer's own lateness count in ``late_count``).

    Signals: ``16_uur`` (a signal16 row this school year up to today; signal16 is built with the
    stored ``signal_hours`` / ``signal_weeks``), ``bijna_16`` (``approaching_hours`` up to
    ``signal_hours`` unauthorised hours in the current window of ``signal_weeks`` school weeks,
    counted after the last signal, as the rule restarts there), ``te_laat`` (late_count ≥
    ``late_count``), ``langdurig`` / ``ernstig`` (definitions.absence.persistence_level with
    ``persistent_share`` / ``severe_share`` of all absence hours against the school hours
    (``hours_per_day``) from 1 August to today).

    Exact for every ``today``: the totals come from pupil_year (whole school years) except for
    the pupils with absence after today, whose totals are summed up to today; everything else
    is read for today itself. Rows in pupil order.
    """
    today = today or default_today(conn)
    return _youth_list(conn, today, settings)


def _youth_list(conn: Connection, today: dt.date, settings: Settings) -> pd.DataFrame:
    year = school_year_of(today)
    start, _ = school_year_bounds(year)
    possible = possible_hours_by_sector(conn, today, settings.hours_per_day)
    frame = _pupils_with_totals(conn, year, start, today, settings, possible)
    if frame.empty:
        return pd.DataFrame(columns=LIST_COLUMNS)
    # "approaching" is looked for among the pupils with unauthorised hours this school year
    window = _window_hours(conn, today, frame.index[frame["unauthorised_hours"] > 0], settings.signal_weeks)
    frame = _up_to_today(conn, frame, year, start, today)
    signals = _signal16_per_pupil(conn, start, today)
    cases = _cases_this_year(conn, start, today)
    contacts = _last_contacts(conn)
    frame = frame.join(signals).join(window).join(cases).join(contacts.reindex(frame.index))
    frame = _derive_signals(frame, possible, settings)
    # youths without a signal are on the list only for a case, or for nothing at all
    keep = (frame["_mask"] > 0) | frame["concern_id"].notna()
    return frame.loc[keep, LIST_COLUMNS[1:]].reset_index()


def _signal16_per_pupil(conn: Connection, start: dt.date, today: dt.date) -> pd.DataFrame:
    """Per pupil its 16-hour signals this school year up to ``today``: how many, the last one,
    how many are "niet gemeld" (no answering melding reported on or before today) and how many
    are still open work (definitions.open_work: not answered by a handled melding or a case)."""
    rows = _rows_with_dates(conn, (
        select(Signal16.pupil_id, func.count().label("signals16"),
               func.max(Signal16.signal_on).label("last_signal_on"),
               func.sum(case((or_(Verzuimmelding.id.is_(None), Verzuimmelding.reported_on > today), 1),
                             else_=0)).label("unreported_signals"),
               func.sum(case((signal_answered(Signal16, Verzuimmelding, today), 0),
                             else_=1)).label("open_signals16"))
        .outerjoin(Verzuimmelding, Verzuimmelding.id == Signal16.melding_id)
        .where(Signal16.signal_on.between(start, today))
        .group_by(Signal16.pupil_id)), dates=[2])
    return _frame(rows, ["pupil_id", "signals16", "last_signal_on", "unreported_signals", "open_signals16"])


PUPIL_COLUMNS = ["pupil_id", "pseudonym", "name", "age", "grade", "school_id"]
TOTAL_COLUMNS = ["absence_hours", "unauthorised_hours", "late_count"]


def _pupil_columns(conn: Connection, today: dt.date):
    """The pupil's columns as the list shows them, computed in the query: the name as one text
    and the age on ``today`` as a number (tens of thousands of rows: every value less that
    reaches Python counts)."""
    return (Pupil.pseudonym, func.coalesce(Pupil.first_name, "") + " " + func.coalesce(Pupil.last_name, ""),
            _age_on(conn, Pupil.birth_date, today), Pupil.grade, Pupil.school_id)


def _age_on(conn: Connection, birth_date, today: dt.date):
    """Age in whole years on ``today`` (as :func:`age_on`), in SQL. SQLite keeps dates as ISO
    text: cutting it up is cheaper than three strftime calls per pupil; on PostgreSQL date_part
    (a double) is cheaper than EXTRACT (a numeric)."""
    if conn.dialect.name == "sqlite":
        year = cast(func.substr(birth_date, 1, 4), Integer)
        month_day = cast(func.substr(birth_date, 6, 2), Integer) * 100 + cast(func.substr(birth_date, 9, 2), Integer)
    elif conn.dialect.name == "postgresql":
        year = func.date_part("year", birth_date)
        month_day = func.date_part("month", birth_date) * 100 + func.date_part("day", birth_date)
    else:
        year = extract("year", birth_date)
        month_day = extract("month", birth_date) * 100 + extract("day", birth_date)
    before_birthday = case((month_day > today.month * 100 + today.day, 1), else_=0)
    return cast(today.year - year - before_birthday, Integer)


def _pupils_with_totals(conn: Connection, year: int, start: dt.date, today: dt.date, settings: Settings,
                        possible: dict[str | None, float]) -> pd.DataFrame:
    """The candidates with their hours this whole school year, in one joined query: pupils with
    unauthorised hours (every 16-hour signal and "approaching" is among them), frequent lateness
    or enough absence to be persistent in some sector, and pupils with a case this year. From
    pupil_year through ix_pupil_year_pupils, in pupil order; see :func:`_up_to_today`.
    """
    least_possible = min((h for h in possible.values() if h > 0), default=0.0)
    py = PupilYear
    with_case = (select(Concern.pupil_id)
                 .where(Concern.opened_on <= today, or_(Concern.closed_on.is_(None), Concern.closed_on >= start)))
    # the lower of the two shares: a severe share set below the persistent one still finds them
    least_share = min(settings.persistent_share, settings.severe_share)
    interesting = or_(py.unauthorised_hours > 0, py.late_count >= settings.late_count,
                      py.absence_hours >= least_share * least_possible, py.pupil_id.in_(with_case))
    rows = _plain_rows(conn, select(py.pupil_id, *_pupil_columns(conn, today), py.absence_hours, py.unauthorised_hours,
                                    py.late_count)
                       .join(Pupil, Pupil.id == py.pupil_id)
                       .where(py.school_year == year, interesting).order_by(py.pupil_id))
    frame = _frame_by_column(rows, [*PUPIL_COLUMNS, *TOTAL_COLUMNS])
    without_absence = _plain_rows(
        conn, select(Pupil.id, *_pupil_columns(conn, today))
        .where(Pupil.id.in_(with_case),
               ~select(py.pupil_id).where(py.pupil_id == Pupil.id, py.school_year == year).exists()))
    if without_absence:
        # a frame of their own, as before: the column types pandas infers stay the same
        extra = pd.DataFrame(without_absence, columns=PUPIL_COLUMNS).assign(
            absence_hours=0.0, unauthorised_hours=0.0, late_count=0)
        frame = pd.concat([frame, extra], ignore_index=True) if not frame.empty else extra
        frame = frame.sort_values("pupil_id")
    frame = frame.set_index("pupil_id")
    frame["name"] = frame["name"].str.strip()
    frame["age"] = frame["age"].astype("Int64")
    # the few schools are joined here rather than in the query: one lookup less per youth; with
    # the school hours from 1 August to today of their sector (a pupil without a school: NaN)
    schools = pd.DataFrame(_tuples(conn.execute(select(School.id, School.name, School.swv_code, School.sector))),
                           columns=["school_id", "school", "swv_code", "sector"]).set_index("school_id")
    schools["possible_hours"] = [possible.get(s, possible[None]) for s in schools["sector"]]
    return frame.join(schools, on="school_id")


def _up_to_today(conn: Connection, frame: pd.DataFrame, year: int, start: dt.date, today: dt.date) -> pd.DataFrame:
    """pupil_year holds whole-year totals: for the (rare) pupils with absence after ``today`` the
    totals are summed from the absence rows up to today instead, in the database."""
    py = PupilYear
    later = [p for (p,) in conn.execute(select(py.pupil_id).where(py.school_year == year, py.last_absence_on > today))]
    later = frame.index.intersection(later)
    if len(later):
        partial = _totals_up_to(conn, year, start, today)
        frame.loc[later, TOTAL_COLUMNS] = partial.reindex(later).fillna(0).to_numpy()
    return frame


def _totals_up_to(conn: Connection, year: int, start: dt.date, today: dt.date) -> pd.DataFrame:
    """Hours from 1 August to today of the pupils who also have absence after today."""
    later = select(PupilYear.pupil_id).where(PupilYear.school_year == year, PupilYear.last_absence_on > today)
    rows = conn.execute(
        select(Absence.pupil_id, func.sum(Absence.hours),
               func.sum(case((Absence.category == UNAUTHORISED, Absence.hours), else_=0.0)),
               func.sum(case((Absence.category == "te_laat", 1), else_=0)))
        .where(Absence.pupil_id.in_(later), Absence.date.between(start, today))
        .group_by(Absence.pupil_id)
    ).all()
    return _frame(rows, ["pupil_id", *TOTAL_COLUMNS])


def _window_hours(conn: Connection, today: dt.date, pupils: Iterable[int], weeks: int) -> pd.DataFrame:
    """Unauthorised hours in the current window of ``weeks`` school weeks (the setting
    ``signal_weeks``), after each pupil's last 16-hour
    signal (counting restarts the school day after a signal; a melding plays no part), for
    ``pupils`` only.

    The window's few unauthorised rows are read by date from ix_absence_unauthorised (a partial
    index: the category is written into the query literally, else SQLite cannot use it), the
    last resets of only the pupils among them, and the rest is done here: with a GROUP BY or a
    pupil filter in the query, SQLite would walk the absence rows in pupil order instead (all of
    them, or per pupil)."""
    window = current_window(conn, today, weeks)
    if not window.mondays:
        return _frame([], ["pupil_id", "window_hours"])
    in_window = and_(Absence.category == literal_column(f"'{UNAUTHORISED}'"),
                     Absence.date.between(window.start, today),
                     or_(*[Absence.date.between(first, last) for first, last in window.day_ranges()]))
    wanted = set(pupils)
    rows = [row for row in _rows_with_dates(conn, select(Absence.pupil_id, Absence.date, Absence.hours)
                                            .where(in_window), dates=[1]) if row[0] in wanted]
    in_rows = select(Absence.pupil_id).where(in_window)
    last_reset = dict(_rows_with_dates(conn, select(Signal16.pupil_id, func.max(Signal16.signal_on))
                                       .where(Signal16.signal_on <= today, Signal16.pupil_id.in_(in_rows))
                                       .group_by(Signal16.pupil_id), dates=[1])) if rows else {}
    hours: dict[int, float] = {}
    for pupil_id, day, value in rows:
        reset = last_reset.get(pupil_id)
        if reset is None or day > reset:
            hours[pupil_id] = hours[pupil_id] + value if pupil_id in hours else value
    return pd.DataFrame({"window_hours": pd.Series(hours, dtype=float)}).rename_axis("pupil_id")


def _cases_this_year(conn: Connection, start: dt.date, today: dt.date) -> pd.DataFrame:
    """Per pupil the case to show: the most recent open one, else the most recent one closed
    this school year."""
    rows = _rows_with_dates(conn, (
        select(Concern.pupil_id, Concern.id, Concern.status, Concern.mas_route, Concern.phase,
               Concern.officer, Concern.opened_on, Concern.next_action_on, Concern.closed_on)
        .where(Concern.opened_on <= today, or_(Concern.closed_on.is_(None), Concern.closed_on >= start))),
        dates=[6, 7, 8])
    is_open = [closed is None or closed > today for *_, closed in rows]
    shown: dict[int, tuple] = {}  # pupil → (open, opened on, case id, row): the greatest wins
    for i, (row, open_) in enumerate(zip(rows, is_open)):
        key = (open_, row[6], row[1], i)
        if row[0] not in shown or key > shown[row[0]]:
            shown[row[0]] = key
    # a frame of all rows, then the chosen ones: the column types pandas infers stay as before
    frame = pd.DataFrame(rows, columns=["pupil_id", "concern_id", "case_status", "mas_route", "phase",
                                        "officer", "opened_on", "next_action_on", "closed_on"])
    frame["case_open"] = np.array(is_open, dtype=bool)
    frame = frame.iloc[[shown[p][3] for p in sorted(shown)]].set_index("pupil_id")
    return frame.drop(columns="closed_on")


def _last_contacts(conn: Connection) -> pd.DataFrame:
    """Date of the last contact about each youth (linked to the pupil, or only to one of its
    cases), grouped in the database (from ix_contact_pupil_last alone)."""
    direct = _rows_with_dates(conn, select(Contact.pupil_id, func.max(Contact.date))
                              .where(Contact.pupil_id.is_not(None)).group_by(Contact.pupil_id), dates=[1])
    via_case = _rows_with_dates(conn, select(Concern.pupil_id, func.max(Contact.date))
                                .join(Concern, Concern.id == Contact.concern_id)
                                .where(Contact.pupil_id.is_(None)).group_by(Concern.pupil_id), dates=[1])
    if via_case:
        last = dict(direct)  # one row per pupil already
        for pupil_id, day in via_case:
            if pupil_id not in last or day > last[pupil_id]:
                last[pupil_id] = day
        direct = list(last.items())
    pupils, days = zip(*direct) if direct else ((), ())
    return pd.DataFrame({"last_contact_on": pd.Series(days, index=pd.Index(pupils, dtype="int64", name="pupil_id"),
                                                      dtype=object)})


def _derive_signals(frame: pd.DataFrame, possible: dict, settings: Settings) -> pd.DataFrame:
    """The list's figures and signals, per column (no Python per youth); ``_mask`` holds each
    youth's combination of signals as a bit mask (0: none)."""
    out = frame
    for col in ("signals16", "unreported_signals", "open_signals16", "late_count"):
        out[col] = out[col].fillna(0).astype(int)
    for col in ("window_hours", "unauthorised_hours", "absence_hours"):
        out[col] = out[col].astype(float).fillna(0.0).round(2)
    out["possible_hours"] = out["possible_hours"].fillna(possible[None])  # no school: the all-sector calendar
    out["absence_share"] = (out["absence_hours"] / out["possible_hours"]).where(out["possible_hours"] > 0)
    out["persistence"] = _persistence(out["absence_hours"], out["possible_hours"], settings)
    out["case_open"] = out["case_open"].fillna(False).astype(bool)
    out["case_status"] = out["case_status"].fillna(NO_CASE)
    flags = {
        "16_uur": out["signals16"] > 0,
        "bijna_16": out["window_hours"].between(settings.approaching_hours - 1e-9, settings.signal_hours + 1e-9),
        "te_laat": out["late_count"] >= settings.late_count,
        "langdurig": out["persistence"] == "langdurig",
        "ernstig": out["persistence"] == "ernstig",
    }
    # each youth's combination of signals as a bit mask; the tuples and labels per combination
    masks = sum(flag.astype(int) * (1 << bit) for bit, flag in enumerate(flags.values()))
    masks = masks + ((out["unreported_signals"] > 0) & flags["16_uur"]).astype(int) * (1 << len(flags))
    kinds, labels = _signal_combinations(tuple(flags), signal_labels(settings))
    out["_mask"] = masks
    codes = masks.to_numpy()
    out["signals"] = pd.Series(_objects(kinds)[codes], index=out.index, dtype=object)
    out["signal_labels"] = pd.Series(_objects(labels)[codes], index=out.index, dtype=object)
    out["concern_id"] = out["concern_id"].astype("Int64")
    return out


def _objects(by_mask: dict[int, object]) -> np.ndarray:
    """The values for masks 0, 1, 2, … as an object array (one element per mask, also tuples)."""
    values = np.empty(len(by_mask), dtype=object)
    for mask, value in by_mask.items():
        values[mask] = value
    return values


def _persistence(absence_hours: pd.Series, possible_hours: pd.Series, settings: Settings) -> pd.Series:
    """definitions.absence.persistence_level per youth, evaluated once per distinct (hours, possible hours):
    the possible hours differ per sector only, absence hours repeat (quarters of an hour)."""
    hours, possible = absence_hours.to_numpy(dtype=float), possible_hours.to_numpy(dtype=float)
    levels = np.full(len(hours), None, dtype=object)
    for value in np.unique(possible[~np.isnan(possible)]):
        rows = possible == value
        distinct, inverse = np.unique(hours[rows], return_inverse=True)
        level = [persistence_level(h, value, settings.persistent_share, settings.severe_share) for h in distinct]
        levels[rows] = np.array(level + [None], dtype=object)[inverse]
    return pd.Series(levels, index=absence_hours.index, dtype=object)


def _signal_combinations(names: tuple[str, ...], label_of: dict[str, str]
                         ) -> tuple[dict[int, tuple[str, ...]], dict[int, str]]:
    """For every bit mask over ``names`` (plus a last bit: the 16-hour signal was not reported)
    the tuple of signal codes and its Dutch label."""
    kinds, labels = {}, {}
    for mask in range(1 << (len(names) + 1)):
        found = tuple(name for bit, name in enumerate(names) if mask >> bit & 1)
        unreported = bool(mask >> len(names) & 1)
        kinds[mask] = found
        labels[mask] = ", ".join(label_of[k] + (" (niet gemeld)" if k == "16_uur" and unreported else "")
                                 for k in found)
    return kinds, labels


def age_on(birth_date: dt.date | None, today: dt.date) -> int | None:
    if birth_date is None or pd.isna(birth_date):
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


# --- filters, sorting and the work queue (pure, on the list frame) --------------------------


@dataclass(frozen=True)
class YouthFilters:
    """Everything that narrows the list. Ids and codes only (they go into the URL and the audit
    log); the free-text search is kept apart in ``search`` and never leaves the session."""

    school_ids: tuple[int, ...] = ()
    swv_codes: tuple[str, ...] = ()
    grades: tuple[int, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    signals: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    case_statuses: tuple[str, ...] = ()
    routes: tuple[str, ...] = ()
    officers: tuple[str, ...] = ()
    include_unassigned: bool = True
    contact_older_than_days: int | None = None
    overdue_only: bool = False
    sort: str = "urgentie"
    descending: bool = False
    search: str = field(default="", compare=False)

    def for_audit(self) -> dict:
        """The filter ids for the audit log: no search text (it may be a name)."""
        values = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items() if k != "search"}
        values = {k: v for k, v in values.items() if v not in ((), [], None, "")}
        values["zoekterm_gebruikt"] = bool(self.search.strip())
        return values


def apply_filters(frame: pd.DataFrame, filters: YouthFilters, today: dt.date,
                  category_pupils: Iterable[int] | None = None) -> pd.DataFrame:
    """The rows of the list that pass every filter, sorted. ``category_pupils``: ids of the
    pupils with absence in ``filters.categories`` (from :func:`pupils_with_categories`)."""
    out = frame
    if filters.school_ids:
        out = out[out["school_id"].isin(filters.school_ids)]
    if filters.swv_codes:
        out = out[out["swv_code"].isin(filters.swv_codes)]
    if filters.grades:
        out = out[out["grade"].isin(filters.grades)]
    if filters.age_min is not None:
        out = out[out["age"] >= filters.age_min]
    if filters.age_max is not None:
        out = out[out["age"] <= filters.age_max]
    if filters.signals:
        out = out[has_signal(out["signals"], filters.signals)]
    if filters.categories and category_pupils is not None:
        out = out[out["pupil_id"].isin(set(category_pupils))]
    if filters.case_statuses:
        out = out[out["case_status"].isin(filters.case_statuses)]
    if filters.routes:
        out = out[out["mas_route"].isin(filters.routes)]
    if filters.officers:
        mine = out["officer"].isin(filters.officers)
        if filters.include_unassigned:
            mine |= out["officer"].isna()
        out = out[mine]
    if filters.contact_older_than_days is not None:
        limit = today - dt.timedelta(days=filters.contact_older_than_days)
        out = out[out["last_contact_on"].isna() | (out["last_contact_on"] < limit)]
    if filters.overdue_only:
        out = out[overdue(out, today)]
    if filters.search.strip():
        needle = filters.search.strip().lower()
        out = out[out["pseudonym"].str.lower().str.contains(needle, regex=False)
                  | out["name"].str.lower().str.contains(needle, regex=False)]
    return sort_list(out, filters.sort, filters.descending, today)


def overdue(frame: pd.DataFrame, today: dt.date) -> pd.Series:
    """An open case whose next action date lies before today."""
    return frame["case_open"] & frame["next_action_on"].notna() & (frame["next_action_on"] < today)


def days_since_contact(frame: pd.DataFrame, today: dt.date) -> pd.Series:
    return frame["last_contact_on"].map(lambda d: None if d is None or pd.isna(d) else (today - d).days)


def sort_list(frame: pd.DataFrame, key: str, descending: bool, today: dt.date) -> pd.DataFrame:
    """Sort the list; "urgentie" puts overdue actions first, then case signals without a case,
    then the most unauthorised hours in the window."""
    if frame.empty:
        return frame
    columns = {"volgende_actie": "next_action_on", "laatste_contact": "last_contact_on",
               "uren_venster": "window_hours", "ongeoorloofd": "unauthorised_hours",
               "verzuim_pct": "absence_share", "te_laat": "late_count", "pseudoniem": "pseudonym",
               "school": "school", "leeftijd": "age"}
    if key in columns:
        return frame.sort_values([columns[key], "pseudonym"], ascending=[not descending, True],
                                 na_position="last", kind="stable")
    ranked = frame.assign(
        _overdue=overdue(frame, today),
        _uncovered=needs_case(frame, QUEUE_SIGNALS),
        _next=pd.to_datetime(frame["next_action_on"], errors="coerce"),  # sorts as the dates, faster
    )
    ranked = ranked.sort_values(["_overdue", "_uncovered", "_next", "window_hours", "pseudonym"],
                                ascending=[False, False, True, False, True], na_position="last", kind="stable")
    if descending:
        ranked = ranked.iloc[::-1]
    return ranked.drop(columns=["_overdue", "_uncovered", "_next"])


def needs_case(frame: pd.DataFrame, kinds: Sequence[str] = QUEUE_SIGNALS) -> pd.Series:
    """An open signal of one of ``kinds`` and no open case ("signaal zonder zaak"): a 16-hour
    signal counts only while one of them is open work (``open_signals16``,
    definitions.open_work), the other signals while they hold."""
    kinds = tuple(kinds or QUEUE_SIGNALS)
    others = tuple(k for k in kinds if k != "16_uur")
    hit = has_signal(frame["signals"], others) if others else pd.Series(False, index=frame.index)
    if "16_uur" in kinds:
        hit = hit | (frame["open_signals16"] > 0)
    return hit & ~frame["case_open"]


def has_signal(signals: pd.Series, kinds: Iterable[str]) -> pd.Series:
    """Whether each youth's signals (a tuple per row) hold one of ``kinds``: decided once per
    distinct combination (a few dozen), not per youth."""
    wanted = set(kinds)
    codes, combinations = pd.factorize(signals)
    hit = np.array([bool(wanted & set(c)) for c in combinations] + [False], dtype=bool)
    return pd.Series(hit[codes], index=signals.index)


QUEUE_REASONS = {
    "actie_verlopen": "volgende actie verlopen",
    "signaal_zonder_zaak": "signaal zonder zaak",
    "geen_contact": "geen contact sinds {days} dagen",
}


def work_queue(frame: pd.DataFrame, today: dt.date, contact_days: int,
               signals: Sequence[str] = ()) -> pd.DataFrame:
    """Open work (definitions.open_work), most urgent first: open cases with an overdue next
    action, open signals without an open case (``signals``, by default QUEUE_SIGNALS; a 16-hour
    signal only while it is open work: not answered by a handled melding or a case), open cases
    without contact for ``contact_days`` days (counted from the last contact, or from the opening
    when there never was one)."""
    if frame.empty:
        return frame.assign(reasons=pd.Series(dtype=object), queue_order=pd.Series(dtype=int))
    late = overdue(frame, today)
    uncovered = needs_case(frame, signals)
    since = frame["last_contact_on"].where(frame["last_contact_on"].notna(), frame["opened_on"])
    days_silent = (pd.Timestamp(today) - pd.to_datetime(since, errors="coerce")).dt.days
    silent = frame["case_open"] & (days_silent >= contact_days)
    order = late.astype(int) * 4 + uncovered.astype(int) * 2 + silent.astype(int)
    # the reasons per combination of the three (bit 4: late, 2: uncovered, 1: silent)
    texts = (QUEUE_REASONS["actie_verlopen"], QUEUE_REASONS["signaal_zonder_zaak"],
             QUEUE_REASONS["geen_contact"].format(days=contact_days))
    by_order = [", ".join(t for bit, t in zip((4, 2, 1), texts) if code & bit) for code in range(8)]
    queue = frame.assign(reasons=[by_order[code] for code in order.to_numpy()], queue_order=order)
    queue = queue[queue["queue_order"] > 0]
    return queue.sort_values(["queue_order", "next_action_on", "pseudonym"], ascending=[False, True, True],
                             na_position="last", kind="stable")


def pupils_with_categories(conn: Connection, categories: Sequence[str], today: dt.date) -> frozenset[int]:
    """Pupils with absence in one of ``categories`` this school year up to today.

    From pupil_category_year (the first date per pupil, school year, category and school): a
    pupil qualifies when a first date of one of the categories lies on or before today, which is
    exact for every today in the school year; one range of that table, no absence rows read."""
    if not categories:
        return frozenset()
    pcy = PupilCategoryYear
    rows = _plain_rows(conn, select(pcy.pupil_id).where(
        pcy.school_year == school_year_of(today), pcy.category.in_(list(categories)), pcy.first_on <= today))
    return frozenset(r for (r,) in rows)


# --- choices for the filter bar ------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    schools: dict[int, str]
    swv_codes: tuple[str, ...]
    grades: tuple[int, ...]
    case_statuses: tuple[str, ...]
    routes: tuple[str, ...]
    officers: dict[str, str]
    categories: tuple[str, ...]


def filter_options(conn: Connection) -> FilterOptions:
    schools = dict(conn.execute(select(School.id, School.name).where(School.id.in_(
        select(Pupil.school_id).distinct())).order_by(School.name)).all())
    swv = tuple(s for (s,) in conn.execute(select(School.swv_code).distinct().where(
        School.swv_code.is_not(None)).order_by(School.swv_code)))
    grades = tuple(g for (g,) in conn.execute(select(Pupil.grade).distinct().where(
        Pupil.grade.is_not(None)).order_by(Pupil.grade)))
    statuses = tuple(s for (s,) in conn.execute(select(Concern.status).distinct().order_by(Concern.status)))
    routes = tuple(r for (r,) in conn.execute(select(Concern.mas_route).distinct().where(
        Concern.mas_route.is_not(None)).order_by(Concern.mas_route)))
    names = officer_names(conn)
    # the choices: every leerplicht account and every officer of a case (also one without an account)
    choices = {u for (u,) in conn.execute(select(AppUser.username).where(AppUser.roles.like("%leerplicht%")))}
    choices |= {u for (u,) in conn.execute(select(Concern.officer).distinct().where(Concern.officer.is_not(None)))}
    officers = {u: names.get(u, u) for u in choices}
    by_name = dict(sorted(officers.items(), key=lambda kv: (kv[1].casefold(), kv[0])))
    return FilterOptions(schools, swv, grades, (NO_CASE, *statuses), routes, by_name, registered_categories(conn))


def officer_names(conn: Connection) -> dict[str, str]:
    """Username → display name of every account (app_user.name; the username where the name is
    empty). Officers are shown by this name on every screen and export of /jongeren; a username
    without an account (an officer who left, an imported melding) stays as it is."""
    return {username: (name or "").strip() or username
            for username, name in conn.execute(select(AppUser.username, AppUser.name))}


def registered_categories(conn: Connection) -> tuple[str, ...]:
    """Every absence category with a registration, any school year, sorted. From the key of
    pupil_category_year (school year, category, …): per school year the next category up, one
    index seek each (a few dozen), instead of reading every absence row (seconds at region scale)."""
    pcy = PupilCategoryYear
    found: set[str] = set()
    year = conn.execute(select(func.min(pcy.school_year))).scalar()
    while year is not None:
        category = conn.execute(select(func.min(pcy.category)).where(pcy.school_year == year)).scalar()
        while category is not None:
            found.add(category)
            category = conn.execute(select(func.min(pcy.category)).where(
                pcy.school_year == year, pcy.category > category)).scalar()
        year = conn.execute(select(func.min(pcy.school_year)).where(pcy.school_year > year)).scalar()
    return tuple(sorted(found))


# --- one youth -------------------------------------------------------------------------------


@dataclass(frozen=True)
class YouthProfile:
    pupil_id: int
    pseudonym: str
    name: str
    birth_date: dt.date
    age: int | None
    school_id: int | None
    school: str | None
    sector: str | None
    swv_code: str | None
    grade: int | None


def pupil_id_of(conn: Connection, pseudonym: str) -> int | None:
    return conn.execute(select(Pupil.id).where(Pupil.pseudonym == pseudonym)).scalar()


def youth_profile(conn: Connection, pupil_id: int, today: dt.date) -> YouthProfile | None:
    row = conn.execute(
        select(Pupil.id, Pupil.pseudonym, Pupil.first_name, Pupil.last_name, Pupil.birth_date,
               Pupil.school_id, School.name, School.sector, School.swv_code, Pupil.grade)
        .outerjoin(School, School.id == Pupil.school_id).where(Pupil.id == pupil_id)
    ).one_or_none()
    if row is None:
        return None
    return YouthProfile(row.id, row.pseudonym, f"{row.first_name} {row.last_name}".strip(), row.birth_date,
                        age_on(row.birth_date, today), row.school_id, row.name, row.sector, row.swv_code,
                        row.grade)


def absence_days(conn: Connection, pupil_id: int, today: dt.date) -> pd.DataFrame:
    """Hours per day and category for one pupil, this school year up to today."""
    start, _ = school_year_bounds(school_year_of(today))
    rows = conn.execute(
        select(Absence.date, Absence.category, func.sum(Absence.hours))
        .where(Absence.pupil_id == pupil_id, Absence.date.between(start, today))
        .group_by(Absence.date, Absence.category).order_by(Absence.date)
    ).all()
    return pd.DataFrame(_tuples(rows), columns=["date", "category", "hours"])


def school_days(conn: Connection, sector: str | None, today: dt.date) -> list[dt.date]:
    """School days from 1 August to today for the pupil's sector (the calendar's grid)."""
    start, _ = school_year_bounds(school_year_of(today))
    return load_school_calendar(conn, [sector] if sector else None).school_days(start, today)


def meldingen(conn: Connection, pupil_id: int) -> pd.DataFrame:
    rows = conn.execute(
        select(Verzuimmelding.id, Verzuimmelding.reported_on, Verzuimmelding.kind,
               Verzuimmelding.absence_start, Verzuimmelding.hours, Verzuimmelding.status,
               Verzuimmelding.outcome, Verzuimmelding.officer)
        .where(Verzuimmelding.pupil_id == pupil_id)
        .order_by(Verzuimmelding.reported_on.desc(), Verzuimmelding.id.desc())
    ).all()
    return pd.DataFrame(_tuples(rows), columns=["melding_id", "reported_on", "kind", "absence_start", "hours",
                                       "status", "outcome", "officer"])


def signals_of(conn: Connection, pupil_id: int, today: dt.date) -> pd.DataFrame:
    """The youth's 16-hour signals, newest first, with what answered each on ``today``
    (definitions.open_work): ``handled_melding`` and ``case_taken_up`` (both False: open work)."""
    rows = conn.execute(
        select(Signal16.signal_on, Signal16.window_start, Signal16.hours, Signal16.melding_id,
               Signal16.school_days_to_melding,
               case((melding_handled(Verzuimmelding, today), True), else_=False),
               case((case_covers_signal(Signal16, today), True), else_=False))
        .outerjoin(Verzuimmelding, Verzuimmelding.id == Signal16.melding_id)
        .where(Signal16.pupil_id == pupil_id).order_by(Signal16.signal_on.desc())
    ).all()
    return pd.DataFrame(_tuples(rows), columns=["signal_on", "window_start", "hours", "melding_id",
                                                "school_days_to_melding", "handled_melding", "case_taken_up"])


def contacts(conn: Connection, pupil_id: int) -> pd.DataFrame:
    """Contacts about the youth, newest first (linked to the pupil or to one of its cases)."""
    of_case = select(Concern.id).where(Concern.pupil_id == pupil_id)
    rows = conn.execute(
        select(Contact.id, Contact.date, Contact.officer, Contact.target, Contact.channel, Contact.purpose,
               Contact.reached, Contact.concern_id, Contact.notes)
        .where(or_(Contact.pupil_id == pupil_id, Contact.concern_id.in_(of_case)))
        .order_by(Contact.date.desc(), Contact.id.desc())
    ).all()
    return pd.DataFrame(_tuples(rows), columns=["contact_id", "date", "officer", "target", "channel", "purpose",
                                       "reached", "concern_id", "notes"])


def cases(conn: Connection, pupil_id: int) -> pd.DataFrame:
    rows = conn.execute(
        select(Concern.id, Concern.opened_on, Concern.source, Concern.reason, Concern.status,
               Concern.mas_route, Concern.phase, Concern.officer, Concern.next_action,
               Concern.next_action_on, Concern.closed_on)
        .where(Concern.pupil_id == pupil_id).order_by(Concern.opened_on.desc(), Concern.id.desc())
    ).all()
    return pd.DataFrame(_tuples(rows), columns=["concern_id", "opened_on", "source", "reason", "status", "mas_route",
                                       "phase", "officer", "next_action", "next_action_on", "closed_on"])


def case_history(conn: Connection, pupil_id: int) -> pd.DataFrame:
    """Every note and status change on the youth's cases, newest first, with route and phase."""
    rows = conn.execute(
        select(ConcernNote.id, ConcernNote.at, ConcernNote.concern_id, ConcernNote.author,
               ConcernNote.status, ConcernNote.phase, Concern.mas_route, ConcernNote.note)
        .join(Concern, Concern.id == ConcernNote.concern_id)
        .where(Concern.pupil_id == pupil_id)
        .order_by(ConcernNote.at.desc(), ConcernNote.id.desc())
    ).all()
    return pd.DataFrame(_tuples(rows), columns=["note_id", "at", "concern_id", "author", "status", "phase",
                                       "mas_route", "note"])


def access_log(conn: Connection, pupil_id: int, limit: int = 500) -> pd.DataFrame:
    """Who looked at or changed this youth, when: audit rows about the pupil, newest first."""
    rows = conn.execute(
        select(AuditEvent.at, AuditEvent.username, AuditEvent.role, AuditEvent.action, AuditEvent.details)
        .where(AuditEvent.object_type == audit.OBJECT_PUPIL, AuditEvent.object_id == str(pupil_id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ).all()
    return pd.DataFrame(_tuples(rows), columns=["at", "username", "role", "action", "details"])


# --- audit of every view and export --------------------------------------------------------


LIST_VIEW = "bekijk_lijst"
DETAIL_VIEW = "bekijk_jongere"
OBJECT_LIST = "lijst"


def record_list_view(conn: Connection, username: str, role: str, filters: YouthFilters, today: dt.date,
                     rows: int, origin: str | None = None, pupil_ids: Iterable[int] | None = None) -> None:
    """``pupil_ids``: the youths the list showed, one audit_pupil row each ("who saw youth X")."""
    audit.record(conn, LIST_VIEW, username=username, role=role, object_type=OBJECT_LIST, object_id="jongeren",
                 origin=origin, pupil_ids=pupil_ids,
                 details={"filters": filters.for_audit(), "peildatum": today.isoformat(), "rijen": rows})


def record_detail_view(conn: Connection, username: str, role: str, pupil_id: int,
                       origin: str | None = None) -> None:
    audit.record(conn, DETAIL_VIEW, username=username, role=role, object_type=audit.OBJECT_PUPIL,
                 object_id=pupil_id, origin=origin)


# --- helpers ---------------------------------------------------------------------------------


def _setting(conn: Connection, key: str) -> str | None:
    return conn.execute(select(Setting.value).where(Setting.key == key)).scalar()


def _tuples(rows) -> list[tuple]:
    """Plain tuples: pandas probes SQLAlchemy rows attribute by attribute, which is slow."""
    return [tuple(r) for r in rows]


def _plain_rows(conn: Connection, stmt) -> list[tuple]:
    """The rows as the driver returns them, without a SQLAlchemy Row per row (tens of thousands
    of rows). Only for numbers and text: no result processing happens (dates would stay text
    on SQLite)."""
    result = conn.execute(stmt)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _rows_with_dates(conn: Connection, stmt, dates: Sequence[int]) -> list[tuple]:
    """:func:`_plain_rows` with the columns at positions ``dates`` as dates: SQLite returns ISO
    text, converted here (SQLAlchemy's own conversion costs more than the query at thousands of
    rows); PostgreSQL returns dates already."""
    rows = _plain_rows(conn, stmt)
    if not rows or conn.dialect.name != "sqlite":
        return rows
    columns = list(zip(*rows))
    for i in dates:
        columns[i] = [as_date(v) for v in columns[i]]
    return list(zip(*columns))


def _frame_by_column(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    """``pd.DataFrame(rows, columns=columns)`` with the same column types, built column by column:
    from rows of mixed types pandas first makes one object array and converts each column of it,
    which costs more than the query at tens of thousands of rows. Numbers without a missing
    value go straight into numpy; any other column gets pandas' own inference (as before)."""
    if not rows:
        return pd.DataFrame(rows, columns=columns)
    data = {}
    for name, values in zip(columns, zip(*rows)):
        array = np.array(values) if isinstance(values[0], (int, float)) else None  # (bool is an int)
        data[name] = array if array is not None and array.dtype.kind in "bif" else pd.Series(values)
    return pd.DataFrame(data)


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(_tuples(rows), columns=columns).set_index(columns[0])


def filters_json(filters: YouthFilters) -> str:
    return json.dumps(filters.for_audit(), sort_keys=True)

