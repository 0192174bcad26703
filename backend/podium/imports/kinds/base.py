"""The contract between the import engine and a kind of record (customers, products, deals, …).

The engine (imports/engine.py) reads the file, maps its headers to the kind's `columns`, parses each mapped cell
with the column's `parse`, and hands the kind batches of rows (about 1,000) whose cells all parsed:

1. **plan** — `await kind.plan(session, rows, state)` returns one `Plan` per row, in order: `created`,
   `updated` (with `target` and its `version`, and `changes`), `unchanged` (with `target` and `version`) or
   `error` (with `errors`; a near match carries `candidates` and the code `NEAR_MATCH`). It reads, never writes.
   Matching is set-based: one query per batch for all the batch's keys, not one per row. `state` lives for the
   whole run: `state.repeat(key, line)` flags a row repeated within the file, `state.cache` keeps lookups loaded
   once (the org's people). The dry run stores every plan; the commit carries out exactly the stored plans.
2. **versions** — `await kind.versions(session, org_id, targets)`: the current version (e.g. `updated_at`) of each
   matched record still there. The commit compares it with the plan's `version`: a record that moved since the
   dry run makes the run stale (a new dry run is required). Planned creations are guarded by the kind's unique keys.
3. **apply** — `await kind.apply(session, items, state)` writes the batch in the caller's transaction (bulk
   statements, no per-row events: imported history neither celebrates nor pushes) and returns, per item, a
   JSON-able `result`: what undo needs (the ids it created, the previous values of the fields it updated).
4. **undo** — `await kind.undo(session, items, state)` reverses applied rows in the caller's transaction (the
   whole run is undone in one): deletes what was created, restores what was updated. It raises
   `Blocked(code, line)` when something newer depends on a row (a created customer got a visit, an updated one was
   edited since); then nothing is undone.

Row errors are `RowError(code, column, value, params)`; messages.py holds each code's text in both languages (a
kind adds its own codes with `messages.add`). Values are parsed with imports/values.py. A kind's plan `changes`
and apply `result` must be JSON-able (they are stored): dates as ISO strings, Decimals as strings.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from podium.imports.values import Cell


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class Context:
    """What a parser may need besides the cell: the org's zone and the moment of the dry run."""

    zone: tzinfo
    now: datetime  # UTC
    today: date  # in the org's zone


Parser = Callable[[Cell, Context], Any]


@dataclass(frozen=True)
class Column:
    """A field a kind reads. `key` is stable (saved mappings name it); labels and synonyms match headers."""

    key: str
    en: str
    zh: str
    parse: Parser
    synonyms: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class RowError:
    code: str
    column: str | None = None  # a column key; None for the row as a whole
    value: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    def dump(self) -> dict[str, Any]:
        return {"code": self.code, "column": self.column, "value": self.value, "params": self.params}

    @staticmethod
    def load(data: dict[str, Any]) -> RowError:
        return RowError(data["code"], data.get("column"), data.get("value", ""), data.get("params") or {})


@dataclass(frozen=True)
class Candidate:
    """An existing record a row nearly matches: a person decides whether it is the same."""

    id: int
    label: str


@dataclass
class Row:
    """One data row whose mapped cells all parsed."""

    line: int  # its line in the file (the header is line 1)
    values: dict[str, Any]  # column key → parsed value; None when blank or not mapped
    shown: dict[str, str]  # column key → the cell as the file had it, for error messages
    # The admin's decision on a near match: None (none taken), "new", or the id of the record it is.
    decision: str | None = None


@dataclass
class Plan:
    outcome: Outcome
    target: int | None = None
    version: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)

    @staticmethod
    def error(*errors: RowError, candidates: list[Candidate] | None = None) -> Plan:
        return Plan(Outcome.ERROR, errors=list(errors), candidates=candidates or [])


@dataclass
class PlanState:
    """One run's planning: lives across its batches."""

    org_id: int
    context: Context
    cache: dict[str, Any] = field(default_factory=dict)
    _seen: dict[str, int] = field(default_factory=dict)

    def repeat(self, key: str, line: int) -> int | None:
        """The first line that had this identity, when the row at `line` repeats it; else None (and it is noted)."""
        first = self._seen.setdefault(key, line)
        return first if first != line else None


@dataclass(frozen=True)
class ApplyState:
    """One run's commit or undo."""

    org_id: int
    user_id: int  # who runs the import
    run_id: int
    now: datetime
    context: Context


@dataclass
class Item:
    """A planned row in the commit (result filled by apply) or in an undo (result as apply left it)."""

    line: int
    plan: Plan
    result: dict[str, Any] = field(default_factory=dict)


class Blocked(Exception):
    """Undo cannot go on: something newer depends on what this row did."""

    def __init__(self, code: str, line: int, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.line = line
        self.params = params


class Kind(ABC):
    name: ClassVar[str]  # "customers": in the API and saved mappings
    en: ClassVar[str]
    zh: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @abstractmethod
    async def plan(self, session: AsyncSession, rows: list[Row], state: PlanState) -> list[Plan]: ...

    @abstractmethod
    async def versions(self, session: AsyncSession, org_id: int, targets: list[int]) -> dict[int, str]: ...

    @abstractmethod
    async def apply(self, session: AsyncSession, items: list[Item], state: ApplyState) -> list[dict[str, Any]]: ...

    @abstractmethod
    async def undo(self, session: AsyncSession, items: list[Item], state: ApplyState) -> None: ...
