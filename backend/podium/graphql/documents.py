"""Parsed and validated documents, cached: the WebSocket path parses each distinct document once."""

from __future__ import annotations

from functools import lru_cache

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, specified_rules, validate

from podium.graphql.schema import LIMIT_RULES, MAX_TOKENS, schema

_RULES = (*specified_rules, *LIMIT_RULES)
MAX_QUERY_BYTES = 20_000


@lru_cache(maxsize=256)
def prepare(query: str, graphql_schema: GraphQLSchema = schema._schema) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    if len(query) > MAX_QUERY_BYTES:
        return None, (GraphQLError("Document too large."),)
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError as error:
        return None, (error,)
    errors = validate(graphql_schema, document, _RULES)
    return (None, tuple(errors)) if errors else (document, ())
