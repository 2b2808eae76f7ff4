"""The audit of the published billing page: each printed figure recomputed, with a verdict and a reason."""

import datetime as dt
import tomllib
from dataclasses import replace
from decimal import Decimal
from importlib import resources

import pytest

from smop_pricing.i18n import catalog
from smop_pricing.pricing.tariff import Tier, published_tariff
from smop_pricing.review.audit import AUDIT_COLUMNS, CHECKS, audit, audit_frame, e3_dates
from smop_pricing.review.figures import Figure, page_data

PUBLISHED = published_tariff()


def rows_by_id(tariff=None):
    return {row.id: row for row in audit(tariff)}


def test_under_the_published_tariff_only_the_two_slips_disagree_with_the_page():
    rows = audit()
    assert {row.id for row in rows if not row.agrees} == {"e2_pack_fee", "e2_edition"}
    assert len(rows) == len(page_data().figures)


def test_the_e2_pack_fee_is_38400_against_the_pages_printed_38600_an_arithmetic_slip():
    row = rows_by_id()["e2_pack_fee"]
    assert row.page_figure == Figure("money", Decimal(38600))
    assert row.our_figure == Figure("money", Decimal(38400))
    assert (row.agrees, row.slip) == (False, "arithmetic")
    assert "8 × 4,800 = 38,400" in row.why("en") and "38,600" in row.why("en")
    assert "8 × 4,800 = 38,400" in row.why("zh") and "笔误" in row.why("zh")


def test_the_e2_reason_names_the_cheapest_cover_of_11_units_for_33000_saving_5400():
    why = rows_by_id()["e2_pack_fee"].why("en")
    assert "11 × 3,000 = 33,000" in why
    assert "capacity 1,300,000" in why
    assert "CNY 5,400" in why


def test_the_pages_basic_edition_is_flagged_as_a_naming_slip_for_the_standard_edition():
    row = rows_by_id()["e2_edition"]
    assert (row.agrees, row.slip) == (False, "naming")
    assert row.page_figure.format("zh") == "基础版" and row.our_figure.format("zh") == "标准版"
    assert "基础版" in row.why("en") and "Standard edition" in row.why("en")


def test_the_tier_boundaries_and_prices_on_the_page_agree_with_the_published_tariff():
    rows = rows_by_id()
    for figure_id in ("tier1_range", "tier1_price", "tier2_range", "tier2_price", "tier3_range", "tier3_price"):
        assert rows[figure_id].agrees, figure_id
    assert rows["tier2_range"].our_figure == Figure("range", (500_000, 1_000_000))
    assert rows["tier3_range"].our_figure == Figure("range", (1_000_000, None))
    assert rows["tier3_range"].our_figure.format("zh") == "100万以上"


def test_e1_and_the_first_blocked_user_agree_with_the_page():
    rows = rows_by_id()
    assert rows["e1_total"].our_figure == Figure("money", Decimal(24000))
    assert rows["e1_fee"].agrees and rows["e1_total"].agrees
    assert rows["first_blocked_user"].our_figure == Figure("users", 200_001)


def test_e3_expiry_is_a_month_after_2022_05_01_and_the_august_renewal_restores_service_until_september():
    dates = e3_dates(PUBLISHED)
    assert dates.expiry == dt.date(2022, 6, 1)
    assert dates.last_stopped == dt.date(2022, 7, 31)
    assert dates.new_expiry == dt.date(2022, 9, 1)
    assert dates.reclamation == dt.date(2022, 9, 1)
    assert dates.restored


def test_the_e3_rows_agree_with_the_page_and_explain_the_reclamation_day():
    rows = rows_by_id()
    for figure_id in ("e3_expiry", "e3_stopped", "e3_restored", "e3_renewal_start"):
        assert rows[figure_id].agrees, figure_id
    assert "2022-09-01" in rows["e3_renewal_start"].why("en")
    assert "2022-07-31" in rows["e3_stopped"].why("zh")


def test_with_one_grace_month_the_august_renewal_is_refused_and_the_e3_rows_disagree():
    rows = rows_by_id(replace(PUBLISHED, grace_months=1))
    assert not rows["e3_restored"].agrees
    assert rows["e3_restored"].our_figure == Figure("yesno", False)
    assert "refused" in rows["e3_restored"].why("en")
    assert "2022-07-01" in rows["e3_restored"].why("en")
    assert not rows["grace_months"].agrees


def test_with_two_grace_months_reclamation_comes_first_on_the_renewal_day_and_refuses_it():
    dates = e3_dates(replace(PUBLISHED, grace_months=2))
    assert dates.reclamation == dt.date(2022, 8, 1)
    assert (dates.restored, dates.resumed, dates.new_expiry) == (False, None, None)


def test_a_changed_tier_price_moves_the_e2_figures_and_says_what_the_published_tariff_gives():
    tiers = (PUBLISHED.tiers[0], Tier(10, Decimal(5000)), PUBLISHED.tiers[2])
    rows = rows_by_id(replace(PUBLISHED, tiers=tiers, version="what-if"))
    fee = rows["e2_pack_fee"]
    assert fee.our_figure == Figure("money", Decimal(40000))
    assert fee.published_figure == Figure("money", Decimal(38400))
    assert fee.differs_from_published
    why = fee.why("en")
    assert "Arithmetic slip" in why and "differs from the published one (which gives CNY 38,400)" in why
    assert "8 × 5,000 = 40,000" in why
    assert not rows["tier2_price"].agrees and not rows["e2_rate"].agrees
    assert rows["tier1_price"].agrees and rows["tier3_price"].agrees


def test_a_graduated_tariff_disagrees_with_the_pages_one_purchase_pricing():
    rows = rows_by_id(replace(PUBLISHED, tier_mode="graduated"))
    assert not rows["tier_mode"].agrees
    assert rows["e2_rate"].our_figure == Figure("price", Decimal("5550.00"))
    assert not rows["e2_pack_fee"].agrees


def test_a_smaller_pack_is_compared_per_100000_users_as_the_page_quotes_prices():
    rows = rows_by_id(replace(PUBLISHED, pack_users=50_000))
    assert not rows["pack_users"].agrees
    assert rows["tier1_price"].our_figure == Figure("price", Decimal(12000))
    assert rows["tier1_range"].our_figure == Figure("range", (0, 250_000))


def test_an_extreme_tariff_with_one_user_packs_is_audited_without_an_error():
    rows = rows_by_id(replace(PUBLISHED, pack_users=1, included_users=0))
    assert rows["e2_pack_users"].our_figure == Figure("users", 1_000_000)
    assert all(row.why("en") for row in rows.values())


def test_every_page_figure_has_a_check_and_text_in_both_languages():
    keys = catalog()
    for item in page_data().figures:
        assert item.id in CHECKS
        assert set(keys[f"audit.item_{item.id}"]) >= {"zh", "en"}
    for key, texts in keys.items():
        if key.startswith(("audit.", "review.")):
            assert texts.get("zh") and texts.get("en"), key


def test_every_row_has_a_reason_in_both_languages_and_none_is_unexplained():
    for row in audit():
        assert row.why("zh") and row.why("en")
        assert all(reason.key != "audit.unexplained" for reason in row.reasons)


def test_the_pages_figures_are_data_read_from_page_figures_toml():
    raw = tomllib.loads(resources.files("smop_pricing.data").joinpath("page_figures.toml").read_text("utf-8"))
    assert [f["id"] for f in raw["figure"]] == [f.id for f in page_data().figures]
    assert page_data().figure("e2_pack_fee").quote == "叠加包费用为：8 × 4,800元 = 38,600元"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_audit_frame_has_one_row_per_figure_with_a_boolean_verdict(lang):
    frame = audit_frame(audit(), lang)
    assert tuple(frame.columns) == AUDIT_COLUMNS
    assert len(frame) == len(page_data().figures)
    assert frame["agrees"].dtype == bool
    assert int((~frame["agrees"]).sum()) == 2
