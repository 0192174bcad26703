"""A period's statements for payroll: CSV (one row per line, UTF-8 with BOM for Excel) and XLSX.

The XLSX is written directly (SpreadsheetML in a zip, two sheets, numbers as numbers): the sheet is
flat, so this is a few dozen lines where a spreadsheet library would be a new dependency.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from podium.compensation.service import StatementView
from podium.core.i18n import Locale
from podium.core.money import plain

Cell = str | Decimal | None

SUMMARY = {
    Locale.EN: ["Person", "Period", "Status", "Plan", "Version", "Revenue", "Quota", "Attainment %", "Earned", "Payable", "Held", "Draw balance", "Currency"],
    Locale.ZH_CN: ["人员", "期间", "状态", "方案", "版本", "业绩", "指标", "达成率 %", "应得", "应付", "待回款", "预支余额", "币种"],
}
LINES = {
    Locale.EN: ["Person", "Period", "Component", "Kind", "Transaction", "Description", "Date", "Basis", "Rate %", "Multiplier", "Tier", "Earned", "Payable", "Note"],
    Locale.ZH_CN: ["人员", "期间", "组成", "类型", "交易", "说明", "日期", "基数", "费率 %", "系数", "档位", "应得", "应付", "备注"],
}
STATUS = {Locale.EN: {"open": "open", "approved": "approved"}, Locale.ZH_CN: {"open": "未审批", "approved": "已审批"}}
# A text cell starting with one of these is a formula to Excel and LibreOffice (a deal titled =HYPERLINK(…)).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _rows(views: Sequence[StatementView], locale: Locale, zone: str) -> tuple[list[list[Cell]], list[list[Cell]]]:
    tz = ZoneInfo(zone)
    summary: list[list[Cell]] = []
    lines: list[list[Cell]] = []
    for v in views:
        r = v.result
        summary.append([
            v.user_name, v.period, STATUS[locale][v.status.value], v.plan.plan_name, str(v.plan.version), r.revenue, r.quota,
            r.attainment, r.earned, r.payable, r.held, r.draw_balance, v.currency,
        ])
        names = {c.key: c.name for c in v.plan.plan.components}
        for line in r.lines:
            tiers = sorted({p.tier for p in line.parts() if p.tier})
            at = line.at.astimezone(tz).date().isoformat() if isinstance(line.at, datetime) else ""
            lines.append([
                v.user_name, v.period, names.get(line.component, line.component), line.kind.value, line.ref, line.label, at,
                plain(line.basis), plain(line.rate) if line.rate is not None else None, plain(line.multiplier) if line.multiplier is not None else None, "–".join(map(str, tiers)),
                line.amount, line.payable, line.note,
            ])
    return summary, lines


def to_csv(views: Sequence[StatementView], locale: Locale, zone: str) -> bytes:
    summary, lines = _rows(views, locale, zone)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LINES[locale])
    writer.writerows([[_csv_cell(c) for c in row] for row in lines])
    writer.writerow([])
    writer.writerow(SUMMARY[locale])
    writer.writerows([[_csv_cell(c) for c in row] for row in summary])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_cell(value: Cell) -> str:
    """Text that a spreadsheet would run gets a leading quote (OWASP's CSV injection advice); amounts are Decimals
    and stay numbers, so -12.50 still sums."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _sheet(header: list[str], rows: list[list[Cell]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate([list(header), *rows], start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{_column(c)}{r}"
            if value is None or value == "":
                continue
            if isinstance(value, Decimal):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out)


def to_xlsx(views: Sequence[StatementView], locale: Locale, zone: str) -> bytes:
    summary, lines = _rows(views, locale, zone)
    names = ("Summary", "Lines") if locale is Locale.EN else ("汇总", "明细")
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            f'<sheet name="{names[0]}" sheetId="1" r:id="rId1"/><sheet name="{names[1]}" sheetId="2" r:id="rId2"/>'
            "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": _sheet(SUMMARY[locale], summary),
        "xl/worksheets/sheet2.xml": _sheet(LINES[locale], lines),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
