"""Scale tiers: the demo generator at three sizes, built once and cached.

| tier     | schools (DUO rows)                         | school years        | absence rows |
|----------|--------------------------------------------|---------------------|--------------|
| demo     | Coevorden's 24 locations                   | 2018/19 – 2024/25   | ≈ 0.33 M     |
| region   | Coevorden, Emmen, Hoogeveen, Hardenberg, Assen, Meppel, De Wolden (210 locations, ≈ 34 k pupils) | 2020/21 – 2024/25 | ≈ 7.5 M |
| national | all 6,589 locations (≈ 1.43 M pupils)      | 2024/25             | ≈ 30 M       |

SQLite tiers are cached as ``.bench-cache/<tier>-<seed>[-n<schools>].sqlite`` under the
repository root (git-ignored). A database counts as complete only when its ``bench_tier``
setting names the same tier, seed, school limit and generator version (a hash of demo.py and
demo_names.py): that setting is written after the generator's transaction has committed, so a
crashed build, or one made by older generator code, is never reused. PostgreSQL tiers go
into the database given by ``--database-url`` (which must be empty or hold the same tier).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, delete, func, select, text

from data_access import demo
from data_access.db import make_engine
from data_access.models import Base, School, Setting
from data_access.schema import migrate
from data_access.settings import PROJECT_ROOT

CACHE_DIR = PROJECT_ROOT / ".bench-cache"
TIERS = {
    "demo": demo.coevorden_spec,
    "region": demo.region_spec,
    "national": demo.national_spec,
}
MARKER = "bench_tier"
GENERATE_SECONDS = "bench_generate_seconds"


class TierError(RuntimeError):
    pass


@dataclass
class TierDatabase:
    tier: str
    seed: int
    limit_schools: int | None
    url: str
    engine: Engine
    built_now: bool
    seconds: float | None  # wall time of the build (None: unknown)
    timings: dict[str, float]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


def spec_for(tier: str, limit_schools: int | None = None) -> demo.MunicipalitySpec:
    if tier not in TIERS:
        raise TierError(f"Onbekende tier {tier!r}; kies uit {', '.join(TIERS)}")
    spec = TIERS[tier]()
    return spec.subset(limit_schools) if limit_schools else spec


def generator_version() -> str:
    """Hash of the generator's source: a cache built by other code is rebuilt."""
    import hashlib

    from data_access import demo_names

    digest = hashlib.sha256()
    for module in (demo, demo_names):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:12]


def marker_value(tier: str, seed: int, limit_schools: int | None) -> str:
    return f"{tier}:{seed}:{limit_schools or 'all'}:{generator_version()}"


def cache_path(tier: str, seed: int, limit_schools: int | None = None) -> Path:
    suffix = f"-n{limit_schools}" if limit_schools else ""
    return CACHE_DIR / f"{tier}-{seed}{suffix}.sqlite"


def _setting(engine: Engine, key: str) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.execute(select(Setting.value).where(Setting.key == key)).scalar()
    except Exception:  # noqa: BLE001 - no schema yet
        return None


def _has_data(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(School.id).limit(1)).first() is not None


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ensure(tier: str, seed: int = 2024, engine: str = "sqlite", database_url: str | None = None,
           limit_schools: int | None = None, rebuild: bool = False, log=print,
           copy_sqlite: bool = True, any_generator: bool = False) -> TierDatabase:
    """The tier's database, built now unless a complete one is cached.

    ``any_generator``: accept a complete cache built by another version of the generator (the
    marker's last part), instead of rebuilding it — for benchmarking while demo.py is edited.
    """
    if tier == "national" and not limit_schools and engine != "postgresql" and not (
            database_url or "").startswith("postgresql"):
        raise TierError("De tier national vraagt PostgreSQL (--engine postgresql --database-url …) "
                        "of een kleinere selectie met --limit-schools")
    wanted = marker_value(tier, seed, limit_schools)

    def matches(marker: str | None) -> bool:
        if marker is None:
            return False
        return marker == wanted or (any_generator and marker.rsplit(":", 1)[0] == wanted.rsplit(":", 1)[0])
    if database_url:
        url = database_url
    elif engine == "postgresql":
        raise TierError("--engine postgresql vraagt --database-url postgresql+psycopg://…")
    else:
        path = cache_path(tier, seed, limit_schools)
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
        if path.exists():
            eng = make_engine(url)
            complete = matches(_setting(eng, MARKER))
            eng.dispose()
            if rebuild or not complete:
                log(f"Cache {path.name} {'wordt opnieuw gebouwd' if complete else 'is onvolledig of van een andere generatorversie; opnieuw bouwen'}")
                _remove_sqlite(path)
    eng = make_engine(url, create=True)  # the tier's database is (re)built here on purpose
    migrate(eng)
    marker = _setting(eng, MARKER)
    if matches(marker) and not rebuild:
        seconds = _setting(eng, GENERATE_SECONDS)
        return TierDatabase(tier, seed, limit_schools, url, eng, False, float(seconds) if seconds else None, {})
    if _has_data(eng):
        if database_url and rebuild and marker:
            raise TierError("Opnieuw bouwen in een bestaande PostgreSQL-database kan niet (statusrapportages zijn "
                            "append-only): geef een lege database")
        raise TierError(f"Database bevat al andere gegevens ({marker or 'geen bench-tier'}); gebruik een lege database")
    if eng.dialect.name == "postgresql" and copy_sqlite:
        cached = cache_path(tier, seed, limit_schools)
        if cached.exists() and matches(_setting(make_engine(f"sqlite:///{cached}"), MARKER)):
            log(f"Kopiëren uit de SQLite-cache {cached.name} naar PostgreSQL (COPY) …")
            started = time.perf_counter()
            timings = copy_from_sqlite(cached, eng, log)
            seconds = round(time.perf_counter() - started, 2)
            return TierDatabase(tier, seed, limit_schools, url, eng, True, seconds, timings)
    spec = spec_for(tier, limit_schools)
    log(f"Bouwen: tier {tier}, {len(spec.schools)} scholen, schooljaren {spec.first_year}–{spec.last_year} "
        f"({eng.dialect.name}) …")
    timings: dict[str, float] = {}
    started = time.perf_counter()
    demo.build(eng, seed=seed, spec=spec, timings=timings)
    seconds = round(time.perf_counter() - started, 2)
    with eng.begin() as conn:
        conn.execute(delete(Setting).where(Setting.key.in_([MARKER, GENERATE_SECONDS])))
        conn.execute(Setting.__table__.insert(), [{"key": MARKER, "value": wanted},
                                                  {"key": GENERATE_SECONDS, "value": str(seconds)}])
    return TierDatabase(tier, seed, limit_schools, url, eng, True, seconds, timings)


def copy_from_sqlite(path: Path, engine: Engine, log=print) -> dict[str, float]:
    """Copy every table of a complete SQLite tier into an empty, migrated PostgreSQL database.

    Streams ``sqlite3 -csv`` into ``COPY … FROM STDIN`` (both in C, so much faster than
    generating the rows again), then sets the id sequences and runs ANALYZE. Same rows, same
    ids, same bench marker.
    """
    import shutil
    import subprocess

    if not shutil.which("sqlite3"):
        raise TierError("sqlite3 (de opdrachtregel) ontbreekt: nodig om de SQLite-cache naar PostgreSQL te kopiëren")
    timings: dict[str, float] = {}
    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        for table in Base.metadata.sorted_tables:
            columns = [c.name for c in table.columns]
            started = time.perf_counter()
            select_sql = f"SELECT {', '.join(chr(34) + c + chr(34) for c in columns)} FROM {table.name}"
            proc = subprocess.Popen(["sqlite3", "-csv", str(path), select_sql], stdout=subprocess.PIPE)
            quoted = ", ".join(f'"{c}"' for c in columns)
            with dbapi.cursor() as cur:
                with cur.copy(f'COPY {table.name} ({quoted}) FROM STDIN WITH (FORMAT csv)') as copy:
                    while chunk := proc.stdout.read(1 << 20):
                        copy.write(chunk)
            if proc.wait() != 0:
                raise TierError(f"sqlite3 faalde bij tabel {table.name}")
            pk = [c for c in table.primary_key.columns]
            if len(pk) == 1 and pk[0].autoincrement in (True, "auto") and pk[0].type.python_type is int:
                with dbapi.cursor() as cur:
                    cur.execute(f"SELECT pg_get_serial_sequence('{table.name}', '{pk[0].name}')")
                    sequence = cur.fetchone()[0]
                    if sequence:
                        cur.execute(f"SELECT setval('{sequence}', COALESCE((SELECT MAX({pk[0].name}) "
                                    f"FROM {table.name}), 0) + 1, false)")
            timings[f"copy {table.name}"] = round(time.perf_counter() - started, 2)
        dbapi.commit()
        started = time.perf_counter()
        dbapi.autocommit = True
        with dbapi.cursor() as cur:
            cur.execute("ANALYZE")
        timings["analyze"] = round(time.perf_counter() - started, 2)
    finally:
        raw.close()
    log("  " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items() if v >= 0.5))
    return timings


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar())
                for t in Base.metadata.sorted_tables}


# --- timing placeholders (the performance issue extends these) ----------------------------------


def _queries(dialect: str) -> dict[str, str]:
    del dialect  # the same SQL on both engines for now
    return {
        "count_absence": "SELECT COUNT(*) FROM absence",
        "raw_hours_per_school_category": "SELECT school_id, category, SUM(hours) FROM absence GROUP BY 1, 2",
        "summary_hours_per_school_week": "SELECT school_id, category, SUM(hours) FROM absence_week GROUP BY 1, 2",
        "one_school_one_year_raw": ("SELECT category, SUM(hours) FROM absence WHERE school_id = 1 "
                                    "AND date BETWEEN '2024-08-01' AND '2025-07-31' GROUP BY category"),
        "signals_per_school": ("SELECT school_id, COUNT(*), SUM(CASE WHEN school_days_to_melding <= 5 THEN 1 ELSE 0 END) "
                               "FROM signal16 GROUP BY school_id"),
    }


def time_queries(engine: Engine, repeat: int = 3) -> list[dict]:
    """Best and median wall time of a few representative queries (ms)."""
    results = []
    with engine.connect() as conn:
        for name, sql in _queries(engine.dialect.name).items():
            times = []
            rows = 0
            for _ in range(repeat):
                started = time.perf_counter()
                rows = len(conn.execute(text(sql)).fetchall())
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            results.append({"name": name, "best_ms": round(times[0], 1), "median_ms": round(times[len(times) // 2], 1),
                            "rows": rows, "repeat": repeat})
    return results
