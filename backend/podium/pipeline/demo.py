"""Demo pipeline: products, two years of deals through the stages, orders, payments, and the points they earned."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.events import transaction
from podium.core.policies import Viewer
from podium.pipeline import service
from podium.pipeline.models import Activity, Deal, DealLine, Order, Payment, Product, StageChange
from podium.points import service as points

PRODUCTS = (
    ("AN-100", "色谱分析仪 Chromatograph", "分析仪器 Analyzers", "186000", "112000"),
    ("AN-200", "光谱仪 Spectrometer", "分析仪器 Analyzers", "98000", "61000"),
    ("SN-010", "温湿度传感器 Climate sensor", "传感器 Sensors", "1200", "520"),
    ("SN-020", "压力传感器 Pressure sensor", "传感器 Sensors", "2600", "1300"),
    ("SV-001", "年度维保 Annual service", "服务 Service", "24000", "6000"),
    ("SV-002", "安装培训 Installation & training", "服务 Service", "8000", "2500"),
)
TITLES = ("产线升级", "实验室扩建", "质检设备更新", "年度采购", "新厂区配套", "研发中心采购", "替换旧设备", "试点项目")
WIN_REASONS = ("技术方案更优", "服务响应快", "价格有竞争力", "老客户复购", "Best total cost")
LOSS_REASONS = ("预算削减", "选择了竞品", "项目延期", "价格过高", "Went with a competitor")


async def seed(env: Env, rng: random.Random, org_id: int, reps: list[Viewer], customer_ids: list[int], now: datetime, deals: int = 900) -> None:
    """Deals created over the last two years and more, each with its full stage history; inserted in one transaction."""
    async with transaction(env.db) as tx:
        session = tx.session
        stages = await service.ensure_stages(session, org_id)
        open_stages = [s for s in stages if s.outcome == "open"]
        won = next(s for s in stages if s.outcome == "won")
        lost = next(s for s in stages if s.outcome == "lost")
        products = [
            Product(org_id=org_id, sku=sku, name=name, line=line, list_price=Decimal(price), unit_cost=Decimal(cost))
            for sku, name, line, price, cost in PRODUCTS
        ]
        session.add_all(products)
        await session.flush()
        rule = points.default_rule(points.DEAL_WON)
        # The demo rep (reps[0]) also gets a full board of their own: a deal in every open stage, and recent wins.
        showcase = [(reps[0], now - timedelta(days=rng.uniform(3, 30)), reached, None) for reached in (0, 0, 1, 2, 3, 3)]
        showcase += [(reps[0], now - timedelta(days=rng.uniform(20, 40)), 3, "won") for _ in range(2)]
        story = _Story.of(rng, reps, customer_ids)
        plan = [(reps[i % len(reps)] if i < len(reps) * 3 else rng.choice(reps), story.created(rng, now), None, "")
                for i in range(deals)]
        for index, (owner, created, forced_stage, forced_outcome) in enumerate(plan + showcase):
            lines = _lines(rng, products)
            amount = sum(((q * p) for _, q, p, _ in lines), Decimal(0)).quantize(Decimal("0.01"))
            cost = sum(((q * c) for _, q, _, c in lines), Decimal(0)).quantize(Decimal("0.01"))
            deal = Deal(
                org_id=org_id, client_id=f"demo-{uuid.UUID(int=rng.getrandbits(128))}", created_by=owner.user_id,
                owner_id=owner.user_id, team_id=owner.team_id, customer_id=story.customer(rng, created, now),
                title=f"{rng.choice(TITLES)} {index + 1:03d}", amount=amount, currency="CNY", margin=amount - cost,
                lead_source=story.source(rng), expected_close=(created + timedelta(days=rng.randint(30, 120))).date(),
                stage_id=open_stages[0].id, status="open", probability=open_stages[0].probability, version=1,
                stage_entered_at=created, created_at=created, updated_at=created,
            )
            session.add(deal)
            await session.flush()
            session.add_all(DealLine(deal_id=deal.id, product_id=p.id, position=i, quantity=q, unit_price=price, unit_cost=c) for i, (p, q, price, c) in enumerate(lines))
            history = [(None, open_stages[0], created)]
            moment = created
            reached = forced_stage if forced_stage is not None else rng.choices(range(len(open_stages)), weights=(2, 3, 3, 4))[0]
            step = (now - created) / (reached + 2) if forced_stage is not None else None
            for index, stage in enumerate(open_stages[1 : reached + 1]):
                moment += step or story.stay(rng, owner, index, timedelta(days=rng.uniform(2, 18), hours=rng.uniform(0, 9)))
                history.append((history[-1][1], stage, moment))
            stuck = story.stalls(owner, reached)
            finish = moment + (step or story.stay(rng, owner, reached, timedelta(days=rng.uniform(3, 25))))
            outcome = None
            if forced_outcome == "won":
                outcome, finish = won, now - timedelta(hours=rng.uniform(1, 20))
            elif forced_outcome == "" and finish < now:
                chance = (0.35 + 0.12 * reached) * story.quality(deal.lead_source) * story.knack(owner)
                # Old deals are settled one way or the other; only recent ones are still open.
                stale = finish < now - timedelta(days=160 if stuck else 100)
                outcome = won if rng.random() < chance else lost if stale or rng.random() < 0.6 else None
            if outcome is not None:
                history.append((history[-1][1], outcome, finish))
                deal.status, deal.closed_at = outcome.outcome, finish
                deal.close_reason = rng.choice(WIN_REASONS if outcome is won else LOSS_REASONS)
            last = history[-1]
            deal.stage_id, deal.stage_entered_at, deal.probability = last[1].id, last[2], last[1].probability
            deal.version = len(history)
            deal.updated_at = last[2]
            for before, stage, at in history:
                session.add(StageChange(org_id=org_id, deal_id=deal.id, from_stage_id=before.id if before else None, to_stage_id=stage.id, changed_at=at, changed_by=owner.user_id))
            session.add_all(story.activities(random.Random(deal.client_id), deal, owner, [(open_stages.index(st), at) for _, st, at in history if st.outcome == "open"],
                                             min(finish, now)))
            if outcome is won:
                points.enter_past(
                    session, owner, kind=points.DEAL_WON, awarded=points.points_for_amount(rule, amount), source=("deal", deal.id), occurred_at=finish,
                )
                await _collections(rng, session, deal, finish, now)
        await session.flush()


# The shape of the history, so the cockpit's charts have something to tell (issue 15): sales follow the seasons
# (quiet around the Spring Festival and in summer, a year-end push); referrals close far more often than cold
# outbound calls; one team's deals wait a long time at the same stage; some customers stopped buying a year ago;
# and one rep (reps[4], who also visits the most: demo.py) wins rarely.
HISTORY_DAYS = 800
SEASON = {1: 0.9, 2: 0.45, 3: 1.15, 4: 1.0, 5: 1.0, 6: 1.15, 7: 0.75, 8: 0.7, 9: 1.1, 10: 0.85, 11: 1.2, 12: 1.45}
SOURCE_WEIGHTS = {"web": 5, "event": 3, "referral": 2, "outbound": 4, "partner": 2, "inbound_call": 2, "existing_customer": 3}
SOURCE_QUALITY = {"web": 0.85, "event": 1.0, "referral": 1.6, "outbound": 0.55, "partner": 1.2, "inbound_call": 1.05, "existing_customer": 1.45}
STALL_STAGE = 2  # the third open stage
LAPSED_SHARE = 0.12
FEW_WINS = 4  # reps[FEW_WINS]
# What selling looks like at each open stage: first calls and emails, then meetings and demos, then proposals.
STAGE_ACTIVITIES = (("call", "call", "email"), ("meeting", "demo", "call"), ("demo", "proposal", "meeting"), ("proposal", "meeting", "email"))
ACTIVITY_OUTCOMES = {
    "call": ("positive", "neutral", "no_answer", "no_answer"), "email": ("neutral", "positive", "no_answer"),
    "meeting": ("positive", "positive", "neutral"), "demo": ("positive", "neutral", "negative"), "proposal": ("positive", "neutral", "negative"),
}


@dataclass(frozen=True)
class _Story:
    stall_team: int | None
    few_wins: int | None
    lapsed: frozenset[int]
    active: tuple[int, ...]

    @staticmethod
    def of(rng: random.Random, reps: list[Viewer], customer_ids: list[int]) -> _Story:
        lapsed = frozenset(rng.sample(customer_ids, int(len(customer_ids) * LAPSED_SHARE)))
        return _Story(
            stall_team=reps[2].team_id if len(reps) > 2 else None,
            few_wins=reps[FEW_WINS].user_id if len(reps) > FEW_WINS else None,
            lapsed=lapsed, active=tuple(c for c in customer_ids if c not in lapsed) or tuple(customer_ids),
        )

    def created(self, rng: random.Random, now: datetime) -> datetime:
        """A moment in the last HISTORY_DAYS, more likely in busy months (rejection sampling on SEASON)."""
        while True:
            moment = now - timedelta(days=rng.uniform(0, HISTORY_DAYS), hours=rng.uniform(0, 8))
            if rng.random() * max(SEASON.values()) < SEASON[moment.month]:
                return moment

    def customer(self, rng: random.Random, created: datetime, now: datetime) -> int:
        """Lapsed customers bought regularly until about a year ago, then nothing."""
        if created < now - timedelta(days=380) and rng.random() < 0.3:
            return rng.choice(sorted(self.lapsed)) if self.lapsed else rng.choice(self.active)
        return rng.choice(self.active)

    @staticmethod
    def source(rng: random.Random) -> str:
        return rng.choices(list(SOURCE_WEIGHTS), weights=list(SOURCE_WEIGHTS.values()))[0]

    @staticmethod
    def quality(source: str) -> float:
        return SOURCE_QUALITY.get(source, 1.0)

    def knack(self, owner: Viewer) -> float:
        return 0.3 if owner.user_id == self.few_wins else 1.0

    def stalls(self, owner: Viewer, stage_index: int) -> bool:
        return owner.team_id == self.stall_team and stage_index == STALL_STAGE

    def activities(self, rng: random.Random, deal: Deal, owner: Viewer, stays: list[tuple[int, datetime]], until: datetime) -> list[Activity]:
        """The calls, demos, proposals, meetings and emails of each stay at an open stage (`stays`: stage index, entered
        at; the last one lasts until `until`). The rep who wins rarely mostly phones: many calls, few proposals."""
        found = []
        for n, (stage_index, entered) in enumerate(stays):
            left = stays[n + 1][1] if n + 1 < len(stays) else until
            kinds = STAGE_ACTIVITIES[stage_index] + (("call", "call", "call", "email") if owner.user_id == self.few_wins else ())
            for _ in range(rng.randint(1, 3 if owner.user_id == self.few_wins else 2)):
                kind = rng.choice(kinds)
                at = entered + (left - entered) * rng.random() if left > entered else entered
                found.append(Activity(
                    org_id=deal.org_id, user_id=owner.user_id, team_id=owner.team_id, client_id=f"demo-a-{uuid.UUID(int=rng.getrandbits(128))}",
                    customer_id=deal.customer_id, deal_id=deal.id, kind=kind, outcome=rng.choice(ACTIVITY_OUTCOMES[kind]), occurred_at=at, created_at=at,
                ))
        return found

    def stay(self, rng: random.Random, owner: Viewer, stage_index: int, usual: timedelta) -> timedelta:
        """How long a deal stays at the open stage `stage_index`: the stalling team's stays at STALL_STAGE run long."""
        return timedelta(days=rng.uniform(40, 110)) if self.stalls(owner, stage_index) else usual


def _lines(rng: random.Random, products: list[Product]) -> list[tuple[Product, Decimal, Decimal, Decimal]]:
    chosen = rng.sample(products, rng.randint(1, 3))
    result = []
    for product in chosen:
        quantity = Decimal(rng.randint(1, 3)) if product.list_price > 50000 else Decimal(rng.randint(2, 60))
        discount = Decimal(rng.choice((100, 100, 95, 92, 90))) / 100
        result.append((product, quantity, (product.list_price * discount).quantize(Decimal("1")), product.unit_cost))
    return result


async def _collections(rng: random.Random, session: AsyncSession, deal: Deal, won_at: datetime, now: datetime) -> None:
    """An order at the win, then payments collected over the following weeks (the latest are still owed)."""
    order = Order(
        org_id=deal.org_id, deal_id=deal.id, client_id=f"demo-o-{deal.id}", created_by=deal.owner_id,
        number=f"SO-{won_at:%y%m}-{deal.id:04d}", amount=deal.amount, ordered_at=won_at, created_at=won_at,
    )
    session.add(order)
    await session.flush()
    instalments = rng.choice(((Decimal(1),), (Decimal("0.3"), Decimal("0.7")), (Decimal("0.5"), Decimal("0.5"))))
    moment, paid = won_at, Decimal(0)
    for number, share in enumerate(instalments):
        moment += timedelta(days=rng.uniform(7, 45))
        if moment >= now:
            break
        last = number == len(instalments) - 1
        amount = deal.amount - paid if last else (deal.amount * share).quantize(Decimal("0.01"))
        paid += amount
        session.add(
            Payment(
                org_id=deal.org_id, order_id=order.id, deal_id=deal.id, owner_id=deal.owner_id, team_id=deal.team_id,
                client_id=f"demo-p-{deal.id}-{number}", created_by=deal.owner_id,
                amount=amount, collected_at=moment, created_at=moment,
            )
        )
