"""The lifecycle core as the page uses it: messages in the page's words, "simulate until" following the
first purchase, an action change clearing what it does not use, and a quote's link."""

from __future__ import annotations

from datetime import date

import pytest

from smop_pricing.errors import InputError, ScenarioError
from smop_pricing.lifecycle.draft import Row, draft_from_document, follow_action, follow_start
from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.link import quote_document, quote_scenario_params, quote_scenario_url
from smop_pricing.lifecycle.report import days_in
from smop_pricing.lifecycle.scenario import load_preset, parse_scenario
from smop_pricing.lifecycle.wording import error_text, field_label
from smop_pricing.pricing.tariff import published_tariff

TARIFF = published_tariff()


def test_a_header_field_is_named_by_its_label_in_both_languages():
    assert field_label("until", "zh") == "模拟至（不含此日）"
    assert field_label("until", "en") == "Simulate until (not included)"


def test_an_event_field_is_named_by_its_row_from_one_and_its_column():
    assert field_label("events[2].months", "zh") == "第 3 行 · 月数"
    assert field_label("events[2].months", "en", in_row=True) == "Months"


def test_a_not_used_message_names_the_action_as_the_table_shows_it():
    error = ScenarioError("events[0].months", 3, "not_used", action="buy_packs")
    assert error_text(error, "zh") == "第 1 行 · 月数：“购买叠加包”不使用此项，请留空"
    assert "buy_packs" not in error_text(error, "en")


def test_an_end_before_the_start_says_first_purchase_day_not_start():
    error = ScenarioError("until", "2022-04-01", "until_after_start", start=date(2022, 5, 1))
    assert error_text(error, "zh") == "模拟至（不含此日）：必须晚于首次购买日（2022-05-01）（收到 2022-04-01）"


def test_simulate_until_keeps_a_span_of_calendar_months_when_the_start_moves():
    header = parse_scenario({"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 1})
    assert follow_start(header, date(2026, 12, 1)) == date(2027, 5, 1)
    assert follow_start(header, date(2100, 12, 1)) == date(2100, 12, 31)  # the last day a date can be


def test_an_action_change_clears_the_values_the_new_action_does_not_use():
    before = (Row(date(2022, 8, 1), "renew", 12, None, None, None),)
    after = (Row(date(2022, 8, 1), "buy_packs", 12, None, None, None),)
    assert follow_action(before, after) == (Row(date(2022, 8, 1), "buy_packs", None, None, None, None),)


def test_a_change_to_the_auto_renewal_switch_keeps_its_months_and_an_unticked_box():
    before = (Row(date(2022, 8, 1), "renew", 3, None, None, None),)
    after = (Row(date(2022, 8, 1), "auto_renew", 3, None, None, None),)
    assert follow_action(before, after) == (Row(date(2022, 8, 1), "auto_renew", 3, None, None, False),)


def test_an_edit_of_a_value_alone_is_left_as_typed():
    before = (Row(date(2022, 8, 1), "renew", 3, None, None, None),)
    after = (Row(date(2022, 8, 1), "renew", 3, 2, None, None),)  # marked as not used, not dropped
    assert follow_action(before, after) == after


def test_a_quote_link_is_the_lifecycle_page_with_users_start_and_months():
    assert quote_scenario_url(350_000, date(2026, 12, 1), 12) == (
        "/lifecycle-simulator?users=350000&start=2026-12-01&months=12")


def test_a_quote_is_simulated_to_a_month_after_its_reclamation():
    document = quote_document(quote_scenario_params(350_000, date(2026, 12, 1), 12), TARIFF)
    assert document == {"start": "2026-12-01", "months": 12, "until": "2028-04-01", "users": 350_000,
                        "events": []}
    result = simulate(draft_from_document(document).header)
    assert [(p.state, p.start) for p in result.periods] == [
        ("active", date(2026, 12, 1)), ("stopped", date(2027, 12, 1)), ("reclaimed", date(2028, 3, 1))]


def test_a_quote_link_reads_users_as_people_write_them():
    assert quote_document({"users": "35万", "start": "2026-12-01", "months": "1"}, TARIFF)["users"] == 350_000


@pytest.mark.parametrize(("params", "field"), [
    ({"users": "1", "start": "2026-12-01"}, "months"),
    ({"users": "lots", "start": "2026-12-01", "months": "1"}, "users"),
    ({"users": "1", "start": "12/01/2026", "months": "1"}, "start"),
    ({"users": "1", "start": "1999-12-01", "months": "1"}, "start"),
    ({"users": "1", "start": "2026-12-01", "months": "121"}, "months"),
])
def test_a_bad_quote_link_names_the_parameter(params, field):
    with pytest.raises((InputError, ScenarioError)) as caught:
        quote_document(params, TARIFF)
    assert caught.value.field == field


def test_stopped_and_reclaimed_days_are_counted_apart():
    result = simulate(parse_scenario({"start": "2022-01-01", "months": 1, "until": "2022-12-01", "users": 1}))
    assert days_in(result, "stopped") == 89  # 2022-02-01 .. 2022-04-30
    assert days_in(result, "reclaimed") == 214  # 2022-05-01 .. 2022-11-30
    assert days_in(simulate(load_preset("e3").scenario), "reclaimed") == 0
