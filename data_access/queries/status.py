"""Queries for the status page: LEA actions, reporting periods and their quality/time/money lights.

Status reports are append-only; the report that counts for an action in a period is the latest
one (highest ``created_at``, then highest ``id``). Earlier ones stay visible as versions.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import BindParameter, Connection, Executable, Integer, Select, and_, bindparam, func, or_, select

from data_access import kpis
from data_access.definitions import Settings, Suppressor
from data_access.models import LIGHTS, ActionKpi, AppUser, PolicyAction, ReportingPeriod, StatusReport

LIGHT_COLUMNS = {"quality": "Kwaliteit", "time": "Tijd", "money": "Geld"}
NO_REPORT = "geen rapportage"


@dataclass(frozen=True)
class Period:
    id: int
    name: str
    start: dt.date
    end: dt.date


def _columns(conn: Connection, query: Executable, params: dict | None = None) -> dict[str, list]:
    """The result as lists per column."""
    result = conn.execute(query, params or {})
    keys, rows = list(result.keys()), result.all()
    return {key: [row[i] for row in rows] for i, key in enumerate(keys)}


def _frame_of(columns: dict[str, list]) -> pd.DataFrame:
    """A frame from lists per column: cheaper than from row mappings, with the same dtypes
    (an empty result gives object columns, as a frame from no rows does)."""
    if not any(columns.values()):
        return pd.DataFrame([], columns=list(columns))
    return pd.DataFrame(columns, copy=False)


def _frame(conn: Connection, query: Executable, params: dict | None = None) -> pd.DataFrame:
    return _frame_of(_columns(conn, query, params))


# The statements below are built once: constructing the window-function subqueries costs more
# Python time than running them on a few hundred reports.

_PERIODS = select(ReportingPeriod.id, ReportingPeriod.name, ReportingPeriod.start,
                  ReportingPeriod.end).order_by(ReportingPeriod.start, ReportingPeriod.id)
_REPORTED_PERIODS = select(StatusReport.reporting_period_id).distinct()
_ACTION_COLUMNS = (PolicyAction.id.label("action_id"), PolicyAction.code, PolicyAction.programme,
                   PolicyAction.title, PolicyAction.description, PolicyAction.portfolio_holder,
                   PolicyAction.planned_end)
_ACTIONS = select(*_ACTION_COLUMNS).order_by(PolicyAction.programme, PolicyAction.code)


def reporting_periods(conn: Connection) -> list[Period]:
    """All reporting periods, oldest first."""
    return [Period(*row) for row in conn.execute(_PERIODS)]


def previous_period(periods: list[Period], period_id: int) -> Period | None:
    ids = [p.id for p in periods]
    position = ids.index(period_id)
    return periods[position - 1] if position > 0 else None


def default_period(conn: Connection, periods: list[Period], today: dt.date | None = None) -> Period | None:
    """The latest period that has a report; without any report, the latest that has begun."""
    if not periods:
        return None
    reported = set(conn.execute(_REPORTED_PERIODS).scalars())
    with_reports = [p for p in periods if p.id in reported]
    if with_reports:
        return with_reports[-1]
    today = today or dt.date.today()
    begun = [p for p in periods if p.start <= today]
    return (begun or periods)[-1]


def actions(conn: Connection) -> pd.DataFrame:
    return _frame(conn, _ACTIONS)


def _latest_reports(*period_ids: BindParameter):
    """Subquery: the latest report per action and period, with the number of versions; only for
    the given periods (the filter sits below the window functions, so no other period is ranked),
    or for all periods when none is given."""
    partition = (StatusReport.action_id, StatusReport.reporting_period_id)
    ranked = select(
        StatusReport,
        func.row_number().over(partition_by=partition,
                               order_by=(StatusReport.created_at.desc(), StatusReport.id.desc())).label("rn"),
        func.count().over(partition_by=partition).label("versions"),
    )
    if period_ids:
        ranked = ranked.where(or_(*(StatusReport.reporting_period_id == p for p in period_ids)))
    ranked = ranked.subquery("ranked")
    return select(ranked).where(ranked.c.rn == 1).subquery("latest")


def _overview_statement() -> Select:
    period, previous = bindparam("period_id", type_=Integer), bindparam("previous_id", type_=Integer)
    latest = _latest_reports(period, previous)
    current, before = latest.alias("cur"), latest.alias("prev")
    author = AppUser.__table__.alias("author")
    return (
        select(
            *_ACTION_COLUMNS,
            current.c.id.label("report_id"), current.c.quality, current.c.time, current.c.money,
            current.c.cause, current.c.consequence, current.c.measure, current.c.author,
            func.coalesce(author.c.name, current.c.author).label("author_name"),
            current.c.created_at, current.c.versions,
            before.c.quality.label("prev_quality"), before.c.time.label("prev_time"),
            before.c.money.label("prev_money"),
        )
        .select_from(PolicyAction)
        .outerjoin(current, and_(current.c.action_id == PolicyAction.id,
                                 current.c.reporting_period_id == period))
        .outerjoin(before, and_(before.c.action_id == PolicyAction.id,
                                before.c.reporting_period_id == previous))
        .outerjoin(author, author.c.username == current.c.author)
        .order_by(PolicyAction.programme, PolicyAction.code)
    )


def _lights_statement() -> Select:
    period = bindparam("period_id", type_=Integer)
    latest = _latest_reports(period)
    return (
        select(PolicyAction.programme, PolicyAction.portfolio_holder,
               *(latest.c[column] for column in LIGHT_COLUMNS))
        .select_from(PolicyAction)
        .outerjoin(latest, and_(latest.c.action_id == PolicyAction.id,
                                latest.c.reporting_period_id == period))
    )


_OVERVIEW = _overview_statement()
_LIGHTS = _lights_statement()


def overview(conn: Connection, period_id: int, previous_period_id: int | None) -> pd.DataFrame:
    """Every action with its latest report in the period (or none) and the lights of the
    latest report in the previous period, for the change since then."""
    columns = _columns(conn, _OVERVIEW, {"period_id": period_id, "previous_id": previous_period_id or -1})
    columns["versions"] = [versions or 0 for versions in columns["versions"]]
    frame = _frame_of(columns)
    if frame.empty:
        frame["versions"] = frame["versions"].astype(int)
    return frame


_COLOUR_KEYS = [(label, colour) for label in LIGHT_COLUMNS.values() for colour in (*LIGHTS, NO_REPORT)]
_COLOUR_GRID = pd.DataFrame(_COLOUR_KEYS, columns=["light", "colour"])  # shared by every result (copy-on-write)


def count_colours(lights: Iterable[tuple], programme: str | None = None,
                  portfolio_holder: str | None = None) -> pd.DataFrame:
    """Per light (Kwaliteit/Tijd/Geld) × colour: the number of actions, from one row per action
    (programme, portfolio holder, quality, time, money; a missing light means no report, counted
    as "geen rapportage"). Returns columns light, colour, actions (zeros included).

    The one definition of the colour summary: :func:`colour_counts` feeds it from the database,
    :func:`period_status` from the overview it has already read."""
    tally = dict.fromkeys(_COLOUR_KEYS, 0)
    labels = list(LIGHT_COLUMNS.values())
    for action_programme, holder, *lights in lights:
        if (programme and action_programme != programme) or (portfolio_holder and holder != portfolio_holder):
            continue
        for label, colour in zip(labels, lights):
            key = (label, colour if isinstance(colour, str) else NO_REPORT)
            if key in tally:
                tally[key] += 1
    return _COLOUR_GRID.assign(actions=list(tally.values()))


def colour_counts(conn: Connection, period_id: int, programme: str | None = None,
                  portfolio_holder: str | None = None) -> pd.DataFrame:
    """Per light (Kwaliteit/Tijd/Geld) × colour: the number of actions, over the latest report per
    action in the period; actions without a report count as "geen rapportage". Returns columns
    light, colour, actions (zeros included). One small query: a row per action."""
    return count_colours(conn.execute(_LIGHTS, {"period_id": period_id}), programme, portfolio_holder)


def period_status(conn: Connection, period_id: int, previous_period_id: int | None,
                  programme: str | None = None,
                  portfolio_holder: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`overview` and :func:`colour_counts` of a period from one query (for the page)."""
    frame = overview(conn, period_id, previous_period_id)
    lights = frame[["programme", "portfolio_holder", *LIGHT_COLUMNS]].itertuples(index=False, name=None)
    return frame, count_colours(lights, programme, portfolio_holder)


def history(conn: Connection) -> pd.DataFrame:
    """The latest report per action × reporting period, over all periods (oldest first)."""
    latest = _latest_reports()
    query = (
        select(latest.c.action_id, ReportingPeriod.id.label("period_id"),
               ReportingPeriod.name.label("period"), ReportingPeriod.start.label("period_start"),
               latest.c.quality, latest.c.time, latest.c.money, latest.c.cause, latest.c.consequence,
               latest.c.measure, latest.c.author, latest.c.created_at)
        .join(ReportingPeriod, ReportingPeriod.id == latest.c.reporting_period_id)
        .order_by(latest.c.action_id, ReportingPeriod.start)
    )
    return _frame(conn, query)


def report_versions(conn: Connection, action_id: int, period_id: int) -> pd.DataFrame:
    """Every report for an action in a period, newest first (the first row counts)."""
    query = (
        select(StatusReport.id.label("report_id"), StatusReport.quality, StatusReport.time,
               StatusReport.money, StatusReport.cause, StatusReport.consequence, StatusReport.measure,
               StatusReport.author, func.coalesce(AppUser.name, StatusReport.author).label("author_name"),
               StatusReport.created_at)
        .outerjoin(AppUser, AppUser.username == StatusReport.author)
        .where(StatusReport.action_id == action_id, StatusReport.reporting_period_id == period_id)
        .order_by(StatusReport.created_at.desc(), StatusReport.id.desc())
    )
    return _frame(conn, query)


_ACTION_KPIS = select(ActionKpi.action_id, ActionKpi.kpi, ActionKpi.target,
                      ActionKpi.higher_is_better).order_by(ActionKpi.action_id, ActionKpi.id)


def action_kpis(conn: Connection) -> pd.DataFrame:
    return _frame(conn, _ACTION_KPIS)


def evidence(conn: Connection, period: Period, settings: Settings, suppressor: Suppressor | None) -> pd.DataFrame:
    """The linked KPIs of every action, computed for the period (see data_access.kpis);
    ``suppressor``: None for roles that see every count."""
    links = conn.execute(_ACTION_KPIS).all()
    if not links:
        return pd.DataFrame(columns=kpis.EVIDENCE_COLUMNS)
    window = kpis.evidence_window(conn, period.start, period.end)
    return kpis.evaluate_links(conn, links, window, settings, suppressor)


# --- the lights as text: recognisable without colour (word + shape), for tiles and exports ----

LIGHT_SYMBOLS = {"groen": "●", "oranje": "▲", "rood": "■"}
LIGHT_MEANINGS = {"groen": "op koers", "oranje": "aandacht nodig", "rood": "bijsturing nodig"}
EXPLANATION_PARTS = {"cause": "Oorzaak", "consequence": "Gevolg", "measure": "Maatregel"}


def light_text(colour: str | None) -> str:
    """'● groen', '▲ oranje', '■ rood'; '– geen rapportage' when there is no report."""
    if colour in LIGHT_SYMBOLS:
        return f"{LIGHT_SYMBOLS[colour]} {colour}"
    return f"– {NO_REPORT}"


def explanation_lines(row) -> list[tuple[str, str]]:
    """(Oorzaak/Gevolg/Maatregel, text) for the parts that are filled in."""
    return [(label, str(row[key])) for key, label in EXPLANATION_PARTS.items()
            if row[key] is not None and not pd.isna(row[key]) and str(row[key]).strip()]


def no_report_text(planned_end, period: Period) -> str:
    """Why an action has no lights in a period; says so when the action was planned to be done."""
    text_ = "Geen statusrapportage in deze periode."
    if planned_end is not None and not pd.isna(planned_end) and pd.Timestamp(planned_end) < pd.Timestamp(period.start):
        text_ += f" De actie was volgens planning gereed op {pd.Timestamp(planned_end):%d-%m-%Y}."
    return text_
