"""smop_ui.markdown: what a user typed, shown as itself in Streamlit's Markdown."""

import string
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from smop_ui.markdown import literal, quoted
from tests.conftest import shown


@given(st.text())
def test_every_ascii_punctuation_character_is_escaped_and_nothing_else_is_special(text):
    characters = iter(literal(text))
    for char in characters:
        assert unicodedata.category(char) not in ("Cc", "Zl", "Zp")  # no line break, no NUL
        if char == "\\":
            assert next(characters) in string.punctuation
        else:
            assert char not in string.punctuation


@given(st.text(st.characters(blacklist_categories=["Cc", "Zl", "Zp"])))
def test_the_escaped_text_shows_exactly_what_was_typed(text):
    assert shown(literal(text)) == text


def test_a_newline_or_nul_in_a_link_is_shown_as_its_code_not_as_a_line_break():
    assert shown(literal("1\n# x\x00")) == "1\\x0a# x\\x00"


def test_a_long_value_is_cut_and_marked():
    assert shown(quoted("9" * 100, 64)) == "9" * 64 + "…"
    assert quoted("abc", 64) == "abc"
