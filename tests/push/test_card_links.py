"""Signed card links hold across instances and restarts: one signing secret per deployment."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from podium.app import create_app
from podium.celebrations.models import Celebration
from podium.core.i18n import Locale
from podium.push.service import card_url
from podium.settings import SECRET_KEY_FILE, SettingsError, load_settings
from tests.compensation.test_earnings import win
from tests.conftest import Server, Stack, start_server, stop_server
from tests.support import GraphQLClient, World


async def test_a_card_link_signed_by_one_instance_opens_on_another(server: Server, world: World, rep: GraphQLClient, stack: Stack) -> None:
    await win(rep, world, "60000.00")
    async with server.runtime.env.db() as session:
        celebration_id = await session.scalar(select(Celebration.id).where(Celebration.user_id == world.rep.id).limit(1))
    assert celebration_id is not None
    link = card_url(server.runtime.env, celebration_id, Locale.EN, signed=True)

    # Another process reads the same environment: it must arrive at the same secret.
    other, uv_server, task = await start_server(load_settings())
    try:
        async with httpx.AsyncClient(base_url=other.url) as anonymous:
            card = await anonymous.get(link)
            forged = await anonymous.get(link[:-4] + ("0000" if not link.endswith("0000") else "1111"))
    finally:
        await stop_server(uv_server, task)

    assert card.status_code == 200 and card.headers["content-type"] == "image/png"
    assert forged.status_code == 401
    if stack.name == "embedded":
        kept = Path(stack.settings.database.resolved_url.split(":///", 1)[1]).parent / SECRET_KEY_FILE
        assert kept.read_text().strip() == server.runtime.settings.security.secret_key
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_embedded_processes_share_one_generated_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("PODIUM_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PODIUM_DATABASE_URL", f"sqlite:///{tmp_path / 'db' / 'podium.sqlite3'}")
    script = "from podium.settings import load_settings; print(load_settings().security.secret_key)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    # Several processes starting at once (uvicorn workers, a restart during a deploy) race to make the key.
    starting = [subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    keys = {p.communicate(timeout=60)[0].strip() for p in starting}

    assert len(keys) == 1 and len(keys.pop()) >= 32
    assert load_settings().security.secret_key == (tmp_path / "db" / SECRET_KEY_FILE).read_text().strip()
    assert [p.name for p in (tmp_path / "db").iterdir()] == [SECRET_KEY_FILE]  # no temporary file left behind


def test_postgresql_without_a_secret_key_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("PODIUM_")]:
        monkeypatch.delenv(name)
    # Nothing listens there: the refusal comes before any connection.
    monkeypatch.setenv("PODIUM_DATABASE_URL", "postgresql://podium@127.0.0.1:9/podium")

    with pytest.raises(SettingsError, match="PODIUM_SECRET_KEY is not set"):
        create_app(load_settings())
    served = subprocess.run(
        [sys.executable, "-m", "podium.cli", "serve", "--port", "0"],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, capture_output=True, text=True, timeout=60,
    )
    assert served.returncode != 0
    assert "PODIUM_SECRET_KEY is not set" in served.stderr and "Traceback" not in served.stderr

    monkeypatch.setenv("PODIUM_SECRET_KEY", "a-shared-secret-of-this-deployment")
    assert load_settings().security.secret_key == "a-shared-secret-of-this-deployment"
