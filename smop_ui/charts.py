"""Charts placed from Vega-Lite specs, so a page can keep a chart's spec instead of rebuilding it.

Building an Altair chart and turning it into a Vega-Lite spec (Altair checks it against the
Vega-Lite schema on the way) was most of a chart page's rerun. The builders in
``smop_pricing.charts`` stay pure and return Altair charts; a page turns each one into a spec
with ``vega_spec`` inside a cached function keyed on the chart's inputs, and places it with
``draw``. The spec is the one ``st.altair_chart`` would send for the same chart (its data as
Arrow), so the browser draws the same thing and tests read it the same way.

Two kinds of keeping:
- ``st.cache_data`` (in the page's view module) for charts that depend only on the published
  tariff and the inputs: the same inputs give the same chart in every session, and the spec
  holds nothing but the tariff's prices and those inputs;
- ``memo`` for anything built from a session's own data (the review page's what-if tariff, the
  lifecycle page's scenario): kept in that session's ``st.session_state`` only, the last value
  per name.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from contextlib import nullcontext
from typing import Any, TypeVar

import altair as alt
import streamlit as st

# What st.altair_chart does to turn a chart into a spec, under the lock Streamlit takes around
# Altair's process-wide data transformer and theme (so another session's chart never sees ours):
# data out as Arrow under content-hashed names, Altair's default theme off. Private names of
# streamlit 1.67 (pinned in requirements.txt); tests/test_ui_charts.py checks the result is
# st.altair_chart's own, element for element.
from streamlit.elements.vega_charts import _altair_globals_lock, _to_arrow_dataset

T = TypeVar("T")
_MEMO = "_memo_"
_TRANSFORMER = "smop_arrow_datasets"


def vega_spec(chart: Any, validate: bool = False) -> dict[str, Any]:
    """The Vega-Lite spec ``st.altair_chart`` would send for ``chart`` (datasets as Arrow bytes).

    Unlike ``st.altair_chart`` it does not check the spec against the Vega-Lite schema unless
    asked: that check was half the time, and the builders' tests make it on every chart shape.
    """
    datasets: dict[str, Any] = {}
    alt.data_transformers.register(_TRANSFORMER, _to_arrow_dataset)
    with _altair_globals_lock:
        theme = alt.theme.enable("none") if alt.theme.active == "default" else nullcontext()
        with theme, alt.data_transformers.enable(_TRANSFORMER, datasets=datasets):
            spec: dict[str, Any] = chart.to_dict(validate=validate)
    kept = spec.get("datasets")
    spec["datasets"] = {**kept, **datasets} if isinstance(kept, dict) else datasets
    return spec


def layer_specs(charts: Sequence[Any]) -> dict[str, Any]:
    """``charts`` as the layers they would be in ``alt.layer(..., *charts)``: {"layer", "datasets"}.

    For ``add_layers``: the part of a layered chart that changes with an input is kept apart
    from the part that does not.
    """
    layers: list[dict[str, Any]] = []
    datasets: dict[str, Any] = {}
    # One chart at a time: alt.layer would compare the layers' data by printing each DataFrame.
    for chart in charts:
        spec = vega_spec(chart)
        datasets.update(spec.pop("datasets", {}))
        spec.pop("$schema", None)
        layers.append(spec)
    return {"layer": layers, "datasets": datasets}


def add_layers(spec: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """A layered chart's ``spec`` with ``extra`` (from ``layer_specs``) drawn on top."""
    return {**spec, "layer": [*spec["layer"], *extra["layer"]], "datasets": {**spec["datasets"], **extra["datasets"]}}


def draw(spec: dict[str, Any]) -> None:
    """Place a spec from ``vega_spec`` as a chart the width of its container."""
    st.vega_lite_chart(spec=spec, width="stretch")


def memo(name: str, key: Hashable, build: Callable[[], T]) -> T:
    """``build()``'s value, built again only when ``key`` differs from the last run's for ``name``.

    Kept in this session's state (never shared between sessions); treat the value as read-only.
    """
    slot = _MEMO + name
    held = st.session_state.get(slot)
    if held is not None and held[0] == key:
        value: T = held[1]
        return value
    value = build()
    st.session_state[slot] = (key, value)
    return value
