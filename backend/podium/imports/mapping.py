"""Headers to columns: matched automatically by label and synonyms in both languages, else as the admin maps them."""

from __future__ import annotations

import re
import unicodedata

from podium.imports.kinds.base import Kind

# Decorations a header may carry: "*客户名称", "客户名称（必填）", "Account Name:", "Owner Email ".
_NOISE = re.compile(r"[\s*:：_\-./()（）\[\]【】]|必填|required", re.IGNORECASE)


def header_key(header: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", header).casefold())


def suggest(kind: Kind, headers: list[str]) -> dict[int, str]:
    """{header index: column key} for the headers recognised; each column taken at most once, the first header wins."""
    spellings: dict[str, str] = {}
    for column in kind.columns:
        for spelling in (column.key, column.en, column.zh, *column.synonyms):
            spellings.setdefault(header_key(spelling), column.key)
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = spellings.get(header_key(header))
        if key is not None and key not in taken:
            mapping[index] = key
            taken.add(key)
    return mapping


def from_saved(headers: list[str], saved: dict[str, str], kind: Kind) -> dict[int, str]:
    """A saved source's mapping (by header text) applied to this file's headers; the rest suggested."""
    known = {c.key for c in kind.columns}
    mapping = suggest(kind, headers)
    by_header = {header_key(h): k for h, k in saved.items() if k in known or k == ""}
    for index, header in enumerate(headers):
        key = by_header.get(header_key(header))
        if key is None:
            continue
        mapping = {i: k for i, k in mapping.items() if k != key or i == index}
        if key:
            mapping[index] = key
        else:
            mapping.pop(index, None)  # saved as "not imported"
    return mapping
