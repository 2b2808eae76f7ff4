"""Charts placed from kept Vega-Lite specs (smop_ui.charts) read back as st.altair_chart's do."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def sample_chart(marked: bool = True) -> object:
    """The cost-curve page's main chart for 1,000,000 users up to 3,000,000 (English)."""
    from smop_pricing.charts.curve import chart_labels, cost_chart, tier_bands
    from smop_pricing.pricing.tariff import published_tariff
    from smop_pricing.pricing.vector import cost_curve, user_grid

    tariff = published_tariff()
    grid = user_grid(3_000_000, 100_000)
    marker = cost_curve(tariff, [1_000_000], 1) if marked else None
    return cost_chart(cost_curve(tariff, grid, 1), tier_bands(tariff, 3_000_000, "en"),
                      chart_labels("en", 1_000_000), marker)


def _both_ways() -> None:
    import streamlit as st

    from smop_ui.charts import draw, vega_spec
    from tests.test_ui_charts import sample_chart

    chart = sample_chart()
    st.altair_chart(chart, width="stretch")
    draw(vega_spec(chart))


def test_a_chart_drawn_from_its_kept_spec_sends_the_same_spec_and_data_as_st_altair_chart():
    at = AppTest.from_function(_both_ways, default_timeout=30).run()
    assert not at.exception
    direct, kept = (chart.proto for chart in at.get("vega_lite_chart"))
    assert kept.spec == direct.spec
    assert [(d.name, d.data.data) for d in kept.datasets] == [(d.name, d.data.data) for d in direct.datasets]
    assert kept == direct  # theme, width and the rest too


def _memo_counts() -> None:
    import streamlit as st

    from smop_ui.charts import memo

    calls = st.session_state.setdefault("calls", [])
    key = st.session_state.get("key", 1)
    st.session_state["value"] = memo("test", key, lambda: calls.append(key) or f"built for {key}")


def test_memo_builds_again_only_when_the_key_changes():
    at = AppTest.from_function(_memo_counts).run()
    at.run()
    assert at.session_state["calls"] == [1]
    at.session_state["key"] = 2
    at.run()
    assert at.session_state["calls"] == [1, 2]
    assert at.session_state["value"] == "built for 2"


def _cost_chart_both_ways() -> None:
    import streamlit as st

    from smop_pricing.charts.curve import chart_labels, cost_chart, tier_bands
    from smop_pricing.pricing.tariff import published_tariff
    from smop_pricing.pricing.vector import cost_curve, user_grid
    from smop_ui.charts import draw
    from smop_ui.curve_view import cost_spec

    users, maximum, months, measure, lang = (st.session_state[k] for k in ("users", "max", "months", "show", "lang"))
    tariff = published_tariff()
    grid = user_grid(maximum, 100_000)
    st.altair_chart(cost_chart(cost_curve(tariff, grid, months), tier_bands(tariff, int(grid[-1]), lang),
                               chart_labels(lang, users), cost_curve(tariff, [users], months), measure),
                    width="stretch")
    draw(cost_spec(users, maximum, months, measure, lang))


@pytest.mark.parametrize(
    ("users", "maximum", "months", "measure", "lang"),
    [(1_000_000, 3_000_000, 1, "total", "en"),  # marker on the left half
     (2_500_000, 3_000_000, 12, "packs", "zh"),  # on the right half: label to the left
     (25_000_000, 3_000_000, 1, "total", "en"),  # off the chart: no marker layers
     (0, 20_000_000, 24, "total", "zh")],
)
def test_the_curve_page_s_main_chart_kept_in_two_parts_is_the_chart_cost_chart_builds(users, maximum, months,
                                                                                     measure, lang):
    at = AppTest.from_function(_cost_chart_both_ways, default_timeout=30)
    for name, value in (("users", users), ("max", maximum), ("months", months), ("show", measure), ("lang", lang)):
        at.session_state[name] = value
    at.run()
    assert not at.exception
    direct, kept = (chart.proto for chart in at.get("vega_lite_chart"))
    assert kept == direct


def _fallback_and_direct() -> None:
    import streamlit as st

    import smop_ui.charts as charts
    from tests.test_ui_charts import sample_chart

    chart = sample_chart()
    st.altair_chart(chart, width="stretch")
    internals = charts.streamlit_internals
    charts.streamlit_internals = lambda: None  # a Streamlit release without the private names
    try:
        spec = charts.vega_spec(chart)
        extra = charts.layer_specs([sample_chart(marked=False)])
    finally:
        charts.streamlit_internals = internals
    st.session_state["fallback_arrow"] = len(spec.datasets)
    charts.draw(spec)
    charts.draw(charts.add_layers(spec, extra))


def _marks(spec: dict) -> list[str]:
    return [str(layer.get("mark")) for layer in spec.get("layer", [])]


def test_without_streamlits_private_names_a_chart_is_still_drawn_through_the_public_api():
    import json

    at = AppTest.from_function(_fallback_and_direct, default_timeout=30).run()
    assert not at.exception
    direct, fallback, layered = (chart.proto for chart in at.get("vega_lite_chart"))
    assert at.session_state["fallback_arrow"] == 0  # no Arrow made by Streamlit's internals
    direct_spec, fallback_spec = json.loads(direct.spec), json.loads(fallback.spec)
    assert _marks(fallback_spec) == _marks(direct_spec)
    assert [layer.get("encoding") for layer in fallback_spec["layer"]] == [
        layer.get("encoding") for layer in direct_spec["layer"]]
    rows = sorted(len(d.data.data) > 0 for d in fallback.datasets)
    assert rows and all(rows)  # st.vega_lite_chart sent the inline rows as its datasets
    assert len(json.loads(layered.spec)["layer"]) == len(direct_spec["layer"]) + 1  # the extra chart as one layer
    assert len(layered.datasets) >= len(fallback.datasets)


def test_the_private_names_are_looked_up_and_missing_ones_give_the_fallback(monkeypatch):
    from streamlit.elements import vega_charts

    from smop_ui.charts import streamlit_internals

    assert streamlit_internals() is not None
    monkeypatch.delattr(vega_charts, "_to_arrow_dataset")
    assert streamlit_internals() is None


def test_a_kept_layered_spec_with_other_frames_swapped_in_is_the_spec_of_the_chart_built_from_them():
    import altair as alt
    import pandas as pd

    from smop_ui.charts import arrow_dataset, inline_spec, vega_spec, with_layer_data

    def chart(line: pd.DataFrame, points: pd.DataFrame, description: str) -> alt.LayerChart:
        x, y = alt.X("x:Q"), alt.Y("y:Q")
        return alt.LayerChart(layer=[alt.Chart(line).mark_line().encode(x=x, y=y),
                                     alt.Chart(points).mark_point().encode(x=x, y=y)], description=description)

    line, points = pd.DataFrame({"x": [1, 2], "y": [3, 4]}), pd.DataFrame({"x": [1], "y": [3]})
    template = vega_spec(chart(line, points, "three, four"))
    new_line, new_points = line.assign(y=[5, 6]), points.assign(y=[5])
    swapped = with_layer_data(template, [arrow_dataset(new_line), arrow_dataset(new_points)], "five, six")
    assert swapped == vega_spec(chart(new_line, new_points, "five, six"))
    assert swapped != template
    datasets = [arrow_dataset(line), arrow_dataset(points)]
    assert with_layer_data(inline_spec(chart(line, points, "")), datasets, "") is None  # inline data
    assert with_layer_data(template, datasets[:1], "") is None  # two layers, one dataset
    assert with_layer_data(template, [datasets[0], None], "") is None  # a dataset not made
