"""The `podium` command."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from podium.settings import SettingsError, get_settings, require_secret_key


def _require_migrated() -> None:
    from podium.db.migrate import NotMigrated, require_migrated
    from podium.db.session import create_engine

    settings = get_settings()

    async def check() -> None:
        engine = create_engine(settings.database)
        try:
            await require_migrated(engine, settings.database.resolved_url)
        finally:
            await engine.dispose()

    try:
        asyncio.run(check())
    except NotMigrated as exc:
        raise click.ClickException(str(exc)) from exc


def _serve(host: str | None, port: int | None) -> None:
    import uvicorn

    try:
        require_secret_key(get_settings())
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    _require_migrated()
    settings = get_settings()
    uvicorn.run(
        "podium.app:create_app",
        factory=True,
        host=host or settings.http.host,
        port=port or settings.http.port,
        # Compression per connection would defeat serialize-once fan-out (shared/PITFALLS.md).
        ws_per_message_deflate=False,
        # The sans-I/O websockets protocol: 23 % less server CPU per fan-out than the default
        # (docs/performance.md).
        ws="websockets-sansio",
        proxy_headers=True,
        log_level="info",
    )


@click.group()
def main() -> None:
    """Podium: sales performance management with live leaderboards."""


@main.command()
@click.option("--host", default=None, help="Interface to bind (PODIUM_HOST, default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (PODIUM_PORT, default 8000).")
def serve(host: str | None, port: int | None) -> None:
    """Serve the app (the database must be migrated)."""
    _serve(host, port)


@main.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from podium.db.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database.resolved_url)
    click.echo(f"Database is up to date ({_redacted(settings.database.resolved_url)}).")


def _redacted(url: str) -> str:
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://***@{rest.split('@', 1)[1]}"


async def _seed() -> bool:
    from podium.app import build_runtime
    from podium.demo import seed

    runtime = build_runtime(get_settings())
    await runtime.bus.start()
    try:
        return await seed(runtime.env)
    finally:
        await runtime.bus.stop()
        if runtime.redis is not None:
            await runtime.redis.aclose()


@main.command()
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.option("--no-serve", is_flag=True, help="Only migrate and seed.")
def demo(host: str | None, port: int | None, no_serve: bool) -> None:
    """Migrate, create the demo company (once) and serve it."""
    from podium.db.migrate import upgrade
    from podium.orgs.demo import DEMO_LOGINS, DEMO_PASSWORD

    _demo_vapid_keys()
    settings = get_settings()
    upgrade(settings.database.resolved_url)
    click.echo("Seeding demo data…" if asyncio.run(_seed()) else "Demo data already present.")
    url = f"http://{host or settings.http.host}:{port or settings.http.port}"
    click.echo(f"\n  Podium demo: {url}   (office TV: {url}/tv)")
    for email, _name, role in DEMO_LOGINS:
        click.echo(f"  {role.value:<8} {email:<22} password: {DEMO_PASSWORD}")
    click.echo("")
    if not no_serve:
        _serve(host, port)


@main.command()
@click.option("--company", prompt="Company name", help="The company's name.")
@click.option("--time-zone", prompt="Time zone (IANA)", default="Asia/Shanghai", show_default=True)
@click.option("--currency", prompt="Currency (ISO 4217)", default="CNY", show_default=True)
@click.option("--fiscal-year-start", "fiscal_start", type=int, prompt="Fiscal year starts in month (1-12)", default=1, show_default=True)
@click.option("--language", type=click.Choice(["zh-CN", "en"]), prompt="Default language", default="zh-CN", show_default=True)
@click.option("--admin-name", prompt="First admin's name")
@click.option("--admin-email", prompt="First admin's email")
@click.option("--admin-password", prompt="First admin's password", hide_input=True, confirmation_prompt=True,
              envvar="PODIUM_INIT_ADMIN_PASSWORD", help="Or PODIUM_INIT_ADMIN_PASSWORD; prompted (hidden) when missing.")
def init(company: str, time_zone: str, currency: str, fiscal_start: int, language: str, admin_name: str, admin_email: str, admin_password: str) -> None:
    """First run from the command line: create the company and its first admin (the database must be migrated)."""
    from podium.core.errors import DomainError

    _require_migrated()
    try:
        asyncio.run(_init(company, time_zone, currency, fiscal_start, language, admin_name, admin_email, admin_password))
    except DomainError as exc:
        raise click.ClickException("; ".join(f"{p.field or 'company'}: {p.code.value}" for p in exc.problems)) from exc
    click.echo(f"Created {company!r} and its admin {admin_email.strip().lower()}. Sign in with `podium serve`.")


async def _init(company: str, time_zone: str, currency: str, fiscal_start: int, language: str, admin_name: str, admin_email: str, admin_password: str) -> None:
    from podium.app import build_runtime
    from podium.core.i18n import Locale
    from podium.orgs import setup

    runtime = build_runtime(get_settings())
    try:
        await setup.set_up_company(runtime.env, setup.Company(
            name=company, time_zone=time_zone.strip(), currency=currency.strip().upper(), fiscal_year_start_month=fiscal_start,
            locale=Locale(language), admin_name=admin_name, admin_email=admin_email, admin_password=admin_password,
        ))
    finally:
        if runtime.redis is not None:
            await runtime.redis.aclose()
        await runtime.env.db.kw["bind"].dispose()


@main.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["admin", "manager", "rep"]), default="rep")
@click.option("--org", "org_slug", default="demo", help="Slug of the org; created when missing.")
@click.option("--team", default=None, help="Team name in that org; created when missing.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(email: str, name: str, role: str, org_slug: str, team: str | None, password: str) -> None:
    """Create a person (and their org and team when they do not exist yet)."""
    from podium.core.errors import DomainError

    try:
        stored = asyncio.run(_create_user(email, name, role, org_slug, team, password))
    except DomainError as exc:
        raise click.ClickException(f"Invalid input: {exc}") from exc
    click.echo(f"Created {role} {stored}.")


async def _create_user(email: str, name: str, role: str, org_slug: str, team_name: str | None, password: str) -> str:
    from sqlalchemy import select

    from podium.app import build_runtime
    from podium.core.events import transaction
    from podium.core.policies import Role
    from podium.orgs import service as orgs
    from podium.orgs.models import Org, Team

    runtime = build_runtime(get_settings())
    env = runtime.env
    async with transaction(env.db) as tx:
        org = await tx.session.scalar(select(Org).where(Org.slug == org_slug))
        if org is None:
            org = await orgs.create_org(tx.session, env, name=org_slug, slug=org_slug, time_zone="Asia/Shanghai")
        team_id = None
        if team_name:
            team = await tx.session.scalar(select(Team).where(Team.org_id == org.id, Team.name == team_name))
            team_id = (team or await orgs.create_team(tx.session, org_id=org.id, name=team_name)).id
        user = await orgs.create_user(
            tx.session, env, org_id=org.id, email=email, name=name, password=password, role=Role(role), team_id=team_id
        )
    return user.email


def _new_vapid_keys() -> tuple[str, str]:
    """A VAPID key pair (P-256), base64url: the private scalar and the uncompressed public point."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    b64 = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()  # noqa: E731
    return b64(private), b64(public)


@main.command("vapid-keys")
def vapid_keys() -> None:
    """Print a new VAPID key pair for Web Push, as environment variables."""
    private, public = _new_vapid_keys()
    click.echo(f"PODIUM_VAPID_PRIVATE_KEY={private}")
    click.echo(f"PODIUM_VAPID_PUBLIC_KEY={public}")


def _demo_vapid_keys() -> None:
    """The demo pushes out of the box: without configured keys it makes a pair once and keeps it in var/."""
    import json
    import os

    from podium.settings import REPO_ROOT

    if os.environ.get("PODIUM_VAPID_PRIVATE_KEY"):
        return
    path = REPO_ROOT / "var" / "demo-vapid.json"
    if path.exists():
        keys = json.loads(path.read_text())
    else:
        private, public = _new_vapid_keys()
        keys = {"private": private, "public": public}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
    os.environ["PODIUM_VAPID_PRIVATE_KEY"] = keys["private"]
    os.environ["PODIUM_VAPID_PUBLIC_KEY"] = keys["public"]
    get_settings.cache_clear()


@main.command()
def rebuild() -> None:
    """Recompute boards, milestones, badges and contest results from the ledgers (quietly: no push, no live celebration)."""
    _require_migrated()
    done = asyncio.run(_rebuild())
    click.echo(
        f"Rebuilt {done.orgs} org(s): {done.days_checked} day(s) of history checked, {done.milestones} milestone(s) and "
        f"{done.badges} badge(s) newly awarded, {done.contests} contest(s) finished; boards rebuild from SQL when next read."
    )


async def _rebuild():  # type: ignore[no-untyped-def]
    from podium.app import build_runtime
    from podium.rebuild import rebuild as run

    runtime = build_runtime(get_settings())
    try:
        return await run(runtime.env)
    finally:
        if runtime.redis is not None:
            await runtime.redis.aclose()
        await runtime.env.db.kw["bind"].dispose()


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--portable", is_flag=True, help="The portable format (restores into SQLite or PostgreSQL) instead of the database's own.")
def backup(path: Path, portable: bool) -> None:
    """Back up the whole database to PATH (SQLite: online backup; PostgreSQL: pg_dump -Fc, or portable without it)."""
    from podium.backup.service import BackupError
    from podium.backup.service import backup as run

    try:
        done = asyncio.run(run(get_settings(), path, force_portable=portable))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up to {path} ({done.kind}, schema {done.revision}).")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def restore(path: Path) -> None:
    """Restore PATH into the configured, empty database; then migrate it and rebuild derived state."""
    from podium.backup.service import BackupError, restore_and_rebuild

    try:
        done, orgs = asyncio.run(restore_and_rebuild(get_settings(), path))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {path} ({done.kind}, schema {done.revision}), migrated, and rebuilt {orgs} org(s).")


@main.command("export-schema")
@click.argument("path", default="-")
def export_schema(path: str) -> None:
    """Write the GraphQL schema (SDL) to PATH, or stdout."""
    from podium.graphql.schema import schema

    text = schema.as_str() + "\n"
    if path == "-":
        sys.stdout.write(text)
    else:
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)


if __name__ == "__main__":
    main()
