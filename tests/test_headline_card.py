"""The figure cards (smop_ui.headline): Markdown the tests read back, showing any text as written."""

from hypothesis import given
from hypothesis import strategies as st

from smop_ui.headline import body
from tests.conftest import read_card as read
from tests.conftest import shown

# printable text of one line (control characters are shown as \xNN by smop_ui.markdown, by design)
LINE = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), max_size=40)


def test_a_card_puts_its_value_as_a_heading_above_its_label():
    assert body("Total paid", "CNY 16,000") == "## CNY 16,000\n\nTotal paid"


def test_a_note_is_a_badge_under_the_label_and_never_an_arrow():
    assert body("Days over capacity", "30", "peak 150,000 over", "red") == (
        "## 30\n\nDays over capacity\n\n:red-badge[peak 150,000 over]")


def test_markdown_that_is_not_a_card_reads_as_none():
    assert read("**Upfront and recurring**") is None
    assert read("## Heading only") is None


@given(label=LINE, value=LINE, note=st.none() | LINE)
def test_any_label_and_value_read_back_as_written(label, value, note):
    assert read(body(label, value, note)) == (label, value)


@given(label=LINE, value=LINE)
def test_the_label_and_value_show_as_written(label, value):
    text = body(label, value)
    heading, words = text.split("\n\n")
    assert shown(heading[3:]) == value and shown(words) == label
