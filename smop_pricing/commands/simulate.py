"""``simulate``: run a lifecycle scenario (a JSON file or a shipped preset) day by day."""

from __future__ import annotations

import argparse
from typing import IO, Any

from smop_pricing import jsonout
from smop_pricing.cli import add_json_option, add_tariff_option
from smop_pricing.commands.quote import display_width, pad
from smop_pricing.errors import ScenarioError
from smop_pricing.i18n import t
from smop_pricing.lifecycle import report
from smop_pricing.lifecycle.engine import simulate
from smop_pricing.lifecycle.model import Run, SimulationResult
from smop_pricing.lifecycle.scenario import list_presets, load_preset, load_scenario, scenario_tariff
from smop_pricing.money import format_money
from smop_pricing.pricing.tariff import load_tariff

HELP = "simulate a lifecycle scenario: renewals, lapses, reclamation, packs, over-quota days"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", nargs="?", help="a scenario JSON file (or a preset file)")
    names = ", ".join(preset.name for preset in list_presets())
    parser.add_argument("--preset", help=f"a shipped preset by name instead of a file: {names}")
    add_tariff_option(parser, "a what-if tariff TOML file (default: the scenario's own, else the published one)")
    add_json_option(parser, "one JSON object on stdout instead of the text")


def _run_json(run: Run) -> dict[str, Any]:
    return {"start": run.start, "end": run.end, "most_users_affected": run.peak_over,
            "most_users": run.peak_users}


def simulation_json(result: SimulationResult, lang: str) -> dict[str, Any]:
    """The CLI's JSON contract: dates ISO, ends exclusive, money exact."""
    s = result.settings
    return {
        "start": result.scenario.start,
        "until": result.scenario.until,
        "tariff": {"name": result.tariff.display_name(lang), "version": result.tariff.version},
        "settings": {
            "packs_survive_lapse": s.packs_survive_lapse,
            "over_quota_lock_days": s.over_quota_lock_days,
            "warn_ratio": s.warn_ratio,
            "auto_renew_months": s.auto_renew_months,
            "grace_months": s.grace_months,
        },
        "periods": [{"state": p.state, "start": p.start, "end": p.end} for p in result.periods],
        "ledger": [
            {"date": e.date, "item": e.item, "months": e.months, "units": e.units, "amount": e.amount,
             "expiry": e.expiry, "event": e.event}
            for e in result.ledger
        ],
        "total_paid": result.total_paid,
        "rejected": [
            {"date": r.date, "action": r.action, "event": r.event, "reason": r.reason,
             "params": r.kwargs(), "message": report.reason_text(r.reason, r.kwargs(), lang)}
            for r in result.rejected
        ],
        "console_locked": [_run_json(run) for run in result.console_locked],
        "over_quota": [_run_json(run) for run in result.over_quota],
        "warnings": [_run_json(run) for run in result.warnings],
        "final_state": result.final_state,
        "final_expiry": result.final_expiry,
        "reclamation": result.reclamation,
        "narrative": [{"date": n.date, "key": n.key, "text": report.note_text(n, lang)} for n in result.notes],
    }


def render_text(result: SimulationResult, lang: str) -> str:
    scenario = result.scenario
    lines = [
        t("lifecycle.header", lang, start=scenario.start.isoformat(), until=scenario.until.isoformat(),
          days=f"{scenario.days:,}", tariff=result.tariff.display_name(lang)),
        report.assumptions_text(result, lang),
        "",
        t("lifecycle.timeline_title", lang),
        *report.narrative(result, lang),
        "",
        t("lifecycle.periods_title", lang),
        *report.period_lines(result, lang),
        "",
        t("lifecycle.ledger_title", lang),
    ]
    rows = report.ledger_rows(result, lang)
    if rows:
        label_width = max(display_width(r.label) for r in rows) + 2
        quantity_width = max(display_width(r.quantity) for r in rows) + 2
        for r in rows:
            row = pad(r.label, label_width) + pad(r.quantity, quantity_width) + r.amount_text
            lines.append(f"{r.date.isoformat()}  {row}")
    else:
        lines.append(t("lifecycle.ledger_empty", lang))
    lines.append(t("lifecycle.total_paid", lang) + "  " + format_money(result.total_paid, lang))
    lines.append(t("lifecycle.no_refunds", lang))
    lines.append("")
    lines.append(report.final_text(result, lang))
    if result.over_quota:
        daily = result.daily
        lines.append(t("lifecycle.summary_over", lang, days=f"{int((daily['over_quota_users'] > 0).sum()):,}",
                       over=f"{max(r.peak_over for r in result.over_quota):,}",
                       locked=f"{int(daily['console_locked'].sum()):,}"))
    if result.rejected:
        lines.append(t("lifecycle.summary_refused", lang, n=len(result.rejected)))
    return "\n".join(lines)


def run(args: argparse.Namespace, out: IO[str]) -> int:
    if args.preset and args.scenario:
        raise ScenarioError("--preset", args.preset, "preset_or_file")
    if args.preset:
        scenario = load_preset(args.preset).scenario
    elif args.scenario:
        scenario = load_scenario(args.scenario)
    else:
        raise ScenarioError("scenario", "", "missing")
    tariff = load_tariff(args.tariff) if args.tariff else scenario_tariff(scenario)
    result = simulate(scenario, tariff)
    if args.json:
        out.write(jsonout.dumps(simulation_json(result, args.lang)) + "\n")
    else:
        out.write(render_text(result, args.lang) + "\n")
    return 0
