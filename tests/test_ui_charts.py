"""Charts placed from kept Vega-Lite specs (smop_ui.charts) read back as st.altair_chart's do."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest


def _both_ways() -> None:
    import streamlit as st

    from smop_pricing.charts.curve import chart_labels, cost_chart, tier_bands
    from smop_pricing.pricing.tariff import published_tariff
    from smop_pricing.pricing.vector import cost_curve, user_grid
    from smop_ui.charts import draw, vega_spec

    tariff = published_tariff()
    grid = user_grid(3_000_000, 100_000)
    chart = cost_chart(cost_curve(tariff, grid, 1), tier_bands(tariff, 3_000_000, "en"),
                       chart_labels("en", 1_000_000), cost_curve(tariff, [1_000_000], 1))
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
