"""The one writer of every table the product exports as CSV or Excel (.xlsx).

**Safe.** Spreadsheet programs execute a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some, one that starts with a tab or carriage return) as a formula: ``=HYPERLINK(…)`` leaks
data to an outside server, ``=cmd|' /C calc'!A0`` runs a program. Exported tables hold text that
came from people and import files (names, school names, rejected import values), so every export
goes through here:

- CSV: a *text* cell that starts with one of those characters gets a leading ``'``, the
  convention spreadsheet programs show as "this is text" (OWASP, "CSV injection"). Column
  names are treated the same way. Numbers stay numbers (``-3`` in a numeric column is written
  as is).
- XLSX: every text cell is written as a typed string cell (``t="inlineStr"``), never as a
  formula, whatever it starts with; numbers, booleans and dates keep their types. Characters
  XML cannot hold are dropped.

**Usable as numbers** (issue 15, "exports as people use them"). The pages hand over the tables
as the user reads them, so a figure may be a number or the Dutch text the screen shows
(``2.709``, ``4,6%``, ``12,5 dagen``, ``07-11-2024``):

- XLSX: a number is a number cell with a Dutch-looking number format (``#,##0``, ``#,##0.0``;
  Excel draws its own locale's separators), a column whose header ends in ``(%)`` holds
  percentages ×100 and is written as fractions with ``0.0%``, a date is a date cell
  ``dd-mm-yyyy``. A text cell that is *exactly* such a Dutch number, percentage, number with a
  unit (``dagen``, ``%-punt``) or date — as ``ui.format`` writes them — is written as that
  number or date with the matching format (a sign it showed stays visible through the format).
  Everything else stays text: the hidden markers (``<5``, ``•``, ``verborgen``), "–" for no
  value, names. Only the columns a caller names in ``text_columns`` (identifiers such as a
  pseudonym) are never read as numbers.
- CSV: ``;``-separated, decimal comma, dates ``dd-mm-jjjj`` (with the time where a column holds
  one), UTF-8 with a BOM so Excel opens it as UTF-8.

File names say what, for whom and when: :func:`file_name`.

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
from collections.abc import Iterable

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm:ss"
CSV_DATE = "%d-%m-%Y"
CSV_DATETIME = "%d-%m-%Y %H:%M:%S"
PERCENT_HEADER = "(%)"  # a numeric column with this header holds percentages ×100 (the pages' convention)
MAX_DECIMALS = 3
# as openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE: control characters XML 1.0 cannot hold
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")

# Dutch text as ui.format writes it: a point between thousands (always, from 1.000 on), a
# decimal comma, no leading zeros. "1234", "0012" or "12.5" do not match and stay text.
_NUMBER = r"(?P<sign>[+\-±]?)(?P<whole>0|[1-9]\d{0,2}(?:\.\d{3})*)(?:,(?P<fraction>\d+))?"
_DUTCH_NUMBER = re.compile(rf"{_NUMBER}(?P<unit>%| dagen| %-punt)?")
_SIGNED_NUMBER = re.compile(rf"{_NUMBER}%?")  # "-3", "+1,5", "-4,6%": a spreadsheet reads a number, no formula
_DUTCH_DATE = re.compile(r"(?P<d>\d{2})-(?P<m>\d{2})-(?P<y>\d{4})(?: (?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?")


def neutralise(value: object) -> object:
    """A text that a spreadsheet would read as a formula, prefixed with ``'``; anything else as is
    (a signed number such as "-3" or "+1,5" is read as that number, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _SIGNED_NUMBER.fullmatch(value):
        return "'" + value
    return value


# --- file names -----------------------------------------------------------------------------


def audience(roles: Iterable[str]) -> str:
    """For whom a file was made: "leerplicht" when it may hold personal data and unsuppressed
    counts, else the user's roles (their files have small counts hidden)."""
    roles = set(roles)
    if "leerplicht" in roles:
        return "leerplicht"
    return "-".join(sorted(roles)) or "onbekend"


def file_name(what: str, roles: Iterable[str], day: dt.date) -> str:
    """``verzuim-trend-maand_lea_2026-12-04``: what, for whom, when (year first, so a folder
    sorts the files by date). Without an extension; characters a file system refuses become "-"."""
    stem = re.sub(r"[\\/:*?\"<>|\s]+", "-", what).strip("-")
    return f"{stem}_{audience(roles)}_{day:%Y-%m-%d}"


# --- CSV ------------------------------------------------------------------------------------


def _is_text_column(series: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series)
                or pd.api.types.is_bool_dtype(series) or isinstance(series.dtype, pd.PeriodDtype))


def _has_time(values: Iterable) -> bool:
    """Some value of a column of dates/datetimes has a time of day (then all show the time)."""
    return any(isinstance(v, dt.datetime) and v.time() != dt.time() for v in values if v is not None and v is not pd.NaT)


def _date_texts(series: pd.Series) -> pd.Series:
    """A datetime column as dd-mm-jjjj, or dd-mm-jjjj hh:mm:ss when it holds times."""
    stamps = series.dt.tz_convert(None) if getattr(series.dt, "tz", None) is not None else series
    with_time = bool((stamps.dropna() != stamps.dropna().dt.normalize()).any())
    return stamps.dt.strftime(CSV_DATETIME if with_time else CSV_DATE).astype(object).where(stamps.notna(), None)


def safe_frame(frame: pd.DataFrame, decimal: str = ",") -> pd.DataFrame:
    """A copy ready for CSV: every text cell and column name that could start a formula is
    neutralised; dates (in date columns and in mixed columns) written dd-mm-jjjj; floats and
    Decimals (PostgreSQL numeric) in an object column written with ``decimal`` (pandas would
    write them with a point whatever ``decimal`` says). Numeric columns are left to pandas."""
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if pd.api.types.is_datetime64_any_dtype(column):
            out.isetitem(position, _date_texts(column))
        elif _is_text_column(column):
            with_time = _has_time(v for v in column if isinstance(v, dt.date))

            def cell(value: object, with_time: bool = with_time) -> object:
                if isinstance(value, (dt.date, pd.Timestamp)):
                    return value.strftime(CSV_DATETIME if with_time and isinstance(value, dt.datetime) else CSV_DATE)
                if isinstance(value, (float, decimal_numbers.Decimal)) and not isinstance(value, bool):
                    return str(value).replace(".", decimal)
                return neutralise(value)

            out.isetitem(position, column.astype(object).map(cell, na_action="ignore"))
    out.columns = [neutralise(c) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame, *, sep: str = ";", decimal: str = ",", encoding: str = "utf-8-sig") -> bytes:
    """CSV for Dutch Excel (semicolon, decimal comma, dates dd-mm-jjjj, BOM) with formula starts
    neutralised.

    Rows end in CRLF (RFC 4180): Python's csv module quotes a field holding a character of the
    line terminator, so a carriage return inside a value is quoted instead of breaking the row."""
    return safe_frame(frame, decimal).to_csv(index=False, sep=sep, decimal=decimal,
                                             lineterminator="\r\n").encode(encoding)


def write_csv(frame: pd.DataFrame, path, **options) -> None:
    """:func:`csv_bytes` to a file (the CLI's reports)."""
    with open(path, "wb") as handle:
        handle.write(csv_bytes(frame, **options))


# --- XLSX -----------------------------------------------------------------------------------


def number_format(decimals: int, *, percent: bool = False, signed: bool = False, unit: str = "") -> str:
    """The Excel format of a number: ``#,##0.0`` (Excel shows its locale's separators, in Dutch
    1.234,5), ``0.0%`` for a fraction shown as a percentage; ``signed``: "+" before a positive
    and "±" before zero, as a difference reads; ``unit``: a word after the number (" dagen")."""
    digits = "0" + ("." + "0" * decimals if decimals else "")
    body = (digits + "%") if percent else ("#,##" + digits)
    tail = f'"{unit}"' if unit else ""
    if not signed:
        return body + tail
    return f'+{body}{tail};-{body}{tail};"±"{digits}{"%" if percent else ""}{tail}'


def dutch_value(text: str) -> tuple[object, str] | None:
    """A text as ui.format writes a number, percentage, number with unit or date → (value,
    Excel number format); None for any other text (it stays text)."""
    if not text or not (text[0].isdigit() or text[0] in "+-±"):
        return None
    match = _DUTCH_NUMBER.fullmatch(text)
    if match:
        fraction = match["fraction"] or ""
        value = float(f"{match['whole'].replace('.', '')}.{fraction or '0'}")
        if match["sign"] == "-":
            value = -value
        unit = match["unit"] or ""
        if match["sign"] == "±" and value != 0:
            return None
        signed = match["sign"] in ("+", "±")  # a difference: keep showing its sign
        if unit == "%":
            return round(value / 100, len(fraction) + 2), number_format(len(fraction), percent=True, signed=signed)
        number = int(value) if not fraction else value
        return number, number_format(len(fraction), signed=signed, unit=unit)
    match = _DUTCH_DATE.fullmatch(text)
    if match:
        try:
            if match["H"] is None:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"])), DATE_FORMAT
            return (dt.datetime(int(match["y"]), int(match["m"]), int(match["d"]), int(match["H"]),
                                int(match["M"]), int(match["S"] or 0)), DATETIME_FORMAT)
        except ValueError:  # 31-02-2024: not a date, keep the text
            return None
    return None


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


def _decimals(values: Iterable[float]) -> int:
    """The fewest decimals (up to MAX_DECIMALS) that show every value of a column as it is."""
    needed = 0
    for value in values:
        while needed < MAX_DECIMALS and abs(round(value, needed) - value) > 1e-9 * max(1.0, abs(value)):
            needed += 1
    return needed


class _Column:
    """How one column's cells are written: formats decided once from all its values."""

    def __init__(self, header: str, values: list, keep_text: bool):
        self.keep_text = keep_text
        self.percent = str(header).rstrip().endswith(PERCENT_HEADER)
        floats = [v for v in values if isinstance(v, float) and math.isfinite(v)]
        self.float_decimals = _decimals(floats)
        self.with_time = _has_time(values)
        self._parsed: dict[str, tuple[object, str] | None] = {}

    def cell(self, sheet, value: object):
        from openpyxl.cell import WriteOnlyCell

        value = _cell_value(value)
        shown_as = None
        if isinstance(value, str) and not self.keep_text:
            parsed = self._parsed.get(value, False)
            if parsed is False:
                parsed = self._parsed[value] = dutch_value(value)
            if parsed is not None:
                value, shown_as = parsed
        if isinstance(value, str):
            value = _ILLEGAL_XML.sub("", value)
        elif isinstance(value, float) and shown_as is None:
            if self.percent:
                value = round(value / 100, self.float_decimals + 2)
            shown_as = number_format(self.float_decimals, percent=self.percent)
        elif isinstance(value, int) and not isinstance(value, bool) and shown_as is None:
            shown_as = number_format(0, percent=self.percent)
            if self.percent:
                value = value / 100
        elif isinstance(value, dt.datetime) and shown_as is None:
            shown_as = DATETIME_FORMAT if self.with_time else DATE_FORMAT
        elif isinstance(value, dt.date) and shown_as is None:
            shown_as = DATE_FORMAT
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # a typed string, also when it starts with "=": never a formula
        if shown_as:
            cell.number_format = shown_as
        return cell


def _header(sheet, value: object):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(sheet, value=_ILLEGAL_XML.sub("", str(value)))
    cell.data_type = "s"
    cell.font = Font(bold=True)
    return cell


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Gegevens", text_columns: Iterable[str] = ()) -> bytes:
    """An .xlsx with one sheet: a bold header row (frozen), then the rows; text typed as text,
    numbers and dates typed with Dutch-looking formats (see the module docstring).
    ``text_columns``: identifiers that stay text even when they look like a number."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    keep = set(text_columns)
    columns = [_Column(header, frame.iloc[:, i].tolist(), header in keep) for i, header in enumerate(frame.columns)]
    book = Workbook(write_only=True)
    ws = book.create_sheet(title=_sheet_title(sheet))
    ws.freeze_panes = "A2"
    for index, header in enumerate(frame.columns, 1):  # wide enough for the header, within bounds
        ws.column_dimensions[get_column_letter(index)].width = min(max(len(str(header)) + 2, 10), 50)
    ws.append([_header(ws, c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        ws.append([column.cell(ws, v) for column, v in zip(columns, row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(name: str) -> str:
    """Excel refuses sheet names with []:*?/\\ and longer than 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "Gegevens"
