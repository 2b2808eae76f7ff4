"""Scenario links (smop_pricing/lifecycle/link.py): round trips, bounds, and every way a link can be bad."""

from __future__ import annotations

import base64
import re
import zlib
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smop_pricing.errors import ScenarioError
from smop_pricing.lifecycle.draft import draft_from_document, draft_to_document
from smop_pricing.lifecycle.link import (
    MAX_DECODED_BYTES,
    MAX_LINK_CHARS,
    decode_document,
    decode_scenario,
    encode_document,
    encode_scenario,
)
from smop_pricing.lifecycle.model import ACTIONS, Event, Scenario, Settings
from smop_pricing.lifecycle.scenario import list_presets, scenario_to_dict


def _pack(data: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(data, 9)).decode().rstrip("=")


def _events(start: date, days: int) -> st.SearchStrategy[Event]:
    day = st.integers(0, days - 1).map(lambda n: start + timedelta(days=n))
    return st.one_of(
        st.builds(Event, date=day, action=st.sampled_from(["purchase", "renew"]), months=st.integers(1, 120)),
        st.builds(Event, date=day, action=st.just("buy_packs"), units=st.integers(1, 10_000)),
        st.builds(Event, date=day, action=st.just("set_users"), users=st.integers(0, 100_000_000)),
        st.builds(Event, date=day, action=st.just("auto_renew"), on=st.booleans(),
                  months=st.none() | st.integers(1, 120)),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    start = draw(st.dates(date(2000, 1, 1), date(2090, 12, 31)))
    days = draw(st.integers(1, 3_000))
    events = draw(st.lists(_events(start, days), max_size=30))
    settings_ = Settings(
        packs_survive_lapse=draw(st.none() | st.booleans()),
        over_quota_lock_days=draw(st.none() | st.integers(0, 3650)),
        auto_renew_months=draw(st.none() | st.integers(1, 120)),
    )
    return Scenario(start=start, months=draw(st.integers(1, 120)), until=start + timedelta(days=days),
                    users=draw(st.integers(0, 100_000_000)), settings=settings_, events=tuple(events))


@given(scenarios())
@settings(max_examples=150, deadline=None)
def test_a_scenario_comes_back_equal_from_its_link(scenario):
    assert decode_scenario(encode_scenario(scenario)) == scenario


cells = st.one_of(st.none(), st.integers(-10**6, 10**6),
                  st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 3)))


@st.composite
def raw_events(draw: st.DrawFn) -> dict[str, object]:
    event: dict[str, object] = {}
    if draw(st.booleans()):
        event["date"] = draw(st.dates(date(1990, 1, 1), date(2110, 12, 31))).isoformat()
    if draw(st.booleans()):
        event["action"] = draw(st.sampled_from([*ACTIONS, "refund", "续费", "x" * 40]))
    for name in ("months", "units", "users"):
        value = draw(cells)
        if value is not None:
            event[name] = value
    if draw(st.booleans()):
        event["on"] = draw(st.booleans())
    return event


@given(st.lists(raw_events(), max_size=25))
@settings(max_examples=150, deadline=None)
def test_events_that_break_rules_come_back_unchanged_from_a_link(events):
    document = {"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 150_000, "events": events}
    draft = draft_from_document(document)
    assert draft_from_document(decode_document(encode_document(draft_to_document(draft)))) == draft


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_either_decodes_or_raises_a_scenario_error(text):
    try:
        decode_document(text)
    except ScenarioError as exc:
        assert exc.field == "s"


def test_a_link_is_url_safe_text():
    for preset in list_presets():
        assert re.fullmatch(r"[A-Za-z0-9_-]+", encode_scenario(preset.scenario))


def test_every_preset_fits_in_a_link_with_room_to_spare():
    for preset in list_presets():
        assert len(encode_scenario(preset.scenario)) < MAX_LINK_CHARS // 10


def test_a_link_with_or_without_base64_padding_decodes_the_same():
    text = encode_scenario(list_presets()[0].scenario)
    padded = text + "=" * (-len(text) % 4)
    assert decode_document(padded) == decode_document(text)


def test_a_link_longer_than_the_bound_is_refused_before_decoding():
    with pytest.raises(ScenarioError) as caught:
        decode_document("A" * (MAX_LINK_CHARS + 1))
    assert caught.value.rule == "link_long"
    assert "4,000" in caught.value.message("en")


@pytest.mark.parametrize(
    "text",
    ["not a link!", "%%%", "abc", _pack(b"")[:-3], base64.urlsafe_b64encode(b"plain bytes").decode(),
     _pack(b"\xff\xfe not utf-8"), _pack(b"{not json}"), _pack(b'{"a": NaN}')],
    ids=["punctuation", "percent", "too-short", "cut-short", "not-zlib", "not-utf8", "not-json", "nan"],
)
def test_a_corrupt_link_is_refused_naming_the_parameter(text):
    with pytest.raises(ScenarioError) as caught:
        decode_document(text)
    assert caught.value.field == "s"
    assert caught.value.rule == "link_corrupt"


def test_a_link_with_trailing_bytes_after_the_zlib_stream_is_refused():
    packed = zlib.compress(b"{}") + b"extra"
    with pytest.raises(ScenarioError) as caught:
        decode_document(base64.urlsafe_b64encode(packed).decode())
    assert caught.value.rule == "link_corrupt"


def test_a_zip_bomb_is_refused_without_inflating_it_whole():
    bomb = _pack(b" " * 1_000_000)
    assert len(bomb) < MAX_LINK_CHARS
    with pytest.raises(ScenarioError) as caught:
        decode_document(bomb)
    assert caught.value.rule == "link_large"


def test_a_link_to_json_that_is_not_an_object_is_refused():
    with pytest.raises(ScenarioError) as caught:
        decode_document(_pack(b"[1, 2, 3]"))
    assert caught.value.rule == "scenario_object"


def test_a_scenario_too_large_for_a_link_is_refused_when_encoding():
    events = [{"date": f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}", "action": "set_users", "users": i * 7919 % 99_991}
              for i in range(600)]
    document = {"start": "2022-01-01", "months": 1, "until": "2023-01-01", "users": 1, "events": events}
    with pytest.raises(ScenarioError) as caught:
        encode_document(document)
    assert caught.value.rule == "link_long"


def test_a_document_larger_than_the_decoded_bound_is_refused_when_encoding():
    document = {"padding": "x" * (MAX_DECODED_BYTES + 1)}
    with pytest.raises(ScenarioError) as caught:
        encode_document(document)
    assert caught.value.rule == "link_large"


def test_a_link_carries_fractions_exactly():
    document = {"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 1,
                "settings": {"warn_ratio": "0.875"}, "events": [{"date": "2022-06-01", "action": "renew",
                                                                  "months": 1.5}]}
    decoded = decode_document(encode_document(document))
    assert decoded["settings"]["warn_ratio"] == "0.875"
    assert str(decoded["events"][0]["months"]) == "1.5"


def test_a_link_error_reads_in_both_languages():
    with pytest.raises(ScenarioError) as caught:
        decode_document("%%%")
    assert "not a scenario link" in caught.value.message("en")
    assert "场景链接" in caught.value.message("zh")


def test_a_valid_link_to_an_invalid_scenario_names_the_field():
    document = scenario_to_dict(list_presets()[0].scenario)
    document["users"] = -1
    with pytest.raises(ScenarioError) as caught:
        decode_scenario(encode_document(document))
    assert caught.value.field == "users"
