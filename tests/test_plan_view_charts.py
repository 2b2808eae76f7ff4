"""The growth planner's charts filled into a kept template (smop_ui.plan_view.chart_specs) are the
charts the builders make, spec for spec and byte for byte."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

# (start month, from, to, months, shape, held units, language): one session goes through them in order,
# so later ones reuse the template the first of their language made.
CASES = [
    ((2026, 1), 300_000, 3_000_000, 24, "linear", 0, "zh"),
    ((2026, 11), 300_000, 3_000_000, 25, "linear", 0, "zh"),  # a month more: the page's keystroke
    ((2030, 6), 2_000_000, 400_000, 7, "compound", 3, "zh"),  # shrinking, units held
    ((2026, 1), 0, 0, 1, "linear", 0, "en"),  # one month, nothing to buy
    ((2027, 3), 1_000_000, 9_000_000, 60, "compound", 0, "en"),
    ((2026, 1), 300_000, 3_000_000, 24, "linear", 0, "zh"),  # back to the first, after English
]


def _templated_and_built() -> None:
    import datetime as dt

    import streamlit as st

    import smop_ui.plan_view as view
    from smop_pricing.charts.plan import capacity_chart, capacity_frame, spend_chart, spend_frame
    from smop_pricing.plan.forecast import shaped
    from smop_pricing.plan.strategies import Problem, all_strategies
    from smop_pricing.pricing.tariff import published_tariff
    from smop_ui.charts import draw, vega_spec

    built = st.session_state.setdefault("built", [])
    counting = view.capacity_chart

    def counted(*args: object) -> object:
        built.append("capacity")
        return counting(*args)  # type: ignore[arg-type]

    view.capacity_chart = counted  # type: ignore[assignment]
    try:
        same = []
        for (year, month), first, last, months, shape, held, lang in st.session_state["cases"]:
            forecast = shaped(dt.date(year, month, 1), first, last, months, shape)
            plans = all_strategies(Problem(published_tariff(), forecast, held))
            kept = view.chart_specs(plans, lang)
            labels = view.chart_labels(lang)
            fresh = (vega_spec(capacity_chart(capacity_frame(plans, labels), labels)),
                     vega_spec(spend_chart(spend_frame(plans, labels), labels)))
            same.append(kept == fresh)
        st.session_state["same"] = same
    finally:
        view.capacity_chart = counting
    st.altair_chart(capacity_chart(capacity_frame(plans, labels), labels), width="stretch")
    draw(kept[0])
    st.altair_chart(spend_chart(spend_frame(plans, labels), labels), width="stretch")
    draw(kept[1])


def test_the_plan_charts_filled_into_a_kept_template_equal_the_charts_built_afresh():
    at = AppTest.from_function(_templated_and_built, default_timeout=60)
    at.session_state["cases"] = CASES
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["same"] == [True] * len(CASES)
    # a template per language change (zh, en, zh again), not one per forecast
    assert at.session_state["built"] == ["capacity"] * 3


def test_a_plan_chart_from_the_template_sends_what_st_altair_chart_sends():
    at = AppTest.from_function(_templated_and_built, default_timeout=60)
    at.session_state["cases"] = CASES[:2]
    at.run()
    assert not at.exception, at.exception
    capacity, kept_capacity, spend, kept_spend = (chart.proto for chart in at.get("vega_lite_chart"))
    assert kept_capacity == capacity
    assert kept_spend == spend
