"""The quote page's capacity chart, kept per shape with its data swapped in (smop_ui.chart_fill),
is the chart built afresh: the same spec, the same datasets under the same names. Its tables,
made as Arrow without a DataFrame, are the tables a DataFrame gave: the same bytes sent."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.dataframe_util import convert_anything_to_arrow_bytes
from streamlit.testing.v1 import AppTest

from smop_pricing.charts.quote import capacity_chart, capacity_frame
from smop_pricing.pricing.rules import MAX_HELD_UNITS, MAX_TERM_MONTHS, MAX_USERS, quote
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.quote.report import line_items
from smop_ui.chart_fill import fill, template
from smop_ui.charts import arrow, vega_spec
from smop_ui.quote_view import _capacity_template, _line_columns, _published_lines, _published_tiers, capacity_spec

TARIFF = published_tariff()
USERS = st.one_of(st.integers(0, 3_000_000), st.integers(0, MAX_USERS),
                  st.sampled_from([0, 1, 200_000, 200_001, 1_000_000, 1_000_001, MAX_USERS]))


def fresh(users: int, months: int, held: int, lang: str) -> object:
    return vega_spec(capacity_chart(quote(TARIFF, users, months, held), lang))


@settings(max_examples=120, deadline=None)
@given(USERS, st.integers(1, MAX_TERM_MONTHS), st.one_of(st.just(0), st.integers(0, MAX_HELD_UNITS)),
       st.sampled_from(["zh", "en"]))
def test_the_kept_capacity_chart_with_new_users_is_the_chart_built_afresh(users, months, held, lang):
    assert capacity_spec.__wrapped__(users, months, held, lang) == fresh(users, months, held, lang)


def test_every_shape_of_the_capacity_chart_is_filled_not_built_afresh():
    # none held and no packs; packs, no cheaper; a cheaper purchase; packs held, with and without a cheaper one
    for users, held in ((150_000, 0), (1_000_000, 0), (1_050_000, 0), (1_000_000, 3), (1_050_000, 3)):
        for lang in ("zh", "en"):
            frame = capacity_frame(quote(TARIFF, users, 1, held), lang)
            shape = tuple(zip(frame["row"], frame["part"], frame["order"].tolist(), strict=True))
            assert _capacity_template(shape, lang) is not None, (users, held, lang)
            assert capacity_spec.__wrapped__(users, 1, held, lang) == fresh(users, 1, held, lang)


def _two_layers(ticks: pd.DataFrame, rule: pd.DataFrame, description: str) -> alt.LayerChart:
    return alt.LayerChart(layer=[alt.Chart(ticks).mark_tick().encode(x=alt.X("x:Q")),
                                 alt.Chart(rule).mark_rule().encode(x=alt.X("x:Q"))], description=description)


A, B = pd.DataFrame({"x": [1, 2]}), pd.DataFrame({"x": [3]})


def test_a_new_frame_may_carry_the_name_another_frame_had_in_the_template():
    kept = template(_two_layers(A, B, "a, b"), (A, B))
    assert kept is not None
    assert fill(kept, (B, A), "b, a") == vega_spec(_two_layers(B, A, "b, a"))


def test_two_frames_with_the_same_data_become_one_dataset_as_in_a_chart_built_afresh():
    kept = template(_two_layers(A, B, "a, b"), (A, B))
    assert kept is not None
    filled = fill(kept, (B, B.copy()), "b, b")
    assert filled == vega_spec(_two_layers(B, B.copy(), "b, b"))
    assert len(filled.datasets) == 1


def test_a_chart_whose_datasets_are_not_the_frames_given_is_not_kept_as_a_template():
    assert template(_two_layers(A, B, "a, b"), (A,)) is None
    assert template(_two_layers(A, B, "a, b"), (A, pd.DataFrame({"x": [4]}))) is None
    assert template(_two_layers(A, A.copy(), "a, a"), (A, A.copy())) is None  # which layer is which?
    undescribed = alt.LayerChart(layer=list(_two_layers(A, B, "").layer))
    assert template(undescribed, (A, B)) is None


def _old_line_table(users: int, months: int, held: int, lang: str) -> pa.Table:
    """The calculation table as the page made it from a DataFrame (rows of dicts)."""
    columns = _line_columns(line_items(quote(TARIFF, users, months, held), lang), lang)
    rows = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    return arrow(pd.DataFrame(rows))


def _sent(table: pa.Table) -> bytes:
    return convert_anything_to_arrow_bytes(table)


@settings(max_examples=60, deadline=None)
@given(USERS, st.integers(1, MAX_TERM_MONTHS), st.integers(0, 30), st.sampled_from(["zh", "en"]))
def test_the_calculation_and_tier_tables_made_without_a_dataframe_are_the_tables_made_with_one(
        users, months, held, lang):
    lines = _published_lines.__wrapped__(users, months, held, lang)
    assert lines.equals(_old_line_table(users, months, held, lang), check_metadata=True)
    assert _sent(lines) == _sent(_old_line_table(users, months, held, lang))
    tiers = _published_tiers.__wrapped__(users, months, held, lang)
    columns = {name: tiers.column(name).to_pylist() for name in tiers.column_names}
    assert _sent(tiers) == _sent(arrow(pd.DataFrame(columns)))


def test_a_frame_given_as_its_columns_is_the_dataset_its_dataframe_gives():
    kept = template(_two_layers(A, B, "a, b"), (A, B))
    assert kept is not None
    assert fill(kept, ({"x": [5, 6]}, {"x": [7]}), "c, d") == vega_spec(
        _two_layers(pd.DataFrame({"x": [5, 6]}), pd.DataFrame({"x": [7]}), "c, d"))


def test_columns_of_another_length_than_the_template_frame_are_refused():
    kept = template(_two_layers(A, B, "a, b"), (A, B))
    assert kept is not None
    with pytest.raises(ValueError, match="another shape"):
        fill(kept, ({"x": [5, 6, 7]}, {"x": [7]}), "c, d")


def _capacity_both_ways() -> None:
    import streamlit as st

    from smop_pricing.charts.quote import capacity_chart
    from smop_pricing.pricing.rules import quote
    from smop_pricing.pricing.tariff import published_tariff
    from smop_ui.charts import draw
    from smop_ui.quote_view import capacity_spec

    users, held, lang = (st.session_state[k] for k in ("users", "held", "lang"))
    st.altair_chart(capacity_chart(quote(published_tariff(), users, 3, held), lang), width="stretch")
    draw(capacity_spec(users, 3, held, lang))


@pytest.mark.parametrize(("users", "held", "lang"), [(1_234_567, 0, "zh"), (1_050_000, 2, "en"), (150_000, 0, "en")])
def test_the_kept_capacity_chart_sends_what_st_altair_chart_sends(users, held, lang):
    at = AppTest.from_function(_capacity_both_ways, default_timeout=30)
    at.session_state["users"], at.session_state["held"], at.session_state["lang"] = users, held, lang
    at.run()
    assert not at.exception
    direct, kept = (chart.proto for chart in at.get("vega_lite_chart"))
    assert kept == direct
