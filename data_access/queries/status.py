"""Queries for the status page: LEA actions, reporting periods and their quality/time/money lights.

Status reports are append-only; the report that counts for an action in a period is the latest
one (highest ``created_at``, then highest ``id``). Earlier ones stay visible as versions.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Select, and_, func, literal, select, union_all

from data_access import kpis
from data_access.models import LIGHTS, ActionKpi, AppUser, PolicyAction, ReportingPeriod, StatusReport

LIGHT_COLUMNS = {"quality": "Kwaliteit", "time": "Tijd", "money": "Geld"}
NO_REPORT = "geen rapportage"


@dataclass(frozen=True)
class Period:
    id: int
    name: str
    start: dt.date
    end: dt.date


def _frame(conn: Connection, query: Select) -> pd.DataFrame:
    result = conn.execute(query)
    return pd.DataFrame(result.mappings().all(), columns=list(result.keys()))


def reporting_periods(conn: Connection) -> list[Period]:
    """All reporting periods, oldest first."""
    rows = conn.execute(select(ReportingPeriod.id, ReportingPeriod.name, ReportingPeriod.start,
                               ReportingPeriod.end).order_by(ReportingPeriod.start, ReportingPeriod.id))
    return [Period(*row) for row in rows]


def previous_period(periods: list[Period], period_id: int) -> Period | None:
    ids = [p.id for p in periods]
    position = ids.index(period_id)
    return periods[position - 1] if position > 0 else None


def default_period(conn: Connection, periods: list[Period], today: dt.date | None = None) -> Period | None:
    """The latest period that has a report; without any report, the latest that has begun."""
    if not periods:
        return None
    reported = set(conn.execute(select(StatusReport.reporting_period_id).distinct()).scalars())
    with_reports = [p for p in periods if p.id in reported]
    if with_reports:
        return with_reports[-1]
    today = today or dt.date.today()
    begun = [p for p in periods if p.start <= today]
    return (begun or periods)[-1]


def actions(conn: Connection) -> pd.DataFrame:
    return _frame(conn, select(
        PolicyAction.id.label("action_id"), PolicyAction.code, PolicyAction.programme, PolicyAction.title,
        PolicyAction.description, PolicyAction.portfolio_holder, PolicyAction.planned_end,
    ).order_by(PolicyAction.programme, PolicyAction.code))


def _latest_reports():
    """Subquery: the latest report per action and period, with the number of versions."""
    partition = (StatusReport.action_id, StatusReport.reporting_period_id)
    ranked = select(
        StatusReport,
        func.row_number().over(partition_by=partition,
                               order_by=(StatusReport.created_at.desc(), StatusReport.id.desc())).label("rn"),
        func.count().over(partition_by=partition).label("versions"),
    ).subquery("ranked")
    return select(ranked).where(ranked.c.rn == 1).subquery("latest")


def overview(conn: Connection, period_id: int, previous_period_id: int | None) -> pd.DataFrame:
    """Every action with its latest report in the period (or none) and the lights of the
    latest report in the previous period, for the change since then."""
    current, before = _latest_reports().alias("cur"), _latest_reports().alias("prev")
    author = AppUser.__table__.alias("author")
    query = (
        select(
            PolicyAction.id.label("action_id"), PolicyAction.code, PolicyAction.programme,
            PolicyAction.title, PolicyAction.description, PolicyAction.portfolio_holder,
            PolicyAction.planned_end,
            current.c.id.label("report_id"), current.c.quality, current.c.time, current.c.money,
            current.c.cause, current.c.consequence, current.c.measure, current.c.author,
            func.coalesce(author.c.name, current.c.author).label("author_name"),
            current.c.created_at, current.c.versions,
            before.c.quality.label("prev_quality"), before.c.time.label("prev_time"),
            before.c.money.label("prev_money"),
        )
        .select_from(PolicyAction)
        .outerjoin(current, and_(current.c.action_id == PolicyAction.id,
                                 current.c.reporting_period_id == period_id))
        .outerjoin(before, and_(before.c.action_id == PolicyAction.id,
                                before.c.reporting_period_id == (previous_period_id or -1)))
        .outerjoin(author, author.c.username == current.c.author)
        .order_by(PolicyAction.programme, PolicyAction.code)
    )
    frame = _frame(conn, query)
    frame["versions"] = frame["versions"].fillna(0).astype(int)
    return frame


def colour_counts(conn: Connection, period_id: int, programme: str | None = None,
                  portfolio_holder: str | None = None) -> pd.DataFrame:
    """Per light (Kwaliteit/Tijd/Geld) × colour: the number of actions, counted in the database
    over the latest report per action in the period; actions without a report count as
    "geen rapportage". Returns columns light, colour, actions (zeros included)."""
    latest = _latest_reports()
    parts = []
    for column, label in LIGHT_COLUMNS.items():
        colour = func.coalesce(latest.c[column], literal(NO_REPORT))
        query = (
            select(literal(label).label("light"), colour.label("colour"), func.count().label("actions"))
            .select_from(PolicyAction)
            .outerjoin(latest, and_(latest.c.action_id == PolicyAction.id,
                                    latest.c.reporting_period_id == period_id))
            .group_by(colour)
        )
        if programme:
            query = query.where(PolicyAction.programme == programme)
        if portfolio_holder:
            query = query.where(PolicyAction.portfolio_holder == portfolio_holder)
        parts.append(query)
    counted = _frame(conn, union_all(*parts))
    grid = pd.MultiIndex.from_product([list(LIGHT_COLUMNS.values()), [*LIGHTS, NO_REPORT]],
                                      names=["light", "colour"])
    counts = counted.groupby(["light", "colour"])["actions"].sum() if not counted.empty else pd.Series(dtype=int)
    return counts.reindex(grid, fill_value=0).astype(int).reset_index(name="actions")


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


def action_kpis(conn: Connection) -> pd.DataFrame:
    return _frame(conn, select(ActionKpi.action_id, ActionKpi.kpi, ActionKpi.target,
                               ActionKpi.higher_is_better).order_by(ActionKpi.action_id, ActionKpi.id))


def evidence(conn: Connection, period: Period, suppress: bool = True) -> pd.DataFrame:
    """The linked KPIs of every action, computed for the period (see data_access.kpis)."""
    return kpis.evaluate(conn, action_kpis(conn), period.end, suppress=suppress)


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
