"""First run, demo accounts, invitations, passwords and people admin: thin resolvers over orgs' services."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from podium.core.i18n import Locale
from podium.core.policies import Role, Viewer
from podium.graphql.context import CookieChange, Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.orgs import demo, invitations, passwords, people, policies, service, setup
from podium.orgs.graphql import LocaleEnum, Me, RoleEnum
from podium.orgs.invitations import InvitationView, NewInvitation, formatted_code
from podium.orgs.people import PersonPatch, PersonRow
from podium.orgs.tree import reach


def _id(value: int | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.type
class DemoAccount:
    email: str
    name: str
    role: RoleEnum
    password: str


@strawberry.type(description="Someone in my reach, for people admin.")
class Person:
    id: strawberry.ID
    name: str
    email: str
    role: RoleEnum
    team_id: strawberry.ID | None
    team_name: str | None
    manager_id: strawberry.ID | None
    manager_name: str | None
    active: bool
    last_sign_in_at: datetime | None
    created_at: datetime
    initials: str
    avatar_color: str
    employee_number: str | None = strawberry.field(description="工号: optional, unique within the org when set; admins set it.")

    @classmethod
    def of(cls, row: PersonRow) -> Person:
        return cls(
            id=strawberry.ID(str(row.id)), name=row.name, email=row.email, role=row.role, team_id=_id(row.team_id),
            team_name=row.team_name, manager_id=_id(row.manager_id), manager_name=row.manager_name, active=row.active,
            last_sign_in_at=row.last_login_at, created_at=row.created_at, initials=service.initials(row.name),
            avatar_color=service.AVATAR_COLORS[row.id % len(service.AVATAR_COLORS)], employee_number=row.employee_number,
        )


@strawberry.type(description="A unit of the org tree I may place people in.")
class PeopleUnit:
    id: strawberry.ID
    name: str
    depth: int


@strawberry.type
class Invitation:
    id: strawberry.ID
    name: str
    email: str | None
    role: RoleEnum
    team_id: strawberry.ID | None
    team_name: str | None
    manager_id: strawberry.ID | None
    manager_name: str | None
    invited_by_name: str | None
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, view: InvitationView) -> Invitation:
        return cls(
            id=strawberry.ID(str(view.id)), name=view.name, email=view.email, role=view.role, team_id=_id(view.team_id),
            team_name=view.team_name, manager_id=_id(view.manager_id), manager_name=view.manager_name,
            invited_by_name=view.invited_by_name, created_at=view.created_at, expires_at=view.expires_at,
        )


@strawberry.type(description="An invitation as its link or code shows it, before accepting.")
class InvitationPreview:
    name: str
    org_name: str
    role: RoleEnum
    email: str | None = strawberry.field(description="Null: the person gives their email when accepting.")
    locale: LocaleEnum


@strawberry.input
class SetUpCompanyInput:
    name: str
    time_zone: str = strawberry.field(description="IANA zone, e.g. Asia/Shanghai.")
    currency: str = strawberry.field(description="ISO 4217, e.g. CNY.")
    fiscal_year_start_month: int = 1
    locale: LocaleEnum = Locale.ZH_CN  # type: ignore[valid-type]
    admin_name: str
    admin_email: str
    admin_password: str


@strawberry.input
class InviteInput:
    name: str
    role: RoleEnum  # type: ignore[valid-type]
    team_id: strawberry.ID | None = None
    manager_id: strawberry.ID | None = None
    email: str | None = None
    employee_number: str = strawberry.field(default="", description="工号 given to the person on joining (admins).")


@strawberry.input
class AcceptInvitationInput:
    token: str | None = strawberry.field(default=None, description="From the link /join/<token>; or give `code`.")
    code: str | None = strawberry.field(default=None, description="The short code, any case, dashes and spaces ignored.")
    password: str
    email: str | None = strawberry.field(default=None, description="Required when the invitation has none.")
    locale: LocaleEnum | None = strawberry.field(default=None, description="The language the person read the invitation in; null: the company's.")  # type: ignore[valid-type]


@strawberry.input
class ChangePersonInput:
    user_id: strawberry.ID
    role: RoleEnum | None = None  # type: ignore[valid-type]
    team_id: strawberry.ID | None = None
    manager_id: strawberry.ID | None = None
    clear_team: bool = strawberry.field(default=False, description="Take the person out of any unit.")
    clear_manager: bool = False


@strawberry.type
class SignedInSuccess:
    me: Me


@strawberry.type
class InviteSuccess:
    invitation: Invitation
    path: str = strawberry.field(description="The one-time link's path, /join/<token>: shown once, only its hash is kept.")
    code: str = strawberry.field(description="The short code, XXXX-XXXX: shown once.")
    emailed: bool


@strawberry.type
class RevokeInvitationSuccess:
    id: strawberry.ID


@strawberry.type
class PersonSuccess:
    person: Person


@strawberry.type
class DoneSuccess:
    done: bool = True


@strawberry.type
class PasswordResetSuccess:
    path: str = strawberry.field(description="The one-time link's path, /reset/<token>: shown once.")
    expires_at: datetime


SignedInResult = Annotated[SignedInSuccess | OperationError, strawberry.union("SignedInResult")]
InviteResult = Annotated[InviteSuccess | OperationError, strawberry.union("InviteResult")]
RevokeInvitationResult = Annotated[RevokeInvitationSuccess | OperationError, strawberry.union("RevokeInvitationResult")]
PersonResult = Annotated[PersonSuccess | OperationError, strawberry.union("PersonResult")]
DoneResult = Annotated[DoneSuccess | OperationError, strawberry.union("DoneResult")]
PasswordResetResult = Annotated[PasswordResetSuccess | OperationError, strawberry.union("PasswordResetResult")]


async def _signed_in(info: Info, signed_in: tuple[Viewer, str]) -> SignedInSuccess:
    """Set the new session's cookie, like login."""
    ctx = info.context
    viewer, token = signed_in
    ctx.cookie_changes.append(CookieChange(token))
    return SignedInSuccess(me=Me.of(await service.profile(ctx.env, viewer)))


@strawberry.type
class Query:
    @strawberry.field(description="True while this install has no company: the app opens the first-run page.")
    async def setup_needed(self, info: Info) -> bool:
        return await setup.setup_needed(info.context.env)

    @strawberry.field(description="The demo company's sign-in accounts; empty unless the demo company exists.")
    async def demo_accounts(self, info: Info) -> list[DemoAccount]:
        return [DemoAccount(email=a.email, name=a.name, role=a.role, password=a.password) for a in await demo.demo_accounts(info.context.env)]

    @strawberry.field(description="People in my reach (admin: the org; manager: my subtree), by name. Admins and managers.")
    async def people(self, info: Info, include_inactive: bool = True) -> list[Person]:
        rows = await people.people(info.context.env, info.context.require_viewer(), include_inactive=include_inactive)
        return [Person.of(r) for r in rows]

    @strawberry.field(description="Units I may place people in, depth first (admins: every unit). Admins and managers.")
    async def people_units(self, info: Info) -> list[PeopleUnit]:
        viewer = info.context.require_viewer()
        policies.require_people_manager(viewer)
        async with info.context.env.db() as session:
            tree, seen = await reach(session, viewer)
        found: list[PeopleUnit] = []

        def walk(parent: int | None, depth: int) -> None:
            for unit in tree.child_units(parent):
                if seen.sees_unit(unit.id):
                    found.append(PeopleUnit(id=strawberry.ID(str(unit.id)), name=unit.name, depth=depth))
                walk(unit.id, depth + 1)

        walk(None, 0)
        return found

    @strawberry.field(description="Invitations not yet accepted, revoked or expired, newest first. Admins and managers.")
    async def pending_invitations(self, info: Info) -> list[Invitation]:
        return [Invitation.of(v) for v in await invitations.pending(info.context.env, info.context.require_viewer())]

    @strawberry.field(description="What an invitation link or code is for (public; attempts are rate-limited).")
    async def invitation(self, info: Info, token: str | None = None, code: str | None = None) -> InvitationPreview:
        ctx = info.context
        found = await invitations.look_up(ctx.env, token=token, code=code, client_address=ctx.client_address)
        return InvitationPreview(name=found.name, org_name=found.org_name, role=found.role, email=found.email, locale=found.locale)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="First run: create the company and its first admin, signed in. Refused once a company exists.")
    async def set_up_company(self, info: Info, input: SetUpCompanyInput) -> SignedInResult:
        ctx = info.context
        company = setup.Company(
            name=input.name, time_zone=input.time_zone.strip(), currency=input.currency.strip().upper(),
            fiscal_year_start_month=input.fiscal_year_start_month, locale=Locale(input.locale), admin_name=input.admin_name,
            admin_email=input.admin_email, admin_password=input.admin_password,
        )

        async def action() -> SignedInSuccess:
            return await _signed_in(info, await setup.set_up_company(ctx.env, company))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Invite someone by name, role, unit and manager; returns a one-time link and code.")
    async def invite_person(self, info: Info, input: InviteInput) -> InviteResult:
        ctx = info.context

        async def action() -> InviteSuccess:
            data = NewInvitation(
                name=input.name, role=Role(input.role), team_id=int_id(input.team_id) if input.team_id else None,
                manager_id=int_id(input.manager_id) if input.manager_id else None, email=input.email, employee_number=input.employee_number,
            )
            issued = await invitations.invite(ctx.env, ctx.require_viewer(), data, ctx.base_url)
            return InviteSuccess(invitation=Invitation.of(issued.invitation), path=issued.path, code=formatted_code(issued.code), emailed=issued.emailed)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Withdraw a pending invitation: its link and code stop working.")
    async def revoke_invitation(self, info: Info, id: strawberry.ID) -> RevokeInvitationResult:
        ctx = info.context

        async def action() -> RevokeInvitationSuccess:
            await invitations.revoke(ctx.env, ctx.require_viewer(), int_id(id))
            return RevokeInvitationSuccess(id=id)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Accept an invitation (link token or code) with a password; signs the new person in.")
    async def accept_invitation(self, info: Info, input: AcceptInvitationInput) -> SignedInResult:
        ctx = info.context

        async def action() -> SignedInSuccess:
            found = await invitations.accept(
                ctx.env, token=input.token, code=input.code, password=input.password, email=input.email, client_address=ctx.client_address,
                locale=Locale(input.locale) if input.locale else None,
            )
            return await _signed_in(info, found)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Change my password: my other sessions end (their sockets close); this one stays.")
    async def change_password(self, info: Info, current_password: str, new_password: str) -> DoneResult:
        ctx = info.context

        async def action() -> DoneSuccess:
            await passwords.change_password(ctx.env, ctx.require_viewer(), ctx.session_token, current_password, new_password)
            return DoneSuccess()

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="A one-time password-reset link for someone of the org (admins).")
    async def issue_password_reset(self, info: Info, user_id: strawberry.ID) -> PasswordResetResult:
        ctx = info.context

        async def action() -> PasswordResetSuccess:
            issued = await passwords.issue_reset(ctx.env, ctx.require_viewer(), int_id(user_id))
            return PasswordResetSuccess(path=issued.path, expires_at=issued.expires_at)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Set a new password with a reset link: every session of the person ends; this browser is signed in.")
    async def reset_password(self, info: Info, token: str, new_password: str) -> SignedInResult:
        ctx = info.context

        async def action() -> SignedInSuccess:
            return await _signed_in(info, await passwords.reset_password(ctx.env, token, new_password, ctx.client_address))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Change someone's role, unit or manager (admins; managers within their subtree, never to admin).")
    async def change_person(self, info: Info, input: ChangePersonInput) -> PersonResult:
        ctx = info.context

        async def action() -> PersonSuccess:
            patch = PersonPatch(
                user_id=int_id(input.user_id), role=Role(input.role) if input.role else None,
                team_id=int_id(input.team_id) if input.team_id else None, manager_id=int_id(input.manager_id) if input.manager_id else None,
                clear_team=input.clear_team, clear_manager=input.clear_manager,
            )
            return PersonSuccess(person=Person.of(await people.change_person(ctx.env, ctx.require_viewer(), patch)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Set or clear (blank) someone's employee number, 工号 (admins; unique within the org).")
    async def set_employee_number(self, info: Info, user_id: strawberry.ID, employee_number: str) -> PersonResult:
        ctx = info.context

        async def action() -> PersonSuccess:
            return PersonSuccess(person=Person.of(await people.set_employee_number(ctx.env, ctx.require_viewer(), int_id(user_id), employee_number)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Deactivate someone: signed out everywhere, history kept, off boards and contests; their customers and open deals go to the successor.")
    async def deactivate_person(self, info: Info, user_id: strawberry.ID, successor_id: strawberry.ID) -> DoneResult:
        ctx = info.context

        async def action() -> DoneSuccess:
            await people.deactivate(ctx.env, ctx.require_viewer(), int_id(user_id), int_id(successor_id))
            return DoneSuccess()

        return await attempt(ctx.locale, action)
