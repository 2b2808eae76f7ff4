"""Figure cards: a page's figures (its headline first), drawn with the page's first text.

Streamlit's browser code loads ``st.metric``'s component (like every widget's, chart's and
table's) on demand, as a separate script fetched when the first metric is drawn; on a page with
widgets above the figure, the metric showed with the last of them, 0.8-0.9 s after the page's
text (measured in Chromium, docs/performance.md "A link opened: the first paint"). Markdown is part
of Streamlit's main script, so a headline drawn as Markdown shows in the browser's first pass.

The card is a bordered figure: its value first, as a level-2 heading, its label under it (a heading
after a line of text would start with a heading's top margin); a metric's delta becomes a badge under
the label. tests/conftest.py reads the cards back.
"""

from __future__ import annotations

from typing import Literal

import streamlit as st

from smop_ui.markdown import escaped

Color = Literal["gray", "red"]


def body(label: str, value: str, note: str | None = None, color: Color = "gray") -> str:
    """The card's Markdown: ``value`` as a heading, ``label`` under it, then ``note`` as a badge (a
    metric's delta, never an arrow), all shown as written."""
    text = f"## {escaped(value)}\n\n{escaped(label)}"
    return text if note is None else f"{text}\n\n:{color}-badge[{escaped(note)}]"


def figure_card(label: str, value: str, *, key: str, help: str | None = None, border: bool = True,
                note: str | None = None, color: Color = "gray") -> None:
    """A figure in a card, bordered unless it stands in a bordered box (CSS class ``st-key-<key>``)."""
    # as tall as the row it stands in: the cards of a row line up
    with st.container(border=border, key=key, height="stretch"):
        st.markdown(body(label, value, note, color), anchors=False, help=help)
