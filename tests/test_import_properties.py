"""Property-based: generated absence files in every accepted dialect import exactly; generated
malformed files are each rejected with a clear Dutch error while the database stays as it was."""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_access.importers import Options, run_import
from fixtures.imports import TODAY, absence, audit_rows, copy_of, dump

PUPILS = {"LL01": "99ZZ00", "LL02": "99ZZ01", "LL03": "98YY00"}
CATEGORY = {"A": "ongeoorloofd", "ZI": "ziek", "TA": "te_laat"}
DAYS = [d.astype(object) for d in np.arange(np.datetime64("2023-09-04"), np.datetime64("2023-12-22"))
        if np.is_busday(d)]
HEADERS = {
    "nl": ["datum", "pseudoniem", "uren", "code"],
    "en": ["Date", "Pseudonym", "Hours", "Absence code"],
    "loose": ["DATUM ", "Leerling pseudoniem", "aantal uren", "verzuim-code"],
}
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_counter = itertools.count()


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    encoding: str
    dates: str          # "nl" or "iso"
    comma: bool         # decimal comma
    headers: str
    newline: str


@dataclass(frozen=True)
class Row:
    pupil: str
    day: dt.date
    hours: float
    code: str


dialects = st.builds(Dialect, st.sampled_from([";", ",", "\t"]), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
                     st.sampled_from(["nl", "iso"]), st.booleans(), st.sampled_from(sorted(HEADERS)),
                     st.sampled_from(["\n", "\r\n"]))


@st.composite
def valid_rows(draw, min_size=1):
    pairs = draw(st.lists(st.tuples(st.sampled_from(sorted(PUPILS)), st.sampled_from(DAYS)),
                          min_size=min_size, max_size=25, unique=True))
    hours = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.25, 5.5, 8.0])
    return [Row(p, d, draw(hours), draw(st.sampled_from(sorted(CATEGORY)))) for p, d in pairs]


def cells(row: Row, d: Dialect) -> list[str]:
    day = row.day.strftime("%d-%m-%Y") if d.dates == "nl" else row.day.isoformat()
    hours = f"{row.hours:g}"
    return [day, row.pupil, hours.replace(".", ",") if d.comma else hours, row.code]


def render(header: list[str], lines: list[list[str]], d: Dialect) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=d.delimiter, lineterminator=d.newline)
    writer.writerow(header)
    writer.writerows(lines)
    return buffer.getvalue()


def line_text(line: list[str], d: Dialect) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=d.delimiter, lineterminator=d.newline).writerow(line)
    return buffer.getvalue()


def encode(text: str, d: Dialect) -> bytes:
    return text.encode(d.encoding)


def fresh_engine(base_file, tmp_path):
    return copy_of(base_file, tmp_path / f"example-{next(_counter)}.sqlite")


def run(engine, data: bytes, **options):
    return run_import(engine, "verzuim", data, file_name="verzuim.csv", options=Options(today=TODAY, **options),
                      username="hypothesis")


@SETTINGS
@given(rows=valid_rows(), d=dialects)
def test_a_valid_file_in_any_accepted_dialect_imports_exactly_and_twice_changes_nothing(base_file, tmp_path, rows, d):
    engine = fresh_engine(base_file, tmp_path)
    data = encode(render(HEADERS[d.headers], [cells(r, d) for r in rows], d), d)
    result = run(engine, data)
    assert result.ok, result.problems
    assert (result.rows, result.counts.inserted) == (len(rows), len(rows))
    assert absence(engine) == sorted((r.pupil, PUPILS[r.pupil], r.day, r.hours, r.code, CATEGORY[r.code])
                                     for r in rows)
    before = dump(engine)
    again = run(engine, data)
    assert again.ok and (again.counts.inserted, again.counts.unchanged) == (0, len(rows))
    assert dump(engine) == before
    engine.dispose()


# --- malformed files ------------------------------------------------------------------------------


@dataclass
class Broken:
    kind: str
    data: bytes
    row: int | None          # the spreadsheet row the report must point at (None: the file as a whole)
    column: str | None
    says: str                # a phrase the Dutch message must contain
    keeps: list | None = None  # rows "alleen geldige rijen" must store (row-level problems only)


FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x.example","klik")', "+SUM(1;2)", "@SUM(A1)", "-IMPORT(1)"]
WRONG = {0: ["32-13-2023", "morgen", "2023-02-30", "1/1/23"], 2: ["veel", "NaN", "1.2.3", "2 uur"],
         1: ["LL 01", "LL#1"]}
WRONG_SAYS = {0: "datum", 2: "Geen getal", 1: "Ongeldig formaat"}


MUTATIONS = ["utf16", "mixed", "missing", "extra", "type", "range", "future", "duplicate", "truncated", "cut_file",
             "formula"]


@st.composite
def broken_files(draw, kind):
    rows = draw(valid_rows(min_size=2))
    d = draw(dialects)
    header = HEADERS[d.headers]
    lines = [cells(r, d) for r in rows]
    i = draw(st.integers(0, len(lines) - 1))
    row_no = i + 2
    others = rows[:i] + rows[i + 1:]
    if kind == "utf16":
        return Broken(kind, render(header, lines, d).encode("utf-16-le"), None, None, "geen tekstbestand")
    if kind == "mixed":
        lines[i][3] = "Aé"
        other = (i + 1) % len(lines)
        text = render(header, lines, d)
        data = text.encode("cp1252")
        line_of_other = line_text(lines[other], d).encode("cp1252")
        data = data.replace(line_of_other, line_of_other.replace(lines[other][3].encode(), "Zé".encode("utf-8")), 1)
        return Broken(kind, data, None, None, "mengt twee tekensets")
    if kind == "missing":
        col = draw(st.sampled_from([0, 1, 2, 3]))
        header = [h for j, h in enumerate(header) if j != col]
        lines = [[c for j, c in enumerate(line) if j != col] for line in lines]
        says = "ontbreekt"
        return Broken(kind, encode(render(header, lines, d), d), 1, None, says)
    if kind == "extra":
        header = [*header, draw(st.sampled_from(["opmerking", "klas", "Remarks"]))]
        lines = [[*line, "x"] for line in lines]
        return Broken(kind, encode(render(header, lines, d), d), 1, header[-1], "Onbekende kolom")
    if kind == "type":
        col = draw(st.sampled_from([0, 1, 2]))
        lines[i][col] = draw(st.sampled_from(WRONG[col]))
        return Broken(kind, encode(render(header, lines, d), d), row_no, header[col].strip(), WRONG_SAYS[col], others)
    if kind == "range":
        lines[i][2] = draw(st.sampled_from(["9", "8,25" if d.comma else "8.25", "-1", "24"]))
        return Broken(kind, encode(render(header, lines, d), d), row_no, header[2].strip(), "Buiten het bereik", others)
    if kind == "future":
        day = draw(st.sampled_from([dt.date(2024, 6, 3), dt.date(2030, 1, 1)]))
        lines[i][0] = day.strftime("%d-%m-%Y") if d.dates == "nl" else day.isoformat()
        return Broken(kind, encode(render(header, lines, d), d), row_no, header[0].strip(), "toekomst", others)
    if kind == "duplicate":
        lines.append(list(lines[i]))
        return Broken(kind, encode(render(header, lines, d), d), len(lines) + 1, header[3].strip(),
                      f"ook in rij {row_no}", rows)
    if kind == "truncated":
        keep = draw(st.integers(1, 3))
        lines[i] = lines[i][:keep]
        return Broken(kind, encode(render(header, lines, d), d), row_no, None, f"Rij heeft {keep} waarden, verwacht 4",
                      others)
    if kind == "cut_file":
        text = render(header, lines, d).rstrip("\r\n")
        last = line_text(lines[-1], d).rstrip("\r\n")
        cut = text[: len(text) - len(last) + draw(st.integers(1, len(last.split(d.delimiter)[0]) + 1))]
        fields = cut[len(text) - len(last):].count(d.delimiter) + 1
        return Broken(kind, encode(cut, d), len(lines) + 1, None, f"Rij heeft {fields} waarden, verwacht 4")
    col = draw(st.sampled_from([1, 3]))
    lines[i][col] = draw(st.sampled_from(FORMULAS))
    return Broken(kind, encode(render(header, lines, d), d), row_no, header[col].strip(), "formule", others)


PER_MUTATION = settings(SETTINGS, max_examples=8)


@pytest.mark.parametrize("kind", MUTATIONS)
@PER_MUTATION
@given(data=st.data())
def test_a_malformed_file_is_rejected_clearly_and_the_database_stays_exactly_as_it_was(base_file, tmp_path, kind,
                                                                                        data):
    broken = data.draw(broken_files(kind))
    engine = fresh_engine(base_file, tmp_path)
    before = dump(engine)
    audits = len(audit_rows(engine))
    result = run(engine, broken.data)
    assert result.status == "afgewezen" and not result.written
    matching = [p for p in result.problems if broken.says in p.message
                and (broken.row is None or p.row == broken.row)
                and (broken.column is None or p.column == broken.column)]
    assert matching, (broken, result.problems)
    assert dump(engine) == before
    log = audit_rows(engine)
    assert len(log) == audits + 1 and log[-1].result == "afgewezen"
    engine.dispose()


@pytest.mark.parametrize("kind", ["type", "range", "future", "duplicate", "truncated", "formula"])
@PER_MUTATION
@given(data=st.data())
def test_only_valid_rows_writes_exactly_the_rows_without_problems(base_file, tmp_path, kind, data):
    broken = data.draw(broken_files(kind))
    engine = fresh_engine(base_file, tmp_path)
    result = run(engine, broken.data, only_valid=True)
    assert result.written and result.status == "geslaagd"
    assert [p.row for p in result.problems] == [broken.row]
    assert (result.invalid_rows, result.counts.inserted) == (1, len(broken.keeps))
    assert absence(engine) == sorted((r.pupil, PUPILS[r.pupil], r.day, r.hours, r.code, CATEGORY[r.code])
                                     for r in broken.keeps)
    engine.dispose()
