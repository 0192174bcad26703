"""People: me, sign in and out, language."""

from __future__ import annotations

from typing import Annotated

import strawberry

from podium.core.i18n import Locale
from podium.core.policies import Role
from podium.graphql.context import CookieChange, Info
from podium.graphql.errors import OperationError, attempt
from podium.orgs import service
from podium.orgs.service import Profile, PublicUser

RoleEnum = strawberry.enum(Role, name="Role")
LocaleEnum = strawberry.enum(Locale, name="Locale")


@strawberry.type
class Team:
    id: strawberry.ID
    name: str


@strawberry.type
class User:
    id: strawberry.ID
    name: str
    initials: str
    role: RoleEnum
    team: Team | None
    avatar_color: str
    photo_url: str | None = strawberry.field(default=None, description="The profile photo (512 px square JPEG); null: show the initials.")

    @classmethod
    def of(cls, user: PublicUser) -> User:
        team = Team(id=strawberry.ID(str(user.team_id)), name=user.team_name or "") if user.team_id else None
        return cls(
            id=strawberry.ID(str(user.id)),
            name=user.name,
            initials=user.initials,
            role=user.role,
            team=team,
            avatar_color=user.avatar_color,
            photo_url=user.photo_url,
        )


@strawberry.type
class Org:
    id: strawberry.ID
    name: str
    time_zone: str
    currency: str


@strawberry.type
class Me:
    user: User
    email: str
    locale: LocaleEnum
    org: Org

    @classmethod
    def of(cls, profile: Profile) -> Me:
        return cls(
            user=User.of(profile.user),
            email=profile.email,
            locale=profile.locale,
            org=Org(
                id=strawberry.ID(str(profile.org_id)),
                name=profile.org_name,
                time_zone=profile.time_zone,
                currency=profile.currency,
            ),
        )


@strawberry.type
class LoginSuccess:
    me: Me


LoginResult = Annotated[LoginSuccess | OperationError, strawberry.union("LoginResult")]


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in person; null when signed out.")
    async def me(self, info: Info) -> Me | None:
        viewer = info.context.viewer
        # A paired TV (role DISPLAY) is no person: null, and it asks for `myDisplay` instead.
        return Me.of(await service.profile(info.context.env, viewer)) if viewer and not viewer.is_display else None


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Sign in; sets the session cookie. The error never tells whether the email exists.")
    async def login(self, info: Info, email: str, password: str) -> LoginResult:
        ctx = info.context

        async def action() -> LoginSuccess:
            viewer, token = await service.login(ctx.env, email=email, password=password, client_address=ctx.client_address)
            ctx.cookie_changes.append(CookieChange(token))
            return LoginSuccess(me=Me.of(await service.profile(ctx.env, viewer)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Sign out this session.")
    async def logout(self, info: Info) -> bool:
        ctx = info.context
        if ctx.session_token:
            await service.logout(ctx.env, ctx.session_token)
        ctx.cookie_changes.append(CookieChange(None))
        return True

    @strawberry.mutation(description="Choose the language of the app and of server messages.")
    async def set_locale(self, info: Info, locale: LocaleEnum) -> Me:  # type: ignore[valid-type]
        ctx = info.context
        viewer = await service.set_locale(ctx.env, ctx.require_viewer(), Locale(locale))
        return Me.of(await service.profile(ctx.env, viewer))
