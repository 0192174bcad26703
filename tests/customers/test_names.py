"""The customer name key: what two names must share to be the same customer."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podium.customers.names import name_key

SAME_AS_ACME_TRADING = [
    "Acme Trading",
    "acme trading",
    "ACME TRADING",
    "  Acme \t Trading \n",
    "Acme\u3000Trading",  # ideographic space
    "Acme\u00a0Trading",  # no-break space
    "Ａｃｍｅ Ｔｒａｄｉｎｇ",  # full-width letters
    "Ac\u200bme Trading",  # zero-width space
    "Acme Tra\u00adding",  # soft hyphen
    "\ufeffAcme Trading",  # a byte order mark pasted from a file
    "Ac\u200cme\u200d Tra\u2060ding",  # zero-width non-joiner, joiner, word joiner
    "Acme\u200b \u200bTrading",
    "\u202aAcme Trading\u202c",  # bidi embedding
    "Acme\u034f Trading\ufe0f",  # combining grapheme joiner, variation selector
]


@pytest.mark.parametrize("variant", SAME_AS_ACME_TRADING)
def test_names_that_look_the_same_share_one_key(variant: str) -> None:
    assert name_key(variant) == "acme trading"


def test_chinese_names_keep_their_characters_and_full_width_digits_become_ascii() -> None:
    assert name_key("上海澎湃仪器有限公司") == "上海澎湃仪器有限公司"
    assert name_key("上海 澎湃\u200b（浦东）１号") == "上海 澎湃(浦东)1号"


def test_case_folding_goes_beyond_lower_case() -> None:
    assert name_key("Straße") == name_key("STRASSE") == "strasse"
    assert name_key("ΣΊΣΥΦΟΣ") == name_key("σίσυφος")
    assert name_key("ǰ") == name_key("J\u030c")  # folding then composing again: one key for both spellings


def test_compatibility_forms_are_unfolded() -> None:
    assert name_key("ﬁne ㈱") == "fine (株)"
    assert name_key("Ⅳ") == "iv"


def test_different_names_keep_different_keys() -> None:
    assert name_key("Acme Trading") != name_key("Acme Trading 2")
    assert name_key("澎湃") != name_key("澎拜")
    assert name_key("Acme-Trading") != name_key("Acme Trading")  # a real hyphen is visible, unlike a soft one


def test_a_name_of_invisible_characters_only_has_an_empty_key() -> None:
    assert name_key("\u200b\u00ad \ufeff\u3000") == ""


def test_the_key_is_its_own_key() -> None:
    for variant in [*SAME_AS_ACME_TRADING, "Straße ㈱ ﬁ", "ǰ", "上海（浦东）"]:
        assert name_key(name_key(variant)) == name_key(variant)


@given(st.text(max_size=40))
def test_any_text_keys_to_a_fixed_point_without_invisibles_or_edge_spaces(text: str) -> None:
    key = name_key(text)
    assert name_key(key) == key
    assert key == key.strip() and "  " not in key
    assert not any(unicodedata.category(c) in ("Cf", "Cc") for c in key)
