"""Page benchmarks: every registered page's rerun under AppTest against a bare reference page.

The reference (bench/reference_page.py: one metric, one 100-point Altair chart, one 10-row
dataframe) runs in the same process, taking turns with the page, so both see the same load.
Two figures per page, each with its ratio to the reference:

- a rerun with the same inputs (what a click elsewhere on the page, or a language round trip, costs);
- a rerun after an input changed to a value not seen before in this process (what a keystroke
  costs: nothing the page caches can be reused for the new value).

AppTest times the script's own work (no browser drawing); the browser group measures the rest.
A change rerun's note splits it: the time spent building charts (the chart builders of
``smop_pricing.charts`` and ``smop_ui.charts.vega_spec``, timed around their outermost call in
a second pass of fresh values) and the rest, each against the reference page's whole rerun
(which builds its own chart afresh each time). That is the measured cause of a missed target.

AppTest makes a fresh bytecode cache on every run, so it compiles app.py and the page each time
(4 ms for a 500-line page); a server compiles a script once. Here one cache serves every run, as
in the server, for the pages and the reference alike.
"""

from __future__ import annotations

import functools
import itertools
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import streamlit.testing.v1.app_test as app_test_module
import streamlit.testing.v1.local_script_runner as local_script_runner
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest

from bench.common import Figure, figure, interleaved, median
from smop_pricing.i18n import t
from smop_ui.registry import PAGES, PageSpec
from tests.conftest import ROOT, app_test

REFERENCE = ROOT / "bench" / "reference_page.py"
TARGET_RATIO = 2.0
RERUNS = 15
CHANGES = 11
# The input a keystroke changes on each page, and fresh values for it (each one new to the caches).
# A page not listed here gets its first number input stepped by one.
INPUTS: dict[str, tuple[str, Callable[[int], int]]] = {
    "price-quote": ("users", lambda i: 1_000_000 + 7_919 * (i + 1)),
    "cost-curve": ("users", lambda i: 1_000_000 + 7_919 * (i + 1)),
    "lifecycle-simulator": ("life_users", lambda i: 150_000 + 10_000 * (i + 1)),
    "pricing-review": ("review_users", lambda i: 3_000_000 + 100_000 * (i + 1)),
}

# Pages that draw only their open tab: the tab (key, label) where the changed input's results show,
# opened before the page is timed (the review's curve range is drawn in its "compare" section).
OPEN_TABS: dict[str, tuple[str, str]] = {
    "pricing-review": ("review_section_zh", t("review.tab_compare", "zh")),
}

# Pages that read the changed input from a text field (a count typed as people write it: issue 13),
# by page, with the field's key: the cost-curve page's users is a number input of the same name.
TEXT_INPUTS = {"price-quote": "users_text"}


def elements(at: AppTest) -> int:
    """How many elements and blocks the last run drew (sidebar included): a rerun's cost grows with it."""

    def count(node: object) -> int:
        children = getattr(node, "children", {})
        return sum(1 + count(child) for child in children.values())

    return count(at._tree)


def reference() -> AppTest:
    at = AppTest.from_file(str(REFERENCE), default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def _keystrokes(at: AppTest, spec: PageSpec) -> tuple[str, Iterator[Callable[[], object]]]:
    """The changed input's name and an endless supply of reruns, each with a fresh value."""
    if spec.url_path in INPUTS:
        key, value = INPUTS[spec.url_path]
        if spec.url_path in TEXT_INPUTS:  # a count typed as text (the quote page's users: issue 13)
            field = TEXT_INPUTS[spec.url_path]
            return key, (lambda i=i: at.text_input(key=field).set_value(f"{value(i):,}").run()
                         for i in itertools.count())
        return key, (lambda i=i: at.number_input(key=key).set_value(value(i)).run() for i in itertools.count())
    first = at.number_input[0]
    start = int(first.value or 0)
    bound = int(first.max) if first.max is not None else start + 10_000

    def step(i: int) -> object:
        return at.number_input[0].set_value(min(start + 1 + i, bound)).run()

    return first.label, (lambda i=i: step(i) for i in itertools.count())


class ChartClock:
    """Seconds spent inside chart building, outermost calls only (a builder calling another, or
    ``vega_spec`` around a builder's result, counts once)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.specs = 0  # calls of vega_spec: Vega-Lite specs made
        self._depth = 0

    def wrap(self, func: Callable[..., Any]) -> Callable[..., Any]:
        is_spec = func.__name__ == "vega_spec"

        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.specs += is_spec
            self._depth += 1
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self.seconds += time.perf_counter() - start

        return timed


def _chart_functions() -> dict[int, Callable[..., Any]]:
    """Every chart builder (``*_chart`` and ``*_parts`` in smop_pricing.charts.*), ``vega_spec`` and the
    kept specs' data swap (``arrow_dataset``, ``with_layer_data``), by identity."""
    import smop_pricing.charts.curve
    import smop_pricing.charts.lifecycle
    import smop_pricing.charts.portfolio
    import smop_pricing.charts.quote
    import smop_pricing.charts.review
    import smop_ui.charts

    found: dict[int, Callable[..., Any]] = {id(f): f for f in (smop_ui.charts.vega_spec, smop_ui.charts.arrow_dataset,
                                                                smop_ui.charts.with_layer_data)}
    for module in (smop_pricing.charts.curve, smop_pricing.charts.lifecycle, smop_pricing.charts.portfolio,
                   smop_pricing.charts.quote, smop_pricing.charts.review):
        for name, value in vars(module).items():
            ours = getattr(value, "__module__", "") == module.__name__
            if name.endswith(("_chart", "_parts")) and callable(value) and ours:
                found[id(value)] = value
    return found


@contextmanager
def clocked_charts() -> Iterator[ChartClock]:
    """Every module of ours that holds a chart function holds a timed one instead, until the end.
    (A page script imports the names afresh on each run, so it gets the timed ones too.)"""
    clock = ChartClock()
    functions = _chart_functions()
    timed = {key: clock.wrap(func) for key, func in functions.items()}
    swapped: list[tuple[Any, str, object]] = []
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith(("smop_pricing", "smop_ui")):
            continue
        for name, value in list(vars(module).items()):
            if id(value) in timed and value is functions[id(value)]:
                swapped.append((module, name, value))
                setattr(module, name, timed[id(value)])
    try:
        yield clock
    finally:
        for module, name, value in swapped:
            setattr(module, name, value)


def _chart_share(reruns: Iterator[Callable[[], object]], runs: int) -> tuple[float, float, int]:
    """Median seconds per rerun spent building charts, median seconds of the whole rerun, and the
    Vega-Lite specs made per rerun."""
    charts, wholes = [], []
    with clocked_charts() as clock:
        for _ in range(runs):
            before = clock.seconds
            start = time.perf_counter()
            next(reruns)()
            wholes.append(time.perf_counter() - start)
            charts.append(clock.seconds - before)
    return median(charts), median(wholes), round(clock.specs / runs)


def reference_chart_seconds() -> float:
    """The reference page's one chart, built and turned into a spec as st.altair_chart does it
    (checked against the schema): its median seconds."""
    import altair as alt
    import numpy as np
    import pandas as pd

    from bench.common import timed
    from smop_ui.charts import vega_spec

    users = np.arange(100, dtype=np.int64) * 100_000
    frame = pd.DataFrame({"users": users, "total": 2_000 + (users // 100_000) * 4_800})
    return median(timed(lambda: vega_spec(alt.Chart(frame).mark_line().encode(x="users:Q", y="total:Q"),
                                          validate=True), repeat=21, warmup=2))


def page_figures(spec: PageSpec, ref: AppTest) -> list[Figure]:
    at = app_test(spec.file)
    assert not at.exception, at.exception
    if spec.url_path in OPEN_TABS:
        key, label = OPEN_TABS[spec.url_path]
        at.session_state[key] = label
        at.run()
        assert not at.exception, at.exception
    floor_name = "reference page (bench/reference_page.py)"
    ref_times, page_times = interleaved(ref.run, at.run, repeat=RERUNS, warmup=2)
    assert not at.exception, at.exception
    ratio = median(page_times) / median(ref_times)
    drawn = f"{elements(at)} elements drawn, the reference {elements(ref)}"
    figures = [figure(
        "pages", f"{spec.url_path} ({spec.file}): rerun, same inputs", page_times,
        floor=floor_name, floor_median=median(ref_times), ratio=ratio,
        target=f"≤ {TARGET_RATIO:g}× reference", met=ratio <= TARGET_RATIO, note=drawn,
    )]
    name, reruns = _keystrokes(at, spec)
    changes = iter(reruns)
    ref_times, change_times = interleaved(ref.run, lambda: next(changes)(), repeat=CHANGES, warmup=1)
    assert not at.exception, at.exception
    ratio = median(change_times) / median(ref_times)
    charts, whole, specs = _chart_share(changes, CHANGES)
    assert not at.exception, at.exception
    floor, ref_chart = median(ref_times), reference_chart_seconds()
    split = (f"Measured cause: of a {whole * 1000:.1f} ms rerun (a second, timed pass), building charts from the new "
             f"value took {charts * 1000:.1f} ms ({charts / whole:.0%}, {specs} Vega-Lite spec(s) made), the rest "
             f"{(whole - charts) * 1000:.1f} ms. The reference builds its one chart in {ref_chart * 1000:.1f} ms and "
             f"spends {(floor - ref_chart) * 1000:.1f} ms on the rest: the page's charts are "
             f"{charts / ref_chart:.1f}× the reference's chart, its rest {(whole - charts) / (floor - ref_chart):.1f}× "
             "the reference's rest.")
    figures.append(figure(
        "pages", f"{spec.url_path}: rerun after `{name}` changed to a new value", change_times,
        floor=floor_name, floor_median=floor, ratio=ratio,
        target=f"≤ {TARGET_RATIO:g}× reference", met=ratio <= TARGET_RATIO, note=split,
    ))
    return figures


@contextmanager
def compiled_once() -> Iterator[None]:
    """AppTest runs that share one bytecode cache, as a server's sessions do."""
    shared = ScriptCache()
    saved = app_test_module.ScriptCache, local_script_runner.ScriptCache
    app_test_module.ScriptCache = local_script_runner.ScriptCache = lambda: shared  # type: ignore[misc,assignment]
    try:
        yield
    finally:
        app_test_module.ScriptCache, local_script_runner.ScriptCache = saved  # type: ignore[misc]


def run() -> list[Figure]:
    with compiled_once():
        ref = reference()
        figures: list[Figure] = []
        for spec in PAGES:
            figures += page_figures(spec, ref)
    return figures
