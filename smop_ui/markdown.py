"""Text from a user (a link's parameter, a file's content) shown as itself in Streamlit's Markdown.

Streamlit renders ``st.warning``, ``st.error``, ``st.caption`` and ``st.markdown`` bodies as
Markdown (with LaTeX between dollars, ``:color[...]`` directives and ``:icon:`` shortcodes).
A crafted link could otherwise draw a link, an image fetched from anywhere, or fake emphasis
inside our own notice. CommonMark lets every ASCII punctuation character be escaped with a
backslash, so all of them are; control characters (a newline in a link) are shown as ``\\xNN``.
"""

from __future__ import annotations

import string
import unicodedata

_PUNCTUATION = frozenset(string.punctuation)
_VISIBLE_LIMIT = 64


def literal(text: str) -> str:
    """``text`` for a Markdown body, every character shown as typed."""
    out = []
    for char in text:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            out.append(f"\\\\x{ord(char):02x}")
        elif char in _PUNCTUATION:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def quoted(text: str, limit: int = _VISIBLE_LIMIT) -> str:
    """Like :func:`literal`, cut to ``limit`` characters (marked with '…')."""
    return literal(text[:limit]) + ("…" if len(text) > limit else "")
