"""Compare options side by side, and the quote page's chart builders."""

import pytest

from smop_pricing.charts.quote import capacity_chart, capacity_frame, compare_chart
from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.quote.options import Option, compare_costs, compare_frame

TARIFF = published_tariff()
E2 = quote(TARIFF, 1_000_000, 1)


def test_the_literal_option_buys_the_units_needed_and_the_cheapest_option_the_cheaper_cover():
    literal, cheapest = Option(E2, "literal"), Option(E2, "cheapest")
    assert (literal.pack_units, literal.total, literal.capacity) == (8, 40_400, 1_000_000)
    assert (cheapest.pack_units, cheapest.total, cheapest.capacity) == (11, 35_000, 1_300_000)


def test_an_option_without_packs_costs_the_standard_edition_only():
    option = Option(quote(TARIFF, 150_000, 12), "literal")
    assert option.purchases == () and option.total == 24_000 and option.capacity == 200_000


def test_the_compare_table_has_one_column_per_option_and_the_difference_to_the_first():
    frame = compare_frame([Option(E2, "literal"), Option(E2, "cheapest"),
                           Option(quote(TARIFF, 1_000_000, 12), "cheapest")], "en")
    assert list(frame.columns) == ["Quote 1", "Quote 2", "Quote 3"]
    assert frame.loc["First-term total", "Quote 2"] == "CNY 35,000"
    assert frame.loc["First-term total against the first quote", "Quote 2"] == "-CNY 5,400"
    # 24,000 + 33,000 − 40,400
    assert frame.loc["First-term total against the first quote", "Quote 3"] == "+CNY 16,600"
    assert frame.loc["Next 12 months (renewed in time)", "Quote 3"] == "CNY 24,000"
    assert frame.loc["Pack calculation", "Quote 1"] == "8 × 4,800 = 38,400"
    assert frame.loc["Term", "Quote 1"] == "1 month" and frame.loc["Term", "Quote 3"] == "12 months"
    assert frame.loc["Cost per 1,000 users a month", "Quote 2"] == "CNY 35.00"


def test_the_compare_table_is_in_chinese_by_default_wording():
    frame = compare_frame([Option(E2, "literal")], "zh")
    assert frame.loc["首期合计", "方案 1"] == "40,400 元"
    assert frame.loc["可运营用户量", "方案 1"] == "100万"


@pytest.mark.parametrize("count", [0, 4])
def test_the_compare_table_takes_one_to_three_options(count):
    with pytest.raises(ValueError):
        compare_frame([Option(E2, "literal")] * count, "en")


def test_the_compare_costs_split_each_total_into_standard_edition_and_packs():
    costs = compare_costs([Option(E2, "literal"), Option(E2, "cheapest")], "en")
    assert costs.groupby("option")["cost"].sum().to_dict() == {"Quote 1": 40_400.0, "Quote 2": 35_000.0}


def test_the_capacity_frame_shows_users_then_the_literal_and_cheaper_capacities():
    frame = capacity_frame(quote(TARIFF, 1_000_000, 1, held_units=1), "en")  # 7 units to buy; 11 cheaper
    totals = frame.groupby("row", sort=False)["users"].sum().to_dict()
    assert totals == {
        "Users to operate": 1_000_000, "As-needed purchase": 1_000_000, "Recommended (cheaper)": 1_400_000,
    }
    literal = frame[frame["row"] == "As-needed purchase"]
    assert literal["part"].tolist() == [
        "Included in the standard edition", "Packs already held", "Packs bought now",
    ]


def test_the_capacity_frame_has_no_cheaper_bar_when_the_literal_purchase_is_cheapest():
    frame = capacity_frame(quote(TARIFF, 150_000, 12), "en")
    assert set(frame["row"]) == {"Users to operate", "As-needed purchase"}
    assert "Packs bought now" not in set(frame["part"])


def test_the_capacity_chart_draws_a_rule_at_the_users_and_counts_wan_in_chinese():
    spec = capacity_chart(E2, "zh").to_dict()
    bars, rule = spec["layer"]
    assert rule["mark"]["type"] == "rule"
    assert spec["datasets"][rule["data"]["name"]] == [{"users": 1_000_000}]
    assert "万" in bars["encoding"]["x"]["axis"]["labelExpr"]


def test_the_capacity_chart_groups_thousands_in_english():
    bars = capacity_chart(E2, "en").to_dict()["layer"][0]
    assert bars["encoding"]["x"]["axis"]["format"] == ",d"


def test_the_compare_chart_stacks_costs_and_labels_each_total():
    spec = compare_chart(compare_costs([Option(E2, "literal"), Option(E2, "cheapest")], "en"), "en").to_dict()
    bars, totals = spec["layer"]
    assert bars["encoding"]["y"]["aggregate"] == "sum"
    assert totals["mark"]["type"] == "text" and totals["encoding"]["text"]["field"] == "total"
    (data,) = spec["datasets"].values()
    assert {row["total"] for row in data} == {"CNY 40,400", "CNY 35,000"}


def test_a_named_option_heads_its_column_with_its_name_and_a_repeated_name_keeps_its_number():
    frame = compare_frame([Option(E2, "cheapest", "Plan A"), Option(E2, "literal", "Plan A"),
                           Option(E2, "literal")], "en")
    assert list(frame.columns) == ["Plan A", "Plan A (2)", "Quote 3"]
    costs = compare_costs([Option(E2, "cheapest", "Plan A"), Option(E2, "literal")], "en")
    assert list(dict.fromkeys(costs["option"])) == ["Plan A", "Quote 2"]


def test_the_capacity_legend_lists_only_the_parts_drawn():
    without_held = capacity_chart(E2, "en").to_dict()["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert without_held == ["Users to operate", "Included in the standard edition", "Packs bought now"]
    with_held = capacity_chart(quote(TARIFF, 1_000_000, 1, held_units=1), "en").to_dict()
    assert "Packs already held" in with_held["layer"][0]["encoding"]["color"]["scale"]["domain"]
    no_packs = capacity_chart(quote(TARIFF, 150_000, 1), "en").to_dict()
    assert no_packs["layer"][0]["encoding"]["color"]["scale"]["domain"] == [
        "Users to operate", "Included in the standard edition"]


def test_the_chinese_capacity_axis_counts_a_hundred_million_as_yi():
    expr = capacity_chart(E2, "zh").to_dict()["layer"][0]["encoding"]["x"]["axis"]["labelExpr"]
    assert "100000000" in expr and "亿" in expr
