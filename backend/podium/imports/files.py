"""Reading an uploaded file: CSV (UTF-8 with or without BOM, else GB18030/GBK) or XLSX (python-calamine), as rows
of typed cells, streamed. Anything else, an empty file or headers alone is refused with a clear error."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import iterparse

import python_calamine

from podium.core.errors import DomainError, ErrorCode
from podium.imports.values import Cell, Formula

MAX_ROWS = 1_048_576  # Excel's own limit, the header included
_XLSX_MAGIC = b"PK\x03\x04"
_SAMPLE = 64 * 1024


@dataclass(frozen=True)
class Table:
    """A readable file: its format, headers, and a way to iterate its data rows (line number, cells)."""

    format: str  # "csv" or "xlsx"
    path: Path
    headers: list[str]
    encoding: str = ""  # CSV only
    # The XLSX sheet as open_table loaded it (calamine reads a sheet whole), handed to the first rows() not to load it twice.
    loaded: list[Any] = field(default_factory=list, compare=False, repr=False)

    def rows(self, *, formulas: bool = True) -> Iterator[tuple[int, list[Cell]]]:
        """`formulas=False`: cells as cached values, without the scan of the sheet's XML that finds formulas."""
        if self.format == "csv":
            source = _csv_rows(self.path, self.encoding)
        else:
            source = _xlsx_rows(self.path, formulas=formulas, sheet=self.loaded.pop() if self.loaded else None)
        seen_header = False
        for line, cells in source:
            if all(_blank(c) for c in cells):
                continue
            if not seen_header:
                seen_header = True
                continue
            if line > MAX_ROWS:
                raise DomainError.one(ErrorCode.FILE_TOO_MANY_ROWS, "file", max=MAX_ROWS)
            yield line, cells


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def open_table(path: Path) -> Table:
    """The file's format and headers, or FILE_EMPTY / FILE_TYPE / FILE_NO_ROWS."""
    with path.open("rb") as f:
        head = f.read(_SAMPLE)
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise DomainError.one(ErrorCode.FILE_EMPTY, "file")
    table, data = _open_xlsx(path) if head.startswith(_XLSX_MAGIC) else _open_csv(path, head)
    if not data:
        raise DomainError.one(ErrorCode.FILE_NO_ROWS, "file")
    return table


def _headers(rows: Iterator[tuple[int, list[Cell]]]) -> tuple[list[str], bool]:
    """The first non-blank row as headers, and whether a data row follows (one pass: an XLSX is loaded once here)."""
    for _line, cells in rows:
        if not all(_blank(c) for c in cells):
            headers = [str(c).strip() if c is not None and not isinstance(c, Formula) else "" for c in cells]
            for line, more in rows:
                if not all(_blank(c) for c in more):
                    if line > MAX_ROWS:
                        raise DomainError.one(ErrorCode.FILE_TOO_MANY_ROWS, "file", max=MAX_ROWS)
                    return headers, True
            return headers, False
    raise DomainError.one(ErrorCode.FILE_EMPTY, "file")


# ---------------------------------------------------------------- CSV


def _encoding(path: Path) -> str:
    """UTF-8 when the whole file decodes strictly as UTF-8 (Excel's "CSV UTF-8"), else GB18030 (a superset of GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    if b"\x00" in chunk:
                        raise DomainError.one(ErrorCode.FILE_TYPE, "file")
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise DomainError.one(ErrorCode.FILE_TYPE, "file")


def _open_csv(path: Path, head: bytes) -> tuple[Table, bool]:
    if head.startswith(b"\xd0\xcf\x11\xe0") or head.startswith(b"%PDF") or b"\x00" in head:
        raise DomainError.one(ErrorCode.FILE_TYPE, "file")  # an old .xls, a PDF, some other binary
    encoding = _encoding(path)
    rows = _csv_rows(path, encoding)
    try:
        headers, data = _headers(rows)
    finally:
        rows.close()
    return Table("csv", path, headers, encoding), data


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        return csv.excel


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[Cell]]]:
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        sample = text.read(_SAMPLE)
        text.seek(0)
        reader = csv.reader(text, _dialect(sample))
        try:
            for number, row in enumerate(reader, start=1):
                yield number, list(row)
        except csv.Error:
            raise DomainError.one(ErrorCode.FILE_TYPE, "file") from None


# ---------------------------------------------------------------- XLSX


def _open_xlsx(path: Path) -> tuple[Table, bool]:
    try:
        with zipfile.ZipFile(path) as z:
            if "xl/workbook.xml" not in z.namelist():
                raise DomainError.one(ErrorCode.FILE_TYPE, "file")  # a .docx, a .zip
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        try:
            sheet = workbook.get_sheet_by_index(0)
        finally:
            workbook.close()  # the sheet's cells stay with the sheet
        rows = _xlsx_rows(path, formulas=False, sheet=sheet)
        try:
            headers, data = _headers(rows)
        finally:
            rows.close()
        return Table("xlsx", path, headers, loaded=[sheet]), data
    except (zipfile.BadZipFile, python_calamine.CalamineError, python_calamine.ZipError, python_calamine.XmlError):
        raise DomainError.one(ErrorCode.FILE_TYPE, "file") from None


def _xlsx_rows(path: Path, *, formulas: bool = True, sheet: Any = None) -> Iterator[tuple[int, list[Cell]]]:
    """The first sheet's rows: `sheet` as loaded already, else loaded from the file."""
    formula_at = _formula_cells(path) if formulas else {}
    if sheet is None:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        try:
            sheet = workbook.get_sheet_by_index(0)
        finally:
            workbook.close()
    top, left = sheet.start or (0, 0)
    for offset, row in enumerate(sheet.iter_rows()):
        line = top + offset + 1
        cells: list[Cell] = [v if type(v) in _PLAIN else _cell(v) for v in row]
        if formula_at:
            for column in formula_at.get(line, ()):
                index = column - left
                if 0 <= index < len(cells):
                    cells[index] = Formula(str(row[index]))
        yield line, cells


_PLAIN = frozenset((str, bool, float, int, datetime, date, time, timedelta))


def _cell(value: Any) -> Cell:
    if isinstance(value, (str, bool, float, int, datetime, date, time, timedelta)):
        return value
    return None if value is None else str(value)


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _first_sheet_part(z: zipfile.ZipFile) -> str | None:
    """The part of the workbook's first sheet (the one calamine reads as index 0)."""
    with z.open("xl/workbook.xml") as f:
        first = next((el.get(f"{_REL_NS}id") for _ev, el in iterparse(f) if el.tag == f"{_NS}sheet"), None)
    if first is None or "xl/_rels/workbook.xml.rels" not in z.namelist():
        return None
    with z.open("xl/_rels/workbook.xml.rels") as f:
        for _ev, el in iterparse(f):
            if el.tag.endswith("Relationship") and el.get("Id") == first:
                target = el.get("Target", "")
                return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _column_index(ref: str) -> int:
    index = 0
    for ch in ref:
        if not ch.isalpha():
            break
        index = index * 26 + (ord(ch.upper()) - 64)
    return index - 1


# The start of an <f> element, with or without a namespace prefix: in XML text a "<" is always markup.
_F_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def _has_formula_tag(z: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet's XML has any <f> element: a byte scan, 50× faster than parsing when there is none (most files)."""
    tail = b""
    with z.open(part) as f:
        while chunk := f.read(1 << 20):
            if _F_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _formula_cells(path: Path) -> dict[int, list[int]]:
    """{line: [column index]} of the first sheet's cells that hold a formula (calamine gives only their cached values).

    The sheet's XML is streamed and each element dropped once read, so a million-row sheet costs no memory here."""
    found: dict[int, list[int]] = {}
    with zipfile.ZipFile(path) as z:
        part = _first_sheet_part(z)
        if part is None or part not in z.namelist() or not _has_formula_tag(z, part):
            return found
        with z.open(part) as f:
            ref, has_formula, rows_parent = "", False, None
            for event, el in iterparse(f, events=("start", "end")):
                if event == "start":
                    if el.tag == f"{_NS}c":
                        ref, has_formula = el.get("r", ""), False
                    elif el.tag == f"{_NS}sheetData":
                        rows_parent = el
                    continue
                if el.tag == f"{_NS}f":
                    has_formula = True
                elif el.tag == f"{_NS}c":
                    if has_formula and ref:
                        digits = "".join(ch for ch in ref if ch.isdigit())
                        found.setdefault(int(digits), []).append(_column_index(ref))
                    el.clear()
                elif el.tag == f"{_NS}row" and rows_parent is not None:
                    rows_parent.clear()  # the rows read so far, not only their cells
    return found
