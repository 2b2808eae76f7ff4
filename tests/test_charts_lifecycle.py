"""The lifecycle charts (smop_pricing/charts/lifecycle.py): their frames, then their Vega-Lite encodings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest

from smop_pricing.charts.lifecycle import (
    KINDS,
    CapacityLabels,
    SpendLabels,
    TimelineLabels,
    capacity_chart,
    capacity_frame,
    capacity_parts,
    expiry_days,
    marker_frame,
    period_frame,
    reclamation_days,
    rule_frame,
    rule_label_frame,
    spend_chart,
    spend_frame,
    spend_reads,
    timeline_chart,
    timeline_end,
    timeline_reads,
)
from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.model import Scenario, SimulationResult
from smop_pricing.lifecycle.scenario import load_preset, parse_scenario
from smop_ui.charts import arrow_dataset, vega_spec, with_layer_data

TIMELINE = TimelineLabels(
    service="服务状态", states={"active": "服务中", "stopped": "停服", "reclaimed": "已回收"},
    kinds={k: f"K-{k}" for k in KINDS}, expiry="到期", reclamation="回收期限", date="日期", first="首日",
    last="末日", days="天数", state="状态", event="事件", detail="详情",
)
CAPACITY = CapacityLabels(users="U", capacity="C", threshold="T", over="O", locked="L", stopped="S", axis="A",
                          date="D", first="F", last="Z")
SPEND = SpendLabels(axis="累计", date="D", item="I", items={"purchase": "P", "renew": "R", "auto_renew": "AR",
                                                            "buy_packs": "B"}, amount="M", total="T")
T = pd.Timestamp


def preset(name: str) -> SimulationResult:
    return simulate(load_preset(name).scenario)


def layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return list(spec["layer"])


def mark(layer: dict[str, Any]) -> str:
    m = layer["mark"]
    return str(m["type"] if isinstance(m, dict) else m)


def data_of(spec: dict[str, Any], layer: dict[str, Any]) -> list[dict[str, Any]]:
    return list(spec["datasets"][layer["data"]["name"]])


# --------------------------------------------------------------------------- timeline frames


def test_the_e3_periods_are_in_service_stopped_from_june_in_service_from_the_renewal_day():
    frame = period_frame(preset("e3"))
    assert frame[["state", "start", "end"]].values.tolist() == [
        ["active", T("2022-05-01"), T("2022-06-01")],
        ["stopped", T("2022-06-01"), T("2022-08-01")],
        ["active", T("2022-08-01"), T("2022-09-01")],
        ["stopped", T("2022-09-01"), T("2022-10-01")],
    ]
    assert frame["last"].iloc[1] == T("2022-07-31")
    assert frame["days"].tolist() == [31, 61, 31, 30]


def test_the_e3_renewal_cancels_the_lapse_deadline_and_the_next_deadline_is_drawn():
    rules = rule_frame(preset("e3"))
    assert rules.values.tolist() == [
        [T("2022-06-01"), "expiry"], [T("2022-09-01"), "expiry"], [T("2022-12-01"), "reclamation"],
    ]


def test_a_deadline_after_the_span_widens_the_timeline_to_show_it():
    result = preset("e3")
    assert timeline_end(result) > date(2022, 12, 1)
    spec = timeline_chart(result, TIMELINE).to_dict()
    domains = [layer["encoding"]["x"]["scale"]["domain"][1] for layer in spec["layer"]]
    assert all(d == {"year": timeline_end(result).year, "month": timeline_end(result).month,
                     "date": timeline_end(result).day} for d in domains)


def test_an_expiry_moved_out_by_an_early_renewal_gets_no_rule():
    result = preset("e4")
    assert expiry_days(result) == [date(2024, 3, 29)]
    assert date(2024, 2, 29) not in expiry_days(result)


def test_the_e5_reclamation_day_is_a_rule_and_the_refused_renewal_a_marker():
    result = preset("e5")
    assert reclamation_days(result) == [date(2022, 9, 1), date(2023, 1, 1)]  # reached, then the new term's
    markers = marker_frame(result)
    assert markers[["date", "kind"]].values.tolist() == [
        [T("2022-05-01"), "purchase"], [T("2022-05-01"), "buy_packs"],
        [T("2022-09-01"), "purchase"], [T("2022-09-01"), "refused"],
    ]


def test_markers_cover_user_counts_and_the_auto_renewal_switch():
    assert set(marker_frame(preset("growth"))["kind"]) == {"purchase", "set_users", "buy_packs"}
    kinds = marker_frame(preset("auto_renew"))["kind"].tolist()
    assert kinds.count("auto_renew") == 11 and "auto_switch" in kinds


def test_marker_details_come_from_the_describe_function():
    markers = marker_frame(preset("e5"), lambda source: type(source).__name__)
    assert markers["detail"].tolist() == ["LedgerEntry", "LedgerEntry", "LedgerEntry", "Rejection"]


def test_a_year_of_auto_renewal_has_a_rule_on_each_expiry_day():
    assert len(expiry_days(preset("auto_renew"))) == 12


def test_a_final_reclamation_deadline_inside_the_span_gets_a_rule():
    scenario = parse_scenario({"start": "2022-01-01", "months": 1, "until": "2022-12-01", "users": 1})
    result = simulate(scenario)
    assert reclamation_days(result) == [date(2022, 5, 1)]


def test_few_rule_labels_name_their_kind_and_a_shared_day_shows_both():
    labels = rule_label_frame(preset("e3"), TIMELINE)
    assert labels["text"].tolist() == ["到期 2022-06-01", "到期 2022-09-01", "回收期限 2022-12-01"]
    assert labels["kind"].tolist() == ["expiry", "expiry", "reclamation"]


def test_many_rule_labels_show_the_date_alone_alternate_rows_and_keep_off_the_edges():
    labels = rule_label_frame(preset("auto_renew"), TIMELINE)
    assert labels["text"].iloc[0] == "2024-02-01"
    assert labels["tooltip"].iloc[0] == "到期 2024-02-01"
    assert set(labels["tier"].iloc[:4]) == {0, 1}
    assert labels["align"].iloc[0] == "left" and labels["align"].iloc[-1] == "right"
    assert labels["align"].iloc[5] == "center"


# --------------------------------------------------------------------------- timeline chart


def test_the_timeline_is_a_gantt_of_states_with_lanes_for_each_kind_present():
    spec = timeline_chart(preset("e5"), TIMELINE).to_dict()
    bars = layers(spec)[0]
    assert mark(bars) == "bar"
    assert bars["encoding"]["x"]["field"] == "start" and bars["encoding"]["x"]["type"] == "temporal"
    assert bars["encoding"]["x2"]["field"] == "end"
    assert bars["encoding"]["y"]["scale"]["domain"] == ["服务状态", "K-purchase", "K-buy_packs", "K-refused"]
    colors = bars["encoding"]["color"]["scale"]
    assert colors["domain"] == ["服务中", "停服", "已回收"]
    assert [row["state_label"] for row in data_of(spec, bars)] == ["服务中", "停服", "服务中"]


def test_the_timeline_spans_exactly_the_simulated_days_when_no_deadline_lies_beyond():
    result = simulate(parse_scenario({"start": "2022-01-01", "months": 1, "until": "2022-12-01", "users": 1}))
    spec = timeline_chart(result, TIMELINE).to_dict()
    domain = layers(spec)[0]["encoding"]["x"]["scale"]["domain"]
    assert domain == [{"year": 2022, "month": 1, "date": 1}, {"year": 2022, "month": 12, "date": 1}]


def test_refused_markers_are_red_and_other_markers_dark():
    spec = timeline_chart(preset("e5"), TIMELINE).to_dict()
    points = next(layer for layer in layers(spec) if mark(layer) == "point")
    color = points["encoding"]["color"]
    assert color["condition"]["value"] == "#D92D20"
    assert "refused" in color["condition"]["test"]


def test_the_timeline_has_dashed_rules_and_their_labels():
    spec = timeline_chart(preset("e3"), TIMELINE).to_dict()
    rules = next(layer for layer in layers(spec) if mark(layer) == "rule")
    assert rules["mark"]["strokeDash"] == [5, 3]
    assert len(data_of(spec, rules)) == 3
    texts = [layer for layer in layers(spec) if mark(layer) == "text"]
    shown = {row["text"] for layer in texts for row in data_of(spec, layer)}
    assert shown == {"到期 2022-06-01", "到期 2022-09-01", "回收期限 2022-12-01"}


def test_the_timeline_height_is_a_step_per_lane():
    spec = timeline_chart(preset("growth"), TIMELINE).to_dict()
    assert spec["height"] == {"step": 34}


# --------------------------------------------------------------------------- capacity


def test_the_capacity_frame_has_one_row_per_change_not_per_day():
    frame = capacity_frame(preset("growth"))
    assert frame[["start", "users", "capacity", "over"]].values.tolist() == [
        [T("2023-01-01"), 150_000, 200_000, 0],
        [T("2023-02-01"), 185_000, 200_000, 0],
        [T("2023-03-01"), 240_000, 200_000, 40_000],
        [T("2023-03-20"), 240_000, 300_000, 0],
        [T("2023-05-01"), 280_000, 300_000, 0],
    ]
    assert frame["end"].iloc[-1] == T("2023-07-01")
    assert frame["threshold"].iloc[0] == 180_000.0


def test_the_console_lock_starts_on_the_61st_day_over_capacity():
    frame = capacity_frame(preset("console_lock"))
    locked = frame[frame["locked"]]
    assert locked[["start", "end"]].values.tolist() == [[T("2022-03-02"), T("2022-04-01")]]


def test_out_of_service_days_have_no_capacity_and_no_warning_level():
    frame = capacity_frame(preset("e3"))
    stopped = frame[frame["state"] == "stopped"]
    assert (stopped["capacity"] == 0).all() and (stopped["threshold"] == 0).all()


def test_users_and_capacity_are_step_lines_and_over_capacity_is_a_shaded_band():
    spec = capacity_chart(preset("growth"), CAPACITY).to_dict()
    line = next(layer for layer in layers(spec) if mark(layer) == "line")
    assert line["mark"]["interpolate"] == "step-after"
    values = data_of(spec, line)
    assert {row["series"] for row in values} == {"U", "C"}
    assert values[-1]["start"].startswith("2023-07-01")
    over = next(layer for layer in layers(spec)
                if mark(layer) == "rect" and "y2" in layer["encoding"])
    assert over["encoding"]["y"]["field"] == "capacity" and over["encoding"]["y2"]["field"] == "users"
    assert [(row["capacity"], row["users"]) for row in data_of(spec, over)] == [(200_000, 240_000)]
    threshold = next(layer for layer in layers(spec) if mark(layer) == "rule")
    assert threshold["mark"]["strokeDash"] == [6, 4]


def test_the_capacity_legend_lists_only_what_the_chart_shows():
    domain = lambda name: capacity_chart(preset(name), CAPACITY).to_dict()["layer"][-1]["encoding"]["color"][  # noqa: E731
        "scale"]["domain"]
    assert domain("growth") == ["U", "C", "T", "O"]
    assert domain("console_lock") == ["U", "C", "T", "O", "L"]
    assert domain("e3") == ["U", "C", "T", "S"]


def test_user_counts_read_in_wan_when_asked():
    labels = CapacityLabels(**{**CAPACITY.__dict__, "wan": True})
    spec = capacity_chart(preset("growth"), labels).to_dict()
    axis = next(layer for layer in layers(spec) if mark(layer) == "line")["encoding"]["y"]["axis"]
    assert "万" in axis["labelExpr"]


# --------------------------------------------------------------------------- money


def test_the_spend_frame_adds_up_to_the_total_paid():
    result = preset("e5")
    frame = spend_frame(result)
    assert frame["amount"].tolist() == [2_000.0, 12_000.0, 2_000.0]
    assert frame["total"].tolist() == [2_000.0, 14_000.0, 16_000.0]
    assert frame["total"].iloc[-1] == float(result.total_paid)


def test_cumulative_spend_is_a_step_line_from_zero_to_the_total_over_the_span():
    spec = spend_chart(preset("auto_renew"), SPEND).to_dict()
    line = next(layer for layer in layers(spec) if mark(layer) == "line")
    assert line["mark"]["interpolate"] == "step-after"
    values = data_of(spec, line)
    assert values[0]["total"] == 0 and values[-1]["total"] == 24_000
    assert values[-1]["date"].startswith("2025-01-01")
    points = next(layer for layer in layers(spec) if mark(layer) == "point")
    assert {row["name"] for row in data_of(spec, points)} == {"P", "AR"}
    assert line["encoding"]["y"]["title"] == "累计"


# --------------------------------------------------------------------------- what each chart reads

PRESETS = ("e3", "e4", "e5", "growth", "auto_renew", "console_lock")


def _variants(scenario: Scenario) -> dict[str, Scenario]:
    """The scenario with one thing changed each: the users, the term, the span, an event, a setting."""
    first = scenario.events[0] if scenario.events else None
    return {
        "users up": replace(scenario, users=scenario.users + 10_000),
        "users down": replace(scenario, users=max(0, scenario.users - 100_000)),
        "users far over capacity": replace(scenario, users=scenario.users * 20 + 5_000_000),
        "a longer first term": replace(scenario, months=scenario.months + 1),
        "a later end": replace(scenario, until=scenario.until + timedelta(days=40)),
        "no events": replace(scenario, events=()),
        "the first event a day later": replace(scenario, events=(replace(first, date=first.date + timedelta(days=1)),
                                                                 *scenario.events[1:])) if first else scenario,
        "packs lapse with the edition": replace(scenario, settings=replace(scenario.settings,
                                                                            packs_survive_lapse=False)),
        "a 6-month auto-renewal": replace(scenario, settings=replace(scenario.settings, auto_renew_months=6)),
    }


def _drawn(kind: str, result: SimulationResult) -> object:
    """The chart ``kind`` (timeline / spend) of ``result`` as the spec a page would keep."""
    return vega_spec(timeline_chart(result, TIMELINE) if kind == "timeline" else spend_chart(result, SPEND))


READS = {"timeline": timeline_reads, "spend": spend_reads}


@pytest.mark.parametrize("kind", list(READS))
@pytest.mark.parametrize("name", PRESETS)
def test_two_results_with_equal_reads_draw_the_same_chart(name, kind):
    base, reads = preset(name), READS[kind]
    equal = 0
    for variant in _variants(base.scenario).values():
        other = simulate(variant)
        if reads(other) == reads(base):
            equal += 1
            assert _drawn(kind, other) == _drawn(kind, base)
    assert equal >= 1  # the users alone change neither the timeline nor the spend chart


@pytest.mark.parametrize("kind", list(READS))
@pytest.mark.parametrize("name", PRESETS)
def test_a_changed_chart_always_comes_with_changed_reads(name, kind):
    base, reads = preset(name), READS[kind]
    for label, variant in _variants(base.scenario).items():
        other = simulate(variant)
        if _drawn(kind, other) != _drawn(kind, base):
            assert reads(other) != reads(base), label


def test_the_reads_are_hashable_so_a_page_can_key_a_kept_chart_by_them():
    result = preset("e5")
    assert hash(timeline_reads(result)) == hash(timeline_reads(preset("e5")))
    assert hash(spend_reads(result)) == hash(spend_reads(preset("e5")))


# --------------------------------------------------------------------------- the capacity chart kept by its shape

CAPACITY_ZH = CapacityLabels(**{**CAPACITY.__dict__, "wan": True, "lang": "zh"})


def _capacity_variants(scenario: Scenario) -> dict[str, Scenario]:
    """The scenario's variants (above), and the users moved in steps from none to far over capacity."""
    users = {f"{n:,} users": replace(scenario, users=n)
             for n in (0, 1, 90_000, 150_000, 160_000, 199_999, 200_000, 250_000, 1_230_000, 5_000_000)}
    return {**_variants(scenario), **users}


@pytest.mark.parametrize("labels", [CAPACITY, CAPACITY_ZH], ids=["en", "zh"])
@pytest.mark.parametrize("name", PRESETS)
def test_a_capacity_spec_kept_by_its_shape_with_another_result_s_data_swapped_in_is_that_result_s_spec(
        name, labels):
    base = preset(name)
    template = vega_spec(capacity_chart(base, labels))
    same_shape = 0
    for label, variant in _capacity_variants(base.scenario).items():
        other = simulate(variant)
        parts = capacity_parts(other, labels)
        if parts.shape == capacity_parts(base, labels).shape:
            same_shape += 1
            datasets = [arrow_dataset(frame) for frame in parts.frames]
            assert with_layer_data(template, datasets, parts.description) == vega_spec(
                capacity_chart(other, labels)), label
    assert same_shape >= 2  # a change of the users mostly keeps the shape


@pytest.mark.parametrize("name", PRESETS)
def test_two_capacity_charts_that_differ_beyond_their_data_and_description_have_different_shapes(name):
    def rest(result: SimulationResult) -> dict[str, Any]:
        spec = capacity_chart(result, CAPACITY).to_dict()
        spec.pop("datasets"), spec.pop("description")
        for layer in spec["layer"]:
            layer.pop("data")
        return spec

    base = preset(name)
    for label, variant in _capacity_variants(base.scenario).items():
        other = simulate(variant)
        if rest(other) != rest(base):
            assert capacity_parts(other, CAPACITY).shape != capacity_parts(base, CAPACITY).shape, label


@pytest.mark.parametrize("name", PRESETS)
def test_two_capacity_layers_with_equal_keys_have_equal_data(name):
    base = capacity_parts(preset(name), CAPACITY)
    equal = 0
    for label, variant in _capacity_variants(preset(name).scenario).items():
        other = capacity_parts(simulate(variant), CAPACITY)
        for i, (key, frame) in enumerate(zip(other.keys, other.frames, strict=True)):
            if key == base.keys[i]:
                equal += 1
                assert frame.equals(base.frames[i]), (label, i)
                assert arrow_dataset(frame) == arrow_dataset(base.frames[i]), (label, i)
    assert equal >= 5  # a change of the users keeps some layers' data


def test_the_capacity_shape_is_hashable_so_a_page_can_key_a_kept_spec_by_it():
    parts = capacity_parts(preset("e3"), CAPACITY)
    assert hash(parts.shape) == hash(capacity_parts(preset("e3"), CAPACITY).shape)
    assert hash(parts.keys) == hash(capacity_parts(preset("e3"), CAPACITY).keys)
