"""What a paired TV may ask for: the one place that knows it.

A display is a read-only viewer. It may run the few root fields the TV screen needs, a board
only when it is one of the boards it was paired with, and never a mutation. Every path that
runs an operation asks `check_operation` first: the schema extension (HTTP, and operations
Strawberry runs on the socket) and the socket's shared live subscriptions (realtime/ws.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import Enum
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_operation_ast,
)
from graphql.execution.values import get_argument_values, get_variable_values

from podium.core.errors import DomainError, ErrorCode
from podium.core.policies import BoardGrant, Viewer


def _any(viewer: Viewer, args: dict[str, Any]) -> bool:
    return True


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    return str(value.value if isinstance(value, Enum) else value).lower()


def _board(viewer: Viewer, args: dict[str, Any]) -> bool:
    """Exactly one of the boards the display was paired with."""
    team = _plain(args.get("teamId"))
    if team is not None and not team.isdigit():
        return False
    grant = BoardGrant(
        period=_plain(args.get("period")) or "",
        scope=_plain(args.get("scope")) or "",
        team_id=int(team) if team is not None else None,
        metric=_plain(args.get("metric")) or "points",
    )
    return grant in viewer.boards


def _kpi_scope(viewer: Viewer, args: dict[str, Any]) -> bool:
    """A scope of one of its boards: the team of a team board, the org (no team) for an org board."""
    team = _plain(args.get("teamId"))
    if team is None:
        return any(grant.scope == "org" for grant in viewer.boards)
    return team.isdigit() and any(grant.scope == "team" and grant.team_id == int(team) for grant in viewer.boards)


def _recent(viewer: Viewer, args: dict[str, Any]) -> bool:
    return int(args.get("first", 10)) <= 20


# Root fields a display may run (queries and subscriptions only), with the check of their arguments.
DISPLAY_FIELDS: dict[OperationType, dict[str, Callable[[Viewer, dict[str, Any]], bool]]] = {
    OperationType.QUERY: {
        "__typename": _any,
        "me": _any,  # null for a display: the TV learns it is not a person
        "myDisplay": _any,
        "leaderboard": _board,
        "recentCelebrations": _recent,
        # The org's contests rotate on every TV of the org (they are public within it, like celebrations).
        "contests": _any,
        "contest": _any,
        "tvKpis": _kpi_scope,  # the KPI tiles of a team or the org it shows a board of
    },
    OperationType.SUBSCRIPTION: {
        "leaderboardChanged": _board,
        "celebrations": _any,
        "contestStandingsChanged": _any,
        "tvKpisChanged": _kpi_scope,
    },
}


def _root_fields(selection_set: SelectionSetNode, document: DocumentNode) -> Iterator[FieldNode]:
    fragments = {d.name.value: d for d in document.definitions if hasattr(d, "type_condition") and hasattr(d, "name")}
    stack = [selection_set]
    seen: set[str] = set()
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    stack.append(fragment.selection_set)  # type: ignore[attr-defined]


def check_operation(
    viewer: Viewer | None,
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> None:
    """Raise FORBIDDEN when a display asks for anything it was not paired for; people pass untouched."""
    if viewer is None or not viewer.is_display:
        return
    operation: OperationDefinitionNode | None = get_operation_ast(document, operation_name)
    if operation is None:
        return  # graphql-core reports it
    allowed = DISPLAY_FIELDS.get(operation.operation)
    root: GraphQLObjectType | None = {
        OperationType.QUERY: schema.query_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }.get(operation.operation)
    if allowed is None or root is None:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return  # invalid variables: graphql-core refuses the operation anyway
    for node in _root_fields(operation.selection_set, document):
        name = node.name.value
        check = allowed.get(name)
        if check is None:
            raise DomainError.one(ErrorCode.FORBIDDEN)
        if name == "__typename":
            continue
        field = root.fields.get(name)
        if field is None:
            raise DomainError.one(ErrorCode.FORBIDDEN)
        try:
            args = get_argument_values(field, node, coerced)
        except Exception as exc:  # a bad argument: refused rather than guessed at
            raise DomainError.one(ErrorCode.FORBIDDEN) from exc
        if not check(viewer, args):
            raise DomainError.one(ErrorCode.FORBIDDEN)
