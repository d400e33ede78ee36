"""Absence (DESIGN.md, "Definitions"): possible hours, the absence rate and the categories, on
hand-made values."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from data_access.definitions.absence import (
    CATEGORIES, UNKNOWN_CATEGORY, absence_rate, possible_hours, possible_hours_between,
)
from data_access.definitions.calendar import SchoolCalendar
from fixtures.sources import ROOT, second_implementations

D = dt.date
# Mon 13 – Sun 19 Jan 2025 with a study day on Wednesday 15 January: 4 school days
STUDY_DAY = SchoolCalendar.from_periods([(D(2025, 1, 15), D(2025, 1, 15))])
WEEK = (D(2025, 1, 13), D(2025, 1, 19))


def test_possible_hours_of_a_week_with_a_holiday():
    assert possible_hours_between(STUDY_DAY, *WEEK, hours_per_day=5.5) == 4 * 5.5 == 22.0
    assert possible_hours_between(STUDY_DAY, *WEEK, hours_per_day=6.0) == 24.0  # the setting counts
    assert possible_hours_between(STUDY_DAY, D(2025, 1, 15), D(2025, 1, 15), hours_per_day=5.5) == 0


def test_hours_per_day_is_required():
    with pytest.raises(TypeError):
        possible_hours(4)  # no silent default of 5.5
    with pytest.raises(TypeError):
        possible_hours_between(STUDY_DAY, *WEEK)


def test_possible_hours_of_many_schools_at_once():
    school_days = pd.Series([4, 5, 0])
    assert possible_hours(school_days, hours_per_day=5.5).tolist() == [22.0, 27.5, 0.0]
    assert possible_hours(np.array([2]), hours_per_day=5.0).tolist() == [10.0]


def test_absence_rate_is_hours_over_pupils_times_possible_hours():
    # 10 pupils × 22 possible hours = 220; 11 absence hours → 5 %
    assert absence_rate(11, 10 * 22.0) == pytest.approx(0.05)
    assert absence_rate(0, 220.0) == 0.0
    assert absence_rate(5, 0) is None            # no pupils or no school days: no rate, not 0 or ∞
    assert absence_rate(5, float("nan")) is None


def test_categories_hold_unknown_codes_as_their_own_category():
    assert CATEGORIES == ("ongeoorloofd", "te_laat", "luxe", "ziek", "geoorloofd", "schorsing", "onbekend")
    assert UNKNOWN_CATEGORY in CATEGORIES


# --- each definition once ------------------------------------------------------------------

SECOND_IMPLEMENTATIONS = {
    "school days times hours per day": re.compile(
        r"\*\s*(hours_per_day|per_day|HOURS_PER_SCHOOL_DAY)\b|\b(hours_per_day|per_day|HOURS_PER_SCHOOL_DAY)\s*\*"),
    "a possible-hours function": re.compile(r"def\s+(school_hours|possible_hours|possible_hours_between)\s*\("),
    "an absence-rate function": re.compile(r"def\s+absence_rate\s*\("),
    "the categories": re.compile(r"\bCATEGORIES\s*=\s*\("),
}
HOME = "data_access/definitions/absence.py"


def test_possible_hours_and_categories_are_written_once():
    assert second_implementations(SECOND_IMPLEMENTATIONS, HOME) == []


def test_the_guard_reads_every_application_module_but_the_home_one():
    definition = {"an absence-rate function": SECOND_IMPLEMENTATIONS["an absence-rate function"]}
    # with another module as home, the definition itself is found, with its file and line
    [found] = second_implementations(definition, home="data_access/definitions/calendar.py")
    line = next(n for n, text in enumerate((ROOT / HOME).read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("def absence_rate("))
    assert found == f"an absence-rate function: {HOME}:{line}"
    assert second_implementations(definition, home=HOME) == []


def test_the_guard_recognises_a_second_implementation():
    samples = ['frame["possible_hours"] = frame["pupils"] * frame["school_days"] * per_day',
               "return calendar.count_school_days(start, end) * hours_per_day",
               "def school_hours(calendar, start, end, hours_per_day):",
               'CATEGORIES = ("ongeoorloofd", "te_laat")']
    for sample in samples:
        assert any(p.search(sample) for p in SECOND_IMPLEMENTATIONS.values()), sample
