"""Why a row was refused, in both languages: one entry per code; kinds add their own with `add`."""

from __future__ import annotations

from typing import Any

from podium.core.i18n import Locale

MESSAGES: dict[str, dict[Locale, str]] = {}


def add(entries: dict[str, tuple[str, str]]) -> None:
    """Register codes: code → (English, 简体中文), with {placeholders} filled from the error's params."""
    for code, (en, zh) in entries.items():
        MESSAGES[code] = {Locale.EN: en, Locale.ZH_CN: zh}


def reason(code: str, locale: Locale, params: dict[str, Any] | None = None) -> str:
    entry = MESSAGES.get(code)
    if entry is None:
        return code
    try:
        return entry[locale].format(**(params or {}))
    except (KeyError, IndexError):
        return entry[locale]


add({
    "REQUIRED": ("This column is required.", "此列为必填项。"),
    "TOO_LONG": ("At most {max} characters.", "最多 {max} 个字符。"),
    "FORMULA": ("A formula, not a value: paste the values instead.", "这是公式而不是值：请粘贴为数值后再导入。"),
    "NUMBER_AS_TEXT": ("A number where text was expected: Excel may have changed it (e.g. 9.14403E+17). Format the column as text and export again.",
                       "此处应为文本，却是数字：可能已被 Excel 改写（如 9.14403E+17）。请将该列设为文本格式后重新导出。"),
    "NOT_TEXT": ("Not text.", "不是文本。"),
    "INVALID_CREDIT_CODE": ("Not a valid unified social credit code (18 characters, check character).", "统一社会信用代码无效（应为 18 位且校验位正确）。"),
    "INVALID_PHONE": ("Not a phone number.", "电话号码无效。"),
    "INVALID_EMAIL": ("Not an email address.", "邮箱地址无效。"),
    "NOT_YES_NO": ("Expected yes or no (是/否, Y/N, true/false, 1/0).", "应为是或否（是/否、Y/N、true/false、1/0）。"),
    "NOT_AN_AMOUNT": ("Not an amount.", "不是有效金额。"),
    "TOO_PRECISE": ("At most {places} decimal places.", "最多 {places} 位小数。"),
    "NEGATIVE": ("Must not be negative.", "不能为负数。"),
    "TOO_LARGE": ("Too large.", "数值过大。"),
    "NOT_A_NUMBER": ("Not a number.", "不是数字。"),
    "NOT_AN_INTEGER": ("Not a whole number.", "不是整数。"),
    "OUT_OF_RANGE": ("Must be between {min} and {max}.", "必须介于 {min} 和 {max} 之间。"),
    "UNKNOWN_CHOICE": ("Not one of: {choices}.", "应为以下之一：{choices}。"),
    "NOT_A_DATE": ("Not a date (e.g. 2024-03-05, 2024/3/5, 2024年3月5日).", "不是日期（如 2024-03-05、2024/3/5、2024年3月5日）。"),
    "IN_FUTURE": ("This date is in the future.", "该日期在未来。"),
    "OWNER_NOT_FOUND": ("No active person of the org has this email or name.", "本组织中没有此邮箱或姓名的在职人员。"),
    "OWNER_AMBIGUOUS": ("{count} people have this name: give the email instead.", "有 {count} 人同名：请改填邮箱。"),
    "REPEATED": ("Repeats line {line} of the file.", "与文件第 {line} 行重复。"),
    "NEAR_MATCH": ("Nearly matches “{candidate}”: decide whether it is the same.", "与“{candidate}”近似：请确认是否为同一条记录。"),
    "TAKEN": ("Another record already has this {what}.", "已有其他记录使用此{what}。"),
    "MATCH_CONFLICT": ("The external id and the credit code point at two different records.", "外部编号与统一社会信用代码指向不同的记录。"),
    "INCOMPLETE_POSITION": ("Give both latitude and longitude, or neither.", "经度和纬度须同时填写或同时留空。"),
    "POSITION_REQUIRED": ("A position is required for this org's customers.", "客户必须有位置坐标。"),
})
