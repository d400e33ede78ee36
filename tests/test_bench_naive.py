"""The benchmark's references compute the same aggregate in pandas and in DuckDB (no timings)."""
import datetime as dt

import pandas as pd
import pytest

from bench import naive

duckdb = pytest.importorskip("duckdb")


@pytest.fixture
def absence() -> pd.DataFrame:
    rows = [  # pupil, school, date, category, hours
        (1, 10, "2024-09-02", "ongeoorloofd", 2.0), (1, 10, "2024-09-03", "ziek", 5.5),
        (2, 10, "2024-09-03", "ongeoorloofd", 1.0), (3, 11, "2024-10-07", "te_laat", 0.5),
        (3, 11, "2025-02-03", "ongeoorloofd", 4.0), (4, 11, "2023-11-06", "ziek", 5.5),
    ]
    frame = pd.DataFrame(rows, columns=["pupil_id", "school_id", "date", "category", "hours"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def _both(reference: naive.Reference, frame: pd.DataFrame):
    con = duckdb.connect()
    con.register(reference.fact, frame)
    return reference.pandas(frame), con.execute(reference.duckdb_sql).fetchall()


def test_per_school_category_agrees(absence):
    pandas_result, duck = _both(naive.per_school_category(dt.date(2024, 8, 1), dt.date(2025, 7, 31)), absence)
    duck = {(s, c): (h, n, p) for s, c, h, n, p in duck}
    assert len(duck) == len(pandas_result) == 4
    for (school, category), row in pandas_result.iterrows():
        assert duck[(school, category)] == (row["hours"], row["occurrences"], row["pupils"])
    assert duck[(10, "ongeoorloofd")] == (3.0, 2, 2)


def test_per_school_year_agrees(absence):
    pandas_result, duck = _both(naive.per_school_year(), absence)
    duck = {(s, y): (h, u, p) for s, y, h, u, p in duck}
    assert duck[(11, 2024)] == (4.5, 4.0, 1)
    assert duck[(11, 2023)] == (5.5, 0.0, 1)
    for (school, year), row in pandas_result.iterrows():
        assert duck[(school, year)] == (row["hours"], row["unauthorised"], row["pupils"])


def test_per_pupil_agrees(absence):
    pandas_result, duck = _both(naive.per_pupil(dt.date(2024, 8, 1), dt.date(2025, 7, 31)), absence)
    duck = {p: (h, u, late) for p, h, u, late, _ in duck}
    assert set(duck) == set(pandas_result.index) == {1, 2, 3}
    assert duck[3] == (4.5, 4.0, 1)
    for pupil, row in pandas_result.iterrows():
        assert duck[pupil] == (row["hours"], row["unauthorised"], row["late"])


def test_trend_by_month_agrees(absence):
    pandas_result, duck = _both(naive.trend_by_month(dt.date(2024, 8, 1), dt.date(2025, 7, 31)), absence)
    duck = {(pd.Timestamp(m).to_period("M"), c): (h, p) for m, c, h, p in duck}
    assert duck[(pd.Period("2024-09", "M"), "ongeoorloofd")] == (3.0, 2)
    for (month, category), row in pandas_result.iterrows():
        assert duck[(month, category)] == (row["hours"], row["pupils"])
