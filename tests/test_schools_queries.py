"""The /scholen figures on the small hand-made municipality of tests/fixtures/schools.py, on
SQLite and PostgreSQL.

Every expected value below is worked out by hand from the rows in ``build_fixture``; the window
used most is 5–30 Oct 2020 with the autumn holiday inside: 15 school days × 5,5 h = 82,5 school
hours per pupil.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import insert

from data_access import aggregates, models
from data_access.queries import schools as q
from fixtures.schools import DAYS, EIK, FIVE, HOURS, LINDE, PERSISTENT, WILG, WINDOW, build_fixture

D = dt.date


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request):
    eng = request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
    with eng.begin() as conn:
        build_fixture(conn)
    return eng


def by_name(frame, column="name"):
    return frame.set_index(column)


# --- comparison per school -----------------------------------------------------------------


def test_comparison_figures_per_school_match_hand_calculation(db):
    with db.connect() as conn:
        comparison = q.school_comparison(conn, WINDOW, DAYS, HOURS, PERSISTENT, exact_below=FIVE.threshold)
    rows = by_name(comparison.schools)
    assert sorted(rows.index) == ["De Eik", "De Linde", "De Wilg", "Het Baken"]  # Buiten is out of scope
    linde = rows.loc["De Linde"]
    assert linde["possible_hours"] == 100 * 82.5 == 8250
    assert linde["hours_total"] == 33 + 55 + 44 + 11 + 2 == 145
    assert linde["rate_total"] == pytest.approx(145 / 8250)          # 1,76 %
    assert linde["rate_ziek"] == pytest.approx(99 / 8250)            # 1,20 %
    assert linde["rate_ongeoorloofd"] == pytest.approx(33 / 8250)    # 0,40 %
    assert linde["known_share"] == pytest.approx(134 / 145)          # 92,4 %
    assert linde["meldingen"] == 3 and linde["per_1000"] == pytest.approx(30.0)
    assert linde["signals"] == 4 and linde["on_time"] == 2 and linde["compliance"] == pytest.approx(0.5)
    assert linde["median_days"] == 5  # median of 2, 5, 9
    assert linde["size_band"] == "klein (≤ 147)"  # national thirds: 147 and 244 pupils

    eik = rows.loc["De Eik"]
    assert eik["rate_total"] == pytest.approx(176 / 16500)
    assert eik["per_1000"] == pytest.approx(60.0)
    assert eik["compliance"] == pytest.approx(0.6)                   # 0,1,1,2,3,4 of 10
    assert eik["median_days"] == 2.5                                 # median of 0,1,1,2,3,4,6,8

    baken = rows.loc["Het Baken"]
    assert baken["rate_total"] == pytest.approx(340 / 33000)
    assert baken["compliance"] == pytest.approx(2 / 6) and baken["median_days"] == 7
    wilg = rows.loc["De Wilg"]
    assert wilg["rate_total"] == pytest.approx(99 / 14850) and wilg["per_1000"] == pytest.approx(50.0)
    assert wilg["signals"] == 0 and wilg["compliance"] != wilg["compliance"]  # no signals: empty (NaN)
    # a named period is not a whole school year: no persistent-absence figure
    assert rows["persistent_share"].isna().all()


def test_a_school_whose_data_stop_early_is_not_diluted(db):
    # De Wilg's last registered day is Fri 9 Oct 2020 (a pupil_year row says so). Its window
    # ends there: 5 school days (5–9 Oct) × 5,5 h × 180 pupils = 4.950 possible hours, not
    # 15 × 5,5 × 180 = 14.850; its 99 sick hours are 2,0 % of that, not 0,67 %.
    with db.begin() as conn:
        conn.execute(insert(models.Pupil).values(id=900, pseudonym="P0900", first_name="Fictief", last_name="Wilg",
                                                 birth_date=D(2012, 1, 1), school_id=WILG, grade=6))
        conn.execute(insert(models.PupilYear).values(pupil_id=900, school_year=2020, school_id=WILG, absence_hours=99,
                                                     unauthorised_hours=0, late_count=0,
                                                     last_absence_on=D(2020, 10, 9)))
    with db.connect() as conn:
        wilg = by_name(q.school_comparison(conn, WINDOW, DAYS, HOURS, PERSISTENT, exact_below=FIVE.threshold).schools).loc["De Wilg"]
        trend = q.absence_trend(conn, D(2020, 10, 5), D(2020, 11, 30), "month", [WILG], by_school=True,
                                hours_per_day=HOURS, exact_below=None)
    assert wilg["possible_hours"] == 180 * 5 * 5.5 == 4950
    assert wilg["rate_ziek"] == pytest.approx(99 / 4950)
    sick = trend[trend["category"] == "ziek"].set_index("period_start")
    # October from Mon 5 Oct: only 5–9 Oct counts (the weeks after 9 Oct do not), 4.950 h.
    # November: nothing registered, so no rate — not 0 %.
    assert sick.loc["2020-10-01", "possible_hours"] == 4950
    assert sick.loc["2020-10-01", "rate"] == pytest.approx(99 / 4950)
    assert sick.loc["2020-11-01", "possible_hours"] == 0 and pd.isna(sick.loc["2020-11-01", "rate"])


def test_a_period_starting_on_a_wednesday_counts_its_own_dates(db):
    # Window Wed 7 – Fri 30 Oct 2020. Its own school days: Wed 7 – Fri 9 Oct (3), 12–16 Oct (5),
    # 26–30 Oct (5), the autumn holiday in between: 13 × 5,5 h × 100 pupils = 7.150 h at De Linde.
    # Absence on Mon 5 and Tue 6 Oct falls outside it; Wed 7 – Sun 11 Oct is read from the absence
    # rows (the week's summary would include Monday and Tuesday), the weeks of 12 and 26 Oct from
    # the summary (ziek 44, onbekend 11; te laat 2).
    with db.begin() as conn:
        for pid, day, hours, category in [(901, D(2020, 10, 5), 5.5, "ziek"), (901, D(2020, 10, 6), 5.5, "ziek"),
                                          (902, D(2020, 10, 7), 5.5, "ziek"), (903, D(2020, 10, 8), 2.0, "ongeoorloofd")]:
            if not conn.execute(models.Pupil.__table__.select().where(models.Pupil.id == pid)).first():
                conn.execute(insert(models.Pupil).values(id=pid, pseudonym=f"P{pid}", first_name="Fictief",
                                                         last_name="Kind", birth_date=D(2012, 1, 1),
                                                         school_id=LINDE, grade=6))
            conn.execute(insert(models.Absence).values(pupil_id=pid, school_id=LINDE, date=day, hours=hours,
                                                       code="X", category=category))
    window = q.Window(D(2020, 10, 7), D(2020, 10, 30), "vanaf woensdag")
    with db.connect() as conn:
        linde = by_name(q.school_comparison(conn, window, DAYS, HOURS, PERSISTENT, exact_below=FIVE.threshold).schools).loc["De Linde"]
    assert linde["possible_hours"] == 13 * 5.5 * 100 == 7150
    assert linde["hours_ziek"] == 5.5 + 44
    assert linde["hours_ongeoorloofd"] == 2.0
    assert linde["hours_total"] == 5.5 + 44 + 2 + 11 + 2 == 64.5
    assert linde["rate_ziek"] == pytest.approx(49.5 / 7150)


def test_compliance_window_is_configurable(db):
    with db.connect() as conn:
        rows = by_name(q.school_comparison(conn, WINDOW, 7, HOURS, PERSISTENT, exact_below=FIVE.threshold).schools)
    assert rows.loc["De Linde", "compliance"] == pytest.approx(2 / 4)   # 2, 5 (9 is late)
    assert rows.loc["De Eik", "compliance"] == pytest.approx(7 / 10)    # 0,1,1,2,3,4,6
    assert rows.loc["Het Baken", "compliance"] == pytest.approx(4 / 6)  # 1,3,7,7


def test_municipal_total_and_similar_schools(db):
    with db.connect() as conn:
        comparison = q.school_comparison(conn, WINDOW, DAYS, HOURS, PERSISTENT, exact_below=FIVE.threshold)
    total = q.municipal_total(comparison.schools, comparison.histogram).iloc[0]
    assert total["pupils"] == 880
    assert total["rate_total"] == pytest.approx(760 / 72600)          # 1,05 %
    assert total["per_1000"] == pytest.approx(30 / 880 * 1000)        # 34,1
    assert total["compliance"] == pytest.approx(10 / 20)
    assert total["median_days"] == 3.5  # 16 delays: 0,1,1,1,2,2,3,3,4,5,6,7,7,8,9,10

    peers = q.similar_schools(comparison.schools, comparison.histogram)
    peers.index = comparison.schools["name"]
    # De Eik (BAO, 200) and De Wilg (BAO, 180) are each other's only similar school: 1 is fewer
    # than 5, so no benchmark — no figure rather than a copy of one school
    assert peers.loc["De Eik", "schools"] == 1 and not peers.loc["De Eik", "formed"]
    assert pd.isna(peers.loc["De Eik", "rate_total"]) and pd.isna(peers.loc["De Wilg", "per_1000"])
    assert peers.loc["De Eik", "places"] == (("Testgemeente", 1),)
    assert peers.loc["De Linde", "schools"] == 0 and peers.loc["De Linde", "places"] == ()
    # with a minimum of 1 the pair forms a benchmark: each holds the other's pooled figures
    pair = q.similar_schools(comparison.schools, comparison.histogram, minimum=1)
    pair.index = comparison.schools["name"]
    assert pair.loc["De Eik", "formed"] and pair.loc["De Eik", "rate_total"] == pytest.approx(99 / 14850)
    assert pair.loc["De Wilg", "per_1000"] == pytest.approx(60.0)


def test_roll_up_to_board_swv_and_municipality(db):
    with db.connect() as conn:
        comparison = q.school_comparison(conn, WINDOW, DAYS, HOURS, PERSISTENT, exact_below=FIVE.threshold)
    boards = by_name(q.roll_up(comparison.schools, comparison.histogram, "board"), "group")
    assert boards.loc["Stichting Noord", "rate_total"] == pytest.approx((145 + 176) / (8250 + 16500))
    assert boards.loc["Stichting Noord", "per_1000"] == pytest.approx(15 / 300 * 1000)
    assert boards.loc["Stichting Zuid", "rate_total"] == pytest.approx((340 + 99) / (33000 + 14850))
    assert boards.loc["Stichting Noord", "median_days"] == 3  # 2,5,9,0,1,1,2,3,4,6,8 → 3
    swv = by_name(q.roll_up(comparison.schools, comparison.histogram, "swv"), "group")
    assert swv.loc["SWV-A", "rate_total"] == pytest.approx(420 / 39600)
    assert swv.loc["SWV-A", "per_1000"] == pytest.approx(24 / 480 * 1000)
    assert swv.loc["SWV-B", "schools"] == 1
    towns = q.roll_up(comparison.schools, comparison.histogram, "municipality")
    assert towns["group"].tolist() == ["Testgemeente"]
    assert towns.iloc[0]["rate_total"] == pytest.approx(760 / 72600)


def test_persistent_absence_share_for_a_school_year(db):
    with db.connect() as conn:
        assert q.year_to_date_end(conn, 2020) == D(2020, 10, 30)
        rows = by_name(q.school_comparison(conn, q.Window.for_school_year(2020), DAYS, HOURS, PERSISTENT, exact_below=FIVE.threshold).schools)
    # threshold 27,5 h: De Linde 30 and 27,5 → 2 of 100; De Eik 40,50,60,28,30,100 → 6 of 200
    assert rows.loc["De Linde", "persistent"] == 2
    assert rows.loc["De Linde", "persistent_share"] == pytest.approx(0.02)
    assert rows.loc["De Eik", "persistent_share"] == pytest.approx(0.03)
    assert rows.loc["Het Baken", "persistent_share"] == 0
    assert rows.loc["De Eik", "meldingen"] == 13  # 12 in October + 1 on 2 November


# --- trends --------------------------------------------------------------------------------


def test_weekly_trend_for_the_municipality(db):
    with db.connect() as conn:
        trend = q.absence_trend(conn, D(2020, 10, 5), D(2020, 10, 30), grain="week", hours_per_day=HOURS,
                                exact_below=None)
    week = trend[trend["period_start"] == "2020-10-05"].set_index("category")
    # week of 5 Oct: 880 pupils × 5 days × 5,5 h = 24.200 possible hours
    assert week.loc["ongeoorloofd", "possible_hours"] == 24200
    assert week.loc["ongeoorloofd", "hours"] == 33 + 22
    assert week.loc["ongeoorloofd", "rate"] == pytest.approx(55 / 24200)
    assert week.loc["ziek", "rate"] == pytest.approx((55 + 110 + 99) / 24200)
    holiday = trend[trend["period_start"] == "2020-10-19"]
    assert holiday["rate"].isna().all()  # no school hours in the autumn holiday


def test_monthly_trend_equals_the_window_total(db):
    with db.connect() as conn:
        trend = q.absence_trend(conn, D(2020, 10, 1), D(2020, 10, 31), grain="month", hours_per_day=HOURS,
                                exact_below=None, combine=q.CATEGORIES)
    # a month is the calendar month: Thursday 1 and Friday 2 October count for October (not for
    # September, the month of their week's Monday), so October has 2 + 15 = 17 school days
    assert combined_months(trend) == [10]
    total = trend.iloc[0]
    assert total["possible_hours"] == 880 * 17 * 5.5 == 82280 and total["hours"] == 760
    assert total["rate"] == pytest.approx(760 / 82280)


def combined_months(trend) -> list[int]:
    return trend["period_start"].dt.month.tolist()


def test_trend_per_chosen_school_and_suppression(db):
    with db.connect() as conn:
        trend = q.absence_trend(conn, D(2020, 10, 5), D(2020, 10, 18), grain="week",
                                school_ids=[LINDE, EIK], by_school=True, hours_per_day=HOURS, exact_below=5)
    assert set(trend["series"]) == {"De Linde", "De Eik"}
    row = trend[(trend["series"] == "De Linde") & (trend["period_start"] == "2020-10-12")
                & (trend["category"] == "onbekend")].iloc[0]
    assert row["rate"] == pytest.approx(11 / (100 * 27.5))
    hidden = q.suppress_trend(trend, FIVE)
    row = hidden.loc[row.name]
    assert row["rate"] is None and row["hours"] is None and "minder dan 5" in row["rate_reden"]


# --- suppression ---------------------------------------------------------------------------


def test_suppression_of_the_comparison_table(db):
    with db.connect() as conn:
        comparison = q.school_comparison(conn, WINDOW, DAYS, HOURS, PERSISTENT, exact_below=FIVE.threshold)
    shown = by_name(q.suppress_comparison(comparison.schools, FIVE))
    # 3 meldingen → "<5"; Het Baken (6, the next smallest) is hidden too, so the total cannot
    # tell — marked "•", since 6 is not below 5
    assert shown.loc["De Linde", "meldingen"] == "<5"
    assert shown.loc["Het Baken", "meldingen"] == "•"
    assert shown.loc["De Eik", "meldingen"] == 12
    assert shown.loc["De Linde", "per_1000"] is None
    assert "kleiner dan 5" in shown.loc["De Linde", "per_1000_reden"]
    # schorsing at Het Baken rests on 2 pupils: hidden, and with it a second category (the
    # smallest one other schools also show: ongeoorloofd), else total − the rest would reveal it
    assert shown.loc["Het Baken", "rate_schorsing"] is None
    assert "kleiner dan 5" in shown.loc["Het Baken", "rate_schorsing_reden"]
    assert shown.loc["Het Baken", "rate_ongeoorloofd"] is None
    assert "verraden" in shown.loc["Het Baken", "rate_ongeoorloofd_reden"]
    assert shown.loc["Het Baken", "rate_ziek"] == pytest.approx(264 / 33000)
    assert shown.loc["Het Baken", "rate_total"] == pytest.approx(340 / 33000)
    # unknown codes say nothing about a child: shown even though only 2 pupils are behind them
    assert shown.loc["De Linde", "rate_onbekend"] == pytest.approx(11 / 8250)
    assert shown.loc["De Linde", "known_share"] == pytest.approx(134 / 145)
    assert shown.loc["De Linde", "rate_ongeoorloofd"] == pytest.approx(33 / 8250)  # 6 pupils
    # compliance of Het Baken: 2 of 6 in time → numerator small → hidden
    assert shown.loc["Het Baken", "compliance"] is None
    assert shown.loc["De Eik", "compliance"] == pytest.approx(0.6)
    # nothing hidden for leerplicht: the unsuppressed frame keeps every value
    assert by_name(comparison.schools).loc["De Linde", "meldingen"] == 3


def test_a_window_of_several_school_years_counts_pupil_years(db):
    with db.begin() as conn:  # De Eik also in 2019/20: 150 pupils, 1 melding (March 2020)
        conn.execute(insert(models.SchoolEnrolment).values(school_id=EIK, school_year=2019, pupils=150))
        conn.execute(insert(models.Verzuimmelding).values(pupil_id=1, school_id=EIK, kind="luxe",
                                                          reported_on=D(2020, 3, 2), status="open"))
    with db.connect() as conn:
        rows = by_name(q.school_comparison(conn, q.Window.for_school_years(2019, 2020), DAYS, HOURS, PERSISTENT, exact_below=FIVE.threshold).schools)
    # 150 + 200 = 350 pupil-years; 1 + 13 meldingen → 14 / 350 × 1.000 = 40 per 1.000 pupils a year
    assert rows.loc["De Eik", "pupils"] == 350
    assert rows.loc["De Eik", "meldingen"] == 14 and rows.loc["De Eik", "per_1000"] == pytest.approx(40.0)
    assert rows.loc["De Eik", "size_band"] == "middel (148–244)"  # from the last school year: 200
    assert rows["persistent_share"].isna().all()  # not a single school year


def test_the_pupils_behind_the_hours_are_counted_exactly(db):
    with db.connect() as conn:
        period = by_name(q.school_comparison(conn, WINDOW, DAYS, HOURS, PERSISTENT, exact_below=FIVE.threshold).schools)
        year = by_name(q.school_comparison(conn, q.Window.for_school_year(2020), DAYS, HOURS, PERSISTENT, exact_below=FIVE.threshold).schools)
    # De Linde's sick pupils: 10 in the week of 5 Oct and 8 of the same in the week of 12 Oct —
    # 10 people, not 18 (a sum of weeks) and not only a bound
    assert period.loc["De Linde", "involved_ziek"] == 10
    assert period.loc["De Eik", "involved_ongeoorloofd"] == 5
    # in total a pupil absent for two reasons counts once: De Eik's 20 sick pupils include the 5
    # unauthorised and the 8 luxe ones (each school's first pupils are used for every category)
    assert period.loc["De Eik", "involved_total"] == 20
    # the whole school year counts the same people from pupil_category_year
    assert year.loc["De Linde", "involved_ziek"] == 10 and year.loc["De Eik", "involved_total"] == 20
    assert year.loc["Het Baken", "involved_schorsing"] == 2


def test_size_bands_are_the_national_thirds_of_the_duo_register():
    # nearest rank in the 6.589 locations: the 2.197th is 146,7 pupils, the 4.393rd 244,0
    assert q.size_band(147) == "klein (≤ 147)"
    assert q.size_band(148) == "middel (148–244)"
    assert q.size_band(244) == "middel (148–244)"
    assert q.size_band(245) == "groot (> 244)"
    assert q.size_band(None) is None


def test_over_several_school_years_a_pupil_counts_once_where_it_decides_suppression(db):
    # De Linde's sick pupils: ids 1–10 in 2020/21 (the fixture); in 2019/20 pupils 9–14 (9 and 10
    # again). Over both years: 14 people; the yearly counts only bound it: 10 (the larger year) to 16.
    with db.begin() as conn:
        conn.execute(insert(models.Absence), [
            dict(pupil_id=p, school_id=LINDE, date=D(2020, 3, 2), hours=5.5, code="ZIE", category="ziek")
            for p in range(9, 15)])
        aggregates.refresh_absence(conn, {LINDE}, D(2020, 3, 2), D(2020, 3, 2))
    window = q.Window.for_school_years(2019, 2020)
    with db.connect() as conn:
        at_fifteen = by_name(q.school_comparison(conn, window, DAYS, HOURS, PERSISTENT, exact_below=15).schools)
        at_five = by_name(q.school_comparison(conn, window, DAYS, HOURS, PERSISTENT, exact_below=5).schools)
    # threshold 15 lies between the bounds: counted, 14 → hidden
    assert at_fifteen.loc["De Linde", "involved_ziek"] == 14
    # threshold 5 lies below both: the lower bound (10) already says "shown", no recount
    assert at_five.loc["De Linde", "involved_ziek"] == 10
