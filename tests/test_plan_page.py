"""The growth-plan page under AppTest: the worked example, the URL parameters, the widgets, bad input."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.link import decode_document
from smop_pricing.lifecycle.scenario import parse_scenario
from smop_pricing.plan.forecast import shaped
from smop_pricing.plan.report import budget_csv, budget_xlsx
from smop_pricing.plan.strategies import Problem, all_strategies
from smop_pricing.pricing.tariff import published_tariff
from smop_ui.plan_view import table_forecast, table_frame
from smop_ui.registry import PAGES
from tests.conftest import page_test, shown

SPEC = next(spec for spec in PAGES if spec.url_path == "growth-plan")
EXAMPLE = {"from": "300000", "to": "3000000", "months": "24"}


def open_page(**params: str) -> AppTest:
    at = page_test(SPEC, **params)
    assert not at.exception, [e.value for e in at.exception]
    return at


def comparison(at: AppTest) -> pd.DataFrame:
    frame = next(d.value for d in at.dataframe if d.value.columns[0] in ("Plan", "方案"))
    return frame.set_index(frame.columns[0])


def links(at: AppTest) -> list[str]:
    """Every plan's "simulate this plan" link: only the open tab's details are made (issue 18), so
    each tab is opened in turn, as a visitor clicks it."""
    lang = at.query_params.get("lang", "zh")
    found = []
    for tab in [tab.label for tab in at.tabs]:
        at.session_state[f"plan_detail_{lang}"] = tab
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        found += [element.proto.url for element in at.get("link_button")]
    return found


def test_only_the_open_tabs_details_are_made_and_a_tab_opened_shows_its_own():
    at = open_page(**EXAMPLE, lang="en")
    assert [tab.label for tab in at.tabs] == ["Best plan", "Buy as you grow", "Buy quarterly", "Buy upfront"]
    assert len(at.get("link_button")) == 1 and len(at.get("download_button")) == 2  # its CSV and the workbook
    assert at.dataframe[2].value.iloc[0]["Packs"] == "CNY 84,000"  # the best plan at rate 0: all packs at once
    at.session_state["plan_detail_en"] = "Buy as you grow"
    at.run()
    assert len(at.get("link_button")) == 1
    assert at.dataframe[2].value.iloc[0]["Packs"] == "CNY 6,000"  # as you grow: one unit in the first month


def test_the_worked_example_shows_168000_as_you_grow_and_84000_upfront_in_chinese():
    at = open_page(**EXAMPLE)
    table = comparison(at)
    assert table.loc["随增长购买", "叠加包费用"] == "168,000 元"
    assert table.loc["一次性预购", "叠加包费用"] == "84,000 元"
    assert table.loc["最优方案", "叠加包费用"] == "84,000 元"
    assert at.success[0].value.startswith("随增长购买比最优方案多花 84,000 元")


def test_the_worked_example_in_english_names_the_plans_and_money_in_english():
    at = open_page(**EXAMPLE, lang="en")
    table = comparison(at)
    assert table.loc["Buy as you grow", "Pack fees"] == "CNY 168,000"
    assert table.loc["Buy upfront", "Pack fees"] == "CNY 84,000"
    assert at.title[0].value == "Growth planner"


def test_at_eight_percent_the_best_plans_present_value_is_below_upfronts():
    at = open_page(**EXAMPLE, rate="0.08", lang="en")
    table = comparison(at)

    def money(text: str) -> Decimal:
        return Decimal(text.removeprefix("CNY ").replace(",", ""))

    assert money(table.loc["Best plan", "Present value"]) < money(table.loc["Buy upfront", "Present value"])
    assert money(table.loc["Buy upfront", "Over the best (PV)"]) > 0


def test_url_parameters_reproduce_the_forecast_and_stay_in_the_address():
    link = {"from": "35万", "to": "2.5M", "months": "60", "shape": "compound", "start": "2027-03", "held": "5",
            "rate": "0.1", "spread": "30", "lang": "en"}
    at = open_page(**link)
    assert (at.text_input(key="from").value, at.text_input(key="to").value) == ("35万", "2.5M")
    assert at.session_state["start"].isoformat() == "2027-03-01"
    assert any(c.value.startswith("Forecast: 2027-03 to 2032-02, 60 months, 350,000 users") for c in at.caption)
    assert {name: at.query_params[name] for name in link} == link


def test_typing_a_bad_user_count_shows_a_message_and_keeps_every_input():
    at = open_page(**EXAMPLE, lang="en", held="3")
    at.text_input(key="to").input("lots").run()
    assert not at.exception
    assert any(shown(e.value).startswith("users: must be a whole number") for e in at.error)
    assert at.text_input(key="to").value == "lots"
    assert at.number_input(key="held").value == 3
    assert not at.dataframe


def test_compound_growth_from_zero_users_is_refused_with_a_message():
    at = open_page(**{"from": "0", "shape": "compound", "lang": "en"})
    assert any("compound growth needs starting users above zero" in shown(e.value) for e in at.error)


def test_changing_the_widgets_replans():
    at = open_page(**EXAMPLE, lang="en")
    at.number_input(key="held").set_value(28).run()
    assert comparison(at).loc["Buy upfront", "Pack fees"] == "CNY 0"
    assert at.success[0].value == "Users stay within the capacity already held: no packs to buy."


def test_each_plan_links_to_the_lifecycle_page_with_a_scenario_that_stays_within_capacity():
    at = open_page(**EXAMPLE, rate="0.08")
    urls = links(at)
    assert len(urls) == 4
    for url in urls:
        assert url.startswith("/lifecycle-simulator?s=")
        result = simulate(parse_scenario(decode_document(url.split("=", 1)[1].split("&")[0])))
        assert result.over_quota == () and result.rejected == ()


def test_in_english_the_link_opens_the_lifecycle_page_in_english():
    assert all(url.endswith("&lang=en") for url in links(open_page(**EXAMPLE, lang="en")))


def test_the_uncertainty_section_names_the_robust_plan_and_lists_twelve_candidates():
    at = open_page(**EXAMPLE, lang="en", spread="30")
    assert any(i.value.startswith("Robust plan:") for i in at.info)
    table = at.dataframe[-1].value
    assert len(table) == 12 and "Worst regret" in table.columns
    assert sum("★" in name for name in table["Plan"]) == 1


def test_no_spread_shows_the_base_forecast_only():
    at = open_page(**EXAMPLE, lang="en", spread="0")
    assert any(i.value.startswith("Uncertainty is 0") for i in at.info)


@pytest.mark.parametrize("source", ["table", "csv"])
def test_the_other_forecast_sources_show_their_input_without_an_error(source):
    at = open_page(**EXAMPLE, lang="en")
    at.session_state["plan_source"] = source
    at.run()
    assert not at.exception and not at.error
    if source == "table":
        assert comparison(at).loc["Buy as you grow", "Pack fees"] == "CNY 168,000"
    else:
        assert any(i.value.startswith("Upload a forecast CSV") for i in at.info)


def test_an_edited_table_reads_user_counts_as_typed_and_names_a_bad_row():
    forecast = shaped(published_tariff_start(), 300_000, 600_000, 3)
    frame = table_frame(forecast)
    frame.loc[1, "users"] = "45万"
    assert table_forecast(frame).users == (300_000, 450_000, 600_000)
    frame.loc[2, "month"] = "2026-09"
    with pytest.raises(Exception) as caught:
        table_forecast(frame)
    assert getattr(caught.value, "field", "") == "rows[3].month"


def published_tariff_start():
    import datetime as dt

    return dt.date(2026, 1, 1)


def test_the_budget_exports_carry_exact_yuan_month_by_month():
    forecast = shaped(published_tariff_start(), 300_000, 3_000_000, 24)
    plans = all_strategies(Problem(published_tariff(), forecast))
    text = budget_csv(plans[1], "en").decode("utf-8-sig").splitlines()
    assert text[0] == "Month,Users,Pack units,Capacity,Platform fee,Packs,Month total,Cumulative"
    assert text[1] == "2026-01,300000,1,300000,2000,6000,8000,8000"
    assert text[-1].endswith(",216000")
    book = openpyxl.load_workbook(io.BytesIO(budget_xlsx(plans, "zh")))
    assert book.sheetnames == ["方案比较", "最优方案", "随增长购买", "按季度购买", "一次性预购"]
    assert book["随增长购买"].cell(25, 8).value == 216000


GOOD_CSV = "month,users\n2026-01,30万\n2026-02,\"1,000,000\"\n2026-03,2.5M\n"
BAD_CSV = {
    "empty file": b"",
    "whitespace only": b" \n\t\n",
    "over the limit": b" " * 200_001,
    "binary file renamed": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16,
    "nul bytes": b"\x00" * 64,
    "utf-16": "month,users\n2026-01,5\n".encode("utf-16"),
    "a gap in the months": GOOD_CSV.replace("2026-02", "2026-04").encode(),
    "a repeated month": GOOD_CSV.replace("2026-02", "2026-01").encode(),
    "text in users": GOOD_CSV.replace("2.5M", "lots").encode(),
    "negative users": GOOD_CSV.replace("2.5M", "-5").encode(),
    "no users column": GOOD_CSV.replace("users", "people").encode(),
    "121 months": ("month,users\n" + "".join(f"{2020 + m // 12}-{m % 12 + 1:02d},1\n" for m in range(121))).encode(),
}


def csv_page(lang: str) -> AppTest:
    at = open_page(**EXAMPLE, lang=lang, held="2")
    at.session_state["plan_source"] = "csv"
    at.run()
    return at


def upload(at: AppTest, content: bytes) -> AppTest:
    return at.file_uploader[0].set_value(("forecast.csv", content, "text/csv")).run(timeout=60)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_good_csv_in_utf8_with_a_bom_or_gbk_is_planned(lang):
    for content in (b"\xef\xbb\xbf" + GOOD_CSV.encode(), GOOD_CSV.encode("gbk")):
        at = upload(csv_page(lang), content)
        assert not at.exception and not at.error
        assert any("2026-01" in c.value and "2026-03" in c.value for c in at.caption)


@pytest.mark.parametrize("case", list(BAD_CSV))
def test_a_bad_csv_gets_one_message_and_every_input_stays(case):
    at = upload(csv_page("en"), BAD_CSV[case])
    assert not at.exception, [e.value for e in at.exception]
    errors = [shown(e.value) for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("The forecast cannot be used:"), errors
    assert at.number_input(key="held").value == 2 and at.text_input(key="to").value == "3000000"
    assert not any(d.value.columns[0] == "Plan" for d in at.dataframe)


def test_a_bad_csv_row_is_named_in_chinese():
    at = upload(csv_page("zh"), BAD_CSV["a gap in the months"])
    assert shown(at.error[0].value) == (
        "预测无法使用：rows[3].month：月份必须连续：这里应为 2026-02（收到 2026-04）。其余输入保持不变。"
    )


def test_the_table_refills_from_the_growth_shape_on_request():
    at = open_page(**EXAMPLE, lang="en")
    at.session_state["plan_source"] = "table"
    at.run()
    at.text_input(key="to").input("6000000").run()
    assert comparison(at).loc["Buy upfront", "Pack units"] == 28  # the table keeps the forecast it was filled with
    next(b for b in at.button if b.label.startswith("Refill")).click().run()
    assert not at.exception
    assert comparison(at).loc["Buy upfront", "Pack units"] == 58


def test_a_bad_discount_rate_is_named_and_the_rate_text_kept():
    at = open_page(**EXAMPLE, lang="en")
    at.text_input(key="rate").input("12").run()
    assert not at.exception
    assert [shown(e.value) for e in at.error] == ["rate: must be a fraction from 0 to 1, such as 0.08 (got 12)"]
    assert at.text_input(key="rate").value == "12"
    at.text_input(key="rate").input("8%").run()
    assert not at.error and at.query_params["rate"] == "8%"
