"""Demo data that looks like a real company: two regions, three teams, twenty reps, customers around Shanghai,
two years of deals, weeks of visits, and targets for every node."""

from __future__ import annotations

import asyncio
import io
import random
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from podium.core.env import Env
from podium.core.events import transaction
from podium.core.i18n import Locale
from podium.core.passwords import hash_password
from podium.core.policies import Role
from podium.customers.models import Customer
from podium.customers.names import name_key
from podium.orgs import service as orgs
from podium.orgs.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_SLUG
from podium.compensation import demo as compensation_demo
from podium.orgs.models import Org, Team
from podium.pipeline import demo as pipeline_demo
from podium.rewards import demo as rewards_demo
from podium.contests import demo as contests_demo
from podium.targets import demo as targets_demo
from podium.visits import service as visits
from podium.rebuild import rebuild

CENTER = (31.2304, 121.4737)  # People's Square, Shanghai
TIME_ZONE = "Asia/Shanghai"
TEAMS = ("浦东战队 Pudong", "徐汇战队 Xuhui", "静安战队 Jing'an")
# The org tree above the teams: which region each team belongs to.
REGIONS = (("浦江大区 Riverside Region", (0, 1)), ("中心大区 Central Region", (2,)))
# Yearly market potential (CNY) of each region and team, for the cockpit's saturation (issue 15). The deals bring each
# team about the same revenue (about 40-50 million a year), so the story is in the potentials: the Riverside region's
# market is far larger than what it sells (under 20 % penetrated, Xuhui least), while Central sells over half of its own.
REGION_POTENTIALS = ("600000000", "65000000")
TEAM_POTENTIALS = ("260000000", "340000000", "65000000")
REP_NAMES = (
    "李伟", "王芳", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄婷", "周杰", "吴昊",
    "徐丽", "孙强", "马超", "朱琳", "胡军", "郭佳", "何欣", "林峰", "罗雪", "高远",
)
COMPANY_WORDS = ("华信", "东方", "新源", "远航", "恒通", "博达", "金桥", "瑞丰", "星辰", "天合", "中科", "锦程", "汇丰", "卓越", "海纳")
COMPANY_KINDS = ("科技", "医疗器械", "精密仪器", "物流", "电子", "贸易", "生物", "自动化", "新材料", "信息")
STREETS = ("南京西路", "淮海中路", "世纪大道", "漕溪北路", "延安西路", "长寿路", "张杨路", "虹桥路", "四川北路", "龙华中路")


INDUSTRIES = ("制造", "医疗", "教育", "化工", "食品", "半导体", "汽车")


def place_potentials(teams: list[Team], regions: list[Team]) -> None:
    """Hangs the teams under their regions and gives every unit its market potential."""
    for region, (_, members), potential in zip(regions, REGIONS, REGION_POTENTIALS, strict=True):
        region.potential = Decimal(potential)
        for index in members:
            teams[index].parent_id = region.id
    for team, potential in zip(teams, TEAM_POTENTIALS, strict=True):
        team.potential = Decimal(potential)


async def seed(env: Env, *, now: datetime | None = None, days: int = 14) -> bool:
    """Create the demo org once; False when it already exists."""
    rng = random.Random(20261122)
    now = now or env.clock()
    async with env.db() as session:
        if await session.scalar(select(Org.id).where(Org.slug == DEMO_SLUG)):
            return False
    shared_hash = await asyncio.to_thread(hash_password, DEMO_PASSWORD)  # every demo login has the same password
    async with transaction(env.db) as tx:
        org = await orgs.create_org(tx.session, env, name="澎湃仪器 Podium Instruments", slug=DEMO_SLUG, time_zone=TIME_ZONE)
        teams = [await orgs.create_team(tx.session, org_id=org.id, name=name) for name in TEAMS]
        regions = [await orgs.create_team(tx.session, org_id=org.id, name=region_name) for region_name, _ in REGIONS]
        place_potentials(teams, regions)
        logins = [
            await orgs.create_user(
                tx.session, env, org_id=org.id, email=email, name=name, password=DEMO_PASSWORD, role=role,
                team_id=None if role is Role.ADMIN else teams[0].id, locale=Locale.ZH_CN, password_hash=shared_hash,
            )
            for email, name, role in DEMO_LOGINS
        ]
        demo_rep = logins[-1]
        reps = [demo_rep]
        for index, name in enumerate(REP_NAMES[1:], start=1):
            reps.append(
                await orgs.create_user(
                    tx.session, env, org_id=org.id, email=f"rep{index:02d}@example.com", name=name,
                    password=DEMO_PASSWORD, role=Role.REP, team_id=teams[index % len(teams)].id, password_hash=shared_hash,
                )
            )
        customers = []
        for index in range(150):
            lat = CENTER[0] + rng.uniform(-0.12, 0.12)
            lon = CENTER[1] + rng.uniform(-0.14, 0.14)
            name = f"上海{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_KINDS)}有限公司 #{index + 1:03d}"
            customer = Customer(
                org_id=org.id,
                name=name,
                name_key=name_key(name),
                address=f"上海市{rng.choice(STREETS)}{rng.randint(1, 1999)}号",
                latitude=round(lat, 6),
                longitude=round(lon, 6),
                geofence_radius_m=300,
                tier=rng.choice("AABBBCC"),
                owner_id=reps[index % len(reps)].id,
                potential=Decimal(rng.randrange(200_000, 3_000_000, 10_000)),
                created_at=now - timedelta(days=rng.uniform(0, 540)),
                # By index, not by rng: the rest of the demo draws the same numbers as before.
                city="上海", industry=INDUSTRIES[index % len(INDUSTRIES)],
            )
            tx.session.add(customer)
            customers.append(customer)
        await tx.session.flush()
        rep_viewers = [orgs.viewer_of(r) for r in reps]
        admin = orgs.viewer_of(logins[0])
        manager = orgs.viewer_of(logins[1])
        customer_points = [(c.id, c.latitude, c.longitude, c.owner_id) for c in customers]
    # Deals first: the boards built while visits are replayed then already count their points.
    await pipeline_demo.seed(env, rng, org.id, rep_viewers, [c[0] for c in customer_points], now)
    await _history(env, rng, rep_viewers, customer_points, now, days, {"admin": admin, "manager": manager})
    await targets_demo.seed(env, admin)
    await compensation_demo.seed(env, admin, manager, rep_viewers[0])
    await rewards_demo.seed(env, admin, manager, rep_viewers[0])
    await contests_demo.seed(env, admin, manager, [t.id for t in teams], TIME_ZONE, now)
    # Two years of won deals went in as history: they earn their badges now, quietly.
    await rebuild(env)
    return True


async def _history(env: Env, rng: random.Random, reps: list, customers: list, now: datetime, days: int, reviewers: dict) -> None:  # type: ignore[type-arg]
    """Weeks of field days: each rep's visits one after another with travel between, checked in and out."""
    zone = ZoneInfo(TIME_ZONE)
    today = now.astimezone(zone).date()
    base_clock = env.clock
    # Some reps are simply busier: the boards have a shape from the first minute.
    zeal = {r.user_id: rng.uniform(0.3, 1.0) for r in reps}
    zeal[reps[0].user_id] = 0.55  # the demo rep sits mid-table, with room to climb
    if len(reps) > pipeline_demo.FEW_WINS:
        zeal[reps[pipeline_demo.FEW_WINS].user_id] = 1.0  # visits the most and wins the least (pipeline/demo.py)
    own = {r.user_id: [c for c in customers if c[3] == r.user_id] or customers for r in reps}
    to_decide: list[tuple[object, int]] = []
    try:
        for back in range(days, -1, -1):
            day = today - timedelta(days=back)
            if day.weekday() >= 5 and rng.random() < 0.7:
                continue
            for rep in reps:
                count = sum(1 for _ in range(7) if rng.random() < zeal[rep.user_id] * 0.8)
                if back == 0:
                    count = min(count, 2)
                moment = datetime(day.year, day.month, day.day, 9, rng.randint(0, 45), tzinfo=zone)
                for number in range(count):
                    if moment > now:
                        break
                    cid, lat, lon, _ = rng.choice(own[rep.user_id]) if rng.random() < 0.8 else rng.choice(customers)
                    inside = rng.random() < 0.94
                    spread = 0.0012 if inside else 0.02
                    poor = rng.random() < 0.02
                    client_id = str(uuid.UUID(int=rng.getrandbits(128)))
                    data = visits.VisitInput(
                        client_id=client_id,
                        customer_id=cid,
                        latitude=lat + rng.uniform(-spread, spread),
                        longitude=lon + rng.uniform(-spread, spread),
                        accuracy_m=round(rng.uniform(250, 900) if poor else rng.uniform(5, 40), 1),
                        occurred_at=moment,
                        position_at=moment - timedelta(seconds=rng.randint(1, 40)),
                        note=rng.choice(("", "", "客户对新品感兴趣", "约了下周演示", "需要报价单", "Follow-up on the quote")),
                    )
                    env.clock = lambda moment=moment: moment + timedelta(minutes=1)
                    logged = await visits.check_in(env, rep, data)
                    if logged.visit.status == "flagged" and back > 2:
                        to_decide.append((rep, logged.visit.id))
                    if rep is reps[0] and back <= 2 and number % 2 == 0:
                        await visits.add_photo(env, rep, client_id=f"{client_id}-photo", visit_client_id=client_id, raw=_photo(rng))
                    leave = moment + timedelta(minutes=rng.randint(15, 55))
                    # Now and then a rep forgets to check out: the server closes the visit at midnight.
                    if leave <= now and rng.random() > 0.04:
                        env.clock = lambda leave=leave: leave + timedelta(seconds=30)
                        await visits.check_out(env, rep, visits.CheckOutInput(
                            client_id=f"{client_id}-out", visit_client_id=client_id,
                            latitude=lat + rng.uniform(-0.0008, 0.0008), longitude=lon + rng.uniform(-0.0008, 0.0008),
                            accuracy_m=round(rng.uniform(5, 40), 1), occurred_at=leave,
                        ))
                    moment = leave + timedelta(minutes=rng.randint(35, 80))
    finally:
        env.clock = base_clock
    await visits.close_left_open(env)
    # Older doubts were decided by the managers; the last days' are still in their queue.
    for rep, visit_id in to_decide:
        reviewer = reviewers["manager"] if rep.team_id == reviewers["manager"].team_id else reviewers["admin"]
        await visits.review_visit(env, reviewer, visit_id, approve=rng.random() < 0.7, note=rng.choice(("", "已电话确认 Confirmed by phone", "位置不符 Wrong place")))


def _photo(rng: random.Random) -> bytes:
    """A stand-in for a shelf photo: a colour field with a few boxes, as a JPEG from a phone."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 900), (rng.randint(150, 230), rng.randint(150, 230), rng.randint(150, 230)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 1000), rng.randint(0, 700)
        draw.rectangle((x, y, x + rng.randint(80, 200), y + rng.randint(60, 200)), fill=(rng.randint(0, 255), rng.randint(0, 120), rng.randint(0, 255)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
