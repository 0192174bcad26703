"""First run: an install with no company creates one and its first admin, once."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import available_timezones

from sqlalchemy import select, text

from podium.core.currencies import is_currency
from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import transaction
from podium.core.i18n import Locale
from podium.core.policies import Role, Viewer
from podium.orgs.demo import DEMO_SLUG
from podium.orgs.events import CompanySetUp
from podium.orgs.models import Org
from podium.orgs.passwords import check_password, new_hash
from podium.orgs.service import checked_email, create_org, create_user, start_session, viewer_of

NAME_MAX = 200
SLUG_MAX = 60
# Any fixed number: PostgreSQL's transaction-scoped advisory lock that makes two first runs at once create one company.
SETUP_LOCK = 0x706F6469  # "podi"


@dataclass(frozen=True)
class Company:
    name: str
    time_zone: str
    currency: str
    fiscal_year_start_month: int
    locale: Locale
    admin_name: str
    admin_email: str
    admin_password: str


async def setup_needed(env: Env) -> bool:
    """True while the install has no company at all: the app then opens the first-run page."""
    async with env.db() as session:
        return await session.scalar(select(Org.id).limit(1)) is None


def slug_of(name: str) -> str:
    """A URL-safe slug from the company's name ("Acme Trading" → "acme-trading"; "澎湃" → "org")."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:SLUG_MAX].strip("-")
    slug = slug or "org"
    # "demo" is the demo company's: the login page shows its passwords while an org has that slug.
    return f"{slug}-co" if slug == DEMO_SLUG else slug


def check_company(company: Company) -> Problems:
    problems = Problems()
    for field, value in (("name", company.name), ("adminName", company.admin_name)):
        if not value.strip():
            problems.add(ErrorCode.REQUIRED, field)
        elif len(value) > NAME_MAX:
            problems.add(ErrorCode.TOO_LONG, field, max=NAME_MAX)
    if company.time_zone not in available_timezones():
        problems.add(ErrorCode.INVALID, "timeZone")
    if not is_currency(company.currency):
        problems.add(ErrorCode.INVALID, "currency")
    if not 1 <= company.fiscal_year_start_month <= 12:
        problems.add(ErrorCode.OUT_OF_RANGE, "fiscalYearStartMonth", min=1, max=12)
    email = checked_email(problems, company.admin_email, "adminEmail")
    check_password(problems, company.admin_password, field="adminPassword", name=company.admin_name, email=email)
    return problems


async def set_up_company(env: Env, company: Company) -> tuple[Viewer, str]:
    """Create the company and its first admin, signed in; refused once any company exists (also when two race)."""
    check_company(company).raise_if_any()
    if not await setup_needed(env):
        raise DomainError.one(ErrorCode.ALREADY_SET_UP)
    hashed = await new_hash(company.admin_password)
    async with transaction(env.db) as tx:
        session = tx.session
        if session.bind.dialect.name == "postgresql":
            # SQLite's BEGIN IMMEDIATE already serializes writers; PostgreSQL needs a lock that no row carries yet.
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SETUP_LOCK})
        if await session.scalar(select(Org.id).limit(1)) is not None:
            raise DomainError.one(ErrorCode.ALREADY_SET_UP)
        name = company.name.strip()
        org = await create_org(session, env, name=name, slug=slug_of(name), time_zone=company.time_zone, currency=company.currency)
        org.fiscal_year_start_month = company.fiscal_year_start_month
        org.locale = company.locale.value
        admin = await create_user(
            session, env, org_id=org.id, email=company.admin_email, name=company.admin_name, password="", role=Role.ADMIN,
            locale=company.locale, password_hash=hashed,
        )
        token = start_session(tx, env, admin)
        tx.record(CompanySetUp(org_id=org.id, admin=admin.id, by=admin.id))
        viewer = viewer_of(admin)
    return viewer, token
