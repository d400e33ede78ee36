"""The one writer of every table the product exports as CSV or Excel (.xlsx).

Spreadsheet programs execute a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some,
one that starts with a tab or carriage return) as a formula: ``=HYPERLINK(…)`` leaks data to an
outside server, ``=cmd|' /C calc'!A0`` runs a program. Exported tables hold text that came from
people and import files (names, school names, rejected import values), so every export goes
through here:

- CSV: a *text* cell that starts with one of those characters gets a leading ``'``, the
  convention spreadsheet programs show as "this is text" (OWASP, "CSV injection"). Column
  names are treated the same way. Numbers stay numbers (``-3`` in a numeric column is written
  as is).
- XLSX: every text cell is written as a typed string cell (``t="inlineStr"``), never as a
  formula, whatever it starts with; numbers, booleans and dates keep their types. Characters
  XML cannot hold are dropped.

Streamlit-free, so the pages (ui/downloads.py), the audit log, and the importer's CLI report
all use it.
"""
from __future__ import annotations

import datetime as dt
import decimal as decimal_numbers
import io
import math
import numbers
import re

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD-MM-YYYY"
DATETIME_FORMAT = "DD-MM-YYYY HH:MM:SS"
# as openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE: control characters XML 1.0 cannot hold
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")


def neutralise(value: object) -> object:
    """A text that a spreadsheet would read as a formula, prefixed with ``'``; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _is_text_column(series: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series)
                or pd.api.types.is_bool_dtype(series) or isinstance(series.dtype, pd.PeriodDtype))


def safe_frame(frame: pd.DataFrame, decimal: str = ".") -> pd.DataFrame:
    """A copy in which every text cell and column name that could start a formula is neutralised.

    Only ``str`` values change, plus floats and Decimals (PostgreSQL numeric) in an object column, which pandas would write
    with a decimal point whatever ``decimal`` says; numeric columns are left to pandas."""
    def cell(value: object) -> object:
        if decimal != "." and isinstance(value, (float, decimal_numbers.Decimal)):
            return str(value).replace(".", decimal)
        return neutralise(value)

    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if _is_text_column(column):
            out.isetitem(position, column.astype(object).map(cell, na_action="ignore"))
    out.columns = [neutralise(c) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame, *, sep: str = ";", decimal: str = ",", date_format: str | None = None,
              encoding: str = "utf-8-sig") -> bytes:
    """CSV for Dutch Excel (semicolon, decimal comma, BOM) with formula starts neutralised.

    Rows end in CRLF (RFC 4180): Python's csv module quotes a field holding a character of the
    line terminator, so a carriage return inside a value is quoted instead of breaking the row."""
    return safe_frame(frame, decimal).to_csv(index=False, sep=sep, decimal=decimal, date_format=date_format,
                                             lineterminator="\r\n").encode(encoding)


def write_csv(frame: pd.DataFrame, path, **options) -> None:
    """:func:`csv_bytes` to a file (the CLI's reports)."""
    with open(path, "wb") as handle:
        handle.write(csv_bytes(frame, **options))


def _cell_value(value: object) -> object:
    """A value openpyxl writes with the right type: Python numbers, dates, booleans or text."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, (numbers.Real, decimal_numbers.Decimal)):  # PostgreSQL numeric → Decimal
        number = float(value)
        return None if math.isnan(number) else (number if math.isfinite(number) else str(number))
    if isinstance(value, pd.Timestamp):
        return value.tz_convert(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _cell(sheet, value: object, header: bool = False):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    value = _cell_value(value)
    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # a typed string, also when it starts with "=": never a formula
    elif isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    if header:
        cell.font = Font(bold=True)
    return cell


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Gegevens") -> bytes:
    """An .xlsx with one sheet: a bold header row, then the rows; text typed as text."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=_sheet_title(sheet))
    ws.append([_cell(ws, str(c), header=True) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        ws.append([_cell(ws, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str) -> str:
    """Excel refuses sheet names with []:*?/\\ and longer than 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "Gegevens"
