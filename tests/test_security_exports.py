"""Issue 17, finding 3: one safe export writer, and an importer that refuses every formula start.

Planted values a spreadsheet would run: in CSV they start with ``'``, in Excel they are typed
text cells (openpyxl data type ``s``), never formulas; numbers stay numbers. Every export route
is checked: the table downloads of /scholen, /covid and the import error report
(ui.downloads), the youth list export, the audit log CSV and the importer's CLI report.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from data_access import audit
from data_access.cli import main as lea
from data_access.exports import tables
from data_access.queries import youths
from ui import downloads
from ui.youths.export import export_file
from fixtures.imports import imp

ROOT = Path(__file__).resolve().parent.parent
PLANTED = ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", '-1+HYPERLINK("http://x","klik")', "@SUM(1)",
           "\t=1+1", "\r=1+1"]


def planted_frame() -> pd.DataFrame:
    """Text from people (names, rejected values) next to real numbers, a date and an empty cell."""
    return pd.DataFrame({
        "naam": PLANTED + ["Jan"],
        "aantal": [-3, 0, 2, 4, 5, 6, 7],
        "percentage": [-2.5, 0.5, None, 1.0, 2.0, 3.0, 4.0],
        "datum": [dt.date(2026, 3, 2)] * 7,
        "gemengd": [-3, "-3 dagen", "tekst", 1.5, None, "=1", "x"],
        "bedrag": [Decimal("-1.25"), Decimal("0"), Decimal("2.5"), None, Decimal("4"), Decimal("5"), Decimal("6")],
    })


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def formula_cells(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [f"{ws.title}!{cell.coordinate}" for ws in book.worksheets for row in ws.iter_rows() for cell in row
            if cell.data_type == "f"]


def sheet_values(data: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [[cell.value for cell in row] for row in book.worksheets[0].iter_rows()]


# --- the writer ----------------------------------------------------------------------------


def test_csv_prefixes_every_formula_start_and_keeps_numbers():
    header, *rows = csv_rows(tables.csv_bytes(planted_frame()))
    assert header == ["naam", "aantal", "percentage", "datum", "gemengd", "bedrag"]
    assert [r[0] for r in rows] == ["'" + v for v in PLANTED] + ["Jan"]
    # numbers (a negative one too) are written as numbers, with a decimal comma
    assert [r[1] for r in rows] == ["-3", "0", "2", "4", "5", "6", "7"]
    assert [r[2] for r in rows] == ["-2,5", "0,5", "", "1,0", "2,0", "3,0", "4,0"]
    assert rows[0][3] == "02-03-2026"  # dd-mm-jjjj (issue 15)
    # a mixed column: only its text is neutralised
    assert [r[4] for r in rows] == ["-3", "'-3 dagen", "tekst", "1,5", "", "'=1", "x"]
    # PostgreSQL numeric (Decimal): a number with a decimal comma, not text
    assert [r[5] for r in rows] == ["-1,25", "0", "2,5", "", "4", "5", "6"]


def test_csv_neutralises_column_names_too():
    frame = pd.DataFrame({"=HYPERLINK(\"http://x\")": ["a"], "school": ["b"]})
    assert csv_rows(tables.csv_bytes(frame))[0] == ["'=HYPERLINK(\"http://x\")", "school"]


def test_xlsx_writes_text_as_typed_strings_never_formulas_and_numbers_as_numbers():
    data = tables.xlsx_bytes(planted_frame(), sheet="Jongeren in beeld")
    assert formula_cells(data) == []
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["Jongeren in beeld"]
    names = [ws.cell(row=r, column=1) for r in range(2, 9)]
    assert [c.value for c in names[:4]] == PLANTED[:4] and all(c.data_type == "s" for c in names)
    # a tab or carriage return at the start is kept as text too (no formula, nothing lost)
    assert [c.value for c in names[4:6]] == ["\t=1+1", "\r=1+1"]
    numbers = [ws.cell(row=r, column=2) for r in range(2, 9)]
    assert [c.value for c in numbers] == [-3, 0, 2, 4, 5, 6, 7] and all(c.data_type == "n" for c in numbers)
    assert ws.cell(row=2, column=3).value == -2.5 and ws.cell(row=4, column=3).value is None
    assert ws.cell(row=2, column=4).value == dt.datetime(2026, 3, 2)  # a date cell, shown as 02-03-2026
    assert ws.cell(row=2, column=4).number_format == "dd-mm-yyyy" and ws.cell(row=2, column=4).is_date
    # "-3 dagen" is the Dutch text of a number with a unit: the number -3, the unit in its format (issue 15)
    assert [ws.cell(row=r, column=5).value for r in range(2, 9)] == [-3, -3, "tekst", 1.5, None, "=1", "x"]
    assert ws.cell(row=3, column=5).number_format == '#,##0" dagen"'
    assert ws.cell(row=7, column=5).data_type == "s"
    assert [ws.cell(row=r, column=6).value for r in range(2, 5)] == [-1.25, 0, 2.5]
    assert ws.cell(row=2, column=6).data_type == "n"


# --- every export route ----------------------------------------------------------------------


def test_the_table_downloads_of_scholen_covid_and_the_import_report_are_safe():
    """ui.downloads.table_bytes_* are what /scholen, /covid and the import page's error report send."""
    frame = planted_frame()
    assert [r[0] for r in csv_rows(downloads.table_bytes_csv(frame))[1:5]] == ["'" + v for v in PLANTED[:4]]
    assert formula_cells(downloads.table_bytes_xlsx(frame)) == []
    assert [row[0] for row in sheet_values(downloads.table_bytes_xlsx(frame))[1:5]] == PLANTED[:4]


def test_the_import_error_report_neutralises_the_rejected_values(base, sqlite_url, tmp_path):
    content = "pseudoniem;voornaam;achternaam;geboortedatum\n" + "".join(
        f"LL{20 + i};{value};Smit;01-01-2016\n" for i, value in enumerate(PLANTED[:4]))
    result = imp(base, "leerlingen", content)
    # the page's download (ui/admin/imports.py) …
    rows = csv_rows(downloads.table_bytes_csv(result.problems_frame()))
    assert [r[3] for r in rows[1:]] == ["'" + v for v in PLANTED[:4]]
    # … and the CLI's --report file
    source = tmp_path / "leerlingen.csv"
    source.write_text(content, encoding="utf-8")
    report = tmp_path / "rapport.csv"
    assert lea(["import", "leerlingen", str(source), "--database-url", sqlite_url, "--report", str(report)]) == 1
    rows = csv_rows(report.read_bytes())
    assert rows[0] == ["bestand", "rij", "kolom", "waarde", "probleem"]
    assert [(r[1], r[2], r[3]) for r in rows[1:]] == [(str(i + 2), "voornaam", "'" + v) for i, v in enumerate(PLANTED[:4])]


def test_the_youth_list_export_is_safe_in_csv_and_excel(engine):
    user = type("U", (), {"username": "leerplicht", "role_label": "leerplicht"})()
    table = pd.DataFrame({"pseudoniem": ["P-1", "P-2"], "naam": ['=HYPERLINK("http://x")', "@SUM(1)"],
                          "verzuim (uur)": [-1.5, 12.0]})
    make = lambda fmt: export_file(engine, user, youths.YouthFilters(), dt.date(2026, 3, 2),  # noqa: E731
                                   "Casusoverleg met school of zorgpartner", "", fmt, table, [1, 2])()
    rows = csv_rows(make("csv"))
    assert rows[1:] == [["P-1", "'=HYPERLINK(\"http://x\")", "-1,5"], ["P-2", "'@SUM(1)", "12,0"]]
    data = make("xlsx")
    assert formula_cells(data) == []
    assert sheet_values(data)[1:] == [["P-1", '=HYPERLINK("http://x")', -1.5], ["P-2", "@SUM(1)", 12]]


def test_the_audit_log_csv_is_safe(engine):
    with engine.begin() as conn:
        audit.record(conn, "export", username="=HYPERLINK(\"http://x\")", role="leerplicht", object_type="lijst",
                     object_id="-1+HYPERLINK(\"http://x\")", details={"doel": "@SUM(1)"})
        frame = audit.events(conn)
    rows = csv_rows(audit.to_csv(frame))
    cells = [c for r in rows[1:] for c in r]
    assert "'=HYPERLINK(\"http://x\")" in cells and "'-1+HYPERLINK(\"http://x\")" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_no_table_is_written_past_the_safe_writer():
    """Every CSV/Excel file the product makes comes from data_access/exports/tables.py
    (audit.to_csv is a thin call of it)."""
    writer = ROOT / "data_access" / "exports" / "tables.py"
    offenders = []
    for folder in ("ui", "pages", "data_access"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == writer or "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"(?<!audit)\.to_csv\(|\.to_excel\(|ExcelWriter|csv\.writer\(|openpyxl\.Workbook\(", line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


# --- the importer ----------------------------------------------------------------------------

FORMULA = ("Waarde begint als een formule (=, +, - of @ gevolgd door tekst): zo'n cel kan in Excel een "
           "opdracht uitvoeren en wordt niet geïmporteerd. Haal het teken weg.")


def test_the_importer_refuses_every_formula_start_naming_row_and_column(base):
    values = PLANTED[:4] + ["-Jan", "+31-6", "--1"]
    content = "pseudoniem;voornaam;achternaam;geboortedatum\n" + "".join(
        f"LL{30 + i};{value};Smit;01-01-2016\n" for i, value in enumerate(values))
    result = imp(base, "leerlingen", content)
    assert result.status == "afgewezen" and not result.written
    assert [(p.row, p.column, p.value, p.message) for p in result.problems] == [
        (i + 2, "voornaam", value, FORMULA) for i, value in enumerate(values)]


def test_plain_signed_numbers_are_not_formulas(base):
    """"-3", "-2,5" and a phone-like "+31 6 1234 5678" compute nothing: they are judged as values."""
    result = imp(base, "leerlingen", "pseudoniem;voornaam;achternaam;geboortedatum\n"
                                     "LL40;+31 6 1234 5678;- 5;01-01-2016\nLL41;Jan;-;01-01-2016\n")
    assert result.ok and result.problems == []
    head = "datum;pseudoniem;uren;code\n"
    result = imp(base, "verzuim", head + "02-10-2023;LL01;-3;A\n03-10-2023;LL01;-2,5;A\n04-10-2023;LL01;+2;A\n")
    assert [(p.row, p.column, p.value, p.message) for p in result.problems] == [
        (2, "uren", "-3", "Buiten het bereik: moet van 0 t/m 8 zijn."),
        (3, "uren", "-2,5", "Buiten het bereik: moet van 0 t/m 8 zijn.")]
