"""Calendar and school year (DESIGN.md, "Definitions") on hand-made dates; every expected value
worked out by hand from the definition."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import insert, text

from data_access.definitions.calendar import (
    HOLIDAY_KINDS, SchoolCalendar, as_date, day_in_school_year, load_school_calendar, mondays, month_ranges, month_sql,
    school_year_bounds, school_year_label, school_year_of, school_year_sql, school_years_of_days,
    school_years_of_series, week_sql, week_start,
)
from data_access.models import Period
from fixtures.sources import second_implementations

D = dt.date


# --- school year ---------------------------------------------------------------------------


def test_31_july_is_the_last_day_and_1_august_the_first_of_a_school_year():
    assert school_year_of(D(2025, 7, 31)) == 2024
    assert school_year_of(D(2025, 8, 1)) == 2025
    assert school_year_bounds(2024) == (D(2024, 8, 1), D(2025, 7, 31))
    assert day_in_school_year(2024, 7, 31) == D(2025, 7, 31)
    assert day_in_school_year(2024, 8, 1) == D(2024, 8, 1)


def test_school_year_labels():
    assert school_year_label(2024) == "2024/25"
    assert school_year_label(2009) == "2009/10"
    assert school_year_label(2099) == "2099/00"


def test_school_year_of_many_days_at_once_agrees_on_the_edges():
    days = [D(2025, 7, 31), D(2025, 8, 1), D(2026, 1, 1)]
    assert school_years_of_series(pd.Series(days)).tolist() == [2024, 2025, 2025]
    assert school_years_of_days(np.array(days, dtype="datetime64[D]")).tolist() == [2024, 2025, 2025]


# --- weeks and months ----------------------------------------------------------------------


def test_mondays_of_a_range_that_starts_on_a_wednesday():
    # Wed 8 Jan 2025 … Wed 22 Jan 2025: the weeks of Mon 6, 13 and 20 January
    assert mondays(D(2025, 1, 8), D(2025, 1, 22)) == [D(2025, 1, 6), D(2025, 1, 13), D(2025, 1, 20)]
    assert mondays(D(2025, 1, 8), D(2025, 1, 12)) == [D(2025, 1, 6)]  # Wednesday to Sunday: one week
    assert mondays(D(2025, 1, 8), D(2025, 1, 7)) == []
    assert week_start(D(2025, 1, 12)) == D(2025, 1, 6)  # a Sunday belongs to the week before it


def test_a_week_across_two_months_is_split_by_day():
    # Mon 27 Jan – Sun 2 Feb 2025: five days in January, two in February
    assert month_ranges(D(2025, 1, 27), D(2025, 2, 2)) == [(D(2025, 1, 27), D(2025, 1, 31)),
                                                            (D(2025, 2, 1), D(2025, 2, 2))]
    # and a range across a whole month and into a leap-year February
    assert month_ranges(D(2023, 12, 30), D(2024, 3, 1)) == [
        (D(2023, 12, 30), D(2023, 12, 31)), (D(2024, 1, 1), D(2024, 1, 31)),
        (D(2024, 2, 1), D(2024, 2, 29)), (D(2024, 3, 1), D(2024, 3, 1))]


# --- school days and holidays --------------------------------------------------------------


def test_school_days_leave_out_a_holiday_and_the_weekend():
    # Mon 13 – Sun 19 Jan 2025 with a study day on Wed 15 January: Mon, Tue, Thu, Fri
    calendar = SchoolCalendar.from_periods([(D(2025, 1, 15), D(2025, 1, 15))])
    assert calendar.school_days(D(2025, 1, 13), D(2025, 1, 19)) == [
        D(2025, 1, 13), D(2025, 1, 14), D(2025, 1, 16), D(2025, 1, 17)]
    assert calendar.count_school_days(D(2025, 1, 13), D(2025, 1, 19)) == 4
    assert not calendar.is_school_day(D(2025, 1, 15)) and not calendar.is_school_day(D(2025, 1, 18))
    assert calendar.school_days_between(D(2025, 1, 14), D(2025, 1, 16)) == 1  # Tue → Thu over the study day


def test_easter_monday_2025_is_a_day_off_in_the_demo_calendar():
    from data_access import demo

    holidays = {name: (start, end) for name, start, end in demo._public_holidays(2025)}
    # Easter Sunday 2025 is 20 April (dateutil): Good Friday 18 April up to Easter Monday 21 April
    assert holidays["Paasdagen"] == (D(2025, 4, 18), D(2025, 4, 21))
    assert holidays["Hemelvaart"][0] == D(2025, 5, 29)   # Ascension: Easter + 39 days
    assert holidays["Pinksteren"] == (D(2025, 6, 9), D(2025, 6, 9))  # Whit Monday: Easter + 50 days


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request):
    return request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")


def test_the_loader_takes_holidays_and_study_days_of_the_sector(any_engine):
    # Week of Mon 13 Jan 2025: a study day for BAO on Tue 14, a holiday for all on Fri 17, a
    # COVID closure on Wed 15 (closure days are school days) and a VO study day on Thu 16.
    with any_engine.begin() as conn:
        conn.execute(insert(Period), [
            {"name": "Studiedag", "kind": "studiedag", "sector": "BAO", "start": D(2025, 1, 14), "end": D(2025, 1, 14)},
            {"name": "Vrij", "kind": "vakantie", "sector": None, "start": D(2025, 1, 17), "end": D(2025, 1, 17)},
            {"name": "Dicht", "kind": "covid_sluiting", "sector": None, "start": D(2025, 1, 15), "end": D(2025, 1, 15)},
            {"name": "Studiedag VO", "kind": "studiedag", "sector": "VO", "start": D(2025, 1, 16), "end": D(2025, 1, 16)},
        ])
        week = (D(2025, 1, 13), D(2025, 1, 19))
        assert load_school_calendar(conn, ["BAO"]).school_days(*week) == [D(2025, 1, 13), D(2025, 1, 15), D(2025, 1, 16)]
        assert load_school_calendar(conn, ["VO"]).school_days(*week) == [D(2025, 1, 13), D(2025, 1, 14), D(2025, 1, 15)]
        assert load_school_calendar(conn, ["BAO", "SBAO"]).count_school_days(*week) == 3
        assert load_school_calendar(conn).school_days(*week) == [D(2025, 1, 13), D(2025, 1, 15)]  # every sector's days off
    assert set(HOLIDAY_KINDS) == {"vakantie", "studiedag"}


# --- SQL forms and dates read back from the database ---------------------------------------


def test_sql_forms_agree_with_the_python_definitions(any_engine):
    with any_engine.connect() as conn:
        def value(sql_of, day: str):
            column = "CAST(:d AS date)" if conn.dialect.name == "postgresql" else ":d"
            return conn.execute(text(f"SELECT {sql_of(conn, column)}"), {"d": day}).scalar()

        assert value(school_year_sql, "2025-07-31") == 2024
        assert value(school_year_sql, "2025-08-01") == 2025
        assert as_date(value(week_sql, "2025-01-12")) == D(2025, 1, 6)   # Sunday → its Monday
        assert as_date(value(week_sql, "2025-01-13")) == D(2025, 1, 13)  # a Monday is its own
        assert as_date(value(month_sql, "2025-02-28")) == D(2025, 2, 1)


def test_text_to_date_for_every_form_the_database_and_pandas_hand_over():
    assert as_date("2025-08-01") == D(2025, 8, 1)                       # SQLite date column, raw query
    assert as_date("2025-08-01 00:00:00.000000") == D(2025, 8, 1)       # SQLite datetime text
    assert as_date(D(2025, 8, 1)) == D(2025, 8, 1)                      # PostgreSQL
    assert as_date(dt.datetime(2025, 8, 1, 13, 5)) == D(2025, 8, 1)
    assert as_date(pd.Timestamp("2025-08-01")) == D(2025, 8, 1)
    assert as_date(np.datetime64("2025-08-01")) == D(2025, 8, 1)
    for missing in (None, float("nan"), pd.NaT, np.datetime64("NaT")):
        assert as_date(missing) is None
    with pytest.raises(ValueError):
        as_date("1-8-2025")  # Dutch user input is the importer's job, not a database form


def test_max_of_a_date_column_comes_back_as_a_date_on_both_databases(any_engine):
    # MAX() loses the column type: SQLite returns text, PostgreSQL a date
    with any_engine.begin() as conn:
        conn.execute(insert(Period), [{"name": "Pilot", "kind": "pilot", "sector": None,
                                       "start": D(2020, 8, 1), "end": D(2023, 7, 31)}])
        raw = conn.execute(text('SELECT MAX("end") FROM period')).scalar()
    assert as_date(raw) == D(2023, 7, 31)


# --- each definition once ------------------------------------------------------------------

# A second implementation of a calendar definition in the application code, found by its shape.
SECOND_IMPLEMENTATIONS = {
    "1 August / 31 July as literals": re.compile(r"date\([^()]*,\s*(8,\s*1|7,\s*31)\s*\)|month\s*=\s*8\b"
                                                 r"|[\"']month[\"']\s*:\s*8\b"),
    "a school year from the month": re.compile(r"month\s*(>=|<)\s*8\b|%\s*12\s*<\s*7\b|month\s*<\s*8\)"),
    "a Monday from the weekday": re.compile(r"timedelta\(days=[\w.]+\.weekday\(\)\)"),
    "a Monday walk": re.compile(r"def\s+(mondays|weeks_from|week_start)\b"),
    "the holiday kinds": re.compile(r"\bHOLIDAY_KINDS\s*="),
    "a school-calendar loader": re.compile(r"Period\.kind\.in_\(\s*HOLIDAY_KINDS"),
    "date text parsed by hand": re.compile(r"fromisoformat\(\s*str\(|fromisoformat\([^()]*\[:10\]\)"),
}
HOME = "data_access/definitions/calendar.py"


def test_each_calendar_definition_is_written_once():
    assert second_implementations(SECOND_IMPLEMENTATIONS, HOME) == []


def test_the_guard_recognises_a_second_implementation():
    samples = ["start = dt.date(year, 8, 1)", "return day.year if day.month >= 8 else day.year - 1",
               "monday = day - dt.timedelta(days=day.weekday())", "def weeks_from(start, end):",
               'HOLIDAY_KINDS = ("vakantie", "studiedag")', "dt.date.fromisoformat(str(value)[:10])"]
    for sample in samples:
        assert any(p.search(sample) for p in SECOND_IMPLEMENTATIONS.values()), sample
