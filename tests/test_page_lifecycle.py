"""The lifecycle page under AppTest: presets, editing, the link round trip, bad links and bad rows."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from smop_pricing.lifecycle.link import decode_document, encode_document
from smop_pricing.lifecycle.scenario import list_presets
from tests.conftest import app_test

PAGE = "app_pages/lifecycle.py"
PRESETS = [p.name for p in list_presets()]


def open_page(**params: str) -> AppTest:
    at = app_test(PAGE, **params)
    assert not at.exception, [e.message for e in at.exception]
    return at


def text_of(at: AppTest) -> str:
    """Every text the page shows (markdown, captions, alerts, metrics), one per line."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success"):
        parts += [str(e.value) for e in at.get(kind)]
    parts += [f"{m.label}: {m.value} {m.proto.delta}" for m in at.metric]
    return "\n".join(parts).replace("\\", "")


def metric(at: AppTest, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


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
    assert problems[1] == "units: must be from 1 to 10,000 (got 0)"
    assert problems[2].startswith("date: must be on or after start (2022-05-01) and before until (2022-10-01)")
    assert problems[3].startswith("action: must be one of: purchase, renew")
    warning = next(w.value for w in at.warning)
    assert "3 rows have a problem" in warning and "Row 2: units" in warning
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


def test_an_end_before_the_start_is_explained_and_nothing_is_simulated():
    at = open_page(lang="en")
    at.date_input(key="life_until").set_value(at.date_input(key="life_start").value)
    rerun(at)
    assert any("until: must be after start" in e.value for e in at.error)
    assert not at.get("vega_lite_chart")
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
