"""Typed cells stored as JSON: a text cell as itself, other types tagged, so the dry run reads what the file held."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from podium.imports.values import Cell, Formula


def _tag(cell: Cell) -> Any:
    if cell is None or isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return {"b": cell}
    if isinstance(cell, (int, float)):
        return {"n": repr(float(cell))}
    if isinstance(cell, datetime):
        return {"dt": cell.isoformat()}
    if isinstance(cell, date):
        return {"d": cell.isoformat()}
    if isinstance(cell, time):
        return {"t": cell.isoformat()}
    if isinstance(cell, timedelta):
        return {"td": cell.total_seconds()}
    if isinstance(cell, Formula):
        return {"f": cell.text}
    return str(cell)


_UNTAG = {"b": bool, "n": float, "dt": datetime.fromisoformat, "d": date.fromisoformat, "t": time.fromisoformat,
          "td": lambda data: timedelta(seconds=data), "f": Formula}


def _untag(value: Any) -> Cell:
    if value is None or isinstance(value, str):
        return value
    (tag, data), = value.items()
    return _UNTAG[tag](data)  # type: ignore[no-any-return]


def dump(cells: list[Cell]) -> str:
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells = cells[:-1]
    return json.dumps([c if c is None or type(c) is str else _tag(c) for c in cells], ensure_ascii=False, separators=(",", ":"))


def load(text: str) -> list[Cell]:
    return [v if v is None or type(v) is str else _untag(v) for v in json.loads(text)]
