"""Each threshold changes the figure it governs (leaving one out is a TypeError:
test_definitions_settings).

Expected values worked out by hand from the fixtures' docstrings: the /jongeren municipality of
test_youths_fixture (reference date Fri 13 Nov 2020, 50 school days since 1 August, so 275
possible hours at 5,5 h a day) and the /scholen municipality of test_schools_queries.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from data_access import aggregates, setting_changes
from data_access.definitions import absence, sixteen_hours
from data_access.definitions.calendar import SchoolCalendar
from data_access.definitions import DEFAULTS
from data_access.models import Setting
from data_access.queries import schools, youths
from fixtures.schools import build_fixture as build_schools
from fixtures.youths import TODAY, build as build_youths

D = dt.date
# one school week per Monday, weeks 0 … 9 from Mon 5 Oct 2020 (no holidays)
CALENDAR = SchoolCalendar()
WEEKS = sixteen_hours.school_week_index(CALENDAR, D(2020, 10, 5), D(2020, 12, 11))


@pytest.fixture
def youths_db(engine):
    build_youths(engine)
    return engine


@pytest.fixture
def schools_db(engine):
    with engine.begin() as conn:
        build_schools(conn)
    return engine


def listed(engine, **settings) -> pd.DataFrame:
    with engine.connect() as conn:
        return youths.youth_list(conn, TODAY, dataclasses.replace(DEFAULTS, **settings)).set_index("pseudonym")


def signals_of(frame: pd.DataFrame, pseudonym: str) -> tuple[str, ...]:
    return frame.loc[pseudonym, "signals"] if pseudonym in frame.index else ()


def save(engine, **typed) -> list[setting_changes.Change]:
    with engine.begin() as conn:
        return setting_changes.save_settings(conn, {k: str(v) for k, v in typed.items()},
                                             username="beheer", role="beheer")


def stored_signals(engine) -> list[tuple[int, str, float]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT pupil_id, signal_on, hours FROM signal16 ORDER BY pupil_id").all()
    return [(p, str(d)[:10], h) for p, d, h in rows]


# --- the 16-hour rule ---------------------------------------------------------------------------


def test_signal_hours_decide_when_a_signal_falls():
    # 4 h on Mon–Thu of one week: 16 h is no signal (more than 16 is needed); above 12 on Thursday
    rows = [(D(2020, 10, 5 + i), 4.0) for i in range(4)]
    assert sixteen_hours.sixteen_hour_signals(rows, WEEKS, 16, 4) == []
    [signal] = sixteen_hours.sixteen_hour_signals(rows, WEEKS, 12, 4)
    assert (signal.signal_on, signal.hours) == (D(2020, 10, 8), 16.0)  # 12 on Wed is not above 12
    # 13 h in one day: a signal at 12, none at 16
    assert len(sixteen_hours.sixteen_hour_signals([(D(2020, 10, 5), 13.0)], WEEKS, 12, 4)) == 1
    assert sixteen_hours.sixteen_hour_signals([(D(2020, 10, 5), 13.0)], WEEKS, 16, 4) == []


def test_signal_weeks_decide_how_far_back_hours_count():
    # 9 h in week 0 and 9 h in week 3: together in 4 school weeks (18 > 16), not in 3
    rows = [(D(2020, 10, 5), 9.0), (D(2020, 10, 26), 9.0)]
    [signal] = sixteen_hours.sixteen_hour_signals(rows, WEEKS, 16, 4)
    assert (signal.signal_on, signal.window_start, signal.hours) == (D(2020, 10, 26), D(2020, 10, 5), 18.0)
    assert sixteen_hours.sixteen_hour_signals(rows, WEEKS, 16, 3) == []
    assert sixteen_hours.rolling_unauthorised_hours(rows, WEEKS, D(2020, 10, 30), 4) == 18.0
    assert sixteen_hours.rolling_unauthorised_hours(rows, WEEKS, D(2020, 10, 30), 3) == 9.0


def test_saving_signal_hours_twelve_rebuilds_the_signals_on_the_officers_list(youths_db):
    # default: signals for P-OVER (16,5 h), P-VAKANTIE (17 h), P-MELDING (18 h); P-EXACT has exactly 16
    assert [p for p, _, _ in stored_signals(youths_db)] == [2, 3, 4]
    assert signals_of(listed(youths_db), "P-EXACT") == ("bijna_16",)
    save(youths_db, signal_hours=12)
    # P-EXACT: 4 + 4 + 4 = 12 on Wed 4 Nov is not above 12; 16 on Thu 5 Nov is
    assert (1, "2020-11-05", 16.0) in stored_signals(youths_db)
    # P-MELDING: 6 + 6 = 12 on Tue, 18 on Wed 4 Nov (as before); P-VAKANTIE 6 + 6 = 12, then 17 on 2 Nov
    assert (4, "2020-11-04", 18.0) in stored_signals(youths_db) and (3, "2020-11-02", 17.0) in stored_signals(youths_db)
    rows = listed(youths_db, signal_hours=12)
    assert signals_of(rows, "P-EXACT") == ("16_uur",)  # counting restarted after the signal: 0 h, not approaching
    assert rows.loc["P-EXACT", "signal_labels"] == "12 uur (niet gemeld)"
    assert rows.loc["P-EXACT", "window_hours"] == 0


def test_saving_signal_weeks_three_drops_the_signal_across_four_weeks(youths_db):
    # P-VAKANTIE: 6 h (5 Oct) + 6 h (12 Oct) + 5 h (2 Nov) in 4 consecutive school weeks = 17 h;
    # in 3 school weeks (12 Oct, 26 Oct, 2 Nov) only 11 h
    save(youths_db, signal_weeks=3)
    assert [p for p, _, _ in stored_signals(youths_db)] == [2, 4]
    rows = listed(youths_db, signal_weeks=3)
    assert "P-VAKANTIE" not in rows.index  # no signal, and 5 h in the window (26 Oct – 13 Nov) is not approaching
    with youths_db.connect() as conn:
        window = youths.current_window(conn, TODAY, 3)
    assert window.mondays == (D(2020, 10, 26), D(2020, 11, 2), D(2020, 11, 9))


def test_an_unusable_other_setting_does_not_stop_the_signal_refresh_of_an_import(youths_db):
    with youths_db.begin() as conn:
        conn.execute(Setting.__table__.insert().values(key="suppression_threshold", value="vijf"))
        conn.execute(Setting.__table__.insert().values(key="signal_hours", value="12"))
        aggregates.refresh_absence(conn, {1}, D(2020, 11, 2), D(2020, 11, 5))
    assert (1, "2020-11-05", 16.0) in stored_signals(youths_db)  # P-EXACT, under the stored 12 hours


def test_approaching_hours_decide_bijna_16(youths_db):
    # P-MELDING: 6 h on Thu 5 Nov after its signal of Wed 4 Nov; P-EXACT 16 h
    default = listed(youths_db)
    assert signals_of(default, "P-MELDING") == ("16_uur",) and default.loc["P-MELDING", "window_hours"] == 6
    assert signals_of(listed(youths_db, approaching_hours=6), "P-MELDING") == ("16_uur", "bijna_16")
    assert signals_of(listed(youths_db, approaching_hours=6.5), "P-MELDING") == ("16_uur",)
    assert signals_of(listed(youths_db, approaching_hours=15), "P-EXACT") == ("bijna_16",)  # 16 ≥ 15


# --- persistent and severe absence ----------------------------------------------------------------


def test_persistence_level_follows_both_shares():
    assert absence.persistence_level(15, 100, 0.10, 0.50) == "langdurig"
    assert absence.persistence_level(15, 100, 0.20, 0.50) is None
    assert absence.persistence_level(15, 100, 0.10, 0.15) == "ernstig"
    assert absence.persistence_level(50, 100, 0.10, 0.60) == "langdurig"


def test_persistent_and_severe_shares_on_the_officers_list(youths_db):
    default = listed(youths_db)
    # P-LANG 27,5 of 275 h = 10 %; P-ONDER 22 h = 8 % (not listed); P-ERNSTIG 138,5 h = 50,4 %
    assert signals_of(default, "P-LANG") == ("langdurig",)
    assert "P-ONDER" not in default.index
    assert signals_of(default, "P-ERNSTIG") == ("ernstig",)
    higher = listed(youths_db, persistent_share=0.11)
    assert "P-LANG" not in higher.index
    lower = listed(youths_db, persistent_share=0.075)
    assert signals_of(lower, "P-ONDER") == ("langdurig",)
    assert lower.loc["P-ONDER", "signal_labels"] == "langdurig (≥ 7,5%)"
    severe = listed(youths_db, severe_share=0.6)
    assert signals_of(severe, "P-ERNSTIG") == ("langdurig",)
    assert signals_of(listed(youths_db, persistent_share=0.05, severe_share=0.09), "P-LANG") == ("ernstig",)


def test_persistent_share_in_the_school_comparison(schools_db):
    # 1 Aug – 30 Oct 2020: 275 possible hours. At 10 %: 27,5 h → De Linde 2 (30; 27,5), De Eik 6;
    # at 20 %: 55 h → De Linde 0, De Eik 2 (60 and 100 of 40, 50, 60, 28, 30, 100)
    year = schools.Window.for_school_year(2020)
    with schools_db.connect() as conn:
        at_ten = schools.school_comparison(conn, year, 5, 5.5, 0.10, exact_below=5).schools.set_index("name")
        at_twenty = schools.school_comparison(conn, year, 5, 5.5, 0.20, exact_below=5).schools.set_index("name")
    assert (at_ten.loc["De Linde", "persistent"], at_ten.loc["De Eik", "persistent"]) == (2, 6)
    assert (at_twenty.loc["De Linde", "persistent"], at_twenty.loc["De Eik", "persistent"]) == (0, 2)
    assert at_twenty.loc["De Eik", "persistent_share"] == pytest.approx(2 / 200)


# --- hours per day, lateness, no contact --------------------------------------------------------


def test_hours_per_day_is_the_denominator_of_the_absence_share_of_a_youth(youths_db):
    # P-LANG 27,5 h of 50 days × 6 h = 300 → 9,2 %: no longer persistent
    rows = listed(youths_db, hours_per_day=6)
    assert "P-LANG" not in rows.index
    assert rows.loc["P-ERNSTIG", "possible_hours"] == 300
    assert rows.loc["P-ERNSTIG", "absence_share"] == pytest.approx(138.5 / 300)
    assert listed(youths_db).loc["P-ERNSTIG", "possible_hours"] == 275


def test_hours_per_day_is_the_denominator_of_the_absence_rate_of_schools(schools_db):
    # week of 5 Oct, 880 pupils × 5 days × 4 h = 17.600 possible hours, 55 h unauthorised
    with schools_db.connect() as conn:
        trend = schools.absence_trend(conn, D(2020, 10, 5), D(2020, 10, 9), grain="week", hours_per_day=4,
                                       exact_below=None)
    week = trend.set_index("category").loc["ongeoorloofd"]
    assert week["possible_hours"] == 17600
    assert week["rate"] == pytest.approx(55 / 17600)


def test_late_count_decides_vaak_te_laat(youths_db):
    # P-LAAT 10 times late, P-LAAT9 9 times
    assert signals_of(listed(youths_db), "P-LAAT") == ("te_laat",)
    assert "P-LAAT9" not in listed(youths_db).index
    assert signals_of(listed(youths_db, late_count=9), "P-LAAT9") == ("te_laat",)
    assert "P-LAAT" not in listed(youths_db, late_count=11).index


def test_no_contact_days_decide_the_work_queue(youths_db):
    # P-ZAAK: case open, last contact Thu 1 Oct 2020, 43 days before 13 Nov; its action is overdue
    # P-OVER: case open since 9 Nov, last contact (via the case) Tue 10 Nov: 3 days
    rows = listed(youths_db)
    queue = youths.work_queue(rows.reset_index(), TODAY, 3).set_index("pseudonym")
    assert "geen contact sinds 3 dagen" in queue.loc["P-OVER", "reasons"]
    assert "geen contact" in queue.loc["P-ZAAK", "reasons"]
    queue = youths.work_queue(rows.reset_index(), TODAY, 44).set_index("pseudonym")
    assert queue.loc["P-ZAAK", "reasons"] == "volgende actie verlopen"  # still there: its action is overdue
    assert "P-OVER" not in queue.index  # a signal with an open case: nothing else to do
