"""Numbers at the extremes in every numeric field of a tariff and a scenario: they are read or
refused with a short message in both languages, never an exception of another kind.

The existing fuzz (test_bad_input_fuzz.py) draws numbers up to 10**12; these go to thousands of
digits, to exponents Decimal cannot quantize, and to text that only looks like a number.
"""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smop_pricing.errors import SmopError
from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.scenario import parse_scenario
from smop_pricing.pricing.tariff import parse_tariff, published_tariff, tariff_from_dict, tariff_to_toml

PUBLISHED_TOML = tariff_to_toml(published_tariff())
E3 = {"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 150000,
      "events": [{"date": "2022-08-01", "action": "renew", "months": 1}]}

number_text = st.one_of(
    st.integers(min_value=-(10**60), max_value=10**60).map(str),
    st.builds(lambda mantissa, exponent: f"{mantissa}E{exponent}",
              st.integers(-999, 999), st.integers(-(10**18), 10**18)),
    st.sampled_from(["9" * 5000, "-" + "9" * 5000, "0." + "0" * 5000 + "1", "1e999999999", "NaN", "-Infinity",
                     "sNaN", "1_000", "１０００", "²", "0x10", " 12 ", "", "-0", "2000.001", "2000.00"]),
    st.text(alphabet="0123456789eE+-._, ", max_size=20),
)
extreme = st.one_of(
    st.integers(min_value=-(10**4000), max_value=10**4000),
    st.floats(allow_nan=True, allow_infinity=True),
    number_text,
    number_text.map(lambda text: _decimal_or_text(text)),
    st.booleans(),
    st.none(),
)


def _decimal_or_text(text: str) -> object:
    try:
        return Decimal(text)
    except ArithmeticError:
        return text


def assert_short_messages(error: SmopError) -> None:
    for lang in ("zh", "en"):
        text = error.message(lang)
        assert text and len(text) < 400 and "\n" not in text


TARIFF_NUMBERS = ("monthly_fee", "included_users", "pack_users", "grace_months", "warn_ratio", "over_quota_lock_days")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TARIFF_NUMBERS), extreme)
def test_an_extreme_value_in_any_numeric_tariff_key_is_read_or_refused_with_a_short_message(key, value):
    raw = {**tomllib.loads(PUBLISHED_TOML), key: value}
    try:
        tariff_from_dict(raw)
    except SmopError as error:
        assert error.field == key
        assert_short_messages(error)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["max_units", "unit_price"]), extreme)
def test_an_extreme_value_in_a_tier_is_read_or_refused_naming_a_tier(column, value):
    raw = tomllib.loads(PUBLISHED_TOML)
    tiers = [dict(tier) for tier in raw["tiers"]]
    tiers[0][column] = value
    try:
        tariff_from_dict({**raw, "tiers": tiers})
    except SmopError as error:
        assert error.field.startswith("tiers[")  # tier 0's own rule, or the next tier's bound above it
        assert_short_messages(error)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["monthly_fee", "included_users"]), number_text)
def test_any_number_shaped_text_in_a_tariff_file_is_read_or_refused(key, text):
    line = f"{key} = " + ('"2000"' if key == "monthly_fee" else "200000")
    assert line in PUBLISHED_TOML
    for written in (f'"{text}"', text):
        try:
            parse_tariff(PUBLISHED_TOML.replace(line, f"{key} = {written}"))
        except SmopError as error:
            assert_short_messages(error)


SCENARIO_NUMBERS = ("months", "users")
EVENT_NUMBERS = (("renew", "months"), ("purchase", "months"), ("buy_packs", "units"), ("set_users", "users"),
                 ("auto_renew", "months"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SCENARIO_NUMBERS), extreme)
def test_an_extreme_value_in_a_scenario_number_simulates_or_is_refused_with_a_short_message(key, value):
    try:
        scenario = parse_scenario({**E3, key: value})
    except SmopError as error:
        assert error.field == key
        assert_short_messages(error)
        return
    simulate(scenario)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EVENT_NUMBERS), extreme)
def test_an_extreme_value_in_an_event_simulates_or_is_refused_naming_the_event(action_field, value):
    action, field = action_field
    event = {"date": "2022-06-01", "action": action, field: value}
    if action == "auto_renew":
        event["on"] = True
    try:
        scenario = parse_scenario({**E3, "events": [event]})
    except SmopError as error:
        assert error.field.startswith("events[0]")
        assert_short_messages(error)
        return
    simulate(scenario)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["packs_survive_lapse", "over_quota_lock_days", "warn_ratio", "auto_renew_months"]), extreme)
def test_an_extreme_setting_simulates_or_is_refused_naming_the_setting(key, value):
    try:
        scenario = parse_scenario({**E3, "settings": {key: value}})
    except SmopError as error:
        assert key in error.field
        assert_short_messages(error)
        return
    simulate(scenario)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["users", "months"]), number_text)
def test_any_number_shaped_text_in_scenario_json_simulates_or_is_refused(key, text):
    document = json.dumps({**E3, key: 0}).replace(f'"{key}": 0', f'"{key}": {text}')
    try:
        scenario = parse_scenario(document)
    except SmopError as error:
        assert_short_messages(error)
        return
    simulate(scenario)
