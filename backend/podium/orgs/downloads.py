"""The HTTP side every list export shares: who asks (session cookie), which format, refusals, the streamed file.

Each capability's `http.py` says which sheets its list becomes (with the list's own filters and scope rules)
and hands them here; the bytes come from core/sheets.py. A refusal is a coded JSON error in the caller's
language before any byte of the file is sent: 401 signed out, 403 not allowed, 404 a filter naming
something out of reach, 400 bad input.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from litestar import Request, Response
from litestar.response import Stream

from podium.core import sheets
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.i18n import Locale, parse_locale, translate
from podium.core.policies import Viewer
from podium.graphql.cookies import SESSION_COOKIE
from podium.graphql.ids import int_id
from podium.orgs import people
from podium.orgs import service as orgs

E = TypeVar("E", bound=Enum)

MAX_PARAM = 400
MAX_VALUES = 200


class Params:
    """A list's filters from the export URL's query string, under the names the list's GraphQL input uses;
    a value that does not parse is INVALID on its field (400), never a default silently applied."""

    def __init__(self, request: Request[Any, Any, Any]) -> None:
        self.query = request.query_params
        self.problems = Problems()

    def _all(self, name: str) -> list[str]:
        values = [v for raw in self.query.getall(name, []) for v in raw.split(",") if v.strip()]
        if len(values) > MAX_VALUES:
            self.problems.add(ErrorCode.TOO_MANY, name, max=MAX_VALUES)
            return []
        return values

    def text(self, name: str) -> str | None:
        value = self.query.get(name)
        if value is not None and len(value) > MAX_PARAM:
            self.problems.add(ErrorCode.TOO_LONG, name, max=MAX_PARAM)
            return None
        return value

    def texts(self, name: str) -> list[str]:
        return [v.strip() for v in self._all(name)]

    def ids(self, name: str) -> list[int]:
        return [int_id(v.strip()) for v in self._all(name)]

    def id(self, name: str) -> int | None:
        value = self.text(name)
        return int_id(value) if value else None

    def flag(self, name: str) -> bool | None:
        value = self.text(name)
        if value in (None, ""):
            return None
        if value not in ("true", "false"):
            self.problems.add(ErrorCode.INVALID, name)
            return None
        return value == "true"

    def moment(self, name: str) -> datetime | None:
        value = self.text(name)
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self.problems.add(ErrorCode.INVALID, name)
            return None
        return moment

    def day(self, name: str) -> date | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problems.add(ErrorCode.INVALID, name)
            return None

    def decimal(self, name: str) -> Decimal | None:
        value = self.text(name)
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.problems.add(ErrorCode.INVALID, name)
            return None
        return number

    def choice(self, name: str, choices: type[E], default: E) -> E:
        """An enum member by its GraphQL name (EXPECTED_CLOSE) or its value."""
        value = self.text(name)
        if not value:
            return default
        if value in choices.__members__:
            return choices[value]
        try:
            return choices(value)
        except ValueError:
            self.problems.add(ErrorCode.INVALID, name)
            return default

    def checked(self) -> None:
        self.problems.raise_if_any()


def who_columns(key: str, en: str, zh: str) -> list[sheets.Column]:
    """A person as exports name them: the name, and the email and employee number that identify them."""
    return [
        sheets.Column(key, en, zh), sheets.Column(f"{key}_email", f"{en} email", f"{zh}邮箱"),
        sheets.Column(f"{key}_number", f"{en} employee no.", f"{zh}工号"),
    ]


def who_cells(directory: Mapping[int, people.Who], user_id: int | None) -> tuple[str | None, str | None, str | None]:
    who = directory.get(user_id) if user_id is not None else None
    return (who.name, who.email, who.employee_number) if who else (None, None, None)


Build = Callable[[Env, Viewer], Awaitable[Sequence[sheets.Sheet]]]
STATUS = {ErrorCode.UNAUTHENTICATED: 401, ErrorCode.FORBIDDEN: 403, ErrorCode.NOT_FOUND: 404}


def refusal(exc: DomainError, locale: Locale) -> Response[bytes]:
    body = {"errors": [{"field": p.field, "code": p.code.value, "message": translate(p.code.value, locale, **p.params)} for p in exc.problems]}
    status = STATUS.get(exc.problems[0].code, 400)
    return Response(json.dumps(body, ensure_ascii=False).encode(), status_code=status, media_type="application/json")


async def download(request: Request[Any, Any, Any], stem: str, fmt: str, build: Build, *, dated: bool = True) -> Response[Any]:
    """`build`'s sheets as `stem-YYYY-MM-DD.csv|xlsx` (the day in the org's zone), or a coded refusal."""
    env: Env = request.app.state.runtime.env
    viewer = await orgs.viewer_for_token(env, request.cookies.get(SESSION_COOKIE))
    locale = viewer.locale if viewer else parse_locale(request.headers.get("accept-language"))
    try:
        if viewer is None:
            raise DomainError.one(ErrorCode.UNAUTHENTICATED)
        if viewer.is_display:
            raise DomainError.one(ErrorCode.FORBIDDEN)
        if fmt not in sheets.MEDIA_TYPES:
            raise DomainError.one(ErrorCode.INVALID, "format")
        book = await build(env, viewer)
    except DomainError as exc:
        return refusal(exc, locale)
    async with env.db() as session:
        zone = await orgs.org_time_zone(session, viewer.org_id)
    body = await sheets.render(fmt, book, viewer.locale, zone)
    name = f"{stem}-{env.clock().astimezone(ZoneInfo(zone)).date().isoformat()}" if dated else stem
    headers = {"content-disposition": f'attachment; filename="{name}.{fmt}"', "cache-control": "no-store"}
    return Stream(body, media_type=sheets.MEDIA_TYPES[fmt], headers=headers)
