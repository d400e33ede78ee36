"""The shared definitions on hand-made fixtures; every expected value worked out by hand."""
import datetime as dt

from data_access.definitions.calendar import SchoolCalendar
from data_access.definitions.absence import persistence_level
from data_access.definitions.sixteen_hours import school_week_index, sixteen_hour_signals
from data_access.metrics import per_thousand

D = dt.date
# Autumn holiday week 19–23 Oct 2020 (Mon–Fri); term from Mon 5 Oct 2020.
CAL = SchoolCalendar.from_periods([(D(2020, 10, 17), D(2020, 10, 25))])
WEEKS = school_week_index(CAL, D(2020, 10, 5), D(2020, 12, 31))


def test_per_thousand():
    assert per_thousand(3, 250) == 12.0
    assert per_thousand(3, 0) is None


def test_exactly_sixteen_hours_is_no_signal_but_sixteen_and_a_half_is():
    four_days = [(D(2020, 10, 5 + i), 4.0) for i in range(4)]  # 16 h in week 1
    assert sixteen_hour_signals(four_days, WEEKS, 16, 4) == []
    extra = four_days + [(D(2020, 10, 9), 0.5)]
    [signal] = sixteen_hour_signals(extra, WEEKS, 16, 4)
    assert signal.signal_on == D(2020, 10, 9) and signal.hours == 16.5


def test_window_is_four_school_weeks_and_a_holiday_week_does_not_count():
    # 6 h on Mon 5 Oct (school week 0), 6 h on Mon 12 Oct (1), holiday week, 5 h on Mon 26 Oct (2):
    # all within 4 consecutive *school* weeks → 17 h → signal on 26 Oct.
    rows = [(D(2020, 10, 5), 6.0), (D(2020, 10, 12), 6.0), (D(2020, 10, 26), 5.0)]
    [signal] = sixteen_hour_signals(rows, WEEKS, 16, 4)
    assert signal.signal_on == D(2020, 10, 26) and signal.window_start == D(2020, 10, 5)
    # Moved one school week later (2 Nov = school week 3 … 9 Nov = week 4): 5 Oct drops out.
    later = [(D(2020, 10, 5), 6.0), (D(2020, 10, 12), 6.0), (D(2020, 11, 9), 5.0)]
    assert sixteen_hour_signals(later, WEEKS, 16, 4) == []


def test_hours_on_a_holiday_are_ignored():
    rows = [(D(2020, 10, 20), 8.0), (D(2020, 10, 21), 8.0), (D(2020, 10, 22), 8.0)]
    assert sixteen_hour_signals(rows, WEEKS, 16, 4) == []


def test_counting_restarts_the_school_day_after_a_signal():
    rows = [(D(2020, 11, 2 + i), 6.0) for i in range(5)]  # 6 h a day Mon–Fri
    signals = sixteen_hour_signals(rows, WEEKS, 16, 4)
    # 6+6+6 = 18 > 16 on Wed; restart on Thu: Thu 6 + Fri 6 = 12 → no second signal
    assert [(s.signal_on, s.window_start, s.hours) for s in signals] == [(D(2020, 11, 4), D(2020, 11, 2), 18.0)]


def test_unreported_hours_after_a_signal_count_whenever_the_melding_is_filed():
    # Signal on Wed 4 Nov (6+6+6 = 18). The school files its melding late, on Tue 10 Nov; the
    # function is not even told: the filing date plays no part. The hours from Thu 5 Nov on
    # count towards the next signal: Thu 6 + Fri 6 + Mon 9 Nov 5.5 = 17.5 > 16 → signal on Mon.
    rows = [(D(2020, 11, 2 + i), 6.0) for i in range(5)] + [(D(2020, 11, 9), 5.5)]
    signals = sixteen_hour_signals(rows, WEEKS, 16, 4)
    assert [(s.signal_on, s.window_start, s.hours) for s in signals] == [
        (D(2020, 11, 4), D(2020, 11, 2), 18.0), (D(2020, 11, 9), D(2020, 11, 5), 17.5)]


def test_persistence_levels():
    assert persistence_level(9.9, 100, 0.10, 0.50) is None
    assert persistence_level(10, 100, 0.10, 0.50) == "langdurig"
    assert persistence_level(50, 100, 0.10, 0.50) == "ernstig"


def test_hours_on_a_single_study_day_inside_a_school_week_are_ignored():
    cal = SchoolCalendar.from_periods([(D(2020, 11, 4), D(2020, 11, 4))])
    weeks = school_week_index(cal, D(2020, 10, 5), D(2020, 12, 31))
    rows = [(D(2020, 11, 2), 6.0), (D(2020, 11, 3), 6.0), (D(2020, 11, 4), 6.0)]
    assert sixteen_hour_signals(rows, weeks, 16, 4) == []  # 12 h on school days
    assert len(sixteen_hour_signals(rows, WEEKS, 16, 4)) == 1  # without the study day: 18 h


def test_rolling_hours_skip_a_study_day_like_the_rule():
    from data_access.definitions.sixteen_hours import rolling_unauthorised_hours

    cal = SchoolCalendar.from_periods([(D(2020, 11, 4), D(2020, 11, 4))])
    weeks = school_week_index(cal, D(2020, 10, 5), D(2020, 12, 31))
    rows = [(D(2020, 11, 2), 6.0), (D(2020, 11, 4), 6.0)]
    assert rolling_unauthorised_hours(rows, weeks, D(2020, 11, 6), 4) == 6.0
