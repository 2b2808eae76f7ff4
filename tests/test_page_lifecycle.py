"""The lifecycle page under AppTest: presets, editing, the link round trip, bad links and bad rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from smop_pricing.lifecycle.link import decode_document, encode_document
from smop_pricing.lifecycle.scenario import list_presets
from smop_ui.registry import PAGES
from tests.conftest import app_test, figures, headlines, page_test

PAGE = "app_pages/lifecycle.py"
PRESETS = [p.name for p in list_presets()]
LIFECYCLE = next(spec for spec in PAGES if spec.file == PAGE)


def open_page(**params: str) -> AppTest:
    at = app_test(PAGE, **params)
    assert not at.exception, [e.message for e in at.exception]
    return at


def text_of(at: AppTest) -> str:
    """Every text the page shows (markdown, captions, alerts, metrics), one per line."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success"):
        parts += [str(e.value) for e in at.get(kind)]
    parts += [f"{label}: {value}" for label, value in headlines(at).items()]
    parts += [f"{m.label}: {m.value} {m.proto.delta}" for m in at.metric]
    return "\n".join(parts).replace("\\", "")


def metric(at: AppTest, label: str) -> str:
    """A figure by its label: the headline card (total paid) or a metric."""
    return figures(at)[label]


def editor(at: AppTest) -> Any:
    return at.data_editor[0]


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def edit(at: AppTest, edited: dict[int, dict[str, Any]] | None = None, added: list[dict[str, Any]] | None = None,
         deleted: list[int] | None = None) -> AppTest:
    """Edit the events table as a browser would (rows by position from 0) and rerun."""
    at.session_state[editor(at).key] = {"edited_rows": edited or {}, "added_rows": added or [],
                                        "deleted_rows": deleted or []}
    return rerun(at)


def link(**document: Any) -> str:
    base = {"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 150_000, "events": []}
    return encode_document({**base, **document})


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", PRESETS)
def test_each_preset_opens_from_its_link_without_an_exception(name, lang):
    at = open_page(preset=name, lang=lang)
    assert at.session_state["life_origin"] == name
    assert at.get("vega_lite_chart"), "the charts are drawn"
    assert not at.warning


def test_the_page_opens_on_the_june_to_august_lapse():
    at = open_page(lang="en")
    assert at.session_state["life_origin"] == "e3"
    assert at.selectbox(key="life_preset").value == "e3"
    assert "preset" not in at.query_params and "s" not in at.query_params


def test_e3_shows_the_stopped_day_the_renewal_day_and_the_new_expiry():
    at = open_page(lang="en")
    periods = at.dataframe[-1].value
    stopped = periods[periods["State"] == "stopped"].iloc[0]
    assert str(stopped["First day"]).startswith("2022-06-01")
    resumed = periods.iloc[2]
    assert resumed["State"] == "in service" and str(resumed["First day"]).startswith("2022-08-01")
    text = text_of(at)
    assert "2022-06-01 service stopped" in text.replace("**", "")
    assert "2022-08-01 renewed for 1 month: CNY 2,000; service resumes today, new expiry 2022-09-01" in (
        text.replace("**", ""))
    assert metric(at, "Total paid") == "CNY 4,000"


def test_e3_reads_in_chinese_by_default():
    at = open_page()
    text = text_of(at).replace("**", "")
    assert "2022-06-01 停服" in text
    assert "新到期日 2022-09-01" in text
    assert metric(at, "合计支付") == "4,000 元"


def test_editing_an_event_changes_the_total_and_puts_the_scenario_in_the_link():
    at = open_page(lang="en")
    edit(at, edited={0: {"months": 3}})
    assert metric(at, "Total paid") == "CNY 8,000"
    assert at.session_state["life_draft"].rows[0][2] == 3
    events = decode_document(at.query_params["s"])["events"]
    assert events == [{"date": "2022-08-01", "action": "renew", "months": 3}]
    assert "Changed from the example" in text_of(at)


def test_an_added_row_is_simulated_and_a_deleted_row_is_gone():
    at = open_page(lang="en")
    edit(at, added=[{"date": "2022-07-01", "action": "renew", "months": 1}])
    assert metric(at, "Total paid") == "CNY 6,000"
    edit(at, deleted=[0])
    assert [row[0].isoformat() for row in at.session_state["life_draft"].rows] == ["2022-07-01"]
    assert metric(at, "Total paid") == "CNY 4,000"


def test_the_link_reproduces_an_edited_scenario():
    at = open_page(lang="en")
    edit(at, edited={0: {"date": "2022-07-15"}}, added=[{"date": "2022-08-01", "action": "buy_packs", "units": 6}])
    again = open_page(s=at.query_params["s"], lang="en")
    assert again.session_state["life_draft"] == at.session_state["life_draft"]
    assert metric(again, "Total paid") == metric(at, "Total paid") == "CNY 32,800"
    assert again.selectbox(key="life_preset").value == ""
    assert not again.warning


def test_a_link_with_changed_settings_reproduces_them():
    at = open_page(lang="en")
    at.number_input(key="life_warn").set_value(80.0)
    at.checkbox(key="life_survive").uncheck()
    rerun(at)
    settings = decode_document(at.query_params["s"])["settings"]
    assert settings == {"packs_survive_lapse": False, "warn_ratio": "0.8"}
    again = open_page(s=at.query_params["s"], lang="en")
    assert again.number_input(key="life_warn").value == 80.0
    assert again.checkbox(key="life_survive").value is False


def test_a_corrupt_link_gives_a_notice_and_the_e3_example():
    at = open_page(s="not-a-link-at-all", lang="en")
    assert any("could not be read" in w.value and "E3 the June-to-August lapse" in w.value for w in at.warning)
    assert at.session_state["life_origin"] == "e3"
    assert metric(at, "Total paid") == "CNY 4,000"
    assert "s" not in at.query_params


def test_an_over_long_link_gives_a_notice_naming_the_bound():
    at = open_page(s="A" * 5_000, lang="en")
    assert any("4,000 characters" in w.value for w in at.warning)
    assert at.session_state["life_origin"] == "e3"


def test_a_link_to_an_invalid_scenario_names_the_field():
    at = open_page(s=link(until="2022-04-01"), lang="en")
    assert any("until" in w.value for w in at.warning)
    assert at.session_state["life_origin"] == "e3"


def test_an_unknown_preset_gives_a_notice_listing_the_known_ones():
    at = open_page(preset="nope", lang="en")
    assert any("nope" in w.value and "growth" in w.value for w in at.warning)
    assert at.session_state["life_origin"] == "e3"


def test_the_notice_goes_once_the_scenario_changes():
    at = open_page(s="%%%", lang="en")
    assert at.warning
    edit(at, edited={0: {"months": 2}})
    assert not at.warning


def test_bad_event_rows_are_marked_with_their_reason_and_the_rest_simulates():
    at = open_page(lang="en", s=link(events=[
        {"date": "2022-08-01", "action": "renew", "months": 1},
        {"date": "2022-08-02", "action": "buy_packs", "units": 0},
        {"date": "2023-03-01", "action": "renew", "months": 1},
        {"date": "2022-08-03", "action": "refund", "months": 1},
    ]))
    table = editor(at).value
    assert len(table) == 4, "nothing typed is lost"
    problems = table["problem"].tolist()
    assert problems[0] == ""
    assert problems[1] == "Units: must be from 1 to 10,000 (got 0)"
    assert problems[2].startswith("Date: must be on or after the first purchase day (2022-05-01) and before "
                                  "“Simulate until” (2022-10-01)")
    assert problems[3].startswith("Action: must be one of: New purchase, Renew")
    warning = next(w.value for w in at.warning)
    assert "3 rows have a problem" in warning and "Row 2: Units" in warning
    assert metric(at, "Total paid") == "CNY 4,000"
    assert table["action"].tolist()[3] == "refund"


def test_fixing_a_bad_row_brings_it_into_the_simulation():
    at = open_page(lang="en", s=link(events=[{"date": "2022-08-02", "action": "renew", "months": 0}]))
    assert metric(at, "Total paid") == "CNY 2,000"
    edit(at, edited={0: {"months": 1}})
    assert metric(at, "Total paid") == "CNY 4,000"
    assert not at.warning


def test_every_refusal_is_shown_with_its_reason_and_its_row():
    at = open_page(preset="e5", lang="en")
    error = next(e.value for e in at.error)
    assert ("2022-09-01 renewal refused: resources were reclaimed on 2022-09-01; buy a new standard edition "
            "(events table row 2)") in error.replace("\\", "")


def test_refusals_read_in_chinese():
    at = open_page(preset="e5")
    error = next(e.value for e in at.error)
    assert "续费被拒绝：资源已于 2022-09-01 回收，请重新购买标准版" in error


def test_the_growth_preset_shows_users_over_capacity_and_the_pack_purchase():
    at = open_page(preset="growth", lang="en")
    text = text_of(at).replace("**", "")
    assert "2023-03-01 users exceed capacity: 40,000 of 240,000 users cannot use points or activities" in text
    assert "2023-03-20 bought 1 pack unit: CNY 6,000" in text
    assert metric(at, "Days over capacity") == "19"


def test_choosing_an_example_loads_it_and_names_it_in_the_link():
    at = open_page(lang="en")
    at.selectbox(key="life_preset").set_value("growth")
    rerun(at)
    assert at.session_state["life_origin"] == "growth"
    assert at.query_params["preset"] == "growth"
    assert at.number_input(key="life_users").value == 150_000
    assert len(editor(at).value) == 4


def test_restoring_the_example_undoes_the_edits():
    at = open_page(lang="en")
    edit(at, edited={0: {"months": 5}})
    at.button[0].click()
    rerun(at)
    assert metric(at, "Total paid") == "CNY 4,000"
    assert "s" not in at.query_params


def test_changing_the_users_at_start_resimulates():
    at = open_page(lang="en")
    at.number_input(key="life_users").set_value(260_000)
    rerun(at)
    assert metric(at, "Days over capacity") == "62"  # May and August


def test_an_end_before_the_start_is_named_by_its_label_and_the_last_result_stays_said_so():
    at = open_page(lang="en")
    at.date_input(key="life_until").set_value(at.date_input(key="life_start").value)
    rerun(at)
    error = next(e.value for e in at.error)
    assert "Simulate until (not included): must be after the first purchase day (2022-05-01)" in error
    assert "results of the last valid settings (from 2022-05-01, until 2022-10-01)" in error
    assert at.get("vega_lite_chart") and metric(at, "Total paid") == "CNY 4,000"
    assert len(editor(at).value) == 1


def test_switching_the_language_keeps_the_edited_rows():
    at = open_page(lang="en")
    edit(at, added=[{"date": "2022-07-01", "action": "set_users", "users": 250_000}])
    at.button_group(key="lang").set_value("zh")
    rerun(at)
    assert len(editor(at).value) == 2
    assert metric(at, "合计支付") == "4,000 元"


def test_the_share_box_shows_the_link_of_the_scenario():
    at = open_page(lang="en")
    edit(at, edited={0: {"months": 2}})
    code = at.code[-1].value
    assert f"s={at.query_params['s']}" in code


def _tables(at: AppTest) -> str:
    return " ".join(" ".join(map(str, [*frame.value.columns, *frame.value.to_numpy().ravel()]))
                    for frame in at.dataframe)


def test_the_kept_ledger_and_periods_tables_follow_the_language_and_a_new_term():
    at = open_page(preset="e3", lang="en")
    assert "Standard edition" in _tables(at) and "in service" in _tables(at)
    at.button_group(key="lang").set_value("zh").run()
    assert "Standard edition" not in _tables(at) and "in service" not in _tables(at)
    assert "标准版" in _tables(at)
    ledger, periods = (at.dataframe[i].value for i in (-2, -1))  # after the events editor
    at.number_input(key="life_months").set_value(at.number_input(key="life_months").value + 1).run()
    assert not at.exception
    # a longer first term: another expiry in the ledger, other periods
    assert not at.dataframe[-2].value.equals(ledger)
    assert not at.dataframe[-1].value.equals(periods)


# --- issue 15: as people use the page ---------------------------------------------------------------


def test_moving_the_first_purchase_moves_simulate_until_and_keeps_the_span():
    at = open_page(lang="zh")
    at.date_input(key="life_start").set_value(date(2026, 12, 1))
    rerun(at)
    assert at.date_input(key="life_until").value == date(2027, 5, 1)  # E3 spans five months
    assert not at.error
    assert decode_document(at.query_params["s"])["start"] == "2026-12-01"


def test_a_simulate_until_the_user_set_stays_when_the_first_purchase_moves():
    at = open_page(lang="en")
    at.date_input(key="life_until").set_value(date(2023, 1, 1))
    rerun(at)
    at.date_input(key="life_start").set_value(date(2022, 6, 1))
    rerun(at)
    assert at.date_input(key="life_until").value == date(2023, 1, 1)


def test_a_header_error_in_chinese_names_the_field_by_its_label():
    at = open_page(lang="zh")
    at.date_input(key="life_until").set_value(date(2022, 4, 1))
    rerun(at)
    error = next(e.value for e in at.error)
    assert "模拟至（不含此日）：必须晚于首次购买日（2022-05-01）" in error
    assert "until" not in error and "start" not in error


def test_changing_an_action_clears_the_values_the_new_action_does_not_use():
    at = open_page(lang="zh", s=link(events=[{"date": "2022-08-01", "action": "renew", "months": 3}]))
    edit(at, edited={0: {"action": "buy_packs"}})
    row = editor(at).value.iloc[0]
    assert row["action"] == "buy_packs" and row["months"] is pd.NA
    assert row["problem"] == "单位：缺少此项" or row["problem"].startswith("单位")
    assert "buy_packs" not in text_of(at)


def test_a_row_message_in_chinese_counts_rows_from_one_and_uses_the_column_label():
    at = open_page(lang="zh", s=link(events=[
        {"date": "2022-08-01", "action": "renew", "months": 1},
        {"date": "2022-08-02", "action": "buy_packs", "units": 2, "months": 3},
    ]))
    warning = next(w.value for w in at.warning)
    assert "第 2 行：月数：“购买叠加包”不使用此项" in warning
    assert "months" not in warning and "buy_packs" not in warning


def test_stopped_and_reclaimed_days_are_counted_apart():
    at = open_page(lang="en", preset="e5")
    assert metric(at, "Days stopped") == "92"  # 2022-06-01 .. 2022-08-31
    assert metric(at, "Days reclaimed") == "0"  # a new purchase on the reclamation day


def test_a_quote_link_simulates_the_quote_to_a_month_after_reclamation():
    at = page_test(LIFECYCLE, lang="zh", users="350000", start="2026-12-01", months="12")  # opened by its link
    assert not at.exception
    assert at.date_input(key="life_start").value == date(2026, 12, 1)
    assert at.date_input(key="life_until").value == date(2028, 4, 1)
    assert at.number_input(key="life_users").value == 350_000
    text = text_of(at)
    assert "已按报价模拟" in text
    periods = at.dataframe[-1].value
    assert [str(d)[:10] for d in periods["首日"]] == ["2026-12-01", "2027-12-01", "2028-03-01"]
    assert not {"users", "start", "months"} & set(at.query_params)


def test_a_bad_quote_link_says_why_and_keeps_the_example():
    at = page_test(LIFECYCLE, lang="en", users="lots", start="2026-12-01", months="12")
    assert any("quote's link cannot be used (Users at start: must be a whole number" in w.value for w in at.warning)
    assert at.session_state["life_origin"] == "e3"


def test_the_quote_page_links_to_a_simulation_of_its_quote():
    quote = page_test(PAGES[0], users="350000", start="2026-12-01", months="12")
    link_to = next(e.proto for e in quote.get("page_link") if e.proto.page == LIFECYCLE.url_path)
    assert link_to.query_string == "users=350000&start=2026-12-01&months=12"
    assert link_to.label == "模拟此报价的生命周期"
