"""What a file names — stages, owners, products, lead sources — as this org's rows, or a row error.

Read once per import (a few small reads), then looked up per row in memory: a million rows cost a million dict
lookups, not a million queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.errors import ErrorCode, Problems
from podium.customers.names import name_key
from podium.orgs import service as orgs
from podium.pipeline.models import Product, Stage
from podium.pipeline.service import LeadSource, ensure_stages

# Every spelling of a lead source a Chinese or an English CRM export uses, beside our own labels and keys.
LEAD_SOURCE_NAMES: dict[LeadSource, tuple[str, ...]] = {
    LeadSource.WEB: ("web", "website", "官网", "网站", "网络", "线上"),
    LeadSource.EVENT: ("event", "展会活动", "展会", "活动", "会议营销"),
    LeadSource.REFERRAL: ("referral", "转介绍", "推荐", "客户推荐"),
    LeadSource.OUTBOUND: ("outbound", "主动开发", "陌拜", "电话营销", "cold call"),
    LeadSource.PARTNER: ("partner", "合作伙伴", "渠道", "代理商"),
    LeadSource.INBOUND_CALL: ("inbound call", "inbound_call", "来电咨询", "来电", "400电话"),
    LeadSource.EXISTING_CUSTOMER: ("existing customer", "existing_customer", "老客户", "老客户复购", "复购"),
}


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """The form two spellings of one name share: full/half width, case and spacing do not matter.

    Cached: a file names the same few stages, owners and products on every row (NFKC per character is the cost).
    """
    return name_key(text.strip())


@dataclass(frozen=True)
class HistoryValues:
    """One org's stages, people and products, keyed the ways a file names them."""

    org_id: int
    stages: dict[str, Stage]
    by_email: dict[str, orgs.Member]
    by_name: dict[str, list[orgs.Member]]
    products: dict[str, Product]
    first_open: Stage

    @classmethod
    async def load(cls, session: AsyncSession, org_id: int) -> HistoryValues:
        """Read in a write transaction: an org's first import may create its default stages."""
        all_stages = await ensure_stages(session, org_id)
        stages: dict[str, Stage] = {}
        # Active stages first, so a retired stage never shadows a live one of the same name.
        for stage in sorted(all_stages, key=lambda s: (not s.is_active, s.position)):
            for spelling in (stage.key, stage.name_en, stage.name_zh):
                stages.setdefault(fold(spelling), stage)
        by_email: dict[str, orgs.Member] = {}
        by_name: dict[str, list[orgs.Member]] = defaultdict(list)
        for member in await orgs.members_of(session, org_id):
            by_email[member.email.strip().lower()] = member
            by_name[fold(member.name)].append(member)
        products = {fold(p.sku): p for p in await session.scalars(select(Product).where(Product.org_id == org_id))}
        first_open = next(s for s in all_stages if s.is_active and s.outcome == "open")
        return cls(org_id, stages, by_email, dict(by_name), products, first_open)

    def stage(self, problems: Problems, field: str, text: str) -> Stage | None:
        """A stage by its Chinese or English name or its key."""
        found = self.stages.get(fold(text))
        if found is None:
            problems.add(ErrorCode.UNKNOWN_STAGE, field, value=text.strip())
        return found

    def owner(self, problems: Problems, field: str, text: str) -> orgs.Member | None:
        """A person by email (any case, any spaces around) or by a name only one person has.

        Former employees count: history keeps the name of whoever sold it. Among several people of one name,
        the only active one is meant; otherwise the row asks for the email.
        """
        value = text.strip()
        if "@" in value:
            found = self.by_email.get(value.lower())
            if found is None:
                problems.add(ErrorCode.UNKNOWN_PERSON, field, value=value)
            return found
        named = self.by_name.get(fold(value), [])
        active = [m for m in named if m.is_active]
        if len(named) == 1 or len(active) == 1:
            return named[0] if len(named) == 1 else active[0]
        if named:
            problems.add(ErrorCode.AMBIGUOUS_PERSON, field, value=value, count=len(named))
        else:
            problems.add(ErrorCode.UNKNOWN_PERSON, field, value=value)
        return None

    def product(self, problems: Problems, field: str, sku: str) -> Product | None:
        found = self.products.get(fold(sku))
        if found is None:
            problems.add(ErrorCode.UNKNOWN_PRODUCT, field, value=sku.strip())
        return found

    def lead_source(self, problems: Problems, field: str, text: str) -> str | None:
        """A lead source by our key or any usual label; blank is None (the caller picks a default)."""
        if not text.strip():
            return None
        found = _LEAD_SOURCES.get(fold(text))
        if found is None:
            problems.add(ErrorCode.INVALID, field)
        return found


_LEAD_SOURCES = {fold(spelling): source.value for source, names in LEAD_SOURCE_NAMES.items() for spelling in (source.value, *names)}
