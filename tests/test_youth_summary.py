"""The officers' list and its category filter for any reference date, on the hand-made
municipality of tests/fixtures/youths.py (SQLite and PostgreSQL), and after an incremental
refresh of the summaries they read (pupil_year, pupil_category_year, signal16).

Every expected value is worked out by hand from the fixture's rows (its docstring gives the
calendar: school from Mon 31 Aug 2020, autumn holiday 17–25 Oct, no other holiday until the
summer; 5,5 school hours a day; persistent from 10 %, severe from 50 %; 16-hour rule over 4
school weeks, approaching from 10 h; frequent lateness from 10 times).

Replaces the comparisons with a copy of the list as it was before the summaries. Behaviours
those covered, and where they are stated now:
- totals of the school year summed up to the reference date for a pupil with absence after it
  (``test_on_a_date_before_a_pupils_later_absence_only_the_hours_up_to_it_count``);
- the window during a holiday and hours registered in it
  (``test_in_the_autumn_holiday_the_window_is_the_four_school_weeks_before_it``);
- possible hours to date, so persistence changes with the reference date (every date test);
- a date across the calendar year (``test_in_january_the_signals_of_the_autumn_stay_and_persistence_thins``);
- a new school year without absence: only open cases (``test_a_new_school_year_lists_only_open_cases``);
- the first school day, before any absence or case (``test_on_the_first_school_day_nobody_is_listed``);
- another lateness threshold (``test_another_lateness_threshold_lists_both_late_pupils``);
- the category filter per date, the latest absence date and the registered categories
  (``test_the_category_filter_counts_a_pupil_from_the_first_day_of_the_category``);
- exactness after an incremental refresh and after a removed school history
  (``test_an_incremental_refresh_*``, ``test_a_pupils_whole_history_at_a_school_removed_leaves_no_trace``);
- migration 0005 filling the category summary (``test_migration_0005_*``).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import delete, insert, text

from data_access import aggregates
from data_access.definitions import DEFAULTS
from data_access.models import Absence
from data_access.queries import youths
from data_access.schema import alembic_config
from fixtures.youths import TODAY

D = dt.date
# the columns the tests below state, per listed pupil
SHOWN = ("signals", "signals16", "unreported_signals", "window_hours", "unauthorised_hours", "absence_hours",
         "late_count", "possible_hours")


def listed(db, today, late_threshold: int = DEFAULTS.late_count) -> dict[str, dict]:
    """The list at ``today`` as {pseudonym: {column: value}} for the columns in SHOWN."""
    with db.connect() as conn:
        frame = youths.youth_list(conn, today, dataclasses.replace(DEFAULTS, late_count=late_threshold))
    return {row["pseudonym"]: {c: row[c] for c in SHOWN} for _, row in frame.iterrows()}


def row(signals, window=0.0, unauthorised=0.0, absence=0.0, late=0, possible=0.0, signals16=0, unreported=0):
    return dict(signals=signals, signals16=signals16, unreported_signals=unreported, window_hours=window,
                unauthorised_hours=unauthorised, absence_hours=absence, late_count=late, possible_hours=possible)


def refresh(conn, schools, start, end) -> None:
    """What an import does after replacing or adding absence of ``schools`` between the dates."""
    aggregates.refresh_absence(conn, schools, start, end)


def categories(db, names, today) -> set[str]:
    with db.connect() as conn:
        ids = youths.pupils_with_categories(conn, names, today)
    return {PSEUDONYMS[i] for i in ids}


PSEUDONYMS = {1: "P-EXACT", 2: "P-OVER", 3: "P-VAKANTIE", 4: "P-MELDING", 5: "P-LAAT", 6: "P-LAAT9", 7: "P-LANG",
              8: "P-ONDER", 9: "P-ERNSTIG", 10: "P-ZAAK", 11: "P-GESLOTEN"}


# --- the list at other reference dates -------------------------------------------------------


def test_on_the_first_school_day_nobody_is_listed(youths_read_only):
    """Mon 31 Aug 2020: no absence registered yet, and both cases open later (1 and 15 Sep)."""
    with youths_read_only.connect() as conn:
        frame = youths.youth_list(conn, D(2020, 8, 31), DEFAULTS)
    assert frame.empty and list(frame.columns) == youths.LIST_COLUMNS


def test_early_in_the_year_a_few_sick_days_are_already_persistent_or_severe(youths_read_only):
    """Tue 15 Sep 2020: 12 school days since Mon 31 Aug."""
    possible = 66.0  # 12 days × 5,5 h
    assert listed(youths_read_only, D(2020, 9, 15)) == {
        "P-LAAT": row(("te_laat",), late=10, absence=2.5, possible=possible),  # late 1–14 Sep: 10 × 0,25 h
        # 7–11 Sep sick: 27,5 / 66 = 41,7 % → persistent (10 %), not severe (50 %)
        "P-LANG": row(("langdurig",), absence=27.5, possible=possible),
        "P-ONDER": row(("langdurig",), absence=22.0, possible=possible),  # 7–10 Sep: 22 / 66 = 33,3 %
        # sick every school day 1–15 Sep: 11 × 5,5 = 60,5 h / 66 = 91,7 % → severe
        "P-ERNSTIG": row(("ernstig",), absence=60.5, possible=possible),
        "P-ZAAK": row((), possible=possible),  # case opened today
        "P-GESLOTEN": row((), possible=possible),  # case open until 1 Oct
    }


def test_in_the_autumn_holiday_the_window_is_the_four_school_weeks_before_it(youths_read_only):
    """Wed 21 Oct 2020, inside the autumn holiday: the window is the weeks of 21 Sep – 12 Oct; the
    8 h P-VAKANTIE has registered on Tue 20 Oct (a holiday) count in the year's total but in no
    window."""
    possible = 192.5  # 31 Aug – 16 Oct: 7 school weeks × 5 days × 5,5 h; the holiday adds none
    assert listed(youths_read_only, D(2020, 10, 21)) == {
        # 6 h on 5 Oct + 6 h on 12 Oct = 12 h in the window: approaching (10 – 16 h);
        # 20 h in all / 192,5 = 10,4 %: persistent as well
        "P-VAKANTIE": row(("bijna_16", "langdurig"), window=12.0, unauthorised=20.0, absence=20.0, possible=possible),
        "P-LAAT": row(("te_laat",), late=10, absence=2.5, possible=possible),
        "P-LANG": row(("langdurig",), absence=27.5, possible=possible),  # 27,5 / 192,5 = 14,3 %
        "P-ONDER": row(("langdurig",), absence=22.0, possible=possible),  # 22 / 192,5 = 11,4 %
        "P-ERNSTIG": row(("ernstig",), absence=137.5, possible=possible),  # 137,5 / 192,5 = 71,4 %
        "P-ZAAK": row((), possible=possible),
        "P-GESLOTEN": row((), possible=possible),  # closed on 1 Oct: closed this school year
    }


def test_on_a_date_before_a_pupils_later_absence_only_the_hours_up_to_it_count(youths_read_only):
    """Tue 3 Nov 2020. P-ERNSTIG's year total (138,5 h) holds 1 h of 13 Nov: on 3 Nov 137,5 h
    count. P-EXACT and P-OVER have 8 h in the window: below 10, not listed."""
    possible = 231.0  # 31 Aug – 3 Nov: 8 school weeks × 5 + Mon 2 and Tue 3 Nov = 42 days × 5,5 h
    assert listed(youths_read_only, D(2020, 11, 3)) == {
        # 6 + 6 + 5 = 17 h over the weeks of 5 Oct, 12 Oct, 26 Oct and 2 Nov: signal on Mon 2 Nov,
        # no melding; the count restarts after it: 0 h in the window. 25 h / 231 = 10,8 %: persistent
        "P-VAKANTIE": row(("16_uur", "langdurig"), signals16=1, unreported=1, unauthorised=25.0, absence=25.0,
                          possible=possible),
        # 6 h on Mon 2 and Tue 3 Nov = 12 h: approaching (the melding of 3 Nov answers no signal yet)
        "P-MELDING": row(("bijna_16",), window=12.0, unauthorised=12.0, absence=12.0, possible=possible),
        "P-LAAT": row(("te_laat",), late=10, absence=2.5, possible=possible),
        "P-LANG": row(("langdurig",), absence=27.5, possible=possible),  # 27,5 / 231 = 11,9 %
        "P-ERNSTIG": row(("ernstig",), absence=137.5, possible=possible),  # 137,5 / 231 = 59,5 %
        "P-ZAAK": row((), possible=possible),
        "P-GESLOTEN": row((), possible=possible),
    }


def test_in_january_the_signals_of_the_autumn_stay_and_persistence_thins(youths_read_only):
    """Mon 4 Jan 2021, across the calendar year but in the same school year (the fixture has no
    Christmas holiday): the window (weeks of 14 Dec – 4 Jan) holds no absence."""
    possible = 473.0  # 31 Aug – 1 Jan: 18 weeks − 1 holiday week = 85 days, + Mon 4 Jan = 86 × 5,5 h
    assert listed(youths_read_only, D(2021, 1, 4)) == {
        "P-OVER": row(("16_uur",), signals16=1, unreported=1, unauthorised=16.5, absence=16.5, possible=possible),
        "P-VAKANTIE": row(("16_uur",), signals16=1, unreported=1, unauthorised=25.0, absence=25.0,
                          possible=possible),
        # answered by the melding of 3 Nov: a signal, but not "niet gemeld"
        "P-MELDING": row(("16_uur",), signals16=1, unauthorised=24.0, absence=24.0, possible=possible),
        "P-LAAT": row(("te_laat",), late=10, absence=2.5, possible=possible),
        # 138,5 / 473 = 29,3 %: persistent, no longer severe; P-LANG's 27,5 / 473 = 5,8 % drops out
        "P-ERNSTIG": row(("langdurig",), absence=138.5, possible=possible),
        "P-ZAAK": row((), possible=possible),
        "P-GESLOTEN": row((), possible=possible),
    }


def test_a_new_school_year_lists_only_open_cases(youths_read_only):
    """Mon 20 Sep 2021 (school year 2021/22, no absence registered): no signal of last year
    carries over; P-ZAAK's and P-OVER's cases are open, P-GESLOTEN's closed last year."""
    rows = listed(youths_read_only, D(2021, 9, 20))
    assert set(rows) == {"P-OVER", "P-ZAAK"}
    assert all(r["signals"] == () and r["signals16"] == 0 and r["absence_hours"] == 0.0 for r in rows.values())


def test_another_lateness_threshold_lists_both_late_pupils(youths_read_only):
    # threshold 3: P-LAAT (10 times) and P-LAAT9 (9 times) are both late often
    rows = listed(youths_read_only, TODAY, late_threshold=3)
    assert rows["P-LAAT"]["signals"] == ("te_laat",) and rows["P-LAAT9"]["signals"] == ("te_laat",)
    assert rows["P-LAAT9"]["late_count"] == 9


# --- the category filter -----------------------------------------------------------------------


def test_the_category_filter_counts_a_pupil_from_the_first_day_of_the_category(youths_read_only):
    # sick: P-ERNSTIG from Tue 1 Sep, P-LANG and P-ONDER from Mon 7 Sep
    assert categories(youths_read_only, ["ziek"], D(2020, 9, 4)) == {"P-ERNSTIG"}
    assert categories(youths_read_only, ["ziek"], D(2020, 9, 7)) == {"P-ERNSTIG", "P-LANG", "P-ONDER"}
    # unauthorised: P-VAKANTIE from 5 Oct, the others from 2 Nov; one of two categories is enough
    assert categories(youths_read_only, ["ongeoorloofd"], D(2020, 10, 12)) == {"P-VAKANTIE"}
    assert categories(youths_read_only, ["ongeoorloofd", "te_laat"], TODAY) == {
        "P-EXACT", "P-OVER", "P-VAKANTIE", "P-MELDING", "P-LAAT", "P-LAAT9"}
    # authorised: only P-ERNSTIG's hour on the reference date itself
    assert categories(youths_read_only, ["geoorloofd"], D(2020, 11, 12)) == set()
    assert categories(youths_read_only, ["geoorloofd"], TODAY) == {"P-ERNSTIG"}
    assert categories(youths_read_only, ["schorsing", "luxe"], TODAY) == set()
    assert categories(youths_read_only, [], TODAY) == set()
    # a new school year starts empty
    assert categories(youths_read_only, ["ziek"], D(2021, 9, 20)) == set()
    with youths_read_only.connect() as conn:
        assert youths.latest_absence_date(conn) == TODAY
        assert youths.registered_categories(conn) == ("geoorloofd", "ongeoorloofd", "te_laat", "ziek")


# --- after an incremental refresh -------------------------------------------------------------


def test_an_incremental_refresh_shows_added_and_removed_absence(any_youths_db):
    """An import adds absence of P-ONDER (school 2) in a new category and replaces November at
    school 1 with nothing; refresh_absence for those schools and dates only."""
    with any_youths_db.begin() as conn:
        conn.execute(insert(Absence), [
            dict(pupil_id=8, school_id=2, date=D(2020, 11, 2), hours=5.5, code="SCH", category="schorsing"),
            dict(pupil_id=8, school_id=2, date=D(2020, 11, 3), hours=10.0, code="A", category="ongeoorloofd"),
        ])
        refresh(conn, {2}, D(2020, 11, 2), D(2020, 11, 3))
        conn.execute(delete(Absence).where(Absence.school_id == 1, Absence.date.between(D(2020, 11, 1),
                                                                                          D(2020, 11, 30))))
        refresh(conn, {1}, D(2020, 11, 1), D(2020, 11, 30))
    rows = listed(any_youths_db, TODAY)
    # 22 + 5,5 + 10 = 37,5 h / 275 = 13,6 %: persistent; 10 h unauthorised in the window: approaching
    assert rows["P-ONDER"] == row(("bijna_16", "langdurig"), window=10.0, unauthorised=10.0, absence=37.5,
                                  possible=275.0)
    assert "P-EXACT" not in rows  # its 16 h of November are gone
    assert rows["P-OVER"] == row((), possible=275.0)  # listed for its case only: the signal is gone
    assert rows["P-ERNSTIG"]["absence_hours"] == 137.5  # the 1 h of 13 Nov is gone: 137,5 / 275 = 50 %
    assert rows["P-ERNSTIG"]["signals"] == ("ernstig",)
    assert categories(any_youths_db, ["schorsing"], TODAY) == {"P-ONDER"}
    assert categories(any_youths_db, ["schorsing"], D(2020, 11, 1)) == set()
    assert categories(any_youths_db, ["geoorloofd"], TODAY) == set()
    assert categories(any_youths_db, ["ongeoorloofd"], TODAY) == {"P-VAKANTIE", "P-MELDING", "P-ONDER"}
    with any_youths_db.connect() as conn:
        assert youths.latest_absence_date(conn) == D(2020, 11, 5)  # P-MELDING's last day at school 2
        assert youths.registered_categories(conn) == ("ongeoorloofd", "schorsing", "te_laat", "ziek")


def test_a_pupils_whole_history_at_a_school_removed_leaves_no_trace(youths_db):
    """P-LAAT9 (school 1) registered at school 2 by mistake: 5 h unauthorised on Mon 2 – Thu
    5 Nov → 15 h on Wed, 20 h on Thu: a signal on 5 Nov. A replace-period import removes it
    again; after refresh_absence for school 2 alone the pupil is as before, though no absence
    row of the pupil at school 2 is left to find it by."""
    days = [D(2020, 11, 2 + i) for i in range(4)]

    def state():
        with youths_db.connect() as conn:
            return (conn.execute(text("SELECT absence_hours, unauthorised_hours, late_count FROM pupil_year "
                                      "WHERE pupil_id = 6")).all(),
                    conn.execute(text("SELECT signal_on, hours FROM signal16 WHERE pupil_id = 6")).all())

    assert state()[1] == [] and "P-LAAT9" not in listed(youths_db, TODAY)
    before = state()
    with youths_db.begin() as conn:
        conn.execute(insert(Absence), [dict(pupil_id=6, school_id=2, date=d, hours=5.0, code="A",
                                            category="ongeoorloofd") for d in days])
        refresh(conn, {2}, days[0], days[-1])
    during = listed(youths_db, TODAY)["P-LAAT9"]
    # 9 × 0,25 h late + 20 h = 22,25 h; signal on Thu 5 Nov, nothing after it in the window
    assert during == row(("16_uur",), signals16=1, unreported=1, unauthorised=20.0, absence=22.25, late=9,
                         possible=275.0)
    assert "P-LAAT9" in categories(youths_db, ["ongeoorloofd"], TODAY)

    with youths_db.begin() as conn:
        conn.execute(delete(Absence).where(Absence.pupil_id == 6, Absence.school_id == 2))
        refresh(conn, {2}, days[0], days[-1])
    assert state() == before
    assert "P-LAAT9" not in listed(youths_db, TODAY)
    assert "P-LAAT9" not in categories(youths_db, ["ongeoorloofd"], TODAY)


def test_migration_0005_fills_the_category_summary_of_an_existing_database(any_youths_db):
    """Down to 0004 (no category summary) and up again: the migration fills pupil_category_year
    and the list reads the summaries as before the round trip."""
    from alembic import command

    expected = {"ziek": {"P-LANG", "P-ONDER", "P-ERNSTIG"}, "te_laat": {"P-LAAT", "P-LAAT9"},
                "ongeoorloofd": {"P-EXACT", "P-OVER", "P-VAKANTIE", "P-MELDING"}}
    cfg = alembic_config()
    with any_youths_db.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    with any_youths_db.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    assert {c: categories(any_youths_db, [c], TODAY) for c in expected} == expected
    assert set(listed(any_youths_db, TODAY)) == {"P-EXACT", "P-OVER", "P-VAKANTIE", "P-MELDING", "P-LAAT", "P-LANG",
                                                  "P-ERNSTIG", "P-ZAAK", "P-GESLOTEN"}


@pytest.mark.parametrize("today", [D(2020, 9, 15), D(2020, 11, 3)], ids=str)
def test_an_absence_after_the_reference_date_changes_nothing_before_it(youths_db, today):
    """An hour registered on 13 Nov is not seen on earlier dates: the list on 15 Sep and 3 Nov is
    the same with or without P-ERNSTIG's authorised hour of 13 Nov (pupil_year holds it)."""
    with_hour = listed(youths_db, today)
    with youths_db.begin() as conn:
        conn.execute(delete(Absence).where(Absence.pupil_id == 9, Absence.date == TODAY))
        refresh(conn, {1}, TODAY, TODAY)
    assert listed(youths_db, today) == with_hour
