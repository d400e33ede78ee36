"""Writing validated rows: one handler per kind, all inside the caller's single transaction.

Semantics (the same file twice changes nothing):

* reference data — scholen, inschrijvingen, leerlingen, verzuimcodes, verzuimmeldingen, casussen,
  perioden — is *upserted* on its natural key: new rows are inserted, changed rows updated, equal
  rows left alone;
* events — verzuim, contacten — are *added*: a row that already exists exactly is skipped; an
  absence row whose key (leerling, datum, code) exists with other hours or another school is a
  conflict and rejected, unless "periode vervangen" is chosen: then, per school, every existing
  row from the first to the last date the file holds for that school is replaced by the file;
* statusrapportages are append-only: equal reports are skipped, others added.

Absence is streamed: each chunk is checked against the references (dicts loaded once), against
earlier chunks (duplicates, hours per pupil per day) and against the database (an indexed
look-up per chunk), then staged with :func:`data_access.bulk.insert_rows` into a temporary table
and moved into ``absence`` in the short write phase (see importers/run.py).
"""
from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection, bindparam, delete, insert, select, text, update

from data_access import bulk
from data_access.importers.kinds import MAX_HOURS_PER_DAY, Kind, Refresh
from data_access.importers.reading import Chunk, FileInfo
from data_access.importers.validate import (
    ChunkCheck, Problem, Problems, nl_date, nl_number, parse_decimal,
)
from data_access.definitions.calendar import (
    HOLIDAY_KINDS, as_date, school_year_bounds, school_year_label, school_year_of, school_years_of_days,
)
from data_access.models import (
    AbsenceCode, Concern, Contact, Intervention, Period, PolicyAction, Pupil, PupilEnrolment,
    ReportingPeriod, School, SchoolEnrolment, StatusReport, Verzuimmelding,
)

PREVIEW_ROWS = 20


@dataclass
class Options:
    """What the user chose (CLI flags / checkboxes on the beheer page)."""

    dry_run: bool = False
    only_valid: bool = False
    unknown_as_onbekend: bool = False
    replace_period: bool = False
    lesson_minutes: int = 60
    school_year: int | None = None
    source: str | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    municipality: str | None = None
    today: dt.date | None = None


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


def days_of(values) -> np.ndarray:
    """Dates from the database (ISO strings on SQLite, date objects on PostgreSQL) → datetime64[D]."""
    return np.array([as_date(v) for v in values], dtype="datetime64[D]")


def _none(value):
    """NaN/NaT/None → None; timestamps → dates; numpy scalars → Python values (for the database)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, (np.datetime64, pd.Timestamp)):
        return as_date(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _iso_days(days: np.ndarray) -> np.ndarray:
    """Days since 1970 → 'YYYY-MM-DD' strings, each distinct day formatted once."""
    lo = int(days.min())
    table = np.array(np.datetime_as_string(np.arange(lo, int(days.max()) + 1).astype("datetime64[D]")),
                     dtype=object)
    return table[days - lo]


class Refs:
    """Schools and pupils, loaded once per import."""

    def __init__(self, conn: Connection, pupils: bool):
        rows = conn.execute(select(School.id, School.vestigingsnummer, School.sector)).all()
        self.school_index = pd.Index([r.vestigingsnummer for r in rows], dtype=object)
        self.school_ids = np.array([r.id for r in rows], dtype=np.int64)
        self.school_sector = {r.id: r.sector for r in rows}
        self.school_vnr = {r.id: r.vestigingsnummer for r in rows}
        self.pupil_index = pd.Index([], dtype=object)
        self.pupil_ids = np.array([], dtype=np.int64)
        self.pupil_school = np.array([], dtype=np.float64)
        if pupils:
            rows = conn.execute(select(Pupil.id, Pupil.pseudonym, Pupil.school_id)).all()
            self.pupil_index = pd.Index([r.pseudonym for r in rows], dtype=object)
            self.pupil_ids = np.array([r.id for r in rows], dtype=np.int64)
            self.pupil_school = np.array([np.nan if r.school_id is None else r.school_id for r in rows],
                                         dtype=np.float64)

    @staticmethod
    def _lookup(index: pd.Index, values: np.ndarray) -> np.ndarray:
        """Position in ``index`` per value (-1: empty or unknown); hashes each distinct value once."""
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        pos = index.get_indexer(pd.Index(uniques, dtype=object)) if len(uniques) else np.array([], np.intp)
        return np.append(pos, -1)[codes]

    def schools(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(school id as float, NaN when empty or unknown; unknown mask for non-empty values)."""
        given = ~pd.isnull(values)
        pos = self._lookup(self.school_index, values)
        found = pos >= 0
        ids = self.school_ids[np.maximum(pos, 0)] if len(self.school_ids) else np.zeros(len(values))
        return np.where(found, ids, np.nan).astype(np.float64), given & ~found

    def pupils(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pupil id as float, pupil's school as float, unknown mask)."""
        given = ~pd.isnull(values)
        pos = self._lookup(self.pupil_index, values)
        found = pos >= 0
        safe = np.maximum(pos, 0)
        ids = self.pupil_ids[safe] if len(self.pupil_ids) else np.zeros(len(values))
        school = self.pupil_school[safe] if len(self.pupil_school) else np.zeros(len(values))
        return (np.where(found, ids, np.nan).astype(np.float64), np.where(found, school, np.nan),
                given & ~found)


UNKNOWN_SCHOOL = "Vestiging '{v}' staat niet in het scholenregister: importeer eerst het scholenregister."
UNKNOWN_PUPIL = "Leerling met pseudoniem '{v}' bestaat niet: importeer eerst de leerlingen."


class Handler:
    """Base: the read phase calls ``prepare``, ``check_chunk`` per chunk and ``finish_reading``;
    the write phase (a short write transaction) calls ``finish``. Nothing in the read phase writes
    to the database's own tables — only to temporary (staging) tables of the connection."""

    needs_pupils = False

    def __init__(self, kind: Kind, options: Options, info: FileInfo, problems: Problems, today: dt.date,
                 username: str | None):
        self.kind, self.options, self.info, self.problems = kind, options, info, problems
        self.today, self.username = today, username
        self.counts = Counts()
        self.rows_read = 0
        self.invalid_rows = 0
        self.refreshes: list[Refresh] = []
        self.messages: list[str] = []
        self.preview: list[pd.DataFrame] = []
        self.preview_count = 0
        self.write_enabled = not options.dry_run
        self.replaced: list[dict] = []
        self.write_seconds = 0.0

    # the chunk loop
    def prepare(self, conn: Connection) -> None:
        self.refs = Refs(conn, self.needs_pupils)

    def check_chunk(self, conn: Connection, chunk: Chunk, check: ChunkCheck) -> None:
        raise NotImplementedError

    def finish_reading(self, conn: Connection) -> None:
        """End of the read phase (no write lock held; see importers/run.py): file-level checks."""

    def before_write(self, conn: Connection) -> None:
        """Between the phases, still without the write lock: prepare what the write phase needs."""

    def finish(self, conn: Connection) -> None:
        """The write phase, under the write lock: apply what the read phase collected or staged."""

    def drop_staging(self, conn: Connection) -> None:
        """Drop the connection's temporary tables of this import (also after a failure)."""

    def may_write(self) -> bool:
        """Writing stops as soon as the import will be rejected anyway (strict mode)."""
        return self.write_enabled and (self.options.only_valid or self.problems.count == 0)

    # helpers
    def header(self, name: str) -> str:
        return self.info.header_of(name)

    def school_refs(self, check: ChunkCheck, column: str = "vestigingsnummer") -> np.ndarray:
        values = check.values.get(column)
        if values is None:
            return np.full(check.n, np.nan)
        ids, unknown = self.refs.schools(values)
        check.flag(unknown, column, lambda v: UNKNOWN_SCHOOL.format(v=v))
        return ids

    def pupil_refs(self, check: ChunkCheck, column: str = "pseudoniem") -> tuple[np.ndarray, np.ndarray]:
        values = check.values.get(column)
        if values is None:
            return np.full(check.n, np.nan), np.full(check.n, np.nan)
        ids, school, unknown = self.refs.pupils(values)
        check.flag(unknown, column, lambda v: UNKNOWN_PUPIL.format(v=v))
        return ids, school

    def add_preview(self, chunk: Chunk, valid: np.ndarray) -> None:
        if self.preview_count >= PREVIEW_ROWS:
            return
        positions = np.flatnonzero(valid)[:PREVIEW_ROWS - self.preview_count]
        frame = chunk.frame(positions)
        for col in self.kind.columns:
            if col.personal and col.name in frame.columns:
                frame[col.name] = np.where(frame[col.name] == "", "", "•••")
        frame.insert(0, "rij", chunk.rows[positions])
        self.preview.append(frame)
        self.preview_count += len(frame)

    def preview_frame(self) -> pd.DataFrame:
        if not self.preview:
            return pd.DataFrame()
        return pd.concat(self.preview, ignore_index=True)


# --- collect-then-apply kinds (small files: registers, codes, cases, …) -----------------------------


class CollectHandler(Handler):
    """Validates per chunk, keeps the valid rows, checks keys across the file, then applies."""

    key: tuple[str, ...] = ()
    key_label = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.frames: list[pd.DataFrame] = []

    def check_chunk(self, conn, chunk, check) -> None:
        columns = self.resolve(check)
        valid = ~check.bad
        self.rows_read += check.n
        self.invalid_rows += int(check.bad.sum())
        count = int(valid.sum())
        frame = pd.DataFrame({name: (values[valid] if values is not None else np.full(count, None, dtype=object))
                              for name, values in columns.items()}, dtype=object)
        frame["_row"] = chunk.rows[valid]
        self.frames.append(frame)
        self.add_preview(chunk, valid)

    def resolve(self, check: ChunkCheck) -> dict[str, np.ndarray | None]:
        """Converted values per column (plus resolved ids); flags row-level problems on ``check``."""
        return dict(check.values)

    def finish(self, conn) -> None:
        frame = pd.concat(self.frames, ignore_index=True) if self.frames else pd.DataFrame()
        if len(frame) and self.key:
            frame = self._drop_duplicates(frame)
        # A dry run applies too — its transaction is rolled back — so the preview counts are exact.
        if not (self.options.only_valid or self.problems.count == 0):
            return
        if len(frame):
            self.apply(conn, frame)

    def _drop_duplicates(self, frame: pd.DataFrame) -> pd.DataFrame:
        keys = frame[list(self.key)].astype(str)
        dup = keys.duplicated(keep="first").to_numpy()
        if dup.any():
            first_row = {}
            for tup, row in zip(map(tuple, keys.to_numpy()), frame["_row"], strict=True):
                first_row.setdefault(tup, row)
            rows = frame["_row"].to_numpy()
            for pos in np.flatnonzero(dup):
                tup = tuple(keys.iloc[pos])
                self.problems.report(int(rows[pos]), self.header(self.key_column()), None,
                                     f"Dubbele regel: {self.key_label} staat ook in rij {first_row[tup]}.")
            self.invalid_rows += int(dup.sum())
            frame = frame[~dup].reset_index(drop=True)
        return frame

    def key_column(self) -> str:
        return self.kind.columns[0].name

    def apply(self, conn: Connection, frame: pd.DataFrame) -> None:
        raise NotImplementedError

    def present(self, name: str) -> bool:
        return name in self.info.columns


def _records(frame: pd.DataFrame, mapping: dict[str, str]) -> list[dict]:
    """Frame columns → model attribute dicts with Python values (None for missing)."""
    out = []
    cols = [(src, dst) for src, dst in mapping.items() if src in frame.columns]
    arrays = [frame[src].to_numpy(dtype=object) for src, _ in cols]
    for i in range(len(frame)):
        out.append({dst: _none(arr[i]) for (_, dst), arr in zip(cols, arrays, strict=True)})
    return out


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9
    return as_date(a) == as_date(b) if isinstance(a, dt.date) or isinstance(b, dt.date) else a == b


def _upsert(conn: Connection, model, key_attrs: tuple[str, ...], records: list[dict],
            update_attrs: list[str], defaults: dict, counts: Counts) -> tuple[list[dict], list[dict]]:
    """Insert new records, update changed ones (only ``update_attrs``), count equal ones.

    Returns (inserted records, changed records) so callers can derive refreshes.
    """
    if not records:
        return [], []
    cols = [getattr(model, a) for a in key_attrs] + [getattr(model, a) for a in update_attrs] + [model.id]
    existing = {}
    for row in conn.execute(select(*cols)):
        m = row._mapping
        existing[tuple(_norm_key(m[a]) for a in key_attrs)] = m
    inserts, updates = [], []
    for rec in records:
        key = tuple(_norm_key(rec[a]) for a in key_attrs)
        old = existing.get(key)
        if old is None:
            inserts.append({**defaults, **{k: v for k, v in rec.items() if v is not None or k not in defaults}})
            continue
        changed = {a: rec[a] for a in update_attrs if a in rec and not _same(rec[a], old[a])
                   and not (rec[a] is None and old[a] is None)}
        if changed:
            updates.append({"_id": old["id"], **{a: rec.get(a, old[a]) for a in update_attrs}, **changed})
        else:
            counts.unchanged += 1
    if inserts:
        conn.execute(insert(model), inserts)
        counts.inserted += len(inserts)
    if updates:
        stmt = update(model).where(model.id == bindparam("_id")).values(
            {a: bindparam(f"v_{a}") for a in update_attrs})
        conn.execute(stmt, [{"_id": u["_id"], **{f"v_{a}": u[a] for a in update_attrs}} for u in updates])
        counts.updated += len(updates)
    return inserts, updates


def _norm_key(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class SchoolsHandler(CollectHandler):
    key = ("vestigingsnummer",)
    key_label = "hetzelfde vestigingsnummer"

    def resolve(self, check):
        vnr, brin = check.values["vestigingsnummer"], check.values.get("brin")
        if brin is not None:
            wrong = np.array([b is not None and v is not None and v[:4] != b for v, b in zip(vnr, brin, strict=True)])
            check.flag(wrong, "brin", "BRIN hoort gelijk te zijn aan de eerste 4 tekens van het vestigingsnummer.")
        return dict(check.values)

    def apply(self, conn, frame):
        mapping = {"vestigingsnummer": "vestigingsnummer", "brin": "brin", "vestigingsnaam": "name",
                   "gemeente": "municipality", "postcode": "postcode", "soort": "sector", "bestuur": "board",
                   "swv": "swv_code", "pilot_start": "pilot_start", "adviezen_groep8_2019_2025": "size_proxy",
                   "eigen_gemeente": "in_scope"}
        records = _records(frame, mapping)
        municipality = (self.options.municipality or "").strip().lower()
        if municipality and "gemeente" not in frame.columns:
            self.problems.report(None, None, self.options.municipality,
                                 "Optie gemeente gekozen, maar het bestand heeft geen kolom gemeente.")
            return
        if municipality:
            matches = sum(1 for r in records if (r.get("municipality") or "").lower() == municipality)
            if not matches:
                self.problems.report(None, self.header("gemeente"), self.options.municipality,
                                     f"Geen enkele vestiging ligt in gemeente '{self.options.municipality}': "
                                     "controleer de spelling.")
                return
            self.messages.append(f"{matches} vestigingen in gemeente {self.options.municipality} "
                                 "(eigen gemeente); de andere zijn als 'buiten de gemeente' vastgelegd.")
        for rec in records:
            if not rec.get("brin"):
                rec["brin"] = rec["vestigingsnummer"][:4]
            if rec.get("size_proxy") is not None:
                rec["size_proxy"] = int(rec["size_proxy"])
            if municipality and rec.get("in_scope") is None:
                rec["in_scope"] = (rec.get("municipality") or "").lower() == municipality
            if rec.get("in_scope") is None:
                rec.pop("in_scope", None)
        update_attrs = ["brin", "name", "sector"] + [mapping[c] for c in
                                                     ("gemeente", "postcode", "bestuur", "swv", "pilot_start",
                                                      "adviezen_groep8_2019_2025", "eigen_gemeente")
                                                     if self.present(c)]
        if municipality and "in_scope" not in update_attrs:
            update_attrs.append("in_scope")
        for rec in records:
            for attr in update_attrs:
                rec.setdefault(attr, None)
        existing_scope = "in_scope" in update_attrs
        if existing_scope:
            # "in_scope" left empty in the file keeps the stored value
            stored = dict(conn.execute(select(School.vestigingsnummer, School.in_scope)).all())
            for rec in records:
                if rec["in_scope"] is None:
                    rec["in_scope"] = stored.get(rec["vestigingsnummer"], True)
        _upsert(conn, School, ("vestigingsnummer",), records, update_attrs, {"in_scope": True}, self.counts)


class EnrolmentsHandler(CollectHandler):
    key = ("_school_id", "schooljaar")
    key_label = "dezelfde vestiging en hetzelfde schooljaar"

    def resolve(self, check):
        out = dict(check.values)
        out["_school_id"] = self.school_refs(check)
        return out

    def apply(self, conn, frame):
        records = [{"school_id": int(s), "school_year": int(y), "pupils": int(p)}
                   for s, y, p in zip(frame["_school_id"], frame["schooljaar"], frame["leerlingen"], strict=True)]
        _upsert(conn, SchoolEnrolment, ("school_id", "school_year"), records, ["pupils"], {}, self.counts)


class PupilsHandler(CollectHandler):
    key = ("pseudoniem",)
    key_label = "hetzelfde pseudoniem"

    def resolve(self, check):
        out = dict(check.values)
        out["_school_id"] = self.school_refs(check)
        return out

    def apply(self, conn, frame):
        recs = []
        for row in frame.to_dict("records"):
            last = row["achternaam"]
            if row.get("tussenvoegsel"):
                last = f"{row['tussenvoegsel']} {last}"
            rec = {"pseudonym": row["pseudoniem"], "first_name": row["voornaam"], "last_name": last,
                   "birth_date": as_date(row["geboortedatum"])}
            if self.present("vestigingsnummer"):
                rec["school_id"] = None if pd.isna(row["_school_id"]) else int(row["_school_id"])
            if self.present("groep"):
                rec["grade"] = None if pd.isna(row["groep"]) else int(row["groep"])
            recs.append(rec)
        update_attrs = ["first_name", "last_name", "birth_date"] + [a for a in ("school_id", "grade")
                                                                    if recs and a in recs[0]]
        _upsert(conn, Pupil, ("pseudonym",), recs, update_attrs, {}, self.counts)
        if not (self.present("vestigingsnummer") and self.present("groep")):
            return
        ids = dict(conn.execute(select(Pupil.pseudonym, Pupil.id)).all())
        default_year = self.options.school_year or school_year_of(self.today)
        enrol = []
        for row in frame.to_dict("records"):
            if pd.isna(row["_school_id"]) or pd.isna(row["groep"]):
                continue
            year = default_year if "schooljaar" not in row or pd.isna(row["schooljaar"]) else int(row["schooljaar"])
            enrol.append({"pupil_id": ids[row["pseudoniem"]], "school_id": int(row["_school_id"]),
                          "school_year": year, "grade": int(row["groep"])})
        sub = Counts()
        _upsert(conn, PupilEnrolment, ("pupil_id", "school_year"), enrol, ["school_id", "grade"], {}, sub)
        if sub.inserted or sub.updated:
            self.messages.append(f"Inschrijvingen per schooljaar: {sub.inserted} nieuw, {sub.updated} bijgewerkt.")


class CodesHandler(CollectHandler):
    key = ("_source", "code")
    key_label = "dezelfde bron en code"

    def resolve(self, check):
        out = dict(check.values)
        default = (self.options.source or "*").strip() or "*"
        src = check.values.get("bron")
        out["_source"] = np.array([default if (src is None or src[i] is None) else src[i]
                                   for i in range(check.n)], dtype=object)
        return out

    def key_column(self) -> str:
        return "code"

    def apply(self, conn, frame):
        from data_access.importers.codes import recategorise

        records = [{"source": s, "code": c, "category": k, "description": d}
                   for s, c, k, d in zip(frame["_source"], frame["code"], frame["categorie"],
                                         frame["omschrijving"] if "omschrijving" in frame else [None] * len(frame),
                                         strict=True)]
        attrs = ["category"] + (["description"] if self.present("omschrijving") else [])
        _upsert(conn, AbsenceCode, ("source", "code"), records, attrs, {}, self.counts)
        by_code: dict[str, set] = defaultdict(set)
        star: dict[str, str] = {}
        for rec in records:
            by_code[rec["code"]].add(rec["category"])
            if rec["source"] == "*":
                star[rec["code"]] = rec["category"]
        total = 0
        for code, cats in by_code.items():
            category = star.get(code) or (next(iter(cats)) if len(cats) == 1 else None)
            if category is None:
                continue
            n, refresh = recategorise(conn, code, category)
            total += n
            if refresh:
                self.refreshes.append(refresh)
        if total:
            self.messages.append(f"{total} verzuimregistraties met een eerder onbekende code hebben nu een "
                                 "categorie.")


class MeldingenHandler(CollectHandler):
    needs_pupils = True
    key = ("_pupil_id", "soort", "meldingsdatum")
    key_label = "dezelfde leerling, soort en meldingsdatum"

    def resolve(self, check):
        out = dict(check.values)
        pupil, pupil_school = self.pupil_refs(check)
        school = self.school_refs(check)
        school = np.where(np.isnan(school), pupil_school, school)
        no_school = np.isnan(school) & ~np.isnan(pupil)
        check.flag(no_school, "pseudoniem", "De leerling heeft geen school en er is geen vestigingsnummer "
                   "opgegeven.")
        start = check.values.get("startdatum_verzuim")
        if start is not None:
            late = (start > check.values["meldingsdatum"]) & ~np.isnat(start)
            check.flag(late, "startdatum_verzuim", "Startdatum van het verzuim ligt na de meldingsdatum.")
        end = check.values.get("einddatum_verzuim")
        if start is not None and end is not None:
            early = (end < start) & ~np.isnat(end) & ~np.isnat(start)
            check.flag(early, "einddatum_verzuim", "Einddatum van het verzuim ligt vóór de startdatum.")
        if self.options.period_from or self.options.period_to:
            _flag_outside_period(check, "meldingsdatum", self.options)
        out["_pupil_id"], out["_school_id"] = pupil, school
        return out

    def key_column(self) -> str:
        return "meldingsdatum"

    # file column → verzuimmelding attribute, for the optional columns (a column absent from the file
    # leaves the stored value as it is)
    OPTIONAL = (("startdatum_verzuim", "absence_start"), ("einddatum_verzuim", "absence_end"), ("uren", "hours"),
                ("uitkomst", "outcome"), ("leerplichtambtenaar", "officer"), ("meldingsnummer", "meldingsnummer"),
                ("vermoedelijke_reden", "suspected_reason"), ("actie_door_school", "school_action"),
                ("actie_gewenst", "action_wanted"))

    def apply(self, conn, frame):
        recs = []
        for row in frame.to_dict("records"):
            rec = {"pupil_id": int(row["_pupil_id"]), "school_id": int(row["_school_id"]), "kind": row["soort"],
                   "reported_on": as_date(row["meldingsdatum"])}
            for src, dst in (*self.OPTIONAL, ("status", "status")):
                if self.present(src):
                    value = _none(row[src])
                    rec[dst] = as_date(value) if dst in ("absence_start", "absence_end") else value
            if rec.get("status") is None:
                rec["status"] = "open"
            recs.append(rec)
        attrs = ["school_id", "status"] + [dst for src, dst in self.OPTIONAL if self.present(src)]
        if self.options.replace_period:
            self._replace(conn, recs)
        inserts, updates = _upsert(conn, Verzuimmelding, ("pupil_id", "kind", "reported_on"), recs, attrs, {},
                                   self.counts)
        changed = inserts + updates
        if changed or self.counts.deleted:
            dates = [r["reported_on"] for r in recs]
            schools = {r["school_id"] for r in changed} | {p["school_id"] for p in self.replaced}
            self.refreshes.append(Refresh("absence", schools, min(dates) - dt.timedelta(weeks=8), max(dates)))

    def _replace(self, conn, recs):
        hulls = _hulls(((r["school_id"], r["reported_on"]) for r in recs), self.options)
        keys = {(r["pupil_id"], r["kind"], r["reported_on"]) for r in recs}
        for school_id, (lo, hi) in hulls.items():
            rows = conn.execute(select(Verzuimmelding.id, Verzuimmelding.pupil_id, Verzuimmelding.kind,
                                       Verzuimmelding.reported_on).where(
                Verzuimmelding.school_id == school_id, Verzuimmelding.reported_on.between(lo, hi))).all()
            gone = [r.id for r in rows if (r.pupil_id, r.kind, as_date(r.reported_on)) not in keys]
            if gone:
                conn.execute(delete(Verzuimmelding).where(Verzuimmelding.id.in_(gone)))
            self.counts.deleted += len(gone)
            self.replaced.append({"school_id": school_id, "vestigingsnummer": self.refs.school_vnr[school_id],
                                  "van": lo, "tot en met": hi, "verwijderd": len(gone)})


class ContactsHandler(CollectHandler):
    needs_pupils = True
    FIELDS = ("datum", "leerplichtambtenaar", "doelgroep", "kanaal", "doel", "onderwerp", "bereikt",
              "leidde_tot_zorg", "_school_id", "_pupil_id", "notities")
    key = FIELDS
    key_label = "een gelijk contact"

    def resolve(self, check):
        out = dict(check.values)
        pupil, pupil_school = self.pupil_refs(check)
        school = self.school_refs(check)
        target = check.values["doelgroep"]
        vnr = check.values.get("vestigingsnummer")
        has_vnr = np.array([v is not None for v in vnr]) if vnr is not None else np.zeros(check.n, bool)
        pseud = check.values.get("pseudoniem")
        has_pupil = np.array([v is not None for v in pseud]) if pseud is not None else np.zeros(check.n, bool)
        needs_school = np.array([t == "school" for t in target]) & ~has_vnr
        check.flag(needs_school, "vestigingsnummer" if vnr is not None else "doelgroep",
                   "Bij doelgroep school is een vestigingsnummer verplicht.")
        needs_pupil = np.array([t in ("family", "youth") for t in target]) & ~has_pupil
        check.flag(needs_pupil, "pseudoniem" if pseud is not None else "doelgroep",
                   "Bij doelgroep gezin of jongere is een pseudoniem verplicht.")
        school = np.where(np.isnan(school), pupil_school, school)
        if self.options.period_from or self.options.period_to:
            _flag_outside_period(check, "datum", self.options)
        if self.options.replace_period:
            no_school = np.isnan(school) & ~check.bad
            check.flag(no_school, "vestigingsnummer" if vnr is not None else "doelgroep",
                       "Bij 'periode vervangen' hoort elk contact bij een school (vestigingsnummer of leerling "
                       "met school).")
        out["_school_id"], out["_pupil_id"] = school, pupil
        for name in ("bereikt", "leidde_tot_zorg"):
            default = name == "bereikt"
            values = out.get(name)
            out[name] = np.array([default if values is None or values[i] is None else values[i]
                                  for i in range(check.n)], dtype=object)
        return out

    def key_column(self) -> str:
        return "datum"

    def apply(self, conn, frame):
        recs = []
        for row in frame.to_dict("records"):
            recs.append({
                "date": as_date(row["datum"]), "officer": row["leerplichtambtenaar"], "target": row["doelgroep"],
                "channel": row["kanaal"], "purpose": _none(row.get("doel")), "topic": _none(row.get("onderwerp")),
                "reached": bool(row["bereikt"]), "led_to_concern": bool(row["leidde_tot_zorg"]),
                "school_id": None if pd.isna(row["_school_id"]) else int(row["_school_id"]),
                "pupil_id": None if pd.isna(row["_pupil_id"]) else int(row["_pupil_id"]),
                "notes": _none(row.get("notities")),
            })
        lo, hi = min(r["date"] for r in recs), max(r["date"] for r in recs)
        attrs = ["date", "officer", "target", "channel", "purpose", "topic", "reached", "led_to_concern",
                 "school_id", "pupil_id", "notes"]
        hulls = _hulls(((r["school_id"], r["date"]) for r in recs), self.options) \
            if self.options.replace_period else {}
        if hulls:
            lo = min(lo, *(h[0] for h in hulls.values()))
            hi = max(hi, *(h[1] for h in hulls.values()))
        existing: dict[tuple, list[int]] = defaultdict(list)
        for row in conn.execute(select(Contact.id, *[getattr(Contact, a) for a in attrs])
                                .where(Contact.date.between(lo, hi))):
            m = row._mapping
            existing[tuple(_norm_key(m[a]) if a != "reached" and a != "led_to_concern" else bool(m[a])
                           for a in attrs)].append(m["id"])
        kept: set[int] = set()
        inserts = []
        for rec in recs:
            key = tuple(_norm_key(rec[a]) if a not in ("reached", "led_to_concern") else rec[a] for a in attrs)
            ids = existing.get(key)
            if ids:
                kept.add(ids.pop())
                self.counts.unchanged += 1
            else:
                inserts.append(rec)
        for school_id, (a, b) in hulls.items():
            ids = [r.id for r in conn.execute(select(Contact.id).where(Contact.school_id == school_id,
                                                                        Contact.date.between(a, b)))
                   if r.id not in kept]
            if ids:
                conn.execute(delete(Contact).where(Contact.id.in_(ids)))
            self.counts.deleted += len(ids)
            self.replaced.append({"school_id": school_id, "vestigingsnummer": self.refs.school_vnr[school_id],
                                  "van": a, "tot en met": b, "verwijderd": len(ids)})
        if inserts:
            conn.execute(insert(Contact), inserts)
            self.counts.inserted += len(inserts)
        schools = {r["school_id"] for r in inserts if r["school_id"] is not None} | set(hulls)
        if schools and (inserts or self.counts.deleted):
            dates = [r["date"] for r in inserts] + [d for h in hulls.values() for d in h]
            self.refreshes.append(Refresh("contacts", schools, min(dates), max(dates)))


class CasesHandler(CollectHandler):
    needs_pupils = True
    key = ("_pupil_id", "geopend_op", "bron")
    key_label = "dezelfde leerling, openingsdatum en bron"

    def resolve(self, check):
        out = dict(check.values)
        out["_pupil_id"], _ = self.pupil_refs(check)
        closed = check.values.get("gesloten_op")
        if closed is not None:
            early = (closed < check.values["geopend_op"]) & ~np.isnat(closed)
            check.flag(early, "gesloten_op", "Gesloten op ligt vóór geopend op.")
        # an outcome belongs to a closed case: one with a closing date or status 'gesloten'
        is_closed = np.zeros(check.n, dtype=bool) if closed is None else ~np.isnat(closed)
        status = check.values.get("status")
        if status is not None:
            is_closed |= np.array([v == "gesloten" for v in status], dtype=bool)
        for column in ("uitkomst", "toelichting_uitkomst"):
            values = check.values.get(column)
            if values is not None:
                check.flag(np.array([v is not None for v in values], dtype=bool) & ~is_closed, column,
                           "Een uitkomst hoort bij een gesloten casus: vul gesloten_op in (of status 'gesloten').")
        return out

    def key_column(self) -> str:
        return "geopend_op"

    def apply(self, conn, frame):
        optional = (("status", "status"), ("mas_route", "mas_route"), ("fase", "phase"),
                    ("leerplichtambtenaar", "officer"), ("volgende_actie", "next_action"),
                    ("volgende_actie_op", "next_action_on"), ("gesloten_op", "closed_on"),
                    ("uitkomst", "outcome"), ("toelichting_uitkomst", "outcome_explanation"))
        recs = []
        for row in frame.to_dict("records"):
            rec = {"pupil_id": int(row["_pupil_id"]), "opened_on": as_date(row["geopend_op"]),
                   "source": row["bron"], "reason": row["reden"]}
            for src, dst in optional:
                if self.present(src):
                    value = _none(row[src])
                    rec[dst] = as_date(value) if dst.endswith("_on") else value
            if rec.get("status") is None:
                rec["status"] = "gesloten" if rec.get("closed_on") else "open"
            recs.append(rec)
        attrs = ["reason", "status"] + [dst for src, dst in optional if self.present(src) and dst != "status"]
        _upsert(conn, Concern, ("pupil_id", "opened_on", "source"), recs, attrs, {}, self.counts)


def _source_key(source) -> str:
    """A case's source as a key: "School" in the interventions file finds the case of "school"."""
    return str(source or "").strip().casefold()


class InterventionsHandler(CollectHandler):
    """Interventions, each attached to the case of its pupil with that opening date and source."""

    needs_pupils = True
    key = ("_concern_id", "soort", "datum")
    key_label = "dezelfde casus, soort en datum"

    def prepare(self, conn):
        super().prepare(conn)
        self.cases = {(pupil, as_date(opened), _source_key(source)): (case_id, as_date(opened))
                      for case_id, pupil, opened, source in conn.execute(
                          select(Concern.id, Concern.pupil_id, Concern.opened_on, Concern.source))}

    def resolve(self, check):
        out = dict(check.values)
        pupils, _ = self.pupil_refs(check)
        opened, sources, days = check.values["casus_geopend_op"], check.values["bron"], check.values["datum"]
        found = [None if np.isnan(p) or np.isnat(o) else
                 self.cases.get((int(p), as_date(o), _source_key(b))) for p, o, b in zip(pupils, opened, sources)]
        missing = np.array([f is None for f in found], dtype=bool) & ~np.isnan(pupils) & ~np.isnat(opened)
        check.flag(missing, "casus_geopend_op", "Geen casus van deze leerling met deze openingsdatum en bron; "
                   "importeer eerst de casussen.")
        early = np.array([f is not None and not np.isnat(d) and as_date(d) < f[1] for f, d in zip(found, days)],
                         dtype=bool)
        check.flag(early, "datum", "De interventie ligt vóór de opening van de casus.")
        out["_concern_id"] = np.array([f[0] if f is not None else None for f in found], dtype=object)
        return out

    def key_column(self) -> str:
        return "datum"

    def apply(self, conn, frame):
        recs = [{"concern_id": int(row["_concern_id"]), "kind": row["soort"], "date": as_date(row["datum"]),
                 "officer": _none(row["leerplichtambtenaar"]) if self.present("leerplichtambtenaar") else None}
                for row in frame.to_dict("records")]
        attrs = ["officer"] if self.present("leerplichtambtenaar") else []
        _upsert(conn, Intervention, ("concern_id", "kind", "date"), recs, attrs, {}, self.counts)


class StatusReportsHandler(CollectHandler):
    key = ("actiecode", "rapportageperiode", "kwaliteit", "tijd", "geld", "oorzaak", "gevolg", "maatregel",
           "auteur", "datum")
    key_label = "een gelijke rapportage"

    def prepare(self, conn):
        super().prepare(conn)
        self.actions = dict(conn.execute(select(PolicyAction.code, PolicyAction.id)).all())
        self.periods = dict(conn.execute(select(ReportingPeriod.name, ReportingPeriod.id)).all())

    def resolve(self, check):
        out = dict(check.values)
        for col, table, label in (("actiecode", self.actions, "LEA-actie"),
                                  ("rapportageperiode", self.periods, "Rapportageperiode")):
            values = check.values[col]
            unknown = np.array([v is not None and v not in table for v in values], dtype=bool)
            check.flag(unknown, col, lambda v, label=label: f"{label} '{v}' bestaat niet.")
        lights = [check.values[c] for c in ("kwaliteit", "tijd", "geld")]
        not_green = np.array([any(l[i] not in (None, "groen") for l in lights) for i in range(check.n)])
        for col in ("oorzaak", "gevolg", "maatregel"):
            values = check.values.get(col)
            missing = not_green & (np.array([v is None for v in values]) if values is not None
                                   else np.ones(check.n, bool))
            check.flag(missing, col, f"{col.capitalize()} is verplicht als niet alles groen is.")
        return out

    def key_column(self) -> str:
        return "actiecode"

    def apply(self, conn, frame):
        existing = set()
        attrs = ("action_id", "reporting_period_id", "quality", "time", "money", "cause", "consequence",
                 "measure", "author")
        dated = self.present("datum")
        for row in conn.execute(select(*[getattr(StatusReport, a) for a in attrs], StatusReport.created_at)):
            m = row._mapping
            key = tuple(m[a] for a in attrs)
            existing.add(key + ((as_date(m["created_at"]),) if dated else ()))
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        inserts = []
        for row in frame.to_dict("records"):
            day = as_date(_none(row.get("datum")))
            rec = {"action_id": self.actions[row["actiecode"]],
                   "reporting_period_id": self.periods[row["rapportageperiode"]],
                   "quality": row["kwaliteit"], "time": row["tijd"], "money": row["geld"],
                   "cause": _none(row.get("oorzaak")), "consequence": _none(row.get("gevolg")),
                   "measure": _none(row.get("maatregel")),
                   "author": _none(row.get("auteur")) or self.username or "import",
                   "created_at": dt.datetime.combine(day, dt.time(12)) if day else now}
            key = tuple(rec[a] for a in attrs) + ((day,) if dated else ())
            if key in existing:
                self.counts.unchanged += 1
                continue
            existing.add(key)
            inserts.append(rec)
        if inserts:
            conn.execute(insert(StatusReport), inserts)
            self.counts.inserted += len(inserts)


class PeriodsHandler(CollectHandler):
    key = ("soort", "_sector", "begin")
    key_label = "dezelfde soort, sector en begindatum"

    def resolve(self, check):
        out = dict(check.values)
        out["_sector"] = check.sector("sector")
        end, begin = check.values["einde"], check.values["begin"]
        early = (end < begin) & ~np.isnat(end) & ~np.isnat(begin)
        check.flag(early, "einde", "Einde ligt vóór het begin.")
        return out

    def key_column(self) -> str:
        return "begin"

    def apply(self, conn, frame):
        recs = [{"name": n, "kind": k, "sector": _none(s), "start": as_date(b), "end": as_date(e)}
                for n, k, s, b, e in zip(frame["naam"], frame["soort"], frame["_sector"], frame["begin"],
                                         frame["einde"], strict=True)]
        before = {(p.kind, p.sector, as_date(p.start)): as_date(p.end)
                  for p in conn.execute(select(Period.kind, Period.sector, Period.start, Period.end))}
        inserts, updates = _upsert(conn, Period, ("kind", "sector", "start"), recs, ["name", "end"], {},
                                   self.counts)
        calendar_changes = [r for r in inserts + updates if r.get("kind") in HOLIDAY_KINDS]
        if not calendar_changes:
            return
        sectors = {r.get("sector") for r in calendar_changes}
        rows = conn.execute(select(School.id, School.sector)).all()
        schools = {r.id for r in rows if None in sectors or r.sector in sectors}
        starts = [r["start"] for r in calendar_changes]
        ends = [max(r["end"], before.get((r.get("kind"), r.get("sector"), r["start"])) or r["end"])
                for r in calendar_changes]
        self.refreshes.append(Refresh("absence", schools, min(starts) - dt.timedelta(weeks=5),
                                      max(ends) + dt.timedelta(weeks=5)))


def _flag_outside_period(check: ChunkCheck, column: str, options: Options) -> None:
    values = check.values[column]
    outside = np.zeros(check.n, dtype=bool)
    if options.period_from:
        outside |= values < np.datetime64(options.period_from, "D")
    if options.period_to:
        outside |= values > np.datetime64(options.period_to, "D")
    outside &= ~np.isnat(values)
    lo = nl_date(options.period_from) if options.period_from else "…"
    hi = nl_date(options.period_to) if options.period_to else "…"
    check.flag(outside, column, f"Datum valt buiten de opgegeven periode {lo} t/m {hi}.")


def _hulls(pairs, options: Options) -> dict[int, tuple[dt.date, dt.date]]:
    """Per school: first and last date in the file (or the period the user gave)."""
    hulls: dict[int, list] = {}
    for school_id, day in pairs:
        if school_id is None:
            continue
        h = hulls.setdefault(school_id, [day, day])
        h[0], h[1] = min(h[0], day), max(h[1], day)
    return {s: (options.period_from or h[0], options.period_to or h[1]) for s, h in hulls.items()}


# --- absence: streamed ----------------------------------------------------------------------------


ABSENCE_COLUMNS = ("pupil_id", "school_id", "date", "hours", "code", "category", "registered_on")
STAGING_TABLES = ("lea_stage_absence", "lea_stage_sorted", "lea_import_gone", "lea_import_keys", "lea_import_keep")
REBUILD_INDEXES_FROM = 100_000     # staged rows from which a doubling of the table rebuilds its indexes


class AbsenceHandler(Handler):
    needs_pupils = True

    def prepare(self, conn):
        super().prepare(conn)
        self.dialect = conn.dialect.name
        self.codes: dict[tuple[str, str], str] = {
            (r.source, r.code.upper()): r.category
            for r in conn.execute(select(AbsenceCode.source, AbsenceCode.code, AbsenceCode.category))}
        self.default_source = (self.options.source or "*").strip() or "*"
        self.factor = (self.options.lesson_minutes or 60) / 60.0
        self.max_id = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM absence")).scalar()
        self.keys_table = False
        self.code_ids: dict[str, int] = {}
        self.seen_keys = np.array([], dtype=np.int64)     # sorted keys of earlier valid rows
        self.seen_rows = np.array([], dtype=np.int32)
        self.day_keys = np.array([], dtype=np.int64)      # sorted pupil×day keys
        self.day_hours = np.array([], dtype=np.float32)
        self.unknown: dict[tuple[str, str], dict] = {}
        self.onbekend_rows = 0
        self.hulls: dict[int, list[np.datetime64]] = {}
        self.kept_ids: list[np.ndarray] = []
        self.affected: set[int] = set()
        self.first_day: np.datetime64 | None = None
        self.last_day: np.datetime64 | None = None
        self.stage_table = False
        self.staged_rows = 0
        self.staged_deletes: list[np.ndarray] = []
        self.existing_rows = 0
        self.gone_table = False
        self.ready_to_write = False

    # per chunk
    def check_chunk(self, conn, chunk, check):
        n = check.n
        self.rows_read += n
        v = check.values
        day = v["datum"]
        pupil, pupil_school = self.pupil_refs(check)
        school = self.school_refs(check)
        no_school = np.isnan(school) & ~np.isnan(pupil)
        school = np.where(np.isnan(school), pupil_school, school)
        check.flag(np.isnan(school) & no_school, "pseudoniem",
                   "De leerling heeft geen school en er is geen vestigingsnummer opgegeven.")

        hours = v["uren"] if v.get("uren") is not None else np.full(n, np.nan)
        if v.get("lesuren") is not None:
            from_lessons = v["lesuren"] * self.factor
            use = np.isnan(hours) & ~np.isnan(from_lessons)
            too_many = use & (from_lessons > MAX_HOURS_PER_DAY)
            def message(text: str) -> str:
                converted = round(parse_decimal(text) * self.factor, 2)
                return (f"{text} lesuren is omgerekend {nl_number(converted)} uur: meer dan "
                        f"{int(MAX_HOURS_PER_DAY)} uur op een dag.")
            check.flag(too_many, "lesuren", message)
            hours = np.where(use & ~too_many, from_lessons, hours)
        raw_given = np.zeros(n, dtype=bool)
        for name in ("uren", "lesuren"):
            if name in check.raw:
                raw_given |= check.raw[name].filled()
        missing = np.isnan(hours) & ~raw_given
        check.flag(missing, "uren" if "uren" in check.raw else "lesuren", "Uren of lesuren is verplicht.")

        self._school_year(check, day)
        if self.options.period_from or self.options.period_to:
            _flag_outside_period(check, "datum", self.options)

        category = self._categories(check)

        # rows that are fine so far take part in the cross-row checks
        ok = ~check.bad
        pupil_i = np.where(ok, pupil, 0).astype(np.int64)
        day_i = np.where(ok, day, np.datetime64("1970-01-01")).astype("datetime64[D]").astype(np.int64)
        code_i = self._code_ids(v["code"])
        keys = (pupil_i << 28) | (day_i << 12) | code_i
        self._duplicates(check, keys, ok)
        ok = ~check.bad
        self._hours_per_day(check, (pupil_i << 16) | day_i, hours, ok)
        ok = ~check.bad

        existing = self._existing(conn, pupil, day, v["code"], ok)
        insert_mask, replace_ids = self._against_database(check, existing, pupil, school, day, v["code"], hours, ok)
        ok = ~check.bad
        insert_mask &= ok

        self.invalid_rows += int(check.bad.sum())
        if self.options.replace_period:
            self._extend_hulls(school[ok], day[ok])
        if insert_mask.any() or len(replace_ids):
            touched = insert_mask
            self.affected.update(int(s) for s in np.unique(school[touched]))
            self._extend_range(day[touched])
        if self.may_write():
            started = time.perf_counter()
            if len(replace_ids):
                self._delete_ids(conn, replace_ids)
            if insert_mask.any():
                self._insert(conn, pupil, school, day, hours, v["code"], category, v.get("registratiedatum"),
                             insert_mask)
            self.write_seconds += time.perf_counter() - started
        self.counts.inserted += int(insert_mask.sum()) - len(replace_ids)
        self.counts.updated += len(replace_ids)
        self.add_preview(chunk, ok)
        self.seen_update(keys[ok], chunk.rows[ok])

    def _school_year(self, check, day):
        declared_option = self.options.school_year
        column = check.values.get("schooljaar")
        if declared_option is not None and column is not None:
            differs = ~np.isnan(column) & (column != declared_option)
            check.flag(differs, "schooljaar",
                       f"Wijkt af van het gekozen schooljaar {school_year_label(declared_option)}.")
        declared = np.full(check.n, np.nan)
        if column is not None:
            declared = column.copy()
        if declared_option is not None:
            declared[:] = declared_option
        if np.isnan(declared).all():
            return
        year_of = school_years_of_days(day)
        outside = ~np.isnan(declared) & ~np.isnat(day) & (year_of != declared)
        for y in sorted({int(d) for d in declared[outside]}):
            check.flag(outside & (declared == y), "datum",
                       f"Datum valt buiten schooljaar {school_year_label(y)} "
                       f"({nl_date(school_year_bounds(y)[0])} t/m {nl_date(school_year_bounds(y)[1])}).")

    def _categories(self, check) -> np.ndarray:
        codes = check.values["code"]
        src = check.values.get("bron")
        n = check.n
        given = ~pd.isnull(codes)
        sources = np.full(n, self.default_source, dtype=object)
        if src is not None:
            has_src = ~pd.isnull(src)
            sources[has_src] = src[has_src]
        pairs = pd.Series(sources, dtype=object) + "\x1f" + pd.Series(np.where(given, codes, ""), dtype=object)
        ids, uniques = pd.factorize(pairs)
        table = []
        for pair in uniques:
            source, code = pair.split("\x1f", 1)
            table.append(self.codes.get((source, code)) or self.codes.get(("*", code)))
        table.append(None)
        out = np.array(table, dtype=object)[ids]
        out[~given] = None
        unknown_mask = given & pd.isnull(out)
        if not unknown_mask.any():
            return out
        for pos in np.flatnonzero(unknown_mask):
            key = (sources[pos], codes[pos])
            entry = self.unknown.setdefault(key, {"bron": key[0], "code": key[1], "aantal": 0, "rijen": []})
            entry["aantal"] += 1
            if len(entry["rijen"]) < 10:
                entry["rijen"].append(int(check.rows[pos]))
        if self.options.unknown_as_onbekend:
            out[unknown_mask] = "onbekend"
            self.onbekend_rows += int((unknown_mask & ~check.bad).sum())
        else:
            check.bad |= unknown_mask
            for entry in self.unknown.values():
                if "_problem" not in entry:
                    entry["_problem"] = len(self.problems.items)
                    self.problems.report(entry["rijen"][0], self.header("code"), entry["code"], "…")
        return out

    def _code_ids(self, codes: np.ndarray) -> np.ndarray:
        ids, uniques = pd.factorize(pd.Series(codes, dtype=object), use_na_sentinel=True)
        table = np.array([self._code_id(u) for u in uniques] + [0], dtype=np.int64)
        return table[ids]

    def _code_id(self, code: str) -> int:
        ident = self.code_ids.get(code)
        if ident is None:
            ident = self.code_ids[code] = len(self.code_ids) + 1
        return ident

    def _duplicates(self, check, keys, ok):
        idx = np.flatnonzero(ok)
        if not len(idx):
            return
        k = keys[idx]
        order = np.argsort(k, kind="stable")
        sorted_k = k[order]
        dup_sorted = np.zeros(len(k), dtype=bool)
        dup_sorted[1:] = sorted_k[1:] == sorted_k[:-1]
        dup = np.zeros(check.n, dtype=bool)
        first_row = np.zeros(check.n, dtype=np.int64)
        if dup_sorted.any():
            run_start = np.maximum.accumulate(np.where(~dup_sorted, np.arange(len(k)), 0))
            positions = idx[order]
            dup[positions[dup_sorted]] = True
            first_row[positions[dup_sorted]] = check.rows[positions[run_start[dup_sorted]]]
        if len(self.seen_keys):
            where = np.searchsorted(self.seen_keys, k)
            where = np.minimum(where, len(self.seen_keys) - 1)
            hit = self.seen_keys[where] == k
            dup[idx[hit]] = True
            first_row[idx[hit]] = self.seen_rows[where[hit]]
        if dup.any():
            positions = np.flatnonzero(dup)
            check.bad |= dup
            room = self.problems.limit - len(self.problems.items)
            for pos in positions[:max(room, 0)]:
                self.problems.items.append(Problem(
                    self.info.name, int(check.rows[pos]), self.header("code"), check.raw["code"][pos],
                    f"Dubbele regel: dezelfde leerling, datum en code staan ook in rij {int(first_row[pos])}."))
            self.problems.count += len(positions)

    def seen_update(self, keys, rows):
        """Add this chunk's keys to the sorted keys of earlier chunks (two sorted runs: a linear merge)."""
        if not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        all_keys = np.concatenate([self.seen_keys, keys[order]])
        all_rows = np.concatenate([self.seen_rows, rows[order].astype(np.int32)])
        merge = np.argsort(all_keys, kind="stable")
        self.seen_keys, self.seen_rows = all_keys[merge], all_rows[merge]

    def _hours_per_day(self, check, day_keys, hours, ok):
        idx = np.flatnonzero(ok)
        if not len(idx):
            return
        k = day_keys[idx]
        uniq, inverse = np.unique(k, return_inverse=True)
        sums = np.bincount(inverse, weights=hours[idx])
        prior = np.zeros(len(uniq))
        if len(self.day_keys):
            where = np.minimum(np.searchsorted(self.day_keys, uniq), len(self.day_keys) - 1)
            hit = self.day_keys[where] == uniq
            prior[hit] = self.day_hours[where[hit]]
        total = prior + sums
        over = total > MAX_HOURS_PER_DAY + 1e-4  # (running totals are float32)
        if over.any():
            rows_over = over[inverse]
            mask = np.zeros(check.n, dtype=bool)
            mask[idx[rows_over]] = True
            totals = np.zeros(check.n)
            totals[idx] = total[inverse]
            positions = np.flatnonzero(mask)
            room = self.problems.limit - len(self.problems.items)
            for pos in positions[:max(room, 0)]:
                self.problems.items.append(Problem(
                    self.info.name, int(check.rows[pos]), self.header("uren" if "uren" in check.raw else "lesuren"),
                    None, f"Deze leerling heeft op deze dag samen {nl_number(round(float(totals[pos]), 2))} uur "
                          f"verzuim in het bestand: meer dan {int(MAX_HOURS_PER_DAY)} uur op een dag."))
            self.problems.count += len(positions)
            check.bad |= mask
            keep = ~over
            uniq, sums = uniq[keep], sums[keep]
        if not len(uniq):
            return
        # both runs are sorted: a stable sort merges them in linear time; equal keys are summed
        all_keys = np.concatenate([self.day_keys, uniq])
        all_hours = np.concatenate([self.day_hours, sums.astype(np.float32)])
        merge = np.argsort(all_keys, kind="stable")
        all_keys, all_hours = all_keys[merge], all_hours[merge]
        starts = np.flatnonzero(np.r_[True, all_keys[1:] != all_keys[:-1]])
        self.day_keys, self.day_hours = all_keys[starts], np.add.reduceat(all_hours, starts)

    def _existing(self, conn, pupil, day, codes, ok) -> pd.DataFrame:
        """Rows already in the database with the same (pupil, date, code) as this chunk's rows.

        The chunk's keys go into a temporary table that is joined on the unique index of absence,
        so the cost is one index probe per row, however large the table is. Rows this import wrote
        itself cannot match (duplicates within the file are refused before), so an empty table
        before the import needs no look-up at all.
        """
        columns = ["pos", "id", "hours", "school_id"]
        idx = np.flatnonzero(ok)
        if not len(idx) or not self.max_id:
            return pd.DataFrame(columns=columns)
        if not self.keys_table:
            conn.execute(text("DROP TABLE IF EXISTS lea_import_keys"))
            date_type = "DATE" if self.dialect == "postgresql" else "TEXT"
            conn.execute(text(f"CREATE TEMPORARY TABLE lea_import_keys (pos INTEGER, pupil_id BIGINT, "
                              f"date {date_type}, code VARCHAR(10))"))
            self.keys_table = True
        else:
            conn.execute(text("DELETE FROM lea_import_keys"))
        rows = zip(idx.tolist(), pupil[idx].astype(np.int64).tolist(),
                   np.datetime_as_string(day[idx], unit="D").tolist(), codes[idx].tolist(), strict=True)
        bulk.insert_rows(conn, "lea_import_keys", ("pos", "pupil_id", "date", "code"), rows)
        join = "JOIN" if self.dialect == "postgresql" else "CROSS JOIN"   # SQLite: drive from the keys
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(f"SELECT t.pos, a.id, a.hours, a.school_id FROM lea_import_keys t {join} absence a "
                           "ON a.pupil_id = t.pupil_id AND a.date = t.date AND a.code = t.code")
            data = cursor.fetchall()
        finally:
            cursor.close()
        if not data:
            return pd.DataFrame(columns=columns)
        cols = list(zip(*data, strict=True))
        return pd.DataFrame({"pos": np.array(cols[0], dtype=np.int64), "id": np.array(cols[1], dtype=np.int64),
                             "hours": np.array(cols[2], dtype=np.float64),
                             "school_id": np.array(cols[3], dtype=np.int64)})

    def _against_database(self, check, existing, pupil, school, day, codes, hours, ok):
        insert_mask = ok.copy()
        replace_ids = np.array([], dtype=np.int64)
        if existing.empty:
            return insert_mask, replace_ids
        pos = existing["pos"].to_numpy()
        old_hours = existing["hours"].to_numpy(float)
        old_school = existing["school_id"].to_numpy()
        same_school = old_school == school[pos].astype(np.int64)
        same = (np.abs(old_hours - hours[pos]) < 1e-9) & same_school
        insert_mask[pos] = False
        self.counts.unchanged += int(same.sum())
        if self.options.replace_period:
            self.kept_ids.append(existing["id"].to_numpy(np.int64)[same])
            replaceable = ~same & same_school
            insert_mask[pos[replaceable]] = True
            replace_ids = existing["id"].to_numpy(np.int64)[replaceable]
            self.kept_ids.append(replace_ids)  # counted as updated, not as deleted (matters in a dry run)
            conflict = ~same & ~replaceable
        else:
            conflict = ~same
        if conflict.any():
            mask = np.zeros(check.n, dtype=bool)
            mask[pos[conflict]] = True
            # the message names the school but never the stored hours: they are personal data
            other_school = {int(p): s != school[p] for p, s in zip(pos[conflict], old_school[conflict], strict=True)}
            positions = np.flatnonzero(mask)
            room = self.problems.limit - len(self.problems.items)
            column = self.header("uren" if "uren" in check.raw else "lesuren")
            for p in positions[:max(room, 0)]:
                if other_school[int(p)]:
                    text_ = ("Deze registratie (leerling, datum, code) staat al in de database bij een andere "
                             "vestiging. Controleer het vestigingsnummer.")
                else:
                    text_ = ("Deze registratie (leerling, datum, code) staat al in de database met andere uren. "
                             "Kies 'periode vervangen' om een levering te vervangen.")
                self.problems.items.append(Problem(self.info.name, int(check.rows[p]), column,
                                                   nl_number(float(hours[p])), text_))
            self.problems.count += len(positions)
            check.bad |= mask
        return insert_mask, replace_ids

    def _extend_hulls(self, school, day):
        if not len(school):
            return
        frame = pd.DataFrame({"s": school.astype(np.int64), "d": day})
        for s, group in frame.groupby("s")["d"]:
            lo, hi = group.min(), group.max()
            h = self.hulls.get(int(s))
            if h is None:
                self.hulls[int(s)] = [lo, hi]
            else:
                h[0], h[1] = min(h[0], lo), max(h[1], hi)

    def _extend_range(self, days):
        if not len(days):
            return
        lo, hi = days.min(), days.max()
        self.first_day = lo if self.first_day is None else min(self.first_day, lo)
        self.last_day = hi if self.last_day is None else max(self.last_day, hi)

    def _delete_ids(self, conn, ids):
        """Staged: the rows are deleted in the write phase (later chunks cannot match them: a key
        occurs once in a file)."""
        self.staged_deletes.append(np.asarray(ids, dtype=np.int64))

    def _stage(self, conn) -> None:
        """The temporary table the read phase writes new rows into. Temporary tables belong to the
        connection (SQLite keeps them in its own temp database): filling it takes no write lock
        on the database, so logins and other writers go on during a long import."""
        if self.stage_table:
            return
        conn.execute(text("DROP TABLE IF EXISTS lea_stage_absence"))
        date_type, real = ("DATE", "DOUBLE PRECISION") if self.dialect == "postgresql" else ("TEXT", "REAL")
        conn.execute(text(f"CREATE TEMPORARY TABLE lea_stage_absence (pupil_id BIGINT, school_id BIGINT, "
                          f"date {date_type}, hours {real}, code VARCHAR(10), category VARCHAR(20), "
                          f"registered_on {date_type})"))
        self.stage_table = True

    def _apply_staged(self, conn) -> None:
        """Under the write lock: the deletes found before it, then the staged rows."""
        started = time.perf_counter()
        if self.gone_table:
            conn.execute(text("DELETE FROM absence WHERE id IN (SELECT id FROM lea_import_gone)"))
        if self.stage_table:
            columns = ", ".join(ABSENCE_COLUMNS)
            indexes = self._indexes_to_rebuild(conn)
            for name, _sql in indexes:
                conn.exec_driver_sql(f'DROP INDEX "{name}"')
            # in the order staged: sorted by the unique index (pupil, date, code) before the lock
            conn.execute(text(f"INSERT INTO absence ({columns}) SELECT {columns} FROM lea_stage_absence"))
            for _name, sql in indexes:  # the index exactly as the migration made it
                conn.exec_driver_sql(sql)
        self.write_seconds += time.perf_counter() - started
        self.drop_staging(conn)

    def _indexes_to_rebuild(self, conn) -> list[tuple[str, str]]:
        """SQLite: when the import at least doubles the absence table, its secondary indexes are
        dropped and built again from all rows (one sort each) instead of taking a million random
        inserts each: the write lock is held about half as long (bench/RESULTS.md). Smaller imports
        into a large table insert into them: rebuilding would sort every row the table holds."""
        if self.dialect != "sqlite" or self.staged_rows < max(REBUILD_INDEXES_FROM, self.existing_rows):
            return []
        return [tuple(row) for row in conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'absence' "
            "AND sql IS NOT NULL ORDER BY name"))]

    def drop_staging(self, conn) -> None:
        """The import's temporary tables, whatever state it stopped in (a rolled-back
        write transaction brings back what it dropped; the connection returns to the pool)."""
        for table in STAGING_TABLES:
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        self.ready_to_write = False
        self.stage_table = self.gone_table = self.keys_table = False

    def _insert(self, conn, pupil, school, day, hours, codes, category, registered, mask):
        idx = np.flatnonzero(mask)
        pupil_i, day_i = pupil[idx].astype(np.int64), day[idx].astype(np.int64)
        # in the order of the unique index (pupil, date): the B-tree grows at the end, not everywhere
        order = np.argsort((pupil_i << 20) | (day_i - day_i.min()), kind="stable")
        idx, pupil_i, day_i = idx[order], pupil_i[order], day_i[order]
        day_iso = _iso_days(day_i)
        if registered is not None:
            reg = registered[idx]
            known = ~np.isnat(reg)
            reg_iso = np.full(len(idx), None, dtype=object)
            if known.any():
                reg_iso[known] = _iso_days(reg[known].astype(np.int64))
            reg_list = reg_iso.tolist()
        else:
            reg_list = [None] * len(idx)
        rows = zip(pupil_i.tolist(), school[idx].astype(np.int64).tolist(), day_iso.tolist(),
                   hours[idx].tolist(), codes[idx].tolist(), category[idx].tolist(), reg_list, strict=True)
        self._stage(conn)
        self.staged_rows += bulk.insert_rows(conn, "lea_stage_absence", ABSENCE_COLUMNS, rows)

    # end of file
    def finish_reading(self, conn):
        if self.keys_table:
            conn.execute(text("DROP TABLE lea_import_keys"))
            self.keys_table = False
        for key, entry in self.unknown.items():
            if "_problem" in entry:
                rows = ", ".join(str(r) for r in entry["rijen"])
                more = " …" if entry["aantal"] > len(entry["rijen"]) else ""
                source = "" if entry["bron"] == "*" else f" (bron {entry['bron']})"
                self.problems.items[entry["_problem"]] = Problem(
                    self.info.name, entry["rijen"][0], self.header("code"), entry["code"],
                    f"Onbekende verzuimcode '{entry['code']}'{source}: {entry['aantal']} keer, in rij {rows}{more}. "
                    "Voeg de code toe aan de codetabel (beheer → Codetabel) of kies 'onbekende codes als "
                    "onbekend importeren'.")
        if self.options.unknown_as_onbekend and self.onbekend_rows:
            codes = ", ".join(sorted({e["code"] for e in self.unknown.values()}))
            self.messages.append(f"{self.onbekend_rows} registraties met een onbekende code ({codes}) zijn als "
                                 "'onbekend' geïmporteerd en worden op de pagina's gemarkeerd.")

    def before_write(self, conn):
        """After reading, before the write transaction (no write lock held): the rows the write
        will delete are found (replaced rows, and with "periode vervangen" the period's rows the
        file no longer holds) and the staged rows are sorted. Then ``staged_rows_table`` and
        ``gone_ids_table`` describe the absence rows as they will be after the import, to compute
        the summaries from (importers/run.py)."""
        if self.may_write() and self.staged_deletes:
            self._gone(conn, np.concatenate(self.staged_deletes))
            self.staged_deletes = []
        if self.options.replace_period and self.hulls:
            self._replace(conn)
        if not self.may_write():
            self.drop_staging(conn)  # rejected after all (a later chunk had a problem): the staged rows go
            return
        if self.dialect == "sqlite":
            if self.stage_table:  # one sort now instead of random inserts under the lock
                conn.execute(text("CREATE TEMPORARY TABLE lea_stage_sorted AS SELECT * FROM lea_stage_absence "
                                  "ORDER BY pupil_id, date, code"))
                conn.execute(text("DROP TABLE lea_stage_absence"))
                conn.execute(text("ALTER TABLE lea_stage_sorted RENAME TO lea_stage_absence"))
            self.existing_rows = conn.execute(text("SELECT COUNT(*) FROM absence")).scalar()
        self.ready_to_write = True

    @property
    def staged_rows_table(self) -> str | None:
        return "lea_stage_absence" if self.stage_table else None

    @property
    def gone_ids_table(self) -> str | None:
        return "lea_import_gone" if self.gone_table else None

    def _gone(self, conn, ids) -> None:
        if not self.gone_table:
            conn.execute(text("DROP TABLE IF EXISTS lea_import_gone"))
            conn.execute(text("CREATE TEMPORARY TABLE lea_import_gone (id BIGINT PRIMARY KEY)"))
            self.gone_table = True
        if len(ids):
            bulk.insert_rows(conn, "lea_import_gone", ("id",), ((int(i),) for i in np.unique(ids)))

    def finish(self, conn):
        """The write phase, under the write lock: what ``before_write`` prepared."""
        if self.may_write():
            self._apply_staged(conn)
        else:
            self.drop_staging(conn)

    def _replace(self, conn):
        """Per school, the rows from the first to the last date the file holds for it that the
        file does not hold (again): to be deleted (a dry run counts them)."""
        write = self.may_write()
        kept = np.concatenate(self.kept_ids) if self.kept_ids else np.array([], dtype=np.int64)
        conn.execute(text("DROP TABLE IF EXISTS lea_import_keep"))
        conn.execute(text("CREATE TEMPORARY TABLE lea_import_keep (id BIGINT PRIMARY KEY)"))
        if len(kept):
            bulk.insert_rows(conn, "lea_import_keep", ("id",), ((int(i),) for i in np.unique(kept)))
        if write:
            self._gone(conn, np.array([], dtype=np.int64))
        for school_id, (lo, hi) in sorted(self.hulls.items()):
            lo_d = self.options.period_from or as_date(lo)
            hi_d = self.options.period_to or as_date(hi)
            params = {"s": school_id, "lo": lo_d, "hi": hi_d, "max_id": self.max_id}
            if self.dialect != "postgresql":
                params.update(lo=lo_d.isoformat(), hi=hi_d.isoformat())
            where = ("school_id = :s AND date BETWEEN :lo AND :hi AND id <= :max_id "
                     "AND id NOT IN (SELECT id FROM lea_import_keep)")
            if write:
                gone = conn.execute(text(f"INSERT INTO lea_import_gone (id) SELECT id FROM absence WHERE {where}"),
                                    params).rowcount
            else:
                gone = conn.execute(text(f"SELECT COUNT(*) FROM absence WHERE {where}"), params).scalar()
            self.counts.deleted += gone
            self.replaced.append({"school_id": school_id, "vestigingsnummer": self.refs.school_vnr[school_id],
                                  "van": lo_d, "tot en met": hi_d, "verwijderd": gone})
            if gone:
                self.affected.add(school_id)
                self._extend_range(np.array([lo_d, hi_d], dtype="datetime64[D]"))
        conn.execute(text("DROP TABLE lea_import_keep"))

    def result_refreshes(self) -> list[Refresh]:
        if not self.affected or self.first_day is None:
            return []
        return [Refresh("absence", set(self.affected), as_date(self.first_day), as_date(self.last_day))]


HANDLERS: dict[str, type[Handler]] = {
    "scholen": SchoolsHandler, "inschrijvingen": EnrolmentsHandler, "leerlingen": PupilsHandler,
    "verzuimcodes": CodesHandler, "verzuim": AbsenceHandler, "verzuimmeldingen": MeldingenHandler,
    "contacten": ContactsHandler, "casussen": CasesHandler, "interventies": InterventionsHandler,
    "statusrapportages": StatusReportsHandler,
    "perioden": PeriodsHandler,
}

