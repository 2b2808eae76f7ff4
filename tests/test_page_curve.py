"""The cost-curve page under AppTest: it runs, places its charts and honours the URL."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import app_test, shown

PAGE = "app_pages/curve.py"


def specs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def chart_data(at: AppTest, index: int = 0) -> dict[str, pd.DataFrame]:
    """The Arrow datasets Streamlit sends with chart ``index``, by name."""
    proto = at.get("vega_lite_chart")[index].proto
    return {d.name: pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in proto.datasets}


def marker_rows(at: AppTest) -> list[pd.DataFrame]:
    return [frame for frame in chart_data(at).values() if "label" in frame and "fee" in frame]


def main_line(at: AppTest) -> dict[str, Any]:
    layer: dict[str, Any] = next(x for x in specs(at)[0]["layer"] if x["mark"]["type"] == "line")
    return layer


def warnings(at: AppTest) -> list[str]:
    return [shown(w.value) for w in at.warning]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_shows_three_charts_the_cliff_table_and_the_download_in_either_language(lang):
    at = app_test(PAGE, lang=lang)
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 3
    assert len(at.dataframe) == 1
    assert len(at.get("download_button")) == 1
    assert not warnings(at)


def test_the_page_defaults_to_a_million_users_charted_up_to_three_million_for_one_month():
    at = app_test(PAGE)
    assert at.title[0].value == "费用曲线"
    assert at.header[0].value == "1 个月的费用与用户量"
    assert at.markdown[0].value.startswith("100万：按需购买 8 个单位，合计 40,400 元")
    assert main_line(at)["encoding"]["x"]["scale"]["domain"] == [0, 3_000_000]


def test_the_users_parameter_moves_the_users_mark_and_the_summary():
    at = app_test(PAGE, users="2500000", lang="en")
    assert at.markdown[0].value.startswith("2,500,000 users: the literal purchase is 23 units")
    (mark,) = marker_rows(at)
    assert mark[["users", "units", "fee"]].values.tolist() == [[2_500_000, 23, 71_000.0]]
    assert mark["label"].tolist() == ["You: 2,500,000 users"]


def test_the_max_parameter_sets_the_end_of_the_user_axis_on_every_chart():
    at = app_test(PAGE, max="20000000")
    assert not at.exception
    for spec in specs(at):
        x = next(x for x in spec["layer"] if "x" in x.get("encoding", {}) and "scale" in x["encoding"]["x"])
        assert x["encoding"]["x"]["scale"]["domain"] == [0, 20_000_000]


def test_the_months_parameter_sets_the_term_of_the_main_chart_and_adds_it_to_the_spread_chart():
    at = app_test(PAGE, months="6", lang="en")
    assert at.header[0].value == "Cost against users for a 6-month term"
    assert at.markdown[0].value.endswith("total CNY 50,400; the cheapest covering purchase is 11 units, "
                                         "total CNY 45,000.")
    spread = next(x for x in specs(at)[1]["layer"] if x["mark"]["type"] == "line")
    assert spread["encoding"]["color"]["scale"]["domain"] == ["1 month", "6 months", "12 months", "24 months"]


def test_the_show_parameter_plots_the_pack_fee_only():
    at = app_test(PAGE, show="packs", lang="en")
    assert main_line(at)["encoding"]["y"]["title"] == "Pack fee (CNY)"


def test_the_inputs_are_written_back_to_the_url_so_the_link_reproduces_the_page():
    at = app_test(PAGE, users="2500000", max="5000000", months="12", show="packs")
    assert {name: at.query_params[name] for name in ("users", "max", "months", "show")} == {
        "users": "2500000", "max": "5000000", "months": "12", "show": "packs",
    }


def test_the_cliff_table_lists_the_5_to_6_and_7_to_10_to_11_cliffs():
    at = app_test(PAGE, lang="en")
    table = at.dataframe[0].value
    assert table.iloc[:, 0].tolist() == ["5 → 6", "7–10 → 11"]


def test_a_range_below_the_first_cliff_says_the_literal_purchase_is_always_cheapest():
    at = app_test(PAGE, users="0", max="500000", lang="en")
    assert not at.exception
    assert len(at.dataframe) == 0
    assert "always the cheapest" in at.info[0].value


def test_users_beyond_the_chart_are_named_with_the_chart_s_end_and_get_no_mark():
    at = app_test(PAGE, users="25000000", lang="en")
    assert not at.exception
    assert "25,000,000 users" in at.info[0].value
    assert "3,000,000 users" in at.info[0].value
    assert marker_rows(at) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [("max", "abc"), ("max", "30000000"), ("users", "-5"), ("months", "0"), ("months", "37"),
     ("show", "everything")],
)
def test_a_bad_parameter_gives_a_notice_naming_it_and_the_page_still_draws(name, value):
    at = app_test(PAGE, lang="en", **{name: value})
    assert not at.exception
    assert any(f"{name}={value}" in text for text in warnings(at))
    assert len(at.get("vega_lite_chart")) == 3


def test_a_bad_max_falls_back_to_three_million_and_leaves_the_other_parameters_alone():
    at = app_test(PAGE, max="lots", users="1500000")
    assert main_line(at)["encoding"]["x"]["scale"]["domain"] == [0, 3_000_000]
    assert at.markdown[0].value.startswith("150万")


def test_users_and_term_chosen_on_the_quote_page_carry_over_to_the_curve_page():
    at = app_test()
    at.text_input(key="users_text").set_value("170万").run()
    at.number_input(key="months").set_value(24).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.session_state["users"] == 1_700_000
    assert at.header[0].value == "24 个月的费用与用户量"
