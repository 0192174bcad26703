"""Domain errors: expected failures a user can fix, carried as data to the API layer."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_LONG = "TOO_LONG"
    IN_FUTURE = "IN_FUTURE"
    TOO_OLD = "TOO_OLD"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    RATE_LIMITED = "RATE_LIMITED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    TOO_PRECISE = "TOO_PRECISE"
    CONFLICT = "CONFLICT"
    CLOSED = "CLOSED"
    MISMATCH = "MISMATCH"
    LOCKED = "LOCKED"
    DISPUTED = "DISPUTED"
    NOT_ENDED = "NOT_ENDED"
    STALE = "STALE"
    OVERLAP = "OVERLAP"
    TOO_EARLY = "TOO_EARLY"
    CHECKED_OUT = "CHECKED_OUT"
    DECIDED = "DECIDED"
    NOT_FLAGGED = "NOT_FLAGGED"
    TOO_MANY = "TOO_MANY"
    TOO_LARGE = "TOO_LARGE"
    DUPLICATE = "DUPLICATE"
    INSUFFICIENT = "INSUFFICIENT"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    RETIRED = "RETIRED"
    INVALID_TEXT = "INVALID_TEXT"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"
    USED = "USED"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    ALREADY_SET_UP = "ALREADY_SET_UP"
    CYCLE = "CYCLE"
    NOT_EMPTY = "NOT_EMPTY"
    MISSING_SCOPE = "MISSING_SCOPE"
    FILE_TYPE = "FILE_TYPE"
    FILE_EMPTY = "FILE_EMPTY"
    FILE_NO_ROWS = "FILE_NO_ROWS"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_TOO_MANY_ROWS = "FILE_TOO_MANY_ROWS"
    PLAN_STALE = "PLAN_STALE"
    UNDO_BLOCKED = "UNDO_BLOCKED"
    IMPORT_STATE = "IMPORT_STATE"
    INTERNAL = "INTERNAL"
    UNKNOWN_STAGE = "UNKNOWN_STAGE"
    UNKNOWN_PERSON = "UNKNOWN_PERSON"
    AMBIGUOUS_PERSON = "AMBIGUOUS_PERSON"
    UNKNOWN_PRODUCT = "UNKNOWN_PRODUCT"
    UNKNOWN_CUSTOMER = "UNKNOWN_CUSTOMER"


@dataclass(frozen=True)
class Problem:
    code: ErrorCode
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


class DomainError(Exception):
    """Raised by services for input or permission problems; never for bugs."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__(", ".join(f"{p.field or '-'}:{p.code}" for p in problems))
        self.problems = list(problems)

    @classmethod
    def one(cls, code: ErrorCode, field: str | None = None, **params: Any) -> DomainError:
        return cls(Problem(code, field, params))


class Problems:
    """Collects every problem of one input, so a form shows them all at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, code: ErrorCode, field: str | None = None, **params: Any) -> None:
        self.items.append(Problem(code, field, params))

    def raise_if_any(self) -> None:
        if self.items:
            raise DomainError(*self.items)
