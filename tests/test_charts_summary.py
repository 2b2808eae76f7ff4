"""Text alternatives of the charts (issue 20): every builder's Vega-Lite ``description``, worded
from its frame by smop_pricing/charts/summary.py, and the caption each page shows under a chart."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from smop_pricing.charts import summary
from smop_pricing.charts.curve import (
    chart_labels,
    cost_chart,
    cost_curve,
    marginal_chart,
    per_thousand_chart,
    term_curves,
    tier_bands,
)
from smop_pricing.charts.lifecycle import (
    KINDS,
    CapacityLabels,
    SpendLabels,
    TimelineLabels,
    capacity_chart,
    spend_chart,
    timeline_chart,
)
from smop_pricing.charts.plan import PlanLabels
from smop_pricing.charts.plan import capacity_chart as plan_capacity_chart
from smop_pricing.charts.plan import capacity_frame as plan_capacity_frame
from smop_pricing.charts.plan import spend_chart as plan_spend_chart
from smop_pricing.charts.plan import spend_frame as plan_spend_frame
from smop_pricing.charts.portfolio import difference_histogram_chart
from smop_pricing.charts.quote import capacity_chart as quote_capacity_chart
from smop_pricing.charts.quote import compare_chart as quote_compare_chart
from smop_pricing.charts.review import compare_chart, difference_chart, overpay_chart
from smop_pricing.i18n import LANGS
from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.model import SimulationResult
from smop_pricing.lifecycle.scenario import load_preset
from smop_pricing.plan.forecast import shaped
from smop_pricing.plan.strategies import Problem, all_strategies
from smop_pricing.portfolio import difference_histogram
from smop_pricing.pricing.rules import quote
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.quote.options import Option, compare_costs
from smop_pricing.review.curves import compare_curves, overpay_by_need
from smop_ui.registry import PAGES
from tests.conftest import page_test, section

TARIFF = published_tariff()
GRID = np.arange(0, 3_000_001, 100_000)
DEARER = replace(TARIFF, monthly_fee=Decimal(2500))
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
PLANS = all_strategies(Problem(TARIFF, shaped(dt.date(2026, 1, 1), 300_000, 3_000_000, 24)))


def preset(name: str) -> SimulationResult:
    return simulate(load_preset(name).scenario)


def timeline_labels(lang: str) -> TimelineLabels:
    zh = lang == "zh"
    return TimelineLabels(
        service="服务状态" if zh else "Service",
        states={"active": "服务中", "stopped": "停服", "reclaimed": "已回收"} if zh
        else {"active": "in service", "stopped": "stopped", "reclaimed": "reclaimed"},
        kinds={k: ("事件" if zh else "event") for k in KINDS}, expiry="到期", reclamation="回收",
        date="日期", first="首日", last="末日", days="天数", state="状态", event="事件", detail="详情", lang=lang,
    )


def capacity_labels(lang: str) -> CapacityLabels:
    zh = lang == "zh"
    return CapacityLabels(users="用户量" if zh else "Users", capacity="容量" if zh else "Capacity",
                          threshold="预警", over="超出", locked="锁定", stopped="停服", axis="用户",
                          date="日期", first="首日", last="末日", wan=zh, lang=lang)


def plan_labels(lang: str) -> PlanLabels:
    if lang == "zh":
        strategies = ("最优方案", "随增长购买", "按季度购买", "一次性预购")
        return PlanLabels("月份", "用户", "支出", "方案", "预测用户量", strategies, lang=lang)
    return PlanLabels("Month", "Users", "Spend", "Series", "Forecast users", ("Best", "Grow", "Quarterly", "Upfront"),
                      lang=lang)


def spend_labels(lang: str) -> SpendLabels:
    return SpendLabels(axis="累计", date="日期", item="项目", items={"purchase": "购买", "renew": "续费"},
                       amount="金额", total="合计", lang=lang)


BUILDERS: dict[str, Callable[[str], Any]] = {
    "quote capacity": lambda lang: quote_capacity_chart(quote(TARIFF, 1_050_000, 1, 0), lang),
    "quote compare": lambda lang: quote_compare_chart(compare_costs(
        [Option(quote(TARIFF, 1_000_000, 1, 0), "literal"), Option(quote(TARIFF, 1_000_000, 1, 0), "cheapest")],
        lang), lang),
    "cost curve": lambda lang: cost_chart(cost_curve(TARIFF, GRID, 1), tier_bands(TARIFF, 3_000_000, lang),
                                          chart_labels(lang)),
    "per thousand": lambda lang: per_thousand_chart(term_curves(TARIFF, GRID, (1, 12, 24)), chart_labels(lang)),
    "marginal": lambda lang: marginal_chart(cost_curve(TARIFF, GRID, 1), chart_labels(lang)),
    "timeline": lambda lang: timeline_chart(preset("e3"), timeline_labels(lang)),
    "lifecycle capacity": lambda lang: capacity_chart(preset("e3"), capacity_labels(lang)),
    "spend": lambda lang: spend_chart(preset("e3"), spend_labels(lang)),
    "review compare": lambda lang: compare_chart(compare_curves(TARIFF, DEARER, 1_500_000), lang),
    "review difference": lambda lang: difference_chart(compare_curves(TARIFF, DEARER, 1_500_000), lang),
    "review overpay": lambda lang: overpay_chart(overpay_by_need(TARIFF, replace(TARIFF, tier_mode="graduated"), 40),
                                                 lang),
    "portfolio histogram": lambda lang: difference_histogram_chart(
        difference_histogram(np.array([-250_000, -120_000, 0, 0, 50, 300_000], dtype=np.int64), 10), lang),
    "plan capacity": lambda lang: plan_capacity_chart(plan_capacity_frame(PLANS, plan_labels(lang)), plan_labels(lang)),
    "plan spend": lambda lang: plan_spend_chart(plan_spend_frame(PLANS, plan_labels(lang)), plan_labels(lang)),
}


def description(name: str, lang: str) -> str:
    spec = BUILDERS[name](lang).to_dict()  # validates the spec against the Vega-Lite schema too
    return str(spec["description"])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", BUILDERS)
def test_every_chart_builder_gives_its_chart_a_one_sentence_description_in_the_language(name, lang):
    text = description(name, lang)
    assert text.startswith("图表：" if lang == "zh" else "Chart: ")
    assert text.endswith("。" if lang == "zh" else ".") and "\n" not in text
    if lang == "zh":
        assert not LATIN_WORD.search(text), text  # no English words of ours on a zh page


@pytest.mark.parametrize("name", BUILDERS)
def test_every_chart_builder_fits_the_width_and_keeps_its_height_for_the_plot(name):
    spec = BUILDERS[name]("zh").to_dict()
    # Streamlit's default, fit, squeezes title, axes and legend into the height (a 31 px plot)
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}


def test_the_quote_capacity_summary_names_the_users_and_each_purchases_capacity_by_part():
    text = description("quote capacity", "en")
    assert text.startswith("Chart: 1,050,000 users to operate; As-needed purchase: capacity 1,100,000 users")
    assert "Recommended (cheaper): capacity 1,300,000 users" in text and "Packs bought now 1,100,000)" in text


def test_the_compare_summary_gives_each_options_total_and_parts():
    text = description("quote compare", "zh")
    assert "方案 1：合计 40,400 元" in text and "方案 2：合计 35,000 元" in text


def test_the_cost_curve_summary_counts_the_cliffs_and_names_the_largest():
    text = description("cost curve", "en")
    assert "Literal purchase (the units needed) from CNY 2,000 to CNY 86,000" in text
    assert "2 tier cliffs where more users cost less, the largest a drop of CNY 15,000 at 1,300,000 users" in text


def test_a_curve_with_no_cliff_says_the_cost_never_falls():
    lines = pd.DataFrame({"users": [0, 1, 2], "series": ["a"] * 3, "fee": [1.0, 2.0, 3.0]})
    assert "never falls" in summary.cost_curve(lines, "en")


def test_the_marginal_summary_agrees_with_the_cost_curve_on_the_cliffs():
    text = description("marginal", "en")
    assert "30 steps; 2 steps go down (tier cliffs), the largest by CNY 15,000 from 1,200,000 to 1,300,000" in text


def test_the_per_thousand_summary_gives_each_terms_lowest_and_highest():
    text = description("per thousand", "en")
    assert "1 month: lowest CNY 10 at 200,000 users, highest CNY 45.71 at 700,000 users" in text
    assert text.index("1 month") < text.index("12 months") < text.index("24 months")


def test_the_timeline_summary_lists_each_state_period_and_the_events():
    text = description("timeline", "en")
    assert "in service 2022-05-01 to 2022-05-31 (31 days); stopped 2022-06-01 to 2022-07-31 (61 days)" in text
    assert "2 events" in text and "refused" not in text


def test_the_lifecycle_capacity_summary_says_a_flat_series_is_flat():
    text = description("lifecycle capacity", "en")
    assert "Users 150,000 throughout" in text and "Capacity between 0 and 200,000" in text
    assert "users never exceed capacity" in text


def test_the_spend_summary_counts_the_charges_and_their_total():
    text = description("spend", "en")
    assert text == "Chart: spending over time, 2 charges, CNY 4,000 in all; the last on 2022-08-01."


def test_the_review_summaries_give_the_totals_at_the_largest_count_and_the_range_of_differences():
    assert "What-if (Literal purchase) CNY 41,500 at 1,500,000 users" in description("review compare", "en")
    assert "Literal purchase between CNY 500 and CNY 500" in description("review difference", "en")
    assert "Published overpays up to CNY 15,000 (at 10 units needed)" in description("review overpay", "en")


def test_the_histogram_summary_counts_customers_by_which_way_their_bill_moves():
    text = description("portfolio histogram", "en")
    assert text.startswith("Chart: 6 customers by change in cost")
    assert "Falls: 2; Includes unchanged: 3; Rises: 1." in text  # 50 fen falls in the bin holding 0


def test_the_plan_summaries_give_each_plans_capacity_and_spend():
    capacity = description("plan capacity", "en")
    assert capacity.startswith("Chart: users and each plan's capacity, 2026-01 to 2027-12; Forecast users from 300,000")
    assert capacity.endswith("Upfront from 3,000,000 to 3,000,000.") and "below" not in capacity  # none falls short
    assert "Grow from 300,000" in capacity
    spend = description("plan spend", "en")
    assert "Best: CNY 132,000 in all" in spend and "Grow: CNY 216,000 in all" in spend


def test_an_empty_frame_is_described_as_no_data():
    empty = pd.DataFrame(columns=["row", "part", "users", "order"])
    assert summary.quote_capacity(empty, "zh") == "图表：暂无数据。"
    assert summary.marginal(pd.DataFrame(columns=["start", "end", "marginal"]), "en") == "Chart: no data."


# --------------------------------------------------------------------------- without colour


def test_each_term_of_the_per_thousand_chart_has_its_own_dash():
    spec = BUILDERS["per thousand"]("en").to_dict()
    dash = spec["layer"][0]["encoding"]["strokeDash"]
    assert dash["field"] == "term" and len({json.dumps(d) for d in dash["scale"]["range"]}) == 3


def test_users_and_capacity_lines_differ_by_dash_as_well_as_colour():
    spec = BUILDERS["lifecycle capacity"]("en").to_dict()
    line = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")
    scale = line["encoding"]["strokeDash"]["scale"]
    dashes = dict(zip(scale["domain"], scale["range"], strict=True))
    assert dashes["Users"] != dashes["Capacity"]


def test_an_empty_layer_is_hidden_from_assistive_technology_and_a_drawn_one_is_not():
    spec = BUILDERS["lifecycle capacity"]("en").to_dict()  # e3: never over capacity, never locked
    hidden = [layer["mark"].get("aria") for layer in spec["layer"]]
    assert hidden.count(False) == 2 and hidden[0] is None  # the stopped spans are drawn


# --------------------------------------------------------------------------- on the pages


def _captions(at: Any) -> list[str]:
    return [str(c.value).replace("\\", "") for c in at.caption]


@pytest.mark.parametrize("spec", [s for s in PAGES if s.url_path in ("price-quote", "cost-curve", "growth-plan")],
                         ids=lambda s: s.url_path)
def test_each_chart_on_a_page_has_its_description_as_a_caption(spec):
    at = page_test(spec, lang="en")
    assert not at.exception
    charts = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert charts
    captions = _captions(at)
    for chart in charts:
        assert chart["description"] in captions


# the review draws only its open section's tab (issue 18): each section that has charts, opened
SECTIONS_WITH_CHARTS = {"pricing-review": ("compare", "cliffs")}


@pytest.mark.parametrize("spec", PAGES, ids=lambda s: s.url_path)
def test_every_chart_on_a_page_keeps_its_declared_height_for_the_plot(spec):
    at = page_test(spec, lang="zh")
    assert not at.exception
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    for key in SECTIONS_WITH_CHARTS.get(spec.url_path, ()):
        specs += [json.loads(chart.proto.spec) for chart in section(at, key).get("vega_lite_chart")]
    assert specs
    assert all(chart["autosize"]["type"] == "fit-x" for chart in specs), [c.get("description") for c in specs]


def test_a_plan_below_the_users_says_in_how_many_months():
    months = pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"])
    frame = pd.DataFrame({
        "month": list(months) * 2,
        "series": ["Users"] * 3 + ["Lean"] * 3,
        "value": [100.0, 200.0, 300.0, 100.0, 100.0, 300.0],
    })
    assert "Lean from 100 to 300, below the users in 1 month(s)" in summary.plan_capacity(frame, "Users", "en")
