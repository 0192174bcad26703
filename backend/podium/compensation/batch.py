"""A month's statement totals for everyone a reviewer sees: every line computed, only the totals kept.

The review queue of 10,000 people and a million deals reads only the columns the totals need (no
deal titles; margins only when a plan pays on them) and drops each person's lines once summed.
Splitting the payees over worker processes was tried and measured slower on this project's
2-core machine, where PostgreSQL shares the cores (docs/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from podium.compensation.engine import NextStep
from podium.compensation.service import Status, StatementView, each_statement
from podium.core.env import Env
from podium.core.policies import Viewer


@dataclass(frozen=True)
class Totals:
    """One person's month without its lines: what the review queue shows."""

    user_id: int
    user_name: str
    period: str
    status: Status
    plan_id: int
    plan_name: str
    plan_version: int
    currency: str
    revenue: Decimal
    quota: Decimal | None
    attainment: Decimal | None
    earned: Decimal
    payable: Decimal
    held: Decimal
    draw_balance: Decimal
    next_step: NextStep | None
    lines: int
    open_disputes: int
    approved_by: str | None
    approved_at: datetime | None

    @classmethod
    def of(cls, view: StatementView) -> Totals:
        r = view.result
        return cls(
            view.user_id, view.user_name, view.period, view.status, view.plan.plan_id, view.plan.plan_name, view.plan.version,
            view.currency, r.revenue, r.quota, r.attainment, r.earned, r.payable, r.held, r.draw_balance, r.next_step,
            r.line_count, view.open_disputes, view.approved_by, view.approved_at,
        )



async def month_totals(env: Env, viewer: Viewer, period: str) -> list[Totals]:
    """Everyone I review for a month, with their totals, sorted by name."""
    return await each_statement(env, viewer, period, itemized=False, take=Totals.of)
