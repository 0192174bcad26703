"""Demo compensation: a field-sales plan with tiers, accelerators, a service rate and two SPIFFs, a manager plan
with roll-up and a floor, everyone on a plan for six months, the last months' statements approved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from podium.compensation import service
from podium.compensation.plan import Accelerator, Band, Basis, Component, Kind, Payout, Plan, Trigger
from podium.core.env import Env
from podium.core.policies import Role, Viewer
from podium.orgs import tree as org_tree
from podium.pipeline import service as pipeline
from podium.targets import demo as targets_demo
from podium.targets.service import Basis as SplitBasis
from podium.targets.service import Metric, Node, NodeKind, attainment
from podium.targets.calendar import Grain

SERVICE_LINE = "服务 Service"
SENSOR_LINE = "传感器 Sensors"
REGION = "浦江大区 Riverside Region"


def field_plan(accelerated: Decimal, quarter: tuple[date, date], year: tuple[date, date], region_id: int | None) -> Plan:
    return Plan(components=(
        Component(
            key="commission", name="提成 Commission", kind=Kind.COMMISSION, basis=Basis.REVENUE,
            tiers=(Band(Decimal(0), Decimal(2)), Band(Decimal(300_000), Decimal(3)), Band(Decimal(600_000), Decimal(4))),
            accelerators=(Accelerator(Decimal(120), Decimal("1.2")), Accelerator(Decimal(150), accelerated)),
            line_rates={SERVICE_LINE: Decimal(5)}, cap_per_deal=Decimal(60_000), payout=Payout.COLLECTION,
        ),
        Component(
            key="sensor-sprint", name="传感器冲刺 Sensor sprint", kind=Kind.SPIFF, trigger=Trigger.PRODUCT_LINE,
            product_line=SENSOR_LINE, per_unit=Decimal(50), starts_on=quarter[0], ends_on=quarter[1],
        ),
        Component(
            key="new-logo", name="新客户奖 New logo bonus", kind=Kind.SPIFF, trigger=Trigger.NEW_CUSTOMER,
            fixed=Decimal(500), team_id=region_id, starts_on=year[0], ends_on=year[1],
        ),
    ))


MANAGER_PLAN = Plan(
    components=(Component(key="rollup", name="团队提成 Team roll-up", kind=Kind.ROLLUP, basis=Basis.REVENUE, rate=Decimal("0.8")),),
    floor=Decimal(5_000),
)


async def seed(env: Env, admin: Viewer, manager: Viewer, demo_rep: Viewer) -> None:
    async with env.db() as session:
        basics = await service.org_basics(session, admin.org_id, env.clock())
    current = basics.current
    start = service.shift(current, -6)
    year = int(current[:4])
    quarter_first = service.shift(current, -((int(current[5:]) - 1) % 3))
    quarter_last = service.shift(quarter_first, 2)
    quarter = (date.fromisoformat(f"{quarter_first}-01"), _month_end(quarter_last))
    region_id = next((u.id for u in basics.tree.units.values() if u.name == REGION), None)
    await _past_quotas(env, admin, [service.shift(current, -k) for k in range(1, 7)])

    v1 = field_plan(Decimal("1.4"), quarter, (date(year, 1, 1), date(year, 12, 31)), region_id)
    field = await service.save_plan(env, admin, None, "一线销售 Field sales", v1, start, "2026 plan")
    v2 = field_plan(Decimal("1.5"), quarter, (date(year, 1, 1), date(year, 12, 31)), region_id)
    await service.save_plan(env, admin, field.plan.id, "一线销售 Field sales", v2, service.shift(current, -2), "Accelerator above 150 % raised to ×1.5")
    managers = await service.save_plan(env, admin, None, "销售经理 Sales manager", MANAGER_PLAN, start, "Roll-up with a floor")
    reps = sorted(m.id for m in basics.tree.members.values() if m.role is Role.REP)
    await service.assign_plan(env, admin, field.plan.id, reps, start, None)
    await service.assign_plan(env, admin, managers.plan.id, [manager.user_id], start, None)

    await _split_a_recent_win(env, manager, demo_rep, basics.tree)
    # The last three months are approved, except last month for the manager's own team: their queue.
    team = {m.id for m in basics.tree.members_under(manager.team_id)} if manager.team_id else set()
    for months_back in (3, 2, 1):
        period = service.shift(current, -months_back)
        for user_id in [*reps, manager.user_id]:
            if months_back == 1 and user_id in team:
                continue
            await service.approve(env, admin if user_id not in team or user_id == manager.user_id else manager, user_id, period, None)
    last = service.shift(current, -1)
    view = await service.statement(env, demo_rep, None, last)
    line = next((x for x in view.result.lines if x.kind.value in ("release", "commission")), None) if view else None
    if line is not None:
        dispute = await service.raise_dispute(
            env, demo_rep, last, "|".join(line.key), "这笔回款的提成比例好像不对，应该按 4% 档计算？ The rate on this looks low.", "demo-dispute-1"
        )
        await service.reply_dispute(env, manager, dispute.dispute.id, "我核对一下合同金额，明天回复。 Checking the contract, will reply tomorrow.", "demo-reply-1")


def _month_end(key: str) -> date:
    following = date.fromisoformat(f"{service.shift(key, 1)}-01")
    return date.fromordinal(following.toordinal() - 1)


async def _past_quotas(env: Env, admin: Viewer, months: list[str]) -> None:
    """Monthly quotas for past months, a little under what was won: some people reach their accelerators."""
    org = Node(NodeKind.ORG, admin.org_id)
    for key in months:
        won = await attainment(env, admin, org, key, Grain.MONTH, Metric.REVENUE)
        amount = (won.actual * Decimal("0.95") / 10_000).to_integral_value() * 10_000
        if amount > 0:
            await targets_demo.cascade(env, admin, org, key, Metric.REVENUE, amount, SplitBasis.POTENTIAL)


async def _split_a_recent_win(env: Env, manager: Viewer, demo_rep: Viewer, tree: org_tree.OrgTree) -> None:
    """The demo rep shares their latest win 70/30 with a teammate."""
    teammate = next((m for m in tree.members_under(demo_rep.team_id) if m.id != demo_rep.user_id and m.role is Role.REP), None) if demo_rep.team_id else None
    columns = await pipeline.pipeline(env, demo_rep)
    won = sorted((v.deal for c in columns for v in c.deals if v.deal.status == "won"), key=lambda d: d.closed_at or d.created_at)
    deal_id = won[-1].id if won else None
    if teammate is not None and deal_id is not None:
        await service.set_splits(env, manager, deal_id, [(demo_rep.user_id, Decimal(70)), (teammate.id, Decimal(30))])
