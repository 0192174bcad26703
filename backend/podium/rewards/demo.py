"""Demo rewards: a day off, a gift card, a team dinner (few left), a coffee; one redemption waiting for the manager."""

from __future__ import annotations


from podium.core.env import Env
from podium.core.policies import Role, Viewer
from podium.orgs import service as orgs
from podium.orgs.tree import load_tree, reach_of
from podium.points import ledger
from podium.rewards import service

CATALOG = (
    ("demo-reward-day-off", "调休一天 A day off", "与经理商定日期。Pick the day with your manager.", 2000, None),
    ("demo-reward-jd-card", "京东卡 ¥200 JD gift card", "电子卡，三个工作日内发放。E-card, sent within three working days.", 800, 20),
    ("demo-reward-dinner", "团队聚餐 Team dinner", "全队聚餐一次，人均 ¥150。Dinner for your team, ¥150 a head.", 1500, 2),
    ("demo-reward-coffee", "星巴克咖啡券 Starbucks coffee", "一杯中杯饮品。One tall drink.", 150, None),
)


async def seed(env: Env, admin: Viewer, manager: Viewer, demo_rep: Viewer) -> None:
    rewards = [
        (await service.create_reward(env, admin, service.NewReward(client_id, name, price, description, stock)))[0]
        for client_id, name, description, price, stock in CATALOG
    ]
    card = rewards[1]
    # Someone of the manager's team who can afford the gift card asks for it: the queue is not empty,
    # and the demo rep's own page starts with nothing redeemed.
    async with env.db() as session:
        tree = await load_tree(session, manager.org_id)
        people = [m for m in tree.members.values() if m.role is Role.REP and m.id != demo_rep.user_id and reach_of(tree, manager).sees_user(m.id)]
        earned = {m.id: await ledger.lifetime_total(session, m.id) for m in people}
        requester = max(people, key=lambda m: (earned[m.id], -m.id), default=None)
        asking = await orgs.viewer_for(session, requester.id) if requester else None
    if asking is None or earned[asking.user_id] < card.points_price:
        return
    await service.redeem(env, asking, service.RedeemInput("demo-redemption-0001", card.id, 1, "给家里添台空气净化器 For an air purifier at home"))
