"""Page benchmarks: every registered page's rerun under AppTest against a bare reference page.

The reference (bench/reference_page.py: one metric, one 100-point Altair chart, one 10-row
dataframe) runs in the same process, taking turns with the page, so both see the same load.
Two figures per page, each with its ratio to the reference:

- a rerun with the same inputs (what a click elsewhere on the page, or a language round trip, costs);
- a rerun after an input changed to a value not seen before in this process (what a keystroke
  costs: nothing the page caches can be reused for the new value).

AppTest times the script's own work (no browser drawing); the browser group measures the rest.
AppTest makes a fresh bytecode cache on every run, so it compiles app.py and the page each time
(4 ms for a 500-line page); a server compiles a script once. Here one cache serves every run, as
in the server, for the pages and the reference alike.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit.testing.v1.app_test as app_test_module
import streamlit.testing.v1.local_script_runner as local_script_runner
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest

from bench.common import Figure, figure, interleaved, median
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
        return key, (lambda i=i: at.number_input(key=key).set_value(value(i)).run() for i in itertools.count())
    first = at.number_input[0]
    start = int(first.value or 0)
    bound = int(first.max) if first.max is not None else start + 10_000

    def step(i: int) -> object:
        return at.number_input[0].set_value(min(start + 1 + i, bound)).run()

    return first.label, (lambda i=i: step(i) for i in itertools.count())


def page_figures(spec: PageSpec, ref: AppTest) -> list[Figure]:
    at = app_test(spec.file)
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
    figures.append(figure(
        "pages", f"{spec.url_path}: rerun after `{name}` changed to a new value", change_times,
        floor=floor_name, floor_median=median(ref_times), ratio=ratio,
        target=f"≤ {TARGET_RATIO:g}× reference", met=ratio <= TARGET_RATIO,
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
