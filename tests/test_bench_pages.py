"""The pages benchmark's measured cause (time spent building charts) counts what it claims."""

from __future__ import annotations

import smop_pricing.charts.quote as quote_charts
import smop_ui.quote_view as quote_view
from bench.bench_pages import _chart_functions, clocked_charts
from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import published_tariff


def test_every_chart_builder_of_every_chart_module_and_vega_spec_are_clocked():
    names = {func.__name__ for func in _chart_functions().values()}
    assert {"vega_spec", "capacity_chart", "compare_chart", "timeline_chart", "spend_chart"} <= names


def test_a_chart_built_through_a_view_module_is_timed_once_and_the_originals_come_back():
    original = quote_charts.capacity_chart
    with clocked_charts() as clock:
        assert quote_view.capacity_chart is not original  # the view's own imported name is swapped too
        quote_view.vega_spec(quote_view.capacity_chart(quote(published_tariff(), 1_000_000, 12), "en"))
        assert clock.seconds > 0
        assert clock.specs == 1
    assert quote_charts.capacity_chart is original
    assert quote_view.capacity_chart is original
