"""Property: the lists ranked, tiered and scored by the database (contribution by customer, customer value with
RFM) equal the same lists computed in Python the way they were before, page by page, on drawn customers with
many ties in revenue, wins and days since the last win (last wins a microsecond either side of a whole day).
And behaviour pages beyond 50 reps with the count of them all.

The rollup rows are written straight into the customer months: the read side is under test, on both stacks.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podium.analytics import behaviour, contribution, customers_service
from podium.analytics.customers_models import CustomerMonth
from podium.core.env import Env
from podium.core.events import transaction
from podium.core.policies import Role, Viewer
from podium.customers.models import Customer
from podium.orgs import service as orgs
from podium.orgs.models import User
from tests.conftest import Server, open_stack, start_server, stop_server
from tests.support import PASSWORD, _password_hash

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOW = datetime(2026, 12, 20, 3, 4, 5, 678_901, tzinfo=UTC)  # inside FY2026 (Asia/Shanghai): recency runs to now
PERIOD = "FY2026"


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["embedded", "production"])
async def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Server]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        async with open_stack(request.param, tmp_path_factory.mktemp("ranking"), tmp_path_factory.getbasetemp(), monkeypatch) as stack:
            running, uvicorn_server, task = await start_server(dataclasses.replace(stack.settings))
            try:
                yield running
            finally:
                await stop_server(uvicorn_server, task)


async def _org(env: Env, reps: int = 1) -> tuple[int, Viewer, list[int]]:
    async with transaction(env.db) as tx:
        s = tx.session
        org = await orgs.create_org(s, env, name="Rank", slug=f"rank-{uuid.uuid4().hex[:8]}", time_zone="Asia/Shanghai")
        unit = await orgs.create_team(s, org_id=org.id, name="Unit")
        admin = await orgs.create_user(s, env, org_id=org.id, email=f"a-{uuid.uuid4().hex[:6]}@rank.test", name="Admin", password=PASSWORD,
                                       role=Role.ADMIN, password_hash=await _password_hash())
        people = [User(org_id=org.id, team_id=unit.id, email=f"r{i}-{uuid.uuid4().hex[:6]}@rank.test", name=f"Rep {i:03d}", role="rep",
                       password_hash="x", created_at=NOW) for i in range(reps)]
        s.add_all(people)
        await s.flush()
        org_id, ids = org.id, [p.id for p in people]
    viewer = await orgs.viewer_by_id(env, admin.id)
    assert viewer is not None
    return org_id, viewer, ids


# ---------------------------------------------------------------- the reference: the Python of before


def tiers_of(ranked: list[tuple[int, Decimal]]) -> dict[int, str]:
    total = sum((r for _, r in ranked), Decimal(0))
    tiers, before = {}, Decimal(0)
    for key, revenue in ranked:
        share_before = before / total if total else Decimal(1)
        tiers[key] = "A" if share_before < Decimal("0.80") else "B" if share_before < Decimal("0.95") else "C"
        before += revenue
    return tiers


def quintile_scores(values: dict[int, Decimal | int], *, lower_is_better: bool = False) -> dict[int, int]:
    ordered = sorted(values.items(), key=lambda kv: (-kv[1] if lower_is_better else kv[1], kv[0]))
    n, scores, first_rank = len(ordered), {}, {}
    for rank, (key, value) in enumerate(ordered):
        first_rank.setdefault(value, rank)
        scores[key] = first_rank[value] * 5 // n + 1
    return scores


# A customer: its months of the year (revenue in cents from few values, so that ties are common; wins, maybe none)
# and its last win: whole days before now, give or take a microsecond.
customer = st.fixed_dictionaries({
    "months": st.lists(st.tuples(st.integers(1, 11), st.sampled_from([0, 100, 250, 5000, 12_345, 100_000]), st.integers(0, 2)),
                       min_size=1, max_size=2, unique_by=lambda m: m[0]),
    "days": st.integers(0, 20),
    "nudge": st.sampled_from([-1, 0, 1, 3_600_000_000]),
})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=st.lists(customer, min_size=1, max_size=14), first=st.integers(1, 6))
async def test_sql_ranked_pages_equal_the_python_ranking(server: Server, drawn: list[dict[str, object]], first: int) -> None:
    env = dataclasses.replace(server.runtime.env, clock=lambda: NOW)
    org_id, admin, (rep,) = await _org(env)
    figures: dict[int, tuple[Decimal, int, datetime]] = {}
    async with transaction(env.db) as tx:
        s = tx.session
        made = [Customer(org_id=org_id, name=f"C{i}", name_key=f"c{i}", owner_id=rep) for i in range(len(drawn))]
        s.add_all(made)
        await s.flush()
        for c, d in zip(made, drawn, strict=True):
            last = NOW - timedelta(days=int(d["days"]), microseconds=int(d["nudge"]))  # type: ignore[call-overload]
            months = d["months"]
            assert isinstance(months, list)
            s.add_all([CustomerMonth(customer_id=c.id, month=date(2026, m, 1), org_id=org_id, revenue=Decimal(cents) / 100, deals_won=wins,
                                     last_won_at=last if wins else None) for m, cents, wins in months])
            if sum(w for _, _, w in months):
                figures[c.id] = (sum((Decimal(cents) / 100 for _, cents, _ in months), Decimal(0)), sum(w for _, _, w in months), last)

    # Contribution by customer: those that bought something, by revenue then id.
    ranked = sorted(((cid, v[0]) for cid, v in figures.items() if v[0] > 0), key=lambda kv: (-kv[1], kv[0]))
    tiers, total = tiers_of(ranked), sum((v for _, v in ranked), Decimal(0))
    expected, running = [], Decimal(0)
    for rank, (cid, revenue) in enumerate(ranked, start=1):
        running += revenue
        expected.append((cid, rank, revenue, (running / total).quantize(Decimal("0.0001")), tiers[cid]))
    got, offset = [], 0
    while True:
        page = await contribution.contribution(env, admin, None, PERIOD, contribution.By.CUSTOMER, first=first, offset=offset)
        got += [(i.id, i.rank, i.revenue, i.cumulative_share, i.tier.value) for i in page.items]
        assert page.item_count == len(ranked) and page.total == total
        offset += first
        if not page.has_more:
            break
    assert got == expected
    assert [(t.tier.value, t.items, t.revenue) for t in page.tiers] == [
        (tier, sum(1 for x in tiers.values() if x == tier), sum((r for cid, r in ranked if tiers[cid] == tier), Decimal(0))) for tier in "ABC"
    ]

    # Customer value: every customer that won, tiered by revenue, RFM-scored among themselves.
    everyone = sorted(((cid, v[0]) for cid, v in figures.items()), key=lambda kv: (-kv[1], kv[0]))
    tiers = tiers_of(everyone)
    days = {cid: max(0, (NOW - v[2]).days) for cid, v in figures.items()}
    r = quintile_scores(days, lower_is_better=True)  # type: ignore[arg-type]
    f = quintile_scores({cid: v[1] for cid, v in figures.items()})
    m = quintile_scores({cid: v[0] for cid, v in figures.items()})
    expected_rfm = [(cid, revenue, days[cid], r[cid], f[cid], m[cid], tiers[cid]) for cid, revenue in everyone]
    got_rfm, offset = [], 0
    while True:
        value = await customers_service.customer_value(env, admin, None, PERIOD, first=first, offset=offset)
        got_rfm += [(i.customer_id, i.revenue, i.recency_days, i.recency, i.frequency, i.monetary, i.tier.value) for i in value.items]
        offset += first
        if not value.has_more:
            break
    assert got_rfm == expected_rfm
    assert value.buying == len(figures)
    counts = {(s.dimension.value, s.score): s.customers for s in value.scores}
    for name, scores in (("recency", r), ("frequency", f), ("monetary", m)):
        assert [counts[(name, n)] for n in range(1, 6)] == [sum(1 for x in scores.values() if x == n) for n in range(1, 6)]


async def test_behaviour_pages_beyond_fifty_reps_with_their_count(server: Server) -> None:
    env = dataclasses.replace(server.runtime.env, clock=lambda: NOW)
    _, admin, reps = await _org(env, reps=63)
    first = await behaviour.behaviour(env, admin, None, "2026-11")
    assert (len(first.items), first.people, first.has_more) == (50, 63, True)
    rest = await behaviour.behaviour(env, admin, None, "2026-11", offset=50)
    assert (len(rest.items), rest.people, rest.has_more) == (13, 63, False)
    # No visits anywhere: by name, every rep exactly once.
    assert [p.user_id for p in first.items + rest.items] == reps
