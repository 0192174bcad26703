"""schema.graphql is generated from the code and committed; it must never drift."""

from __future__ import annotations

from pathlib import Path

from podium.graphql.schema import schema

COMMITTED = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema.as_str() + "\n", "run `make schema` and commit schema.graphql"
