"""The review core: editor validation, curve comparison, cliffs, open questions."""

from dataclasses import replace
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from smop_pricing.errors import InputError
from smop_pricing.pricing.tariff import Tier, published_tariff
from smop_pricing.review.curves import (
    CLIFF_COLUMNS,
    COMPARE_COLUMNS,
    check_review_users,
    cliffs,
    cliffs_table,
    compare_curves,
    curve_summary,
    difference_summary,
    overpay_by_need,
    review_grid,
)
from smop_pricing.review.editor import editor_rows, error_text, same_prices, tariff_diff, tariff_from_editor, tier_lines
from smop_pricing.review.questions import open_questions

PUBLISHED = published_tariff()
GRADUATED = replace(PUBLISHED, tier_mode="graduated")
ROWS = editor_rows(PUBLISHED)


def edit(fee="2000", included=200_000, pack=100_000, mode="volume", tiers=None, base=PUBLISHED):
    return tariff_from_editor(base, fee, included, pack, mode, ROWS if tiers is None else tiers)


def with_tier2_price(price):
    return replace(PUBLISHED, tiers=(PUBLISHED.tiers[0], Tier(10, Decimal(price)), PUBLISHED.tiers[2]))


def runs(frame):
    return [(r.need_from, r.need_to, r.plan) for r in frame.itertuples()]


# --- cliffs ---------------------------------------------------------------------------------------


def test_the_published_tariff_has_two_cliffs_5_to_6_and_7_to_10_to_11():
    frame = cliffs(PUBLISHED, 40)
    assert runs(frame) == [(5, 5, "6"), (7, 10, "11")]
    assert tuple(frame.columns) == CLIFF_COLUMNS


def test_the_published_cliffs_give_users_capacity_fees_and_the_most_overpaid():
    first, second = cliffs(PUBLISHED, 40).itertuples()
    assert (first.users_from, first.users_to, first.buy_capacity) == (600_001, 700_000, 800_000)
    assert (first.buy_fee_fen, first.max_overpay_fen) == (2_880_000, 120_000)
    assert (second.users_from, second.users_to, second.buy_capacity) == (800_001, 1_200_000, 1_300_000)
    assert (second.worst_need, second.worst_literal_fee_fen, second.max_overpay_fen) == (10, 4_800_000, 1_500_000)


def test_a_graduated_tariff_has_no_cliffs():
    assert cliffs(GRADUATED, 40).empty
    assert cliffs(GRADUATED, 2_000).empty


def test_a_cheaper_middle_tier_moves_the_cliffs():
    assert runs(cliffs(with_tier2_price(4000), 40)) == [(5, 5, "6"), (9, 10, "11")]


def test_a_cliff_whose_cheapest_cover_splits_the_purchase_lists_both_purchases():
    rising = replace(PUBLISHED, tiers=(Tier(5, Decimal(1000)), Tier(None, Decimal(2000))))
    frame = cliffs(rising, 8)
    assert runs(frame)[0] == (6, 6, "5 + 1")
    assert int(frame.iloc[0]["buy_units"]) == 6


def test_the_cliff_bound_is_checked():
    with pytest.raises(InputError):
        cliffs(PUBLISHED, 0)
    with pytest.raises(InputError):
        cliffs(PUBLISHED, 2_001)


def test_the_cliff_table_reads_as_text_in_both_languages():
    zh = cliffs_table(cliffs(PUBLISHED, 40), "zh")
    en = cliffs_table(cliffs(PUBLISHED, 40), "en")
    assert zh.iloc[1]["needs"] == "7–10 个单位"
    assert en.iloc[1]["buy"] == "buy 11 units (capacity 1,300,000)"
    assert en.iloc[1]["max_overpay"] == "CNY 15,000"
    assert zh.iloc[0]["max_overpay"] == "1,200 元"


def test_the_overpay_by_need_is_zero_outside_the_cliffs():
    frame = overpay_by_need(PUBLISHED, GRADUATED, 12)
    assert frame["baseline_overpay_fen"].tolist() == [0, 0, 0, 0, 120_000, 0, 60_000, 540_000, 1_020_000,
                                                       1_500_000, 0, 0]
    assert frame["whatif_overpay_fen"].eq(0).all()


# --- compare ------------------------------------------------------------------------------------


def test_identical_tariffs_compare_with_zero_difference():
    frame = compare_curves(PUBLISHED, PUBLISHED, 3_000_000)
    assert tuple(frame.columns) == COMPARE_COLUMNS
    assert frame["difference_fen"].eq(0).all() and frame["cheapest_difference_fen"].eq(0).all()
    assert difference_summary(frame).rise_at is None


def test_a_higher_monthly_fee_shows_as_a_constant_difference_times_the_months():
    frame = compare_curves(PUBLISHED, replace(PUBLISHED, monthly_fee=Decimal(2500)), 2_000_000, months=3)
    assert frame["difference_fen"].eq(150_000).all()
    assert difference_summary(frame).max_rise == Decimal(1500)


def test_the_compare_frame_prices_1000000_users_at_40400_and_the_cheapest_at_35000():
    frame = compare_curves(PUBLISHED, GRADUATED, 3_000_000).set_index("users")
    assert frame.loc[1_000_000, "baseline_total_fen"] == 4_040_000
    assert frame.loc[1_000_000, "baseline_cheapest_total_fen"] == 3_500_000
    assert frame.loc[1_000_000, "whatif_total_fen"] == 200_000 + 4_440_000


def test_the_grid_holds_every_breakpoint_of_both_tariffs():
    half = replace(PUBLISHED, pack_users=50_000)
    grid = review_grid((PUBLISHED, half), 1_000_000)
    assert grid[0] == 0 and grid[-1] == 1_000_000
    assert {200_000, 250_000, 300_000, 950_000}.issubset(set(grid.tolist()))
    assert np.all(np.diff(grid) > 0)


def test_the_largest_saving_of_the_cheapest_purchase_is_15000_at_1200000_users():
    summary = curve_summary(compare_curves(PUBLISHED, PUBLISHED, 3_000_000), "baseline")
    assert (summary.max_saving, summary.at_users) == (Decimal(15000), 1_200_000)


def test_too_many_users_for_a_tiny_pack_is_an_input_error_naming_the_bound():
    with pytest.raises(InputError) as caught:
        check_review_users((PUBLISHED, replace(PUBLISHED, pack_users=1)), 1_000_000)
    assert caught.value.field == "max_users"
    assert error_text(caught.value, "en") == "Curves up to (users): must be from 0 to 220,000 (got 1000000)"


# --- the editor ---------------------------------------------------------------------------------


def test_the_published_values_in_the_editor_give_back_the_published_tariff():
    result = edit()
    assert result.ok and result.errors == ()
    assert result.tariff == PUBLISHED


def test_a_changed_price_gives_a_what_if_tariff_named_so():
    rows = [dict(r) for r in ROWS]
    rows[1]["unit_price"] = "4,500"
    result = edit(tiers=rows)
    assert result.tariff is not None
    assert result.tariff.tiers[1].unit_price == Decimal(4500)
    assert result.tariff.version == "what-if"
    assert not same_prices(result.tariff, PUBLISHED)


def test_every_bad_field_is_reported_at_once_keyed_by_its_field():
    rows = [
        {"max_units": 5, "unit_price": "6000"},
        {"max_units": 3.5, "unit_price": "abc"},
        {"max_units": 4, "unit_price": "1.001"},
        {"max_units": 12, "unit_price": None},
    ]
    result = edit(fee="20x0", pack=0, mode="stepped", tiers=rows)
    assert result.tariff is None
    fields = {(e.field, e.rule) for e in result.errors}
    assert fields == {
        ("monthly_fee", "amount"),
        ("pack_users", "range"),
        ("tier_mode", "mode"),
        ("tiers[1].unit_price", "amount"),
        ("tiers[1].max_units", "whole_number"),
        ("tiers[2].unit_price", "fen"),
        ("tiers[2].max_units", "bound_increasing"),
        ("tiers[3].unit_price", "missing"),
        ("tiers[3].max_units", "last_open"),
    }
    assert [e.rule for e in result.for_field("tiers[2]")] == ["fen", "bound_increasing"]
    assert len(result.for_field("tiers")) == 6


def test_an_empty_fee_is_missing_not_a_crash():
    assert [(e.field, e.rule) for e in edit(fee="  ").errors] == [("monthly_fee", "missing")]


def test_a_row_added_below_the_open_tier_asks_for_the_old_last_tiers_bound():
    rows = [*ROWS, {"max_units": None, "unit_price": "2500"}]
    assert [(e.field, e.rule) for e in edit(tiers=rows).errors] == [("tiers[2].max_units", "bound_missing")]


def test_an_empty_row_is_ignored_and_errors_keep_the_editors_row_numbers():
    rows = [ROWS[0], {"max_units": None, "unit_price": None}, ROWS[1], {"max_units": None, "unit_price": "x"}]
    result = edit(tiers=rows)
    assert [(e.field, e.rule) for e in result.errors] == [("tiers[3].unit_price", "amount")]


def test_no_tiers_at_all_is_one_error_on_the_tiers():
    result = edit(tiers=[{"max_units": None, "unit_price": ""}])
    assert [(e.field, e.rule) for e in result.errors] == [("tiers", "tiers_list")]


def test_editor_cells_as_numpy_values_or_floats_are_read_as_whole_numbers_and_exact_money():
    rows = [
        {"max_units": np.int64(5), "unit_price": 6000},
        {"max_units": 10.0, "unit_price": "4800.50"},
        {"max_units": pd.NA, "unit_price": " 3,000 "},
    ]
    result = edit(fee=" 2,000.5 ", included=np.int64(200_000), tiers=rows)
    assert result.tariff is not None
    assert result.tariff.monthly_fee == Decimal("2000.5")
    assert [t.max_units for t in result.tariff.tiers] == [5, 10, None]
    assert result.tariff.tiers[1].unit_price == Decimal("4800.50")


def test_the_other_settings_come_from_the_base_tariff():
    base = replace(PUBLISHED, grace_months=1, version="uploaded")
    result = edit(base=base)
    assert result.tariff is not None
    assert (result.tariff.grace_months, result.tariff.version) == (1, "uploaded")


def test_an_editor_error_names_the_row_and_column_in_the_users_language():
    rows = [dict(r) for r in ROWS]
    rows[1]["unit_price"] = "abc"
    (error,) = edit(tiers=rows).errors
    assert error_text(error, "en") == (
        'Tier 2 · Price per unit (CNY): must be an amount in yuan, such as "2000" (got abc)')
    assert error_text(error, "zh").startswith("第 2 档 · 每单位价格（元）：必须是以元为单位的金额")
    (fee,) = edit(fee="-1").errors
    assert error_text(fee, "en") == "Monthly fee (CNY): must be greater than zero (got -1)"


def test_the_diff_lists_each_changed_setting_and_tier_cell():
    changed = replace(with_tier2_price(4000), monthly_fee=Decimal(2500))
    assert tariff_diff(PUBLISHED, changed) == [
        ("monthly_fee", "2000", "2500"),
        ("tiers[1].unit_price", "4800", "4000"),
    ]
    assert tariff_diff(PUBLISHED, PUBLISHED) == []


def test_the_tier_lines_say_each_tiers_purchase_sizes_users_and_price():
    assert tier_lines(PUBLISHED, "en") == [
        "Tier 1: 1–5 units in one purchase (up to 500,000 users), CNY 6,000 per unit",
        "Tier 2: 6–10 units in one purchase (up to 1,000,000 users), CNY 4,800 per unit",
        "Tier 3: 11 units or more in one purchase (over 1,000,000 users), CNY 3,000 per unit",
    ]


# --- open questions -----------------------------------------------------------------------------


def test_the_four_open_questions_each_name_a_spec_rule_and_the_reading_in_force():
    statuses = {s.id: s for s in open_questions(PUBLISHED)}
    assert set(statuses) == {"packs_across_lapse", "sixty_day_rule", "warning_threshold", "user_counting"}
    in_force = {key: s.in_force.id for key, s in statuses.items() if s.in_force}
    assert in_force == {
        "packs_across_lapse": "packs_resume",
        "sixty_day_rule": "reading_a",
        "warning_threshold": "warn_at_ratio",
        "user_counting": "users_as_input",
    }
    assert all(not s.changed for s in statuses.values())
    assert statuses["sixty_day_rule"].question.spec == "R6"


def test_the_60_day_rules_reading_b_is_shown_but_never_simulated():
    status = {s.id: s for s in open_questions(PUBLISHED)}["sixty_day_rule"]
    reading_b = next(r for r in status.question.readings if r.id == "reading_b")
    assert status.status(reading_b) == "not_simulated"
    assert "from day 61" in status.reading_text(status.in_force, "en")


def test_a_tariff_setting_switches_the_reading_in_force_and_marks_the_default():
    changed = replace(PUBLISHED, packs_survive_lapse=False, over_quota_lock_days=0)
    statuses = {s.id: s for s in open_questions(changed)}
    packs = statuses["packs_across_lapse"]
    assert packs.in_force.id == "packs_lost" and packs.default.id == "packs_resume" and packs.changed
    assert packs.status(packs.default) == "default"
    assert packs.setting_text() == "packs_survive_lapse = false"
    assert packs.default_setting_text() == "packs_survive_lapse = true"
    assert statuses["sixty_day_rule"].in_force.id == "lock_off"


def test_the_warning_threshold_reads_as_a_percentage():
    status = {s.id: s for s in open_questions(PUBLISHED)}["warning_threshold"]
    assert "90%" in status.reading_text(status.in_force, "zh")
    assert "warn_ratio = 0.9" in status.reading_text(status.in_force, "en")


def test_user_counting_has_no_setting_and_every_question_has_both_languages():
    for status in open_questions():
        assert status.text("zh") and status.text("en")
        for reading in status.question.readings:
            assert status.reading_text(reading, "zh") and status.reading_text(reading, "en")
    counting = {s.id: s for s in open_questions()}["user_counting"]
    assert counting.setting_text() == ""


def test_a_switching_setting_is_named_and_valued_in_the_pages_language():
    changed = replace(PUBLISHED, packs_survive_lapse=False)
    packs = {s.id: s for s in open_questions(changed)}["packs_across_lapse"]
    assert packs.setting_name("zh") == "到期后叠加包保留"
    assert (packs.setting_value("zh"), packs.setting_value("zh", default=True)) == ("否", "是")
    assert packs.setting_value("en") == "no"
