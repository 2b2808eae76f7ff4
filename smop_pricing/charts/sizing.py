"""How every chart sits on a page: its width fills the container, its declared ``height`` is the
plot's own and the title, axes and legend come on top of it.

Streamlit's default for a single view stretched to the container is Vega-Lite's ``fit``: the whole
chart, title and legend included, is squeezed into ``height``, so a chart with a title and a legend
under it kept a plot a few pixels tall (the review's overpay bars, 31 px of 240). Each builder
states ``autosize=fit_width()`` instead; tests/test_charts_summary.py checks every builder does.
"""

from __future__ import annotations


def fit_width() -> dict[str, str]:
    """Vega-Lite's ``fit-x`` (a fresh dict each time: no mutable module state)."""
    return {"type": "fit-x", "contains": "padding"}
