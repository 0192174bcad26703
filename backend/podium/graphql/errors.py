"""Domain errors as GraphQL data: mutations return OperationError, queries a coded error."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from graphql import GraphQLError

from podium.core.errors import DomainError, ErrorCode
from podium.core.i18n import Locale, translate

T = TypeVar("T")

ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode")


@strawberry.type
class FieldError:
    field: str | None = strawberry.field(description="Input field in camelCase, dotted for nested inputs; null for the whole operation.")
    code: ErrorCodeEnum
    message: str = strawberry.field(description="In the caller's language.")


@strawberry.type(description="The operation changed nothing; each entry says what to fix.")
class OperationError:
    errors: list[FieldError]


def operation_error(exc: DomainError, locale: Locale) -> OperationError:
    return OperationError(
        errors=[FieldError(field=p.field, code=p.code, message=translate(p.code.value, locale, **p.params)) for p in exc.problems]
    )


async def attempt(locale: Locale, action: Callable[[], Awaitable[T]]) -> T | OperationError:
    """Run a mutation's action; a domain error becomes the typed OperationError result."""
    try:
        return await action()
    except DomainError as exc:
        return operation_error(exc, locale)


def localize_graphql_errors(errors: list[GraphQLError], locale: Locale) -> list[GraphQLError]:
    """A domain error raised in a query becomes a coded, translated GraphQL error."""
    for error in errors:
        original = error.original_error
        if isinstance(original, DomainError):
            problem = original.problems[0]
            error.message = translate(problem.code.value, locale, **problem.params)
            error.extensions = {"code": problem.code.value, "field": problem.field}
    return errors
