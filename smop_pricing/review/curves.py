"""Baseline and what-if tariffs side by side: cost curves over users, cliffs (what each need overpays)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from smop_pricing.errors import InputError
from smop_pricing.i18n import t
from smop_pricing.money import format_money, from_fen, plan_text, to_fen
from smop_pricing.pricing.rules import (
    MAX_NEED_UNITS,
    IntArray,
    capacity,
    capacity_vector,
    cliff_runs,
    need_users,
    units_needed,
)
from smop_pricing.pricing.rules import overpay_fen as rules_overpay_fen
from smop_pricing.pricing.tariff import Tariff
from smop_pricing.pricing.vector import price_vectors
from smop_pricing.review.editor import MAX_REVIEW_UNITS

# --- compare ------------------------------------------------------------------------------------

COMPARE_COLUMNS = (
    "users",
    "baseline_total_fen",
    "whatif_total_fen",
    "difference_fen",
    "baseline_cheapest_total_fen",
    "whatif_cheapest_total_fen",
    "cheapest_difference_fen",
    "baseline_units",
    "whatif_units",
    "baseline_cheapest_units",
    "whatif_cheapest_units",
)
_COMPARE_INDEX = pd.Index(COMPARE_COLUMNS)  # the compare frame's columns (an Index is immutable)


def _breakpoints(tariff: Tariff, max_users: int) -> IntArray:
    """User counts where the tariff's cost can change: its included users, then every pack."""
    if max_users <= tariff.included_users:
        return np.array([tariff.included_users], dtype=np.int64)
    steps = units_needed(tariff, max_users)
    return capacity_vector(tariff, np.arange(0, steps + 1, dtype=np.int64))


def review_grid(tariffs: Sequence[Tariff], max_users: int, limit: int = 4_000) -> IntArray:
    """0, ``max_users`` and every breakpoint of the tariffs in between.

    The costs are step functions constant on (b_i, b_i+1]; on this grid a "step-before"
    line draws them exactly. Beyond ``limit`` points an even grid is used instead.
    """
    points = [np.array([0, max_users], dtype=np.int64)]
    points += [_breakpoints(tariff, max_users) for tariff in tariffs]
    grid = np.unique(np.concatenate(points))
    grid = grid[(grid >= 0) & (grid <= max_users)]
    if grid.size > limit:
        grid = np.unique(np.linspace(0, max_users, limit, dtype=np.int64))
    return grid.astype(np.int64)


def check_review_users(tariffs: Sequence[Tariff], max_users: int) -> None:
    """Raise :class:`InputError` when ``max_users`` needs more pack units than the engine covers."""
    for tariff in tariffs:
        top = capacity(tariff, MAX_NEED_UNITS)
        if max_users > top:
            raise InputError("max_users", max_users, "range", minimum="0", maximum=f"{top:,}")


def compare_curves(baseline: Tariff, whatif: Tariff, max_users: int, months: int = 1) -> pd.DataFrame:
    """Both tariffs priced at the same user counts (see COMPARE_COLUMNS; money in int64 fen).

    ``difference_fen`` is what-if minus baseline for the literal purchase,
    ``cheapest_difference_fen`` the same for the cheapest covering purchase.
    """
    check_review_users((baseline, whatif), max_users)
    users = review_grid((baseline, whatif), max_users)
    a = price_vectors(baseline, users, months)
    b = price_vectors(whatif, users, months)
    columns = (
        users,
        a["total_fen"],
        b["total_fen"],
        b["total_fen"] - a["total_fen"],
        a["cheapest_total_fen"],
        b["cheapest_total_fen"],
        b["cheapest_total_fen"] - a["cheapest_total_fen"],
        a["units"],
        b["units"],
        a["cheapest_units"],
        b["cheapest_units"],
    )
    # one int64 block under a column index made once: a rerun of the review page makes this frame
    # for every new user count, and a frame built column by column costs several times more
    return pd.DataFrame(np.column_stack([np.asarray(c, dtype=np.int64) for c in columns]), columns=_COMPARE_INDEX)


# --- cliffs -------------------------------------------------------------------------------------

CLIFF_COLUMNS = (
    "need_from",
    "need_to",
    "users_from",
    "users_to",
    "plan",
    "buy_units",
    "buy_capacity",
    "buy_fee_fen",
    "worst_need",
    "worst_literal_fee_fen",
    "max_overpay_fen",
)


def _check_units(max_units: int) -> None:
    if isinstance(max_units, bool) or not isinstance(max_units, int) or not 1 <= max_units <= MAX_REVIEW_UNITS:
        raise InputError("max_units", max_units, "range", minimum="1", maximum=f"{MAX_REVIEW_UNITS:,}")


def overpay_fen(tariff: Tariff, max_units: int) -> IntArray:
    """For needs 0..max_units: the literal purchase's fee minus the cheapest cover's (fen)."""
    _check_units(max_units)
    return rules_overpay_fen(tariff, max_units)


def cliffs(tariff: Tariff, max_units: int) -> pd.DataFrame:
    """Runs of needs 1..max_units where a purchase other than the literal one costs less.

    One row per run of needs sharing one cheapest plan (see CLIFF_COLUMNS; the runs are
    :func:`~smop_pricing.pricing.rules.cliff_runs`): the users the run covers, the plan, its
    units, capacity and fee, and the need at which a customer buying the literal amount
    overpays the most, with that overpay.
    """
    _check_units(max_units)
    rows = [
        {
            "need_from": run.need_from,
            "need_to": run.need_to,
            "users_from": need_users(tariff, run.need_from, run.need_to)[0],
            "users_to": need_users(tariff, run.need_from, run.need_to)[1],
            "plan": plan_text(run.plan),
            "buy_units": run.units,
            "buy_capacity": capacity(tariff, run.units),
            "buy_fee_fen": to_fen(run.plan_fee),
            "worst_need": run.worst_need,
            "worst_literal_fee_fen": to_fen(run.literal_fee),
            "max_overpay_fen": to_fen(run.max_overpay),
        }
        for run in cliff_runs(tariff, max_units)
    ]
    frame = pd.DataFrame.from_records(rows, columns=list(CLIFF_COLUMNS))
    return frame.astype({c: "int64" for c in CLIFF_COLUMNS if c != "plan"})


def _span(lo: int, hi: int) -> str:
    return f"{lo:,}" if lo == hi else f"{lo:,}–{hi:,}"


def cliffs_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A cliffs frame as text for a page: needs, users, what to buy instead, the worst overpay."""
    records = [
        {
            "needs": t("review.units", lang, units=_span(int(r["need_from"]), int(r["need_to"]))),
            "users": _span(int(r["users_from"]), int(r["users_to"])),
            "buy": t("review.buy_instead", lang, plan=r["plan"], capacity=f"{int(r['buy_capacity']):,}"),
            "buy_fee": format_money(from_fen(int(r["buy_fee_fen"])), lang),
            "worst": t("review.worst", lang, units=f"{int(r['worst_need']):,}",
                       fee=format_money(from_fen(int(r["worst_literal_fee_fen"])), lang)),
            "max_overpay": format_money(from_fen(int(r["max_overpay_fen"])), lang),
        }
        for r in frame.to_dict("records")
    ]
    return pd.DataFrame.from_records(records, columns=["needs", "users", "buy", "buy_fee", "worst", "max_overpay"])


@dataclass(frozen=True)
class CurveSummary:
    """One tariff over a compare frame: where its cheapest purchase saves the most."""

    max_saving: Decimal
    at_users: int | None


@dataclass(frozen=True)
class DifferenceSummary:
    """What-if minus published over a compare frame: the largest rise and fall, and where."""

    max_rise: Decimal
    rise_at: int | None
    max_fall: Decimal
    fall_at: int | None


def curve_summary(frame: pd.DataFrame, prefix: str) -> CurveSummary:
    """``prefix`` 'baseline' or 'whatif': the largest literal-minus-cheapest saving and its users."""
    saving = (frame[f"{prefix}_total_fen"].to_numpy(dtype=np.int64)
              - frame[f"{prefix}_cheapest_total_fen"].to_numpy(dtype=np.int64))
    if saving.size == 0 or int(saving.max()) <= 0:
        return CurveSummary(Decimal(0), None)
    at = int(np.argmax(saving))
    return CurveSummary(from_fen(int(saving[at])), int(frame["users"].to_numpy()[at]))


def difference_summary(frame: pd.DataFrame, column: str = "difference_fen") -> DifferenceSummary:
    """The largest increase and decrease of ``column`` (fen) and the users where they occur."""
    diff = frame[column].to_numpy(dtype=np.int64)
    rise, fall = (int(diff.max()), int(diff.min())) if diff.size else (0, 0)
    users = frame["users"].to_numpy()
    rise_at = int(users[int(np.argmax(diff))]) if rise > 0 else None
    fall_at = int(users[int(np.argmin(diff))]) if fall < 0 else None
    return DifferenceSummary(from_fen(max(rise, 0)), rise_at, from_fen(min(fall, 0)), fall_at)


def overpay_by_need(baseline: Tariff, whatif: Tariff, max_units: int) -> pd.DataFrame:
    """need (1..max_units), baseline_overpay_fen, whatif_overpay_fen."""
    return pd.DataFrame(
        {
            "need": np.arange(1, max_units + 1, dtype=np.int64),
            "baseline_overpay_fen": overpay_fen(baseline, max_units)[1:],
            "whatif_overpay_fen": overpay_fen(whatif, max_units)[1:],
        }
    )




def difference_sentences(diff: DifferenceSummary, lang: str) -> list[str]:
    """The largest rise and fall of the what-if tariff in words (or that nothing changes)."""
    from smop_pricing.i18n import t
    from smop_pricing.money import format_money

    lines = []
    if diff.rise_at is not None:
        lines.append(t("review.rise_line", lang, fee=format_money(diff.max_rise, lang), users=f"{diff.rise_at:,}"))
    if diff.fall_at is not None:
        lines.append(t("review.fall_line", lang, fee=format_money(-diff.max_fall, lang), users=f"{diff.fall_at:,}"))
    if not lines:
        lines.append(t("review.no_difference", lang))
    return lines
