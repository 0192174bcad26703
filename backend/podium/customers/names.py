"""Customer names as the database compares them: one key per name, whatever keyboard or paste produced it."""

from __future__ import annotations

import unicodedata

# NFKC and folding lengthen some names ("㈱" → "(株)", "ß" → "ss"): room for twice a name's 200 characters.
KEY_MAX = 400

# Not format characters (Cf), yet drawn as nothing: the combining grapheme joiner, Hangul fillers,
# Khmer inherent vowels, Mongolian free variation selectors and variation selectors.
_INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)


def name_key(name: str) -> str:
    """The name's identity within an org: Unicode NFKC, case folded, invisible characters removed, whitespace collapsed.

    It decides what counts as the same customer, so it stays exact: no fuzzy matching here (an import that wants
    "上海澎湃有限公司" to find "上海澎湃" strips company suffixes for its own matching, never for this key).
    """
    # NFKC both sides of casefold (Unicode's NFKC_Casefold): folding can undo a normal form ("ǰ" → "ǰ").
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", _visible(name)).casefold())
    return " ".join(_visible(folded).split())


def _visible(text: str) -> str:
    """Without format characters (zero-width space and joiners, word joiner, BOM, soft hyphen, bidi marks),
    other controls but whitespace, and the invisible letters above."""
    return "".join(
        c for c in text
        if c not in _INVISIBLE and (c.isspace() or unicodedata.category(c) not in ("Cf", "Cc"))
    )
