"""Domain errors as GraphQL data: mutations return OperationError, queries a coded error."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from graphql import GraphQLError

from podium.core.errors import DomainError, ErrorCode
from podium.core.i18n import Locale, translate

T = TypeVar("T")
log = logging.getLogger(__name__)

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


def present_errors(errors: list[GraphQLError], locale: Locale) -> list[GraphQLError]:
    """Make errors fit for a client, in place; returns the ones left for ordinary logging.

    A domain error becomes a coded, translated GraphQL error. Any other exception raised while
    executing is a bug: its text may carry SQL or figures, so the client gets INTERNAL and a
    request id, and the log gets the id with the traceback. GraphQL's own errors (syntax,
    validation, input coercion) have no original exception, or a GraphQLError, and stay as they are.
    """
    ordinary: list[GraphQLError] = []
    request_id: str | None = None
    for error in errors:
        original = error.original_error
        if isinstance(original, DomainError):
            problem = original.problems[0]
            error.message = translate(problem.code.value, locale, **problem.params)
            error.extensions = {"code": problem.code.value, "field": problem.field}
        elif original is not None and not isinstance(original, GraphQLError):
            request_id = request_id or uuid.uuid4().hex[:16]
            where = ".".join(str(p) for p in error.path) if error.path else "operation"
            log.error("unexpected error at %s [request %s]", where, request_id, exc_info=original)
            error.message = translate(ErrorCode.INTERNAL.value, locale, requestId=request_id)
            error.extensions = {"code": ErrorCode.INTERNAL.value, "requestId": request_id}
        else:
            ordinary.append(error)
    return ordinary
