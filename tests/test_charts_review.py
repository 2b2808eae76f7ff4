"""Review chart builders: a DataFrame in, an Altair chart out; money in yuan only inside the chart data."""

from dataclasses import replace
from decimal import Decimal

import pytest

from smop_pricing.charts.review import (
    ORDINAL_NEEDS,
    compare_chart,
    curves_data,
    difference_chart,
    difference_data,
    overpay_chart,
    overpay_data,
)
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.review.curves import compare_curves, overpay_by_need

PUBLISHED = published_tariff()
DEARER = replace(PUBLISHED, monthly_fee=Decimal(2500))


def test_the_curves_data_has_four_series_in_yuan():
    frame = compare_curves(PUBLISHED, DEARER, 1_500_000)
    data = curves_data(frame, "en")
    assert len(data) == 4 * len(frame)
    assert set(data["tariff"]) == {"Published", "What-if"}
    assert set(data["purchase"]) == {"Literal purchase", "Cheapest purchase"}
    literal = data[(data["series"] == "baseline") & (data["purchase"] == "Literal purchase")]
    assert literal.set_index("users").loc[1_000_000, "yuan"] == pytest.approx(40_400.0)


def test_the_compare_chart_draws_step_lines_by_tariff_and_purchase():
    spec = compare_chart(compare_curves(PUBLISHED, DEARER, 1_500_000), "zh").to_dict()
    assert spec["mark"]["type"] == "line" and spec["mark"]["interpolate"] == "step-before"
    encoding = spec["encoding"]
    assert (encoding["x"]["field"], encoding["y"]["field"]) == ("users", "yuan")
    assert encoding["color"]["field"] == "tariff" and encoding["strokeDash"]["field"] == "purchase"
    assert encoding["color"]["scale"]["domain"] == ["公布", "假设"]
    assert encoding["y"]["title"] == "合计（元）"
    assert spec["title"] == "合计费用随用户量变化"


def test_the_difference_chart_is_what_if_minus_published_over_a_zero_rule():
    frame = compare_curves(PUBLISHED, DEARER, 1_500_000, months=2)
    data = difference_data(frame, "en")
    assert set(data["yuan"]) == {1_000.0}
    spec = difference_chart(frame, "en").to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert marks == ["rule", "line"]
    assert spec["title"] == "Difference: what-if − published"


def test_the_overpay_chart_puts_both_tariffs_side_by_side_for_a_few_needs():
    frame = overpay_by_need(PUBLISHED, replace(PUBLISHED, tier_mode="graduated"), 40)
    spec = overpay_chart(frame, "en").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"]["type"] == "ordinal"
    assert spec["encoding"]["xOffset"]["field"] == "tariff"
    assert spec["encoding"]["y"]["stack"] is None
    data = overpay_data(frame, "en")
    published = data[data["tariff"] == "Published"].set_index("need")["yuan"]
    assert published[10] == pytest.approx(15_000.0) and published[11] == 0.0


def test_the_overpay_chart_switches_to_a_continuous_axis_for_many_needs():
    frame = overpay_by_need(PUBLISHED, PUBLISHED, ORDINAL_NEEDS + 1)
    spec = overpay_chart(frame, "zh").to_dict()
    assert spec["encoding"]["x"]["type"] == "quantitative"
    assert "xOffset" not in spec["encoding"]
    assert spec["encoding"]["x"]["title"] == "所需叠加包单位"


def test_a_chinese_user_axis_is_in_wan_and_yi_and_an_english_one_in_si():
    from smop_pricing.charts.review import users_axis

    assert "'万'" in users_axis("zh")["labelExpr"] and "'亿'" in users_axis("zh")["labelExpr"]
    assert users_axis("en")["format"] == "~s"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_review_chart_descriptions_read_the_same_from_the_arrow_table_and_from_its_dataframe(lang):
    from smop_pricing.charts import summary
    from smop_pricing.charts.review import curves_table, difference_table

    for frame in (compare_curves(PUBLISHED, DEARER, 1_500_000, months=3), compare_curves(PUBLISHED, DEARER, 100_000)):
        assert summary.review_compare(curves_table(frame, lang), lang) == summary.review_compare(
            curves_data(frame, lang), lang)
        assert summary.review_difference(difference_table(frame, lang), lang) == summary.review_difference(
            difference_data(frame, lang), lang)
