"""Bad input through every file-shaped way in: only our own error types, never a crash."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smop_pricing.errors import SmopError
from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.scenario import parse_scenario
from smop_pricing.pricing.tariff import parse_tariff, published_tariff, tariff_to_toml

PUBLISHED_TOML = tariff_to_toml(published_tariff())
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_as_a_tariff_either_parses_or_raises_a_tariff_error(text):
    try:
        parse_tariff(text)
    except SmopError as exc:
        assert exc.message("zh") and exc.message("en")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(PUBLISHED_TOML) - 1), st.text(max_size=8))
def test_a_published_tariff_with_a_random_edit_either_parses_or_names_a_key(position, insert):
    text = PUBLISHED_TOML[:position] + insert + PUBLISHED_TOML[position + 1 :]
    try:
        parse_tariff(text)
    except SmopError as exc:
        assert exc.field


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_value_as_a_scenario_either_simulates_or_raises_a_scenario_error(value):
    try:
        scenario = parse_scenario(json.dumps(value))
    except SmopError as exc:
        assert exc.message("zh") and exc.message("en")
        return
    simulate(scenario)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["date", "action", "months", "units", "users", "on"]),
        json_values,
        max_size=6,
    )
)
def test_any_event_in_a_valid_scenario_either_simulates_or_names_its_index(event):
    raw = {"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 1000,
           "events": [{"date": "2022-06-01", "action": "renew", "months": 1}, event]}
    try:
        scenario = parse_scenario(raw)
    except SmopError as exc:
        assert exc.field.startswith("events[1]")
        return
    simulate(scenario)
