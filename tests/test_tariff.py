"""The tariff as data: the published file, what-if files, and every way a file can be wrong."""

from decimal import Decimal
from pathlib import Path

import pytest

from smop_pricing.errors import TariffError
from smop_pricing.pricing.tariff import load_tariff, parse_tariff, published_tariff, tariff_to_toml

VALID = """
name = "what-if"
version = "1"
monthly_fee = "2000"
included_users = 200000
pack_users = 100000
tier_mode = "volume"
grace_months = 3
warn_ratio = "0.9"
over_quota_lock_days = 60
packs_survive_lapse = true

[[tiers]]
max_units = 5
unit_price = "6000"

[[tiers]]
max_units = 10
unit_price = "4800"

[[tiers]]
unit_price = "3000"
"""


def test_the_published_tariff_carries_the_pages_prices_and_our_defaults():
    tariff = published_tariff()
    assert tariff.monthly_fee == Decimal(2000)
    assert tariff.included_users == 200_000
    assert tariff.pack_users == 100_000
    assert [(t.max_units, t.unit_price) for t in tariff.tiers] == [
        (5, Decimal(6000)), (10, Decimal(4800)), (None, Decimal(3000)),
    ]
    assert tariff.tier_mode == "volume"
    assert (tariff.grace_months, tariff.warn_ratio, tariff.over_quota_lock_days) == (3, Decimal("0.9"), 60)
    assert tariff.packs_survive_lapse is True
    assert tariff.name and tariff.version


def test_any_file_with_the_same_schema_loads_as_a_what_if_tariff(tmp_path: Path):
    file = tmp_path / "whatif.toml"
    file.write_text(VALID.replace('"3000"', '"2500.50"'), encoding="utf-8")
    assert load_tariff(file).tiers[-1].unit_price == Decimal("2500.50")


def test_a_tariff_written_as_toml_reads_back_equal():
    tariff = published_tariff()
    assert parse_tariff(tariff_to_toml(tariff)) == tariff


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda s: s.replace('monthly_fee = "2000"\n', ""), "monthly_fee"),
        (lambda s: s.replace('unit_price = "6000"', 'unit_price = "-1"'), "tiers[0].unit_price"),
        (lambda s: s.replace('unit_price = "4800"', 'unit_price = "0"'), "tiers[1].unit_price"),
        (lambda s: s.replace('monthly_fee = "2000"', 'monthly_fee = "0"'), "monthly_fee"),
        (lambda s: s.replace("max_units = 10", "max_units = 5"), "tiers[1].max_units"),
        (lambda s: s.replace('unit_price = "3000"', 'max_units = 20\nunit_price = "3000"'), "tiers[2].max_units"),
        (lambda s: s.replace('tier_mode = "volume"', 'tier_mode = "stepped"'), "tier_mode"),
        (lambda s: s.replace('unit_price = "6000"', 'unit_price = "6000.001"'), "tiers[0].unit_price"),
        (lambda s: s.replace("included_users = 200000", "included_users = -1"), "included_users"),
        (lambda s: s.replace('warn_ratio = "0.9"', 'warn_ratio = "1.5"'), "warn_ratio"),
        (lambda s: "surprise = 1\n" + s, "surprise"),
        (lambda s: s.replace("pack_users = 100000", 'pack_users = "many"'), "pack_users"),
    ],
    ids=[
        "missing key", "negative price", "zero price", "zero monthly fee", "non-increasing bounds",
        "no open-ended last tier", "unknown mode", "finer than a fen", "negative included users",
        "warn ratio above one", "unknown key", "text for a number",
    ],
)
def test_an_invalid_tariff_raises_one_error_naming_the_key(change, key):
    with pytest.raises(TariffError) as caught:
        parse_tariff(change(VALID))
    assert caught.value.field == key
    assert key in str(caught.value)
    assert key in caught.value.message("zh")


def test_a_file_that_is_not_toml_raises_a_tariff_error():
    with pytest.raises(TariffError, match="not valid TOML"):
        parse_tariff("name = ")


def test_a_missing_tariff_file_raises_a_tariff_error_naming_the_path(tmp_path: Path):
    with pytest.raises(TariffError) as caught:
        load_tariff(tmp_path / "nope.toml")
    assert "nope.toml" in str(caught.value)


def test_a_huge_amount_in_exponent_notation_is_out_of_range_not_a_crash():
    text = published_tariff_text().replace('monthly_fee = "2000"', 'monthly_fee = "2E+100"')
    with pytest.raises(TariffError) as caught:
        parse_tariff(text)
    assert (caught.value.field, caught.value.rule) == ("monthly_fee", "range")


def published_tariff_text() -> str:
    return tariff_to_toml(published_tariff())


def test_the_published_tariff_says_the_day_its_billing_page_was_read():
    import datetime as dt

    assert published_tariff().published_on == dt.date(2026, 11, 27)


@pytest.mark.parametrize("written", ["2026-11-27", '"2026-11-27"'])
def test_a_tariffs_published_on_is_read_as_a_toml_date_or_as_text(written):
    import datetime as dt

    assert parse_tariff(f"published_on = {written}\n" + VALID).published_on == dt.date(2026, 11, 27)


@pytest.mark.parametrize("written", ['"27/11/2026"', "1999-12-31", "2026-11-27T10:00:00", "20261127"])
def test_a_published_on_that_is_not_a_day_in_range_is_refused_by_name(written):
    with pytest.raises(TariffError) as caught:
        parse_tariff(f"published_on = {written}\n" + VALID)
    assert caught.value.field == "published_on"
