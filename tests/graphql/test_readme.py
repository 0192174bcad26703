"""Every GraphQL example in the README is valid against the schema: the docs cannot drift from the API."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import parse, validate

from podium.graphql.schema import schema

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_examples_validate() -> None:
    blocks = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 2
    for block in blocks:
        assert validate(schema._schema, parse(block)) == [], block
