"""The officers' list and its category filter read summaries and indexes (pupil_year,
pupil_category_year, migration 0005): they must give exactly what the straightforward
computation from the raw rows gives, for any reference date, and stay so after an incremental
refresh.

The straightforward computation is the list as it was before the summaries (below, verbatim
apart from names): per-pupil absence scans, the category filter as an EXISTS over absence.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import String, case, cast, delete, func, insert, or_, select, text

from data_access import aggregates
from data_access.db import make_engine
from data_access.definitions import DEFAULTS
from data_access.metrics import (
    UNAUTHORISED,
    persistence_level,
    school_year_bounds,
    school_year_of,
)
from data_access.models import Absence, Concern, Contact, Pupil, PupilYear, School, Signal16, Verzuimmelding
from data_access.queries import youths
from data_access.queries.youths import (
    LIST_COLUMNS,
    NO_CASE,
    TOTAL_COLUMNS,
    _cases_this_year,
    _frame,
    _signal16_per_pupil,
    _signal_combinations,
    _totals_up_to,
    _tuples,
    current_window,
    possible_hours_by_sector,
)
from data_access.schema import alembic_config
from test_youths_fixture import TODAY, any_fixture_db  # noqa: F401  (fixture)

D = dt.date

# Demo (today 30-06-2025): holidays 2024/25 autumn 19–27 Oct, Christmas 21 Dec – 5 Jan,
# spring 15–23 Feb, May 26 Apr – 4 May, summer from 12 Jul; summer 2024 until 18 Aug.
DEMO_DATES = [
    D(2025, 6, 30),   # the demo's today: the latest absence
    D(2024, 10, 23),  # inside the autumn holiday: the window is the four school weeks before it
    D(2025, 1, 2),    # inside the Christmas holiday, across the calendar year
    D(2025, 3, 12),   # before the latest absence: totals summed up to today for most pupils
    D(2024, 8, 20),   # summer holiday, new school year: the window lies in the previous year
    D(2024, 9, 2),    # first school day
    D(2025, 7, 20),   # summer holiday after the latest absence
    D(2025, 9, 15),   # next school year, no absence yet: cases only
]


# --- the straightforward computation (the list before the summaries) ---------------------


def reference_youth_list(conn, today, late_threshold=DEFAULTS.late_count) -> pd.DataFrame:
    year = school_year_of(today)
    start, _ = school_year_bounds(year)
    possible = possible_hours_by_sector(conn, today, DEFAULTS.hours_per_day)
    least_possible = min((h for h in possible.values() if h > 0), default=0.0)
    signals = _signal16_per_pupil(conn, start, today)
    window = _reference_window_hours(conn, year, today)
    cases = _cases_this_year(conn, start, today)
    frame = _reference_pupils_with_totals(conn, year, start, today, late_threshold, least_possible)
    if frame.empty:
        return pd.DataFrame(columns=LIST_COLUMNS)
    contacts = _reference_last_contacts(conn)
    frame = frame.join(signals).join(window).join(cases).join(contacts.reindex(frame.index))
    frame = _reference_derive_signals(frame, possible, late_threshold)
    keep = frame["signals"].map(bool) | frame["concern_id"].notna()
    return frame.loc[keep].reset_index()[LIST_COLUMNS]


def reference_pupils_with_categories(conn, categories, today) -> frozenset[int]:
    if not categories:
        return frozenset()
    year = school_year_of(today)
    start, _ = school_year_bounds(year)
    match = (select(Absence.id).where(Absence.pupil_id == PupilYear.pupil_id, Absence.date.between(start, today),
                                      Absence.category.in_(list(categories))).exists())
    rows = conn.execute(select(PupilYear.pupil_id).where(PupilYear.school_year == year, match))
    return frozenset(r for (r,) in rows)


PUPIL_COLUMNS = ["pupil_id", "pseudonym", "first_name", "last_name", "birth_date", "grade", "school_id"]


def _pupil_columns():
    return (Pupil.id, Pupil.pseudonym, Pupil.first_name, Pupil.last_name, cast(Pupil.birth_date, String(10)),
            Pupil.grade, Pupil.school_id)


def _reference_pupils_with_totals(conn, year, start, today, late_threshold, least_possible) -> pd.DataFrame:
    py = PupilYear
    with_case = (select(Concern.pupil_id)
                 .where(Concern.opened_on <= today, or_(Concern.closed_on.is_(None), Concern.closed_on >= start)))
    interesting = or_(py.unauthorised_hours > 0, py.late_count >= late_threshold,
                      py.absence_hours >= 0.10 * least_possible, py.pupil_id.in_(with_case))
    rows = conn.execute(
        select(*_pupil_columns(), py.absence_hours, py.unauthorised_hours, py.late_count,
               (py.last_absence_on > today).label("absence_after_today"))
        .select_from(py).join(Pupil, Pupil.id == py.pupil_id)
        .where(py.school_year == year, interesting)
    ).all()
    frame = pd.DataFrame(_tuples(rows), columns=[*PUPIL_COLUMNS, *TOTAL_COLUMNS, "absence_after_today"])
    without_absence = conn.execute(
        select(*_pupil_columns())
        .where(Pupil.id.in_(with_case), Pupil.id.not_in(select(py.pupil_id).where(py.school_year == year)))
    ).all()
    if without_absence:
        extra = pd.DataFrame(_tuples(without_absence), columns=PUPIL_COLUMNS).assign(
            absence_hours=0.0, unauthorised_hours=0.0, late_count=0, absence_after_today=False)
        frame = pd.concat([frame, extra], ignore_index=True) if not frame.empty else extra
    frame = frame.set_index("pupil_id")
    later = frame.index[frame["absence_after_today"].fillna(False).astype(bool)]
    if len(later):
        partial = _totals_up_to(conn, year, start, today)
        frame.loc[later, TOTAL_COLUMNS] = partial.reindex(later).fillna(0).to_numpy()
    frame["name"] = (frame["first_name"].fillna("") + " " + frame["last_name"].fillna("")).str.strip()
    frame["age"] = _ages_on(frame["birth_date"], today)
    schools = pd.DataFrame(_tuples(conn.execute(select(School.id, School.name, School.swv_code, School.sector))),
                           columns=["school_id", "school", "swv_code", "sector"])
    frame = frame.reset_index().merge(schools, on="school_id", how="left").set_index("pupil_id")
    return frame.drop(columns=["first_name", "last_name", "absence_after_today", "birth_date"])


def _reference_window_hours(conn, year, today) -> pd.DataFrame:
    window = current_window(conn, today, DEFAULTS.signal_weeks)
    if not window.mondays:
        return _frame([], ["pupil_id", "window_hours"])
    last_signal = (select(Signal16.pupil_id, func.max(Signal16.signal_on).label("on"))
                   .where(Signal16.signal_on <= today).group_by(Signal16.pupil_id).subquery())
    with_unauthorised = select(PupilYear.pupil_id).where(PupilYear.school_year == year,
                                                         PupilYear.unauthorised_hours > 0)
    in_window = or_(*[Absence.date.between(first, last) for first, last in window.day_ranges()])
    rows = conn.execute(
        select(Absence.pupil_id, func.sum(Absence.hours))
        .outerjoin(last_signal, last_signal.c.pupil_id == Absence.pupil_id)
        .where(Absence.pupil_id.in_(with_unauthorised), Absence.category == UNAUTHORISED,
               Absence.date.between(window.start, today), in_window,
               or_(last_signal.c.on.is_(None), Absence.date > last_signal.c.on))
        .group_by(Absence.pupil_id)
    ).all()
    return _frame(rows, ["pupil_id", "window_hours"])


def _reference_last_contacts(conn) -> pd.DataFrame:
    direct = conn.execute(select(Contact.pupil_id, func.max(Contact.date))
                          .where(Contact.pupil_id.is_not(None)).group_by(Contact.pupil_id)).all()
    via_case = conn.execute(select(Concern.pupil_id, func.max(Contact.date))
                            .join(Concern, Concern.id == Contact.concern_id)
                            .where(Contact.pupil_id.is_(None)).group_by(Concern.pupil_id)).all()
    frame = pd.DataFrame(_tuples(direct) + _tuples(via_case), columns=["pupil_id", "last_contact_on"])
    frame = frame.sort_values("last_contact_on", kind="stable").drop_duplicates("pupil_id", keep="last")
    return frame.set_index("pupil_id")


def _reference_derive_signals(frame, possible, late_threshold) -> pd.DataFrame:
    out = frame.copy()
    for col in ("signals16", "unreported_signals", "late_count"):
        out[col] = out[col].fillna(0).astype(int)
    for col in ("window_hours", "unauthorised_hours", "absence_hours"):
        out[col] = out[col].astype(float).fillna(0.0).round(2)
    out["possible_hours"] = out["sector"].map(lambda s: possible.get(s, possible[None]))
    out["absence_share"] = (out["absence_hours"] / out["possible_hours"]).where(out["possible_hours"] > 0)
    levels = [persistence_level(a, p, DEFAULTS.persistent_share, DEFAULTS.severe_share) for a, p in zip(out["absence_hours"], out["possible_hours"])]
    out["persistence"] = pd.Series(levels, index=out.index, dtype=object)
    out["case_open"] = out["case_open"].fillna(False).astype(bool)
    out["case_status"] = out["case_status"].fillna(NO_CASE)
    flags = {
        "16_uur": out["signals16"] > 0,
        "bijna_16": out["window_hours"].between(DEFAULTS.approaching_hours - 1e-9, DEFAULTS.signal_hours + 1e-9),
        "te_laat": out["late_count"] >= late_threshold,
        "langdurig": out["persistence"] == "langdurig",
        "ernstig": out["persistence"] == "ernstig",
    }
    masks = sum(flag.astype(int) * (1 << bit) for bit, flag in enumerate(flags.values()))
    masks = masks + ((out["unreported_signals"] > 0) & flags["16_uur"]).astype(int) * (1 << len(flags))
    kinds, labels = _signal_combinations(tuple(flags), youths.signal_labels(DEFAULTS))
    out["signals"] = masks.map(kinds).astype(object)
    out["signal_labels"] = masks.map(labels).astype(object)
    out["concern_id"] = out["concern_id"].astype("Int64")
    return out


def _ages_on(birth_dates: pd.Series, today: dt.date) -> pd.Series:
    text_ = birth_dates.astype("string")
    year = pd.to_numeric(text_.str.slice(0, 4), errors="coerce")
    month_day = pd.to_numeric(text_.str.slice(5, 7), errors="coerce") * 100 + pd.to_numeric(
        text_.str.slice(8, 10), errors="coerce")
    before_birthday = month_day > today.month * 100 + today.day
    return (today.year - year - before_birthday.astype(int)).astype("Int64")


# --- comparisons ---------------------------------------------------------------------------


def assert_same_list(conn, today, late_threshold=DEFAULTS.late_count) -> pd.DataFrame:
    """The list equals the straightforward one: same rows (the fast list is in pupil order),
    same values, same column types."""
    fast = youths.youth_list(conn, today, dataclasses.replace(DEFAULTS, late_count=late_threshold))
    expected = reference_youth_list(conn, today, late_threshold)
    expected = expected.sort_values("pupil_id", kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(fast.reset_index(drop=True), expected)
    return fast


CATEGORY_SETS = [("ziek",), ("luxe",), ("ongeoorloofd", "te_laat"), ("schorsing", "onbekend", "geoorloofd")]


def assert_same_categories(conn, today) -> None:
    for categories in CATEGORY_SETS:
        assert youths.pupils_with_categories(conn, categories, today) == \
            reference_pupils_with_categories(conn, categories, today), (today, categories)
    latest = conn.execute(select(func.max(Absence.date))).scalar()
    assert youths.latest_absence_date(conn) == (None if latest is None else dt.date.fromisoformat(str(latest)[:10]))
    # the filter's choices: every category registered, as SELECT DISTINCT over absence gave them
    assert youths.registered_categories(conn) == tuple(
        c for (c,) in conn.execute(select(Absence.category).distinct().order_by(Absence.category)))


@pytest.fixture(scope="module")
def demo_conn(demo_url):
    engine = make_engine(demo_url)
    with engine.connect() as conn:
        yield conn
    engine.dispose()


@pytest.mark.parametrize("today", DEMO_DATES, ids=str)
def test_the_list_is_the_straightforward_one_for_any_reference_date(demo_conn, today):
    fast = assert_same_list(demo_conn, today)
    if today == D(2025, 6, 30):
        assert len(fast) > 100 and fast["signals"].map(len).gt(0).sum() > 50  # not a vacuous comparison
        assert (fast["window_hours"] > 0).any() and (fast["signals16"] > 0).any()


def test_the_list_is_the_straightforward_one_for_another_lateness_threshold(demo_conn):
    assert_same_list(demo_conn, D(2025, 6, 30), late_threshold=3)


@pytest.mark.parametrize("today", DEMO_DATES, ids=str)
def test_the_category_filter_is_the_straightforward_one_for_any_reference_date(demo_conn, today):
    assert_same_categories(demo_conn, today)


def test_the_category_filter_counts_a_pupil_from_its_first_absence_on(demo_conn):
    """pupil_category_year keeps the first date: a pupil counts from that day on, not before."""
    pupil, first_on = demo_conn.execute(text(
        "SELECT pupil_id, MIN(first_on) FROM pupil_category_year WHERE school_year = 2024 AND category = 'luxe' "
        "GROUP BY pupil_id ORDER BY 2 DESC, 1 LIMIT 1")).one()
    first_on = dt.date.fromisoformat(str(first_on)[:10])
    assert pupil in youths.pupils_with_categories(demo_conn, ["luxe"], first_on)
    assert pupil not in youths.pupils_with_categories(demo_conn, ["luxe"], first_on - dt.timedelta(days=1))


def test_summaries_stay_exact_after_an_incremental_refresh(demo_copy_url):
    """An import adds absence in a new category and removes a school's month (replace period);
    refresh_absence for those schools and dates keeps the list and the filter exact."""
    engine = make_engine(demo_copy_url)
    today = D(2025, 6, 30)
    with engine.begin() as conn:
        pupil, school = conn.execute(text(
            "SELECT pupil_id, school_id FROM pupil_year WHERE school_year = 2024 "
            "AND pupil_id NOT IN (SELECT pupil_id FROM absence WHERE category = 'schorsing') "
            "ORDER BY pupil_id LIMIT 1")).one()
        other_school = conn.execute(text(
            "SELECT school_id FROM absence WHERE school_id <> :s AND date BETWEEN '2025-05-01' AND '2025-05-31' "
            "GROUP BY school_id ORDER BY COUNT(*) DESC LIMIT 1"), {"s": school}).scalar()
        assert pupil not in youths.pupils_with_categories(conn, ["schorsing"], today)
        before_ziek = youths.pupils_with_categories(conn, ["ziek"], today)

        conn.execute(insert(Absence).values(pupil_id=pupil, school_id=school, date=D(2025, 6, 2), hours=5.5,
                                            code="SCH-T", category="schorsing"))
        conn.execute(insert(Absence).values(pupil_id=pupil, school_id=school, date=D(2025, 6, 3), hours=9.0,
                                            code="OG-T", category="ongeoorloofd"))
        conn.execute(delete(Absence).where(Absence.school_id == other_school,
                                           Absence.date.between(D(2025, 5, 1), D(2025, 5, 31))))
        aggregates.refresh_absence(conn, {school, other_school}, D(2025, 5, 1), D(2025, 6, 3))

        assert pupil in youths.pupils_with_categories(conn, ["schorsing"], today)
        assert pupil not in youths.pupils_with_categories(conn, ["schorsing"], D(2025, 6, 1))
        assert youths.pupils_with_categories(conn, ["ziek"], today) != before_ziek  # the removed month shows
        for day in (today, D(2025, 6, 2), D(2025, 5, 15), D(2025, 3, 12)):
            assert_same_categories(conn, day)
            assert_same_list(conn, day)
    engine.dispose()


def test_a_pupils_whole_history_at_a_school_removed_leaves_no_trace(demo_copy_url):
    """A pupil registered at a second school by mistake (20 unauthorised hours: a 16-hour signal),
    then removed again by a replace-period import: after refresh_absence for that school the
    pupil's year totals, signals and categories are as before, though no absence row of the
    pupil at that school is left to find it by."""
    engine = make_engine(demo_copy_url)
    today = D(2025, 6, 30)
    with engine.begin() as conn:
        pupil, school = conn.execute(text(
            "SELECT pupil_id, school_id FROM pupil_year WHERE school_year = 2024 AND unauthorised_hours = 0 "
            "ORDER BY pupil_id LIMIT 1")).one()
        other = conn.execute(text("SELECT MIN(id) FROM school WHERE id <> :s"), {"s": school}).scalar()

        def state():
            return (conn.execute(text("SELECT absence_hours, unauthorised_hours, late_count, last_absence_on "
                                      "FROM pupil_year WHERE pupil_id = :p AND school_year = 2024"), {"p": pupil}).all(),
                    conn.execute(text("SELECT signal_on, hours FROM signal16 WHERE pupil_id = :p"), {"p": pupil}).all(),
                    youths.pupils_with_categories(conn, ["ongeoorloofd"], today))

        before = state()
        days = [D(2025, 6, 16) + dt.timedelta(days=i) for i in range(4)]
        conn.execute(insert(Absence), [dict(pupil_id=pupil, school_id=other, date=d, hours=5.0, code="OG-T",
                                            category="ongeoorloofd") for d in days])
        aggregates.refresh_absence(conn, {other}, days[0], days[-1])
        during = state()
        assert during[0] != before[0] and len(during[1]) == len(before[1]) + 1 and pupil in during[2]
        assert_same_list(conn, today)

        conn.execute(delete(Absence).where(Absence.pupil_id == pupil, Absence.school_id == other))
        aggregates.refresh_absence(conn, {other}, days[0], days[-1])
        assert state() == before
        assert_same_list(conn, today)
        assert_same_categories(conn, today)
    engine.dispose()


@pytest.mark.parametrize("today", [TODAY, D(2020, 10, 21), D(2020, 11, 3), D(2020, 9, 15), D(2021, 1, 4)],
                         ids=str)
def test_fixture_list_and_filter_are_the_straightforward_ones_on_sqlite_and_postgresql(any_fixture_db, today):
    """The hand-made municipality (16-hour edge cases, a melding restart, the autumn holiday, cases
    without absence) on both databases; 21 Oct 2020 lies in the autumn holiday."""
    with any_fixture_db.connect() as conn:
        assert_same_list(conn, today)
        assert_same_categories(conn, today)


def test_migration_0005_fills_the_category_summary_of_an_existing_database(any_fixture_db):
    """Down to 0004 (no summary) and up again: the migration fills pupil_category_year."""
    from alembic import command

    with any_fixture_db.connect() as conn:
        expected = {c: youths.pupils_with_categories(conn, [c], TODAY) for c in ("ziek", "te_laat", "ongeoorloofd")}
    assert all(expected.values())
    cfg = alembic_config()
    with any_fixture_db.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    with any_fixture_db.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with any_fixture_db.connect() as conn:
        assert {c: youths.pupils_with_categories(conn, [c], TODAY) for c in expected} == expected
        assert_same_list(conn, TODAY)
