"""First run: an empty install says so, creates one company and its admin (once, even when two try at once), and the
login page shows the demo accounts only when the demo company exists."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from podium.core.events import transaction
from podium.orgs import service as orgs
from podium.orgs.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_SLUG
from podium.orgs.models import Org, User
from podium.orgs.setup import slug_of
from tests.support import GraphQLClient

SETUP_NEEDED = "{ setupNeeded }"
DEMO_ACCOUNTS = "{ demoAccounts { email name role password } }"
SET_UP = """
mutation S($input: SetUpCompanyInput!) {
  setUpCompany(input: $input) {
    __typename
    ... on SignedInSuccess { me { email user { name role } org { name timeZone currency } } }
    ... on OperationError { errors { field code message } }
  }
}
"""
ME = "{ me { email locale org { name } } }"


def company(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Acme Trading 上海", "timeZone": "Asia/Shanghai", "currency": "CNY", "fiscalYearStartMonth": 4,
        "locale": "EN", "adminName": "Ada Admin", "adminEmail": "Ada@Acme.test", "adminPassword": "a long secret phrase",
    }
    data.update(overrides)
    return data


def codes(result: dict[str, Any]) -> dict[str | None, str]:
    assert result["__typename"] == "OperationError", result
    return {e["field"]: e["code"] for e in result["errors"]}


async def test_an_empty_install_is_set_up_once_with_its_first_admin_signed_in(server) -> None:  # type: ignore[no-untyped-def]
    env = server.runtime.env
    async with GraphQLClient(server.url) as anyone:
        assert (await anyone.data(SETUP_NEEDED))["setupNeeded"] is True
        assert (await anyone.data(DEMO_ACCOUNTS))["demoAccounts"] == []

        # Bad input changes nothing, and names every field.
        bad = (await anyone.data(SET_UP, {"input": company(
            name=" ", timeZone="Mars/Olympus", currency="XYZ", fiscalYearStartMonth=13, adminName="x" * 201,
            adminEmail="not-an-email", adminPassword="12345678",
        )}))["setUpCompany"]
        assert codes(bad) == {"name": "REQUIRED", "timeZone": "INVALID", "currency": "INVALID", "fiscalYearStartMonth": "OUT_OF_RANGE",
                              "adminName": "TOO_LONG", "adminEmail": "INVALID", "adminPassword": "WEAK_PASSWORD"}
        for weak in ("short", "Ada Admin", "ada@acme.test", "password123", "aaaaaaaaaaa"):
            result = (await anyone.data(SET_UP, {"input": company(adminPassword=weak)}))["setUpCompany"]
            assert codes(result)["adminPassword"] == "WEAK_PASSWORD", weak
        too_long = (await anyone.data(SET_UP, {"input": company(adminPassword="x1" * 513)}))["setUpCompany"]
        assert codes(too_long) == {"adminPassword": "TOO_LONG"}
        assert (await anyone.data(SETUP_NEEDED))["setupNeeded"] is True

    # Two browsers (and more) submit at once: one company, one admin; the others are told it is set up.
    clients = [GraphQLClient(server.url) for _ in range(6)]
    try:
        answers = await asyncio.gather(*(
            c.data(SET_UP, {"input": company(adminEmail=f"admin{i}@acme.test")}) for i, c in enumerate(clients)
        ))
        results = [a["setUpCompany"] for a in answers]
        won = [i for i, r in enumerate(results) if r["__typename"] == "SignedInSuccess"]
        assert len(won) == 1, results
        assert all(codes(r) == {None: "ALREADY_SET_UP"} for i, r in enumerate(results) if i not in won)
        winner = clients[won[0]]
        me = (await winner.data(ME))["me"]
        assert me["email"] == f"admin{won[0]}@acme.test" and me["locale"] == "EN" and me["org"]["name"] == "Acme Trading 上海"
    finally:
        for c in clients:
            await c.__aexit__(None, None, None)

    async with env.db() as session:
        assert await session.scalar(select(func.count()).select_from(Org)) == 1
        assert await session.scalar(select(func.count()).select_from(User)) == 1
        org = await session.scalar(select(Org))
        assert (org.slug, org.fiscal_year_start_month, org.locale, org.currency) == ("acme-trading", 4, "en", "CNY")
        admin = await session.scalar(select(User))
        assert admin.role == "admin" and admin.last_login_at is not None
    async with GraphQLClient(server.url) as later:
        assert (await later.data(SETUP_NEEDED))["setupNeeded"] is False
        assert codes((await later.data(SET_UP, {"input": company()}))["setUpCompany"]) == {None: "ALREADY_SET_UP"}
        # The admin signs in with what they chose.
        await later.login(f"admin{won[0]}@acme.test", "a long secret phrase")


async def test_the_demo_accounts_are_listed_only_while_the_demo_company_exists(server, world) -> None:  # type: ignore[no-untyped-def]
    env = server.runtime.env
    async with GraphQLClient(server.url) as anyone:
        assert (await anyone.data(DEMO_ACCOUNTS))["demoAccounts"] == []  # a real company only
        async with transaction(env.db) as tx:
            org = await orgs.create_org(tx.session, env, name="Demo", slug=DEMO_SLUG, time_zone="Asia/Shanghai")
            for email, name, role in DEMO_LOGINS:
                await orgs.create_user(tx.session, env, org_id=org.id, email=email, name=name, password=DEMO_PASSWORD, role=role)
        listed = (await anyone.data(DEMO_ACCOUNTS))["demoAccounts"]
        assert [(a["email"], a["role"], a["password"]) for a in listed] == [(e, r.name, DEMO_PASSWORD) for e, _, r in DEMO_LOGINS]
        await anyone.login(listed[-1]["email"], listed[-1]["password"])
        async with transaction(env.db) as tx:
            await tx.session.delete(await tx.session.get(Org, org.id))
        assert (await anyone.data(DEMO_ACCOUNTS))["demoAccounts"] == []


def test_slugs_are_url_safe_and_never_the_demos() -> None:
    assert slug_of("Acme Trading 上海") == "acme-trading"
    assert slug_of("澎湃仪器") == "org"
    assert slug_of("Demo") == "demo-co"
    assert slug_of("Ünïcode   & Co.") == "unicode-co"


def _cli(args: list[str], db: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")} | extra
    env["PODIUM_DATABASE_URL"] = f"sqlite:///{db}"
    return subprocess.run([sys.executable, "-m", "podium.cli", *args], env=env, capture_output=True, text=True, timeout=120)


def test_podium_init_sets_up_the_company_from_flags_once(tmp_path: Path) -> None:
    db = tmp_path / "init.sqlite3"
    assert _cli(["migrate"], db).returncode == 0
    flags = ["init", "--company", "Nord AG", "--time-zone", "Europe/Berlin", "--currency", "eur", "--fiscal-year-start", "7",
             "--language", "en", "--admin-name", "Nora Nord", "--admin-email", "nora@nord.test"]
    bad = _cli([*flags[:4], "Europe/Nowhere", *flags[5:]], db, PODIUM_INIT_ADMIN_PASSWORD="a long secret phrase")
    created = _cli(flags, db, PODIUM_INIT_ADMIN_PASSWORD="a long secret phrase")
    again = _cli(flags, db, PODIUM_INIT_ADMIN_PASSWORD="a long secret phrase")

    assert bad.returncode != 0 and "timeZone: INVALID" in bad.stderr
    assert created.returncode == 0, created.stderr
    assert "nora@nord.test" in created.stdout
    assert again.returncode != 0 and "ALREADY_SET_UP" in again.stderr
