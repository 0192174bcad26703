"""The cell parsers every kind shares: what they accept, and that they refuse rather than guess."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from podium.customers.names import loose_key
from podium.imports import values as v
from podium.imports.mapping import header_key


@pytest.mark.parametrize(("cell", "expected"), [
    ("1,234.50", Decimal("1234.50")), ("¥1,234", Decimal("1234.00")), ("￥ 88", Decimal("88.00")), ("1.5万", Decimal("15000.00")),
    ("2亿", Decimal("200000000.00")), (1234.56, Decimal("1234.56")), ("12 元", Decimal("12.00")), ("1.230", Decimal("1.23")), ("", None),
])
def test_amounts(cell: v.Cell, expected: Decimal | None) -> None:
    assert v.amount(cell) == expected


@pytest.mark.parametrize(("cell", "code"), [("1.234", "TOO_PRECISE"), ("-5", "NEGATIVE"), ("abc", "NOT_AN_AMOUNT"), (True, "NOT_AN_AMOUNT"),
                                            ("=A1*2", "FORMULA"), (1e20, "NOT_AN_AMOUNT")])
def test_amounts_refused(cell: v.Cell, code: str) -> None:
    with pytest.raises(v.Refused) as refused:
        v.amount(cell)
    assert refused.value.code == code


def test_dates_in_chinese_and_iso_forms_but_not_serials() -> None:
    for text in ("2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日", " 2024-3-5 09:30 "):
        assert v.date_value(text) == date(2024, 3, 5)
    assert v.date_value(datetime(2024, 3, 5, 8)) == date(2024, 3, 5)
    for bad, code in (("45356", "NOT_A_DATE"), (45356.0, "NOT_A_DATE"), ("2024-02-30", "NOT_A_DATE"), ("2999-01-01", "IN_FUTURE")):
        with pytest.raises(v.Refused) as refused:
            v.date_value(bad, past=True, today=date(2026, 12, 7))
        assert refused.value.code == code
    shanghai = ZoneInfo("Asia/Shanghai")
    assert v.datetime_value("2024-03-05 14:30", shanghai) == datetime(2024, 3, 5, 6, 30, tzinfo=UTC)
    assert v.datetime_value("2024-03-05T14:30:00Z", shanghai) == datetime(2024, 3, 5, 14, 30, tzinfo=UTC)


def test_codes_are_text_and_checked() -> None:
    assert v.credit_code("91350100m000100y43") == "91350100M000100Y43"
    for bad, code in (("9.14403E+17", "NUMBER_AS_TEXT"), (9.14403e17, "NUMBER_AS_TEXT"), ("91350100M000100Y44", "INVALID_CREDIT_CODE"),
                      (v.Formula("1+1"), "FORMULA")):
        with pytest.raises(v.Refused) as refused:
            v.credit_code(bad)
        assert refused.value.code == code
    assert v.phone("+86 138-0000-0000") == "+86 138-0000-0000"
    with pytest.raises(v.Refused):
        v.phone(13800000000.0)


def test_yes_no_email_text_and_formulas() -> None:
    assert [v.yes_no(x) for x in ("是", "否", "Y", "n", "TRUE", "0", 1.0, "")] == [True, False, True, False, True, False, True, None]
    assert v.email("  Ada@Example.COM ") == "ada@example.com"
    assert v.text("  上海   澎湃 ") == "上海 澎湃" and v.text(12.0) == "12"
    for formula in ('=HYPERLINK("x")', "@SUM(A1)", "+A1", "-SUM(A1)"):
        with pytest.raises(v.Refused):
            v.text(formula)
    assert v.text("-") == "-" and v.text("+86 138") == "+86 138"


def test_names_and_headers_normalised_for_matching() -> None:
    assert loose_key("上海澎湃科技有限公司") == loose_key("上海澎湃科技（股份有限公司）") == loose_key("上海澎湃科技 有限责任公司") == "上海澎湃科技"
    assert loose_key("ACME Co., Ltd.") == loose_key("Acme Inc") == "acme"
    assert header_key("*客户名称（必填）") == header_key("客户名称") and header_key("Account Name:") == header_key("account name")
