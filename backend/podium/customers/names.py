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
    if text.isprintable() and _INVISIBLE.isdisjoint(text):
        return text  # printable: no Cc or Cf character (nor any other separator than the space) to drop
    return "".join(
        c for c in text
        if c not in _INVISIBLE and (c.isspace() or unicodedata.category(c) not in ("Cf", "Cc"))
    )


# Company-form suffixes an import ignores when it looks for near matches, longest first.
_SUFFIXES = (
    "股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "集团公司", "公司",
    "co.,ltd.", "co.,ltd", "co. ltd.", "co ltd", "company limited", "corporation", "limited", "company",
    "corp.", "corp", "inc.", "inc", "ltd.", "ltd", "llc", "co.", "gmbh",
)
_LOOSE_DROP = str.maketrans("", "", " .,，。·・-_'\"()（）[]【】&")
_LOOSE_SUFFIXES = tuple(s.translate(_LOOSE_DROP) for s in _SUFFIXES)


def loose_key(name: str) -> str:
    """A looser key than name_key, for near matches only: company-form suffixes, spaces and punctuation dropped
    ("上海澎湃科技有限公司" and "上海澎湃科技（股份有限公司）" → "上海澎湃科技"). Never decides identity on its own."""
    return loose_of_key(name_key(name))


def loose_of_key(key: str) -> str:
    """loose_key of a name whose name_key is `key`."""
    changed = True
    while changed:
        changed = False
        compact = key.translate(_LOOSE_DROP)
        if not compact.endswith(_LOOSE_SUFFIXES):
            key = compact
            break
        for suffix in _LOOSE_SUFFIXES:
            if compact.endswith(suffix) and len(compact) > len(suffix):
                key = compact[: -len(suffix)]
                changed = True
                break
        else:
            key = compact
    return key
