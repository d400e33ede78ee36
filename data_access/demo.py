"""The deterministic synthetic demo municipality (and the benchmark tiers built the same way).

``build(engine, seed)`` fills an empty, migrated database with a fictitious municipality whose
schools are real DUO locations (vestigingsnummer, postcode, sector and size from
``duo_po_vestigingen.csv``) under invented names, with invented pupils, absence, verzuim-
meldingen, youths of concern, officers' contacts, periods and an LEA programme with status
reports. The same seed gives identical rows: every random draw comes from
``numpy.random.default_rng`` streams spawned from the seed, never from the clock or ``hash()``.

Decisions worth knowing:

* The demo's "today" is fixed at 30 June 2025 (``DEMO_TODAY``, also stored as setting
  ``demo_today``): no absence, melding, contact or case history after it, and overdue next
  actions are overdue relative to it.
* Absence is registered on school days only: weekdays minus the ``vakantie`` periods (the same
  calendar ``data_access.definitions.calendar.load_school_calendar`` reads). COVID-19 closures are school days —
  distance learning was compulsory — but schools registered far less (about 12 % of normal
  during ``covid_sluiting``, about 55 % during ``covid_gedeeltelijk``).
* The brought-forward Christmas break of 2021 (21-12-2021 … 09-01-2022) is stored as kind
  ``covid_sluiting`` (it was a closure ordered for COVID-19); the regular Christmas holiday
  25-12-2021 … 09-01-2022 is a ``vakantie`` period as every year, so 21–24 December 2021 count
  as (closed) school days.
* Every school is phoned at least once in every week with a school day during each closure
  (16-03-2020 … 07-06-2020 including the half-group weeks, 16-12-2020 … 07-02-2021 and the week
  of 21-12-2021); normal periods have a check-in roughly every eight weeks.
* The demo exercises every definition (issue 16): a small edge-case step, drawn from its own
  "edges" stream, adds in the school year of today four pupils sick from some day up to today
  (≥ 50 %: "ernstig") and two with a long spell earlier (30–45 %), one school that stops
  registering 6 school weeks before today's week (16-05-2025), a pupil with unauthorised hours
  between a 16-hour signal (03-06-2025) and a melding filed 7 school days later, a signal of
  18-06-2025 whose melding is filed on 24-06-2025 (after a reference date such as 20-06-2025),
  and three youths with two cases open at once. See ``_Generator._edge_absence``.
* The chain from melding to outcome (issue 18, the "chain" stream, ``_Generator._chain``): a case's
  first reached contact with the family is its gesprek (or huisbezoek), help follows in most cases
  of MAS-route zorg, a few cases get HALT or a proces-verbaal (some before any help, some after,
  with more help and less enforcement in later school years), every closed case has DUO's outcome
  and explanation (mostly "terug naar school"), meldingen carry a meldingsnummer, the end of the
  absence, the school's words and all five DUO statuses.
* ``replace=True`` deletes existing data first, but ``status_report`` is append-only (a
  database trigger refuses DELETE), so a database that holds status reports is refused with
  "Database bevat al gegevens; gebruik een lege database". ``audit_event`` rows are kept.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from pathlib import Path

import numpy as np
from dateutil.easter import easter
from sqlalchemy import Connection, Engine, delete, func, select

from data_access import aggregates, bulk, demo_mode
from data_access import demo_names as names
from data_access.db import make_engine
from data_access.definitions.absence import possible_hours
from data_access.definitions.calendar import (
    HOLIDAY_KINDS, SchoolCalendar, day_in_school_year, school_year_end, school_year_of, school_year_start, week_start,
)
from data_access.definitions.settings import DEFAULTS
from data_access.definitions.sixteen_hours import school_week_index, sixteen_hour_signals
from data_access.demo_accounts import OFFICERS, demo_accounts
from data_access.models import ROLES, AppUser, Base, Setting, StatusReport
from data_access.schema import migrate
from data_access.users import create_user, hash_password

DEMO_TODAY = dt.date(2025, 6, 30)
# The demo stores the default settings (``_write_settings``) and generates its data under them: a full
# school day of absence, and the 16-hour signals it plans meldingen for.
HOURS_PER_SCHOOL_DAY = DEFAULTS.hours_per_day
OFFICER_SHARES = (0.45, 0.30, 0.25)
PILOT_NAME = "Pilot Ondersteuning verzuimadministratie scholen"
PILOT_START = school_year_start(2020)
PILOT_END = school_year_end(2022)
NOT_EMPTY = "Database bevat al gegevens; gebruik een lege database"
DUO_CSV_NAME = "duo_po_vestigingen.csv"
REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

# Registration during closures, relative to normal school days.
CLOSURE_REGISTRATION = {"covid_sluiting": 0.12, "covid_gedeeltelijk": 0.55}

# Internal category numbers; the order is the priority when one pupil has several on a day.
SCHORSING, LUXE, ONGEOORLOOFD, ZIEK, GEOORLOOFD, TE_LAAT = range(6)
CATEGORY_NAMES = ("schorsing", "luxe", "ongeoorloofd", "ziek", "geoorloofd", "te_laat")

ABSENCE_CODES = (
    ("A", "ongeoorloofd", "Afwezig zonder geldige reden"),
    ("ON", "ongeoorloofd", "Ongeoorloofd verzuim"),
    ("TL", "te_laat", "Te laat"),
    ("TA", "te_laat", "Te laat, wel aanwezig"),
    ("LX", "luxe", "Luxeverzuim: vakantie buiten de schoolvakanties"),
    ("ZI", "ziek", "Ziek gemeld"),
    ("ZN", "ziek", "Ziek naar huis"),
    ("DR", "geoorloofd", "Bezoek dokter, tandarts of specialist"),
    ("VR", "geoorloofd", "Verlof wegens gewichtige omstandigheden"),
    ("BV", "geoorloofd", "Bijzonder verlof (religieuze verplichting, familieomstandigheden)"),
    ("SC", "schorsing", "Schorsing"),
    ("?", "onbekend", "Onbekende of ontbrekende code (niet meegeteld, controleren)"),
)


# --- the municipality's shape ------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolRow:
    """One real DUO school location (only number, place, sector and size are used)."""

    vestigingsnummer: str
    brin: str
    municipality: str
    postcode: str
    sector: str
    advices: int  # group-8 advices over six school years (size proxy)

    @property
    def enrolment(self) -> float:
        return self.advices / 6 * 8


@dataclass(frozen=True)
class MunicipalitySpec:
    """What to generate: which school locations, which school years, how much absence."""

    name: str
    schools: tuple[SchoolRow, ...]
    first_year: int = 2018
    last_year: int = 2024
    absence_scale: float = 1.0  # multiplies sickness, lateness and authorised absence
    pilot_share: float = 1 / 3
    today: dt.date = DEMO_TODAY

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def start(self) -> dt.date:
        return school_year_start(self.first_year)

    @property
    def end(self) -> dt.date:
        return school_year_end(self.last_year)

    def subset(self, count: int) -> MunicipalitySpec:
        """Every k-th school (in vestigingsnummer order): a smaller spec with the same spread."""
        if count >= len(self.schools):
            return self
        ordered = sorted(self.schools, key=lambda s: s.vestigingsnummer)
        picks = np.linspace(0, len(ordered) - 1, count).round().astype(int)
        return dc_replace(self, name=f"{self.name} ({count} scholen)",
                          schools=tuple(ordered[i] for i in sorted(set(picks.tolist()))))


def duo_csv_path() -> Path:
    """The DUO register the product carries (data_access/reference, CC0; see its README)."""
    return REFERENCE_DIR / DUO_CSV_NAME


def load_duo_rows(path: Path | None = None) -> list[SchoolRow]:
    path = path or duo_csv_path()
    if not path.exists():
        raise FileNotFoundError(f"DUO-bestand niet gevonden: {path}")
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            SchoolRow(r["vestigingsnummer"], r["brin"], r["gemeente"], r["postcode"], r["soort"],
                      int(r["adviezen_groep8_2019_2025"] or 0))
            for r in csv.DictReader(fh)
        ]


def _rows_of(municipalities: Sequence[str]) -> tuple[SchoolRow, ...]:
    wanted = list(municipalities)
    rows = [r for r in load_duo_rows() if r.municipality in wanted]
    return tuple(sorted(rows, key=lambda r: (wanted.index(r.municipality), r.vestigingsnummer)))


def coevorden_spec() -> MunicipalitySpec:
    """The demo: Coevorden's 24 primary school locations, school years 2018/19–2024/25."""
    return MunicipalitySpec(name="Coevorden", schools=_rows_of(["Coevorden"]))


REGION_MUNICIPALITIES = ("Coevorden", "Emmen", "Hoogeveen", "Hardenberg", "Assen", "Meppel", "De Wolden")


def region_spec() -> MunicipalitySpec:
    """Benchmark tier: seven neighbouring municipalities (210 locations, ≈ 34 k pupils), school
    years 2020/21–2024/25, absence tuned to ≈ 7.5 M rows. Rural schools are small, so ≈ 35 k
    pupils takes more than 150 real locations here. ``absence_scale`` nearly triples sickness,
    lateness and authorised absence (≈ 44 rows per pupil-year instead of the demo's ≈ 17): the
    volume is for timing, the rates are not realistic."""
    return MunicipalitySpec(name="Regio Zuidoost-Drenthe", schools=_rows_of(REGION_MUNICIPALITIES),
                            first_year=2020, last_year=2024, absence_scale=2.9)


def national_spec() -> MunicipalitySpec:
    """Benchmark tier: all 6,589 Dutch primary school locations, school year 2024/25."""
    rows = tuple(sorted(load_duo_rows(), key=lambda r: (r.municipality, r.vestigingsnummer)))
    return MunicipalitySpec(name="Nederland", schools=rows, first_year=2024, last_year=2024)


# --- calendar ---------------------------------------------------------------------------------

D = dt.date

# Region Noord, approximately as published; years not listed get a rule-based calendar.
NOORD_HOLIDAYS: dict[int, list[tuple[str, dt.date, dt.date]]] = {
    2017: [("Zomervakantie", D(2018, 7, 21), D(2018, 9, 2))],
    2018: [("Herfstvakantie", D(2018, 10, 20), D(2018, 10, 28)),
           ("Kerstvakantie", D(2018, 12, 22), D(2019, 1, 6)),
           ("Voorjaarsvakantie", D(2019, 2, 16), D(2019, 2, 24)),
           ("Meivakantie", D(2019, 4, 27), D(2019, 5, 5)),
           ("Zomervakantie", D(2019, 7, 6), D(2019, 8, 18))],
    2019: [("Herfstvakantie", D(2019, 10, 12), D(2019, 10, 20)),
           ("Kerstvakantie", D(2019, 12, 21), D(2020, 1, 5)),
           ("Voorjaarsvakantie", D(2020, 2, 15), D(2020, 2, 23)),
           ("Meivakantie", D(2020, 4, 25), D(2020, 5, 3)),
           ("Zomervakantie", D(2020, 7, 4), D(2020, 8, 16))],
    2020: [("Herfstvakantie", D(2020, 10, 10), D(2020, 10, 18)),
           ("Kerstvakantie", D(2020, 12, 19), D(2021, 1, 3)),
           ("Voorjaarsvakantie", D(2021, 2, 20), D(2021, 2, 28)),
           ("Meivakantie", D(2021, 5, 1), D(2021, 5, 9)),
           ("Zomervakantie", D(2021, 7, 10), D(2021, 8, 22))],
    2021: [("Herfstvakantie", D(2021, 10, 16), D(2021, 10, 24)),
           ("Kerstvakantie", D(2021, 12, 25), D(2022, 1, 9)),
           ("Voorjaarsvakantie", D(2022, 2, 19), D(2022, 2, 27)),
           ("Meivakantie", D(2022, 4, 23), D(2022, 5, 1)),
           ("Zomervakantie", D(2022, 7, 16), D(2022, 8, 28))],
    2022: [("Herfstvakantie", D(2022, 10, 15), D(2022, 10, 23)),
           ("Kerstvakantie", D(2022, 12, 24), D(2023, 1, 8)),
           ("Voorjaarsvakantie", D(2023, 2, 25), D(2023, 3, 5)),
           ("Meivakantie", D(2023, 4, 22), D(2023, 4, 30)),
           ("Zomervakantie", D(2023, 7, 22), D(2023, 9, 3))],
    2023: [("Herfstvakantie", D(2023, 10, 21), D(2023, 10, 29)),
           ("Kerstvakantie", D(2023, 12, 23), D(2024, 1, 7)),
           ("Voorjaarsvakantie", D(2024, 2, 17), D(2024, 2, 25)),
           ("Meivakantie", D(2024, 4, 27), D(2024, 5, 5)),
           ("Zomervakantie", D(2024, 7, 6), D(2024, 8, 18))],
    2024: [("Herfstvakantie", D(2024, 10, 19), D(2024, 10, 27)),
           ("Kerstvakantie", D(2024, 12, 21), D(2025, 1, 5)),
           ("Voorjaarsvakantie", D(2025, 2, 15), D(2025, 2, 23)),
           ("Meivakantie", D(2025, 4, 26), D(2025, 5, 4)),
           ("Zomervakantie", D(2025, 7, 12), D(2025, 8, 24))],
}

# Primary schools (BAO/SBAO), DESIGN.md "Reference facts".
COVID_PERIODS = (
    ("Eerste schoolsluiting (COVID-19)", "covid_sluiting", D(2020, 3, 16), D(2020, 5, 10)),
    ("Halve groepen (COVID-19)", "covid_gedeeltelijk", D(2020, 5, 11), D(2020, 6, 7)),
    ("Tweede schoolsluiting (COVID-19)", "covid_sluiting", D(2020, 12, 16), D(2021, 2, 7)),
    ("Kerstvakantie vervroegd (COVID-19)", "covid_sluiting", D(2021, 12, 21), D(2022, 1, 9)),
)


def _saturday_of_week(year: int, week: int) -> dt.date:
    return dt.date.fromisocalendar(year, week, 6)


def _rule_holidays(year: int) -> list[tuple[str, dt.date, dt.date]]:
    """Approximate holidays for school year ``year`` when no published dates are listed."""
    def span(start: dt.date, days: int) -> tuple[dt.date, dt.date]:
        return start, start + dt.timedelta(days=days)

    christmas = dt.date(year, 12, 25)
    kerst_start = christmas - dt.timedelta(days=(christmas.weekday() - 5) % 7 or 7)
    return [
        ("Herfstvakantie", *span(_saturday_of_week(year, 42), 8)),
        ("Kerstvakantie", *span(kerst_start, 15)),
        ("Voorjaarsvakantie", *span(_saturday_of_week(year + 1, 7), 8)),
        ("Meivakantie", *span(_saturday_of_week(year + 1, 17), 8)),
        ("Zomervakantie", *span(_saturday_of_week(year + 1, 28), 43)),
    ]


def _public_holidays(calendar_year: int) -> list[tuple[str, dt.date, dt.date]]:
    sunday = easter(calendar_year)
    day = dt.timedelta(days=1)
    kings = dt.date(calendar_year, 4, 27)
    if kings.weekday() == 6:
        kings -= day
    return [
        ("Paasdagen", sunday - 2 * day, sunday + day),  # Good Friday to Easter Monday
        ("Koningsdag", kings, kings),
        ("Hemelvaart", sunday + 39 * day, sunday + 40 * day),
        ("Pinksteren", sunday + 50 * day, sunday + 50 * day),
    ]


def holiday_periods(first_year: int, last_year: int) -> list[tuple[str, dt.date, dt.date]]:
    """School holidays and public holidays covering school years first … last (plus the summer
    holiday that runs into the first school year)."""
    out: list[tuple[str, dt.date, dt.date]] = []
    prev = NOORD_HOLIDAYS.get(first_year - 1) or _rule_holidays(first_year - 1)
    out += [(f"{n} {e.year}", s, e) for n, s, e in prev if n == "Zomervakantie"]
    for year in range(first_year, last_year + 1):
        listed = NOORD_HOLIDAYS.get(year) or _rule_holidays(year)
        for n, s, e in listed:
            label = f"{n} {s.year}" if n != "Kerstvakantie" else f"{n} {s.year}/{(s.year + 1) % 100:02d}"
            out.append((label, s, e))
        long_ones = [(s, e) for _, s, e in listed]
        for n, s, e in _public_holidays(year + 1):
            if not any(ls <= s and e <= le for ls, le in long_ones):
                out.append((f"{n} {s.year}", s, e))
    return sorted(out, key=lambda p: p[1])


# --- building ---------------------------------------------------------------------------------


class DemoError(ValueError):
    pass


def build(engine: Engine, seed: int = 2024, password: str | None = None, replace: bool = False,
          spec: MunicipalitySpec | None = None, timings: dict[str, float] | None = None) -> dict[str, int | str]:
    """Fill an empty, migrated database with the synthetic municipality; returns headline counts.

    Everything is written in one transaction, then the summary tables are rebuilt in it.
    ``timings``, when given, receives the seconds spent per phase (for the benchmarks).
    """
    spec = spec or coevorden_spec()
    generated_password = password is None
    password = password or secrets.token_urlsafe(12)
    timings = {} if timings is None else timings
    clock = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[phase] = round(now - clock, 3)
        clock = now

    with engine.begin() as conn:
        _prepare(conn, replace)
        data = _Generator(spec, seed).run()
        lap("generate")
        _write(conn, data, timings)
        lap("write")
        aggregates.refresh_all(conn)
        lap("refresh")
        _write_settings(conn, spec, seed)
        _create_users(conn, password)
        lap("users")
    lap("commit")
    summary: dict[str, int | str] = {
        "scholen": len(data["school"][1]),
        "leerlingen": len(data["pupil"][1]),
        "verzuimregels": data["absence"][1].count,
        "verzuimmeldingen": len(data["verzuimmelding"][1]),
        "contacten": len(data["contact"][1]),
        "zorgcasussen": len(data["concern"][1]),
        "interventies": len(data["intervention"][1]),
        "statusrapportages": len(data["status_report"][1]),
        "gebruikers": len(ROLES) + len(OFFICERS) - 1,
    }
    if generated_password:
        summary["wachtwoord demo-accounts"] = password
    return summary


def build_file(path: Path, seed: int = 2024, password: str | None = None) -> dict[str, int | str]:
    """Build the demo into a new SQLite file beside ``path`` and move it into place only when
    complete: an interrupted or failed build leaves no database behind (a half-built file would
    look like an existing, empty database on the next start)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.bouw-{os.getpid()}")
    pieces = [partial, *(partial.with_name(partial.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]
    engine = None
    try:
        for piece in pieces:
            piece.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{partial}", create=True)
        migrate(engine)
        summary = build(engine, seed=seed, password=password)
        with engine.connect() as conn:  # fold the write-ahead log into the file before the move
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        engine = None
        os.replace(partial, path)
        demo_mode.rotate_key(f"sqlite:///{path}")  # a new demo: no cookie of an earlier one is valid
        return summary
    finally:
        if engine is not None:
            engine.dispose()
        for piece in pieces:
            piece.unlink(missing_ok=True)


def welcome_text(summary: dict[str, int | str], url: str = "http://localhost:8501") -> str:
    """What a newcomer needs after the first build: where, who, and the password (once)."""
    pupils = f"{summary['leerlingen']:,}".replace(",", ".")
    lines = [f"Demo-database klaar: {summary['scholen']} scholen, {pupils} leerlingen (fictief).",
             f"Open {url} en log in met een van deze demo-accounts:"]
    lines += [f"  {username:<20} {role}" for username, role in demo_accounts()]
    if "wachtwoord demo-accounts" in summary:
        lines += [f"Wachtwoord (wordt maar één keer getoond): {summary['wachtwoord demo-accounts']}",
                  "Zelf een wachtwoord kiezen: lea demo --password '…' bouwt de demo opnieuw "
                  "(of, bij de eerste start, make run DEMO_PASSWORD='…')."]
    else:
        lines.append("Wachtwoord: het wachtwoord dat u opgaf.")
    return "\n".join(lines)


DEMO_SETTING_KEYS = ("demo", "municipality", "hours_per_day", "suppression_threshold",
                     "compliance_school_days", "demo_today", "demo_seed")


def _prepare(conn: Connection, replace: bool) -> None:
    """Refuse a database with data (unless replace and it can be emptied)."""
    data_tables = [t for t in Base.metadata.sorted_tables if t.name not in ("audit_event", "setting")]
    has_data = any(conn.execute(select(func.count()).select_from(t)).scalar() for t in data_tables)
    if not has_data:
        return
    if not replace or conn.execute(select(func.count()).select_from(StatusReport)).scalar():
        raise DemoError(NOT_EMPTY)
    for table in reversed(data_tables):
        conn.execute(delete(table))
    conn.execute(delete(Setting).where(Setting.key.in_(DEMO_SETTING_KEYS)))


class _Lazy:
    """Rows produced chunk by chunk from column arrays (the absence table is large)."""

    def __init__(self, count: int, make: Callable[[], Iterator[tuple]]):
        self.count = count
        self._make = make

    def __iter__(self) -> Iterator[tuple]:
        return self._make()

    def __len__(self) -> int:
        return self.count


TABLE_ORDER = (
    "school", "school_enrolment", "pupil", "pupil_enrolment", "absence_code", "absence",
    "verzuimmelding", "concern", "concern_note", "intervention", "contact", "period", "policy_action", "action_kpi",
    "reporting_period", "status_report",
)


def _write(conn: Connection, data: dict, timings: dict[str, float]) -> None:
    for table in TABLE_ORDER:
        started = time.perf_counter()
        columns, rows = data[table]
        bulk.insert_rows(conn, table, columns, rows)
        bulk.reset_sequence(conn, table)
        timings[f"write {table}"] = round(time.perf_counter() - started, 3)


def _write_settings(conn: Connection, spec: MunicipalitySpec, seed: int) -> None:
    values = {
        "demo": "1", "municipality": spec.name, "hours_per_day": str(HOURS_PER_SCHOOL_DAY),
        "suppression_threshold": str(DEFAULTS.suppression_threshold),
        "compliance_school_days": str(DEFAULTS.compliance_school_days),
        "demo_today": spec.today.isoformat(), "demo_seed": str(seed),
    }
    conn.execute(delete(Setting).where(Setting.key.in_(list(values))))
    conn.execute(Setting.__table__.insert(), [{"key": k, "value": v} for k, v in values.items()])


def _create_users(conn: Connection, password: str) -> None:
    """One account per role plus two extra officers, all with the same password (hashed once:
    bcrypt at 12 rounds costs ~0.3 s a hash)."""
    names = {username: f"Demo leerplichtambtenaar {n}" for n, username in enumerate(OFFICERS[1:], start=2)}
    accounts = [(username, names.get(username, f"Demo {role}"), role) for username, role in demo_accounts()]
    for username, name, role in accounts:
        create_user(conn, username=username, name=name, roles=[role], password=None)
    conn.execute(AppUser.__table__.update().where(AppUser.username.in_([a[0] for a in accounts]))
                 .values(password_hash=hash_password(password)))


# --- helpers ------------------------------------------------------------------------------------


def _iso(days: np.ndarray) -> list[str]:
    return np.datetime_as_string(days.astype("datetime64[D]"), unit="D").tolist()


def _stamp(day: dt.date, minutes: int) -> str:
    return f"{day.isoformat()} {minutes // 60:02d}:{minutes % 60:02d}:00.000000"


def _pick(rng: np.random.Generator, options: Sequence, p: Sequence[float] | None = None):
    return options[int(rng.choice(len(options), p=p))]


CONCERN_REASONS = {
    "DUO-melding": ("Ongeoorloofd verzuim boven de 16 uur", "Langdurig relatief verzuim",
                    "Herhaald ongeoorloofd verzuim"),
    "GGD": ("Zorgwekkend ziekteverzuim", "Signaal jeugdarts over gezondheid en schoolgang"),
    "jeugdconsulent": ("Zorgen over thuissituatie en schoolgang", "Schoolweigering"),
    "ouders": ("Vraag van ouders over schoolgang en ondersteuning", "Dreigend thuiszitten"),
    "politie": ("Signaal politie: kind onder schooltijd op straat",),
    "school": ("Zorgen over schoolgang", "Veelvuldig te laat en signaalverzuim",
               "Geen passend onderwijsaanbod (thuiszitter)"),
}
NEXT_ACTIONS = ("Huisbezoek plannen", "Gesprek met ouders en school", "Overleg met jeugdconsulent",
                "Advies jeugdarts opvragen", "Evaluatie plan van aanpak", "Terugkoppeling aan school",
                "Zorgoverleg (OZA) inplannen", "Controle schoolgang na afspraken")
CLOSING = ("schoolgang hersteld", "doorverwezen naar jeugdhulp", "afspraken nagekomen",
           "leerling verhuisd", "passend onderwijsaanbod gevonden", "proces-verbaal afgehandeld")

# The chain (issue 18): help and enforcement among the interventions, closing notes per outcome,
# and the school's words on a melding.
CARE_OR_ENFORCEMENT = frozenset({"verwijzing_jeugdconsulent", "verwijzing_ggd", "verwijzing_wijkteam",
                                 "zorgadviesteam", "halt", "proces_verbaal"})
CLOSING_FOR = {
    "terug_naar_school": ("schoolgang hersteld", "afspraken nagekomen", "doorverwezen naar jeugdhulp",
                          "passend onderwijsaanbod gevonden", "proces-verbaal afgehandeld"),
    "beeindigd_andere_opleiding": ("leerling verhuisd", "passend onderwijsaanbod gevonden"),
    "beeindigd_werk": ("leerling aan het werk",),
    "beeindigd_overig": ("leerling verhuisd", "uitgeschreven, naar het buitenland vertrokken"),
    "overleden": ("leerling overleden",),
    "langdurig_ziek": ("langdurig ziek, zorgtraject loopt", "doorverwezen naar jeugdhulp"),
    "legitiem_afwezig": ("verzuim bleek geoorloofd", "afwezigheid met reden, afspraken met school"),
}
SUSPECTED_REASONS = {
    "16_uur": ("problemen thuis", "schoolweigering", "motivatieproblemen", "onbekend", "conflict op school"),
    "lrv": ("schoolweigering", "psychische klachten", "problemen thuis", "geen passend onderwijs"),
    "luxe": ("vakantie buiten de schoolvakanties", "familiebezoek in het buitenland", "lang weekend weg"),
    "signaal": ("veel korte afwezigheid", "vaak ziek gemeld op maandag", "onbekend"),
    "zorgwekkend_ziek": ("veel ziekmeldingen", "chronische klachten", "psychische klachten"),
    "te_laat": ("laat naar bed", "ouders brengen te laat", "verantwoordelijk voor broertjes of zusjes"),
    "overig": ("onbekend", "problemen thuis"),
    "rmc": ("onbekend",),
}
SCHOOL_ACTIONS = ("gesprek met ouders", "gesprek met leerling", "ouders gebeld en gemaild",
                  "besproken in het zorgteam", "brief aan ouders gestuurd")
ACTIONS_WANTED = ("gesprek leerplicht met ouders", "huisbezoek", "advies aan school", "overleg met de jeugdarts",
                  "handhaving")

# "edges" and "chain" come last: SeedSequence children depend on their index only, so adding them
# did not change the draws of the other streams.
STREAMS = ("schools", "pupils", "absence", "meldingen", "concerns", "contacts", "programme", "edges", "chain")


class _Generator:
    def __init__(self, spec: MunicipalitySpec, seed: int):
        self.spec = spec
        children = np.random.SeedSequence(seed).spawn(len(STREAMS))
        self.rng = {name: np.random.default_rng(child) for name, child in zip(STREAMS, children)}
        self.today = spec.today
        self.today64 = np.datetime64(self.today, "D")
        self.out: dict[str, tuple[Sequence[str], object]] = {}
        # Set by the edge cases (see _edge_absence): (pupil, signal day) → school days to its melding,
        # and the pupil-years of the long-term sick pupils.
        self.edge_reports: dict[tuple[int, dt.date], int] = {}
        self.edge_severe: set[int] = set()
        self.edges: dict[str, object] = {}

    def run(self) -> dict:
        self._periods()
        self._schools()
        self._pupils()
        self._absence()
        self._sixteen_hour_meldingen()
        self._other_meldingen()
        self._finish_meldingen()
        self._concerns()
        self._contacts()
        self._chain()
        self._concern_rows()
        self._programme()
        self.out["absence_code"] = (("id", "source", "code", "category", "description"),
                                    [(i, "*", c, cat, d) for i, (c, cat, d) in enumerate(ABSENCE_CODES, 1)])
        return self.out

    # --- periods and calendar ------------------------------------------------------------------

    def _periods(self) -> None:
        spec = self.spec
        sectors = sorted({s.sector for s in spec.schools} & {"BAO", "SBAO"}) or ["BAO"]
        rows = [(name, "vakantie", None, s, e) for name, s, e in holiday_periods(spec.first_year, spec.last_year)]
        self.closures: list[tuple[str, str, dt.date, dt.date]] = []
        for name, kind, s, e in COVID_PERIODS:
            if s <= spec.end and e >= spec.start:
                self.closures.append((name, kind, s, e))
                rows += [(name, kind, sector, s, e) for sector in sectors]
        rows.append((PILOT_NAME, "pilot", None, PILOT_START, PILOT_END))
        rows.sort(key=lambda r: (r[3], r[1], r[2] or ""))
        self.out["period"] = (("id", "name", "kind", "sector", "start", '"end"'),
                              [(i, n, k, sec, s.isoformat(), e.isoformat()) for i, (n, k, sec, s, e) in enumerate(rows, 1)])
        self.calendar = SchoolCalendar.from_periods((s, e) for _, k, _, s, e in rows if k in HOLIDAY_KINDS)
        self.holidays = [(n, s, e) for n, k, _, s, e in rows if k == "vakantie"]
        days = np.array(self.calendar.school_days(spec.start, spec.end), dtype="datetime64[D]")
        self.days = days
        self.day_dates = days.tolist()
        years = np.array([school_year_of(d) for d in self.day_dates])
        self.day_year = years - spec.first_year  # year rank per school day
        self.year_off = np.searchsorted(self.day_year, np.arange(len(spec.years)))
        self.year_len = np.bincount(self.day_year, minlength=len(spec.years))
        self.registration = np.ones(len(days))
        self.closure_of_day = np.full(len(days), -1)
        for i, (_, kind, s, e) in enumerate(self.closures):
            mask = (days >= np.datetime64(s)) & (days <= np.datetime64(e))
            self.registration[mask] = CLOSURE_REGISTRATION[kind]
            self.closure_of_day[mask] = i
        self.weekday = (days.astype("int64") - 4) % 7  # 1970-01-01 was a Thursday → Monday = 0
        self.month = (days.astype("datetime64[M]").astype(int) % 12) + 1
        self.week_index = school_week_index(self.calendar, spec.start, spec.end)

    def school_day_after(self, day: dt.date, k: int) -> dt.date:
        """The k-th school day after ``day``; for k = 0 the day itself or the next school day."""
        d64 = np.datetime64(day, "D")
        i = int(np.searchsorted(self.days, d64, side="left" if k == 0 else "right")) + max(k - 1, 0)
        if i < len(self.days):
            return self.day_dates[i]
        return np.busday_offset(self.days[-1], i - len(self.days) + 1, roll="forward").item()

    # --- schools ----------------------------------------------------------------------------------

    def _schools(self) -> None:
        rng, spec = self.rng["schools"], self.spec
        n = len(spec.schools)
        self.n_schools = n
        denominations = np.array(["openbaar"] * round(n * 0.45) + ["christelijk"] * round(n * 0.35))
        denominations = np.concatenate([denominations, ["katholiek"] * (n - len(denominations))])[:n]
        rng.shuffle(denominations)
        municipalities = list(dict.fromkeys(s.municipality for s in spec.schools))
        single = len(municipalities) == 1
        pool = list(names.SCHOOL_NAMES)
        name_order = {m: rng.permutation(len(pool)) for m in municipalities}
        used: dict[str, int] = defaultdict(int)
        # Samenwerkingsverbanden: split one municipality by postcode, else group municipalities by three.
        if single:
            order = np.argsort([s.postcode for s in spec.schools], kind="stable")
            swv = np.empty(n, dtype=object)
            swv[order[: n // 2]] = "PO2201"
            swv[order[n // 2:]] = "PO2202"
        else:
            swv = np.array([f"PO{2201 + municipalities.index(s.municipality) // 3}" for s in spec.schools], dtype=object)
        # Reporting behaviour.
        self.diligence = 0.10 + 0.85 * rng.beta(2.0, 2.0, n)
        self.delay_mean = 0.5 + 9.0 * (1 - self.diligence) ** 1.5
        weights = (1.4 - self.diligence) / (1.4 - self.diligence).sum()
        n_pilot = round(n * spec.pilot_share)
        pilot_idx = rng.choice(n, size=n_pilot, replace=False, p=weights) if n_pilot else np.array([], int)
        self.pilot = np.zeros(n, bool)
        self.pilot[pilot_idx] = True
        poor_codes = rng.random(n) < 0.25
        self.unknown_share = np.where(poor_codes, rng.uniform(0.03, 0.10, n), rng.uniform(0.0, 0.006, n))
        self.unauth_factor = rng.lognormal(0.0, 0.35, n)
        self.late_factor = 0.25 + 1.25 * rng.beta(2.0, 2.0, n)
        self.register_lag = rng.uniform(0.1, 0.6, n)
        self.unauth_code = np.where(rng.random(n) < 0.6, "A", "ON")
        self.late_code = np.where(rng.random(n) < 0.7, "TL", "TA")
        officer_order = rng.permutation(n)
        cuts = np.cumsum(np.array(OFFICER_SHARES) * n).round().astype(int)
        self.officer = np.empty(n, dtype=object)
        for rank, school in enumerate(officer_order):
            self.officer[school] = OFFICERS[int(np.searchsorted(cuts, rank, side="right"))]
        rows = []
        for i, s in enumerate(spec.schools):
            denom = str(denominations[i])
            prefix = names.SCHOOL_PREFIXES[denom][int(rng.integers(len(names.SCHOOL_PREFIXES[denom])))]
            k = used[s.municipality]
            used[s.municipality] += 1
            base = pool[name_order[s.municipality][k % len(pool)]]
            name = f"{prefix} {base}" + (f" {k // len(pool) + 1}" if k >= len(pool) else "")
            if s.sector == "SBAO":
                name = f"SBO {base}"
            board = (names.BOARDS_DEMO[denom] if single else names.BOARD_PATTERNS[denom].format(s.municipality))
            rows.append((i + 1, s.vestigingsnummer, s.brin, name, s.sector, board, swv[i], s.municipality,
                         s.postcode, PILOT_START.isoformat() if self.pilot[i] else None, s.advices, True))
        self.out["school"] = (("id", "vestigingsnummer", "brin", "name", "sector", "board", "swv_code",
                               "municipality", "postcode", "pilot_start", "size_proxy", "in_scope"), rows)
        self.muni_of_school = np.array([municipalities.index(s.municipality) for s in spec.schools])

    # --- pupils -----------------------------------------------------------------------------------

    def _pupils(self) -> None:
        rng, spec = self.rng["pupils"], self.spec
        n, first, last = self.n_schools, spec.first_year, spec.last_year
        size = np.array([s.enrolment for s in spec.schools])
        trend = rng.normal(0.0, 0.015, n)
        cohorts = np.arange(first - 7, last + 1)
        mid = (first + last) / 2
        # 1.04 compensates for pupils who leave early, so enrolment ≈ advices / 6 × 8.
        lam = 1.04 * size[:, None] / 8 * (1 + trend[:, None]) ** (cohorts[None, :] - mid)
        counts = rng.poisson(lam)
        school0 = np.repeat(np.repeat(np.arange(n), len(cohorts)), counts.ravel())
        cohort = np.repeat(np.tile(cohorts, n), counts.ravel())
        m = len(school0)
        entry = cohort.copy()
        end = cohort + 7
        late_entry = rng.random(m) < 0.06
        entry[late_entry] += rng.integers(1, 7, late_entry.sum())
        leaves = rng.random(m) < 0.06
        end[leaves] = np.maximum(entry[leaves], cohort[leaves] + rng.integers(0, 7, leaves.sum()))
        repeat_year = np.full(m, 10_000)
        repeats = (rng.random(m) < 0.025) & ~leaves
        repeat_year[repeats] = cohort[repeats] + rng.integers(1, 8, repeats.sum())
        end[repeats] += 1
        switch_year = np.full(m, 10_000)
        school1 = school0.copy()
        switches = rng.random(m) < 0.03
        switch_year[switches] = cohort[switches] + rng.integers(1, 8, switches.sum())
        by_muni = defaultdict(list)
        for s in range(n):
            by_muni[int(self.muni_of_school[s])].append(s)
        for p in np.flatnonzero(switches):
            options = by_muni[int(self.muni_of_school[school0[p]])]
            school1[p] = options[int(rng.integers(len(options)))] if len(options) > 1 else school0[p]
        start_y = np.maximum(entry, first)
        end_y = np.minimum(end, last)
        keep = end_y >= start_y
        # Shuffle so that ids do not follow school and cohort.
        keep_idx = np.flatnonzero(keep)
        keep_idx = keep_idx[rng.permutation(len(keep_idx))]
        school0, school1, cohort = school0[keep_idx], school1[keep_idx], cohort[keep_idx]
        start_y, end_y = start_y[keep_idx], end_y[keep_idx]
        repeat_year, switch_year = repeat_year[keep_idx], switch_year[keep_idx]
        m = len(keep_idx)
        self.n_pupils = m
        n_years = end_y - start_y + 1
        py_pupil = np.repeat(np.arange(m), n_years)
        offsets = np.arange(len(py_pupil)) - np.repeat(np.cumsum(n_years) - n_years, n_years)
        py_year = start_y[py_pupil] + offsets
        grade = py_year - cohort[py_pupil] + 1 - (py_year >= repeat_year[py_pupil])
        grade = np.clip(grade, 1, 8)
        py_school = np.where(py_year >= switch_year[py_pupil], school1[py_pupil], school0[py_pupil])
        self.py_pupil, self.py_year, self.py_school, self.py_grade = py_pupil, py_year, py_school, grade
        self.n_py = len(py_pupil)

        # Identity: pseudonym, names, birth date consistent with the cohort (groep 1 at 4–5 on 1 Oct).
        alphabet = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"))
        while True:
            codes = alphabet[rng.integers(len(alphabet), size=(m, 8))]
            pseudonyms = np.char.add("P", codes.view("<U8").ravel()) if m else np.array([], str)
            if len(np.unique(pseudonyms)) == m:
                break
        first_names = np.array(names.FIRST_NAMES)[rng.integers(len(names.FIRST_NAMES), size=m)]
        last_names = np.array(names.LAST_NAMES)[rng.integers(len(names.LAST_NAMES), size=m)]
        birth = (np.array([f"{c - 5}-10-01" for c in cohort], dtype="datetime64[D]")
                 + rng.integers(0, 365, m).astype("timedelta64[D]"))
        self.pupil_birth = birth  # HALT is for youths of 12 and older (the chain step)
        last_py = np.cumsum(n_years) - 1
        current_school = py_school[last_py]
        current_grade = np.where(end_y == last, grade[last_py], -1)
        self.pupil_school = current_school
        self.out["pupil"] = (
            ("id", "pseudonym", "first_name", "last_name", "birth_date", "school_id", "grade"),
            list(zip(range(1, m + 1), pseudonyms.tolist(), first_names.tolist(), last_names.tolist(),
                     _iso(birth), (current_school + 1).tolist(),
                     [g if g > 0 else None for g in current_grade.tolist()])),
        )
        self.out["pupil_enrolment"] = (
            ("id", "pupil_id", "school_id", "school_year", "grade"),
            list(zip(range(1, self.n_py + 1), (py_pupil + 1).tolist(), (py_school + 1).tolist(),
                     py_year.tolist(), grade.tolist())),
        )
        counts = defaultdict(int)
        for s, y in zip(py_school.tolist(), py_year.tolist()):
            counts[(s, y)] += 1
        self.out["school_enrolment"] = (
            ("id", "school_id", "school_year", "pupils"),
            [(i, s + 1, y, c) for i, ((s, y), c) in enumerate(sorted(counts.items()), 1)],
        )
        self.enrolment = counts

        # Persistent propensities per pupil.
        self.sick_p = rng.gamma(2.0, 3.8 / 2.0, m)
        self.unauth_p = np.minimum(rng.lognormal(-2.7, 1.7, m), 6.0)
        self.late_p = rng.gamma(0.7, 7.0 / 0.7, m)
        self.luxe_family = np.where(rng.random(m) < 0.08, 0.35, 0.004)

    # --- absence ----------------------------------------------------------------------------------

    def _sample_days(self, rng, year_rank: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """A school-day index per event, within the event's school year, drawn with ``weights``."""
        cdf = np.empty(len(weights))
        for r in range(len(self.year_off)):
            seg = slice(self.year_off[r], self.year_off[r] + self.year_len[r])
            w = np.cumsum(weights[seg])
            cdf[seg] = r + w / w[-1] if len(w) and w[-1] > 0 else r
        idx = np.searchsorted(cdf, year_rank + rng.random(len(year_rank)), side="left")
        hi = self.year_off[year_rank] + self.year_len[year_rank] - 1
        return np.minimum(idx, hi)

    def _absence(self) -> None:
        rng, spec = self.rng["absence"], self.spec
        scale = spec.absence_scale
        yr = self.py_year - spec.first_year
        p, s = self.py_pupil, self.py_school
        sick_year = {2019: 1.05, 2021: 1.2, 2022: 1.1}
        unauth_year = {2020: 0.9, 2021: 1.1, 2022: 1.2, 2023: 1.25, 2024: 1.3}
        sy = np.array([sick_year.get(y, 1.0) for y in self.py_year.tolist()]) if self.n_py else np.zeros(0)
        uy = np.array([unauth_year.get(y, 1.0) for y in self.py_year.tolist()]) if self.n_py else np.zeros(0)
        noise = rng.lognormal(0.0, 0.4, self.n_py)
        lam = {
            ZIEK: self.sick_p[p] * sy * scale,
            ONGEOORLOOFD: self.unauth_p[p] * noise * self.unauth_factor[s] * uy * np.where(self.py_grade == 1, 0.4, 1.0),
            TE_LAAT: self.late_p[p] * self.late_factor[s] * scale,
            GEOORLOOFD: np.full(self.n_py, 3.5 * scale),
            SCHORSING: 0.0015 + 0.03 * (self.unauth_p[p] > 3) * (self.py_grade >= 4),
        }
        month_w = np.array([0, 1.5, 1.4, 1.2, 0.9, 0.8, 0.7, 0.6, 0.5, 0.7, 1.0, 1.2, 1.4])
        sick_w = month_w[self.month] * np.where(
            (self.days >= np.datetime64("2022-01-01")) & (self.days <= np.datetime64("2022-02-28")), 1.6, 1.0)
        weights = {
            ZIEK: sick_w,
            ONGEOORLOOFD: np.where((self.weekday == 0) | (self.weekday == 4), 1.4, 1.0),
            TE_LAAT: np.where(self.month == 1, 1.3, 1.0) + 0 * self.weekday,
            GEOORLOOFD: np.ones(len(self.days)),
            SCHORSING: np.ones(len(self.days)),
        }
        parts_py, parts_day, parts_cat, parts_hours, parts_first = [], [], [], [], []
        for cat in (ZIEK, ONGEOORLOOFD, TE_LAAT, GEOORLOOFD, SCHORSING):
            n_ev = rng.poisson(lam[cat])
            ev_py = np.repeat(np.arange(self.n_py), n_ev)
            start = self._sample_days(rng, yr[ev_py], weights[cat])
            if cat == ZIEK:
                length = np.minimum(rng.geometric(0.45, len(ev_py)), 10)
            elif cat == ONGEOORLOOFD:
                length = 1 + np.minimum(rng.poisson(self.unauth_p[p[ev_py]] * 0.12), 9)
            elif cat == SCHORSING:
                length = rng.integers(1, 4, len(ev_py))
            else:
                length = np.ones(len(ev_py), int)
            self._expand(ev_py, start, length, cat, rng, parts_py, parts_day, parts_cat, parts_hours, parts_first)
        # Luxe: days just before or after a holiday.
        luxe_n = (rng.random(self.n_py) < self.luxe_family[p]).astype(int)
        ev_py = np.repeat(np.arange(self.n_py), luxe_n)
        bounds, bound_year = self._holiday_bounds()
        before_after = []
        if len(ev_py) and len(bounds):
            picks = np.empty(len(ev_py), int)
            for r in range(len(spec.years)):
                idx = np.flatnonzero(yr[ev_py] == r)
                options = np.flatnonzero(bound_year == r)
                if len(idx) and len(options):
                    picks[idx] = options[rng.integers(len(options), size=len(idx))]
                elif len(idx):
                    picks[idx] = -1
            ok = picks >= 0
            ev_py, picks = ev_py[ok], picks[ok]
            length = rng.choice([1, 2, 3], size=len(ev_py), p=[0.5, 0.3, 0.2])
            direction = bounds[picks, 1]
            rep = np.repeat(np.arange(len(ev_py)), length)
            step = np.arange(len(rep)) - np.repeat(np.cumsum(length) - length, length)
            day = bounds[picks, 0][rep] + direction[rep] * step
            before_after.append((ev_py[rep], day))
        for ev, day in before_after:
            ok = (day >= 0) & (day < len(self.days))
            ev, day = ev[ok], day[ok]
            parts_py.append(ev)
            parts_day.append(day)
            parts_cat.append(np.full(len(ev), LUXE))
            parts_hours.append(np.full(len(ev), HOURS_PER_SCHOOL_DAY))
            parts_first.append(np.zeros(len(ev), bool))

        py = np.concatenate(parts_py)
        day = np.concatenate(parts_day)
        cat = np.concatenate(parts_cat)
        hours = np.concatenate(parts_hours)
        partial_sick = np.concatenate(parts_first)
        # Only within the pupil's school year, not after "today", thinned during closures.
        yr_ev = yr[py]
        ok = (day >= self.year_off[yr_ev]) & (day < self.year_off[yr_ev] + self.year_len[yr_ev])
        ok &= self.days[np.minimum(day, len(self.days) - 1)] <= self.today64
        ok &= rng.random(len(day)) < self.registration[np.minimum(day, len(self.days) - 1)]
        py, day, cat, hours, partial_sick = py[ok], day[ok], cat[ok], hours[ok], partial_sick[ok]
        # One registration per pupil per day: the most serious category wins.
        key = self.py_pupil[py].astype(np.int64) * (len(self.days) + 1) + day
        order = np.lexsort((cat, key))
        key, py, day, cat, hours, partial_sick = key[order], py[order], day[order], cat[order], hours[order], partial_sick[order]
        first = np.ones(len(key), bool)
        first[1:] = key[1:] != key[:-1]
        py, day, cat, hours, partial_sick = py[first], day[first], cat[first], hours[first], partial_sick[first]
        school = self.py_school[py]
        # Codes: each school has its own habits.
        code = np.empty(len(py), dtype=object)
        code[cat == SCHORSING] = "SC"
        code[cat == LUXE] = "LX"
        code[cat == ZIEK] = np.where(partial_sick[cat == ZIEK], "ZN", "ZI")
        code[cat == ONGEOORLOOFD] = self.unauth_code[school[cat == ONGEOORLOOFD]]
        code[cat == TE_LAAT] = self.late_code[school[cat == TE_LAAT]]
        geo = cat == GEOORLOOFD
        geo_kind = rng.choice(3, size=geo.sum(), p=[0.55, 0.25, 0.20])
        code[geo] = np.array(["DR", "VR", "BV"], dtype=object)[geo_kind]
        hours[geo] = np.where(geo_kind == 0, rng.choice([1.0, 1.5, 2.0, 3.0], size=geo.sum()), HOURS_PER_SCHOOL_DAY)
        category = np.array(CATEGORY_NAMES, dtype=object)[cat]
        after_pilot = self.pilot[school] & (self.days[day] >= np.datetime64(PILOT_START))
        unknown = rng.random(len(py)) < self.unknown_share[school] * np.where(after_pilot, 0.25, 1.0)
        code[unknown] = "?"
        category[unknown] = "onbekend"
        lag = rng.geometric(1 - self.register_lag[school] * np.where(after_pilot, 0.5, 1.0)) - 1
        lag = np.where(self.registration[day] < 1, lag + rng.integers(0, 4, len(lag)), lag)
        registered = np.busday_offset(self.days[day], lag, roll="forward")
        py, day, cat, hours, unknown, code, category, registered = self._edge_absence(
            py, day, cat, hours, unknown, code, category, registered)
        school = self.py_school[py]
        pupil = self.py_pupil[py]
        order = np.lexsort((day, pupil))
        self.abs_py, self.abs_day, self.abs_cat = py[order], day[order], cat[order]
        self.abs_hours, self.abs_unknown = hours[order], unknown[order]
        cols = (pupil[order] + 1, school[order] + 1, day[order], hours[order], code[order],
                category[order], registered[order])
        count = len(order)

        def rows() -> Iterator[tuple]:
            step = 100_000
            for lo in range(0, count, step):
                hi = min(lo + step, count)
                yield from zip(range(lo + 1, hi + 1), cols[0][lo:hi].tolist(), cols[1][lo:hi].tolist(),
                               _iso(self.days[cols[2][lo:hi]]), cols[3][lo:hi].tolist(), cols[4][lo:hi].tolist(),
                               cols[5][lo:hi].tolist(), _iso(cols[6][lo:hi]))

        self.out["absence"] = (("id", "pupil_id", "school_id", "date", "hours", "code", "category",
                                "registered_on"), _Lazy(count, rows))

    def _expand(self, ev_py, start, length, cat, rng, parts_py, parts_day, parts_cat, parts_hours, parts_first):
        rep = np.repeat(np.arange(len(ev_py)), length)
        step = np.arange(len(rep)) - np.repeat(np.cumsum(length) - length, length)
        n = len(rep)
        parts_py.append(ev_py[rep])
        parts_day.append(start[rep] + step)
        parts_cat.append(np.full(n, cat))
        first = np.zeros(n, bool)
        if cat == ZIEK:
            hours = np.full(n, HOURS_PER_SCHOOL_DAY)
            first = (step == 0) & (rng.random(n) < 0.12)
            hours[first] = rng.choice([2.0, 2.5, 3.0], size=first.sum())
        elif cat == ONGEOORLOOFD:
            full = rng.random(n) < 0.65
            hours = np.where(full, HOURS_PER_SCHOOL_DAY, rng.choice([1.0, 1.5, 2.0, 2.5, 3.0], size=n))
        elif cat == TE_LAAT:
            hours = rng.choice([0.25, 0.5], size=n, p=[0.65, 0.35])
        else:
            hours = np.full(n, HOURS_PER_SCHOOL_DAY)
        parts_hours.append(hours)
        parts_first.append(first)

    def _holiday_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """(school-day index, direction) of the last day before and first day after each long holiday."""
        out = []
        for name, s, e in self.holidays:
            if not name.startswith(("Herfst", "Kerst", "Voorjaars", "Mei", "Zomer")):
                continue
            before = int(np.searchsorted(self.days, np.datetime64(s))) - 1
            after = int(np.searchsorted(self.days, np.datetime64(e), side="right"))
            if 0 <= before < len(self.days):
                out.append((before, -1))
            if 0 <= after < len(self.days):
                out.append((after, 1))
        arr = np.array(out, dtype=int).reshape(-1, 2)
        years = self.day_year[arr[:, 0]] if len(arr) else np.array([], int)
        # A holiday's "after" day can lie in the next school year; keep it in that year.
        return arr, years

    # --- verzuimmeldingen -------------------------------------------------------------------------

    def _report_probability(self, school: int, day: dt.date) -> tuple[float, float]:
        """(probability that a 16-hour signal is reported, mean extra delay in school days)."""
        if self.pilot[school] and day >= PILOT_START:
            return max(self.diligence[school], 0.93 + 0.04 * (self.diligence[school] > 0.5)), 0.4
        drift = 0.01 * (school_year_of(day) - self.spec.first_year)
        return min(0.97, self.diligence[school] + drift), self.delay_mean[school]

    def _sixteen_hour_meldingen(self) -> None:
        rng = self.rng["meldingen"]
        self.meldingen: list[dict] = []
        unauth = (self.abs_cat == ONGEOORLOOFD) & ~self.abs_unknown
        py, day, hours = self.abs_py[unauth], self.abs_day[unauth], self.abs_hours[unauth]
        pupil = self.py_pupil[py]
        totals = np.bincount(pupil, weights=hours, minlength=self.n_pupils)
        bounds = np.searchsorted(pupil, np.arange(self.n_pupils + 1))
        self.signals_per_py = np.zeros(self.n_py, int)
        for p_ in np.flatnonzero(totals > 16):
            lo, hi = bounds[p_], bounds[p_ + 1]
            days = [self.day_dates[d] for d in day[lo:hi].tolist()]
            rows = list(zip(days, hours[lo:hi].tolist()))
            school_on = dict(zip(days, self.py_school[py[lo:hi]].tolist()))
            py_on = dict(zip(days, py[lo:hi].tolist()))
            for signal in sixteen_hour_signals(rows, self.week_index, DEFAULTS.signal_hours,
                                               DEFAULTS.signal_weeks):
                school = school_on[signal.signal_on]
                self.signals_per_py[py_on[signal.signal_on]] += 1
                planned = self.edge_reports.get((int(p_), signal.signal_on))
                if planned is not None:  # an edge case: reported this many school days after the signal
                    self.meldingen.append(dict(pupil=int(p_), school=school, kind="16_uur", start=signal.window_start,
                                               reported=self.school_day_after(signal.signal_on, planned),
                                               hours=signal.hours, end=signal.signal_on))
                    continue
                prob, delay = self._report_probability(school, signal.signal_on)
                if rng.random() >= prob:
                    continue
                k = 1 + int(rng.poisson(delay))
                reported = self.school_day_after(signal.signal_on, k)
                if reported > self.today:
                    continue
                self.meldingen.append(dict(pupil=int(p_), school=school, kind="16_uur", start=signal.window_start,
                                           reported=reported, hours=signal.hours, end=signal.signal_on))

    def _other_meldingen(self) -> None:
        rng = self.rng["meldingen"]
        n_py = self.n_py
        valid = ~self.abs_unknown
        sums = {c: np.bincount(self.abs_py[valid & (self.abs_cat == c)],
                               weights=self.abs_hours[valid & (self.abs_cat == c)], minlength=n_py)
                for c in (ONGEOORLOOFD, ZIEK, LUXE)}
        late_n = np.bincount(self.abs_py[valid & (self.abs_cat == TE_LAAT)], minlength=n_py)
        school_days = np.array([self.year_len[y - self.spec.first_year] for y in self.py_year.tolist()])
        possible = possible_hours(school_days, hours_per_day=HOURS_PER_SCHOOL_DAY)

        def rows_of(cat):
            mask = valid & (self.abs_cat == cat)
            py_, day_, h_ = self.abs_py[mask], self.abs_day[mask], self.abs_hours[mask]
            order = np.lexsort((day_, py_))
            py_, day_, h_ = py_[order], day_[order], h_[order]
            return py_, day_, h_, np.searchsorted(py_, np.arange(n_py + 1))

        def crossing(data, i, threshold, count=False):
            py_, day_, h_, b = data
            seg_d, seg_h = day_[b[i]:b[i + 1]], h_[b[i]:b[i + 1]]
            cum = np.cumsum(np.ones(len(seg_h)) if count else seg_h)
            j = int(np.searchsorted(cum, threshold))
            return (self.day_dates[seg_d[min(j, len(seg_d) - 1)]], self.day_dates[seg_d[0]],
                    self.day_dates[seg_d[-1]]) if len(seg_d) else None

        def add(i, kind, start, base_day, k, hours):
            reported = self.school_day_after(base_day, k)
            if reported <= self.today:
                self.meldingen.append(dict(pupil=int(self.py_pupil[i]), school=int(self.py_school[i]), kind=kind,
                                           start=start, reported=reported, hours=hours, end=base_day))

        un = rows_of(ONGEOORLOOFD)
        for i in np.flatnonzero(sums[ONGEOORLOOFD] >= 100):
            if rng.random() < 0.6:
                hit = crossing(un, i, 88)
                add(i, "lrv", hit[1], hit[0], 2 + int(rng.poisson(4)), round(float(sums[ONGEOORLOOFD][i]), 2))
        for i in np.flatnonzero((sums[ONGEOORLOOFD] >= 6) & (sums[ONGEOORLOOFD] <= 16) & (self.signals_per_py == 0)):
            if rng.random() < 0.05:
                hit = crossing(un, i, 1e9)
                add(i, "signaal", hit[1], hit[2], 1 + int(rng.poisson(3)), round(float(sums[ONGEOORLOOFD][i]), 2))
        sick = rows_of(ZIEK)
        for i in np.flatnonzero(sums[ZIEK] >= 0.12 * possible):
            drawn = rng.random() < 0.07
            if drawn or int(i) in self.edge_severe:  # the long-term sick pupils are known to leerplicht
                hit = crossing(sick, i, DEFAULTS.persistent_share * possible[i])
                add(i, "zorgwekkend_ziek", hit[1], hit[0], 2 + int(rng.poisson(5)), round(float(sums[ZIEK][i]), 2))
        late = rows_of(TE_LAAT)
        for i in np.flatnonzero(late_n >= 25):
            if rng.random() < 0.07:
                hit = crossing(late, i, 25, count=True)
                add(i, "te_laat", hit[1], hit[0], 1 + int(rng.poisson(3)), None)
        lux = rows_of(LUXE)
        for i in np.flatnonzero(sums[LUXE] > 0):
            if rng.random() < 0.08:
                hit = crossing(lux, i, 1e9)
                add(i, "luxe", hit[1], hit[2], 1 + int(rng.poisson(4)), round(float(sums[LUXE][i]), 2))
        for i in np.flatnonzero(rng.random(n_py) < 0.0008):
            r = self.py_year[i] - self.spec.first_year
            d = self.day_dates[self.year_off[r] + int(rng.integers(self.year_len[r]))]
            add(i, "overig", d, d, 0, None)

    def _finish_meldingen(self) -> None:
        rng = self.rng["meldingen"]
        outcomes = {
            "16_uur": (("gesprek", "waarschuwing", "doorverwijzing zorg", "proces-verbaal", "geen actie"),
                       (0.45, 0.25, 0.15, 0.05, 0.10)),
            "lrv": (("doorverwijzing zorg", "gesprek", "proces-verbaal"), (0.5, 0.3, 0.2)),
            "luxe": (("waarschuwing", "proces-verbaal", "gesprek", "geen actie"), (0.4, 0.35, 0.15, 0.10)),
            "signaal": (("gesprek", "geen actie", "doorverwijzing zorg"), (0.6, 0.25, 0.15)),
            "zorgwekkend_ziek": (("doorverwijzing zorg", "gesprek", "geen actie"), (0.5, 0.4, 0.1)),
            "te_laat": (("gesprek", "waarschuwing", "geen actie"), (0.5, 0.35, 0.15)),
            "overig": (("gesprek", "geen actie"), (0.5, 0.5)),
        }
        self.meldingen.sort(key=lambda m: (m["reported"], m["pupil"], m["kind"]))
        rows = []
        for i, m in enumerate(self.meldingen, 1):
            age = (self.today - m["reported"]).days
            if age > 90 or (age > 14 and rng.random() < 0.5):
                status = "afgerond" if age > 90 or rng.random() < 0.6 else "in_behandeling"
            else:
                status = "open" if age < 14 or rng.random() < 0.3 else "in_behandeling"
            if age > 90 and rng.random() < 0.02:
                status = "in_behandeling"
            options, probs = outcomes[m["kind"]]
            outcome = _pick(rng, options, probs) if status == "afgerond" else None
            officer = self.officer[m["school"]] if rng.random() < 0.9 else OFFICERS[int(rng.integers(len(OFFICERS)))]
            m.update(id=i, status=status, outcome=outcome, officer=officer)
            rows.append((i, m["pupil"] + 1, m["school"] + 1, m["kind"], m["start"].isoformat(),
                         m["reported"].isoformat(), m["hours"], status, outcome, officer))
        self.out["verzuimmelding"] = (("id", "pupil_id", "school_id", "kind", "absence_start", "reported_on",
                                       "hours", "status", "outcome", "officer"), rows)

    # --- youths of concern ------------------------------------------------------------------------

    def _concerns(self) -> None:
        rng, spec = self.rng["concerns"], self.spec
        candidates = []
        from_melding = {"lrv": 0.9, "zorgwekkend_ziek": 0.5, "signaal": 0.1, "te_laat": 0.1, "luxe": 0.05}
        for m in self.meldingen:
            p = from_melding.get(m["kind"], 0.0)
            if m["kind"] == "16_uur":
                p = 0.7 if m["outcome"] in ("doorverwijzing zorg", "proces-verbaal") else 0.15
            if rng.random() < p:
                source = "DUO-melding" if m["kind"] in ("16_uur", "lrv") else "school"
                opened = m["reported"] + dt.timedelta(days=int(rng.integers(0, 10)))
                candidates.append(dict(pupil=m["pupil"], school=m["school"], opened=opened, source=source,
                                       melding=m))
        # Other sources, weighted towards pupils with much absence.
        yearly = 5.0 / 1000 * len(self.py_pupil) / max(len(spec.years), 1)
        weight = (self.unauth_p[self.py_pupil] + 0.3 * self.sick_p[self.py_pupil] + 0.5)
        weight = weight / weight.sum()
        n_other = int(rng.poisson(yearly * len(spec.years)))
        for i in rng.choice(self.n_py, size=n_other, p=weight):
            r = int(self.py_year[i]) - spec.first_year
            d = self.day_dates[self.year_off[r] + int(rng.integers(self.year_len[r]))]
            source = _pick(rng, ("GGD", "jeugdconsulent", "ouders", "politie", "school"), (0.3, 0.25, 0.15, 0.1, 0.2))
            candidates.append(dict(pupil=int(self.py_pupil[i]), school=int(self.py_school[i]), opened=d,
                                   source=source, melding=None))
        candidates = [c for c in candidates if c["opened"] <= self.today]
        candidates.sort(key=lambda c: (c["opened"], c["pupil"]))
        busy_until: dict[int, dt.date] = {}
        self.concerns: list[dict] = []
        for c in candidates:
            if busy_until.get(c["pupil"], dt.date.min) >= c["opened"]:
                continue
            duration = int(np.clip(rng.lognormal(np.log(140), 0.7), 14, 700))
            self._complete_concern(c, duration, rng)
            busy_until[c["pupil"]] = c["closed"] or dt.date.max
        self._edge_concerns()

    # --- the chain: interventions, outcomes, DUO's melding fields (issue 18) ----------------------------

    def _chain(self) -> None:
        """Interventions per case, the outcome of every closed case, and the meldingen in DUO's shape,
        all drawn from the "chain" stream (added last: nothing drawn before changes).

        * The first reached contact with the family or youth in a case is its *gesprek* (a
          *huisbezoek* when it was a home visit); the first reached home visit later is a huisbezoek.
        * Help follows in most cases of MAS-route zorg and in some others: a referral (to the GGD for
          health, the jeugdconsulent or wijkteam otherwise) and sometimes the zorgadviesteam/OZA.
        * Enforcement in a few: mostly MAS-route handhaving, luxe verzuim and meldingen that ended in a
          proces-verbaal; HALT for youths of 12 and older, else a proces-verbaal (against the parents).
          Typically after the gesprek; sometimes before any help, sometimes after it.
        * A closed case ends mostly back at school; moves end in "inschrijving beëindigd", health cases
          sometimes in "langdurig ziek" or "legitiem afwezig". The closing note says the same.
        * Meldingen get a meldingsnummer and the end of the reported absence; the school's suspected
          reason and actions on most; a few non-16-hour meldingen are withdrawn (ingetrokken) or, with
          no action, taken for information (ter kennisgeving aangenomen).
        """
        rng = self.rng["chain"]
        contact_rows = self.out["contact"][1]
        first_reached: dict[int, tuple[dt.date, str]] = {}
        first_visit: dict[int, dt.date] = {}
        for row in contact_rows:  # sorted by date
            concern, target, channel, reached = row[11], row[3], row[4], row[7]
            if concern is None or target not in ("family", "youth") or not reached:
                continue
            day = dt.date.fromisoformat(row[1])
            first_reached.setdefault(concern, (day, channel))
            if channel == "home_visit":
                first_visit.setdefault(concern, day)
        interventions: list[tuple] = []
        for c in self.concerns:
            end = min(c["closed"] or self.today, self.today)
            health = (c["source"] == "GGD" or "ziek" in c["reason"].lower()
                      or bool(c["melding"] and c["melding"]["kind"] == "zorgwekkend_ziek"))
            planned: list[tuple[str, dt.date]] = []
            met = first_reached.get(c["id"])
            if met:
                planned.append(("huisbezoek" if met[1] == "home_visit" else "gesprek", met[0]))
                if first_visit.get(c["id"]) and first_visit[c["id"]] != met[0]:
                    planned.append(("huisbezoek", first_visit[c["id"]]))
            start = met[0] if met else c["opened"]

            def later(lo: int, hi: int, base: dt.date = start) -> dt.date:
                day = base + dt.timedelta(days=int(rng.integers(lo, hi)))
                return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)

            # the shift from punishing to helping: each school year a little more help, less and later enforcement
            years_in = school_year_of(c["opened"]) - self.spec.first_year
            p_help = {"MAS-2 zorg": 0.75, "MAS-1 preventief": 0.3}.get(c["mas"], 0.35) + 0.03 * years_in
            helped = None
            if rng.random() < p_help:
                if health:
                    kind = "verwijzing_ggd"
                elif c["source"] == "jeugdconsulent":
                    kind = "verwijzing_jeugdconsulent"
                else:
                    kind = _pick(rng, ("verwijzing_jeugdconsulent", "verwijzing_wijkteam", "verwijzing_ggd"),
                                 (0.45, 0.4, 0.15))
                helped = later(5, 60)
                planned.append((kind, helped))
                if rng.random() < (0.35 if c["mas"] == "MAS-2 zorg" else 0.12):
                    planned.append(("zorgadviesteam", later(20, 100)))
            melding = c["melding"] or {}
            p_enforce = (0.9 if melding.get("outcome") == "proces-verbaal" else 0.55 if c["mas"] == "MAS-3 handhaving"
                         else 0.4 if melding.get("kind") == "luxe" else 0.0)
            if not health and rng.random() < p_enforce * max(0.5, 1 - 0.07 * years_in):
                # after the help has had its chance (more so in later years), else after the first talk
                after_help = helped is not None and rng.random() < min(0.9, 0.3 + 0.1 * years_in)
                day = later(14, 60, helped) if after_help else later(7, 80)
                age = (np.datetime64(day, "D") - self.pupil_birth[c["pupil"]]).astype(int) / 365.25
                halt = age >= 12 and melding.get("kind") != "luxe" and rng.random() < 0.6
                planned.append(("halt" if halt else "proces_verbaal", day))
            if health and rng.random() < 0.12:
                planned.append(("vrijstelling_aangevraagd", later(30, 150)))
            kept = sorted({(day, kind) for kind, day in planned if c["opened"] <= day <= end})
            interventions += [(c["id"], kind, day, c["officer"]) for day, kind in kept]
            if c["closed"]:
                self._close_with_outcome(c, {kind for _, kind in kept}, health, rng)
        interventions.sort(key=lambda r: (r[2], r[0], r[1]))
        self.out["intervention"] = (("id", "concern_id", "kind", "date", "officer"),
                                    [(i, cid, kind, day.isoformat(), officer)
                                     for i, (cid, kind, day, officer) in enumerate(interventions, 1)])
        self._melding_fields(rng)

    def _close_with_outcome(self, c: dict, kinds: set[str], health: bool, rng: np.random.Generator) -> None:
        """DUO's closing reason and explanation of a closed case, and a closing note that says the same."""
        if c["closing"] == "leerling verhuisd":  # a move within the municipality keeps the school
            outcome = _pick(rng, ("beeindigd_andere_opleiding", "beeindigd_overig", "terug_naar_school"),
                            (0.55, 0.1, 0.35))
        elif c["closing"] == "passend onderwijsaanbod gevonden":
            outcome = _pick(rng, ("beeindigd_andere_opleiding", "terug_naar_school"), (0.3, 0.7))
        elif health:
            outcome = _pick(rng, ("terug_naar_school", "langdurig_ziek", "legitiem_afwezig"), (0.5, 0.35, 0.15))
        else:
            outcome = _pick(rng, ("terug_naar_school", "legitiem_afwezig", "beeindigd_overig"), (0.88, 0.08, 0.04))
        if outcome in ("langdurig_ziek", "legitiem_afwezig", "overleden"):
            explanation = "geen_actie_meer"
        elif kinds & CARE_OR_ENFORCEMENT:
            explanation = "actie_richting_leerling"
        elif kinds:
            explanation = "gezien_door_gemeente"
        else:
            explanation = "geen_actie_meer"
        fitting = CLOSING_FOR[outcome]
        if not kinds & {"halt", "proces_verbaal"}:  # the note names a proces-verbaal only when there was one
            fitting = tuple(t for t in fitting if "proces-verbaal" not in t)
        if c["closing"] not in fitting:
            c["closing"] = _pick(rng, fitting)
        c.update(outcome=outcome, explanation=explanation)

    def _melding_fields(self, rng: np.random.Generator) -> None:
        """DUO's fields on every melding row (meldingsnummer, end of the absence, the school's words)
        and a few withdrawn or taken-for-information meldingen of kinds that no signal waits for."""
        cases_of = {id(c["melding"]) for c in self.concerns if c["melding"] is not None}
        columns, rows = self.out["verzuimmelding"]
        out = []
        for m, row in zip(self.meldingen, rows, strict=True):
            status, outcome = row[7], row[8]
            age = (self.today - m["reported"]).days
            if m["kind"] != "16_uur" and id(m) not in cases_of:
                if status == "afgerond" and outcome == "geen actie" and rng.random() < 0.7:
                    status = "ter_kennisgeving"
                elif age > 20 and rng.random() < 0.04:  # withdrawn by the school: nothing came of it
                    status, outcome = "ingetrokken", None
            reason = school = wanted = None
            if rng.random() < 0.75:
                reason = _pick(rng, SUSPECTED_REASONS[m["kind"]])
                school = _pick(rng, SCHOOL_ACTIONS)
                wanted = _pick(rng, ACTIONS_WANTED)
            number = f"{m['reported'].year}{m['id']:06d}"
            out.append((*row[:7], status, outcome, *row[9:], number, m["end"].isoformat(), reason, school, wanted))
        self.out["verzuimmelding"] = ((*columns, "meldingsnummer", "absence_end", "suspected_reason", "school_action",
                                       "action_wanted"), out)

    def _concern_rows(self) -> None:
        """The case rows and their history, once the chain (interventions, outcome) is known. The note
        times come from the "concerns" stream, drawn in the same order as when this was the end of
        ``_concerns``: the chain step in between draws from its own stream."""
        rng = self.rng["concerns"]
        rows, notes = [], []
        for c in self.concerns:
            rows.append((c["id"], c["pupil"] + 1, c["opened"].isoformat(), c["source"], c["reason"], c["status"],
                         c["mas"], c["phase"], c["officer"], c["next_action"],
                         c["next_action_on"].isoformat() if c["next_action_on"] else None,
                         c["closed"].isoformat() if c["closed"] else None, c.get("outcome"), c.get("explanation")))
            end = c["closed"] or self.today
            history = [(c["opened"], "open", "intake", f"Casus geopend na signaal van {c['source']}.")]
            for offset, phase, text in ((14, "onderzoek", "Intake afgerond; situatie wordt onderzocht."),
                                        (45, "plan van aanpak", "Plan van aanpak opgesteld met ouders en school."),
                                        (90, "uitvoering", "Plan van aanpak in uitvoering.")):
                day = c["opened"] + dt.timedelta(days=offset)
                if day < end:
                    history.append((day, "in_behandeling", phase, text))
            if c["closed"]:
                history.append((c["closed"], "gesloten", "afgesloten", f"Casus gesloten: {c['closing']}."))
            for day, status, phase, text in history:
                notes.append((len(notes) + 1, c["id"], _stamp(day, int(rng.integers(8 * 60, 17 * 60))),
                              c["officer"], status, phase, text))
        self.out["concern"] = (("id", "pupil_id", "opened_on", "source", "reason", "status", "mas_route", "phase",
                                "officer", "next_action", "next_action_on", "closed_on", "outcome",
                                "outcome_explanation"), rows)
        self.out["concern_note"] = (("id", "concern_id", "at", "author", "status", "phase", "note"), notes)

    def _complete_concern(self, c: dict, duration: int, rng: np.random.Generator) -> None:
        """Fill in a case opened on c["opened"] that lasts ``duration`` days (open if that is after today)."""
        closed = c["opened"] + dt.timedelta(days=duration)
        if closed > self.today:
            closed = None
        melding = c["melding"]
        if c["source"] == "GGD" or (melding and melding["kind"] == "zorgwekkend_ziek"):
            reason = _pick(rng, CONCERN_REASONS["GGD"])
        else:
            reason = _pick(rng, CONCERN_REASONS[c["source"]])
        if "ziek" in reason.lower() or c["source"] in ("GGD", "jeugdconsulent"):
            mas = "MAS-2 zorg"
        elif melding and melding.get("outcome") == "proces-verbaal":
            mas = "MAS-3 handhaving"
        else:
            mas = _pick(rng, ("MAS-1 preventief", "MAS-2 zorg", "MAS-3 handhaving"), (0.5, 0.3, 0.2))
        age = ((closed or self.today) - c["opened"]).days
        phase_now = ("intake" if age < 14 else "onderzoek" if age < 45 else "plan van aanpak" if age < 90
                     else "uitvoering")
        officer = melding["officer"] if melding else self.officer[c["school"]]
        c.update(id=len(self.concerns) + 1, closed=closed, reason=reason, mas=mas, officer=officer,
                 status="gesloten" if closed else ("open" if phase_now == "intake" else "in_behandeling"),
                 phase="afgesloten" if closed else phase_now, phase_reached=phase_now,
                 never_reached=rng.random() < 0.1)
        if closed:
            c["next_action"], c["next_action_on"] = None, None
            c["closing"] = _pick(rng, CLOSING)
        else:
            c["next_action"] = _pick(rng, NEXT_ACTIONS)
            c["next_action_on"] = self.today + dt.timedelta(days=int(rng.integers(-25, 41)))
        self.concerns.append(c)

    # --- contacts -----------------------------------------------------------------------------------

    def _contacts(self) -> None:
        rng, spec = self.rng["contacts"], self.spec
        contacts: list[tuple] = []
        n = self.n_schools
        last = int(np.searchsorted(self.days, self.today64, side="right"))
        days = self.days[:last]
        mondays = days - ((days.astype("int64") - 4) % 7).astype("timedelta64[D]")
        week_keys, week_first = np.unique(mondays, return_index=True)
        week_bounds = np.append(week_first, len(days))

        def add(day, officer, target, channel, purpose, school=None, topic=None, reached=True, led=False,
                pupil=None, concern=None, notes=None):
            contacts.append([day, officer, target, channel, purpose, topic, bool(reached), bool(led),
                             None if school is None else int(school) + 1,
                             None if pupil is None else int(pupil) + 1, concern, notes])

        def in_closure(i: int) -> bool:
            return self.closure_of_day[i] >= 0

        # Routine check-ins with schools (less often than during closures).
        for w in range(len(week_keys)):
            lo, hi = week_bounds[w], week_bounds[w + 1]
            if in_closure(lo) or in_closure(hi - 1):
                continue
            hit = np.flatnonzero(rng.random(n) < 0.12)
            for s in hit:
                d = self.day_dates[lo + int(rng.integers(hi - lo))]
                channel = _pick(rng, ("phone", "email", "meeting"), (0.5, 0.35, 0.15))
                add(d, self.officer[s], "school", channel, "contactmoment", school=s,
                    notes=_pick(rng, names.SCHOOL_CONTACT_NOTES))
        # Closures: every school phoned at least once in every week with a school day in the closure.
        for ci, (_, _, start, end) in enumerate(self.closures):
            idx = np.flatnonzero(self.closure_of_day[:last] == ci)
            if not len(idx):
                continue
            weeks = defaultdict(list)
            for i in idx:
                weeks[mondays[i]].append(int(i))
            for monday in sorted(weeks):
                week_days = weeks[monday]
                for s in range(n):
                    calls = 1 + int(rng.random() < 0.35)
                    for j in range(calls):
                        d = self.day_dates[week_days[int(rng.integers(len(week_days)))]]
                        add(d, self.officer[s], "school", "phone" if j == 0 else "email", "afstemming sluiting",
                            school=s, notes=_pick(rng, names.CLOSURE_CONTACT_NOTES))
        # School visits: one per school per year for a growing share of schools.
        visit_share = {2018: 0.35, 2019: 0.45, 2020: 0.25, 2021: 0.55, 2022: 0.8, 2023: 0.92}
        for r, year in enumerate(spec.years):
            lo, hi = self.year_off[r], min(self.year_off[r] + self.year_len[r], last)
            candidates = [i for i in range(lo, hi) if not in_closure(i) and self.month[i] not in (7, 8)]
            if not candidates:
                continue
            for s in np.flatnonzero(rng.random(n) < visit_share.get(year, 1.0)):
                d = self.day_dates[candidates[int(rng.integers(len(candidates)))]]
                add(d, self.officer[s], "school", "school_visit", "schoolbezoek", school=s,
                    notes="Schoolbezoek: verzuimbeleid en registratie doorgenomen.")
        # Newsletters and information sessions: their own kind of contact, one row per school.
        newsletters = {2019: 1, 2020: 2, 2021: 2, 2022: 3, 2023: 4, 2024: 4, 2025: 2}
        subjects = ("de 16-uursregel en tijdig melden", "luxeverzuim en verlofaanvragen",
                    "zorgwekkend ziekteverzuim", "thuiszitters en passend onderwijs",
                    "verzuimcodes en registratie", "de zorg- en leerplichtroute")
        months = {1: (3,), 2: (3, 10), 3: (2, 6, 10), 4: (2, 4, 9, 11)}
        for year, count in newsletters.items():
            for k, month in enumerate(months[min(count, 4)][:count], 1):
                closure_issue = (year, k) == (2020, 1)
                day = self.school_day_after(dt.date(year, month, 20 if closure_issue else 10), 0)
                if not (spec.start <= day <= self.today):
                    continue
                subject = "leerplicht tijdens de schoolsluiting" if closure_issue else \
                    subjects[(year * 3 + k) % len(subjects)]
                topic = f"Nieuwsbrief leerplicht {year}-{k}: {subject}"
                for s in range(n):
                    add(day, "leerplicht", "school", "newsletter", "nieuwsbrief", school=s, topic=topic)
        sessions = {2019: (11,), 2021: (11,), 2022: (10, 3), 2023: (10, 3), 2024: (10, 3)}
        for year, months_ in sessions.items():
            for month in months_:
                day = self.school_day_after(day_in_school_year(year, month, 15), 0)
                if not (spec.start <= day <= self.today):
                    continue
                topic = "Informatiebijeenkomst zorg- en leerplichtroute met jeugdconsulenten en GGD"
                share = rng.uniform(0.35, 0.65)
                for s in np.flatnonzero(rng.random(n) < share):
                    add(day, "leerplicht", "school", "info_session", "informatiebijeenkomst", school=s, topic=topic)
        # Partners (GGD, jeugdconsulenten, samenwerkingsverband, politie).
        per_week = 0.5 * max(1, len(set(self.muni_of_school.tolist())))
        for w in range(len(week_keys)):
            lo, hi = week_bounds[w], week_bounds[w + 1]
            for _ in range(int(rng.poisson(per_week))):
                partner, topic = names.PARTNER_TOPICS[int(rng.integers(len(names.PARTNER_TOPICS)))]
                d = self.day_dates[lo + int(rng.integers(hi - lo))]
                channel = "phone" if in_closure(lo) else _pick(rng, ("meeting", "phone", "email"), (0.6, 0.25, 0.15))
                add(d, OFFICERS[int(rng.integers(len(OFFICERS)))], "partner", channel, "overleg",
                    topic=f"{topic} ({partner})")
        # Families and youths: after meldingen (preventive), and throughout every case.
        concern_of_melding = {id(c["melding"]): c for c in self.concerns if c["melding"] is not None}
        for m in self.meldingen:
            if m["status"] == "open":
                continue
            c = concern_of_melding.get(id(m))
            d = self.school_day_after(m["reported"], 1 + int(rng.integers(5)))
            if d > self.today or (c and d > c["opened"]):
                d = m["reported"]
            reached = rng.random() < 0.8
            add(d, m["officer"], "family", _pick(rng, ("phone", "home_visit", "letter"), (0.5, 0.3, 0.2)),
                "gesprek na melding", school=m["school"], reached=reached, led=c is not None, pupil=m["pupil"],
                notes=_pick(rng, names.FAMILY_CONTACT_NOTES_REACHED if reached else names.FAMILY_CONTACT_NOTES_MISSED))
        for c in self.concerns:
            if c["source"] == "school" and c["melding"] is None:
                d = max(spec.start, c["opened"] - dt.timedelta(days=int(rng.integers(0, 6))))
                add(d, c["officer"], "school", _pick(rng, ("phone", "meeting")), "casusoverleg", school=c["school"],
                    led=True, pupil=c["pupil"], concern=c["id"], notes="Zorgen over een leerling besproken.")
            end = c["closed"] or self.today
            day = c["opened"] + dt.timedelta(days=min(int(rng.gamma(1.5, 3.0)), 7))
            attempts = 0
            while day <= end:
                i = int(np.searchsorted(self.days, np.datetime64(day)))
                closure = i < len(self.days) and self.closure_of_day[min(i, len(self.days) - 1)] >= 0
                if c["never_reached"]:
                    channel = _pick(rng, ("phone", "home_visit", "letter", "email"), (0.45, 0.3, 0.15, 0.1))
                    reached = False
                else:
                    channel = _pick(rng, ("phone", "email", "letter", "home_visit"),
                                    (0.7, 0.25, 0.05, 0.0) if closure else (0.45, 0.15, 0.1, 0.3))
                    reached = channel == "letter" or rng.random() < 0.78
                target = "youth" if rng.random() < 0.25 and channel in ("phone", "home_visit") else "family"
                purpose = "intake" if attempts == 0 else ("huisbezoek" if channel == "home_visit" else "voortgang")
                school = self.pupil_school_on(c["pupil"], day)
                add(day, c["officer"], target, channel, purpose, school=school, reached=reached, pupil=c["pupil"],
                    concern=c["id"], notes=_pick(rng, names.FAMILY_CONTACT_NOTES_REACHED if reached
                                                 else names.FAMILY_CONTACT_NOTES_MISSED))
                attempts += 1
                if c["never_reached"] and attempts >= 2 + int(rng.integers(4)):
                    break
                if c["never_reached"] or not reached:
                    gap = int(rng.integers(2, 7))
                else:
                    gap = int(rng.integers(7, 15)) if closure else int(rng.integers(10, 36))
                day = day + dt.timedelta(days=gap)
                if day.weekday() >= 5:
                    day += dt.timedelta(days=7 - day.weekday())
        contacts.sort(key=lambda r: (r[0], r[8] or 0, r[1], r[2], r[3]))
        rows = [(i, r[0].isoformat(), *r[1:]) for i, r in enumerate(contacts, 1)]
        self.out["contact"] = (("id", "date", "officer", "target", "channel", "purpose", "topic", "reached",
                                "led_to_concern", "school_id", "pupil_id", "concern_id", "notes"), rows)

    def pupil_school_on(self, pupil: int, day: dt.date) -> int:
        if not hasattr(self, "_py_bounds"):
            self._py_bounds = np.searchsorted(self.py_pupil, np.arange(self.n_pupils + 1))
        lo, hi = self._py_bounds[pupil], self._py_bounds[pupil + 1]
        year = school_year_of(day)
        for i in range(lo, hi):
            if self.py_year[i] == year:
                return int(self.py_school[i])
        return int(self.py_school[hi - 1])

    # --- edge cases ---------------------------------------------------------------------------------
    #
    # A few targeted additions, drawn from their own "edges" stream, so that the demo exercises every
    # definition of DESIGN.md ("Definitions") in the school year of today. Everything else is
    # generated as before; the additions replace the chosen pupils' own rows on the days they use.

    EDGE_SEVERE = 4            # long-term sick up to today: ≥ 50 % of the possible hours ("ernstig")
    EDGE_LONG_SPELL = 2        # a long spell earlier in the year: about 30–45 % ("langdurig")
    EDGE_STOP_WEEKS = 6        # whole school weeks before today's week without registrations at one school
    EDGE_LATE_DAYS = 7         # the late melding: school days after its signal
    EDGE_RECENT_DAYS = 4       # the recent melding: school days after its signal (signal 8 school days ago)

    def _edge_absence(self, py, day, cat, hours, unknown, code, category, registered):
        """The absence side of the edge cases (the arrays of _absence in, the same arrays out):

        * one school (not special education, of middling size) stops registering: no absence after
          the last school day of the 7th school week before today's week (16-05-2025 in the demo),
          so 6 whole school weeks and today's week stay empty;
        * EDGE_SEVERE pupils are sick every school day from a day in the year up to today, 55–85 %
          of the school days to date; EDGE_LONG_SPELL pupils were sick for 30–45 % of them earlier in
          the year;
        * a "late" pupil (no unauthorised absence this year of its own): a full day unauthorised on
          school days t-20, t-19 and t-18 (t = today's index; 16.5 h: a signal on t-18), then 5.5 h on
          t-17 and 3 h on t-15, hours after the signal, before its melding filed EDGE_LATE_DAYS school
          days after the signal (t-11);
        * a "recent" pupil: a full day unauthorised on t-10, t-9 and t-8 (a signal on t-8), its
          melding filed EDGE_RECENT_DAYS school days later (t-4): after a reference date a week
          before today, on time, and before today.

        None of the pupils is at the school that stops registering.
        """
        year = school_year_of(self.today)
        if year not in self.spec.years:
            return py, day, cat, hours, unknown, code, category, registered
        rng, r = self.rng["edges"], year - self.spec.first_year
        lo = int(self.year_off[r])
        t = int(np.searchsorted(self.days, self.today64, side="right")) - 1
        if t - lo < 60:
            return py, day, cat, hours, unknown, code, category, registered
        keep = np.ones(len(py), bool)
        # One school stops registering.
        early = -1
        sizes = np.array([self.enrolment.get((s, year), 0) for s in range(self.n_schools)])
        regular = [s for s in range(self.n_schools) if self.spec.schools[s].sector != "SBAO" and sizes[s] > 0]
        if len(regular) >= 2:
            q1, q3 = np.percentile(sizes[regular], [25, 75])
            middling = [s for s in regular if q1 <= sizes[s] <= q3] or regular
            early = int(middling[int(rng.integers(len(middling)))])
            monday = week_start(self.day_dates[t])
            stop_monday = {n: m for m, n in self.week_index.items()}.get(
                self.week_index[monday] - self.EDGE_STOP_WEEKS - 1)
            if stop_monday is not None:
                cutoff = int(np.searchsorted(self.days, np.datetime64(stop_monday + dt.timedelta(days=6)),
                                             side="right")) - 1
                keep &= ~((self.py_school[py] == early) & (day > cutoff) & (day >= lo))
                self.edges["stopped_school"] = (early, self.day_dates[cutoff])
        # The pupils.
        unauthorised_py = set(py[(cat == ONGEOORLOOFD) & (day >= lo)].tolist())
        pool = np.flatnonzero((self.py_year == year) & (self.py_school != early) & (self.py_grade >= 3))
        clean = np.array([i for i in pool.tolist() if i not in unauthorised_py], dtype=int)
        if len(clean) < 2 or len(pool) < 2 + self.EDGE_SEVERE + self.EDGE_LONG_SPELL:
            return py, day, cat, hours, unknown, code, category, registered
        late_py, recent_py = (int(i) for i in rng.choice(clean, 2, replace=False))
        rest = np.setdiff1d(pool, [late_py, recent_py])
        chosen = rng.choice(rest, self.EDGE_SEVERE + self.EDGE_LONG_SPELL, replace=False).tolist()
        severe, spell = chosen[: self.EDGE_SEVERE], chosen[self.EDGE_SEVERE:]
        to_date = t - lo + 1
        new: list[tuple[int, int, int, float]] = []  # (pupil-year, school-day index, category, hours)
        for i in severe:
            n_days = int(np.ceil(rng.uniform(0.55, 0.85) * to_date))
            new += [(int(i), d, ZIEK, HOURS_PER_SCHOOL_DAY) for d in range(t - n_days + 1, t + 1)]
            self.edge_severe.add(int(i))
        for i in spell:
            n_days = int(np.ceil(rng.uniform(0.30, 0.45) * to_date))
            first = lo + int(rng.integers(5, max(6, to_date - n_days - 20)))
            new += [(int(i), d, ZIEK, HOURS_PER_SCHOOL_DAY) for d in range(first, first + n_days)]
        full = HOURS_PER_SCHOOL_DAY
        new += [(late_py, t - k, ONGEOORLOOFD, full) for k in (20, 19, 18, 17)] + [(late_py, t - 15, ONGEOORLOOFD, 3.0)]
        new += [(recent_py, t - k, ONGEOORLOOFD, full) for k in (10, 9, 8)]
        pupil_of = self.py_pupil
        self.edge_reports[(int(pupil_of[late_py]), self.day_dates[t - 18])] = self.EDGE_LATE_DAYS
        self.edge_reports[(int(pupil_of[recent_py]), self.day_dates[t - 8])] = self.EDGE_RECENT_DAYS
        self.edges.update(severe=[int(pupil_of[i]) for i in severe], long_spell=[int(pupil_of[i]) for i in spell],
                          late=int(pupil_of[late_py]), recent=int(pupil_of[recent_py]))
        n_py_days = len(self.days) + 1
        new_py = np.array([n[0] for n in new], dtype=py.dtype)
        new_day = np.array([n[1] for n in new], dtype=day.dtype)
        keep &= ~np.isin(py.astype(np.int64) * n_py_days + day, new_py.astype(np.int64) * n_py_days + new_day)
        new_cat = np.array([n[2] for n in new], dtype=cat.dtype)
        new_code = np.where(new_cat == ZIEK, "ZI", self.unauth_code[self.py_school[new_py]]).astype(object)
        return (np.concatenate([py[keep], new_py]), np.concatenate([day[keep], new_day]),
                np.concatenate([cat[keep], new_cat]),
                np.concatenate([hours[keep], np.array([n[3] for n in new], dtype=float)]),
                np.concatenate([unknown[keep], np.zeros(len(new), bool)]),
                np.concatenate([code[keep], new_code]),
                np.concatenate([category[keep], np.array(CATEGORY_NAMES, dtype=object)[new_cat]]),
                np.concatenate([registered[keep], self.days[new_day]]))

    def _edge_concerns(self) -> None:
        """Youths with two cases open at once: a second case (jeugdconsulent, or GGD when the first
        came from a jeugdconsulent) opened while the first still ran. Two youths whose cases both
        run today (the first one's second case opened in the last two weeks: still at intake), one
        whose two cases overlapped earlier and are both closed."""
        rng = self.rng["edges"]
        today = self.today
        open_now = [c for c in self.concerns if c["closed"] is None and (today - c["opened"]).days >= 60]
        closed = [c for c in self.concerns if c["closed"] is not None and (c["closed"] - c["opened"]).days >= 90
                  and (today - c["closed"]).days >= 120]
        picks: list[dict] = []
        for pool, k in ((open_now, 2), (closed, 1)):
            pool = [c for c in pool if c["pupil"] not in {p["pupil"] for p in picks}]
            if len(pool) >= k:
                picks += [pool[i] for i in sorted(rng.choice(len(pool), k, replace=False).tolist())]
        for k, first in enumerate(picks):
            until = first["closed"] or today
            if k == 0 and first["closed"] is None:  # opened last week or so: still at intake ("open")
                opened = today - dt.timedelta(days=int(rng.integers(2, 12)))
                opened -= dt.timedelta(days=max(0, opened.weekday() - 4))
            else:
                opened = first["opened"] + dt.timedelta(days=int(rng.integers(14, (until - first["opened"]).days - 20)))
                if opened.weekday() >= 5:
                    opened += dt.timedelta(days=7 - opened.weekday())
            if first["closed"] is None:
                duration = (today - opened).days + 30  # still open today
            else:
                duration = (first["closed"] - opened).days + int(rng.integers(20, 80))
            second = dict(pupil=first["pupil"], school=self.pupil_school_on(first["pupil"], opened), opened=opened,
                          source="GGD" if first["source"] == "jeugdconsulent" else "jeugdconsulent", melding=None)
            self._complete_concern(second, duration, rng)
        self.edges["two_cases"] = [c["pupil"] for c in picks]

    # --- the LEA programme ----------------------------------------------------------------------------

    def _programme(self) -> None:
        rng = self.rng["programme"]
        periods = []
        for year in range(2020, self.today.year + 1):
            for t, (ms, me) in enumerate(((1, 4), (5, 8), (9, 12)), 1):
                start = dt.date(year, ms, 1)
                end = dt.date(year + (me == 12), 1 if me == 12 else me + 1, 1) - dt.timedelta(days=1)
                if start >= dt.date(2020, 9, 1) and end <= self.today:
                    periods.append((f"{year}-T{t}", start, end))
        self.out["reporting_period"] = (("id", "name", "start", '"end"'),
                                        [(i, n, s.isoformat(), e.isoformat()) for i, (n, s, e) in enumerate(periods, 1)])
        period_id = {n: i for i, (n, _, _) in enumerate(periods, 1)}
        actions = PROGRAMME
        self.out["policy_action"] = (
            ("id", "code", "programme", "title", "description", "portfolio_holder", "planned_end"),
            [(i, a["code"], a["programme"], a["title"], a["description"], a["holder"], a["planned_end"].isoformat())
             for i, a in enumerate(actions, 1)])
        kpis = []
        for i, a in enumerate(actions, 1):
            for kpi, target, higher in a.get("kpis", ()):
                kpis.append((len(kpis) + 1, i, kpi, target, higher))
        self.out["action_kpi"] = (("id", "action_id", "kpi", "target", "higher_is_better"), kpis)
        reports = []
        for i, a in enumerate(actions, 1):
            names_ = [n for n, _, _ in periods]
            first = names_.index(a["from"]) if a["from"] in names_ else 0
            last_period = next((k for k, (_, s, _) in enumerate(periods) if s > a["planned_end"]), len(periods) - 1)
            for k in range(first, min(last_period, len(periods) - 1) + 1):
                name, _, end = periods[k]
                for lights in a["status"].get(name, [("groen", "groen", "groen", None)]):
                    q, t, g, why = lights
                    cause, consequence, measure = why or (None, None, None)
                    if (q, t, g) != ("groen", "groen", "groen") and not why:
                        raise AssertionError(f"{a['code']} {name}: toelichting ontbreekt")
                    stamp = _stamp(end - dt.timedelta(days=int(rng.integers(2, 12))), int(rng.integers(9 * 60, 16 * 60)))
                    reports.append([i, period_id[name], q, t, g, cause, consequence, measure,
                                    _pick(rng, ("leerplicht", "lpa2"), (0.7, 0.3)), stamp])
        # A correction is a new report: make it later than the one it corrects.
        seen: dict[tuple, str] = {}
        for r in reports:
            key = (r[0], r[1])
            if key in seen and r[9] <= seen[key]:
                r[9] = seen[key][:11] + "16:30:00.000000"
            seen[key] = r[9]
        self.out["status_report"] = (("id", "action_id", "reporting_period_id", "quality", "time", "money", "cause",
                                      "consequence", "measure", "author", "created_at"),
                                     [(i, *r) for i, r in enumerate(reports, 1)])


# --- the LEA programme's content ---------------------------------------------------------------------

LEA = "LEA 2020–2024: Thuiszitters en verzuim"
PASSEND = "Passend onderwijs"
ORANJE, ROOD, GROEN = "oranje", "rood", "groen"

PROGRAMME = [
    dict(code="LEA-01", programme=LEA, holder="wethouder Onderwijs", planned_end=D(2022, 7, 31), from_="",
         title="Onderwijs-zorgoverleg (OZA) uitbreiden naar alle samenwerkingsverbanden primair onderwijs",
         description="Op elke basisschool een vast onderwijs-zorgoverleg met jeugdconsulent, GGD en leerplicht.",
         status={
             "2021-T1": [(GROEN, ORANJE, GROEN, (
                 "Door de tweede schoolsluiting konden de overleggen bij het tweede samenwerkingsverband niet starten.",
                 "De start bij PO2202 schuift ongeveer drie maanden op.",
                 "Overleggen digitaal opgestart; planning met het samenwerkingsverband bijgesteld."))],
             "2021-T2": [(GROEN, ORANJE, GROEN, (
                 "Nog niet alle scholen van PO2202 hebben een vaste overlegdatum.",
                 "Zorgsignalen van die scholen komen later bij leerplicht binnen.",
                 "Leerplicht plant de ontbrekende overleggen in met de intern begeleiders."))],
         }),
    dict(code="LEA-02", programme=LEA, holder="wethouder Onderwijs", planned_end=D(2025, 7, 31),
         title="Evaluatie pilot Ondersteuning verzuimadministratie scholen",
         description="Evalueren of de ondersteuning van pilotscholen bij registratie en melden van verzuim "
                     "tot tijdiger en vollediger meldingen leidt, en besluiten over uitbreiding.",
         kpis=[("pilot_compliance_gap", 0.10, True)],
         status={
             "2023-T3": [(GROEN, ORANJE, GROEN, (
                 "De evaluatie start later omdat de gegevens van het schooljaar 2022/23 pas in november compleet waren.",
                 "De evaluatie is niet voor de begrotingsbehandeling gereed.",
                 "Planning aangepast; tussenresultaten worden in het LEA-overleg van februari besproken."))],
             "2024-T1": [(ORANJE, ORANJE, GROEN, (
                 "Niet alle pilotscholen leverden volledige verzuimgegevens aan; bij twee scholen ontbreken codes.",
                 "De vergelijking tussen pilotscholen en andere scholen is minder betrouwbaar en de evaluatie loopt uit.",
                 "Aanvullende gegevens opgevraagd; extern bureau ondersteunt bij de analyse binnen het bestaande budget."))],
             "2024-T2": [(ORANJE, ORANJE, GROEN, (
                 "De aanvullende gegevens zijn nog niet van alle scholen ontvangen.",
                 "Het besluit over uitbreiding van de ondersteuning naar alle scholen schuift naar 2025.",
                 "Rappel via de schoolbesturen; de evaluatie wordt afgerond met de beschikbare gegevens."))],
             "2024-T3": [(ORANJE, ORANJE, GROEN, (
                 "De conceptevaluatie laat verschillen tussen scholen zien die nog niet verklaard zijn.",
                 "Vaststelling van de evaluatie in het LEA-overleg is uitgesteld.",
                 "Verdiepende gesprekken met vier pilotscholen; oplevering in het eerste tertiaal van 2025."))],
             "2025-T1": [
                 (GROEN, ORANJE, GROEN, (
                     "De vaststelling in het LEA-overleg is verschoven naar juni.",
                     "Het besluit over uitbreiding valt na de zomer.",
                     "Evaluatie wordt in juni aan het LEA-overleg voorgelegd.")),
                 # Correction of the report above (append-only: a new report).
                 (ORANJE, ORANJE, GROEN, (
                     "Correctie: de verschillen tussen pilotscholen zijn nog niet verklaard, de kwaliteit van de "
                     "evaluatie staat daardoor onder druk.",
                     "Het besluit over uitbreiding valt na de zomer en is minder goed onderbouwd.",
                     "Aanvullende analyse per school; evaluatie in juni aan het LEA-overleg voorgelegd.")),
             ],
         }),
    dict(code="LEA-03", programme=LEA, holder="wethouder Onderwijs", planned_end=D(2025, 12, 31),
         title="Nieuwsbrief leerplicht voor scholen (vier keer per jaar)",
         description="Scholen informeren over regels, meldroutes en ontwikkelingen in het verzuim.",
         kpis=[("newsletters_per_year", 1, True)],  # targets per reporting period (four months)
         status={
             "2021-T1": [(GROEN, ORANJE, GROEN, (
                 "Door de schoolsluiting lag de prioriteit bij direct contact met scholen.",
                 "In 2021 verschijnen twee in plaats van vier nieuwsbrieven.",
                 "Vanaf 2022 een vaste redactieplanning met vier edities."))],
             "2021-T3": [(GROEN, ORANJE, GROEN, (
                 "De tweede nieuwsbrief van 2021 is uitgesteld door de inzet op de vervroegde kerstvakantie.",
                 "Het doel van vier nieuwsbrieven per jaar is in 2021 niet gehaald.",
                 "Redactieplanning 2022 vastgesteld; extra editie in het voorjaar."))],
             "2022-T3": [(GROEN, ORANJE, GROEN, (
                 "Wisseling in de redactie.",
                 "De derde editie van 2022 verschijnt pas in december.",
                 "Redactie belegd bij twee leerplichtambtenaren."))],
         }),
    dict(code="LEA-04", programme=LEA, holder="wethouder Onderwijs", planned_end=D(2025, 7, 31),
         title="Alle basisscholen jaarlijks bezoeken",
         description="Elke basisschool krijgt jaarlijks een schoolbezoek van de eigen leerplichtambtenaar.",
         kpis=[("schools_visited_share", 0.33, True)],  # every school once a year: a third per period
         status={
             "2020-T3": [(ORANJE, ROOD, GROEN, (
                 "Schoolbezoeken zijn door de coronamaatregelen grotendeels niet mogelijk.",
                 "Minder dan de helft van de scholen wordt dit schooljaar bezocht.",
                 "Telefonische en digitale contactmomenten in plaats van bezoeken."))],
             "2021-T1": [(ORANJE, ROOD, GROEN, (
                 "Tweede schoolsluiting: scholen ontvangen geen bezoekers.",
                 "Het doel van een bezoek aan elke school wordt dit schooljaar niet gehaald.",
                 "Wekelijks telefonisch contact met elke school zolang de sluiting duurt."))],
             "2021-T3": [(GROEN, ORANJE, GROEN, (
                 "Inhaalslag na de sluitingen kost meer tijd dan gepland.",
                 "Een deel van de scholen wordt pas in het voorjaar bezocht.",
                 "Bezoeken verdeeld over de drie leerplichtambtenaren met een gezamenlijke planning."))],
         }),
    dict(code="LEA-05", programme=LEA, holder="wethouder Jeugd en Zorg", planned_end=D(2025, 7, 31),
         title="Informatiebijeenkomsten zorg- en leerplichtroute met jeugdconsulenten en GGD",
         description="Twee keer per jaar een bijeenkomst voor intern begeleiders over de route bij zorgwekkend "
                     "verzuim, samen met jeugdconsulenten en de jeugdarts van de GGD.", from_="2022-T1",
         status={
             "2022-T1": [(GROEN, GROEN, ORANJE, (
                 "Zaalhuur en sprekerskosten zijn hoger dan begroot.",
                 "Het budget voor 2022 is met ongeveer 1.500 euro overschreden.",
                 "Volgende bijeenkomsten in het gemeentehuis en met eigen sprekers."))],
         }),
    dict(code="LEA-06", programme=LEA, holder="wethouder Onderwijs", planned_end=D(2025, 7, 31),
         title="Verzuim tijdig melden en aanpakken",
         description="Scholen melden ongeoorloofd verzuim tijdig; leerplicht pakt meldingen binnen vijf "
                     "schooldagen op.",
         kpis=[("meldingen_per_1000", 8, False)],
         status={
             "2022-T3": [(ORANJE, GROEN, GROEN, (
                 "Het aantal meldingen per 1.000 leerlingen stijgt na de coronaperiode.",
                 "Meer gezinnen vragen begeleiding; de werkvoorraad van leerplicht neemt toe.",
                 "Prioritering op 16-uursmeldingen en extra inzet van de derde leerplichtambtenaar."))],
             "2023-T1": [(ORANJE, ORANJE, GROEN, (
                 "Werkvoorraad bij leerplicht is nog hoog.",
                 "Niet alle meldingen worden binnen vijf schooldagen opgepakt.",
                 "Tijdelijke uitbreiding van de formatie en wekelijkse werkvoorraadbespreking."))],
             "2024-T3": [(ORANJE, GROEN, GROEN, (
                 "Het verzuim blijft hoger dan voor de coronaperiode.",
                 "Het streefcijfer van twaalf meldingen per 1.000 leerlingen wordt niet gehaald.",
                 "Preventieve aanpak met scholen in het onderwijs-zorgoverleg versterkt."))],
         }),
    dict(code="PO-01", programme=PASSEND, holder="wethouder Jeugd en Zorg", planned_end=D(2024, 12, 31),
         title="Uitvoeringsplan passend onderwijs voortgezet onderwijs", from_="2021-T1",
         description="Samen met het samenwerkingsverband VO een uitvoeringsplan voor passend onderwijs en "
                     "thuiszitters opstellen en uitvoeren.",
         status={
             "2023-T1": [(ORANJE, GROEN, GROEN, (
                 "Het samenwerkingsverband VO heeft het plan nog niet vastgesteld.",
                 "Afspraken over de thuiszitterstafel zijn nog niet formeel.",
                 "Bestuurlijk overleg met het samenwerkingsverband ingepland."))],
             "2023-T2": [(ORANJE, ROOD, GROEN, (
                 "Vaststelling van het plan is opnieuw uitgesteld.",
                 "Het plan geldt pas vanaf schooljaar 2024/25.",
                 "Escalatie naar het bestuurlijk LEA-overleg; tussentijdse afspraken over thuiszitters gemaakt."))],
             "2023-T3": [(GROEN, ORANJE, GROEN, (
                 "Het plan is vastgesteld, maar de uitvoering start later.",
                 "De eerste resultaten volgen pas in 2024.",
                 "Uitvoeringsagenda met kwartaalrapportage afgesproken."))],
         }),
    dict(code="PO-02", programme=PASSEND, holder="wethouder Jeugd en Zorg", planned_end=D(2025, 7, 31),
         title="Thuiszitterstafel: geen kind langer dan drie maanden zonder onderwijs", from_="2021-T3",
         description="Maandelijkse thuiszitterstafel met samenwerkingsverbanden, jeugdhulp en leerplicht.",
         status={
             "2022-T1": [(GROEN, GROEN, ORANJE, (
                 "Extra inzet van een externe voorzitter was niet begroot.",
                 "De kosten voor 2022 vallen hoger uit dan gepland.",
                 "Voorzitterschap vanaf de zomer door het samenwerkingsverband."))],
         }),
]
for _a in PROGRAMME:
    _a["from"] = _a.pop("from_", "") or "2020-T3"
del _a
