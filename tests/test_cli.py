"""The `podium` command, as an operator uses it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PODIUM = [sys.executable, "-m", "podium.cli"]


def _run(args: list[str], db: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PODIUM_")}
    env["PODIUM_DATABASE_URL"] = f"sqlite:///{db}"
    return subprocess.run([*PODIUM, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)


def test_serve_refuses_an_unmigrated_database_and_names_the_command(tmp_path: Path) -> None:
    result = _run(["serve", "--port", "0"], tmp_path / "fresh.sqlite3")
    assert result.returncode != 0
    assert "podium migrate" in result.stderr


def test_migrate_then_create_user_then_duplicate_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "ops.sqlite3"
    assert _run(["migrate"], db).returncode == 0
    args = ["create-user", "--email", "Ops@Example.com", "--name", "Ops", "--role", "manager", "--org", "acme", "--team", "North"]
    created = _run(args, db, stdin="long-password\nlong-password\n")
    again = _run(args, db, stdin="long-password\nlong-password\n")
    short = _run([*args[:2], "x@example.com", *args[3:]], db, stdin="short\nshort\n")

    assert created.returncode == 0, created.stderr
    assert "Created manager ops@example.com." in created.stdout
    assert again.returncode != 0 and "email" in again.stderr
    assert short.returncode != 0 and "password" in short.stderr


def test_vapid_keys_are_a_valid_p256_pair(tmp_path: Path) -> None:
    import base64

    from cryptography.hazmat.primitives.asymmetric import ec

    out = _run(["vapid-keys"], tmp_path / "unused.sqlite3").stdout.split()
    values = dict(line.split("=", 1) for line in out)
    private = base64.urlsafe_b64decode(values["PODIUM_VAPID_PRIVATE_KEY"] + "==")
    public = base64.urlsafe_b64decode(values["PODIUM_VAPID_PUBLIC_KEY"] + "==")
    derived = ec.derive_private_key(int.from_bytes(private, "big"), ec.SECP256R1()).public_key()
    assert derived.public_numbers() == ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public).public_numbers()
