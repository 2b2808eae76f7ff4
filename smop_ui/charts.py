"""Charts placed from kept Vega-Lite specs, so a page need not rebuild a chart it has built before.

Building an Altair chart and turning it into a Vega-Lite spec is the costly part of a chart page's
rerun (docs/performance.md). The builders in ``smop_pricing.charts`` stay pure and return Altair
charts; a page turns one into a :class:`Spec` with ``vega_spec``, keeps it, and places it with
``draw``. The spec is the one ``st.altair_chart`` would send for the same chart (its data as
Arrow), so the browser draws the same thing and tests read it the same way.

A ``Spec`` is immutable (the spec's JSON text and its datasets' Arrow bytes), so it can be kept
two ways without one session ever changing what another sees:
- ``functools.lru_cache`` on a pure function of plain values (numbers, strings, tuples of them)
  and the published tariff, for charts any visitor gets from the same inputs
  (``smop_ui/curve_view.py``, ``smop_ui/quote_view.py``);
- ``memo`` for anything built from a session's own data (the review page's what-if tariff, the
  lifecycle page's scenario, an uploaded portfolio): kept in that session's ``st.session_state``
  only, the last value per name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Sequence
from contextlib import nullcontext, suppress
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st

from smop_ui.markdown import escaped

T = TypeVar("T")
_MEMO = "_memo_"
_TRANSFORMER = "smop_arrow_datasets"


@dataclass(frozen=True)
class Spec:
    """A Vega-Lite spec, kept immutable: its JSON without the data, and the datasets as Arrow bytes."""

    json: str
    datasets: tuple[tuple[str, bytes], ...]

    def to_dict(self) -> dict[str, Any]:
        """A fresh dict of the spec with its datasets (what ``st.vega_lite_chart`` takes)."""
        spec: dict[str, Any] = json.loads(self.json)
        spec["datasets"] = {**spec.get("datasets", {}), **dict(self.datasets)}
        return spec


def _kept(spec: dict[str, Any], datasets: dict[str, Any]) -> Spec:
    """Arrow datasets kept as bytes; any other (inline rows, from :func:`inline_spec`) stays in the JSON."""
    arrow_data = {name: data for name, data in datasets.items() if isinstance(data, bytes)}
    inline = {name: data for name, data in datasets.items() if not isinstance(data, bytes)}
    return Spec(json.dumps({**spec, "datasets": inline} if inline else spec, default=str), tuple(arrow_data.items()))


_CONVERSION_ERRORS = (pa.ArrowTypeError, pa.ArrowInvalid, pa.ArrowNotImplementedError, OverflowError)


Transformer = Callable[[Any, dict[str, Any]], dict[str, str]]


def _one_thread(to_arrow: Transformer) -> Transformer:
    """Streamlit's DataFrame-to-Arrow transformer, turning a DataFrame into Arrow on this thread.

    Streamlit converts with ``pa.Table.from_pandas(df)``, whose default starts a thread pool for a
    frame of more than a hundred rows per column: for a chart's few hundred rows that pool costs
    more than the conversion (a quarter of the growth plan's chart time, py-spy). The table made
    here is the same table (only the threads differ), so the bytes and the dataset's name are the
    same; a frame pyarrow cannot take goes to Streamlit as it is, for its own fixes.
    """
    def transformer(data: Any, datasets: dict[str, Any]) -> dict[str, str]:
        if isinstance(data, pd.DataFrame):
            with suppress(*_CONVERSION_ERRORS):
                data = pa.Table.from_pandas(data, nthreads=1)
        return to_arrow(data, datasets)

    return transformer


def streamlit_internals() -> tuple[Any, Any] | None:
    """Streamlit's own lock around Altair's process-wide data transformer and theme, and its
    DataFrame-to-Arrow transformer (private names of streamlit 1.67, pinned in requirements.txt;
    see :func:`_one_thread`); None when a Streamlit release has moved them: charts then take
    :func:`inline_spec`."""
    try:
        from streamlit.elements import vega_charts

        return vega_charts._altair_globals_lock, _transformer(vega_charts._to_arrow_dataset)
    except (ImportError, AttributeError):
        return None


@lru_cache(maxsize=4)
def _transformer(to_arrow: Transformer) -> Transformer:
    """One wrapped transformer per Streamlit transformer (Altair keeps the one registered)."""
    return _one_thread(to_arrow)


def vega_spec(chart: Any, validate: bool = False) -> Spec:
    """The Vega-Lite spec ``st.altair_chart`` would send for ``chart`` (datasets as Arrow bytes).

    Unlike ``st.altair_chart`` it does not check the spec against the Vega-Lite schema unless
    asked: the builders' tests make that check on every chart shape. Made with Streamlit's own
    internals (tests/test_ui_charts.py checks the result is st.altair_chart's, element for
    element); should a Streamlit upgrade move or change them, :func:`inline_spec` makes the chart
    through the public API instead: slower, the same chart.
    """
    internals = streamlit_internals()
    if internals is None:
        return inline_spec(chart, validate)
    lock, to_arrow = internals
    datasets: dict[str, Any] = {}
    try:
        alt.data_transformers.register(_TRANSFORMER, to_arrow)
        with lock:
            theme = alt.theme.enable("none") if alt.theme.active == "default" else nullcontext()
            with theme, alt.data_transformers.enable(_TRANSFORMER, datasets=datasets):
                spec: dict[str, Any] = chart.to_dict(validate=validate)
        kept = spec.pop("datasets", None)
        return _kept(spec, {**kept, **datasets} if isinstance(kept, dict) else datasets)
    except (TypeError, AttributeError, ValueError):  # internals of another shape: the public way
        return inline_spec(chart, validate)


def inline_spec(chart: Any, validate: bool = False) -> Spec:
    """``chart``'s spec with its data inline (Altair's own transformer): what a page draws when
    Streamlit's internals are not there. ``st.vega_lite_chart`` converts the data on each draw."""
    spec: dict[str, Any] = chart.to_dict(validate=validate)
    return _kept(spec, {})


def templated(name: str, template_key: Hashable, frame: pd.DataFrame, description: str,
              build: Callable[[], Any]) -> Spec:
    """``vega_spec(build())`` for a chart whose spec differs from one input to the next only in its
    data (``frame``, its one dataset) and its ``description``, made without building it again.

    The first call per ``template_key`` (the language, say) builds the chart and keeps its spec as a
    template in this session (``memo`` under ``name``); later calls turn ``frame`` into Arrow as
    ``vega_spec`` does and put it and ``description`` into the template: the same spec, a tenth of
    the time. A chart whose layout follows its data (a layer per row, a scale's domain from the
    data) must not come here; the tests check the result equals the freshly built spec.
    """
    internals = streamlit_internals()
    if internals is None:
        return vega_spec(build())
    template: Spec = memo(name, template_key, lambda: vega_spec(build()))
    spec: dict[str, Any] = json.loads(template.json)
    if not isinstance(spec.get("data"), dict) or "name" not in spec["data"] or len(template.datasets) != 1:
        return vega_spec(build())  # not one named dataset: nothing to swap
    datasets: dict[str, Any] = {}
    spec["data"] = internals[1](frame, datasets)
    spec["description"] = description
    return _kept(spec, datasets)


def arrow_dataset(frame: pd.DataFrame | pa.Table) -> tuple[str, bytes] | None:
    """``frame`` (a DataFrame or an Arrow table) as :func:`vega_spec` puts it in a spec: its name
    (the hash of its Arrow bytes) and the bytes; None when Streamlit's internals are missing
    (:func:`inline_spec`)."""
    internals = streamlit_internals()
    if internals is None:
        return None
    datasets: dict[str, Any] = {}
    name = str(internals[1](frame, datasets)["name"])
    return name, datasets[name]


def with_layer_data(template: Spec, datasets: Sequence[tuple[str, bytes] | None], description: str) -> Spec | None:
    """``template``, a layered chart's kept spec, drawing ``datasets`` instead (``arrow_dataset``
    of the frame each layer draws, in layer order) under ``description``: the spec ``vega_spec``
    makes of the same chart built from those frames, when everything else the chart is built from
    is the template's (a builder says what that is, as ``charts.lifecycle.capacity_parts``'s shape;
    its tests check the two are equal). Costs the frames' Arrow, not the chart's build. None when
    the template's data is not Arrow (Streamlit's internals missing: :func:`inline_spec`) or its
    layers are not one per dataset."""
    spec: dict[str, Any] = json.loads(template.json)
    layers = spec.get("layer")
    if ("datasets" in spec or not isinstance(layers, list) or len(layers) != len(datasets)
            or any(data is None for data in datasets)
            or not all(isinstance(layer.get("data"), dict) and set(layer["data"]) == {"name"} for layer in layers)):
        return None
    kept: dict[str, Any] = {}
    for layer, data in zip(layers, datasets, strict=True):
        assert data is not None
        layer["data"] = {"name": data[0]}
        kept[data[0]] = data[1]
    spec["description"] = description
    return _kept(spec, kept)


def layer_specs(charts: Sequence[Any]) -> Spec:
    """``charts`` as the layers they would be in ``alt.layer(..., *charts)``: a spec of just
    ``{"layer": [...]}`` and their datasets, for ``add_layers``: the part of a layered chart that
    changes with an input is kept apart from the part that does not."""
    layers: list[dict[str, Any]] = []
    datasets: dict[str, Any] = {}
    # One chart at a time: alt.layer would compare the layers' data by printing each DataFrame.
    for chart in charts:
        spec = vega_spec(chart).to_dict()
        datasets.update(spec.pop("datasets"))
        spec.pop("$schema", None)
        layers.append(spec)
    return _kept({"layer": layers}, datasets)


def add_layers(spec: Spec, extra: Spec) -> dict[str, Any]:
    """A layered chart's ``spec`` with the layers of ``extra`` (from ``layer_specs``) drawn on top."""
    base, top = spec.to_dict(), extra.to_dict()
    return {**base, "layer": [*base["layer"], *top["layer"]], "datasets": {**base["datasets"], **top["datasets"]}}


def draw(spec: Spec | dict[str, Any]) -> None:
    """Place a kept spec (or a dict from ``Spec.to_dict`` / ``add_layers``) the width of its container,
    and its text alternative under it: the spec's ``description``, which every builder words from
    its data (``smop_pricing.charts.summary``), shown as a caption for whoever cannot see the marks
    or tell their colours apart (WCAG 1.1.1 and 1.4.1; the description is also the chart's
    accessible name for a screen reader)."""
    data = spec.to_dict() if isinstance(spec, Spec) else spec
    st.vega_lite_chart(spec=data, width="stretch")
    description = data.get("description")
    if description:
        # Markdown-escaped: the summary quotes labels and figures, never meant as Markdown.
        st.caption(escaped(str(description)))


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


_INT64 = (-(2**63), 2**63 - 1)


def _kind(values: Sequence[object]) -> str | None:
    """"str" when every value is text, "int" when every one is a whole number within int64, else None."""
    if all(type(v) is str for v in values):
        return "str"
    if all(type(v) is int and _INT64[0] <= v <= _INT64[1] for v in values):  # type(v) is int: no bools
        return "int"
    return None


@lru_cache(maxsize=64)
def _pandas_schema(columns: tuple[tuple[str, str], ...]) -> pa.Schema:
    """The schema, pandas metadata and all, that ``arrow`` gives a frame of these (name, kind) columns."""
    sample = pd.DataFrame({name: ["x"] if kind == "str" else [0] for name, kind in columns})
    return pa.Table.from_pandas(sample, preserve_index=False).schema


def arrow_rows(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> pa.Table:
    """``arrow(pd.DataFrame(rows, columns=columns))``, the same table (schema and pandas metadata too),
    made without pandas when every column holds only text or only whole numbers: a fifth of the time.
    Any other table (floats, blanks, no rows, a repeated name) goes through pandas."""
    names = list(columns)
    width = len(names)
    if not rows or len(set(names)) != width or not all(type(n) is str for n in names) or any(
            len(row) != width for row in rows):
        return arrow(pd.DataFrame(list(rows), columns=names))
    cells = list(zip(*rows, strict=True))
    kinds = tuple(_kind(column) for column in cells)
    if None in kinds:
        return arrow(pd.DataFrame(list(rows), columns=names))
    schema = _pandas_schema(tuple(zip(names, kinds, strict=True)))  # type: ignore[arg-type]
    return pa.Table.from_arrays([pa.array(column, type=field.type) for column, field in zip(cells, schema,
                                                                                             strict=True)],
                                schema=schema)


def arrow_records(records: Sequence[dict[str, object]]) -> pa.Table:
    """``arrow(pd.DataFrame(records))`` through :func:`arrow_rows` when every record has the same keys
    in the same order (the frame's columns), else through pandas."""
    if records and all(list(r) == list(records[0]) for r in records):
        return arrow_rows(list(records[0]), [tuple(r.values()) for r in records])
    return arrow(pd.DataFrame(list(records)))


def arrow(frame: pd.DataFrame) -> pa.Table:
    """``frame`` as an immutable Arrow table, to keep (``memo``) and place with ``st.dataframe`` or
    ``st.table``: a kept Arrow table is sent as it is, a DataFrame converted again on every run."""
    return pa.Table.from_pandas(frame, preserve_index=False)
