"""Text from a user (a link's parameter, a file's content) shown as itself in Streamlit's Markdown.

Streamlit renders ``st.warning``, ``st.error``, ``st.caption`` and ``st.markdown`` bodies as
Markdown (with LaTeX between dollars, ``:color[...]`` directives, ``:icon:`` shortcodes and GFM's
autolinks). A crafted link could otherwise draw a link, an image fetched from anywhere, a heading
or fake emphasis inside our own notice.

- :func:`visible` shows control characters (a newline in a link) as ``\\xNN``, so user text never
  starts a line (no heading, list or quote can begin inside it);
- :func:`unlinked` puts a word joiner (U+2060, invisible) where GFM would start a link
  (``http://``, ``www.``, ``@``): GFM links a bare address even with every character escaped
  (seen with streamlit 1.67);
- :func:`escaped` does both and backslash-escapes every character Markdown, LaTeX and Streamlit's
  directives give a meaning to (CommonMark allows the escape for any ASCII punctuation);
- :func:`quoted` is :func:`escaped` cut to a length.
"""

from __future__ import annotations

import re

from smop_pricing.safe_io import visible as safe_visible

SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~$:&")
_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(?=://)|(?<=www)(?=\.)|(?=@)")
_VISIBLE_LIMIT = 64


def visible(text: str) -> str:
    """Control characters as ``\\xNN`` (a newline too), bidirectional and other format
    characters as ``\\uNNNN`` (smop_pricing.safe_io.visible): U+202E would reverse the rest
    of our notice."""
    return safe_visible(text).replace("\n", "\\x0a")


def unlinked(text: str) -> str:
    """``text`` with a word joiner where GFM would start a link."""
    return _AUTOLINK.sub(_JOINER, text)


def escaped(text: str) -> str:
    """User text (or a message quoting it) for a Markdown body: shown as written, nothing more."""
    return "".join("\\" + char if char in SPECIAL else char for char in unlinked(visible(text)))


def quoted(text: str, limit: int = _VISIBLE_LIMIT) -> str:
    """:func:`escaped`, cut to ``limit`` characters (the cut marked with '…')."""
    return escaped(text[:limit]) + ("…" if len(text) > limit else "")
