"""The org tree editor in GraphQL: units with their managers and head counts; admins change them."""

from __future__ import annotations

from typing import Annotated

import strawberry

from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.orgs import units as service
from podium.orgs.graphql import RoleEnum


@strawberry.type
class UnitManager:
    id: strawberry.ID
    name: str


@strawberry.type
class OrgUnit:
    id: strawberry.ID
    name: str
    parent_id: strawberry.ID | None = strawberry.field(description="Null at the top (under the company itself).")
    depth: int
    manager: UnitManager | None
    people: int = strawberry.field(description="Active people directly in the unit.")
    people_below: int = strawberry.field(description="Active people in the unit and every unit under it.")
    child_count: int

    @classmethod
    def of(cls, v: service.UnitView) -> OrgUnit:
        manager = UnitManager(id=strawberry.ID(str(v.manager_id)), name=v.manager_name or "") if v.manager_id else None
        return cls(
            id=strawberry.ID(str(v.id)), name=v.name, parent_id=strawberry.ID(str(v.parent_id)) if v.parent_id else None,
            depth=v.depth, manager=manager, people=v.people, people_below=v.people_below, child_count=v.child_count,
        )


@strawberry.type
class ManagerCandidate:
    id: strawberry.ID
    name: str
    role: RoleEnum
    team_name: str | None


@strawberry.type
class UnitSuccess:
    unit: OrgUnit


@strawberry.type
class MergeUnitsSuccess:
    into: OrgUnit
    people_moved: int
    units_moved: int


@strawberry.type
class DeleteUnitSuccess:
    id: strawberry.ID


UnitResult = Annotated[UnitSuccess | OperationError, strawberry.union("UnitResult")]
MergeUnitsResult = Annotated[MergeUnitsSuccess | OperationError, strawberry.union("MergeUnitsResult")]
DeleteUnitResult = Annotated[DeleteUnitSuccess | OperationError, strawberry.union("DeleteUnitResult")]


def _opt_id(raw: strawberry.ID | None) -> int | None:
    return int_id(raw) if raw is not None else None


@strawberry.type
class Query:
    @strawberry.field(description="Managers and admins: the org's regions and teams they reach, depth first.")
    async def org_units(self, info: Info) -> list[OrgUnit]:
        ctx = info.context
        return [OrgUnit.of(v) for v in await service.units(ctx.env, ctx.require_viewer())]

    @strawberry.field(description="Admins: the active managers and admins a unit can be given to.")
    async def unit_manager_candidates(self, info: Info) -> list[ManagerCandidate]:
        ctx = info.context
        return [
            ManagerCandidate(id=strawberry.ID(str(c.id)), name=c.name, role=c.role, team_name=c.team_name)
            for c in await service.manager_candidates(ctx.env, ctx.require_viewer())
        ]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Admins: a new region or team under `parentId` (null: at the top).")
    async def create_unit(self, info: Info, name: str, parent_id: strawberry.ID | None = None) -> UnitResult:
        ctx = info.context

        async def action() -> UnitSuccess:
            return UnitSuccess(unit=OrgUnit.of(await service.create_unit(ctx.env, ctx.require_viewer(), name, _opt_id(parent_id))))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: rename a unit.")
    async def rename_unit(self, info: Info, id: strawberry.ID, name: str) -> UnitResult:
        ctx = info.context

        async def action() -> UnitSuccess:
            return UnitSuccess(unit=OrgUnit.of(await service.rename_unit(ctx.env, ctx.require_viewer(), int_id(id), name)))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: hang a unit under another parent (null: the top); its people, targets and history go with it.")
    async def move_unit(self, info: Info, id: strawberry.ID, parent_id: strawberry.ID | None = None) -> UnitResult:
        ctx = info.context

        async def action() -> UnitSuccess:
            return UnitSuccess(unit=OrgUnit.of(await service.move_unit(ctx.env, ctx.require_viewer(), int_id(id), _opt_id(parent_id))))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: merge a unit into another; its people, child units and targets move there, its history rolls up there.")
    async def merge_units(self, info: Info, source_id: strawberry.ID, into_id: strawberry.ID) -> MergeUnitsResult:
        ctx = info.context

        async def action() -> MergeUnitsSuccess:
            merged = await service.merge_units(ctx.env, ctx.require_viewer(), int_id(source_id), int_id(into_id))
            return MergeUnitsSuccess(into=OrgUnit.of(merged.into), people_moved=merged.people, units_moved=merged.units)

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: name a unit's manager (null clears it); they reach the unit and everything below it.")
    async def set_unit_manager(self, info: Info, id: strawberry.ID, manager_id: strawberry.ID | None = None) -> UnitResult:
        ctx = info.context

        async def action() -> UnitSuccess:
            return UnitSuccess(unit=OrgUnit.of(await service.set_unit_manager(ctx.env, ctx.require_viewer(), int_id(id), _opt_id(manager_id))))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: delete a unit with nobody in it and no unit below it.")
    async def delete_unit(self, info: Info, id: strawberry.ID) -> DeleteUnitResult:
        ctx = info.context

        async def action() -> DeleteUnitSuccess:
            return DeleteUnitSuccess(id=strawberry.ID(str(await service.delete_unit(ctx.env, ctx.require_viewer(), int_id(id)))))

        return await attempt(ctx.locale, action)
