"""Tolerant reading of CSV and Excel files into chunks of text columns with canonical names.

CSV: separator `;`, `,`, tab or `|` (sniffed from the header row); UTF-8 with or without BOM,
UTF-16 with BOM, or Windows-1252 (chosen when the file is not valid UTF-8 — unless the file mixes
both, which is refused). Excel: .xlsx/.xlsm, first sheet, via openpyxl in read-only mode.
Headers are matched through the kind's alias table (see :mod:`kinds`).

Row numbers are the spreadsheet's: the header is row 1, the first data row is row 2, and an
empty line still counts (so "rij 17" is line 17 in Excel and in a text editor, unless a quoted
value spans several lines).

Memory stays bounded: the file is read in blocks of a few MB (about 200,000 absence rows).
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from data_access.importers.kinds import Kind, norm_key
from data_access.importers.validate import Problem

BLOCK_SIZE = 4 << 20          # bytes per CSV block (~150k absence rows)
EXCEL_CHUNK_ROWS = 50_000
HASH_BLOCK = 4 << 20
DELIMITERS = (";", ",", "\t", "|")
DELIMITER_NAMES = {";": "puntkomma", ",": "komma", "\t": "tab", "|": "verticale streep"}
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 met BOM", "utf-16": "UTF-16",
                  "cp1252": "Windows-1252"}
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
MIXED_UTF8 = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
IGNORED = "__genegeerd__"


class ReadError(Exception):
    """The file cannot be read at all (encoding, header, columns): nothing further to check."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class RawColumn:
    """One column of a chunk as distinct stripped values + a code per row (pd.factorize).

    Imports repeat values a lot (dates, codes, schools, pupils), so every check and parse runs
    once per distinct value and is spread to the rows with a numpy take.
    """

    __slots__ = ("codes", "uniques")

    def __init__(self, codes: np.ndarray, uniques: np.ndarray):
        self.codes, self.uniques = codes, uniques

    def __getitem__(self, pos) -> str:
        return self.uniques[self.codes[pos]]

    def __len__(self) -> int:
        return len(self.codes)

    def filled(self) -> np.ndarray:
        return (self.uniques != "")[self.codes]

    def values(self) -> np.ndarray:
        return self.uniques[self.codes]

    def take(self, keep: np.ndarray) -> RawColumn:
        return RawColumn(self.codes[keep], self.uniques)


@dataclass
class Chunk:
    columns: dict[str, RawColumn]   # canonical column name → stripped text values
    rows: np.ndarray                # spreadsheet row number per row

    @property
    def n(self) -> int:
        return len(self.rows)

    def frame(self, positions: np.ndarray) -> pd.DataFrame:
        """The text of some rows (for the preview)."""
        return pd.DataFrame({name: col.uniques[col.codes[positions]] for name, col in self.columns.items()})


@dataclass
class Source:
    """The uploaded or named file: bytes in memory or a path on disk."""

    name: str
    data: bytes | None = None
    path: Path | None = None

    @classmethod
    def of(cls, source: str | Path | bytes | BinaryIO, name: str | None = None) -> Source:
        if isinstance(source, (bytes, bytearray, memoryview)):
            return cls(name or "bestand", data=bytes(source))
        if isinstance(source, (str, Path)):
            path = Path(source)
            return cls(name or path.name, path=path)
        data = source.read()
        return cls(name or getattr(source, "name", "bestand"), data=data)

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data) if self.data is not None else open(self.path, "rb")  # noqa: SIM115

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else self.path.stat().st_size

    def head(self, n: int = 1 << 16) -> bytes:
        with self.open() as fh:
            return fh.read(n)


@dataclass
class FileInfo:
    name: str
    sha256: str
    size: int
    format: str                      # "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    headers: list[str] = field(default_factory=list)      # as in the file
    columns: list[str] = field(default_factory=list)      # canonical name per header (or IGNORED)

    def describe(self) -> str:
        if self.format == "xlsx":
            return "Excel (.xlsx), eerste werkblad"
        return (f"CSV, {ENCODING_NAMES.get(self.encoding, self.encoding)}, scheidingsteken "
                f"{DELIMITER_NAMES.get(self.delimiter, self.delimiter)}")

    def header_of(self, canonical: str) -> str:
        """The header as the file spells it (for the error report)."""
        for header, col in zip(self.headers, self.columns, strict=False):
            if col == canonical:
                return header
        return canonical


class _Counting(io.RawIOBase):
    """Counts the bytes pyarrow has read, for the progress bar."""

    def __init__(self, raw: BinaryIO):
        self.raw, self.count = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


# --- sniffing -------------------------------------------------------------------------------


def sniff_encoding(source: Source) -> tuple[str, str]:
    """(encoding, sha256); raises ReadError on a file that is no text or mixes encodings.

    One pass computes the checksum and checks UTF-8; only a file that is not valid UTF-8 gets a
    second pass for Windows-1252 and for UTF-8 sequences mixed into it.
    """
    sha = hashlib.sha256()
    head = b""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok, nul = True, False
    with source.open() as fh:
        while block := fh.read(HASH_BLOCK):
            sha.update(block)
            if not head:
                head = block[:4]
            if b"\x00" in block:
                nul = True
            if utf8_ok:
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    utf8_ok = False
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    digest = sha.hexdigest()
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16", digest
    if nul:
        raise ReadError([Problem(source.name, None, None, None,
                                 "Dit is geen tekstbestand (het bevat nul-bytes): misschien UTF-16 zonder "
                                 "BOM of een binair bestand. Sla het op als CSV (UTF-8) of als Excel (.xlsx).")])
    if utf8_ok:
        return ("utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"), digest
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    cp_ok, mixed = True, False
    with source.open() as fh:
        while block := fh.read(HASH_BLOCK):
            mixed = mixed or bool(MIXED_UTF8.search(block))
            if cp_ok:
                try:
                    cp1252.decode(block)
                except UnicodeDecodeError:
                    cp_ok = False
    if mixed:
        raise ReadError([Problem(source.name, None, None, None,
                                 "Het bestand mengt twee tekensets (deels UTF-8, deels Windows-1252): "
                                 "letters als é en ë zouden verminkt worden. Sla het opnieuw op als "
                                 "'CSV UTF-8'.")])
    if not cp_ok:
        raise ReadError([Problem(source.name, None, None, None,
                                 "Onbekende tekenset: het bestand is geen UTF-8 en geen Windows-1252. "
                                 "Sla het op als 'CSV UTF-8'.")])
    return "cp1252", digest


def sniff_delimiter(header_line: str) -> str:
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    return best if counts[best] else ","


def _first_line(text: str) -> str:
    for i, ch in enumerate(text):
        if ch in "\r\n":
            return text[:i]
    return text


# --- header → canonical columns -------------------------------------------------------------


def map_headers(kind: Kind, headers: list[str], file_name: str) -> list[str]:
    """Canonical name per header; raises ReadError listing every column problem at once."""
    mapping = kind.header_map()
    problems: list[Problem] = []
    columns: list[str] = []
    seen: dict[str, str] = {}
    allowed = ", ".join(c.name for c in kind.columns)
    for header in headers:
        key = norm_key(header)
        if not key:
            columns.append(IGNORED)
            continue
        canonical = mapping.get(key)
        if canonical is None:
            guess = difflib.get_close_matches(key, list(mapping), n=1, cutoff=0.75)
            hint = f" Bedoelt u '{mapping[guess[0]]}'?" if guess else ""
            problems.append(Problem(file_name, 1, header, header,
                                    f"Onbekende kolom '{header}' voor {kind.label.lower()}.{hint} "
                                    f"Toegestane kolommen: {allowed}."))
            columns.append(IGNORED)
            continue
        if canonical in seen:
            problems.append(Problem(file_name, 1, header, header,
                                    f"Kolom '{canonical}' komt twee keer voor ('{seen[canonical]}' en "
                                    f"'{header}')."))
        seen[canonical] = header
        columns.append(canonical)
    for col in kind.columns:
        if col.required and col.name not in seen:
            aliases = f" (of: {', '.join(col.aliases[:4])})" if col.aliases else ""
            problems.append(Problem(file_name, 1, col.name, None,
                                    f"Verplichte kolom '{col.name}'{aliases} ontbreekt in de kopregel."))
    for group in kind.one_of:
        if not any(name in seen for name in group):
            problems.append(Problem(file_name, 1, " / ".join(group), None,
                                    f"Kolom {' of '.join(repr(n) for n in group)} ontbreekt: één van beide "
                                    "is nodig."))
    if problems:
        raise ReadError(problems)
    return columns


# --- the reader -----------------------------------------------------------------------------


class TableReader:
    """Reads one file for one kind; ``chunks()`` streams it, structural row problems go to ``on_problem``."""

    def __init__(self, source: Source, kind: Kind):
        self.source, self.kind = source, kind
        self.bytes_read = 0
        head = source.head(8)
        lower = source.name.lower()
        if head.startswith(XLS_MAGIC) or lower.endswith(".xls"):
            raise ReadError([Problem(source.name, None, None, None,
                                     "Oud Excel-formaat (.xls) wordt niet gelezen. Sla het bestand op als "
                                     "Excel-werkmap (.xlsx) of als CSV.")])
        if head.startswith(XLSX_MAGIC) or lower.endswith((".xlsx", ".xlsm")):
            self._open_excel()
        else:
            self._open_csv()

    # CSV
    def _open_csv(self) -> None:
        encoding, digest = sniff_encoding(self.source)
        text = self.source.head(1 << 16).decode(encoding, errors="replace")
        if encoding == "utf-16":
            text = text.lstrip("\ufeff")
        line = _first_line(text.lstrip("\ufeff"))
        if not line.strip():
            raise ReadError([Problem(self.source.name, 1, None, None,
                                     "Het bestand is leeg of begint met een lege regel: de eerste regel moet "
                                     "de kolomnamen bevatten.")])
        delimiter = sniff_delimiter(line)
        headers = [h.strip().strip("\ufeff") for h in next(csv.reader([line], delimiter=delimiter))]
        self.info = FileInfo(self.source.name, digest, self.source.size, "csv", encoding, delimiter, headers)
        if len(headers) == 1 and len([c for c in self.kind.columns if c.required]) > 1:
            raise ReadError([Problem(self.source.name, 1, None, line[:80],
                                     "Geen scheidingsteken gevonden in de kopregel: gebruik ; of , tussen de "
                                     "kolommen.")])
        self.info.columns = map_headers(self.kind, headers, self.source.name)

    def _csv_chunks(self, on_problem: Callable[[Problem], None]) -> Iterator[Chunk]:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        names = [f"c{i}" for i in range(len(self.info.headers))]
        invalid: list[int] = []
        name = self.source.name
        expected = len(names)

        def handler(row) -> str:
            number = row.number if row.number is not None else -1
            invalid.append(number)
            snippet = (row.text or "")[:60]
            what = "te weinig" if row.actual_columns < expected else "te veel"
            on_problem(Problem(name, number if number > 0 else None, None, snippet,
                               f"Rij heeft {row.actual_columns} waarden, verwacht {expected} ({what}): "
                               "afgebroken of verschoven rij? Controleer scheidingstekens en "
                               "aanhalingstekens."))
            return "skip"

        encoding = {"utf-8-sig": "utf8", "utf-8": "utf8"}.get(self.info.encoding, self.info.encoding)
        counting = _Counting(self.source.open())
        try:
            reader = pacsv.open_csv(
                io.BufferedReader(counting, buffer_size=1 << 20),
                read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=False,
                                               block_size=BLOCK_SIZE, encoding=encoding),
                parse_options=pacsv.ParseOptions(delimiter=self.info.delimiter, quote_char='"',
                                                  double_quote=True, newlines_in_values=True,
                                                  ignore_empty_lines=False, invalid_row_handler=handler),
                convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                     strings_can_be_null=False, quoted_strings_can_be_null=False),
            )
            next_row, consumed = 2, 0
            for batch in reader:
                self.bytes_read = counting.count
                n = batch.num_rows
                if n == 0:
                    continue
                rows, next_row, consumed = _row_numbers(next_row, n, sorted(invalid), consumed)
                frame = batch.to_pandas()
                frame.columns = self.info.columns
                yield from self._finish(frame, rows, on_problem)
        except pa.ArrowInvalid as exc:
            raise ReadError([Problem(name, None, None, None,
                                     "Het bestand is niet te lezen als CSV (misschien een aanhalingsteken dat "
                                     f"niet wordt gesloten): {exc}")]) from exc
        finally:
            counting.close()
        self.bytes_read = self.info.size

    # Excel
    def _open_excel(self) -> None:
        import openpyxl

        sha = hashlib.sha256()
        with self.source.open() as fh:
            while block := fh.read(HASH_BLOCK):
                sha.update(block)
        try:
            self._wb = openpyxl.load_workbook(self.source.open(), read_only=True, data_only=False)
        except Exception as exc:  # noqa: BLE001 - any zip/xml error means: not a readable workbook
            raise ReadError([Problem(self.source.name, None, None, None,
                                     "Het Excel-bestand is niet te openen: het is geen geldige Excel-werkmap. "
                                     "Is het beschadigd, beveiligd met een wachtwoord of eigenlijk een ander "
                                     "soort bestand? Sla het opnieuw op als Excel-werkmap (.xlsx) of als CSV.")]) from exc
        ws = self._wb.worksheets[0]
        self._ws = ws
        self._rows = ws.iter_rows(min_row=1, values_only=True)
        self._header_row = 0
        headers: list[str] | None = None
        for number, values in enumerate(self._rows, start=1):
            if values and any(v not in (None, "") for v in values):
                headers = [_cell_text(v).strip() for v in values]
                self._header_row = number
                break
        if headers is None:
            raise ReadError([Problem(self.source.name, 1, None, None, "Het werkblad is leeg.")])
        while headers and not headers[-1]:
            headers.pop()
        self.info = FileInfo(self.source.name, sha.hexdigest(), self.source.size, "xlsx", headers=headers)
        self.info.columns = map_headers(self.kind, headers, self.source.name)

    def _excel_chunks(self, on_problem: Callable[[Problem], None]) -> Iterator[Chunk]:
        width = len(self.info.headers)
        total = max(self._ws.max_row or 1, 1)
        buffer: list[list[str]] = []
        numbers: list[int] = []
        number = self._header_row
        for values in self._rows:
            number += 1
            cells = [_cell_text(v) for v in values[:width]]
            extra = [v for v in values[width:] if v not in (None, "")]
            if extra:
                on_problem(Problem(self.source.name, number, None, _cell_text(extra[0])[:60],
                                   f"Rij heeft waarden rechts van de laatste kolom ({width} kolommen in de "
                                   "kopregel)."))
                continue
            cells += [""] * (width - len(cells))
            buffer.append(cells)
            numbers.append(number)
            if len(buffer) >= EXCEL_CHUNK_ROWS:
                self.bytes_read = int(self.info.size * min(number / total, 1))
                yield from self._excel_frame(buffer, numbers, on_problem)
                buffer, numbers = [], []
        if buffer:
            yield from self._excel_frame(buffer, numbers, on_problem)
        self._wb.close()
        self.bytes_read = self.info.size

    def _excel_frame(self, buffer, numbers, on_problem) -> Iterator[Chunk]:
        frame = pd.DataFrame(buffer, columns=[f"c{i}" for i in range(len(self.info.headers))], dtype="str")
        frame.columns = self.info.columns
        yield from self._finish(frame, np.asarray(numbers, dtype=np.int64), on_problem)

    # shared
    def _finish(self, frame: pd.DataFrame, rows: np.ndarray, on_problem) -> Iterator[Chunk]:
        """Factorize and strip every column, drop blank rows, refuse values in unnamed columns."""
        columns: dict[str, RawColumn] = {}
        blank = np.ones(len(frame), dtype=bool)
        stray = np.zeros(len(frame), dtype=bool)
        stray_value: dict[int, tuple[int, str]] = {}
        for i, col in enumerate(frame.columns):
            codes, uniques = pd.factorize(frame.iloc[:, i], use_na_sentinel=False)
            uniques = _stripped(uniques)
            raw = RawColumn(np.asarray(codes, dtype=np.intp), uniques)
            filled = raw.filled()
            blank &= ~filled
            if col == IGNORED:
                for pos in np.flatnonzero(filled & ~stray):
                    stray_value[int(pos)] = (i + 1, raw[pos][:60])
                stray |= filled
            else:
                columns[col] = raw
        for pos, (number, value) in stray_value.items():
            on_problem(Problem(self.source.name, int(rows[pos]), f"kolom {number}", value,
                               "Waarde in een kolom zonder kolomnaam."))
        keep = ~blank & ~stray
        if not keep.all():
            columns = {name: col.take(keep) for name, col in columns.items()}
            rows = rows[keep]
        if len(rows):
            yield Chunk(columns, rows)

    def chunks(self, on_problem: Callable[[Problem], None]) -> Iterator[Chunk]:
        if self.info.format == "xlsx":
            return self._excel_chunks(on_problem)
        return self._csv_chunks(on_problem)

    @property
    def fraction(self) -> float:
        return min(self.bytes_read / self.info.size, 1.0) if self.info.size else 1.0


def _stripped(uniques) -> np.ndarray:
    """Distinct values without surrounding white space, as a numpy array of str (pyarrow, one C loop)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(uniques, type=pa.string(), from_pandas=True)
    return pc.utf8_trim_whitespace(arr.fill_null("")).to_numpy(zero_copy_only=False)


def _row_numbers(start: int, n: int, invalid: list[int], consumed: int) -> tuple[np.ndarray, int, int]:
    """Numbers of the next ``n`` valid records, skipping records pyarrow reported as invalid.

    ``invalid`` is sorted; ``consumed`` is how many of its entries lie before ``start``.
    """
    out = np.empty(n, dtype=np.int64)
    filled, current = 0, start
    while filled < n:
        nxt = invalid[consumed] if consumed < len(invalid) else None
        if nxt is not None and nxt < current:
            consumed += 1
            continue
        span = n - filled if nxt is None else min(n - filled, nxt - current)
        out[filled:filled + span] = np.arange(current, current + span)
        filled += span
        current += span
        if nxt is not None and current == nxt:
            current += 1
            consumed += 1
    return out, current, consumed


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def read_headers(source: Source) -> list[str]:
    """Only the header row (to suggest a kind on the upload page); empty list when unreadable."""
    head = source.head(8)
    try:
        if head.startswith(XLSX_MAGIC):
            import openpyxl

            wb = openpyxl.load_workbook(source.open(), read_only=True)
            for values in wb.worksheets[0].iter_rows(min_row=1, values_only=True):
                if values and any(v not in (None, "") for v in values):
                    wb.close()
                    return [_cell_text(v) for v in values]
            return []
        text = source.head(1 << 16)
        for enc in ("utf-8-sig", "cp1252"):
            try:
                line = _first_line(text.decode(enc))
                break
            except UnicodeDecodeError:
                continue
        else:
            return []
        return next(csv.reader([line], delimiter=sniff_delimiter(line)))
    except Exception:  # noqa: BLE001 - only a suggestion
        return []
