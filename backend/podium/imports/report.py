"""The run's report: the file's rows as they were, with each row's outcome and reason, as XLSX (constant memory)."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import xlsxwriter
from sqlalchemy import select

from podium.core.env import Env
from podium.core.i18n import Locale
from podium.core.policies import Viewer
from podium.imports import cells as cell_codec
from podium.imports import engine
from podium.imports.messages import reason
from podium.imports.models import ImportRow
from podium.imports.phases import plan_of
from podium.imports.values import Formula

_OUTCOMES = {
    Locale.EN: {"created": "created", "updated": "updated", "unchanged": "unchanged", "error": "error", None: "not planned"},
    Locale.ZH_CN: {"created": "新建", "updated": "更新", "unchanged": "未变", "error": "错误", None: "未试运行"},
}
_HEAD = {Locale.EN: ("Line", "Outcome", "Reason"), Locale.ZH_CN: ("行号", "结果", "原因")}


def explain(row: ImportRow, locale: Locale, labels: dict[str, str]) -> str:
    if row.outcome != "error":
        return ""
    parts = []
    for error in plan_of(row).errors:
        text = reason(error.code, locale, error.params)
        where = labels.get(error.column or "", "")
        parts.append(f"{where}「{error.value}」: {text}" if where and error.value else f"{where}: {text}" if where else text)
    return "；".join(parts) if locale is Locale.ZH_CN else "; ".join(parts)


async def write_report(env: Env, viewer: Viewer, run_id: int) -> tuple[Path, str]:
    """A temporary XLSX file (the caller deletes it) and a file name for the download."""
    run = await engine.get_run(env, viewer, run_id)
    kind, locale = engine.kind_of(run.kind), viewer.locale
    labels = {c.key: (c.zh if locale is Locale.ZH_CN else c.en) for c in kind.columns}
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.close()
    path = Path(handle.name)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("report")
    bold, day = book.add_format({"bold": True}), book.add_format({"num_format": "yyyy-mm-dd"})
    headers = engine.headers_of(run)
    line_h, outcome_h, reason_h = _HEAD[locale]
    sheet.write_row(0, 0, [line_h, outcome_h, reason_h, *headers], bold)
    sheet.freeze_panes(1, 0)
    out, after = 1, 0
    async with env.db() as session:
        while True:
            rows = list(await session.scalars(select(ImportRow).where(ImportRow.run_id == run.id, ImportRow.line > after)
                                              .order_by(ImportRow.line).limit(engine.BATCH)))
            if not rows:
                break
            for row in rows:
                sheet.write_number(out, 0, row.line)
                sheet.write_string(out, 1, _OUTCOMES[locale].get(row.outcome, row.outcome or ""))
                sheet.write_string(out, 2, explain(row, locale, labels))
                for col, cell in enumerate(cell_codec.load(row.cells), start=3):
                    if isinstance(cell, bool):
                        sheet.write_boolean(out, col, cell)
                    elif isinstance(cell, (int, float)):
                        sheet.write_number(out, col, cell)
                    elif isinstance(cell, (datetime, date)):
                        sheet.write_datetime(out, col, cell if isinstance(cell, datetime) else datetime.combine(cell, time()), day)
                    elif isinstance(cell, Formula):
                        sheet.write_string(out, col, cell.text)
                    elif isinstance(cell, (time, timedelta)):
                        sheet.write_string(out, col, str(cell))
                    elif cell:
                        sheet.write_string(out, col, cell)  # strings stay strings: nothing here is a formula
                out += 1
            after = rows[-1].line
    book.close()
    stem = run.file_name.rsplit(".", 1)[0] or "import"
    return path, f"{stem}-report.xlsx"
