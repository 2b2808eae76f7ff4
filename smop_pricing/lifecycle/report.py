"""A simulation's narrative, ledger and refusals as text, in either language.

The simulator records structured notes and refusals (a key and typed params);
this module renders them, so the command line and the pages say the same thing.
Texts live in ``smop_pricing/data/i18n/lifecycle.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from smop_pricing.i18n import t
from smop_pricing.lifecycle.model import LedgerEntry, Note, ParamValue, Rejection, SimulationResult
from smop_pricing.money import format_money, ratio_percent


def months_text(n: int, lang: str) -> str:
    return t("lifecycle.months_one" if n == 1 else "lifecycle.months_other", lang, n=f"{n:,}")


def units_text(n: int, lang: str) -> str:
    return t("lifecycle.units_one" if n == 1 else "lifecycle.units_other", lang, n=f"{n:,}")


def _format(key: str, value: ParamValue, lang: str) -> str:
    if isinstance(value, Decimal):
        return format_money(value, lang)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        if key == "months":
            return months_text(value, lang)
        if key == "units":
            return units_text(value, lang)
        return f"{value:,}"
    return value


def _formatted(params: dict[str, ParamValue], lang: str) -> dict[str, str]:
    return {key: _format(key, value, lang) for key, value in params.items()}


def action_label(action: str, lang: str) -> str:
    return t(f"lifecycle.action_{action}", lang)


def reason_text(reason: str, params: dict[str, ParamValue], lang: str) -> str:
    """The refusal reason alone: 'resources were reclaimed on 2022-09-01; buy a new ...'."""
    return t(f"lifecycle.reason_{reason}", lang, **_formatted(params, lang))


def rejection_text(rejection: Rejection, lang: str) -> str:
    """'renewal refused: resources were reclaimed on 2022-09-01; buy a new standard edition'."""
    return t(
        "lifecycle.note_refused",
        lang,
        action=action_label(rejection.action, lang),
        reason=reason_text(rejection.reason, rejection.kwargs(), lang),
    )


def note_text(note: Note, lang: str) -> str:
    """One narrative line without its date."""
    params = note.kwargs()
    if note.key == "refused":
        action = str(params.pop("action"))
        reason = str(params.pop("reason"))
        return t("lifecycle.note_refused", lang, action=action_label(action, lang),
                 reason=reason_text(reason, params, lang))
    return t(f"lifecycle.note_{note.key}", lang, **_formatted(params, lang))


def narrative(result: SimulationResult, lang: str) -> list[str]:
    """Dated lines: '2022-06-01 service stopped: the term ended without renewal; ...'."""
    return [f"{note.date.isoformat()} {note_text(note, lang)}" for note in result.notes]


@dataclass(frozen=True)
class LedgerRow:
    date: date
    label: str
    quantity: str
    amount: Decimal
    amount_text: str


def ledger_row(entry: LedgerEntry, lang: str) -> LedgerRow:
    if entry.units is not None:
        quantity = units_text(entry.units, lang)
    else:
        assert entry.months is not None
        quantity = months_text(entry.months, lang)
    return LedgerRow(entry.date, t(f"lifecycle.item_{entry.item}", lang), quantity, entry.amount,
                     format_money(entry.amount, lang))


def ledger_rows(result: SimulationResult, lang: str) -> list[LedgerRow]:
    return [ledger_row(entry, lang) for entry in result.ledger]


def state_label(state: str, lang: str) -> str:
    return t(f"lifecycle.state_{state}", lang)


def period_lines(result: SimulationResult, lang: str) -> list[str]:
    """'2022-05-01 to 2022-05-31  in service (31 days)': inclusive last day for reading."""
    return [
        t("lifecycle.period_line", lang, first=p.start.isoformat(),
          last=(p.end - timedelta(days=1)).isoformat(), state=state_label(p.state, lang),
          days=f"{(p.end - p.start).days:,}")
        for p in result.periods
    ]


def assumptions_text(result: SimulationResult, lang: str) -> str:
    s = result.settings
    lock = (t("lifecycle.lock_on", lang, days=s.over_quota_lock_days) if s.over_quota_lock_days
            else t("lifecycle.lock_off", lang))
    return t(
        "lifecycle.assumptions",
        lang,
        survive=t("lifecycle.yes" if s.packs_survive_lapse else "lifecycle.no", lang),
        lock=lock,
        percent=ratio_percent(s.warn_ratio),
        months=months_text(s.auto_renew_months, lang),
        grace=months_text(s.grace_months, lang),
    )


def final_text(result: SimulationResult, lang: str) -> str:
    return t(f"lifecycle.final_{result.final_state}", lang, expiry=result.final_expiry.isoformat(),
             reclaim=result.reclamation.isoformat())


def days_in(result: SimulationResult, state: str) -> int:
    """Days of the span spent in ``state``: stopped (expired, in the grace months) and reclaimed apart."""
    return sum((p.end - p.start).days for p in result.periods if p.state == state)
