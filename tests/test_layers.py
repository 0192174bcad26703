"""Capabilities depend downward only: import-linter's layers contract in pyproject.toml, run on the code under test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

import podium

BACKEND = Path(podium.__file__).resolve().parent.parent
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _lint(backend: Path) -> subprocess.CompletedProcess[str]:
    # A subprocess, so the graph is built from `backend` whatever this interpreter has imported.
    env = {**os.environ, "PYTHONPATH": str(backend), "NO_COLOR": "1", "COLUMNS": "200"}
    command = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run(
        [sys.executable, "-c", command, str(PYPROJECT), "--no-cache", "--no-logo"],
        env=env, capture_output=True, text=True, timeout=120, cwd=backend,
    )


def _layers() -> list[set[str]]:
    """The contract's layers, top first, each as its set of module names."""
    config = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return [{name.strip().strip("()") for name in layer.replace("|", ":").split(":")} for layer in contract["layers"]]


def _layer_modules() -> set[str]:
    return set().union(*_layers())


def test_every_import_goes_down_the_layers() -> None:
    result = _lint(BACKEND)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_module_is_in_a_layer() -> None:
    """A module in no layer would escape the contract: a new capability must be given its place."""
    layers = _layer_modules()
    graph = grimp.build_graph("podium", cache_dir=None)
    outside = set()
    for module in graph.modules:
        if any(module == layer or module.startswith(layer + ".") for layer in layers):
            continue
        if any(layer.startswith(module + ".") for layer in layers):
            # A package that only holds layers (podium, podium.graphql, podium.realtime): its own
            # __init__ must import nothing, or those imports would be checked by no one.
            if graph.find_modules_directly_imported_by(module):
                outside.add(module)
            continue
        outside.add(module)
    assert not outside, f"in no layer of pyproject.toml's [tool.importlinter]: {sorted(outside)}"


def test_a_capability_reads_another_ones_tables_through_its_service() -> None:
    """`podium.<x>.models` is imported by x alone; the composition (app, demo, cli, the model registry) aside."""
    composition = _layers()[0]
    graph = grimp.build_graph("podium", cache_dir=None)
    foreign = []
    for importer in sorted(graph.modules):
        if any(importer == top or importer.startswith(top + ".") for top in composition):
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            parts = imported.split(".")
            if len(parts) == 3 and parts[2] == "models" and not importer.startswith(f"podium.{parts[1]}."):
                foreign.append(f"{importer} -> {imported}")
    assert not foreign, "another capability's tables, read them through its service:\n" + "\n".join(foreign)


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """The contract sees imports inside functions and under TYPE_CHECKING, and ignores none."""
    for where, source in (
        ("in a function", "\n\ndef _late() -> None:\n    from podium.app import create_app  # noqa: F401\n"),
        ("under TYPE_CHECKING", "\n\nif TYPE_CHECKING:\n    from podium.visits.service import check_in  # noqa: F401\n"),
    ):
        copy = tmp_path / where.replace(" ", "_")
        shutil.copytree(BACKEND / "podium", copy / "podium", ignore=shutil.ignore_patterns("__pycache__"))
        module = copy / "podium" / "points" / "service.py"
        module.write_text(module.read_text() + "\nfrom typing import TYPE_CHECKING" + source)
        result = _lint(copy)
        assert result.returncode != 0, f"an upward import {where} passed"
        assert "podium.points is not allowed to import" in result.stdout, result.stdout
