"""A period's statements for payroll: a summary sheet and a lines sheet, people named by email and employee number.

The bytes come from core/sheets.py (CSV with a BOM, or XLSX with typed cells); the CSV puts the lines first,
one row per line, as payroll imports read them, and the summary after a blank row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from podium.compensation.service import StatementView
from podium.core.i18n import Locale
from podium.core.sheets import Column, Kind, Sheet
from podium.orgs.people import Who


PERSON = [Column("person", "Person", "人员"), Column("email", "Email", "邮箱"), Column("employee", "Employee no.", "工号"), Column("period", "Period", "期间")]
SUMMARY = [
    *PERSON, Column("status", "Status", "状态"), Column("plan", "Plan", "方案"), Column("version", "Version", "版本", Kind.INT),
    Column("revenue", "Revenue", "业绩", Kind.MONEY), Column("quota", "Quota", "指标", Kind.MONEY), Column("attainment", "Attainment", "达成率", Kind.PERCENT),
    Column("earned", "Earned", "应得", Kind.MONEY), Column("payable", "Payable", "应付", Kind.MONEY), Column("held", "Held", "待回款", Kind.MONEY),
    Column("draw", "Draw balance", "预支余额", Kind.MONEY), Column("currency", "Currency", "币种"),
]
LINES = [
    *PERSON, Column("component", "Component", "组成"), Column("kind", "Kind", "类型"), Column("ref", "Transaction", "交易"),
    Column("label", "Description", "说明"), Column("at", "Date", "日期", Kind.DATE), Column("basis", "Basis", "基数", Kind.DECIMAL),
    Column("rate", "Rate %", "费率 %", Kind.DECIMAL), Column("multiplier", "Multiplier", "系数", Kind.DECIMAL), Column("tier", "Tier", "档位"),
    Column("earned", "Earned", "应得", Kind.MONEY), Column("payable", "Payable", "应付", Kind.MONEY), Column("note", "Note", "备注"),
]
STATUS = {Locale.EN: {"open": "open", "approved": "approved"}, Locale.ZH_CN: {"open": "未审批", "approved": "已审批"}}


def _person(v: StatementView, who: Mapping[int, Who]) -> list[Any]:
    person = who.get(v.user_id)
    return [v.user_name, person.email if person else None, person.employee_number if person else None, v.period]


def _summary(views: Sequence[StatementView], locale: Locale, who: Mapping[int, Who]) -> Iterator[list[Any]]:
    for v in views:
        r = v.result
        yield [
            *_person(v, who), STATUS[locale][v.status.value], v.plan.plan_name, v.plan.version, r.revenue, r.quota,
            r.attainment, r.earned, r.payable, r.held, r.draw_balance, v.currency,
        ]


def _lines(views: Sequence[StatementView], who: Mapping[int, Who]) -> Iterator[list[Any]]:
    for v in views:
        names = {c.key: c.name for c in v.plan.plan.components}
        person = _person(v, who)
        for line in v.result.lines:
            tiers = sorted({p.tier for p in line.parts() if p.tier})
            yield [
                *person, names.get(line.component, line.component), line.kind.value, line.ref, line.label,
                line.at if isinstance(line.at, datetime) else None, line.basis, line.rate, line.multiplier,
                "–".join(map(str, tiers)), line.amount, line.payable, line.note,
            ]


def statement_sheets(views: Sequence[StatementView], locale: Locale, who: Mapping[int, Who], *, lines_first: bool) -> list[Sheet]:
    summary = Sheet("Summary", "汇总", SUMMARY, _summary(views, locale, who))
    lines = Sheet("Lines", "明细", LINES, _lines(views, who))
    return [lines, summary] if lines_first else [summary, lines]
