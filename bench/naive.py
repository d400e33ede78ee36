"""The two reference ways of computing a page's aggregate, for ``python -m bench``.

(a) **naive**: the fact rows (absence or contact) read into pandas with ``pd.read_sql``, then
    grouped with pandas. The read is done once per fact table per run (it dominates: tens of
    seconds at region scale) and its time is added to each view's group time, so
    ``naive_s = read_s + group_s`` — what a page that aggregated raw rows on every rerun would pay.
(b) **duckdb**: DuckDB's GROUP BY over the *same rows already in memory* (the pandas frame of
    (a), registered with ``duckdb.register``; no sqlite_scanner, as there is no internet to
    download the extension). The load is *not* counted, so this is DuckDB at its fastest: a
    strict reference for "ours ≤ 1.0 × DuckDB".

Each reference computes the same aggregate as the page's query function (same grouping and
measures), not its presentation (rates, suppression, labels), which is cheap.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, text

FACT_SQL = {
    "absence": "SELECT pupil_id, school_id, date, category, hours FROM absence",
    "contact": "SELECT school_id, date, target, channel, reached FROM contact",
}


def read_fact(engine: Engine, table: str) -> tuple[pd.DataFrame, float]:
    """The fact table's columns as a pandas frame (dates as datetime64), and the seconds it took."""
    started = time.perf_counter()
    with engine.connect() as conn:
        frame = pd.read_sql(text(FACT_SQL[table]), conn)
    frame["date"] = pd.to_datetime(frame["date"])
    if "reached" in frame:
        frame["reached"] = frame["reached"].fillna(False).astype(bool)
    return frame, time.perf_counter() - started


@dataclass
class Reference:
    """One aggregate computed the naive way (pandas on the fact frame) and by DuckDB."""

    fact: str
    pandas: Callable[[pd.DataFrame], pd.DataFrame]
    duckdb_sql: str  # over the registered frame named like the fact table


def _school_year(dates: pd.Series) -> pd.Series:
    return dates.dt.year - (dates.dt.month < 8)


def _monday(dates: pd.Series) -> pd.Series:
    return dates - pd.to_timedelta(dates.dt.weekday, unit="D")


def _between(frame: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    return frame[(frame["date"] >= pd.Timestamp(start)) & (frame["date"] <= pd.Timestamp(end))]


def _sql_between(start: dt.date, end: dt.date) -> str:
    return f"date BETWEEN DATE '{start.isoformat()}' AND DATE '{end.isoformat()}'"


def trend_by_month(start: dt.date, end: dt.date, school_id: int | None = None) -> Reference:
    """Absence hours and distinct pupils per calendar month × category (the /scholen trend)."""

    def run(frame: pd.DataFrame) -> pd.DataFrame:
        rows = _between(frame, start, end)
        if school_id is not None:
            rows = rows[rows["school_id"] == school_id]
        month = pd.to_datetime(rows["date"]).dt.to_period("M").rename("month")
        return rows.groupby([month, rows["category"]]).agg(hours=("hours", "sum"), pupils=("pupil_id", "nunique"))

    where = _sql_between(start, end) + (f" AND school_id = {int(school_id)}" if school_id is not None else "")
    sql = (f"SELECT date_trunc('month', date) AS month, category, SUM(hours), COUNT(DISTINCT pupil_id) "
           f"FROM absence WHERE {where} GROUP BY ALL")
    return Reference("absence", run, sql)


def per_school_category(start: dt.date, end: dt.date) -> Reference:
    """Absence hours, occurrences and distinct pupils per school × category (comparison tab)."""

    def run(frame: pd.DataFrame) -> pd.DataFrame:
        rows = _between(frame, start, end)
        return rows.groupby(["school_id", "category"]).agg(
            hours=("hours", "sum"), occurrences=("hours", "size"), pupils=("pupil_id", "nunique"))

    sql = (f"SELECT school_id, category, SUM(hours), COUNT(*), COUNT(DISTINCT pupil_id) FROM absence "
           f"WHERE {_sql_between(start, end)} GROUP BY ALL")
    return Reference("absence", run, sql)


def per_school_year() -> Reference:
    """Per school × school year: hours, unauthorised hours, distinct pupils (pilot panel)."""

    def run(frame: pd.DataFrame) -> pd.DataFrame:
        year = _school_year(frame["date"]).rename("school_year")
        unauthorised = frame["hours"].where(frame["category"] == "ongeoorloofd", 0.0)
        return frame.assign(unauthorised=unauthorised).groupby([frame["school_id"], year]).agg(
            hours=("hours", "sum"), unauthorised=("unauthorised", "sum"), pupils=("pupil_id", "nunique"))

    sql = ("SELECT school_id, year(date) - CAST(month(date) < 8 AS INTEGER) AS school_year, SUM(hours), "
           "SUM(CASE WHEN category = 'ongeoorloofd' THEN hours ELSE 0 END), COUNT(DISTINCT pupil_id) "
           "FROM absence GROUP BY ALL")
    return Reference("absence", run, sql)


def per_pupil(start: dt.date, end: dt.date) -> Reference:
    """Per pupil in the school year to date: hours, unauthorised hours, late count, last absence
    (the officers' list; the 16-hour window adds a per-pupil 4-week sum, left out here)."""

    def run(frame: pd.DataFrame) -> pd.DataFrame:
        rows = _between(frame, start, end)
        rows = rows.assign(unauthorised=rows["hours"].where(rows["category"] == "ongeoorloofd", 0.0),
                           late=(rows["category"] == "te_laat").astype(int))
        return rows.groupby("pupil_id").agg(hours=("hours", "sum"), unauthorised=("unauthorised", "sum"),
                                             late=("late", "sum"), last=("date", "max"))

    sql = ("SELECT pupil_id, SUM(hours), SUM(CASE WHEN category = 'ongeoorloofd' THEN hours ELSE 0 END), "
           "SUM(CASE WHEN category = 'te_laat' THEN 1 ELSE 0 END), MAX(date) FROM absence "
           f"WHERE {_sql_between(start, end)} GROUP BY ALL")
    return Reference("absence", run, sql)


def contacts_per_week(start: dt.date, end: dt.date, unit: str = "week") -> Reference:
    """Contacts and reached per week (or month) × target, plus schools contacted (/covid)."""

    def run(frame: pd.DataFrame) -> pd.DataFrame:
        rows = _between(frame, start, end)
        key = _monday(rows["date"]) if unit == "week" else rows["date"].dt.to_period("M")
        per = rows.groupby([key.rename("bucket"), rows["target"]]).agg(
            contacts=("reached", "size"), reached=("reached", "sum"), schools=("school_id", "nunique"))
        return per

    bucket = "date_trunc('week', date)" if unit == "week" else "date_trunc('month', date)"
    sql = (f"SELECT {bucket} AS bucket, target, COUNT(*), SUM(CAST(reached AS INTEGER)), "
           f"COUNT(DISTINCT school_id) FROM contact WHERE {_sql_between(start, end)} GROUP BY ALL")
    return Reference("contact", run, sql)


def schools_contacted(start: dt.date, end: dt.date) -> Reference:
    """Contacts per school in a KPI window (/status evidence: share of schools visited)."""

    def run(frame: pd.DataFrame) -> pd.DataFrame:
        rows = _between(frame, start, end)
        return rows.groupby("school_id").agg(contacts=("reached", "size"), reached=("reached", "sum"))

    sql = (f"SELECT school_id, COUNT(*), SUM(CAST(reached AS INTEGER)) FROM contact "
           f"WHERE {_sql_between(start, end)} GROUP BY ALL")
    return Reference("contact", run, sql)
