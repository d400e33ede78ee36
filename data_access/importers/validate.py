"""Validation of one chunk against a kind's spec: types, ranges, required values, formula cells.

Vectorised: every column is checked with pandas string operations or by parsing its *distinct*
values once (dates, numbers and codes repeat a lot), so a 200,000-row chunk of absence takes a
fraction of a second. Every failure becomes a :class:`Problem` (file, row, column, value, Dutch
message); references, duplicates and cross-row rules are checked by the kind handlers in
:mod:`write`.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data_access.definitions.calendar import school_year_of
from data_access.importers.kinds import (
    BOOL, CHOICE, DATE, FLOAT, INT, NO_SECTOR, SCHOOL_YEAR, TEXT, Column, Kind, norm_key,
)

MAX_PROBLEMS = 1000

# A cell a spreadsheet could run as a formula: it starts with =, @, a tab or a carriage return, or
# with + or - followed by anything but a plain number (digits, spaces, "." and ","). So "-3",
# "-2,5" and "+31 6 1234 5678" import, "-1+HYPERLINK(…)", "+1+cmd|'…'!A0" and "-Jan" do not.
# A lone "-" (a placeholder) cannot compute anything and passes. RE2 syntax (pyarrow), matched
# from the start of the value.
FORMULA_RE = re.compile(r"(?:[=@\t\r]|[+\-][\d\s.,]*[^\d\s.,])")
DATE_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
DATE_NL = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
SCHOOL_YEAR_RE = re.compile(r"(\d{4})(?:\s*[/\-]\s*(\d{2}|\d{4}))?")
TRUE = {"ja", "j", "yes", "y", "true", "waar", "1", "x", "wel"}
FALSE = {"nee", "n", "no", "false", "onwaar", "0", "niet"}
NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class Bad:
    """A value that failed to parse, with the reason."""

    message: str


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import file, in the words the user reads (Dutch)."""

    file: str
    row: int | None        # spreadsheet row (header = 1); None: the file as a whole
    column: str | None     # as the file spells it
    value: str | None
    message: str

    def as_dict(self) -> dict:
        return {"bestand": self.file, "rij": self.row, "kolom": self.column or "",
                "waarde": "" if self.value is None else self.value, "probleem": self.message}

    def __str__(self) -> str:
        where = f"rij {self.row}" if self.row else "bestand"
        col = f", kolom {self.column}" if self.column else ""
        val = f", waarde '{self.value}'" if self.value not in (None, "") else ""
        return f"{self.file}: {where}{col}{val}: {self.message}"


PROBLEM_COLUMNS = ["bestand", "rij", "kolom", "waarde", "probleem"]


class Problems:
    """Collects problems; keeps the first MAX_PROBLEMS in full and counts the rest."""

    def __init__(self, file_name: str, limit: int = MAX_PROBLEMS):
        self.file_name, self.limit = file_name, limit
        self.items: list[Problem] = []
        self.count = 0

    def add(self, problem: Problem) -> None:
        self.count += 1
        if len(self.items) < self.limit:
            self.items.append(problem)

    def report(self, row: int | None, column: str | None, value, message: str) -> None:
        self.add(Problem(self.file_name, row, column, None if value is None else str(value), message))

    def report_mask(self, mask: np.ndarray, rows: np.ndarray, column: str | None, values,
                    message: str | Callable[[str], str]) -> None:
        """One problem per masked row (only as many as still fit are built)."""
        positions = np.flatnonzero(mask)
        if not len(positions):
            return
        room = max(self.limit - len(self.items), 0)
        for pos in positions[:room]:
            value = None if values is None else str(values[pos])
            text = message(value) if callable(message) else message
            self.items.append(Problem(self.file_name, int(rows[pos]), column, value, text))
        self.count += len(positions)

    @property
    def truncated(self) -> int:
        return self.count - len(self.items)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame([p.as_dict() for p in self.items], columns=PROBLEM_COLUMNS)


def nl_date(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def nl_number(value: float) -> str:
    return (f"{value:g}").replace(".", ",")


# --- parsing single values (applied to the distinct values of a column) -------------------------


def parse_date(text: str) -> dt.date | str:
    m = DATE_ISO.fullmatch(text)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = DATE_NL.fullmatch(text)
        if not m:
            return Bad("Geen geldige datum: gebruik dd-mm-jjjj of jjjj-mm-dd.")
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return Bad("Deze datum bestaat niet.")


def parse_decimal(text: str) -> float | str:
    s = text.replace(" ", "").replace("\u00a0", "")
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    else:
        s = s.replace(",", ".")
    if not NUMBER.fullmatch(s):
        return Bad("Geen getal.")
    return float(s)


def parse_int(text: str) -> float | str:
    value = parse_decimal(text)
    if isinstance(value, Bad):
        return Bad("Geen geheel getal.")
    if not float(value).is_integer():
        return Bad("Geen geheel getal.")
    return value


def parse_bool(text: str) -> bool | str:
    key = text.strip().lower()
    if key in TRUE:
        return True
    if key in FALSE:
        return False
    return Bad("Kies ja of nee.")


def parse_school_year(text: str) -> int | str:
    m = SCHOOL_YEAR_RE.fullmatch(text.strip())
    if not m:
        return Bad("Geen geldig schooljaar: gebruik bijvoorbeeld 2023/24.")
    first = int(m.group(1))
    if m.group(2):
        second = int(m.group(2))
        if second != (first + 1) % (100 if len(m.group(2)) == 2 else 10_000):
            return Bad("Dit schooljaar klopt niet: het tweede jaar moet het jaar na het eerste zijn (2023/24).")
    if not 1990 <= first <= 2100:
        return Bad("Geen geldig schooljaar: gebruik bijvoorbeeld 2023/24.")
    return first


def parse_school_year_option(value: str | int | None) -> int | None:
    """The --school-year option: '2023/24', '2023-2024' or 2023; ValueError on nonsense."""
    if value in (None, ""):
        return None
    parsed = parse_school_year(str(value))
    if isinstance(parsed, Bad):
        raise ValueError(f"Schooljaar '{value}': {parsed.message}")
    return parsed


# --- text columns: vectorised with pyarrow (pseudonyms, codes, names have many distinct values) ---


def _matches(values: np.ndarray, pattern: str, anchored_end: bool = True) -> np.ndarray:
    """Which values match ``pattern`` from their start (and to their end): one C loop, no Python."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(values):
        return np.zeros(0, dtype=bool)
    regex = f"^(?:{pattern})" + ("$" if anchored_end else "")
    return pc.match_substring_regex(pa.array(values, type=pa.string()), regex).to_numpy(zero_copy_only=False)


def _text_values(col: Column, uniques: np.ndarray, skip: np.ndarray) -> tuple[np.ndarray, dict[int, str]]:
    """Per distinct value the stored text (None where skipped or wrong), and the reasons by position."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(uniques, type=pa.string())
    if col.upper:
        arr = pc.replace_substring(pc.utf8_upper(arr), " ", "")
    texts = arr.to_numpy(zero_copy_only=False)
    bad: dict[int, str] = {}
    too_long = np.zeros(len(texts), dtype=bool)
    if col.max_length:
        lengths = pc.utf8_length(arr).to_numpy(zero_copy_only=False)
        too_long = (lengths > col.max_length) & ~skip
        for i in np.flatnonzero(too_long):
            bad[int(i)] = f"Te lang: {int(lengths[i])} tekens, maximaal {col.max_length}."
    if col.pattern:
        for i in np.flatnonzero(~_matches(texts, col.pattern) & ~too_long & ~skip):
            bad[int(i)] = f"Ongeldig formaat: verwacht {col.pattern_hint}."
    texts[skip] = None
    if bad:
        texts[list(bad)] = None
    return texts, bad


# --- the chunk validator ----------------------------------------------------------------------


class ChunkCheck:
    """Parses and checks the columns of one chunk; ``bad`` marks rows with at least one problem."""

    def __init__(self, kind: Kind, chunk, problems: Problems, header_of: Callable[[str], str], today: dt.date):
        self.kind, self.chunk, self.rows, self.problems = kind, chunk, chunk.rows, problems
        self.header_of, self.today = header_of, today
        self.n = chunk.n
        self.bad = np.zeros(self.n, dtype=bool)
        self.values: dict[str, np.ndarray | None] = {}
        self.raw = chunk.columns

    def flag(self, mask: np.ndarray, column: str | None, message, values=None) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.bad |= mask
        label = self.header_of(column) if column else None
        if values is None and column in self.raw:
            values = self.raw[column]
        self.problems.report_mask(mask, self.rows, label, values, message)

    def run(self) -> ChunkCheck:
        for col in self.kind.columns:
            self.values[col.name] = self._column(col) if col.name in self.raw else None
        return self

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    # one column: every check runs once per distinct value
    def _column(self, col: Column) -> np.ndarray:
        raw = self.raw[col.name]
        codes, uniques = raw.codes, raw.uniques
        u_empty = uniques == ""
        u_formula = _matches(uniques, FORMULA_RE.pattern, anchored_end=False)
        empty = u_empty[codes]
        done = empty.copy()
        if u_formula.any():
            formula = u_formula[codes]
            self.flag(formula, col.name,
                      "Waarde begint als een formule (=, +, - of @ gevolgd door tekst): zo'n cel kan in "
                      "Excel een opdracht uitvoeren en wordt niet geïmporteerd. Haal het teken weg.")
            done |= formula
        if col.required and u_empty.any():
            self.flag(empty, col.name, "Verplicht veld is leeg.")
        skip = u_empty | u_formula
        if col.type == TEXT:
            texts, bad = _text_values(col, uniques, skip)
            if bad:
                u_error = np.zeros(len(uniques), dtype=bool)
                u_error[list(bad)] = True
                error_rows = u_error[codes]
                messages = {uniques[i]: text for i, text in bad.items()}
                self.flag(error_rows, col.name, lambda v: messages[v], raw)
                done |= error_rows
            out = texts[codes]
            out[done] = None
            return out
        parser = {DATE: parse_date, FLOAT: parse_decimal, INT: parse_int, BOOL: parse_bool,
                  SCHOOL_YEAR: parse_school_year, CHOICE: self._choice_parser(col)}[col.type]
        parsed = [None if sk else parser(u) for u, sk in zip(uniques, skip, strict=True)]
        u_error = np.array([isinstance(p, Bad) for p in parsed], dtype=bool)
        if u_error.any():
            error_rows = u_error[codes]
            messages = {u: p.message for u, p in zip(uniques, parsed, strict=True) if isinstance(p, Bad)}
            self.flag(error_rows, col.name, lambda v: messages[v], raw)
            done |= error_rows
        if col.type == DATE:
            table = np.array([np.datetime64(p, "D") if isinstance(p, dt.date) else NAT for p in parsed],
                             dtype="datetime64[D]")
            out = table[codes]
            out[done] = NAT
            self._date_range(col, out, done)
            return out
        if col.type in (FLOAT, INT, SCHOOL_YEAR):
            table = np.array([float(p) if isinstance(p, (int, float)) else np.nan for p in parsed],
                             dtype=np.float64)
            out = table[codes]
            out[done] = np.nan
            self._number_range(col, out, done)
            return out
        table = np.empty(len(parsed), dtype=object)
        table[:] = [None if isinstance(p, Bad) else p for p in parsed]
        out = table[codes]
        out[done] = None
        return out

    def _choice_parser(self, col: Column):
        mapping = col.choice_map()
        allowed = col.allowed_text()

        def parse(text: str):
            value = mapping.get(norm_key(text))
            return value if value is not None else Bad(f"Onbekende waarde. Kies uit: {allowed}.")
        return parse


    def _date_range(self, col: Column, values: np.ndarray, done: np.ndarray) -> None:
        if col.not_future:
            today = np.datetime64(self.today, "D")
            future = (values > today) & ~np.isnat(values)
            self.flag(future, col.name, f"Datum ligt in de toekomst (vandaag is {nl_date(self.today)}).")
            values[future] = NAT
        if col.min_date:
            lowest = np.datetime64(col.min_date, "D")
            early = (values < lowest) & ~np.isnat(values)
            self.flag(early, col.name, f"Datum ligt vóór {nl_date(dt.date.fromisoformat(col.min_date))}.")
            values[early] = NAT

    def _number_range(self, col: Column, values: np.ndarray, done: np.ndarray) -> None:
        if col.type == SCHOOL_YEAR:
            if col.not_future:
                current = school_year_of(self.today)
                future = values > current
                self.flag(future, col.name, "Schooljaar ligt in de toekomst.")
                values[future] = np.nan
            return
        low = col.min if col.min is not None else -np.inf
        high = col.max if col.max is not None else np.inf
        with np.errstate(invalid="ignore"):
            out = ((values < low) | (values > high)) & ~np.isnan(values)
        if out.any():
            if col.min is not None and col.max is not None:
                text = f"Buiten het bereik: moet van {nl_number(col.min)} t/m {nl_number(col.max)} zijn."
            elif col.min is not None:
                text = f"Te klein: minimaal {nl_number(col.min)}."
            else:
                text = f"Te groot: maximaal {nl_number(col.max)}."
            self.flag(out, col.name, text)
            values[out] = np.nan

    # helpers for kind handlers
    def sector(self, name: str) -> np.ndarray:
        """Optional sector text → BAO/SBAO/SO/VO or None (all sectors)."""
        from data_access.importers.kinds import SECTOR_CHOICES

        raw = self.values[name]
        mapping = {norm_key(k): v for k, v in SECTOR_CHOICES.items()}
        out = np.full(self.n, None, dtype=object)
        if raw is None:
            return out
        wrong = np.zeros(self.n, dtype=bool)
        for i, value in enumerate(raw):
            if value is None or norm_key(value) in NO_SECTOR:
                continue
            if norm_key(value) in mapping:
                out[i] = mapping[norm_key(value)]
            else:
                wrong[i] = True
        self.flag(wrong, name, "Onbekende sector. Kies uit: BAO, SBAO, SO, VO of laat leeg (alle sectoren).")
        return out
