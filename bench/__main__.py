"""python -m bench --tier demo|region|national [--json] [--engine sqlite|postgresql] [--database-url URL]

Builds the tier once (cached, see bench.tiers), then prints build time, rows per table and query
timings. ``--json`` prints one JSON object per measurement, one per line.
"""
from __future__ import annotations

import argparse
import json
import sys

from bench import tiers


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description="LEA-dashboard: schaal-benchmarks")
    parser.add_argument("--tier", choices=sorted(tiers.TIERS), default="demo")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="PostgreSQL-URL (leeg, of met dezelfde tier); anders SQLite-cache")
    parser.add_argument("--limit-schools", type=int, help="alleen N scholen (verspreid over de lijst), voor rooktests")
    parser.add_argument("--rebuild", action="store_true", help="cache negeren en opnieuw bouwen")
    parser.add_argument("--repeat", type=int, default=3, help="herhalingen per query (beste en mediaan)")
    parser.add_argument("--json", action="store_true", help="één JSON-object per meting per regel")
    parser.add_argument("--any-generator", action="store_true",
                        help="een volledige cache van een andere generatorversie gebruiken (niet opnieuw bouwen)")
    parser.add_argument("--no-pages", action="store_true", help="alleen bouw, rijen en losse queries")
    parser.add_argument("--no-references", action="store_true",
                        help="pagina's zonder naïef/DuckDB (die lezen de hele feitentabel in pandas)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _machine()  # date and machine load at the start
    log = (lambda msg: print(msg, file=sys.stderr)) if args.json else print
    try:
        db = tiers.ensure(args.tier, seed=args.seed, engine=args.engine, database_url=args.database_url,
                          limit_schools=args.limit_schools, rebuild=args.rebuild, log=log,
                          any_generator=args.any_generator)
    except tiers.TierError as exc:
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    base = {"tier": args.tier, "seed": args.seed, "engine": db.dialect, "limit_schools": args.limit_schools}
    measurements: list[dict] = [
        {**base, "measurement": "build", "seconds": db.seconds, "built_now": db.built_now,
         "database": db.engine.url.render_as_string(hide_password=True)},
    ]
    measurements += [{**base, "measurement": "build_phase", "phase": phase, "seconds": seconds}
                     for phase, seconds in db.timings.items()]
    counts = tiers.row_counts(db.engine)
    measurements += [{**base, "measurement": "rows", "table": table, "rows": n} for table, n in counts.items()]
    if not args.no_pages:
        from bench import pages

        log("Pagina's (onze queries koud/warm; daarna naïef en DuckDB):")
        for row in pages.measure(db.engine, db.url, args.repeat, not args.no_references, log):
            measurements.append({**base, "measurement": "page", "engine": db.dialect, **row})
    # after the pages: the raw GROUP BYs over all absence rows below use SQLite's in-memory temp
    # store, which is much larger than what the pages need and would otherwise count in the
    # pages' peak RSS
    measurements += [{**base, "measurement": "query", **q} for q in tiers.time_queries(db.engine, args.repeat)]
    db.engine.dispose()
    machine = _machine()
    measurements = [{**m, **machine} for m in measurements]

    if args.json:
        for m in measurements:
            print(json.dumps(m, ensure_ascii=False))
        return 0
    build = measurements[0]
    state = "nu gebouwd" if db.built_now else "uit cache"
    seconds = f"{build['seconds']:.1f} s" if build["seconds"] is not None else "onbekend"
    print(f"Tier {args.tier} (seed {args.seed}, {db.dialect}{', ' + str(args.limit_schools) + ' scholen' if args.limit_schools else ''}): "
          f"{state}; bouwtijd {seconds}")
    print(f"  database: {build['database']}")
    phases = [m for m in measurements if m["measurement"] == "build_phase" and not m["phase"].startswith("write ")]
    if phases:
        print("  fasen: " + ", ".join(f"{m['phase']} {m['seconds']:.1f} s" for m in phases))
    print("  rijen per tabel:")
    for table, n in counts.items():
        print(f"    {table:<20} {n:>12,}".replace(",", "."))
    print("  queries (beste / mediaan, ms):")
    for m in measurements:
        if m["measurement"] == "query":
            print(f"    {m['name']:<32} {m['best_ms']:>10.1f} {m['median_ms']:>10.1f}   ({m['rows']} rijen)")
    pages_rows = [m for m in measurements if m["measurement"] == "page"]
    if pages_rows:
        print(f"  pagina's ({machine['date']}, load {machine['load_before']} → {_load()}):")
        for m in pages_rows:
            refs = ""
            if "naive_s" in m:
                refs = (f"  naïef {m['naive_s']:7.2f} s  duckdb {m['duckdb_s'] * 1000:7.1f} ms  "
                        f"ons/duckdb {m['ratio_ours_to_duckdb']:6.2f}  naïef/ons {m['speedup_vs_naive']:8.0f}×")
            print(f"    {m['page']:<9} {m['view']:<45} koud {m['ours_cold_s'] * 1000:7.1f} ms  "
                  f"warm {m['ours_s'] * 1000:7.1f} ms  cpu {m['ours_cpu_s'] * 1000:7.1f} ms{refs}")
        print(f"  piek-RSS: onze queries {pages_rows[0]['ours_peak_rss_mb']:.0f} MB"
              + (f"; met naïeve frames {pages_rows[0]['process_peak_rss_mb_with_naive']:.0f} MB"
                 if "process_peak_rss_mb_with_naive" in pages_rows[0] else ""))
    return 0


def _load() -> str:
    import os

    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _machine() -> dict:
    import datetime as dt
    import os

    if not hasattr(_machine, "cached"):
        _machine.cached = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                           "cpus": os.cpu_count(), "load_before": _load()}
    return {**_machine.cached, "load_now": _load()}


if __name__ == "__main__":
    sys.exit(main())
