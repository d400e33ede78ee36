"""Speed of the officers' list (/jongeren): the whole municipality's list, filters and queue, and
one youth's file. Target: the list at the region tier in under a second.

    python -m bench.youths_bench --database-url URL [--repeat 5] [--json]

Without ``--database-url`` the cached region tier of ``python -m bench --tier region`` is used
(``.bench-cache/region-2024.sqlite``). Timings are wall times on a warm connection; "first" is
the first run (cold page cache of the database file).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable

from sqlalchemy import Engine

from data_access.db import make_engine
from data_access.definitions import load_settings
from data_access.queries import youths

TARGET_SECONDS = 1.0


class Timings(list):
    """Wall times of the repeats, and the CPU time of this process (which the shared, busy
    machine does not inflate) of the fastest one."""

    cpu: list[float]


def _time(run: Callable[[], object], repeat: int) -> tuple[Timings, object]:
    seconds, result = Timings(), None
    seconds.cpu = []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = run()
        seconds.append(time.perf_counter() - started)
        seconds.cpu.append(time.process_time() - cpu)
    return seconds, result


def _row(name: str, seconds: Timings, rows: int, **extra) -> dict:
    fastest = seconds.index(min(seconds))
    return {"name": name, "first_ms": round(seconds[0] * 1000, 1), "best_ms": round(min(seconds) * 1000, 1),
            "median_ms": round(statistics.median(seconds) * 1000, 1),
            "best_cpu_ms": round(seconds.cpu[fastest] * 1000, 1), "rows": rows, "repeat": len(seconds),
            "load_average": round(os.getloadavg()[0], 1), **extra}


def measure(engine: Engine, repeat: int = 5) -> list[dict]:
    """Timings of the list for the whole municipality (no filters), of filtering and queueing it
    in memory, and of loading one youth's file."""
    results = []
    with engine.connect() as conn:
        today = youths.default_today(conn)
        settings = load_settings(conn)
        seconds, frame = _time(lambda: youths.youth_list(conn, today, settings),
                               repeat)
        results.append(_row("jongeren_lijst_gemeente", seconds, len(frame), today=today.isoformat(),
                            target_ms=TARGET_SECONDS * 1000, within_target=min(seconds) < TARGET_SECONDS,
                            engine=engine.dialect.name))
        mine = youths.YouthFilters(officers=("leerplicht",))
        seconds, queue = _time(lambda: youths.work_queue(youths.apply_filters(frame, mine, today), today,
                                                                 settings.no_contact_days), repeat)
        results.append(_row("filters_en_werkvoorraad", seconds, len(queue)))
        seconds, sick = _time(lambda: youths.pupils_with_categories(conn, ["ziek"], today), repeat)
        results.append(_row("filter_verzuimcategorie", seconds, len(sick)))
        if not frame.empty:
            pupil_id = int(frame.sort_values("unauthorised_hours").iloc[-1]["pupil_id"])
            seconds, sizes = _time(lambda: _load_file(conn, pupil_id, today), repeat)
            results.append(_row("dossier_een_jongere", seconds, sum(sizes)))
    return results


def _load_file(conn, pupil_id: int, today) -> list[int]:
    profile = youths.youth_profile(conn, pupil_id, today)
    parts = [youths.absence_days(conn, pupil_id, today), youths.meldingen(conn, pupil_id),
             youths.signals_of(conn, pupil_id, today), youths.contacts(conn, pupil_id), youths.cases(conn, pupil_id),
             youths.case_history(conn, pupil_id), youths.access_log(conn, pupil_id)]
    days = youths.school_days(conn, profile.sector, today)
    return [len(p) for p in parts] + [len(days)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.youths_bench",
                                     description="Snelheid van de lijst 'Jongeren in beeld'")
    parser.add_argument("--database-url", help="database (anders de regio-tier uit .bench-cache)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="één JSON-object per meting per regel")
    args = parser.parse_args(argv)
    url = args.database_url
    if not url:
        from bench import tiers

        path = tiers.cache_path("region", 2024)
        url = f"sqlite:///{path}"
        if not path.exists() or not (tiers._setting(make_engine(url), tiers.MARKER) or "").startswith("region:"):
            print("Geen --database-url en geen complete regio-tier in de cache (wordt hij nog gebouwd?); "
                  "draai eerst: python -m bench --tier region", file=sys.stderr)
            return 2
    engine = make_engine(url)
    results = measure(engine, args.repeat)
    database = engine.url.render_as_string(hide_password=True)
    engine.dispose()
    for result in results:
        if args.json:
            print(json.dumps({"database": database, **result}, ensure_ascii=False))
        else:
            print(f"{result['name']:<26} eerste {result['first_ms']:>8.1f} ms  beste {result['best_ms']:>8.1f} ms  "
                  f"mediaan {result['median_ms']:>8.1f} ms  (cpu {result['best_cpu_ms']:>7.1f} ms)  "
                  f"rijen {result['rows']}  load {result['load_average']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
