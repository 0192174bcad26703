"""The demo company's sign-in accounts: printed by `podium demo` and shown on the login page, only while it exists."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from podium.core.env import Env
from podium.core.policies import Role
from podium.orgs.models import Org, User

DEMO_PASSWORD = "podium-demo"
DEMO_SLUG = "demo"
DEMO_LOGINS = (
    ("admin@example.com", "管理员 Admin", Role.ADMIN),
    ("manager@example.com", "陈经理 Manager Chen", Role.MANAGER),
    ("rep@example.com", "李伟 Li Wei", Role.REP),
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    password: str


async def demo_accounts(env: Env) -> list[DemoAccount]:
    """The demo logins that still open the demo company; none on an install without it."""
    async with env.db() as session:
        org_id = await session.scalar(select(Org.id).where(Org.slug == DEMO_SLUG))
        if org_id is None:
            return []
        active = set(await session.scalars(
            select(User.email).where(User.org_id == org_id, User.is_active.is_(True), User.email.in_([e for e, _, _ in DEMO_LOGINS]))
        ))
    return [DemoAccount(email, name, role, DEMO_PASSWORD) for email, name, role in DEMO_LOGINS if email in active]
