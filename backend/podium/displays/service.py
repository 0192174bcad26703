"""Pairing office TVs with a short code, their playlists, and the read-only viewer a TV's token stands for."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import transaction
from podium.displays.events import DisplayRevoked
from podium.core.i18n import Locale, parse_locale
from podium.core.periods import PeriodKind
from podium.core.policies import BoardGrant, Role, Viewer, can_view_team
from podium.displays.models import Display, DisplayBoard, DisplayPairing
from podium.leaderboards import service as leaderboards
from podium.leaderboards.service import Metric, Scope
from podium.orgs import tree

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read off a wall from across the room is typed right.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 6
PAIRING_TTL = timedelta(minutes=10)
POLL_SECONDS = 2
# Per client address: a TV asks for a new code every ten minutes; an office may pair a few at once.
PAIRINGS_PER_WINDOW = 20
PAIRING_WINDOW_SECONDS = 10 * 60
# Per manager: a wrong code is a typo; dozens are someone guessing.
PAIR_ATTEMPTS = 10
PAIR_WINDOW_SECONDS = 15 * 60
MAX_BOARDS = 12
MAX_NAME = 120
ROTATE_MIN, ROTATE_MAX = 10, 600
SEEN_EVERY = timedelta(minutes=5)
# Published on the org's channel with the display's id; its socket closes on every instance.
REVOKED = DisplayRevoked.name


@dataclass(frozen=True)
class Pairing:
    code: str
    secret: str
    expires_at: datetime


@dataclass(frozen=True)
class Claim:
    """What a waiting TV learns when it polls: still waiting, paired (with its token, once), or gone."""

    status: str  # "waiting" | "paired" | "expired"
    token: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class BoardChoice:
    period: PeriodKind
    scope: Scope
    team_id: int | None
    metric: Metric


@dataclass(frozen=True)
class DisplayView:
    id: int
    name: str
    rotate_seconds: int
    boards: tuple[BoardChoice, ...]
    created_at: datetime
    paired: bool  # the TV has collected its token
    last_seen_at: datetime | None
    team_names: dict[int, str]
    locale: Locale


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_code(raw: str) -> str:
    """What the manager typed, as stored: upper case, separators and spaces dropped."""
    return re.sub(r"[^0-9A-Z]", "", raw.upper())[: CODE_LENGTH + 2]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def start_pairing(env: Env, *, client_address: str) -> Pairing:
    """A new code for an unpaired TV; the secret lets only that TV collect the token."""
    if not await env.limiter.hit(f"pairing:addr:{client_address}", PAIRINGS_PER_WINDOW, PAIRING_WINDOW_SECONDS):
        raise DomainError.one(ErrorCode.RATE_LIMITED)
    now = env.clock()
    secret = secrets.token_urlsafe(32)
    async with transaction(env.db) as tx:
        # Expired pairings free their codes; a paired one still waiting for its TV keeps its row until then.
        await tx.session.execute(delete(DisplayPairing).where(DisplayPairing.expires_at < now))
        for _ in range(8):
            pairing = DisplayPairing(code=_new_code(), secret_hash=_hash(secret), created_at=now, expires_at=now + PAIRING_TTL)
            tx.session.add(pairing)
            try:
                async with tx.session.begin_nested():
                    await tx.session.flush()
                break
            except IntegrityError:
                continue  # a live code drawn twice: draw again
        else:  # pragma: no cover - 25^6 codes against a handful alive
            raise RuntimeError("no free pairing code")
    return Pairing(pairing.code, secret, pairing.expires_at)


async def claim(env: Env, secret: str) -> Claim:
    """The TV's poll. Once a manager has paired the code, the first poll gets a fresh token and the pairing is gone."""
    if not secret or len(secret) > 200:
        return Claim("expired")
    now = env.clock()
    async with transaction(env.db) as tx:
        pairing = await tx.session.scalar(select(DisplayPairing).where(DisplayPairing.secret_hash == _hash(secret)))
        if pairing is None or (pairing.display_id is None and pairing.expires_at <= now):
            return Claim("expired")
        if pairing.display_id is None:
            return Claim("waiting", expires_at=pairing.expires_at)
        display = await tx.session.get(Display, pairing.display_id)
        await tx.session.delete(pairing)
        if display is None or display.revoked_at is not None:
            return Claim("expired")
        token = secrets.token_urlsafe(32)
        display.token_hash = _hash(token)
        display.last_seen_at = now
    return Claim("paired", token=token)


def _require_manager(viewer: Viewer) -> None:
    if not viewer.is_manager_or_admin:
        raise DomainError.one(ErrorCode.FORBIDDEN)


async def pair_display(
    env: Env, viewer: Viewer, *, code: str, name: str, boards: list[BoardChoice], rotate_seconds: int
) -> DisplayView:
    """A manager names the TV showing `code` and chooses its boards; its next poll collects the token."""
    _require_manager(viewer)
    problems = Problems()
    name = name.strip()
    if not name:
        problems.add(ErrorCode.REQUIRED, "name")
    elif len(name) > MAX_NAME:
        problems.add(ErrorCode.TOO_LONG, "name", max=MAX_NAME)
    if not ROTATE_MIN <= rotate_seconds <= ROTATE_MAX:
        problems.add(ErrorCode.OUT_OF_RANGE, "rotateSeconds", min=ROTATE_MIN, max=ROTATE_MAX)
    if not boards:
        problems.add(ErrorCode.REQUIRED, "boards")
    elif len(boards) > MAX_BOARDS:
        problems.add(ErrorCode.OUT_OF_RANGE, "boards", min=1, max=MAX_BOARDS)
    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH:
        problems.add(ErrorCode.INVALID, "code")
    problems.raise_if_any()
    chosen: list[BoardChoice] = []
    for index, board in enumerate(boards):
        # Only boards the manager may see themselves: a TV never shows more than the person who paired it.
        try:
            ref = await leaderboards.resolve_board(env, viewer, board.period, board.scope, board.team_id, board.metric)
        except DomainError as exc:
            raise DomainError.one(exc.problems[0].code, f"boards.{index}.{exc.problems[0].field or 'scope'}") from exc
        choice = BoardChoice(ref.kind, ref.scope, ref.team_id, ref.metric)
        if choice not in chosen:
            chosen.append(choice)
    if not await env.limiter.hit(f"pairing:user:{viewer.user_id}", PAIR_ATTEMPTS, PAIR_WINDOW_SECONDS):
        raise DomainError.one(ErrorCode.RATE_LIMITED, "code")
    now = env.clock()
    async with transaction(env.db) as tx:
        pairing = await tx.session.scalar(
            select(DisplayPairing).where(DisplayPairing.code == normalized).with_for_update()
        )
        if pairing is None or pairing.expires_at <= now or pairing.display_id is not None:
            raise DomainError.one(ErrorCode.NOT_FOUND, "code")
        display = Display(
            org_id=viewer.org_id, name=name, rotate_seconds=rotate_seconds, locale=viewer.locale.value,
            paired_by=viewer.user_id, created_at=now,
        )
        tx.session.add(display)
        await tx.session.flush()
        tx.session.add_all(
            DisplayBoard(display_id=display.id, position=i, period=b.period.value, team_id=b.team_id, metric=b.metric.value)
            for i, b in enumerate(chosen)
        )
        pairing.display_id = display.id
        # The TV has a few minutes to collect its token, whatever was left of the code's ten.
        pairing.expires_at = max(pairing.expires_at, now + timedelta(minutes=2))
    (view,) = await _views(env, [display])
    return view


async def _manageable(env: Env, viewer: Viewer) -> list[Display]:
    """Admins: every live display of the org; managers: those paired by someone in their subtree (themselves included)."""
    _require_manager(viewer)
    async with env.db() as session:
        rows = list(
            await session.scalars(
                select(Display).where(Display.org_id == viewer.org_id, Display.revoked_at.is_(None)).order_by(Display.id)
            )
        )
        if viewer.is_admin:
            return rows
        _, reach = await tree.reach(session, viewer)
    return [d for d in rows if d.paired_by is not None and reach.sees_user(d.paired_by)]


async def _views(env: Env, displays: list[Display]) -> list[DisplayView]:
    if not displays:
        return []
    async with env.db() as session:
        rows = await session.scalars(
            select(DisplayBoard)
            .where(DisplayBoard.display_id.in_([d.id for d in displays]))
            .order_by(DisplayBoard.display_id, DisplayBoard.position)
        )
        boards: dict[int, list[BoardChoice]] = {}
        for row in rows:
            boards.setdefault(row.display_id, []).append(_choice(row))
        names = await team_names(session, displays[0].org_id)
    return [
        DisplayView(
            d.id, d.name, d.rotate_seconds, tuple(boards.get(d.id, [])), d.created_at, d.token_hash is not None, d.last_seen_at, names,
            parse_locale(d.locale),
        )
        for d in displays
    ]


async def team_names(session: AsyncSession, org_id: int) -> dict[int, str]:
    return {unit.id: unit.name for unit in (await tree.load_tree(session, org_id)).units.values()}


async def pairable_teams(env: Env, viewer: Viewer) -> list[tuple[int, str]]:
    """Teams whose boards this manager may put on a TV: an admin's whole org, a manager the units in their reach."""
    _require_manager(viewer)
    async with env.db() as session:
        names = await team_names(session, viewer.org_id)
        _, reach = await tree.reach(session, viewer)
    return sorted(
        ((tid, name) for tid, name in names.items() if can_view_team(viewer, tid, reach.unit_ids)), key=lambda t: (t[1], t[0])
    )


def _choice(row: DisplayBoard) -> BoardChoice:
    return BoardChoice(
        PeriodKind(row.period), Scope.TEAM if row.team_id is not None else Scope.ORG, row.team_id, Metric(row.metric)
    )


async def list_displays(env: Env, viewer: Viewer) -> list[DisplayView]:
    return await _views(env, await _manageable(env, viewer))


async def revoke_display(env: Env, viewer: Viewer, display_id: int) -> DisplayView:
    """The TV's token stops working at once; its open sockets are closed by the revocation event."""
    allowed = {d.id for d in await _manageable(env, viewer)}
    if display_id not in allowed:
        raise DomainError.one(ErrorCode.NOT_FOUND, "id")
    async with transaction(env.db) as tx:
        display = await tx.session.get_one(Display, display_id)
        display.token_hash = None
        display.revoked_at = env.clock()
        await tx.session.execute(delete(DisplayPairing).where(DisplayPairing.display_id == display_id))
        tx.record(DisplayRevoked(org_id=display.org_id, id=display_id))
    (view,) = await _views(env, [display])
    return view


async def viewer_for_token(env: Env, token: str | None) -> Viewer | None:
    """The display a TV's cookie stands for, as a read-only Viewer; None once revoked."""
    if not token or len(token) > 200:
        return None
    async with env.db() as session:
        display = await session.scalar(
            select(Display).where(Display.token_hash == _hash(token), Display.revoked_at.is_(None))
        )
        if display is None:
            return None
        rows = await session.scalars(select(DisplayBoard).where(DisplayBoard.display_id == display.id))
        grants = frozenset(
            BoardGrant(r.period, Scope.TEAM.value if r.team_id is not None else Scope.ORG.value, r.team_id, r.metric) for r in rows
        )
    now = env.clock()
    if display.last_seen_at is None or now - display.last_seen_at > SEEN_EVERY:
        # At most one write per display every few minutes: enough for "last seen" in the list.
        async with transaction(env.db) as tx:
            seen = await tx.session.get(Display, display.id)
            if seen is not None:
                seen.last_seen_at = now
    return Viewer(
        user_id=0, org_id=display.org_id, team_id=None, role=Role.DISPLAY, locale=parse_locale(display.locale),
        name=display.name, display_id=display.id, boards=grants,
    )


async def my_display(env: Env, viewer: Viewer) -> DisplayView:
    if not viewer.is_display or viewer.display_id is None:
        raise DomainError.one(ErrorCode.FORBIDDEN)
    async with env.db() as session:
        display = await session.get_one(Display, viewer.display_id)
    (view,) = await _views(env, [display])
    return view


async def still_valid(env: Env, display_id: int) -> bool:
    async with env.db() as session:
        display = await session.get(Display, display_id)
    return display is not None and display.revoked_at is None and display.token_hash is not None
