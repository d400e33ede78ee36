"""Benchmark of the /scholen page: the data each view loads, cold (no Streamlit cache).

The page runs only its open tab, so the default view is the header plus the Trends tab:
register, school years, settings, periods and the trend (all school years per month, whole
municipality, suppressed as for lea) — timed together as ``scholen.default_view_data``.
The other tabs load when first opened; each is timed as ``scholen.tab_…``: comparison (latest
school year, with similar schools, municipal row and suppression), registration differences
(all school years) and the pilot evaluation (panel, totals, two difference-in-differences
with 2,000 bootstrap draws).

    python -m bench.schools_bench --database-url sqlite:///.bench-cache/region-2024.sqlite
    python -m bench.schools_bench --database-url URL --json      # one JSON object per line
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine

from data_access.definitions.calendar import school_year_bounds
from data_access.db import make_engine
from data_access.definitions import Suppressor, load_settings
from data_access.queries import pilot as pilot_queries
from data_access.queries import schools as queries


class NoData(RuntimeError):
    pass


def _default_steps(conn: Connection) -> dict[str, Callable[[], object]]:
    years = queries.school_years(conn)
    if not years:
        raise NoData("de database heeft geen schooljaren met leerlingaantallen (nog niet gevuld?)")
    first, last = years[0], years[-1]
    start, _ = school_year_bounds(first)
    _, end = school_year_bounds(last)
    settings = load_settings(conn)
    days, per_day = settings.compliance_school_days, settings.hours_per_day
    lea = Suppressor(settings.suppression_threshold)  # as the page shows it for role lea

    def comparison():
        result = queries.school_comparison(conn, queries.Window.for_school_year(last), days, per_day,
                                           settings.persistent_share, exact_below=settings.suppression_threshold)
        return queries.comparison_view(result, "school", None, lea).rows

    def registration():
        result = queries.school_comparison(conn, queries.Window.for_school_years(first, last), days, per_day,
                                           settings.persistent_share, exact_below=settings.suppression_threshold)
        return queries.comparison_view(result, "school", None, lea).rows

    def trend():
        return queries.suppress_trend(queries.absence_trend(conn, start, end, "month", hours_per_day=per_day,
                                                             exact_below=lea.threshold), lea)

    def pilot():
        totals = pilot_queries.school_phase_totals(pilot_queries.pilot_panel(conn, days))
        return [pilot_queries.did_estimate(totals, m) for m in pilot_queries.METRICS]

    def header():
        return (queries.school_register(conn), queries.school_years(conn), load_settings(conn),
                queries.named_periods(conn, start, end))

    return {
        "scholen.header": header,
        "scholen.trend_month_all_years": trend,
        "scholen.default_view_data": lambda: (header(), trend()),
        "scholen.tab_comparison_latest_year": comparison,
        "scholen.tab_registration_all_years": registration,
        "scholen.tab_pilot_did_bootstrap": pilot,
    }


def _rows(result: object) -> int:
    return len(result) if hasattr(result, "__len__") else 1


def _time(function: Callable[[], object], repeat: int) -> tuple[list[float], int]:
    times, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = _rows(function())
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times), rows


def measure(engine: Engine, repeat: int = 3) -> list[dict]:
    """Best and median wall time (ms) of the default view and of opening each other tab."""
    results = []
    with engine.connect() as conn:
        steps = _default_steps(conn)
        for name, step in steps.items():
            times, rows = _time(step, repeat)
            results.append({"name": name, "best_ms": round(times[0], 1),
                            "median_ms": round(statistics.median(times), 1), "rows": rows, "repeat": repeat})
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.schools_bench",
                                     description="Benchmark van de standaardweergave van /scholen")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="één JSON-object per meting per regel")
    args = parser.parse_args(argv)
    engine = make_engine(args.database_url)
    try:
        results = measure(engine, args.repeat)
    except NoData as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    if args.json:
        for result in results:
            print(json.dumps({"measurement": "query", **result}, ensure_ascii=False))
        return 0
    print(f"/scholen standaardweergave op {args.database_url} (beste / mediaan, ms):")
    for result in results:
        print(f"  {result['name']:<34} {result['best_ms']:>9.1f} {result['median_ms']:>9.1f}   ({result['rows']} rijen)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
