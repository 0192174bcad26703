"""GraphQL over HTTP (POST) and WebSocket at /graphql, and GraphiQL in development."""

from __future__ import annotations

import json
import time
from functools import partial
from typing import Any

from graphql import GraphQLError
from litestar import Controller, Request, Response, WebSocket, get, post, websocket
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException
from strawberry.http.ides import get_graphql_ide_html
from strawberry.types.graphql import OperationType

from podium.core.errors import ErrorCode
from podium.core.events import Provenance, acting
from podium.core.i18n import Locale, parse_locale, translate
from podium.core.policies import Viewer
from podium.displays import service as displays
from podium.graphql.context import Context
from podium.graphql.cookies import DISPLAY_COOKIE, SESSION_COOKIE, origin_ok
from podium.graphql.schema import schema
from podium.orgs import service as orgs
from podium.realtime.ending import Credential
from podium.realtime.ws import handle_socket
from podium.tokens import service as tokens

MAX_BODY = 1_048_576
ALLOWED = {OperationType.QUERY, OperationType.MUTATION}
TOKEN_WINDOW_SECONDS = 60


def bearer_of(connection: Request[Any, Any, Any] | WebSocket[Any, Any, Any]) -> str | None:
    """The API token of an `Authorization: Bearer …` header; "" for a malformed one, None without the header."""
    header = connection.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def provenance_of(context: Context, user_agent: str) -> Provenance | None:
    """Who is behind a request's changes and from where, for the events it records (the audit log)."""
    viewer = context.viewer
    if viewer is None:
        return Provenance(ip=context.client_address[:64], user_agent=user_agent[:400])
    return Provenance(
        user_id=viewer.user_id or None, token_id=viewer.token_id, name=viewer.name, email=viewer.email,
        ip=context.client_address[:64], user_agent=user_agent[:400],
    )


async def build_context(connection: Request[Any, Any, Any] | WebSocket[Any, Any, Any], token_viewer: Viewer | None = None) -> Context:
    """The caller of a request: a token's principal when given (cookies are then ignored), else the cookies'."""
    runtime = connection.app.state.runtime
    env = runtime.env
    token = connection.cookies.get(SESSION_COOKIE) if token_viewer is None else None
    viewer: Viewer | None = token_viewer
    # What a socket opened with this context lives no longer than (realtime/ending.py).
    credential: Credential | None = None
    if token_viewer is None and (signed_in := await orgs.signed_in(env, token)) is not None:
        viewer, session_id = signed_in.viewer, signed_in.session_id
        valid = partial(orgs.session_valid, env, session_id)
        credential = Credential(viewer.org_id, orgs.SESSIONS_ENDED, session_id, valid, signed_in.expires_at)
    elif token_viewer is None and DISPLAY_COOKIE in connection.cookies:
        viewer = await displays.viewer_for_token(env, connection.cookies.get(DISPLAY_COOKIE))
        if viewer is not None and viewer.display_id is not None:
            valid = partial(displays.still_valid, env, viewer.display_id)
            credential = Credential(viewer.org_id, displays.REVOKED, viewer.display_id, valid)
    locale = viewer.locale if viewer else parse_locale(connection.headers.get("accept-language"))
    client = connection.client.host if connection.client else "unknown"
    return Context(
        env=env, hub=runtime.hub, viewer=viewer, locale=locale, client_address=client, session_token=token,
        credential=credential, base_url=str(connection.base_url).rstrip("/"),
    )


async def caller(request: Request[Any, Any, Any]) -> Viewer | None:
    """The signed-in person, else the paired TV: app.py provides it to any route that asks for `caller`."""
    env = request.app.state.runtime.env
    viewer = await orgs.viewer_for_token(env, request.cookies.get(SESSION_COOKIE))
    if viewer is None and DISPLAY_COOKIE in request.cookies:
        viewer = await displays.viewer_for_token(env, request.cookies.get(DISPLAY_COOKIE))
    return viewer


class GraphQLController(Controller):
    path = "/graphql"

    @post(request_max_body_size=MAX_BODY, status_code=200)
    async def execute(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        if not request.headers.get("content-type", "").startswith("application/json"):
            # JSON only: a cross-site form can never carry the session cookie into a mutation.
            raise HTTPException(status_code=415, detail="Send application/json.")
        if not origin_ok(request):
            raise HTTPException(status_code=403, detail="Origin not allowed.")
        try:
            body = json.loads(await request.body())
            query = body["query"]
            variables = body.get("variables") or {}
            operation_name = body.get("operationName")
            if not isinstance(query, str) or not isinstance(variables, dict):
                raise TypeError
        except (ValueError, KeyError, TypeError, AttributeError):
            return _json({"errors": [GraphQLError("Send a JSON object with a `query` string.").formatted]}, 400)
        token_viewer: Viewer | None = None
        if (bearer := bearer_of(request)) is not None:
            # An API token: it alone decides who the caller is; a cookie sent along is ignored (docs/api.md).
            refused = await self._token(request, bearer)
            if isinstance(refused, Response):
                return refused
            token_viewer = refused
        context = await build_context(request, token_viewer)
        with acting(provenance_of(context, request.headers.get("user-agent", ""))):
            result = await schema.execute(
                query, variables, context, operation_name=operation_name, allowed_operation_types=ALLOWED
            )
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [e.formatted for e in result.errors]
        response = _json(payload, 200)
        if token_viewer is not None:
            return response  # a token's request never sets or clears the session cookie
        secure = request.app.state.runtime.settings.http.secure_cookies
        days = request.app.state.runtime.settings.security.session_days
        for change in context.cookie_changes:
            response.set_cookie(
                Cookie(
                    key=SESSION_COOKIE,
                    value=change.token or "",
                    max_age=days * 86400 if change.token else 0,
                    httponly=True,
                    samesite="lax",
                    secure=secure,
                    path="/",
                )
            )
        return response

    async def _token(self, request: Request[Any, Any, Any], bearer: str) -> Viewer | Response[bytes]:
        """The token's principal, or the 401 / 429 answer that refuses the request."""
        env = request.app.state.runtime.env
        locale = parse_locale(request.headers.get("accept-language"))
        client = request.client.host if request.client else "unknown"
        viewer = await tokens.authenticate(env, bearer, client) if bearer else None
        if viewer is None:
            response = _coded(ErrorCode.UNAUTHENTICATED, locale, 401)
            response.headers["WWW-Authenticate"] = 'Bearer realm="podium", error="invalid_token"'
            return response
        limit = env.settings.tokens.requests_per_minute
        if not await env.limiter.hit(f"token:{viewer.token_id}", limit, TOKEN_WINDOW_SECONDS):
            response = _coded(ErrorCode.RATE_LIMITED, viewer.locale, 429)
            response.headers["Retry-After"] = str(TOKEN_WINDOW_SECONDS - int(time.time()) % TOKEN_WINDOW_SECONDS)
            return response
        return viewer

    @get(include_in_schema=False)
    async def ide(self, request: Request[Any, Any, Any]) -> Response[str]:
        if not request.app.state.runtime.settings.http.graphiql:
            raise HTTPException(status_code=404)
        return Response(get_graphql_ide_html("graphiql"), media_type="text/html")

    @websocket()
    async def socket(self, socket: WebSocket[Any, Any, Any]) -> None:
        settings = socket.app.state.runtime.settings
        if bearer_of(socket) is not None:
            # API tokens are for GraphQL over HTTP only: live screens belong to people's sessions and paired TVs.
            await socket.close(code=4403, reason="Forbidden")
            return
        await handle_socket(
            socket,
            context_for=build_context,
            allowed_origins=settings.http.allowed_origins,
            shared=settings.realtime.shared_fanout,
            max_subscriptions=settings.realtime.max_subscriptions,
            init_timeout=settings.realtime.init_timeout,
        )


def _coded(code: ErrorCode, locale: Locale, status: int) -> Response[bytes]:
    error = {"message": translate(code.value, locale), "extensions": {"code": code.value}}
    return _json({"data": None, "errors": [error]}, status)


def _json(payload: dict[str, Any], status: int) -> Response[bytes]:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(body, status_code=status, media_type="application/json")
