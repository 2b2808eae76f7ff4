"""A kept chart spec filled with a new value's data and description (smop_ui.spec_swap) is the spec
the chart builder gives for that value, byte for byte."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from smop_pricing.charts import summary
from smop_pricing.charts.review import compare_chart, curves_table, difference_chart, difference_table
from smop_pricing.pricing.tariff import Tariff, published_tariff
from smop_pricing.review.curves import compare_curves
from smop_ui.charts import vega_spec
from smop_ui.spec_swap import SpecTemplate, fill, template

PUBLISHED = published_tariff()
WHATIFS = (
    PUBLISHED,
    replace(PUBLISHED, monthly_fee=Decimal("2500.37")),
    replace(PUBLISHED, tier_mode="graduated"),
    replace(PUBLISHED, included_users=50_000, pack_users=250_000),
)
CHARTS = {
    "compare": (curves_table, summary.review_compare, compare_chart),
    "difference": (difference_table, summary.review_difference, difference_chart),
}


def _frame(whatif: Tariff, users: int, months: int) -> pd.DataFrame:
    return compare_curves(PUBLISHED, whatif, users, months)


def _template(kind: str, frame: pd.DataFrame, lang: str) -> SpecTemplate:
    data, _, chart = CHARTS[kind]
    kept = template(vega_spec(chart(frame, lang)), [data(frame, lang)])
    assert kept is not None
    return kept


def _filled(kept: SpecTemplate, kind: str, frame: pd.DataFrame, lang: str) -> object:
    data, describe, _ = CHARTS[kind]
    frames = [data(frame, lang)]
    return fill(kept, frames, describe(frames[0], lang))


values = st.tuples(st.sampled_from(WHATIFS), st.integers(100_000, 20_000_000), st.integers(1, 120))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(CHARTS)), lang=st.sampled_from(["zh", "en"]), first=values, then=values)
def test_a_review_chart_filled_with_a_new_value_is_the_chart_its_builder_gives_for_it(kind, lang, first, then):
    kept = _template(kind, _frame(*first), lang)
    new = _frame(*then)
    _, _, chart = CHARTS[kind]
    assert _filled(kept, kind, new, lang) == vega_spec(chart(new, lang))


def test_a_filled_spec_carries_the_new_data_and_description_not_the_template_s():
    kept = _template("compare", _frame(PUBLISHED, 1_000_000, 1), "en")
    filled = _filled(kept, "compare", _frame(WHATIFS[1], 5_000_000, 12), "en")
    assert filled != kept.spec
    assert {name for name, _ in filled.datasets}.isdisjoint(kept.names)
    assert "5,000,000" in filled.to_dict()["description"]
    assert "5,000,000" not in kept.spec.to_dict()["description"]


@settings(max_examples=60, deadline=None)
@given(text=st.text())
def test_a_new_description_is_written_into_the_spec_as_json_writes_it(text):
    import json

    kept = _template("compare", _frame(PUBLISHED, 1_000_000, 1), "en")
    assert kept.own_description
    spec = json.loads(kept.spec.json)
    spec["description"] = text
    assert fill(kept, [curves_table(_frame(PUBLISHED, 1_000_000, 1), "en")], text).json == json.dumps(spec)


def test_a_spec_whose_description_is_not_its_own_alone_is_read_and_written_again():
    import json

    from smop_ui.spec_swap import SpecTemplate as Template

    frame = _frame(PUBLISHED, 1_000_000, 1)
    spec = vega_spec(difference_chart(frame, "en"))
    nested = json.loads(spec.json)
    nested["layer"][0]["description"] = "a layer's own"
    kept = replace(_template("difference", frame, "en"), spec=type(spec)(json.dumps(nested), spec.datasets))
    assert not template(kept.spec, [difference_table(frame, "en")]).own_description
    filled = json.loads(fill(Template(kept.spec, kept.names), [difference_table(frame, "en")], "new").json)
    assert filled["description"] == "new" and filled["layer"][0]["description"] == "a layer's own"


def test_a_frame_the_chart_does_not_draw_gives_no_template():
    frame = _frame(PUBLISHED, 1_000_000, 1)
    spec = vega_spec(compare_chart(frame, "en"))
    assert template(spec, [difference_table(frame, "en")]) is None


def test_without_streamlits_private_names_nothing_is_templated(monkeypatch: pytest.MonkeyPatch):
    import smop_ui.charts as charts

    frame = _frame(PUBLISHED, 1_000_000, 1)
    spec = vega_spec(compare_chart(frame, "en"))
    monkeypatch.setattr(charts, "streamlit_internals", lambda: None)  # arrow_dataset's, as the page's
    assert template(spec, [curves_table(frame, "en")]) is None


def _page_and_builder() -> None:
    """The review page's compare charts (kept, then filled) next to the builders' own, drawn by st.altair_chart."""
    import streamlit as st

    from smop_pricing.charts.review import compare_chart, difference_chart
    from smop_pricing.pricing.tariff import published_tariff
    from smop_pricing.review.curves import compare_curves
    from smop_ui.charts import draw
    from smop_ui.review_view import compare_view

    published = published_tariff()
    users, lang = st.session_state["users"], st.session_state["lang"]
    view = compare_view(published, published, users, 1, lang)
    assert not isinstance(view, str)
    draw(view.compare_spec)
    draw(view.difference_spec)
    frame = compare_curves(published, published, users, 1)
    st.altair_chart(compare_chart(frame, lang), width="stretch")
    st.altair_chart(difference_chart(frame, lang), width="stretch")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_review_page_s_curves_after_a_new_user_count_are_sent_as_st_altair_chart_sends_them(
    lang: str, monkeypatch: pytest.MonkeyPatch
):
    import smop_ui.spec_swap as spec_swap

    built: list[object] = []
    monkeypatch.setattr(spec_swap, "vega_spec", lambda chart: built.append(chart) or vega_spec(chart))
    at = AppTest.from_function(_page_and_builder, default_timeout=30)
    at.session_state["lang"] = lang
    for users in (3_000_000, 3_100_000, 12_345_678):
        at.session_state["users"] = users
        at.run()
        assert not at.exception
        kept_compare, kept_difference, compare, difference = (chart.proto for chart in at.get("vega_lite_chart"))
        assert (kept_compare, kept_difference) == (compare, difference)
    assert len(built) == 2  # the first run built both charts; the next ones filled what it kept
