"""Targets follow the org tree's merges: the merged unit's targets become the survivor's."""

from __future__ import annotations

from sqlalchemy import select

from podium.core.env import Env
from podium.core.events import transaction
from podium.orgs.events import UnitsMerged
from podium.targets.events import TargetSaved
from podium.targets.models import Target

TEAM = "team"


async def on_units_merged(env: Env, event: UnitsMerged) -> None:
    """Handler: each of the source's targets is added to the survivor's for the same period and metric (or becomes
    it). The survivor now holds the source's people and, through the retired source under it, its credited history,
    so target and actual stay comparable. The source's rows are consumed, so running this twice changes nothing."""
    async with transaction(env.db) as tx:
        s = tx.session
        mine = list(await s.scalars(_of(event.org_id, event.source).with_for_update()))
        if not mine:
            return
        theirs = {(t.period_key, t.metric): t for t in await s.scalars(_of(event.org_id, event.into).with_for_update())}
        for target in mine:
            found = theirs.get((target.period_key, target.metric))
            if found is None:
                target.node_id = event.into
                target.version += 1
                continue
            found.amount += target.amount
            found.version += 1
            found.updated_at = max(found.updated_at, target.updated_at)
            await s.delete(target)
        tx.record(TargetSaved(org_id=event.org_id))


def _of(org_id: int, unit_id: int):  # type: ignore[no-untyped-def]
    return select(Target).where(Target.org_id == org_id, Target.node_kind == TEAM, Target.node_id == unit_id)
