"""Cell values as an import reads them: small pure parsers, one per kind of value, shared by every kind.

A parser takes the cell as the file gave it (a CSV cell is always `str`; an XLSX cell is `str`, `float`, `bool`,
`date`, `datetime`, `time` or `timedelta`; `Formula` marks a cell that held a formula) and returns the value, None
for a blank cell, or raises `Refused(code, **params)`: the row error, explained by messages.py in both languages.
A value is never guessed: an id Excel turned into `9.14403E+17` or a float cell in a text column is refused, since
the digits it lost cannot be recovered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any


@dataclass(frozen=True)
class Formula:
    """An XLSX cell that holds a formula: its cached value may be stale or meaningless elsewhere."""

    text: str


Cell = str | float | int | bool | date | datetime | time | timedelta | Formula | None


class Refused(Exception):
    """The cell cannot be read as the column's value; `code` names why (messages.py)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# A text cell a spreadsheet would run: =…, @…, or + / - followed by something that is not a number or a phone.
_FORMULA = re.compile(r"^(?:[=@]|[+-][^0-9\s+\-().])")
# What Excel writes for a long number it could not hold: 9.14403E+17, 9.14403e17.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")


def blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _formula(cell: Cell) -> None:
    if isinstance(cell, Formula) or (isinstance(cell, str) and _FORMULA.match(cell.strip())):
        raise Refused("FORMULA")


def text(cell: Cell, max_len: int = 200) -> str | None:
    """Text as typed, trimmed, inner runs of whitespace made one space; a whole number cell reads as its digits."""
    if type(cell) is str:  # the common case, in the same steps as below
        words = cell.split()
        if not words:
            return None
        if _FORMULA.match(cell.strip()):
            raise Refused("FORMULA")
        value = " ".join(words)
        if len(value) > max_len:
            raise Refused("TOO_LONG", max=max_len)
        return value
    _formula(cell)
    if blank(cell):
        return None
    if isinstance(cell, bool):
        raise Refused("NOT_TEXT")
    if isinstance(cell, float):
        if not cell.is_integer() or abs(cell) >= 1e15:
            raise Refused("NUMBER_AS_TEXT")
        cell = int(cell)
    if isinstance(cell, (date, time, timedelta)):
        raise Refused("NOT_TEXT")
    value = " ".join(str(cell).split())
    if len(value) > max_len:
        raise Refused("TOO_LONG", max=max_len)
    return value


def strict_code(cell: Cell, max_len: int = 64) -> str | None:
    """An identifier (credit code, phone, external id): text only, since a number cell may have lost digits."""
    _formula(cell)
    if blank(cell):
        return None
    if not isinstance(cell, str):
        raise Refused("NUMBER_AS_TEXT")
    value = cell.strip()
    if _SCIENTIFIC.match(value):
        raise Refused("NUMBER_AS_TEXT")
    if len(value) > max_len:
        raise Refused("TOO_LONG", max=max_len)
    return value


# GB 32100-2015: 18 characters from this alphabet (no I, O, Z, S, V); the last is a check character.
_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_ok(code: str) -> bool:
    """A unified social credit code whose check character is right (GB 32100-2015)."""
    if len(code) != 18 or any(c not in _CODE_ALPHABET for c in code):
        return False
    total = sum(_CODE_ALPHABET.index(c) * w for c, w in zip(code[:17], _CODE_WEIGHTS, strict=True))
    return _CODE_ALPHABET[(31 - total % 31) % 31] == code[17]


def credit_code(cell: Cell) -> str | None:
    """统一社会信用代码: 18 characters, upper case, check character verified."""
    value = strict_code(cell, 40)
    if value is None:
        return None
    value = value.replace(" ", "").upper()
    if not credit_code_ok(value):
        raise Refused("INVALID_CREDIT_CODE")
    return value


_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{2,39}$")


def phone(cell: Cell) -> str | None:
    value = strict_code(cell, 40)
    if value is not None and not _PHONE.match(value):
        raise Refused("INVALID_PHONE")
    return value


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email(cell: Cell) -> str | None:
    """An address, trimmed and lower-cased: people are matched by it regardless of case."""
    value = text(cell, 320)
    if value is None:
        return None
    value = value.lower()
    if not _EMAIL.match(value):
        raise Refused("INVALID_EMAIL")
    return value


_YES = {"是", "y", "yes", "true", "1", "t", "对", "有"}
_NO = {"否", "n", "no", "false", "0", "f", "不", "无"}


def yes_no(cell: Cell) -> bool | None:
    _formula(cell)
    if blank(cell):
        return None
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, float) and cell in (0.0, 1.0):
        return cell == 1.0
    word = str(cell).strip().casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise Refused("NOT_YES_NO")


_CURRENCY = re.compile(r"^(?:[¥￥$]|CNY|RMB)\s*|\s*(?:元|CNY|RMB)$", re.IGNORECASE)
CENTS = 2


def amount(cell: Cell, *, places: int = CENTS, negative: bool = False, maximum: Decimal = Decimal("1e13")) -> Decimal | None:
    """Money: 1,234.50 / ¥1234.5 / ￥1,234 / 1.5万 (15,000); at most `places` decimals, never a float's digits."""
    _formula(cell)
    if blank(cell):
        return None
    if isinstance(cell, bool) or isinstance(cell, (date, time, timedelta)):
        raise Refused("NOT_AN_AMOUNT")
    if isinstance(cell, (int, float)):
        # repr is the shortest string that reads back as the same float: what the spreadsheet showed.
        raw = repr(cell) if isinstance(cell, float) else str(cell)
        if "e" in raw.lower():
            raise Refused("NOT_AN_AMOUNT")
        value = Decimal(raw)
    else:
        raw = _CURRENCY.sub("", str(cell).strip()).replace(",", "").replace("，", "").replace(" ", "")
        scale = Decimal(1)
        if raw.endswith("万"):
            raw, scale = raw[:-1], Decimal(10_000)
        elif raw.endswith("亿"):
            raw, scale = raw[:-1], Decimal(100_000_000)
        if not re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", raw):
            raise Refused("NOT_AN_AMOUNT")
        try:
            value = Decimal(raw) * scale
        except InvalidOperation:
            raise Refused("NOT_AN_AMOUNT") from None
    value = value.normalize()
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise Refused("TOO_PRECISE", places=places)
    if value < 0 and not negative:
        raise Refused("NEGATIVE")
    if abs(value) >= maximum:
        raise Refused("TOO_LARGE")
    return value.quantize(Decimal(1).scaleb(-places))


def number(cell: Cell, *, minimum: float | None = None, maximum: float | None = None) -> float | None:
    """A measurement (a latitude), not money."""
    _formula(cell)
    if blank(cell):
        return None
    if isinstance(cell, bool) or not isinstance(cell, (int, float, str)):
        raise Refused("NOT_A_NUMBER")
    try:
        value = float(str(cell).strip().replace(",", "")) if isinstance(cell, str) else float(cell)
    except ValueError:
        raise Refused("NOT_A_NUMBER") from None
    if value != value or (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise Refused("OUT_OF_RANGE", min=minimum, max=maximum)
    return value


def integer(cell: Cell, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    value = number(cell)
    if value is None:
        return None
    if not value.is_integer():
        raise Refused("NOT_AN_INTEGER")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise Refused("OUT_OF_RANGE", min=minimum, max=maximum)
    return int(value)


def choice(cell: Cell, options: dict[str, str]) -> str | None:
    """One of a fixed set, by any of its spellings: `options` maps each spelling (case folded) to the value."""
    value = text(cell, 100)
    if value is None:
        return None
    found = options.get(value.casefold()) or options.get(value.replace(" ", "").replace("-", "").casefold())
    if found is None:
        raise Refused("UNKNOWN_CHOICE", choices=", ".join(sorted(set(options.values()))))
    return found


# 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日 (with an optional time after a space or a T).
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_TIME = re.compile(r"^(?:[T\s]*)(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?)?秒?\s*(Z|[+-]\d{2}:?\d{2})?$")


def _checked(day: date, past: bool, today: date | None) -> date:
    if past and today is not None and day > today:
        raise Refused("IN_FUTURE")
    if day.year < 1900:
        raise Refused("NOT_A_DATE")
    return day


def date_value(cell: Cell, *, past: bool = False, today: date | None = None) -> date | None:
    """A calendar date: an XLSX date cell or a text date in ISO or Chinese form. A number is not a date (a CSV's
    45356 may be an Excel serial or anything else). `past`: a date after `today` is refused."""
    _formula(cell)
    if blank(cell):
        return None
    if isinstance(cell, datetime):
        return _checked(cell.date(), past, today)
    if isinstance(cell, date):
        return _checked(cell, past, today)
    if not isinstance(cell, str):
        raise Refused("NOT_A_DATE")
    found = _DATE.match(cell.strip())
    rest = cell.strip()[found.end():] if found else ""
    if found is None or (rest and not _TIME.match(rest)):
        raise Refused("NOT_A_DATE")
    try:
        day = date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        raise Refused("NOT_A_DATE") from None
    return _checked(day, past, today)


def datetime_value(cell: Cell, zone: tzinfo = UTC, *, past: bool = False, now: datetime | None = None) -> datetime | None:
    """A moment, stored in UTC: a date alone is its midnight in `zone` (the org's); a time without an offset is in `zone`."""
    _formula(cell)
    if blank(cell):
        return None
    if isinstance(cell, datetime):
        moment = cell if cell.tzinfo else cell.replace(tzinfo=zone)
    elif isinstance(cell, date):
        moment = datetime.combine(cell, time(), zone)
    elif isinstance(cell, str):
        value = cell.strip()
        found = _DATE.match(value)
        if found is None:
            raise Refused("NOT_A_DATE")
        rest = _TIME.match(value[found.end():]) if value[found.end():] else None
        if value[found.end():] and rest is None:
            raise Refused("NOT_A_DATE")
        try:
            moment = datetime(int(found.group(1)), int(found.group(2)), int(found.group(3)),
                              int(rest.group(1)) if rest else 0, int(rest.group(2)) if rest else 0,
                              int(rest.group(3) or 0) if rest else 0)
            offset = rest.group(4) if rest else None
            if offset:
                moment = datetime.fromisoformat(moment.isoformat() + ("+00:00" if offset == "Z" else offset))
            else:
                moment = moment.replace(tzinfo=zone)
        except ValueError:
            raise Refused("NOT_A_DATE") from None
    else:
        raise Refused("NOT_A_DATE")
    moment = moment.astimezone(UTC)
    if moment.year < 1900:
        raise Refused("NOT_A_DATE")
    if past and now is not None and moment > now:
        raise Refused("IN_FUTURE")
    return moment


def shown(cell: Cell) -> str:
    """The cell as the report and the error list show it."""
    if type(cell) is str:
        return cell
    if cell is None:
        return ""
    if isinstance(cell, Formula):
        return cell.text
    if isinstance(cell, float):
        return repr(cell) if not cell.is_integer() or abs(cell) >= 1e15 else str(int(cell))
    if isinstance(cell, (date, datetime, time)):
        return cell.isoformat()
    return str(cell)
