"""Import throughput: a year of absence registrations into SQLite, through the real importer.

    python -m bench.import_bench [--rows N] [--pupils P] [--keep DIR]

Prepares a migrated SQLite database with the 24 Coevorden locations from the DUO file, P pupils
and a LAS code table (all through the importer), writes an absence CSV the way a Dutch LAS
exports it (`;`, dd-mm-jjjj, decimal comma) and imports it in a fresh child process, so the
reported peak RSS is the import's own (interpreter, pandas and pyarrow included). Then imports
the same file again (must change nothing) and a further file of new rows into the filled database
(``--extra``: the incremental summary refresh), and reports all three.

Meanwhile a second connection in this process tries ``BEGIN IMMEDIATE`` every 0,1 s, as a login
that records its attempt would, and keeps how long each try waited for the write lock: the
longest wait per import is how long that import kept every other writer out.
"""
from __future__ import annotations

import argparse
import importlib
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

CODES = [("A", "ongeoorloofd"), ("ZI", "ziek"), ("TA", "te_laat"), ("LX", "luxe"), ("GV", "geoorloofd"),
         ("SC", "schorsing"), ("DR", "geoorloofd"), ("O", "ongeoorloofd")]
SCHOOL_YEAR = 2023


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def peak_rss_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss not inherited from the parent)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class LockProbe(threading.Thread):
    """A second writer: ``BEGIN IMMEDIATE`` (then ROLLBACK) every ``interval`` seconds on its own
    connection, waiting as long as needed; keeps (wall-clock start, seconds waited) per try."""

    def __init__(self, path: Path, interval: float = 0.1):
        super().__init__(daemon=True)
        self.path, self.interval = path, interval
        self.samples: list[tuple[float, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        con = sqlite3.connect(self.path, timeout=600, isolation_level=None)
        try:
            while not self.stop.is_set():
                started = time.time()
                con.execute("BEGIN IMMEDIATE")
                self.samples.append((started, time.time() - started))
                con.execute("ROLLBACK")
                self.stop.wait(self.interval)
        finally:
            con.close()

    def longest_wait(self, start: float, end: float) -> tuple[float, int]:
        """The longest wait of the tries that began between ``start`` and ``end``, and their number."""
        waits = [w for t, w in self.samples if start <= t <= end]
        return (max(waits) if waits else 0.0), len(waits)


def prepare(workdir: Path, rows: int, pupils: int, seed: int = 7, extra: int = 0) -> tuple[str, Path, Path]:
    from data_access.db import make_engine
    from data_access.importers import Options, run_import
    from data_access.schema import migrate

    url = f"sqlite:///{workdir / 'bench.sqlite'}"
    engine = make_engine(url, create=True)  # a new benchmark database on purpose
    migrate(engine)
    from data_access.demo import duo_csv_path

    res = run_import(engine, "scholen", duo_csv_path(), options=Options(municipality="Coevorden"), username="bench")
    assert res.ok, res.problems[:3]
    from sqlalchemy import text

    with engine.connect() as conn:
        vnrs = [r[0] for r in conn.execute(text("SELECT vestigingsnummer FROM school WHERE in_scope ORDER BY 1"))]
    rng = np.random.default_rng(seed)
    lines = ["pseudoniem;voornaam;achternaam;geboortedatum;vestigingsnummer;groep;schooljaar"]
    for i in range(pupils):
        lines.append(f"B{i:07d};Kind;Bench{i};{1 + i % 28:02d}-{1 + i % 12:02d}-{2010 + i % 8};"
                     f"{vnrs[i % len(vnrs)]};{1 + i % 8};2023/24")
    (workdir / "leerlingen.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = run_import(engine, "leerlingen", workdir / "leerlingen.csv", username="bench")
    assert res.ok, res.problems[:3]
    (workdir / "codes.csv").write_text("bron;code;categorie\n" + "\n".join(f"*;{c};{k}" for c, k in CODES) + "\n")
    res = run_import(engine, "verzuimcodes", workdir / "codes.csv", username="bench")
    assert res.ok, res.problems[:3]
    engine.dispose()

    # one row per pupil per school day at most: distinct (pupil, day) pairs
    start, end = dt.date(SCHOOL_YEAR, 8, 21), dt.date(SCHOOL_YEAR + 1, 7, 12)
    days = np.arange(start, end + dt.timedelta(days=1), dtype="datetime64[D]")
    days = days[np.is_busday(days)]
    if rows + extra > pupils * len(days):
        raise SystemExit(f"--rows + --extra {rows + extra} is meer dan leerlingen × schooldagen "
                         f"({pupils * len(days)})")
    # the first `rows` pairs go to the main file, the others to the extra one: no key in both
    pairs = rng.choice(pupils * len(days), size=rows + extra, replace=False)
    pupil_no, day_no = pairs // len(days), pairs % len(days)
    hours = rng.choice(np.array(["0,5", "1", "1,5", "2", "3", "4", "5,5"], dtype=object), size=rows + extra)
    codes = rng.choice(np.array([c for c, _ in CODES], dtype=object), size=rows + extra)
    day_text = np.array([d.astype(object).strftime("%d-%m-%Y") for d in days], dtype=object)[day_no]
    pupil_text = np.char.add("B", np.char.zfill(pupil_no.astype(str), 7)).astype(object)
    paths = workdir / "verzuim.csv", workdir / "verzuim-extra.csv"
    for path, first, last in ((paths[0], 0, rows), (paths[1], rows, rows + extra)):
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.write("datum;pseudoniem;uren;code\r\n")
            block = 200_000
            for s in range(first, last, block):
                e = min(s + block, last)
                fh.write("".join(f"{d};{p};{h};{c}\r\n" for d, p, h, c in
                                 zip(day_text[s:e], pupil_text[s:e], hours[s:e], codes[s:e], strict=True)))
    return url, *paths


def child(url: str, path: str, extra_path: str) -> None:
    """Runs in a fresh process: import the file twice, then the extra file; print JSON."""
    from data_access.db import make_engine
    from data_access.importers import run_import

    base = peak_rss_mb()
    for library in ("pandas", "pyarrow.csv"):  # count the libraries' memory in the baseline
        importlib.import_module(library)

    base_libs = peak_rss_mb()
    engine = make_engine(url)
    out = {"rss_base_mb": round(base, 1), "rss_libraries_mb": round(base_libs, 1)}
    for label, file in (("first", path), ("again", path), ("extra", extra_path)):
        cpu = time.process_time()
        t, wall = time.perf_counter(), time.time()
        res = run_import(engine, "verzuim", file, username="bench", origin="bench")
        seconds = time.perf_counter() - t
        tm = res.timings
        import_s = tm.get("lezen, controleren en schrijven", seconds)
        import_cpu = tm.get("cpu: lezen, controleren en schrijven", 0.0)
        out[label] = {"seconds": round(seconds, 2), "import_seconds": round(import_s, 2),
                      "write_seconds": round(tm.get("waarvan schrijven", 0.0), 2),
                      "refresh_seconds": round(tm.get("samenvattingen", 0.0), 2),
                      "staged_refresh_seconds": round(tm.get("samenvattingen berekenen", 0.0), 2),
                      "staged_refresh_cpu": round(tm.get("cpu: samenvattingen berekenen", 0.0), 2),
                      "lock_seconds": round(tm.get("schrijfslot", 0.0), 2),
                      "lock_cpu": round(tm.get("cpu: schrijfslot", 0.0), 2),
                      "import_cpu": round(import_cpu, 2), "refresh_cpu": round(tm.get("cpu: samenvattingen", 0.0), 2),
                      "cpu_seconds": round(time.process_time() - cpu, 2),
                      "rows": res.rows, "status": res.status,
                      "inserted": res.counts.inserted, "unchanged": res.counts.unchanged,
                      "problems": res.problem_count, "rows_per_s": round(res.rows / seconds),
                      "import_rows_per_s": round(res.rows / import_s),
                      "import_rows_per_cpu_s": round(res.rows / import_cpu) if import_cpu else 0,
                      "peak_rss_mb": round(peak_rss_mb(), 1),
                      "wall_start": wall, "wall_end": time.time(),
                      "phases": {k: round(v, 2) for k, v in tm.items()}}
    print(json.dumps(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_bench",
                                     description="Doorvoer van de verzuimimport naar SQLite")
    parser.add_argument("--rows", type=int, default=1_000_000, help="aantal verzuimregels (standaard 1.000.000)")
    parser.add_argument("--pupils", type=int, default=20_000, help="aantal leerlingen (standaard 20.000)")
    parser.add_argument("--extra", type=int, default=100_000,
                        help="nieuwe verzuimregels in een tweede bestand, daarna (standaard 100.000)")
    parser.add_argument("--keep", help="map om database en bestanden te bewaren")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="lea-import-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    url, path, extra_path = prepare(workdir, args.rows, args.pupils, extra=args.extra)
    size_mb = path.stat().st_size / 1e6
    print(f"Voorbereid in {time.perf_counter() - t:.1f} s: {_n(args.rows)} regels ({size_mb:.1f} MB) en "
          f"{_n(args.extra)} nieuwe erna, {_n(args.pupils)} leerlingen, 24 vestigingen (Coevorden)")
    probe = LockProbe(workdir / "bench.sqlite")
    probe.start()
    try:
        proc = subprocess.run([sys.executable, "-m", "bench.import_bench", "--child", url, str(path), str(extra_path)],
                              capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    finally:
        probe.stop.set()
        probe.join()
    if proc.returncode:
        print(proc.stdout, proc.stderr, file=sys.stderr)
        return proc.returncode
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    first, again = out["first"], out["again"]
    for title, r in (("Import", first), ("Nogmaals (moet niets veranderen)", again),
                     (f"Daarna {_n(args.extra)} nieuwe regels", out["extra"])):
        print(f"{title}: {_n(r['rows'])} rijen, {r['status']}, {_n(r['inserted'])} nieuw, "
              f"{_n(r['unchanged'])} ongewijzigd")
        print(f"  lezen + controleren + schrijven: {r['import_seconds']:.2f} s = {_n(r['import_rows_per_s'])} rijen/s "
              f"(waarvan schrijven {r['write_seconds']:.2f} s); CPU {r['import_cpu']:.2f} s = "
              f"{_n(r['import_rows_per_cpu_s'])} rijen per CPU-seconde")
        print(f"  samenvattingen berekenen zonder schrijfslot (aggregates.stage_absence): "
              f"{r['staged_refresh_seconds']:.2f} s, CPU {r['staged_refresh_cpu']:.2f} s")
        print(f"  samenvattingen bijwerken onder het schrijfslot: {r['refresh_seconds']:.2f} s, "
              f"CPU {r['refresh_cpu']:.2f} s")
        print(f"  totaal: {r['seconds']:.2f} s = {_n(r['rows_per_s'])} rijen/s")
        longest, tries = probe.longest_wait(r["wall_start"], r["wall_end"])
        print(f"  schrijfslot: {r['lock_seconds']:.2f} s gehouden (CPU {r['lock_cpu']:.2f} s); een tweede schrijver "
              f"wachtte hoogstens "
              f"{longest:.2f} s ({tries} pogingen, elke 0,1 s)")
        print(f"  fasen: {json.dumps(r['phases'], ensure_ascii=False)}")
    print(f"Piek-RSS van het importproces: {first['peak_rss_mb']:.0f} MB na de eerste import, "
          f"{again['peak_rss_mb']:.0f} MB na de tweede (Python + pandas + pyarrow geladen: "
          f"{out['rss_libraries_mb']:.0f} MB)")
    load = os.getloadavg()
    print(f"Belasting van de machine (load average 1/5/15 min): {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
          f"op {os.cpu_count()} kernen — bij belasting boven het aantal kernen is de kloktijd vooral wachten.")
    verdict = "gehaald" if first["import_rows_per_s"] >= 100_000 else "NIET gehaald (kloktijd)"
    print(f"Doel ≥ 100.000 rijen/s (lezen, controleren, schrijven): {verdict}")
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
