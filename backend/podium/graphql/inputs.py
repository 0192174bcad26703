"""Every input value of every root field checked once, before any resolver sees it.

Text that no database stores cleanly (a NUL byte, a lone surrogate, a control character) and
dates outside the calendar the app can compute with are refused here, so no service can forget
to. A mutation answers its OperationError naming the field; anything else a coded error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from graphql import FieldNode, GraphQLField, GraphQLNamedType, get_named_type
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.extensions import FieldExtension
from strawberry.types import Info

from podium.core.errors import DomainError, ErrorCode, Problem
from podium.core.periods import FIRST_YEAR, LAST_YEAR
from podium.graphql.errors import operation_error

# C0 and C1 controls except tab, line feed and carriage return; UTF-16 halves that JSON's \ud800 lets through.
BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _problems(value: Any, path: list[str]) -> Iterator[Problem]:
    if isinstance(value, str):
        if BAD_TEXT.search(value):
            yield Problem(ErrorCode.INVALID_TEXT, ".".join(path))
    elif isinstance(value, date):  # datetimes too
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            yield Problem(ErrorCode.OUT_OF_RANGE, ".".join(path), {"min": FIRST_YEAR, "max": LAST_YEAR})
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _problems(item, [*path, key])
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _problems(item, [*path, str(index)])


def input_problems(field: GraphQLField, node: FieldNode, variables: VariableValues | dict[str, Any] | None) -> DomainError | None:
    """What is wrong with a root field's arguments; fields are named as services name them (`note`, `lines.0.name`)."""
    if not isinstance(variables, VariableValues):
        # A resolver's info carries the coerced values only; argument coercion needs the pair.
        variables = VariableValues({}, variables or {})
    found: list[Problem] = []
    for name, value in get_argument_values(field, node, variables).items():
        # The one `input` object is implied: its fields are named without it.
        found.extend(_problems(value, [] if name == "input" else [name]))
    return DomainError(*found) if found else None


def _answers_operation_error(return_type: Any) -> bool:
    named: GraphQLNamedType = get_named_type(return_type)
    return any(t.name == "OperationError" for t in getattr(named, "types", ()))


class InputGuard(FieldExtension):
    """On every root query and mutation field (schema.py adds it)."""

    def _check(self, info: Info) -> Any:
        raw = info._raw_info
        error = input_problems(raw.parent_type.fields[raw.field_name], raw.field_nodes[0], raw.variable_values)
        if error is None:
            return None
        if _answers_operation_error(raw.return_type):
            return operation_error(error, info.context.locale)
        raise error

    def resolve(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        refused = self._check(info)
        return refused if refused is not None else next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Info, **kwargs: Any) -> Any:
        refused = self._check(info)
        return refused if refused is not None else await next_(source, info, **kwargs)
