"""A kept chart spec with new data swapped in: for a chart whose spec, but for its data and its
description, follows only the shape of its frames (which rows and series) and the language.

Turning an Altair chart into a Vega-Lite spec (``smop_ui.charts.vega_spec``) is the costly part of
drawing it afresh. A page keeps a :class:`Template` per shape and language, built once with
``template(chart, frames)``, and for each new value makes the spec with ``fill``: the new frames'
Arrow datasets (named by their content, as ``st.altair_chart`` names them) and the new description
in place of the template's. A new frame may be given as its columns (a dict of lists), made into
Arrow with the template's frame's schema, pandas' metadata included, without a DataFrame. The
result is the spec ``vega_spec`` would make of the chart built from the new frames, byte for byte:
the page's tests check it (``tests/test_quote_chart_fill.py``).
A chart that reads a frame's values anywhere else in its spec (a scale's domain, a title with a
figure) must not be kept this way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from smop_ui.charts import Spec, streamlit_internals, vega_spec


@dataclass(frozen=True)
class Template:
    """A spec made from placeholder frames, and how to find their traces in it."""

    spec: Spec
    names: tuple[str, ...]  # each frame's dataset name in the spec, in the order the frames were given
    description: str  # the spec's description as its JSON text writes it ('"description": "..."')
    schemas: tuple[pa.Schema, ...]  # each frame's Arrow schema as st.altair_chart converts it
    lengths: tuple[int, ...]  # each frame's rows: the schema's pandas metadata may count them


Columns = Mapping[str, Sequence[Any]]


def _description_json(description: str) -> str:
    return '"description": ' + json.dumps(description)


def template(chart: Any, frames: Sequence[pd.DataFrame]) -> Template | None:
    """``chart``'s spec as a template for charts of the same shape drawn from other frames;
    ``frames`` are the frames it draws, each a dataset of its own. None when the spec cannot be
    filled safely (Streamlit's internals are not there, or the datasets are not exactly ``frames``,
    or it has no description): draw such a chart afresh."""
    internals = streamlit_internals()
    if internals is None:
        return None
    _, to_arrow = internals
    spec = vega_spec(chart)
    names = tuple(to_arrow(frame, {})["name"] for frame in frames)
    description = json.loads(spec.json).get("description")
    if (len(set(names)) != len(names) or set(names) != {name for name, _ in spec.datasets}
            or not isinstance(description, str)):
        return None
    text = _description_json(description)
    if spec.json.count(text) != 1 or any(spec.json.count(f'"name": "{name}"') < 1 for name in names):
        return None
    schemas = tuple(pa.Table.from_pandas(frame).schema for frame in frames)
    return Template(spec, names, text, schemas, tuple(len(frame) for frame in frames))


def _table(kept: Template, i: int, frame: pd.DataFrame | Columns) -> pd.DataFrame | pa.Table:
    if isinstance(frame, pd.DataFrame):
        return frame
    table = pa.Table.from_pydict(dict(frame), schema=kept.schemas[i])
    if table.num_rows != kept.lengths[i]:
        raise ValueError(f"frame {i} has {table.num_rows} rows, its template {kept.lengths[i]}: another shape")
    return table


def fill(kept: Template, frames: Sequence[pd.DataFrame | Columns], description: str) -> Spec:
    """The spec of the template's chart drawn from ``frames`` (in the template's order; each a
    DataFrame or its columns), described by ``description``: what ``vega_spec`` makes of the chart
    built from them."""
    internals = streamlit_internals()
    if internals is None:  # a template is only made with them
        raise RuntimeError("Streamlit's chart internals are gone")
    _, to_arrow = internals
    datasets: dict[str, bytes] = {}
    new_names = {old: to_arrow(_table(kept, i, frame), datasets)["name"]
                 for i, (old, frame) in enumerate(zip(kept.names, frames, strict=True))}
    renamed = {f'"name": "{old}"': f'"name": "{new}"' for old, new in new_names.items()}
    renamed[kept.description] = _description_json(description)
    # One pass: a new name may equal another frame's old one.
    pattern = re.compile("|".join(re.escape(old) for old in renamed))
    text = pattern.sub(lambda match: renamed[match.group(0)], kept.spec.json)
    # The datasets in the template's order (the order the chart's layers name them), each once.
    placed: dict[str, bytes] = {}
    for old, _ in kept.spec.datasets:
        placed.setdefault(new_names[old], datasets[new_names[old]])
    return Spec(text, tuple(placed.items()))
