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
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import XMLwriter

from podium.core.i18n import Locale
from podium.core.money import plain

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 1000
CHUNK = 64 * 1024
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_WIDTH = 60
SHEET_NAME_MAX = 31  # Excel's limit
XL_ROWS = 1_048_576  # rows in a sheet, Excel's limit

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
    batched: bool = False  # rows yields lists of rows (a database batch each), not rows

    def name(self, locale: Locale) -> str:
        return (self.zh if locale is Locale.ZH_CN else self.en)[:SHEET_NAME_MAX]


def neutralised(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _values(columns: Sequence[Column], row: Row) -> Sequence[Any]:
    if isinstance(row, Mapping):
        return [row.get(c.key) for c in columns]
    return row


def _positional(columns: Sequence[Column], batch: list[Row]) -> list[Sequence[Any]]:
    return [_values(columns, row) for row in batch] if batch and isinstance(batch[0], Mapping) else batch  # type: ignore[return-value]


async def _batches(sheet: Sheet) -> AsyncIterator[list[Sequence[Any]]]:
    """The sheet's rows a batch at a time, each row its values in column order."""
    rows, columns = sheet.rows, sheet.columns
    if sheet.batched:
        if isinstance(rows, AsyncIterable):
            async for given in rows:
                if given:
                    yield _positional(columns, given)
        else:
            for given in rows:
                if given:
                    yield _positional(columns, given)  # type: ignore[arg-type]
        return
    batch: list[Row] = []
    if isinstance(rows, AsyncIterable):
        async for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                yield _positional(columns, batch)
                batch = []
    else:
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                yield _positional(columns, batch)
                batch = []
    if batch:
        yield _positional(columns, batch)


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz) if moment.tzinfo is not None else moment


def _csv_maker(kind: Kind, tz: ZoneInfo) -> Callable[[Any], str]:
    """How a column's (non-empty) values become CSV text: chosen once per column, not per cell."""
    if kind is Kind.TEXT:
        return lambda v: neutralised(v if type(v) is str else str(v))
    if kind is Kind.MONEY:
        return lambda v: str(Decimal(v).quantize(CENT))
    if kind in (Kind.DECIMAL, Kind.PERCENT):
        return lambda v: str(plain(Decimal(v)))
    if kind is Kind.INT:
        return lambda v: str(int(v))

    def moment(v: Any) -> str:
        if isinstance(v, datetime):
            local = _local(v, tz)
            return local.strftime("%Y-%m-%d %H:%M:%S") if kind is Kind.DATETIME else local.date().isoformat()
        return v.isoformat() if isinstance(v, date) else neutralised(str(v))

    return moment


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
        makers = [_csv_maker(c.kind, tz) for c in sheet.columns]
        async for batch in _batches(sheet):
            writer.writerows(
                [("" if v is None or v == "" else make(v)) for make, v in zip(makers, row, strict=False)] for row in batch
            )
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
    """xlsxwriter's constant-memory worksheet with the data rows written a batch at a time as ready XML.

    Two reasons. Text: the stock row flush writes a string that starts with <r> and ends with </r> into the
    XML unescaped (it takes it for a rich string), so a customer named like that could close the cell and
    add a formula cell of its own; here every string is escaped. Speed: the stock path stores each cell in a
    table through the public write_* wrappers and flushes it with several writes per cell, which was most of
    a 100,000-row export's time (bench/exports.py); here each column has its cell template (`_Book.maker`)
    and a batch of rows is one write. The header, widths, frozen pane, filter, styles and the package stay
    xlsxwriter's own.
    """

    def _write_single_row(self, current_row_num: int = 0) -> None:
        row_num = self.previous_row
        if row_num in self.row_info or row_num in self.comments:
            super()._write_single_row(current_row_num)
            return
        self.previous_row = current_row_num
        cells = self.table.get(row_num)
        if cells:  # the header row, written through write_string
            self.fh.write(f'<row r="{row_num + 1}">')
            for c in sorted(cells):
                fmt = cells[c].format
                style = f' s="{fmt._get_xf_index()}"' if fmt else ""
                self.fh.write(_text_cell(xl_col_to_name(c), style)(cells[c].string, str(row_num + 1)))
            self.fh.write("</row>")
        self.table.clear()

    def put_rows(self, first: int, last: int, last_col: int, xml: str) -> None:
        """Rows first..last (0-based, in order, after any row before) as one string of <row> elements."""
        if first > self.previous_row:
            self._write_single_row(first)  # whatever the table still holds (the header) goes first
        self._check_dimensions(last, 0)
        self._check_dimensions(last, last_col)
        self.fh.write(xml)
        self.previous_row = last


Cell = Callable[[Any, str], str]  # (value, row number as text) -> the cell's XML
_EPOCH = datetime(1899, 12, 31)
_EPOCH_UTC = _EPOCH.replace(tzinfo=UTC)
_escape_control = XMLwriter._escape_control_characters


def _text_cell(ref: str, style: str = "") -> Cell:
    """A text cell, always an inline string (no shared-strings table to hold in memory), always escaped."""
    plain_open = f'"{style} t="inlineStr"><is><t>'
    kept_open = f'"{style} t="inlineStr"><is><t xml:space="preserve">'

    def text(value: Any, n: str) -> str:
        t = value if type(value) is str else str(value)
        # Control characters and literal _xHHHH_ need Excel's escape; printable text without "_x" has neither.
        if not t.isprintable() or "_x" in t:
            t = _escape_control(t)
        if "&" in t or "<" in t or ">" in t:
            t = t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        opening = kept_open if t[:1].isspace() or t[-1:].isspace() else plain_open
        return f'<c r="{ref}{n}{opening}{t}</t></is></c>'

    return text


def _serial(delta: timedelta, moment: bool = True) -> float:
    """A time since 1899-12-31 (local wall time) as Excel's serial number, as xlsxwriter computes it: a datetime
    on 1900-01-01 is a time of day (0.x), a date that day is day 1; past February 1900 Excel's leap-year bug."""
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    if moment and delta.days == 1:
        return serial - 1
    return serial + 1 if serial > 59 else serial


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

    def maker(self, c: int, kind: Kind) -> Cell:
        """Column c's cell template: chosen once per column, not per cell; numbers and dates typed, with their format."""
        ref = xl_col_to_name(c)
        text = _text_cell(ref)
        if kind is Kind.TEXT:
            return text
        opening = f'" s="{self.formats[kind]._get_xf_index()}"><v>'

        def number(convert: Callable[[Any], Any]) -> Cell:
            return lambda v, n: f"<c r=\"{ref}{n}{opening}{convert(v):.16G}</v></c>"

        if kind is Kind.INT:
            return number(int)
        if kind is Kind.MONEY:
            # The Decimal itself goes in, formatted by Decimal's own formatting: no float rounding.
            return number(lambda v: _decimal(v).quantize(CENT))
        if kind is Kind.DECIMAL:
            return number(lambda v: plain(_decimal(v)))
        if kind is Kind.PERCENT:
            return number(lambda v: plain(_decimal(v) / HUNDRED))
        tz, day = self.tz, kind is Kind.DATE

        def moment(v: Any, n: str) -> str:
            if isinstance(v, datetime):
                if v.tzinfo is None:
                    delta = (datetime(v.year, v.month, v.day) if day else v) - _EPOCH
                elif day:
                    local = v.astimezone(tz)
                    delta = datetime(local.year, local.month, local.day) - _EPOCH
                else:  # the local wall time, without replace(tzinfo=None) (three times slower)
                    delta = (v - _EPOCH_UTC) + v.astimezone(tz).utcoffset()  # type: ignore[operator]
                return f"<c r=\"{ref}{n}{opening}{_serial(delta, not day):.16G}</v></c>"
            if isinstance(v, date):
                return f"<c r=\"{ref}{n}{opening}{_serial(datetime(v.year, v.month, v.day) - _EPOCH, False):.16G}</v></c>"
            return text(v, n)

        return moment

    def sheet(self, sheet: Sheet, locale: Locale) -> tuple[Any, int]:
        ws = self.book.add_worksheet(sheet.name(locale), worksheet_class=_RowSheet)
        ws.freeze_panes(1, 0)
        for c, column in enumerate(sheet.columns):
            ws.write_string(0, c, column.header(locale), self.header)
        return ws, 1

    def widths(self, ws: Any, columns: Sequence[Column], locale: Locale, sample: list[Sequence[Any]]) -> None:
        """Column widths from the header and the first batch: set before any row, as constant memory requires."""
        for c, column in enumerate(columns):
            width = max(_text_width(column.header(locale)) + 3, _KIND_WIDTH.get(column.kind, 8))
            if column.kind is Kind.TEXT:
                for values in sample:
                    value = values[c] if c < len(values) else None
                    if value:
                        width = max(width, _text_width(str(value)) + 1)
            ws.set_column(c, c, min(width, MAX_WIDTH))

    def rows(self, ws: Any, start: int, makers: list[Cell], batch: list[Sequence[Any]]) -> int:
        """A batch of rows from row `start` on; the next free row. Rows past Excel's last one are dropped."""
        batch = batch[: max(XL_ROWS - start, 0)]
        if not batch:
            return start
        out = []
        n = start + 1
        for values in batch:
            r = str(n)
            cells = "".join([make(v, r) for make, v in zip(makers, values, strict=False) if v is not None and v != ""])
            out.append(f'<row r="{r}">{cells}</row>')
            n += 1
        ws.put_rows(start, n - 2, len(makers) - 1, "".join(out))
        return n - 1


async def write_xlsx(sheets: Sequence[Sheet], locale: Locale, zone: str) -> str:
    """The sheets as an XLSX in a temp file; the caller streams it (`file_chunks`) and that removes it."""
    fd, path = tempfile.mkstemp(prefix="podium-export-", suffix=".xlsx")
    os.close(fd)
    try:
        book = _Book(path, ZoneInfo(zone))
        for sheet in sheets:
            ws, r = book.sheet(sheet, locale)
            makers = [book.maker(c, column.kind) for c, column in enumerate(sheet.columns)]
            # The worker thread writes one batch while the next is read: the database's own work overlaps it.
            writing: asyncio.Future[int] | None = None
            async for batch in _batches(sheet):
                if writing is None:
                    book.widths(ws, sheet.columns, locale, batch)
                else:
                    r = await writing
                writing = asyncio.ensure_future(asyncio.to_thread(book.rows, ws, r, makers, batch))
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
