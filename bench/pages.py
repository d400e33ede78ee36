"""Per page: the data of its default view and of its main filter changes, timed the way the page
loads it (our query functions on the summary tables), next to the two references of
bench.naive (pandas on the fact rows; DuckDB on the same rows in memory).

Cold = a fresh engine and connection, first call (the database file may still be in the OS page
cache); warm = the best of the following calls on that connection (what a rerun costs when
Streamlit's cache missed; a cache hit costs less still).
"""
from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from bench import naive
from data_access import periods
from data_access.definitions.calendar import school_year_bounds, school_year_of
from data_access.db import make_engine
from data_access.definitions import Suppressor, load_settings
from data_access.queries import contacts, pilot, schools, status, youths


@dataclass
class View:
    page: str
    view: str
    ours: Callable[[Connection], object]
    reference: naive.Reference
    note: str = ""


def views(conn: Connection) -> list[View]:
    years = schools.school_years(conn)
    first, last = years[0], years[-1]
    start, _ = school_year_bounds(first)
    _, end = school_year_bounds(last)
    settings = load_settings(conn)
    days, per_day = settings.compliance_school_days, settings.hours_per_day
    lea = Suppressor(settings.suppression_threshold)  # as the page shows it for role lea
    register = schools.school_register(conn)
    one_school = int(register["school_id"].iloc[0])

    def header(c):
        return (schools.school_register(c), schools.school_years(c), load_settings(c),
                schools.named_periods(c, start, end))

    def comparison(year):
        def run(c):
            result = schools.school_comparison(c, schools.Window.for_school_year(year), days, per_day,
                                               settings.persistent_share, exact_below=lea.threshold)
            schools.suppress_comparison(result.schools, lea)
            schools.suppress_comparison(schools.similar_schools(result.schools, result.histogram), lea)
            return schools.suppress_comparison(schools.municipal_total(result.schools, result.histogram), lea)
        return run

    out = [
        View("scholen", "default: trend per maand, alle jaren, gemeente",
             lambda c: (header(c), schools.suppress_trend(
                 schools.absence_trend(c, start, end, "month", hours_per_day=per_day, exact_below=lea.threshold), lea)),
             naive.trend_by_month(start, end)),
        View("scholen", "filter: één school",
             lambda c: schools.suppress_trend(
                 schools.absence_trend(c, start, end, "month", [one_school], True, hours_per_day=per_day,
                                        exact_below=lea.threshold), lea),
             naive.trend_by_month(start, end, one_school)),
        View("scholen", f"tab vergelijking {last}/{str(last + 1)[2:]}", comparison(last),
             naive.per_school_category(*school_year_bounds(last))),
        View("scholen", f"filter: schooljaar {last - 1}/{str(last)[2:]}", comparison(last - 1),
             naive.per_school_category(*school_year_bounds(last - 1))),
        View("scholen", f"vergelijking {last}/{str(last + 1)[2:]}: grafiek ziek met intervallen",
             lambda c: schools.comparison_view(schools.with_spread(
                 schools.school_comparison(c, schools.Window.for_school_year(last), days, per_day,
                                           settings.persistent_share, exact_below=lea.threshold),
                 schools.pupil_spread(c, schools.Window.for_school_year(last), "ziek")), "school", None, lea),
             naive.per_school_category(*school_year_bounds(last))),
        View("scholen", "tab registratieverschillen, alle jaren",
             lambda c: schools.suppress_comparison(
                 schools.school_comparison(c, schools.Window.for_school_years(first, last), days, per_day,
                                           settings.persistent_share, exact_below=lea.threshold).schools, lea),
             naive.per_school_category(start, end)),
        View("scholen", "tab pilot: panel en totalen",
             lambda c: pilot.school_phase_totals(pilot.pilot_panel(c, days)), naive.per_school_year(),
             "zonder de bootstrap (2.000 trekkingen, rekenwerk, geen data)"),
    ]

    covid = periods.covid_periods(conn, "PO")
    if covid:
        c_start = school_year_bounds(school_year_of(min(p.start for p in covid)))[0]
        c_end = school_year_bounds(school_year_of(max(p.end for p in covid)))[1]
        out += [
            View("covid", "default: eerste periode PO, vóór, per week",
                 lambda c: (contacts.period_report(c, covid[0], "PO", "before"),
                            contacts.contacts_over_time(c, "PO", c_start, c_end, "week")),
                 naive.contacts_per_week(c_start, c_end, "week")),
            View("covid", "filter: per maand", lambda c: contacts.contacts_over_time(c, "PO", c_start, c_end, "month"),
                 naive.contacts_per_week(c_start, c_end, "month")),
            View("covid", "filter: andere periode, na",
                 lambda c: contacts.period_report(c, covid[-1], "PO", "after"),
                 naive.contacts_per_week(c_start, c_end, "week")),
            View("covid", "tab alle perioden", lambda c: contacts.all_period_reports(c, "PO", "before"),
                 naive.contacts_per_week(c_start, c_end, "week")),
        ]

    today = youths.default_today(conn)
    y_start, _ = school_year_bounds(school_year_of(today))
    out += [
        View("jongeren", "default: lijst gemeente",
             lambda c: youths.youth_list(c, today, settings),
             naive.per_pupil(y_start, today)),
        View("jongeren", "filter: verzuimcategorie ziek",
             lambda c: youths.pupils_with_categories(c, ["ziek"], today), naive.per_pupil(y_start, today)),
    ]

    reporting = status.reporting_periods(conn)
    period = status.default_period(conn, reporting)
    if period is not None:
        previous = status.previous_period(reporting, period.id)

        def status_view(p, prev):
            def run(c):
                ps = status.reporting_periods(c)
                return (status.default_period(c, ps), status.actions(c),
                        status.period_status(c, p.id, prev.id if prev else None),
                        status.evidence(c, p, settings, lea))
            return run

        out.append(View("status", "default: actuele periode met bewijs", status_view(period, previous),
                        naive.schools_contacted(period.start, period.end)))
        if previous is not None:
            out.append(View("status", "filter: vorige periode",
                            status_view(previous, status.previous_period(reporting, previous.id)),
                            naive.schools_contacted(previous.start, previous.end)))
    return out


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_ours(url: str, view: View, repeat: int) -> tuple[float, float, float]:
    """(cold, warm, warm CPU) seconds: a fresh engine's first call, then the best wall time and
    the best CPU time of this process (SQLite runs in it) of ``repeat`` more. On a shared machine
    the CPU time changes far less with the other processes' load than the wall time."""
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        with engine.connect() as conn:
            view.ours(conn)
            cold = time.perf_counter() - started
            warm, cpu = [], []
            for _ in range(repeat):
                t, c = time.perf_counter(), time.process_time()
                view.ours(conn)
                cpu.append(time.process_time() - c)
                warm.append(time.perf_counter() - t)
        return cold, min(warm), min(cpu)
    finally:
        engine.dispose()


def measure(engine: Engine, url: str, repeat: int = 3, with_references: bool = True, log=print) -> list[dict]:
    with engine.connect() as conn:
        page_views = views(conn)
    rows = []
    for view in page_views:
        cold, warm, cpu = time_ours(url, view, repeat)
        rows.append({"page": view.page, "view": view.view, "ours_cold_s": round(cold, 4), "ours_s": round(warm, 4),
                     "ours_cpu_s": round(cpu, 4), "note": view.note})
        log(f"  {view.page:<9} {view.view:<45} ours koud {cold * 1000:8.1f} ms  warm {warm * 1000:8.1f} ms  "
            f"cpu {cpu * 1000:8.1f} ms")
    ours_rss = peak_rss_mb()
    for row in rows:
        row["ours_peak_rss_mb"] = round(ours_rss, 1)
    if not with_references:
        return rows

    import duckdb

    frames: dict[str, tuple] = {}
    for view, row in zip(page_views, rows):
        fact = view.reference.fact
        if fact not in frames:
            log(f"  naief: {fact} inlezen met pd.read_sql …")
            frame, read_s = naive.read_fact(engine, fact)
            duck = duckdb.connect()
            duck.register(fact, frame)
            frames[fact] = (frame, read_s, duck)
            log(f"  naief: {len(frame):,} rijen in {read_s:.1f} s".replace(",", "."))
        frame, read_s, duck = frames[fact]
        started = time.perf_counter()
        view.reference.pandas(frame)
        group_s = time.perf_counter() - started
        duck_times = []
        for _ in range(repeat):
            t = time.perf_counter()
            duck.execute(view.reference.duckdb_sql).fetchall()
            duck_times.append(time.perf_counter() - t)
        naive_s = read_s + group_s
        duck_s = min(duck_times)
        row.update({
            "fact": fact, "fact_rows": len(frame), "naive_s": round(naive_s, 4), "naive_read_s": round(read_s, 4),
            "naive_group_s": round(group_s, 4), "duckdb_s": round(duck_s, 5),
            "duckdb_cold_s": round(duck_times[0], 5),
            "ratio_ours_to_duckdb": round(row["ours_s"] / duck_s, 3) if duck_s else None,
            "ratio_ours_cold_to_duckdb": round(row["ours_cold_s"] / duck_s, 3) if duck_s else None,
            "speedup_vs_naive": round(naive_s / row["ours_s"], 1) if row["ours_s"] else None,
            "speedup_cold_vs_naive": round(naive_s / row["ours_cold_s"], 1) if row["ours_cold_s"] else None,
        })
    peak = peak_rss_mb()
    for row in rows:
        row["process_peak_rss_mb_with_naive"] = round(peak, 1)
    for _, _, duck in frames.values():
        duck.close()
    return rows
