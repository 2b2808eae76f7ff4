"""A chart's kept spec with only what a new value changes swapped in: its data and its description.

Turning an Altair chart into a Vega-Lite spec (``smop_ui.charts.vega_spec``) costs several
milliseconds, most of it Altair walking the chart's schema objects; for a chart whose structure
does not change with an input (the review page's curves against a new user count: the same
axes, titles, scales and marks) only its datasets and its text alternative do. So a page builds
the chart once with its pure builder, keeps the spec as a template (in the session's state, as
``memo`` keeps a value: the data is the session's own), and for a new value makes the builder's
data frames and description itself and swaps them into the template:

- each dataset is named as ``vega_spec`` names it (a hash of its Arrow bytes, made by Streamlit's
  own transformer), so the filled spec is the one the builder's chart would give, byte for byte
  (tests/test_spec_swap.py builds both ways and compares);
- a template is kept per ``structure`` key (the language, and whatever else the builder's
  structure depends on); a new key builds the chart afresh;
- without Streamlit's internals (``smop_ui.charts.streamlit_internals``), or when a frame is not
  found among the chart's datasets, nothing is kept and every value builds the chart afresh.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from smop_ui.charts import Spec, arrow_dataset, vega_spec

_TEMPLATE = "_spec_template_"
_DESCRIPTION = '"description": '  # the key as json.dumps writes it
Data = pd.DataFrame | pa.Table  # a chart's data, as a builder gives it to Altair


@dataclass(frozen=True)
class SpecTemplate:
    """A spec built by a chart builder, and the names of its datasets a new value replaces (in the
    order of the frames given to :func:`fill`)."""

    spec: Spec
    names: tuple[str, ...]
    # the spec has a description of its own and no other: :func:`fill` swaps it in the JSON text
    # (the spec's strings are JSON-escaped, so the key's text can appear only as a key)
    own_description: bool = False


def template(spec: Spec, frames: Sequence[Data]) -> SpecTemplate | None:
    """``spec`` (made by ``vega_spec`` from a chart whose data are ``frames``) as a template; None
    when a frame's dataset is not among the spec's, or shared by two frames."""
    names = []
    kept = {name for name, _ in spec.datasets}
    for frame in frames:
        dataset = arrow_dataset(frame)
        if dataset is None or dataset[0] not in kept:
            return None
        names.append(dataset[0])
    if len(set(names)) != len(names):
        return None
    own = isinstance(json.loads(spec.json).get("description"), str) and spec.json.count(_DESCRIPTION) == 1
    return SpecTemplate(spec, tuple(names), own)


def fill(kept: SpecTemplate, frames: Sequence[Data], description: str | None) -> Spec:
    """The template's spec with ``frames`` as its data (in the template's order) and ``description``
    as its text alternative (None: the template's own)."""
    new: dict[str, tuple[str, bytes]] = {}
    for old, frame in zip(kept.names, frames, strict=True):
        dataset = arrow_dataset(frame)
        if dataset is None:  # the internals went away since the template was made
            raise RuntimeError("Streamlit's chart internals are missing")
        new[old] = dataset
    text = kept.spec.json
    for old, (name, _) in new.items():
        text = text.replace(f'"{old}"', f'"{name}"')
    if description is not None:
        text = _described(text, description, kept.own_description)
    datasets = tuple(new.get(name, (name, data)) for name, data in kept.spec.datasets)
    return Spec(text, datasets)


def _described(text: str, description: str, in_place: bool) -> str:
    """The spec's JSON ``text`` with ``description`` as its description, as ``json.dumps`` of the
    spec with that description writes it. ``in_place``: the spec's one description is its own
    (top level), so the old one is swapped in the text; else the spec is read and written again."""
    if in_place:
        at = text.index(_DESCRIPTION) + len(_DESCRIPTION)
        _, end = json.JSONDecoder().raw_decode(text, at)
        return text[:at] + json.dumps(description) + text[end:]
    spec = json.loads(text)
    spec["description"] = description
    return json.dumps(spec, default=str)


def swapped(
    name: str,
    structure: Hashable,
    frames: Callable[[], Sequence[Data]],
    describe: Callable[[Sequence[Data]], str | None],
    chart: Callable[[], Any],
) -> Spec:
    """The spec of ``chart()``: built afresh (and kept as this session's template for ``name``)
    the first time and for a new ``structure``, else the kept template filled with ``frames()``
    (the data frames the builder would make, in the template's order) and ``describe(frames)``
    (the description it would give)."""
    slot = _TEMPLATE + name
    held = st.session_state.get(slot)
    if held is not None and held[0] == structure and held[1] is not None:
        data = frames()
        return fill(held[1], data, describe(data))
    spec = vega_spec(chart())
    st.session_state[slot] = (structure, template(spec, frames()))
    return spec
