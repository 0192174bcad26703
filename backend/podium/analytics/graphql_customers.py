"""The customers side of the cockpit in GraphQL: contribution, customer value and RFM, churn risk, saturation,
behaviour, and the won deals behind a figure. Thin: each resolver calls one service and maps its result.

Every row carries what a tap drills into (a node, a customer's or a deal's id); reasons are codes with their
figures, which the PWA words in the reader's language.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from podium.analytics import behaviour as behaviour_service
from podium.analytics import contribution as contribution_service
from podium.analytics import customers_deals
from podium.analytics import customers_service
from podium.analytics.customers_common import Asked
from podium.graphql.context import Info
from podium.graphql.ids import int_id
from podium.targets.graphql import FiscalPeriodType, NodeInput, OrgNode, _node
from podium.targets.service import Node, NodeKind

ContributionByEnum = strawberry.enum(contribution_service.By, name="ContributionBy")
AbcTierEnum = strawberry.enum(contribution_service.Tier, name="AbcTier")
RfmDimensionEnum = strawberry.enum(customers_service.Dimension, name="RfmDimension")
ChurnReasonEnum = strawberry.enum(customers_service.Reason, name="ChurnReasonCode")


@strawberry.type
class AnalyticsFrame:
    node: OrgNode
    period: FiscalPeriodType
    previous_period: FiscalPeriodType
    last_year_period: FiscalPeriodType

    @classmethod
    def of(cls, asked: Asked) -> AnalyticsFrame:
        p = asked.periods
        return cls(node=OrgNode.of(asked.node, asked.scope.label(asked.node)), period=FiscalPeriodType.of(p.current),
                   previous_period=FiscalPeriodType.of(p.previous), last_year_period=FiscalPeriodType.of(p.last_year))


@strawberry.type
class ContributionItem:
    key: str = strawberry.field(description="`customer:ID`, `product:ID`, `line:NAME` or `team:ID`: what a tap drills into.")
    id: strawberry.ID | None = strawberry.field(description="The customer's, product's or unit's id; null for a product line.")
    label: str = strawberry.field(description="Its name; a product line's name (empty: products without a line).")
    rank: int
    revenue: Decimal
    share: Decimal | None = strawberry.field(description="Of the total; 1 is 100 %.")
    cumulative_share: Decimal | None
    tier: AbcTierEnum
    previous: Decimal = strawberry.field(description="Its revenue in the previous period.")
    last_year: Decimal = strawberry.field(description="Its revenue in the same period last year.")
    quantity: Decimal | None = strawberry.field(description="Units sold (products and lines only).")


@strawberry.type
class AbcTierSum:
    tier: AbcTierEnum
    items: int
    revenue: Decimal
    share: Decimal | None


@strawberry.type
class AnalyticsContribution:
    frame: AnalyticsFrame
    by: ContributionByEnum
    total: Decimal
    previous_total: Decimal
    last_year_total: Decimal
    item_count: int
    pareto_item_share: Decimal | None = strawberry.field(description="Share of the ranked items that make 80 % of revenue.")
    tiers: list[AbcTierSum]
    items: list[ContributionItem]
    has_more: bool


@strawberry.type
class RfmCustomer:
    customer_id: strawberry.ID
    name: str
    owner_id: strawberry.ID | None
    revenue: Decimal
    deals: int
    last_won_at: datetime | None
    recency_days: int
    recency: int = strawberry.field(description="1–5, 5 the most recent fifth.")
    frequency: int
    monetary: int
    tier: AbcTierEnum


@strawberry.type
class RfmScoreCount:
    dimension: RfmDimensionEnum
    score: int
    customers: int


@strawberry.type
class AnalyticsCustomers:
    frame: AnalyticsFrame
    customers: int = strawberry.field(description="The node's customers, buying or not.")
    buying: int = strawberry.field(description="Those with a win in the period.")
    revenue: Decimal
    previous_buying: int
    previous_revenue: Decimal
    last_year_buying: int
    last_year_revenue: Decimal
    tiers: list[AbcTierSum]
    scores: list[RfmScoreCount]
    items: list[RfmCustomer]
    has_more: bool


@strawberry.type
class ChurnReason:
    code: ChurnReasonEnum
    days: int | None = strawberry.field(description="Days since the last order (OVERDUE) or visit (NO_VISIT; null: never visited).")
    usual_days: int | None = strawberry.field(description="The customer's median days between orders (OVERDUE).")
    recent_average: Decimal | None = strawberry.field(description="Mean of the latest orders (FALLING_ORDER_VALUE).")
    earlier_average: Decimal | None = strawberry.field(description="Mean of the orders before them.")


@strawberry.type
class ChurnRiskCustomer:
    customer_id: strawberry.ID
    name: str
    owner_id: strawberry.ID | None
    owner_name: str | None
    lifetime_revenue: Decimal
    last_order_at: datetime | None
    last_visit_at: datetime | None
    reasons: list[ChurnReason]


@strawberry.type
class AnalyticsChurnRisk:
    node: OrgNode
    no_visit_days: int = strawberry.field(description="N of NO_VISIT (the setting in force).")
    total: int
    items: list[ChurnRiskCustomer]
    has_more: bool


@strawberry.type
class SaturationItem:
    node: OrgNode
    customers: int
    buying: int
    customers_potential: Decimal = strawberry.field(description="The sum of its customers' own potential.")
    revenue: Decimal
    previous: Decimal
    last_year: Decimal
    potential: Decimal | None = strawberry.field(description="The unit's yearly market potential.")
    period_potential: Decimal | None = strawberry.field(description="Its share for the period (months / 12).")
    penetration: Decimal | None = strawberry.field(description="Revenue over the period's potential; 1 is 100 %.")


@strawberry.type
class AnalyticsSaturation:
    frame: AnalyticsFrame
    items: list[SaturationItem]


@strawberry.type
class ActivityCount:
    kind: str = strawberry.field(description="call, demo, proposal, meeting, email.")
    count: int


@strawberry.type
class BehaviourFigures:
    visits: int
    counted: int = strawberry.field(description="Verified or approved.")
    flagged: int
    rejected: int
    converted: int = strawberry.field(description="Counted visits followed within 30 days by the rep's deal on that customer.")
    activities: list[ActivityCount]
    activity_total: int

    @classmethod
    def of(cls, f: behaviour_service.Figures) -> BehaviourFigures:
        return cls(visits=f.visits, counted=f.counted, flagged=f.flagged, rejected=f.rejected, converted=f.converted,
                   activities=[ActivityCount(kind=k, count=n) for k, n in sorted(f.activities.items())], activity_total=sum(f.activities.values()))


@strawberry.type
class BehaviourRow:
    node: OrgNode
    figures: BehaviourFigures
    verified_share: Decimal | None
    conversion: Decimal | None
    visits_per_working_day: Decimal | None

    @classmethod
    def of(cls, p: behaviour_service.PersonBehaviour, node: Node) -> BehaviourRow:
        return cls(node=OrgNode.of(node, p.label), figures=BehaviourFigures.of(p.figures), verified_share=p.verified_share,
                   conversion=p.conversion, visits_per_working_day=p.per_working_day)


@strawberry.type
class AnalyticsBehaviour:
    frame: AnalyticsFrame
    working_days: int
    total: BehaviourRow
    previous: BehaviourFigures
    last_year: BehaviourFigures
    items: list[BehaviourRow]
    people: int = strawberry.field(description="The reps under the node, on every page: the list's length once paged to the end.")
    has_more: bool


@strawberry.type
class AnalyticsWonDeal:
    id: strawberry.ID
    title: str
    customer_id: strawberry.ID
    customer_name: str
    owner_id: strawberry.ID
    owner_name: str
    amount: Decimal
    closed_at: datetime


@strawberry.type
class AnalyticsWonDeals:
    frame: AnalyticsFrame
    total: int
    items: list[AnalyticsWonDeal]
    has_more: bool


def _id(value: int | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


def _tiers(sums: list[contribution_service.TierSum]) -> list[AbcTierSum]:
    return [AbcTierSum(tier=s.tier, items=s.items, revenue=s.revenue, share=s.share) for s in sums]


@strawberry.type
class Query:
    @strawberry.field(description="Who and what make the node's revenue in the period (this month by default): ranked, ABC-tiered, paged.")
    async def analytics_contribution(
        self, info: Info, by: ContributionByEnum, node: NodeInput | None = None, period: str | None = None, first: int = 50, offset: int = 0,  # type: ignore[valid-type]
    ) -> AnalyticsContribution:
        ctx = info.context
        c = await contribution_service.contribution(ctx.env, ctx.require_viewer(), _node(node), period, contribution_service.By(by), first=first, offset=offset)
        items = [
            ContributionItem(key=i.key, id=_id(i.id), label=i.label, rank=i.rank, revenue=i.revenue, share=i.share, cumulative_share=i.cumulative_share,
                             tier=i.tier, previous=i.previous, last_year=i.last_year, quantity=i.quantity)
            for i in c.items
        ]
        return AnalyticsContribution(
            frame=AnalyticsFrame.of(c.asked), by=c.by, total=c.total, previous_total=c.previous_total, last_year_total=c.last_year_total,
            item_count=c.item_count, pareto_item_share=c.pareto_item_share, tiers=_tiers(c.tiers), items=items, has_more=c.has_more,
        )

    @strawberry.field(description="The node's customers in the period: how many buy, ABC tiers by value, RFM scores (1–5 by quintile), paged by revenue.")
    async def analytics_customers(
        self, info: Info, node: NodeInput | None = None, period: str | None = None, first: int = 50, offset: int = 0,
    ) -> AnalyticsCustomers:
        ctx = info.context
        v = await customers_service.customer_value(ctx.env, ctx.require_viewer(), _node(node), period, first=first, offset=offset)
        return AnalyticsCustomers(
            frame=AnalyticsFrame.of(v.asked), customers=v.customers, buying=v.buying, revenue=v.revenue, previous_buying=v.previous_buying,
            previous_revenue=v.previous_revenue, last_year_buying=v.last_year_buying, last_year_revenue=v.last_year_revenue, tiers=_tiers(v.tiers),
            scores=[RfmScoreCount(dimension=s.dimension, score=s.score, customers=s.customers) for s in v.scores],
            items=[
                RfmCustomer(customer_id=strawberry.ID(str(i.customer_id)), name=i.name, owner_id=_id(i.owner_id), revenue=i.revenue, deals=i.deals,
                            last_won_at=i.last_won_at, recency_days=i.recency_days, recency=i.recency, frequency=i.frequency, monetary=i.monetary, tier=i.tier)
                for i in v.items
            ],
            has_more=v.has_more,
        )

    @strawberry.field(description="Customers of the node that bought and now give a reason to worry, with the reasons, most valuable first.")
    async def analytics_churn_risk(self, info: Info, node: NodeInput | None = None, first: int = 50, offset: int = 0) -> AnalyticsChurnRisk:
        ctx = info.context
        r = await customers_service.churn_risk(ctx.env, ctx.require_viewer(), _node(node), first=first, offset=offset)
        return AnalyticsChurnRisk(
            node=OrgNode.of(r.asked.node, r.asked.scope.label(r.asked.node)), no_visit_days=r.no_visit_days, total=r.total, has_more=r.has_more,
            items=[
                ChurnRiskCustomer(
                    customer_id=strawberry.ID(str(i.customer_id)), name=i.name, owner_id=_id(i.owner_id), owner_name=i.owner_name,
                    lifetime_revenue=i.lifetime_revenue, last_order_at=i.last_order_at, last_visit_at=i.last_visit_at,
                    reasons=[ChurnReason(code=x.code, days=x.days, usual_days=x.usual_days, recent_average=x.recent_average, earlier_average=x.earlier_average) for x in i.reasons],
                )
                for i in r.items
            ],
        )

    @strawberry.field(description="Per unit directly under the node: customers, buyers and revenue against the unit's market potential.")
    async def analytics_saturation(self, info: Info, node: NodeInput | None = None, period: str | None = None) -> AnalyticsSaturation:
        ctx = info.context
        s = await customers_service.saturation(ctx.env, ctx.require_viewer(), _node(node), period)
        return AnalyticsSaturation(frame=AnalyticsFrame.of(s.asked), items=[
            SaturationItem(node=OrgNode.of(Node(NodeKind.TEAM, i.unit_id), i.label), customers=i.customers, buying=i.buying,
                           customers_potential=i.customers_potential, revenue=i.revenue, previous=i.previous, last_year=i.last_year,
                           potential=i.potential, period_potential=i.period_potential, penetration=i.penetration)
            for i in s.items
        ])

    @strawberry.field(description="Per rep under the node: visits and their conversion to deals, verified share, visits per working day, activity mix.")
    async def analytics_behaviour(
        self, info: Info, node: NodeInput | None = None, period: str | None = None, first: int = 50, offset: int = 0,
    ) -> AnalyticsBehaviour:
        ctx = info.context
        b = await behaviour_service.behaviour(ctx.env, ctx.require_viewer(), _node(node), period, first=first, offset=offset)
        return AnalyticsBehaviour(
            frame=AnalyticsFrame.of(b.asked), working_days=b.working_days, total=BehaviourRow.of(b.total, b.asked.node),
            previous=BehaviourFigures.of(b.previous), last_year=BehaviourFigures.of(b.last_year),
            items=[BehaviourRow.of(p, Node(NodeKind.USER, p.user_id)) for p in b.items], people=b.people, has_more=b.has_more,
        )

    @strawberry.field(description="The won deals behind a contribution figure: the node's in the period, narrowed to a customer, product or line.")
    async def analytics_won_deals(
        self, info: Info, node: NodeInput | None = None, period: str | None = None, customer_id: strawberry.ID | None = None,
        product_id: strawberry.ID | None = None, product_line: str | None = None, first: int = 50, offset: int = 0,
    ) -> AnalyticsWonDeals:
        ctx = info.context
        w = await customers_deals.won_deals(
            ctx.env, ctx.require_viewer(), _node(node), period, customer_id=int_id(customer_id) if customer_id is not None else None,
            product_id=int_id(product_id) if product_id is not None else None, product_line=product_line, first=first, offset=offset,
        )
        return AnalyticsWonDeals(frame=AnalyticsFrame.of(w.asked), total=w.total, has_more=w.has_more, items=[
            AnalyticsWonDeal(id=strawberry.ID(str(d.id)), title=d.title, customer_id=strawberry.ID(str(d.customer_id)), customer_name=d.customer_name,
                             owner_id=strawberry.ID(str(d.owner_id)), owner_name=d.owner_name, amount=d.amount, closed_at=d.closed_at)
            for d in w.items
        ])
