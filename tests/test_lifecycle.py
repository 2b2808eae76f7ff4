"""The lifecycle simulator's rules (docs/rules.md R2-R7) and examples E3-E5, one behaviour per test."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest

from smop_pricing.errors import ScenarioError
from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.model import MAX_EVENTS, Event, Period, Scenario, SimulationResult
from smop_pricing.lifecycle.report import narrative, rejection_text
from smop_pricing.lifecycle.scenario import list_presets, load_preset, parse_scenario, scenario_to_dict, validate_events
from smop_pricing.pricing.tariff import published_tariff

D = date.fromisoformat


def run(
    start: str = "2022-05-01",
    months: int = 1,
    until: str = "2022-10-01",
    users: int = 150_000,
    events: list[dict[str, Any]] | None = None,
    **settings: Any,
) -> SimulationResult:
    raw: dict[str, Any] = {
        "start": start,
        "months": months,
        "until": until,
        "users": users,
        "events": events or [],
    }
    if settings:
        raw["settings"] = settings
    return simulate(parse_scenario(raw), published_tariff())


def periods(result: SimulationResult) -> list[tuple[str, str, str]]:
    return [(p.state, p.start.isoformat(), p.end.isoformat()) for p in result.periods]


def day(result: SimulationResult, iso: str) -> dict[str, Any]:
    frame = result.daily
    row = frame[frame["date"] == iso]
    assert len(row) == 1
    return dict(row.iloc[0])


# ------------------------------------------------------------------ examples E3-E5


def test_e3_the_june_to_august_lapse_gives_exactly_the_four_periods_and_4000() -> None:
    result = run(events=[{"date": "2022-08-01", "action": "renew", "months": 1}])
    assert periods(result) == [
        ("active", "2022-05-01", "2022-06-01"),
        ("stopped", "2022-06-01", "2022-08-01"),
        ("active", "2022-08-01", "2022-09-01"),
        ("stopped", "2022-09-01", "2022-10-01"),
    ]
    assert result.total_paid == Decimal(4000)
    assert [e.expiry for e in result.ledger] == [D("2022-06-01"), D("2022-09-01")]
    assert result.rejected == ()


def test_e4_a_month_end_purchase_clamps_and_an_early_renewal_extends_from_the_old_expiry() -> None:
    result = run(
        "2024-01-31", 1, "2024-04-15", events=[{"date": "2024-02-10", "action": "renew", "months": 1}]
    )
    assert [e.expiry for e in result.ledger] == [D("2024-02-29"), D("2024-03-29")]
    assert result.final_expiry == D("2024-03-29")
    assert periods(result) == [
        ("active", "2024-01-31", "2024-03-29"),
        ("stopped", "2024-03-29", "2024-04-15"),
    ]


def test_e5_after_reclamation_renewal_is_refused_and_a_new_purchase_starts_with_no_packs() -> None:
    result = run(
        users=350_000,
        events=[
            {"date": "2022-05-01", "action": "buy_packs", "units": 2},
            {"date": "2022-09-01", "action": "renew", "months": 1},
            {"date": "2022-09-01", "action": "purchase", "months": 1},
        ],
    )
    assert [(r.date, r.action, r.reason, r.kwargs()) for r in result.rejected] == [
        (D("2022-09-01"), "renew", "renew_reclaimed", {"reclaimed": D("2022-09-01")})
    ]
    assert any(n.key == "reclaimed" and n.date == D("2022-09-01") for n in result.notes)
    assert day(result, "2022-08-31")["state"] == "stopped"
    assert day(result, "2022-09-01")["capacity"] == 200_000
    assert day(result, "2022-09-01")["over_quota_users"] == 150_000
    assert result.final_expiry == D("2022-10-01")
    assert result.total_paid == Decimal(2000 + 12_000 + 2000)


def test_e5_without_a_new_purchase_the_service_is_reclaimed_from_the_reclamation_day() -> None:
    result = run(until="2022-12-01")
    assert periods(result)[-1] == ("reclaimed", "2022-09-01", "2022-12-01")
    assert result.final_state == "reclaimed"
    assert result.reclamation == D("2022-09-01")


# ------------------------------------------------------------------ terms and renewals


def test_a_renewal_while_stopped_restarts_on_the_renewal_day() -> None:
    result = run(events=[{"date": "2022-07-15", "action": "renew", "months": 2}])
    assert result.ledger[-1].expiry == D("2022-09-15")
    assert periods(result)[1:3] == [
        ("stopped", "2022-06-01", "2022-07-15"),
        ("active", "2022-07-15", "2022-09-15"),
    ]


def test_a_renewal_on_the_expiry_day_leaves_no_stopped_day() -> None:
    result = run(until="2022-08-01", events=[{"date": "2022-06-01", "action": "renew", "months": 1}])
    assert periods(result) == [
        ("active", "2022-05-01", "2022-07-01"),
        ("stopped", "2022-07-01", "2022-08-01"),
    ]
    assert not any(n.key == "stopped" and n.date == D("2022-06-01") for n in result.notes)


def test_reclamation_comes_grace_months_after_expiry_with_month_end_clamping() -> None:
    result = run("2023-10-31", 1, "2024-03-31")  # expiry 2023-11-30 -> 2024-02-29
    assert periods(result) == [
        ("active", "2023-10-31", "2023-11-30"),
        ("stopped", "2023-11-30", "2024-02-29"),
        ("reclaimed", "2024-02-29", "2024-03-31"),
    ]


def test_a_what_if_tariff_with_no_grace_reclaims_on_the_expiry_day() -> None:
    tariff = replace(published_tariff(), grace_months=0)
    result = simulate(
        parse_scenario({"start": "2022-05-01", "months": 1, "until": "2022-07-01", "users": 1}), tariff
    )
    assert [p.state for p in result.periods] == ["active", "reclaimed"]


def test_a_renewal_moving_the_expiry_past_the_tools_bound_is_refused() -> None:
    result = run(
        months=120,
        until="2022-06-01",
        events=[{"date": "2022-05-02", "action": "renew", "months": 120} for _ in range(10)],
    )
    assert len(result.ledger) == 10  # the first 9 renewals fit within 100 years
    assert [r.reason for r in result.rejected] == ["renew_too_far"]


# ------------------------------------------------------------------ refusals


def test_a_purchase_while_active_is_refused_naming_the_expiry() -> None:
    result = run(events=[{"date": "2022-05-10", "action": "purchase", "months": 1}])
    assert [(r.reason, r.kwargs()) for r in result.rejected] == [
        ("purchase_active", {"expiry": D("2022-06-01")})
    ]
    assert result.total_paid == Decimal(2000)


def test_a_purchase_while_stopped_is_refused_naming_the_reclamation_day() -> None:
    result = run(events=[{"date": "2022-06-10", "action": "purchase", "months": 1}])
    rejection = result.rejected[0]
    assert (rejection.reason, rejection.kwargs()) == (
        "purchase_stopped",
        {"stopped": D("2022-06-01"), "reclaim": D("2022-09-01")},
    )


def test_a_pack_purchase_on_a_stopped_day_is_refused() -> None:
    result = run(events=[{"date": "2022-06-10", "action": "buy_packs", "units": 1}])
    assert [(r.action, r.reason) for r in result.rejected] == [("buy_packs", "packs_stopped")]
    assert all(e.item != "buy_packs" for e in result.ledger)


def test_a_pack_purchase_on_a_reclaimed_day_is_refused() -> None:
    result = run(events=[{"date": "2022-09-05", "action": "buy_packs", "units": 1}])
    assert [(r.reason, r.kwargs()) for r in result.rejected] == [
        ("packs_reclaimed", {"reclaimed": D("2022-09-01")})
    ]


def test_a_refusal_reads_with_its_reason_in_english_and_chinese() -> None:
    result = run(events=[{"date": "2022-09-05", "action": "renew", "months": 1}])
    rejection = result.rejected[0]
    assert rejection.event == 0
    assert rejection_text(rejection, "en") == (
        "renewal refused: resources were reclaimed on 2022-09-01; buy a new standard edition"
    )
    assert rejection_text(rejection, "zh") == "续费被拒绝：资源已于 2022-09-01 回收，请重新购买标准版"
    assert "2022-09-05 renewal refused: resources were reclaimed on 2022-09-01" in "\n".join(
        narrative(result, "en")
    )


# ------------------------------------------------------------------ packs


def test_packs_resume_after_a_renewal_before_reclamation() -> None:
    result = run(
        events=[
            {"date": "2022-05-01", "action": "buy_packs", "units": 2},
            {"date": "2022-07-01", "action": "renew", "months": 1},
        ]
    )
    assert day(result, "2022-05-31")["capacity"] == 400_000
    assert day(result, "2022-06-15")["packs_in_effect"] == 0
    assert day(result, "2022-07-01")["capacity"] == 400_000


def test_packs_are_lost_at_expiry_when_packs_do_not_survive_a_lapse() -> None:
    result = run(
        packs_survive_lapse=False,
        events=[
            {"date": "2022-05-01", "action": "buy_packs", "units": 2},
            {"date": "2022-07-01", "action": "renew", "months": 1},
        ],
    )
    assert day(result, "2022-07-01")["capacity"] == 200_000
    assert any(n.key == "stopped_packs_lost" for n in result.notes)


def test_a_pack_purchase_is_priced_by_its_own_size_only() -> None:
    result = run(
        events=[
            {"date": "2022-05-02", "action": "buy_packs", "units": 5},
            {"date": "2022-05-03", "action": "buy_packs", "units": 6},
        ]
    )
    assert [e.amount for e in result.ledger if e.item == "buy_packs"] == [Decimal(30_000), Decimal(28_800)]
    assert day(result, "2022-05-03")["capacity"] == 200_000 + 11 * 100_000


# ------------------------------------------------------------------ auto-renewal


def test_auto_renewal_renews_and_charges_on_the_expiry_day() -> None:
    result = run(
        until="2022-08-01", events=[{"date": "2022-05-01", "action": "auto_renew", "on": True, "months": 2}]
    )
    assert [(e.date, e.item, e.months, e.expiry) for e in result.ledger[1:]] == [
        (D("2022-06-01"), "auto_renew", 2, D("2022-08-01"))
    ]
    assert [p.state for p in result.periods] == ["active"]


def test_switching_auto_renewal_on_while_stopped_does_not_restart_the_service() -> None:
    result = run(
        until="2022-08-15",
        events=[
            {"date": "2022-06-10", "action": "auto_renew", "on": True},
            {"date": "2022-07-01", "action": "renew", "months": 1},
        ],
    )
    assert periods(result) == [
        ("active", "2022-05-01", "2022-06-01"),
        ("stopped", "2022-06-01", "2022-07-01"),
        ("active", "2022-07-01", "2022-08-15"),  # the switch, kept across the lapse, renews on 08-01
    ]
    assert result.ledger[-1].item == "auto_renew"


def test_auto_renewal_switched_off_lets_the_term_run_out() -> None:
    result = run(
        until="2022-08-01",
        events=[
            {"date": "2022-05-01", "action": "auto_renew", "on": True},
            {"date": "2022-06-10", "action": "auto_renew", "on": False},
        ],
    )
    assert periods(result)[-1] == ("stopped", "2022-07-01", "2022-08-01")


def test_the_auto_renewal_term_defaults_to_the_setting() -> None:
    result = run(
        until="2022-07-01",
        auto_renew_months=3,
        events=[{"date": "2022-05-01", "action": "auto_renew", "on": True}],
    )
    assert result.ledger[-1].months == 3


# ------------------------------------------------------------------ order within a day


def test_on_the_expiry_day_the_stop_comes_before_the_days_events() -> None:
    result = run(events=[{"date": "2022-06-01", "action": "buy_packs", "units": 1}])
    assert [r.reason for r in result.rejected] == ["packs_stopped"]


def test_the_events_of_one_day_apply_in_their_order() -> None:
    packs_first = run(
        events=[
            {"date": "2022-06-01", "action": "buy_packs", "units": 1},
            {"date": "2022-06-01", "action": "renew", "months": 1},
        ]
    )
    renew_first = run(
        events=[
            {"date": "2022-06-01", "action": "renew", "months": 1},
            {"date": "2022-06-01", "action": "buy_packs", "units": 1},
        ]
    )
    assert [r.reason for r in packs_first.rejected] == ["packs_stopped"]
    assert renew_first.rejected == ()
    assert day(renew_first, "2022-06-01")["capacity"] == 300_000


def test_events_listed_out_of_date_order_are_applied_by_date_keeping_each_days_order() -> None:
    result = run(
        events=[
            {"date": "2022-05-20", "action": "set_users", "users": 10},
            {"date": "2022-05-10", "action": "set_users", "users": 20},
            {"date": "2022-05-20", "action": "set_users", "users": 30},
        ]
    )
    assert day(result, "2022-05-15")["users"] == 20
    assert day(result, "2022-05-20")["users"] == 30


def test_a_days_row_shows_the_state_after_its_events() -> None:
    result = run(users=250_000, events=[{"date": "2022-05-10", "action": "buy_packs", "units": 1}])
    assert day(result, "2022-05-09")["over_quota_users"] == 50_000
    assert day(result, "2022-05-10")["over_quota_users"] == 0


# ------------------------------------------------------------------ over quota, warning, lock


def test_the_warning_starts_when_users_reach_the_warn_ratio_of_capacity() -> None:
    result = run(users=179_999, events=[{"date": "2022-05-10", "action": "set_users", "users": 180_000}])
    assert not day(result, "2022-05-09")["warning"]
    assert day(result, "2022-05-10")["warning"]
    assert result.warnings[0].start == D("2022-05-10")


def test_the_console_locks_on_the_61st_day_over_capacity() -> None:
    result = run("2022-01-01", 6, "2022-05-01", users=250_000)
    assert [(r.start, r.end, r.peak_over) for r in result.console_locked] == [
        (D("2022-03-02"), D("2022-05-01"), 50_000)
    ]
    assert [(r.start, r.end) for r in result.over_quota] == [(D("2022-01-01"), D("2022-05-01"))]


def test_the_lock_lifts_on_the_first_day_users_are_within_capacity() -> None:
    result = run(
        "2022-01-01",
        6,
        "2022-05-01",
        users=250_000,
        events=[{"date": "2022-04-01", "action": "buy_packs", "units": 1}],
    )
    assert [(r.start, r.end) for r in result.console_locked] == [(D("2022-03-02"), D("2022-04-01"))]


def test_lock_days_zero_switches_the_lock_off() -> None:
    result = run("2022-01-01", 6, "2022-05-01", users=250_000, over_quota_lock_days=0)
    assert result.console_locked == ()
    assert result.settings.over_quota_lock_days == 0


def test_a_stopped_day_ends_the_over_quota_run() -> None:
    # over quota 2022-01-01 .. 01-31 (31 days), stopped 02-01, renewed 02-02: the count restarts
    result = run(
        "2022-01-01",
        1,
        "2022-05-01",
        users=250_000,
        over_quota_lock_days=40,
        events=[{"date": "2022-02-02", "action": "renew", "months": 3}],
    )
    assert result.console_locked[0].start == D("2022-03-14")  # the 41st day from 2022-02-02


def test_no_user_counts_as_over_quota_on_a_day_not_in_service() -> None:
    result = run(users=500_000)
    assert day(result, "2022-07-01")["over_quota_users"] == 0
    assert day(result, "2022-07-01")["capacity"] == 0


def test_the_daily_frame_has_one_row_per_day_with_the_chart_columns() -> None:
    result = run()
    assert list(result.daily.columns) == [
        "date",
        "state",
        "users",
        "capacity",
        "packs_in_effect",
        "over_quota_users",
        "console_locked",
        "warning",
    ]
    assert len(result.daily) == (D("2022-10-01") - D("2022-05-01")).days


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("event", "field", "rule"),
    [
        ({"date": "2022-05-02", "action": "upgrade"}, "events[0].action", "action"),
        ({"date": "2022-05-02"}, "events[0].action", "missing"),
        ({"date": "2022-13-02", "action": "renew", "months": 1}, "events[0].date", "date"),
        ({"date": "02/05/2022", "action": "renew", "months": 1}, "events[0].date", "date"),
        ({"date": "2023-05-02", "action": "renew", "months": 1}, "events[0].date", "event_window"),
        ({"date": "2022-04-30", "action": "renew", "months": 1}, "events[0].date", "event_window"),
        ({"date": "2022-05-02", "action": "buy_packs", "units": 0}, "events[0].units", "range"),
        ({"date": "2022-05-02", "action": "buy_packs", "units": 10_001}, "events[0].units", "range"),
        ({"date": "2022-05-02", "action": "buy_packs", "units": 1.5}, "events[0].units", "whole_number"),
        ({"date": "2022-05-02", "action": "buy_packs", "units": True}, "events[0].units", "whole_number"),
        ({"date": "2022-05-02", "action": "buy_packs"}, "events[0].units", "missing"),
        ({"date": "2022-05-02", "action": "renew", "months": 0}, "events[0].months", "range"),
        ({"date": "2022-05-02", "action": "purchase", "months": 121}, "events[0].months", "range"),
        ({"date": "2022-05-02", "action": "set_users", "users": -1}, "events[0].users", "range"),
        ({"date": "2022-05-02", "action": "auto_renew", "on": "yes"}, "events[0].on", "bool"),
        ({"date": "2022-05-02", "action": "renew", "months": 1, "units": 2}, "events[0].units", "not_used"),
        (
            {"date": "2022-05-02", "action": "renew", "months": 1, "note": "x"},
            "events[0].note",
            "unknown_key",
        ),
    ],
)
def test_a_bad_event_is_named_by_its_index_and_field(event: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(
            {"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 1, "events": [event]}
        )
    assert (caught.value.field, caught.value.rule) == (field, rule)
    assert caught.value.message("en").startswith(field)
    assert caught.value.message("zh").startswith(field)


def test_the_first_bad_event_is_reported_with_its_own_index() -> None:
    good = {"date": "2022-05-02", "action": "set_users", "users": 1}
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(
            {
                "start": "2022-05-01",
                "months": 1,
                "until": "2022-10-01",
                "users": 1,
                "events": [good, good, good, {"date": "2022-05-02", "action": "buy_packs", "units": 0}],
            }
        )
    assert str(caught.value) == "events[3].units: must be from 1 to 10,000 (got 0)"


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"until": "2022-05-01"}, "until", "until_after_start"),
        ({"until": "2022-04-01"}, "until", "until_after_start"),
        ({"until": "2042-05-02"}, "until", "span"),
        ({"start": "1999-12-31"}, "start", "date_range"),
        ({"months": 0}, "months", "range"),
        ({"users": 100_000_001}, "users", "range"),
        ({"users": "many"}, "users", "whole_number"),
        ({"events": {"date": "x"}}, "events", "events_list"),
        ({"events": [[1]]}, "events[0]", "event_object"),
        ({"settings": []}, "settings", "settings_object"),
        ({"settings": {"warn_ratio": 0}}, "settings.warn_ratio", "ratio"),
        ({"settings": {"warn_ratio": "1.5"}}, "settings.warn_ratio", "ratio"),
        ({"settings": {"packs_survive_lapse": 1}}, "settings.packs_survive_lapse", "bool"),
        ({"settings": {"over_quota_lock_days": -1}}, "settings.over_quota_lock_days", "range"),
        ({"settings": {"auto_renew_months": 0}}, "settings.auto_renew_months", "range"),
        ({"settings": {"grace": 1}}, "settings.grace", "unknown_key"),
        ({"tariff": 3}, "tariff", "tariff_path"),
        ({"colour": "red"}, "colour", "unknown_key"),
    ],
)
def test_a_bad_scenario_field_is_named_with_its_rule(change: dict[str, Any], field: str, rule: str) -> None:
    raw = {"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 1, "events": [], **change}
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(raw)
    assert (caught.value.field, caught.value.rule) == (field, rule)


def test_a_missing_required_field_is_named() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario({"start": "2022-05-01", "months": 1, "users": 1})
    assert (caught.value.field, caught.value.rule) == ("until", "missing")


def test_more_events_than_the_bound_are_refused() -> None:
    events = [{"date": "2022-05-02", "action": "set_users", "users": 1}] * (MAX_EVENTS + 1)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(
            {"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 1, "events": events}
        )
    assert (caught.value.field, caught.value.rule) == ("events", "events_count")


def test_json_text_that_is_not_json_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario('{"start": ')
    assert caught.value.rule == "json"
    with pytest.raises(ScenarioError):
        parse_scenario('{"start": NaN}')
    with pytest.raises(ScenarioError) as not_object:
        parse_scenario("[1, 2]")
    assert not_object.value.rule == "scenario_object"


def test_validate_events_keeps_the_good_rows_and_reports_the_bad_ones_by_index() -> None:
    events, errors = validate_events(
        [
            {"date": "2022-05-02", "action": "renew", "months": 1},
            {"date": "2022-05-03", "action": "renew", "months": 0},
            {"date": "2022-05-04", "action": "set_users", "users": 5, "months": None, "units": float("nan")},
            "not an event",
        ],
        D("2022-05-01"),
        D("2022-10-01"),
    )
    assert events == (Event(D("2022-05-02"), "renew", months=1), Event(D("2022-05-04"), "set_users", users=5))
    assert sorted(errors) == [1, 3]
    assert errors[1].field == "events[1].months"


def test_a_scenario_round_trips_through_its_dict() -> None:
    scenario = parse_scenario(
        {
            "start": "2022-05-01",
            "months": 2,
            "until": "2023-05-01",
            "users": 7,
            "settings": {
                "packs_survive_lapse": False,
                "over_quota_lock_days": None,
                "warn_ratio": 0.8,
                "auto_renew_months": 3,
            },
            "tariff": "what-if.toml",
            "events": [
                {"date": "2022-06-01", "action": "auto_renew", "on": True},
                {"date": "2022-06-02", "action": "buy_packs", "units": 3},
            ],
        }
    )
    assert scenario.settings.over_quota_lock_days == 0
    assert scenario.settings.warn_ratio == Decimal("0.8")
    assert parse_scenario(scenario_to_dict(scenario)) == scenario


def test_a_scenario_built_in_python_is_validated_before_it_is_simulated() -> None:
    bad = Scenario(
        D("2022-05-01"), 1, D("2022-06-01"), 1, events=(Event(D("2022-05-02"), "buy_packs", units=0),)
    )
    with pytest.raises(ScenarioError) as caught:
        simulate(bad)
    assert caught.value.field == "events[0].units"


def test_python_dates_and_whole_floats_are_accepted_as_from_a_data_editor() -> None:
    scenario = parse_scenario(
        {
            "start": D("2022-05-01"),
            "months": 1.0,
            "until": "2022-06-01",
            "users": 5,
            "events": [{"date": D("2022-05-02"), "action": "buy_packs", "units": 2.0}],
        }
    )
    assert scenario.events[0].units == 2
    assert scenario.months == 1


# ------------------------------------------------------------------ presets


def test_every_preset_has_a_chinese_and_english_title_and_description_and_simulates() -> None:
    presets = list_presets()
    assert [p.name for p in presets] == ["e3", "e4", "e5", "growth", "auto_renew", "console_lock"]
    for preset in presets:
        for lang in ("zh", "en"):
            assert preset.title(lang) and preset.description(lang)
        result = simulate(preset.scenario)
        assert result.periods[0].start == preset.scenario.start
        assert result.periods[-1].end == preset.scenario.until


def test_the_e3_preset_gives_the_e3_periods() -> None:
    result = simulate(load_preset("e3").scenario)
    assert [p.end for p in result.periods] == [
        D("2022-06-01"),
        D("2022-08-01"),
        D("2022-09-01"),
        D("2022-10-01"),
    ]
    assert result.total_paid == Decimal(4000)


def test_the_e4_preset_ends_its_renewed_term_on_2024_03_29() -> None:
    assert simulate(load_preset("e4").scenario).final_expiry == D("2024-03-29")


def test_the_e5_preset_refuses_the_renewal_on_the_reclamation_day() -> None:
    result = simulate(load_preset("e5").scenario)
    assert [(r.date, r.reason) for r in result.rejected] == [(D("2022-09-01"), "renew_reclaimed")]
    assert day(result, "2022-09-01")["packs_in_effect"] == 0


def test_the_growth_preset_goes_over_capacity_until_the_pack_purchase() -> None:
    result = simulate(load_preset("growth").scenario)
    assert [(r.start, r.end, r.peak_over) for r in result.over_quota] == [
        (D("2023-03-01"), D("2023-03-20"), 40_000)
    ]
    assert result.total_paid == Decimal(18_000)
    assert [w.start for w in result.warnings] == [D("2023-02-01"), D("2023-05-01")]


def test_the_auto_renewal_preset_charges_twelve_months_over_the_year() -> None:
    result = simulate(load_preset("auto_renew").scenario)
    assert len(result.ledger) == 12
    assert result.total_paid == Decimal(24_000)
    assert periods(result) == [("active", "2024-01-01", "2025-01-01")]


def test_the_console_lock_preset_locks_from_2022_03_02() -> None:
    result = simulate(load_preset("console_lock").scenario)
    assert [(r.start, r.end) for r in result.console_locked] == [(D("2022-03-02"), D("2022-04-01"))]


def test_an_unknown_preset_is_a_scenario_error_listing_the_known_ones() -> None:
    with pytest.raises(ScenarioError) as caught:
        load_preset("../e3")
    assert "e3" in caught.value.message("en")


# ------------------------------------------------------------------ texts


def test_every_lifecycle_text_has_chinese_and_english() -> None:
    text = resources.files("smop_pricing.data.i18n").joinpath("lifecycle.toml").read_text("utf-8")
    for key, texts in tomllib.loads(text).items():
        assert set(texts) == {"zh", "en"}, key


def test_every_note_of_every_preset_renders_in_both_languages() -> None:
    for preset in list_presets():
        result = simulate(preset.scenario)
        for lang in ("zh", "en"):
            lines = narrative(result, lang)
            assert len(lines) == len(result.notes)
            assert all("{" not in line for line in lines)


def test_the_narrative_tells_the_stop_in_the_issues_words() -> None:
    lines = narrative(run(), "en")
    assert any(
        line.startswith("2022-06-01 service stopped: the term ended without renewal") for line in lines
    )


def test_period_is_a_half_open_range() -> None:
    result = run()
    first: Period = result.periods[0]
    assert (first.end - first.start).days == 31


# ------------------------------------------------------------------ speed


def test_ten_years_with_500_random_events_simulate_every_day_of_the_span() -> None:
    # speed is measured by bench/bench_lifecycle.py, not here
    import random
    from datetime import timedelta

    rng = random.Random(7)
    start = D("2020-01-01")
    events: list[dict[str, Any]] = []
    for _ in range(500):
        when = (start + timedelta(days=rng.randrange(3653))).isoformat()
        kind = rng.choice(["renew", "buy_packs", "set_users", "auto_renew", "purchase"])
        if kind in ("renew", "purchase"):
            events.append({"date": when, "action": kind, "months": rng.randint(1, 3)})
        elif kind == "buy_packs":
            events.append({"date": when, "action": kind, "units": rng.randint(1, 12)})
        elif kind == "set_users":
            events.append({"date": when, "action": kind, "users": rng.randrange(3_000_000)})
        else:
            events.append({"date": when, "action": kind, "on": rng.random() < 0.5})
    scenario = parse_scenario(
        {"start": "2020-01-01", "months": 1, "until": "2030-01-01", "users": 150_000, "events": events}
    )
    tariff = published_tariff()
    result = simulate(scenario, tariff)
    assert len(result.daily) == 3653
    assert result.periods[0].start == D("2020-01-01") and result.periods[-1].end == D("2030-01-01")


def test_every_refusal_reason_renders_in_both_languages() -> None:
    result = run(
        events=[
            {"date": "2022-05-10", "action": "purchase", "months": 1},
            {"date": "2022-06-10", "action": "purchase", "months": 1},
            {"date": "2022-06-11", "action": "buy_packs", "units": 1},
            {"date": "2022-09-05", "action": "renew", "months": 1},
            {"date": "2022-09-06", "action": "buy_packs", "units": 1},
        ]
    )
    too_far = run(
        months=120, until="2022-06-01", events=[{"date": "2022-05-02", "action": "renew", "months": 120}] * 10
    )
    rejections = result.rejected + too_far.rejected
    assert {r.reason for r in rejections} == {
        "purchase_active",
        "purchase_stopped",
        "packs_stopped",
        "renew_reclaimed",
        "packs_reclaimed",
        "renew_too_far",
    }
    for rejection in rejections:
        for lang in ("zh", "en"):
            text = rejection_text(rejection, lang)
            assert "{" not in text
    assert rejection_text(too_far.rejected[0], "en").endswith("more than 100 years ahead (this tool's bound)")
