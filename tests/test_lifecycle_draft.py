"""The editable scenario (smop_pricing/lifecycle/draft.py): rows kept as typed, checked row by row."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smop_pricing.errors import ScenarioError
from smop_pricing.lifecycle.draft import (
    Draft,
    check_draft,
    draft_from_document,
    draft_from_scenario,
    draft_to_document,
    row_error_text,
    rows_frame,
    rows_from_frame,
)
from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.model import ACTIONS
from smop_pricing.lifecycle.scenario import list_presets, load_preset
from smop_pricing.validation import MAX_FILE_BYTES

E3 = {"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 150_000}


def draft(*events: dict[str, object], **header: object) -> Draft:
    return draft_from_document({**E3, **header, "events": list(events)})


def test_every_preset_becomes_a_draft_that_checks_back_to_the_same_scenario():
    for preset in list_presets():
        check = check_draft(draft_from_scenario(preset.scenario))
        assert check.scenario == preset.scenario
        assert not check.errors


def test_a_draft_and_its_document_round_trip():
    for preset in list_presets():
        d = draft_from_scenario(preset.scenario)
        assert draft_from_document(draft_to_document(d)) == d


def test_a_bad_row_is_kept_marked_with_its_reason_and_the_other_rows_still_simulate():
    d = draft(
        {"date": "2022-08-01", "action": "renew", "months": 1},
        {"date": "2022-05-10", "action": "buy_packs", "units": 0},
        {"date": "2023-01-01", "action": "renew", "months": 1},
        {"date": "2022-05-20", "action": "refund", "months": 1},
    )
    check = check_draft(d)
    assert len(d.rows) == 4
    assert sorted(check.errors) == [1, 2, 3]
    assert check.errors[1].field == "events[1].units" and check.errors[1].rule == "range"
    assert check.errors[2].field == "events[2].date" and check.errors[2].rule == "event_window"
    assert check.errors[3].field == "events[3].action" and check.errors[3].rule == "action"
    assert [e.action for e in check.scenario.events] == ["renew"]
    assert check.event_rows == (0,)
    assert simulate(check.scenario).total_paid == 4_000


def test_a_row_reason_reads_without_its_events_prefix_in_both_languages():
    check = check_draft(draft({"date": "2022-05-10", "action": "buy_packs", "units": 0}))
    assert row_error_text(check.errors[0], "en") == "Units: must be from 1 to 10,000 (got 0)"
    assert row_error_text(check.errors[0], "zh").startswith("单位：")


def test_event_rows_point_each_simulated_event_back_at_its_row():
    check = check_draft(draft(
        {"date": "2022-05-10", "action": "buy_packs"},
        {"date": "2022-09-05", "action": "renew", "months": 1},
        {"action": "renew"},
        {"date": "2022-09-06", "action": "purchase", "months": 1},
    ))
    assert check.event_rows == (1, 3)
    result = simulate(check.scenario)
    assert [check.event_rows[r.event] for r in result.rejected] == [1]


def test_an_auto_renewal_row_with_an_empty_box_switches_auto_renewal_off():
    d = draft({"date": "2022-05-10", "action": "auto_renew"})
    assert d.rows[0].on is False
    assert check_draft(d).scenario.events[0].on is False


def test_a_ticked_box_on_another_action_is_kept_and_marked_as_not_used():
    d = draft({"date": "2022-08-01", "action": "renew", "months": 1, "on": True})
    error = check_draft(d).errors[0]
    assert error.field == "events[0].on" and error.rule == "not_used"


def test_an_unticked_box_on_another_action_is_no_value():
    d = draft({"date": "2022-08-01", "action": "renew", "months": 1, "on": False})
    assert d.rows[0].on is None
    assert not check_draft(d).errors


def test_a_changed_header_marks_events_that_fall_outside_the_new_span():
    d = draft({"date": "2022-08-01", "action": "renew", "months": 1}, until="2022-07-01")
    assert check_draft(d).errors[0].rule == "event_window"


@pytest.mark.parametrize(
    ("event", "field", "rule"),
    [
        ({"date": "2022-08-01", "action": "renew", "months": "one"}, "events[0].months", "whole_number"),
        ({"date": "August", "action": "renew"}, "events[0].date", "date"),
        ({"date": "2022-02-30", "action": "renew"}, "events[0].date", "date"),
        ({"date": "2022-08-01", "action": 7}, "events[0].action", "action"),
        ({"date": "2022-08-01", "action": "renew", "on": "yes"}, "events[0].on", "bool"),
        ({"date": "2022-08-01", "action": "renew", "note": "hi"}, "events[0].note", "unknown_key"),
        ({"date": "2022-08-01", "action": "renew", "months": 10**13}, "events[0].months", "whole_number"),
    ],
    ids=["word-for-number", "word-for-date", "no-such-day", "number-for-action", "word-for-box", "unknown-column",
         "huge-number"],
)
def test_a_value_no_table_cell_can_hold_makes_the_document_unreadable_naming_the_cell(event, field, rule):
    with pytest.raises(ScenarioError) as caught:
        draft(event)
    assert (caught.value.field, caught.value.rule) == (field, rule)


def test_an_event_that_is_not_an_object_is_refused():
    with pytest.raises(ScenarioError) as caught:
        draft_from_document({**E3, "events": ["renew"]})
    assert caught.value.rule == "event_object"


def test_a_bad_header_is_refused_naming_the_field():
    with pytest.raises(ScenarioError) as caught:
        draft_from_document({**E3, "until": "2022-04-01", "events": []})
    assert caught.value.field == "until"


def test_a_tariff_file_in_a_document_is_refused_on_the_page():
    with pytest.raises(ScenarioError) as caught:
        draft_from_document({**E3, "tariff": "/etc/passwd"})
    assert caught.value.rule == "tariff_here"


def test_a_preset_file_reads_as_its_scenario():
    text = json.dumps({"order": 1, "title": {}, "description": {}, "scenario": {**E3, "events": []}})
    assert draft_from_document(text).header.users == 150_000


def test_uploaded_bytes_that_are_not_json_name_the_file_and_the_line():
    with pytest.raises(ScenarioError) as caught:
        draft_from_document(b'{\n  "start": oops\n}', name="mine.json")
    assert caught.value.field == "mine.json"
    assert "line 2" in caught.value.message("en")


def test_uploaded_bytes_that_are_not_utf8_are_refused():
    with pytest.raises(ScenarioError) as caught:
        draft_from_document(b"\xff\xfe{}", name="mine.json")
    assert caught.value.rule == "not_utf8"


def test_an_upload_over_one_megabyte_is_refused_unread():
    with pytest.raises(ScenarioError) as caught:
        draft_from_document(b" " * (MAX_FILE_BYTES + 1), name="big.json")
    assert caught.value.rule == "file_large"


def test_too_many_events_are_refused():
    with pytest.raises(ScenarioError) as caught:
        draft_from_document({**E3, "events": [{}] * 2_001})
    assert caught.value.rule == "events_count"


def test_the_table_has_typed_columns():
    frame = rows_frame(draft_from_scenario(load_preset("e5").scenario).rows)
    assert list(frame.columns) == ["date", "action", "months", "units", "users", "on"]
    assert str(frame["units"].dtype) == "Int64"
    assert str(frame["on"].dtype) == "boolean"
    assert frame["date"].iloc[0] == date(2022, 5, 1)


def test_a_fraction_in_a_number_column_is_shown_as_it_was_typed():
    frame = rows_frame(draft({"date": "2022-08-01", "action": "renew", "months": 1.5}).rows)
    assert str(frame["months"].dtype) == "Float64"
    assert frame["months"].iloc[0] == 1.5


def test_an_empty_table_has_its_columns():
    frame = rows_frame(())
    assert list(frame.columns) == ["date", "action", "months", "units", "users", "on"]
    assert rows_from_frame(frame) == ()


def test_rows_from_an_editor_ignore_extra_columns_and_normalize_cells():
    frame = rows_frame(draft({"date": "2022-08-01", "action": "renew", "months": 2}).rows)
    frame["problem"] = ["x"]
    frame["action"] = [" renew "]
    assert rows_from_frame(frame) == ((date(2022, 8, 1), "renew", 2, None, None, None),)


day = st.none() | st.dates(date(1990, 1, 1), date(2110, 12, 31))
number = st.none() | st.integers(-10**9, 10**9) | st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 2))
action = st.none() | st.sampled_from([*ACTIONS, "refund", "续费"])


@st.composite
def table_rows(draw: st.DrawFn) -> dict[str, object]:
    return {"date": draw(day), "action": draw(action), "months": draw(number), "units": draw(number),
            "users": draw(number), "on": draw(st.none() | st.booleans())}


@given(st.lists(table_rows(), max_size=20))
@settings(max_examples=150, deadline=None)
def test_rows_survive_the_table_round_trip(raw):
    rows = draft(*raw).rows
    assert rows_from_frame(rows_frame(rows)) == rows


@given(st.lists(table_rows(), max_size=20), st.integers(1, 400))
@settings(max_examples=100, deadline=None)
def test_checking_never_loses_a_row_and_every_row_is_either_simulated_or_explained(raw, span):
    d = draft(*raw, until=(date(2022, 5, 1) + timedelta(days=span)).isoformat())
    check = check_draft(d)
    assert sorted([*check.errors, *check.event_rows]) == list(range(len(d.rows)))
    simulate(check.scenario)


def test_rows_beyond_the_event_bound_are_kept_and_marked_not_simulated():
    rows = ((date(2022, 6, 1), "set_users", None, None, 1, None),) * 2_002
    check = check_draft(Draft(header=draft().header, rows=rows))
    assert sorted(check.errors) == [2_000, 2_001]
    assert check.errors[2_000].rule == "events_count"
    assert len(check.scenario.events) == 2_000
    assert row_error_text(check.errors[2_000], "en") == "Row 2001: must have at most 2,000 events (got 2001)"
