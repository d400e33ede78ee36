"""Periods and baselines: the choice of normal school weeks around holidays (worked out by hand on a
calendar drawn below), window arithmetic, and beheer adding or correcting periods (validated, audited).

School year 2019/20 around the first closure (Mondays):
  23-12, 30-12  Christmas holiday (Sat 21-12 – Sun 05-01)       → no baseline week
  06-01, 13-01  normal
  20-01         holiday Wed 22-01 – Fri 24-01 (part of the week) → no baseline week
  27-01, 03-02, 10-02  normal
  17-02         spring holiday (Sat 15-02 – Sun 23-02)          → no baseline week
  24-02         normal
  02-03         normal, with a study day on Wed 04-03 (4 school days; still a baseline week)
  09-03         normal for primary; a VO-only COVID period (secondary schools only)
  16-03 – 10-04 THE PERIOD (4 school weeks, 20 school days)
  13-04, 20-04  normal
  27-04         May holiday (Sat 25-04 – Sun 03-05)              → no baseline week
  04-05         normal
  11-05 – 07-06 partly open (covid_gedeeltelijk, primary)      → no baseline week
  08-06         normal
"""
import datetime as dt
import json

import pytest
from sqlalchemy import select

from data_access import periods
from data_access.definitions.calendar import SchoolCalendar
from data_access.models import AuditEvent, Period
from data_access.periods import PeriodError, PeriodRow, Window

D = dt.date
HOLIDAYS = [(D(2019, 12, 21), D(2020, 1, 5)), (D(2020, 1, 22), D(2020, 1, 24)), (D(2020, 2, 15), D(2020, 2, 23)),
            (D(2020, 4, 25), D(2020, 5, 3))]
STUDY_DAY = (D(2020, 3, 4), D(2020, 3, 4))
PERIOD = PeriodRow(1, "Eerste sluiting", "covid_sluiting", "BAO", D(2020, 3, 16), D(2020, 4, 10))
PARTLY_OPEN = (D(2020, 5, 11), D(2020, 6, 7))
VO_ONLY = (D(2020, 3, 9), D(2020, 3, 13))
BLOCKED_PRIMARY = HOLIDAYS + [(PERIOD.start, PERIOD.end), PARTLY_OPEN]
BLOCKED_SECONDARY = HOLIDAYS + [(PERIOD.start, PERIOD.end), VO_ONLY]
CALENDAR = SchoolCalendar.from_periods(HOLIDAYS + [STUDY_DAY])


def mondays(*days: tuple[int, int]) -> list[dt.date]:
    return [D(2020, m, d) for d, m in days]


def test_period_of_four_weeks_asks_for_four_baseline_weeks():
    window = periods.period_window(PERIOD, CALENDAR)
    assert window.school_days == 20
    assert periods.baseline_week_count(window) == 4


def test_a_holiday_inside_a_period_makes_it_shorter():
    # 20-04 … 10-05: 5 school days, the May holiday week, 5 school days → 2 school weeks
    around_may = PeriodRow(2, "Rond mei", "covid_sluiting", "BAO", D(2020, 4, 20), D(2020, 5, 10))
    assert periods.baseline_week_count(periods.period_window(around_may, CALENDAR)) == 2


def test_baseline_before_skips_the_spring_holiday_but_not_a_study_day():
    chosen = periods.baseline_mondays(PERIOD.start, PERIOD.end, 4, BLOCKED_PRIMARY, "before")
    assert chosen == mondays((10, 2), (24, 2), (2, 3), (9, 3))


def test_baseline_before_skips_a_week_with_a_holiday_on_some_days_only():
    chosen = periods.baseline_mondays(PERIOD.start, PERIOD.end, 8, BLOCKED_PRIMARY, "before")
    # back from 09-03: 09-03, 02-03, 24-02, (17-02 holiday), 10-02, 03-02, 27-01, (20-01 Wed–Fri off), 13-01, 06-01
    assert chosen == mondays((6, 1), (13, 1), (27, 1), (3, 2), (10, 2), (24, 2), (2, 3), (9, 3))


def test_a_covid_period_of_another_sector_does_not_block_but_one_of_its_own_does():
    secondary = periods.baseline_mondays(PERIOD.start, PERIOD.end, 4, BLOCKED_SECONDARY, "before")
    assert secondary == mondays((3, 2), (10, 2), (24, 2), (2, 3))  # 09-03 blocked for VO only


def test_baseline_after_skips_the_may_holiday_and_the_partly_open_weeks():
    chosen = periods.baseline_mondays(PERIOD.start, PERIOD.end, 4, BLOCKED_PRIMARY, "after")
    assert chosen == mondays((13, 4), (20, 4), (4, 5), (8, 6))


def test_baseline_before_and_after_takes_the_nearest_weeks_in_turn():
    chosen = periods.baseline_mondays(PERIOD.start, PERIOD.end, 4, BLOCKED_PRIMARY, "both")
    assert chosen == mondays((2, 3), (9, 3), (13, 4), (20, 4))


def test_baseline_stops_where_the_data_starts_and_the_other_side_fills_up():
    # contacts recorded from Wed 04-03: the week of 02-03 is not complete, so only 09-03 before
    chosen = periods.baseline_mondays(PERIOD.start, PERIOD.end, 4, BLOCKED_PRIMARY, "both",
                                      earliest=D(2020, 3, 4))
    assert chosen == mondays((9, 3), (13, 4), (20, 4), (4, 5))
    only_before = periods.baseline_mondays(PERIOD.start, PERIOD.end, 4, BLOCKED_PRIMARY, "before",
                                           earliest=D(2020, 3, 4))
    assert only_before == mondays((9, 3))  # a shorter baseline rather than weeks without data


def test_baseline_after_stops_at_the_last_day_with_data():
    chosen = periods.baseline_mondays(PERIOD.start, PERIOD.end, 4, BLOCKED_PRIMARY, "after",
                                      latest=D(2020, 4, 23))  # Thursday: week of 20-04 incomplete
    assert chosen == mondays((13, 4))


def test_baseline_window_merges_consecutive_weeks_and_counts_school_days():
    window = periods.window_of_weeks(mondays((10, 2), (24, 2), (2, 3), (9, 3)), CALENDAR)
    assert window.ranges == ((D(2020, 2, 10), D(2020, 2, 16)), (D(2020, 2, 24), D(2020, 3, 15)))
    assert window.school_days == 19  # 5 + 5 + 4 (study day) + 5
    assert window.school_weeks == pytest.approx(3.8)


def test_window_days_skip_the_gaps():
    window = Window(((D(2020, 2, 24), D(2020, 3, 1)), (D(2020, 3, 9), D(2020, 3, 15))), 10)
    assert window.days_between(D(2020, 2, 24), D(2020, 3, 10)) == 8  # 7 days + Monday 09-03
    assert window.days_between(D(2020, 2, 26), D(2020, 2, 26)) == 0
    assert window.first_day_from(D(2020, 3, 2)) == D(2020, 3, 9)   # opened in the gap
    assert window.first_day_from(D(2019, 12, 1)) == D(2020, 2, 24)
    assert window.first_day_from(D(2020, 3, 16)) is None


def test_unknown_baseline_direction_is_refused():
    with pytest.raises(ValueError):
        periods.baseline_mondays(PERIOD.start, PERIOD.end, 4, BLOCKED_PRIMARY, "sideways")


# --- periods in the database ----------------------------------------------------------------


def add(conn, name, kind, sector, start, end):
    return periods.add_period(conn, name=name, kind=kind, sector=sector, start=start, end=end, username="beheer")


def test_periods_of_a_sector_group_include_those_for_all_sectors(engine):
    with engine.begin() as conn:
        add(conn, "Sluiting PO", "covid_sluiting", "BAO", D(2020, 3, 16), D(2020, 6, 7))
        add(conn, "Sluiting VO", "covid_sluiting", "VO", D(2020, 3, 16), D(2020, 6, 1))
        add(conn, "Sluiting SO", "covid_gedeeltelijk", "SO", D(2020, 5, 11), D(2020, 6, 7))
        add(conn, "Meivakantie", "vakantie", None, D(2020, 4, 25), D(2020, 5, 3))
    with engine.connect() as conn:
        primary = [p.name for p in periods.covid_periods(conn, "PO")]
        secondary = [p.name for p in periods.covid_periods(conn, "VO")]
        blocked_vo = periods.blocked_ranges(conn, "VO")
    assert primary == ["Sluiting PO", "Sluiting SO"]
    assert secondary == ["Sluiting VO"]
    assert blocked_vo == [(D(2020, 3, 16), D(2020, 6, 1)), (D(2020, 4, 25), D(2020, 5, 3))]


@pytest.mark.parametrize("fields, message", [
    (dict(name=" "), "naam"),
    (dict(kind="lockdown"), "soort"),
    (dict(sector="MBO"), "sector"),
    (dict(start=D(2020, 6, 8), end=D(2020, 6, 7)), "begindatum ligt na de einddatum"),
])
def test_a_wrong_period_is_refused_and_nothing_is_written(engine, fields, message):
    values = dict(name="Sluiting", kind="covid_sluiting", sector="BAO", start=D(2020, 3, 16), end=D(2020, 6, 7))
    values.update(fields)
    with engine.begin() as conn, pytest.raises(PeriodError, match=message):
        periods.add_period(conn, username="beheer", **values)
    with engine.connect() as conn:
        assert conn.execute(select(Period)).first() is None
        assert conn.execute(select(AuditEvent)).first() is None


def test_adding_and_correcting_a_period_is_audited(engine):
    with engine.begin() as conn:
        period_id = add(conn, "Eerste sluiting", "covid_sluiting", "BAO", D(2020, 3, 16), D(2020, 6, 8))
    with engine.begin() as conn:
        periods.update_period(conn, period_id, name="Eerste sluiting", kind="covid_sluiting", sector="BAO",
                              start=D(2020, 3, 16), end=D(2020, 6, 7), username="beheer")
    with engine.connect() as conn:
        stored = periods.period_by_id(conn, period_id)
        events = conn.execute(select(AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id,
                                     AuditEvent.username, AuditEvent.details).order_by(AuditEvent.id)).all()
    assert stored.end == D(2020, 6, 7)
    assert [(e.action, e.object_type, e.object_id, e.username) for e in events] == [
        ("periode_toegevoegd", "periode", str(period_id), "beheer"),
        ("periode_gewijzigd", "periode", str(period_id), "beheer"),
    ]
    change = json.loads(events[1].details)
    assert change["oud"]["end"] == "2020-06-08" and change["nieuw"]["end"] == "2020-06-07"


def test_correcting_a_period_that_does_not_exist_is_refused(engine):
    with engine.begin() as conn, pytest.raises(PeriodError, match="bestaat niet"):
        periods.update_period(conn, 999, name="X", kind="vakantie", sector=None, start=D(2020, 1, 1),
                              end=D(2020, 1, 2), username="beheer")


# --- episodes: adjacent COVID periods taken together ---------------------------------------


def row(id_, name, kind, start, end, sector="BAO"):
    return PeriodRow(id_, name, kind, sector, start, end)


FIRST = row(1, "Eerste schoolsluiting (COVID-19)", "covid_sluiting", D(2020, 3, 16), D(2020, 5, 10))
HALF = row(2, "Halve groepen (COVID-19)", "covid_gedeeltelijk", D(2020, 5, 11), D(2020, 6, 7))
SECOND = row(3, "Tweede schoolsluiting (COVID-19)", "covid_sluiting", D(2020, 12, 16), D(2021, 2, 7))


def test_closure_and_half_groups_make_one_episode_from_closing_to_fully_open():
    [episode] = periods.covid_episodes([SECOND, HALF, FIRST])
    assert (episode.start, episode.end, episode.key) == (D(2020, 3, 16), D(2020, 6, 7), (1, 2))
    assert episode.name == "Eerste schoolsluiting t/m Halve groepen (COVID-19)"


def test_the_same_period_stored_for_bao_and_sbao_is_offered_once(engine):
    with engine.begin() as conn:
        for sector in ("BAO", "SBAO"):
            add(conn, FIRST.name, FIRST.kind, sector, FIRST.start, FIRST.end)
            add(conn, HALF.name, HALF.kind, sector, HALF.start, HALF.end)
    with engine.connect() as conn:
        choices = periods.period_choices(conn, "PO")
        episode = choices[0]
        again = periods.period_by_key(conn, episode.key)
    assert [(c.name, c.start, c.end) for c in choices] == [
        ("Eerste schoolsluiting t/m Halve groepen (COVID-19)", D(2020, 3, 16), D(2020, 6, 7)),
        (FIRST.name, FIRST.start, FIRST.end),
        (HALF.name, HALF.start, HALF.end),
    ]
    assert again == episode
