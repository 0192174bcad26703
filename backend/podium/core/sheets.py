"""The one spreadsheet writer of every export: typed columns and rows in, CSV or XLSX out, in bounded memory.

CSV is UTF-8 with a BOM (Excel opens Chinese right only with it) and neutralises formulas the way OWASP
advises: a text cell starting with = + - @ tab or CR gets a leading apostrophe. Numbers are never touched,
so -12.50 still sums. XLSX goes through xlsxwriter in constant-memory mode: each row is flushed to a temp
file as it is written and the workbook is zipped at the end, so 100,000 rows never sit in memory; text is
always `write_string` (never a formula), numbers and dates are typed cells with formats, the header row is
frozen and filtered. Rows may come from an async iterator (a database stream); they are taken in batches and
written in a worker thread so a large export does not stall the event loop.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import tempfile
import unicodedata
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter
from xlsxwriter.utility import _preserve_whitespace, xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import Worksheet

from podium.core.i18n import Locale
from podium.core.money import plain

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 1000
CHUNK = 64 * 1024
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_WIDTH = 60
SHEET_NAME_MAX = 31  # Excel's limit

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    MONEY = "money"  # two decimals, always
    DATE = "date"
    DATETIME = "datetime"  # shown in the export's time zone
    PERCENT = "percent"  # given in percent points (85.5), as the app shows them


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    zh: str
    kind: Kind = Kind.TEXT

    def header(self, locale: Locale) -> str:
        return self.zh if locale is Locale.ZH_CN else self.en


Row = Sequence[Any] | Mapping[str, Any]
Rows = Iterable[Row] | AsyncIterable[Row]


@dataclass(frozen=True)
class Sheet:
    en: str
    zh: str
    columns: Sequence[Column]
    rows: Rows

    def name(self, locale: Locale) -> str:
        return (self.zh if locale is Locale.ZH_CN else self.en)[:SHEET_NAME_MAX]


def neutralised(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _values(columns: Sequence[Column], row: Row) -> Sequence[Any]:
    if isinstance(row, Mapping):
        return [row.get(c.key) for c in columns]
    return row


async def _batches(rows: Rows) -> AsyncIterator[list[Row]]:
    batch: list[Row] = []
    if isinstance(rows, AsyncIterable):
        async for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                yield batch
                batch = []
    else:
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz) if moment.tzinfo is not None else moment


def _csv_value(kind: Kind, value: Any, tz: ZoneInfo) -> str:
    if value is None or value == "":
        return ""
    if kind is Kind.TEXT:
        return neutralised(str(value))
    if kind is Kind.MONEY:
        return str(Decimal(value).quantize(CENT))
    if kind in (Kind.DECIMAL, Kind.PERCENT):
        return str(plain(Decimal(value)))
    if kind is Kind.INT:
        return str(int(value))
    if kind is Kind.DATETIME and isinstance(value, datetime):
        return _local(value, tz).strftime("%Y-%m-%d %H:%M:%S")
    if kind is Kind.DATE and isinstance(value, datetime):
        return _local(value, tz).date().isoformat()
    return value.isoformat() if isinstance(value, date) else neutralised(str(value))


async def csv_chunks(sheets: Sequence[Sheet], locale: Locale, zone: str) -> AsyncIterator[bytes]:
    """The sheets one after another, a blank line between them, as UTF-8 bytes with a BOM."""
    tz = ZoneInfo(zone)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for index, sheet in enumerate(sheets):
        if index:
            writer.writerow([])
        writer.writerow([neutralised(c.header(locale)) for c in sheet.columns])
        kinds = [c.kind for c in sheet.columns]
        async for batch in _batches(sheet.rows):
            for row in batch:
                writer.writerow([_csv_value(k, v, tz) for k, v in zip(kinds, _values(sheet.columns, row), strict=False)])
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    if out.tell():
        yield out.getvalue().encode("utf-8")


def _text_width(text: str) -> int:
    # A Chinese character is about two Latin ones wide in Excel's default font.
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


_KIND_WIDTH = {Kind.INT: 8, Kind.DECIMAL: 12, Kind.MONEY: 14, Kind.PERCENT: 9, Kind.DATE: 11, Kind.DATETIME: 17}


class _RowSheet(Worksheet):
    """xlsxwriter's constant-memory worksheet with the data rows written a whole row at a time.

    Two reasons. Text: the stock row flush writes a string that starts with <r> and ends with </r> into the
    XML unescaped (it takes it for a rich string), so a customer named like that could close the cell and
    add a formula cell of its own; here every string is escaped. Speed: the stock path stores each cell in a
    table through the public write_* wrappers and flushes it with several writes per cell, which was most of
    a 100,000-row export's time (bench/exports.py); here a row is one string and one write. The header,
    widths, frozen pane, filter, styles and the package stay xlsxwriter's own.
    """

    def _write_single_row(self, current_row_num: int = 0) -> None:
        row_num = self.previous_row
        if row_num in self.row_info or row_num in self.comments:
            super()._write_single_row(current_row_num)
            return
        self.previous_row = current_row_num
        cells = self.table.get(row_num)
        if cells:  # the header row, written through write_string
            self.fh.write(_row_xml(self, row_num, [(c, "s", cells[c].string, cells[c].format) for c in sorted(cells)]))
        self.table.clear()

    def put_row(self, row: int, cells: list[tuple[int, str, Any, Any]]) -> None:
        """One data row of (column, "s" | "n" | "d", value, format), columns ascending, in row order."""
        if row > self.previous_row:
            self._write_single_row(row)  # whatever the table still holds (the header) goes first
        if not cells or self._check_dimensions(row, cells[0][0]) or self._check_dimensions(row, cells[-1][0]):
            return
        self.fh.write(_row_xml(self, row, cells))


def _row_xml(ws: Worksheet, row: int, cells: list[tuple[int, str, Any, Any]]) -> str:
    out = [f'<row r="{row + 1}">']
    for col, kind, value, fmt in cells:
        ref = xl_rowcol_to_cell_fast(row, col)
        style = f' s="{fmt._get_xf_index()}"' if fmt else ""
        if kind == "s":
            text = value
            # Control characters and literal _xHHHH_ need Excel's escape; printable text without "_x" has neither.
            if not text.isprintable() or "_x" in text:
                text = ws._escape_control_characters(text)
            text = ws._escape_data(text)
            space = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
            out.append(f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>')
        else:
            number = ws._convert_date_time(value) if kind == "d" else value
            out.append(f"<c r=\"{ref}\"{style}><v>{number:.16G}</v></c>")
    out.append("</row>")
    return "".join(out)


def _decimal(value: Any) -> Decimal:
    # A float goes through its shortest repr (0.1 stays 0.1), never its binary expansion.
    return value if isinstance(value, Decimal) else Decimal(str(value))


class _Book:
    """An xlsxwriter workbook in constant-memory mode with one format per kind."""

    def __init__(self, path: str, tz: ZoneInfo) -> None:
        self.tz = tz
        # Strings are never turned into numbers, formulas or URLs: a cell says exactly what the row said.
        self.book = xlsxwriter.Workbook(path, {
            "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
            "tmpdir": os.path.dirname(path),
        })
        self.header = self.book.add_format({"bold": True, "bg_color": "#F2F2F2", "bottom": 1})
        self.formats: dict[Kind, Any] = {
            Kind.INT: self.book.add_format({"num_format": "0"}),
            Kind.DECIMAL: self.book.add_format({"num_format": "General"}),
            Kind.MONEY: self.book.add_format({"num_format": "#,##0.00"}),
            Kind.PERCENT: self.book.add_format({"num_format": "0.0%"}),
            Kind.DATE: self.book.add_format({"num_format": "yyyy-mm-dd"}),
            Kind.DATETIME: self.book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        }

    def cell(self, kind: Kind) -> Any:
        """How a column's values become cells (kind letter, value): chosen once per column, not per cell."""
        tz = self.tz
        if kind is Kind.TEXT:
            return lambda v: ("s", v if type(v) is str else str(v))
        if kind is Kind.INT:
            return lambda v: ("n", int(v))
        if kind is Kind.MONEY:
            # The Decimal itself goes in, formatted by Decimal's own formatting: no float rounding.
            return lambda v: ("n", _decimal(v).quantize(CENT))
        if kind is Kind.DECIMAL:
            return lambda v: ("n", plain(_decimal(v)))
        if kind is Kind.PERCENT:
            return lambda v: ("n", plain(_decimal(v) / HUNDRED))

        def moment(v: Any) -> tuple[str, Any]:
            if isinstance(v, datetime):
                local = _local(v, tz).replace(tzinfo=None)
                return "d", local.date() if kind is Kind.DATE else local
            if isinstance(v, date):
                return "d", v
            return "s", str(v)

        return moment

    def sheet(self, sheet: Sheet, locale: Locale) -> tuple[Any, int]:
        ws = self.book.add_worksheet(sheet.name(locale), worksheet_class=_RowSheet)
        ws.freeze_panes(1, 0)
        for c, column in enumerate(sheet.columns):
            ws.write_string(0, c, column.header(locale), self.header)
        return ws, 1

    def widths(self, ws: Any, columns: Sequence[Column], locale: Locale, sample: list[Row]) -> None:
        """Column widths from the header and the first batch: set before any row, as constant memory requires."""
        for c, column in enumerate(columns):
            width = max(_text_width(column.header(locale)) + 3, _KIND_WIDTH.get(column.kind, 8))
            if column.kind is Kind.TEXT:
                for row in sample:
                    value = _values(columns, row)[c]
                    if value:
                        width = max(width, _text_width(str(value)) + 1)
            ws.set_column(c, c, min(width, MAX_WIDTH))

    def rows(self, ws: Any, start: int, columns: Sequence[Column], batch: list[Row]) -> int:
        makers = [(c, self.cell(column.kind), self.formats.get(column.kind)) for c, column in enumerate(columns)]
        r = start
        for row in batch:
            cells = []
            for (c, make, fmt), value in zip(makers, _values(columns, row), strict=False):
                if value is not None and value != "":
                    kind, cell = make(value)
                    cells.append((c, kind, cell, fmt if kind != "s" else None))
            ws.put_row(r, cells)
            r += 1
        return r


async def write_xlsx(sheets: Sequence[Sheet], locale: Locale, zone: str) -> str:
    """The sheets as an XLSX in a temp file; the caller streams it (`file_chunks`) and that removes it."""
    fd, path = tempfile.mkstemp(prefix="podium-export-", suffix=".xlsx")
    os.close(fd)
    try:
        book = _Book(path, ZoneInfo(zone))
        for sheet in sheets:
            ws, r = book.sheet(sheet, locale)
            # The worker thread writes one batch while the next is read: the database's own work overlaps it.
            writing: asyncio.Future[int] | None = None
            async for batch in _batches(sheet.rows):
                if writing is None:
                    book.widths(ws, sheet.columns, locale, batch)
                else:
                    r = await writing
                writing = asyncio.ensure_future(asyncio.to_thread(book.rows, ws, r, sheet.columns, batch))
            if writing is None:
                book.widths(ws, sheet.columns, locale, [])
            else:
                r = await writing
            ws.autofilter(0, 0, max(r - 1, 0), max(len(sheet.columns) - 1, 0))
        await asyncio.to_thread(book.book.close)
    except BaseException:
        os.unlink(path)
        raise
    return path


async def file_chunks(path: str) -> AsyncIterator[bytes]:
    """A written file in chunks, removed once sent (or once the client went away)."""
    try:
        with open(path, "rb") as handle:
            while chunk := await asyncio.to_thread(handle.read, CHUNK):
                yield chunk
    finally:
        os.unlink(path)


async def xlsx_bytes(sheets: Sequence[Sheet], locale: Locale, zone: str) -> bytes:
    """The whole XLSX in memory: for tests and small books."""
    return b"".join([chunk async for chunk in file_chunks(await write_xlsx(sheets, locale, zone))])


async def csv_bytes(sheets: Sequence[Sheet], locale: Locale, zone: str) -> bytes:
    return b"".join([chunk async for chunk in csv_chunks(sheets, locale, zone)])


async def render(fmt: str, sheets: Sequence[Sheet], locale: Locale, zone: str) -> AsyncIterator[bytes]:
    """The export's bytes in `fmt` (csv or xlsx); an XLSX is complete before its first byte is sent."""
    if fmt == "xlsx":
        return file_chunks(await write_xlsx(sheets, locale, zone))
    return csv_chunks(sheets, locale, zone)
