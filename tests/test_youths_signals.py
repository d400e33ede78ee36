"""The signals of the officers' list, through youths.youth_list on the hand-made fixture after
aggregates.refresh_all — on SQLite and PostgreSQL. Expected values worked out by hand in
fixtures/youths.py's docstring and comments."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import insert

from data_access import aggregates
from data_access.definitions import DEFAULTS
from data_access.models import Absence, Period, Setting, Verzuimmelding
from data_access.queries import youths
from fixtures.youths import D, TODAY


def listed(db, today=TODAY, late_threshold=DEFAULTS.late_count) -> dict:
    with db.connect() as conn:
        frame = youths.youth_list(conn, today, dataclasses.replace(DEFAULTS, late_count=late_threshold))
    return {row["pseudonym"]: row for _, row in frame.iterrows()}


def test_exactly_16_hours_is_approaching_but_16_and_a_half_is_a_signal(any_youths_db):
    rows = listed(any_youths_db)
    assert rows["P-EXACT"]["signals"] == ("bijna_16",)
    assert rows["P-EXACT"]["window_hours"] == 16.0
    assert rows["P-OVER"]["signals"] == ("16_uur",)
    assert rows["P-OVER"]["last_signal_on"] == D(2020, 11, 6)
    assert rows["P-OVER"]["signal_labels"] == "16 uur (niet gemeld)"


def test_a_window_across_the_autumn_holiday_is_four_school_weeks(any_youths_db):
    # 6 + 6 h in the weeks of 5 and 12 Oct, holiday week skipped, 5 h on 2 Nov = 17 h: a signal;
    # the 8 h registered during the holiday do not count
    rows = listed(any_youths_db)
    assert rows["P-VAKANTIE"]["signals"] == ("16_uur",)
    assert rows["P-VAKANTIE"]["last_signal_on"] == D(2020, 11, 2)
    assert rows["P-VAKANTIE"]["signals16"] == 1


def test_a_melding_does_not_restart_the_count(any_youths_db):
    # 6 h on Mon 2 – Thu 5 Nov; a 16_uur melding (absence from 2 Nov) was filed on Tue 3 Nov.
    # The filing date plays no part: 6+6+6 = 18 > 16 on Wed 4 Nov is a signal, answered by that
    # melding (its stated start lies in the window); counting restarts on Thu: 6 h in the window.
    rows = listed(any_youths_db)
    assert rows["P-MELDING"]["signals"] == ("16_uur",)
    assert rows["P-MELDING"]["last_signal_on"] == D(2020, 11, 4)
    assert rows["P-MELDING"]["unreported_signals"] == 0
    assert rows["P-MELDING"]["window_hours"] == 6.0
    assert rows["P-MELDING"]["unauthorised_hours"] == 24.0


def test_a_melding_reported_after_the_reference_date_is_not_yet_reported(any_youths_db):
    # P-OVER's signal of Fri 6 Nov gets a melding filed on Tue 10 Nov: at reference date Mon
    # 9 Nov the signal is "niet gemeld" (nothing reported on or before it), from 10 Nov on not.
    with any_youths_db.begin() as conn:
        conn.execute(insert(Verzuimmelding).values(
            id=2, pupil_id=2, school_id=1, kind="16_uur", absence_start=D(2020, 11, 2), reported_on=D(2020, 11, 10),
            hours=16.5, status="open", officer="leerplicht"))
        aggregates.refresh_all(conn)
    assert listed(any_youths_db, today=D(2020, 11, 9))["P-OVER"]["signal_labels"] == "16 uur (niet gemeld)"
    assert listed(any_youths_db, today=D(2020, 11, 10))["P-OVER"]["unreported_signals"] == 0


def test_window_hours_below_the_approaching_line_are_shown_as_they_are(any_youths_db):
    # P-MELDING has 6 h after its signal: shown as 6,0, not as 0 (it is not "bijna 16")
    rows = listed(any_youths_db)
    assert rows["P-MELDING"]["window_hours"] == 6.0 and "bijna_16" not in rows["P-MELDING"]["signals"]


def test_hours_on_a_study_day_inside_the_window_do_not_count(youths_db):
    # a study day on Tue 10 Nov with 4 h registered for P-EXACT: 16 + 4 = 20 h if it counted
    with youths_db.begin() as conn:
        conn.execute(insert(Period).values(name="Studiedag", kind="studiedag", start=D(2020, 11, 10),
                                           end=D(2020, 11, 10)))
        conn.execute(insert(Absence).values(pupil_id=1, school_id=1, date=D(2020, 11, 10), hours=4.0, code="A",
                                            category="ongeoorloofd"))
        aggregates.refresh_all(conn)
    rows = listed(youths_db)
    assert rows["P-EXACT"]["signals"] == ("bijna_16",) and rows["P-EXACT"]["window_hours"] == 16.0


def test_counting_restarts_after_a_signal(any_youths_db):
    # on 5 Nov P-OVER has exactly 16 h (approaching); after the signal of 6 Nov the count is 0
    before = listed(any_youths_db, today=D(2020, 11, 5))
    assert before["P-OVER"]["signals"] == ("bijna_16",) and before["P-OVER"]["window_hours"] == 16.0
    after = listed(any_youths_db)
    assert after["P-OVER"]["window_hours"] == 0.0


def test_frequent_lateness_from_the_configured_threshold(any_youths_db):
    rows = listed(any_youths_db)
    assert rows["P-LAAT"]["signals"] == ("te_laat",) and rows["P-LAAT"]["late_count"] == 10
    assert "P-LAAT9" not in rows
    lower = listed(any_youths_db, late_threshold=9)
    assert lower["P-LAAT9"]["signals"] == ("te_laat",)


def test_persistent_and_severe_absence_against_school_hours_to_date(any_youths_db):
    # possible hours 1 Aug – 13 Nov 2020: 50 school days × 5,5 = 275
    rows = listed(any_youths_db)
    assert rows["P-LANG"]["possible_hours"] == 275.0
    assert rows["P-LANG"]["signals"] == ("langdurig",)  # 27,5 / 275 = exactly 10 %
    assert rows["P-ERNSTIG"]["signals"] == ("ernstig",)  # 138,5 / 275 = 50,4 %
    assert rows["P-ERNSTIG"]["absence_share"] == pytest.approx(138.5 / 275)
    assert "P-ONDER" not in rows  # 22 / 275 = 8 %


def test_an_earlier_reference_date_counts_hours_up_to_that_day_only(any_youths_db):
    # 5 Nov: 6 school days fewer → 242 possible hours; P-ERNSTIG's 1 h on 13 Nov not yet there
    rows = listed(any_youths_db, today=D(2020, 11, 5))
    assert rows["P-ERNSTIG"]["absence_hours"] == 137.5
    assert rows["P-ERNSTIG"]["possible_hours"] == 242.0
    assert rows["P-LANG"]["absence_share"] == pytest.approx(27.5 / 242)
    assert "16_uur" not in rows["P-OVER"]["signals"]


def test_open_and_this_years_closed_cases_are_listed_without_signals(any_youths_db):
    rows = listed(any_youths_db)
    assert rows["P-ZAAK"]["signals"] == () and rows["P-ZAAK"]["case_status"] == "in_behandeling"
    assert rows["P-ZAAK"]["case_open"] and rows["P-ZAAK"]["mas_route"] == "route 2"
    assert rows["P-ZAAK"]["last_contact_on"] == D(2020, 10, 1)
    assert rows["P-GESLOTEN"]["case_status"] == "gesloten" and not rows["P-GESLOTEN"]["case_open"]
    # a contact linked to the case only (no pupil id) still counts as the youth's last contact
    assert rows["P-OVER"]["last_contact_on"] == D(2020, 11, 10)
    assert rows["P-EXACT"]["case_status"] == youths.NO_CASE
    assert set(rows) == {"P-EXACT", "P-OVER", "P-VAKANTIE", "P-MELDING", "P-LAAT", "P-LANG", "P-ERNSTIG",
                         "P-ZAAK", "P-GESLOTEN"}


def test_age_is_counted_on_the_reference_date(youths_db):
    rows = listed(youths_db)
    assert rows["P-OVER"]["age"] == 10  # born 14 Nov 2009: 11 only the day after TODAY
    assert listed(youths_db, today=D(2020, 11, 14))["P-OVER"]["age"] == 11


def test_default_today_is_the_latest_absence_or_the_real_date_whichever_is_earlier(youths_db):
    with youths_db.connect() as conn:
        assert youths.default_today(conn, real_today=D(2026, 1, 1)) == TODAY  # latest absence 13 Nov 2020
        assert youths.default_today(conn, real_today=D(2020, 11, 10)) == D(2020, 11, 10)
    with youths_db.begin() as conn:
        conn.execute(insert(Setting).values(key="demo_today", value="2020-11-11"))
    with youths_db.connect() as conn:
        assert youths.default_today(conn, real_today=D(2026, 1, 1)) == D(2020, 11, 11)


def test_the_current_window_skips_the_holiday_week(youths_db):
    with youths_db.connect() as conn:
        window = youths.current_window(conn, TODAY, DEFAULTS.signal_weeks)
    assert window.mondays == (D(2020, 10, 12), D(2020, 10, 26), D(2020, 11, 2), D(2020, 11, 9))
    assert window.day_ranges() == [(D(2020, 10, 12), D(2020, 10, 16)), (D(2020, 10, 26), D(2020, 10, 30)),
                                   (D(2020, 11, 2), D(2020, 11, 6)), (D(2020, 11, 9), D(2020, 11, 13))]
