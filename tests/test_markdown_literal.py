"""smop_ui.markdown: what a user typed, shown as itself in Streamlit's Markdown."""

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smop_ui.markdown import SPECIAL, escaped, quoted, unlinked, visible
from tests.conftest import shown

printable = st.text(st.characters(blacklist_categories=["Cc", "Cf", "Zl", "Zp", "Cs"]))


@given(st.text())
def test_every_character_markdown_gives_a_meaning_to_is_escaped_and_no_line_breaks(text):
    characters = iter(escaped(text))
    for char in characters:
        assert unicodedata.category(char) not in ("Cc", "Zl", "Zp")  # no line break, no NUL
        if char == "\\":
            assert next(characters) in SPECIAL
        else:
            assert char not in SPECIAL


@given(printable)
def test_an_escaped_text_shows_exactly_what_was_written(text):
    assert shown(escaped(text)) == text.replace("\u2060", "")


@pytest.mark.parametrize("text", ["see http://127.0.0.2:9/x", "HTTPS://x.y", "www.example.com", "a@b.com",
                                  "mailto:a@b.com", "ftp://x"])
def test_nothing_is_left_that_gfm_would_turn_into_a_link(text):
    for form in (escaped(text).replace("\\", ""), unlinked(text)):
        assert not re.search(r"(?i)[a-z]://|www\.|\w@", form)


def test_a_newline_or_nul_in_a_link_is_shown_as_its_code_not_as_a_line_break():
    assert visible("1\n# x\x00") == "1\\x0a# x\\x00"
    assert shown(escaped("1\n# x")) == "1\\x0a# x"


def test_a_long_value_is_cut_and_marked():
    assert shown(quoted("9" * 100, 64)) == "9" * 64 + "…"
    assert quoted("a-b", 64) == "a\\-b"
