"""The benchmark's references (bench/naive.py) compute each page's aggregate in pandas and in
DuckDB; both give the hand-worked values on a few rows (no timings)."""
import datetime as dt

import pandas as pd
import pytest

from bench import naive

duckdb = pytest.importorskip("duckdb")

YEAR = (dt.date(2024, 8, 1), dt.date(2025, 7, 31))  # school year 2024/25


@pytest.fixture
def absence() -> pd.DataFrame:
    rows = [  # pupil, school, date, category, hours
        (1, 10, "2024-09-02", "ongeoorloofd", 2.0), (1, 10, "2024-09-03", "ziek", 5.5),
        (2, 10, "2024-09-03", "ongeoorloofd", 1.0), (3, 11, "2024-10-07", "te_laat", 0.5),
        (3, 11, "2025-02-03", "ongeoorloofd", 4.0), (4, 11, "2023-11-06", "ziek", 5.5),  # pupil 4: 2023/24
    ]
    frame = pd.DataFrame(rows, columns=["pupil_id", "school_id", "date", "category", "hours"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


@pytest.fixture
def contact() -> pd.DataFrame:
    rows = [  # school, date, target, channel, reached
        (10, "2020-03-16", "school", "phone", True), (10, "2020-03-18", "school", "email", False),
        (11, "2020-03-17", "school", "phone", True), (None, "2020-03-24", "family", "phone", True),
        (11, "2020-04-01", "school", "school_visit", True),
    ]
    frame = pd.DataFrame(rows, columns=["school_id", "date", "target", "channel", "reached"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def both(reference: naive.Reference, frame: pd.DataFrame) -> tuple[dict, dict]:
    """{group key: values} from the pandas and from the DuckDB way."""
    con = duckdb.connect()
    con.register(reference.fact, frame)
    result = reference.pandas(frame)
    keys = result.index.nlevels
    pandas_rows = {key: tuple(row) for key, row in zip(result.index, result.itertuples(index=False, name=None))}
    duck_rows = {(row[0] if keys == 1 else tuple(row[:keys])): tuple(row[keys:])
                 for row in con.execute(reference.duckdb_sql).fetchall()}
    return pandas_rows, duck_rows


def test_per_school_category(absence):
    pandas_rows, duck_rows = both(naive.per_school_category(*YEAR), absence)
    expected = {  # hours, occurrences, pupils
        (10, "ongeoorloofd"): (3.0, 2, 2),  # 2 h pupil 1 + 1 h pupil 2
        (10, "ziek"): (5.5, 1, 1),
        (11, "te_laat"): (0.5, 1, 1),
        (11, "ongeoorloofd"): (4.0, 1, 1),  # pupil 4's sick day lies in 2023/24
    }
    assert pandas_rows == duck_rows == expected


def test_per_school_year(absence):
    pandas_rows, duck_rows = both(naive.per_school_year(), absence)
    expected = {  # hours, unauthorised, pupils
        (10, 2024): (8.5, 3.0, 2),  # 2 + 5,5 + 1 h
        (11, 2024): (4.5, 4.0, 1),  # late 0,5 h in October, 4 h in February: one school year
        (11, 2023): (5.5, 0.0, 1),  # November 2023 belongs to 2023/24
    }
    assert pandas_rows == duck_rows == expected


def test_per_pupil(absence):
    pandas_rows, duck_rows = both(naive.per_pupil(*YEAR), absence)
    expected = {  # hours, unauthorised, late count, last absence
        1: (7.5, 2.0, 0, pd.Timestamp("2024-09-03")),
        2: (1.0, 1.0, 0, pd.Timestamp("2024-09-03")),
        3: (4.5, 4.0, 1, pd.Timestamp("2025-02-03")),
    }
    assert pandas_rows == expected
    assert {p: (*values[:3], pd.Timestamp(values[3])) for p, values in duck_rows.items()} == expected


def test_trend_by_month(absence):
    pandas_rows, duck_rows = both(naive.trend_by_month(*YEAR), absence)
    expected = {  # hours, pupils (the most in one week of the month)
        ("2024-09", "ongeoorloofd"): (3.0, 2), ("2024-09", "ziek"): (5.5, 1),
        ("2024-10", "te_laat"): (0.5, 1), ("2025-02", "ongeoorloofd"): (4.0, 1),
    }
    assert {(str(month), c): v for (month, c), v in pandas_rows.items()} == expected
    assert {(pd.Timestamp(month).strftime("%Y-%m"), c): v for (month, c), v in duck_rows.items()} == expected


def test_contacts_per_week_and_schools_contacted(contact):
    start, end = dt.date(2020, 3, 1), dt.date(2020, 3, 31)
    pandas_rows, duck_rows = both(naive.contacts_per_week(start, end), contact)
    expected = {  # contacts, reached, schools
        ("2020-03-16", "school"): (3, 2, 2),  # 16-03 and 18-03 at school 10, 17-03 at 11
        ("2020-03-23", "family"): (1, 1, 0),  # a family contact has no school
    }
    for rows in (pandas_rows, duck_rows):
        assert {(pd.Timestamp(week).strftime("%Y-%m-%d"), t): tuple(int(v) for v in values)
                for (week, t), values in rows.items()} == expected
    pandas_rows, duck_rows = both(naive.schools_contacted(start, end), contact)
    # 01-04 lies after the window; the family contact counts under no school
    assert {k: tuple(int(v) for v in values) for k, values in pandas_rows.items()} == {10: (2, 1), 11: (1, 1)}
    assert {k: tuple(int(v) for v in values) for k, values in duck_rows.items() if k is not None} == \
        {10: (2, 1), 11: (1, 1)}
