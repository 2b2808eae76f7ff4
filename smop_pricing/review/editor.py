"""Pricing review: a what-if tariff from an editor, compared with the published one.

- :func:`tariff_from_editor` validates the editor's raw values, collecting every error
  keyed by its field (``monthly_fee``, ``tiers[1].max_units``, ...), so a page can show
  each error next to its field.
- :func:`compare_curves` prices both tariffs over the same user counts (int64 fen).
- :func:`cliffs` lists the ranges of needs where buying more (or otherwise) costs less
  than the literal purchase (docs/rules.md R9), with the most a customer overpays.
- :func:`open_questions` reads ``data/open_questions.toml`` and says which reading of each
  ambiguity is in force under a tariff.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from smop_pricing.errors import InputError, SmopError, TariffError
from smop_pricing.i18n import t
from smop_pricing.money import format_money, from_fen
from smop_pricing.pricing.rules import MAX_NEED_UNITS, IntArray, cover_table, fee_table_fen
from smop_pricing.pricing.tariff import Tariff, published_tariff, tariff_from_dict, tariff_to_toml
from smop_pricing.pricing.vector import price_vectors

MAX_REVIEW_UNITS = 2_000
MAX_TIERS = 50
WHATIF_VERSION = "what-if"

# --- the editor -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EditorResult:
    """Either a valid tariff or every error found, each naming its field."""

    tariff: Tariff | None
    errors: tuple[TariffError, ...]

    @property
    def ok(self) -> bool:
        return self.tariff is not None

    def by_field(self) -> dict[str, list[TariffError]]:
        fields: dict[str, list[TariffError]] = {}
        for error in self.errors:
            fields.setdefault(error.field, []).append(error)
        return fields

    def for_field(self, prefix: str) -> list[TariffError]:
        """Errors of ``prefix`` itself or of its parts (``tiers`` gives every tier's)."""
        return [e for e in self.errors if e.field == prefix or e.field.startswith((prefix + ".", prefix + "["))]


def tariff_as_dict(tariff: Tariff) -> dict[str, Any]:
    """The tariff as the TOML document :func:`tariff_from_dict` reads."""
    return tomllib.loads(tariff_to_toml(tariff))


def _is_blank(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _bound(value: object) -> object:
    """A tier bound as the editor gives it (float, numpy int, text) as an int when it is one."""
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        return int(text) if text.isdigit() else value.strip()
    return value


def _amount(value: object) -> object:
    """Money typed as text ("4,800", " 2000 ") or a number, as text for the tariff reader."""
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return value.strip().replace(",", "").replace("，", "").replace(" ", "")
    return value


def _whole(value: object) -> object:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    return value


def _check_field(base: Mapping[str, Any], key: str, value: object, typed: object = None) -> list[TariffError]:
    """Errors of one field, found by putting it into an otherwise valid tariff.

    ``typed`` is what the user typed, quoted in the error instead of the cleaned-up value.
    """
    if value is None:
        return [TariffError(key, "", "missing")]
    try:
        tariff_from_dict({**base, key: value})
    except TariffError as error:
        if typed is None:
            return [error]
        return [TariffError(error.field, str(typed).strip(), error.rule, **error.params)]
    return []


def _rekey(error: TariffError, old: str, new: str | None) -> TariffError:
    if new is None or not error.field.startswith(old):
        return error
    return TariffError(new + error.field[len(old) :], error.value, error.rule, **error.params)


def _check_tiers(
    base: Mapping[str, Any], rows: Sequence[Mapping[str, object]]
) -> tuple[list[TariffError], list[dict[str, object]]]:
    """Every tier row's errors (keyed by the editor's row index) and the rows as TOML tables."""
    errors: list[TariffError] = []
    filled = [
        (index, _bound(row.get("max_units")), _amount(row.get("unit_price")), row.get("unit_price"))
        for index, row in enumerate(rows)
        if not (_is_blank(row.get("max_units")) and _is_blank(row.get("unit_price")))
    ]
    if not filled:
        return [TariffError("tiers", "", "tiers_list")], []
    if len(filled) > MAX_TIERS:
        return [TariffError("tiers", len(filled), "tiers_count")], []
    tables: list[dict[str, object]] = []
    previous: int | None = None
    for position, (index, bound, price, typed) in enumerate(filled):
        where = f"tiers[{index}]"
        if price is None:
            errors.append(TariffError(f"{where}.unit_price", "", "missing"))
        else:
            found = _check_field(base, "tiers", [{"unit_price": price}], typed)
            errors += [_rekey(e, "tiers[0]", where) for e in found]
        last = position == len(filled) - 1
        table: dict[str, object] = {"unit_price": price}
        if last:
            if bound is not None:
                errors.append(TariffError(f"{where}.max_units", bound, "last_open"))
        elif bound is None:
            errors.append(TariffError(f"{where}.max_units", "", "bound_missing"))
        else:
            found = _check_field(base, "tiers", [{"max_units": bound, "unit_price": "1"}, {"unit_price": "1"}])
            errors += [_rekey(e, "tiers[0]", where) for e in found]
            if not found and isinstance(bound, int):
                if previous is not None and bound <= previous:
                    errors.append(TariffError(f"{where}.max_units", bound, "bound_increasing", previous=previous))
                previous = bound
            table["max_units"] = bound
        tables.append(table)
    return errors, tables


def tariff_from_editor(
    base: Tariff,
    monthly_fee: object,
    included_users: object,
    pack_users: object,
    tier_mode: object,
    tiers: Sequence[Mapping[str, object]],
) -> EditorResult:
    """Validate every editor field; the other settings (grace, warning, lock, ...) come from ``base``.

    ``tiers`` are the editor's rows (``max_units``: empty for the open last tier;
    ``unit_price``: text). Rows left entirely empty are ignored. Error fields name the
    editor's row index: ``tiers[2].unit_price`` is the third row. A tariff whose prices
    differ from the published one and that still says version "published" is renamed
    "what-if".
    """
    raw = tariff_as_dict(base)
    fee = _amount(monthly_fee)
    errors = _check_field(raw, "monthly_fee", fee, monthly_fee)
    errors += _check_field(raw, "included_users", _whole(included_users))
    errors += _check_field(raw, "pack_users", _whole(pack_users))
    errors += _check_field(raw, "tier_mode", tier_mode)
    tier_errors, tables = _check_tiers(raw, tiers)
    errors += tier_errors
    if errors:
        return EditorResult(None, tuple(errors))
    document = {
        **raw,
        "monthly_fee": fee,
        "included_users": _whole(included_users),
        "pack_users": _whole(pack_users),
        "tier_mode": tier_mode,
        "tiers": tables,
    }
    try:
        tariff = tariff_from_dict(document)
    except TariffError as error:  # the per-field checks should have found it; never hide it
        return EditorResult(None, (error,))
    if tariff.version == "published" and not same_prices(tariff, published_tariff()):
        document["version"] = WHATIF_VERSION
        tariff = tariff_from_dict(document)
    return EditorResult(tariff, ())


def same_prices(a: Tariff, b: Tariff) -> bool:
    """True when two tariffs price and run every scenario the same (names aside)."""
    keys = (
        "monthly_fee", "included_users", "pack_users", "tier_mode", "tiers",
        "grace_months", "warn_ratio", "over_quota_lock_days", "packs_survive_lapse",
    )
    return all(getattr(a, key) == getattr(b, key) for key in keys)


def editor_rows(tariff: Tariff) -> list[dict[str, object]]:
    """The tariff's tiers as editor rows (the open last tier has no max_units)."""
    return [{"max_units": tier.max_units, "unit_price": str(tier.unit_price)} for tier in tariff.tiers]


EDITOR_FIELDS = ("monthly_fee", "included_users", "pack_users", "tier_mode", "tiers")
_TIER_FIELD = re.compile(r"^tiers\[(\d+)\]\.(max_units|unit_price)$")


def field_label(field: str, lang: str) -> str:
    """The editor's name for a field: 'Monthly fee (monthly_fee)', 'Tier 2 · max_units'."""
    match = _TIER_FIELD.match(field)
    if match:
        return t("review.tier_field", lang, row=int(match.group(1)) + 1, column=match.group(2))
    if field in EDITOR_FIELDS:
        return t("review.field_named", lang, label=t(f"review.field_{field}", lang), name=field)
    if field in ("max_users", "max_units"):
        return t(f"review.{field}", lang)
    return field


def error_text(error: SmopError, lang: str) -> str:
    """An editor (or review input) error in ``lang``, naming the field by its label and its key."""
    rule = t(f"err.{error.rule}", lang, **error.params)
    value = error.value if isinstance(error.value, (int, str)) else repr(error.value)
    label = field_label(error.field, lang)
    if value in ("", None):
        return t("err.frame_bare", lang, field=label, rule=rule)
    return t("err.frame", lang, field=label, rule=rule, value=value)


def tariff_diff(before: Tariff, after: Tariff) -> list[tuple[str, str, str]]:
    """(key, before, after) for every setting that differs, tiers compared one by one."""
    rows: list[tuple[str, str, str]] = []
    for key in ("monthly_fee", "included_users", "pack_users", "tier_mode",
                "grace_months", "warn_ratio", "over_quota_lock_days", "packs_survive_lapse"):
        a, b = getattr(before, key), getattr(after, key)
        if a != b:
            rows.append((key, _setting_text(a), _setting_text(b)))
    for index in range(max(len(before.tiers), len(after.tiers))):
        a_tier = before.tiers[index] if index < len(before.tiers) else None
        b_tier = after.tiers[index] if index < len(after.tiers) else None
        for name in ("max_units", "unit_price"):
            a_value = "—" if a_tier is None else _setting_text(getattr(a_tier, name), none="∞")
            b_value = "—" if b_tier is None else _setting_text(getattr(b_tier, name), none="∞")
            if a_value != b_value:
                rows.append((f"tiers[{index}].{name}", a_value, b_value))
    return rows


def tier_lines(tariff: Tariff, lang: str) -> list[str]:
    """One line per tier: its purchase sizes in units and users, and its unit price."""
    lines: list[str] = []
    for index, tier in enumerate(tariff.tiers):
        lower = tariff.tier_lower(index)
        price = format_money(tier.unit_price, lang)
        if tier.max_units is None:
            lines.append(t("review.tier_line_open", lang, tier=index + 1, lower=f"{lower:,}",
                           users=f"{(lower - 1) * tariff.pack_users:,}", price=price))
        else:
            lines.append(t("review.tier_line", lang, tier=index + 1, lower=f"{lower:,}",
                           upper=f"{tier.max_units:,}", users=f"{tier.max_units * tariff.pack_users:,}",
                           price=price))
    return lines


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


def _breakpoints(tariff: Tariff, max_users: int) -> IntArray:
    """User counts where the tariff's cost can change: its included users, then every pack."""
    if max_users <= tariff.included_users:
        return np.array([tariff.included_users], dtype=np.int64)
    steps = -(-(max_users - tariff.included_users) // tariff.pack_users)
    return tariff.included_users + tariff.pack_users * np.arange(0, steps + 1, dtype=np.int64)


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
        top = tariff.included_users + MAX_NEED_UNITS * tariff.pack_users
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
    return pd.DataFrame(
        {
            "users": users,
            "baseline_total_fen": a["total_fen"],
            "whatif_total_fen": b["total_fen"],
            "difference_fen": b["total_fen"] - a["total_fen"],
            "baseline_cheapest_total_fen": a["cheapest_total_fen"],
            "whatif_cheapest_total_fen": b["cheapest_total_fen"],
            "cheapest_difference_fen": b["cheapest_total_fen"] - a["cheapest_total_fen"],
            "baseline_units": a["units"],
            "whatif_units": b["units"],
            "baseline_cheapest_units": a["cheapest_units"],
            "whatif_cheapest_units": b["cheapest_units"],
        },
        columns=list(COMPARE_COLUMNS),
    )


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
    literal = fee_table_fen(tariff, max_units)
    cheapest = cover_table(tariff, max_units).cost_fen[: max_units + 1]
    return np.asarray(literal - cheapest, dtype=np.int64)


def plan_text(plan: Sequence[int]) -> str:
    """Purchase sizes as '11' or '6 + 5'."""
    return " + ".join(f"{units:,}" for units in plan)


def cliffs(tariff: Tariff, max_units: int) -> pd.DataFrame:
    """Runs of needs 1..max_units where a purchase other than the literal one costs less.

    One row per run of needs sharing one cheapest plan (see CLIFF_COLUMNS): the users the
    run covers, the plan, its units, capacity and fee, and the need at which a customer
    buying the literal amount overpays the most, with that overpay.
    """
    over = overpay_fen(tariff, max_units)
    table = cover_table(tariff, max_units)
    literal = fee_table_fen(tariff, max_units)
    rows: list[dict[str, object]] = []
    run: list[int] = []
    run_plan: tuple[int, ...] = ()

    def close() -> None:
        if not run:
            return
        worst = max(run, key=lambda need: (int(over[need]), -need))
        units = sum(run_plan)
        rows.append(
            {
                "need_from": run[0],
                "need_to": run[-1],
                "users_from": tariff.included_users + (run[0] - 1) * tariff.pack_users + 1,
                "users_to": tariff.included_users + run[-1] * tariff.pack_users,
                "plan": plan_text(run_plan),
                "buy_units": units,
                "buy_capacity": tariff.included_users + units * tariff.pack_users,
                "buy_fee_fen": int(table.cost_fen[run[0]]),
                "worst_need": worst,
                "worst_literal_fee_fen": int(literal[worst]),
                "max_overpay_fen": int(over[worst]),
            }
        )

    for need in range(1, max_units + 1):
        if over[need] <= 0:
            close()
            run = []
            continue
        plan = table.plan(need)
        if run and plan != run_plan:
            close()
            run = []
        if not run:
            run_plan = plan
        run.append(need)
    close()
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
    saving = (frame[f"{prefix}_total_fen"] - frame[f"{prefix}_cheapest_total_fen"]).to_numpy(dtype=np.int64)
    if saving.size == 0 or int(saving.max()) <= 0:
        return CurveSummary(Decimal(0), None)
    at = int(np.argmax(saving))
    return CurveSummary(from_fen(int(saving[at])), int(frame["users"].iloc[at]))


def difference_summary(frame: pd.DataFrame, column: str = "difference_fen") -> DifferenceSummary:
    """The largest increase and decrease of ``column`` (fen) and the users where they occur."""
    diff = frame[column].to_numpy(dtype=np.int64)
    rise, fall = (int(diff.max()), int(diff.min())) if diff.size else (0, 0)
    rise_at = int(frame["users"].iloc[int(np.argmax(diff))]) if rise > 0 else None
    fall_at = int(frame["users"].iloc[int(np.argmin(diff))]) if fall < 0 else None
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


# --- open questions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    id: str
    when: str
    zh: str
    en: str


@dataclass(frozen=True)
class Question:
    id: str
    spec: str
    quote: str
    setting: str
    zh: str
    en: str
    readings: tuple[Reading, ...]


WHEN = ("true", "false", "zero", "positive", "any", "never")


@lru_cache(maxsize=1)
def question_data() -> tuple[Question, ...]:
    """``data/open_questions.toml``, read once (immutable)."""
    text = resources.files("smop_pricing.data").joinpath("open_questions.toml").read_text("utf-8")
    questions: list[Question] = []
    for item in tomllib.loads(text)["question"]:
        readings = tuple(
            Reading(str(r["id"]), str(r["when"]), str(r["zh"]), str(r["en"])) for r in item["reading"]
        )
        for reading in readings:
            if reading.when not in WHEN:
                raise ValueError(f"open_questions.toml {item['id']}.{reading.id}: unknown when {reading.when!r}")
        questions.append(
            Question(
                id=str(item["id"]),
                spec=str(item["spec"]),
                quote=str(item["quote"]),
                setting=str(item["setting"]),
                zh=str(item["zh"]),
                en=str(item["en"]),
                readings=readings,
            )
        )
    return tuple(questions)


def _selects(when: str, value: object) -> bool:
    if when == "any":
        return True
    if when == "never":
        return False
    if isinstance(value, bool):
        return when == ("true" if value else "false")
    if isinstance(value, (int, Decimal)):
        return when == ("zero" if value == 0 else "positive")
    return False


def _setting_text(value: object, none: str = "") -> str:
    if value is None:
        return none
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class QuestionStatus:
    """An open question under a tariff: the reading in force and the default one."""

    question: Question
    value: object
    default_value: object
    in_force: Reading | None
    default: Reading | None

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def changed(self) -> bool:
        """True when the tariff takes another reading than the published default."""
        return self.in_force != self.default or self.value != self.default_value

    def text(self, lang: str) -> str:
        return self.question.en if lang == "en" else self.question.zh

    def setting_text(self) -> str:
        return "" if not self.question.setting else f"{self.question.setting} = {_setting_text(self.value)}"

    def default_setting_text(self) -> str:
        return "" if not self.question.setting else f"{self.question.setting} = {_setting_text(self.default_value)}"

    def reading_text(self, reading: Reading, lang: str, value: object | None = None) -> str:
        shown = self.value if value is None else value
        params: dict[str, str] = {"value": _setting_text(shown)}
        if isinstance(shown, int) and not isinstance(shown, bool):
            params["next"] = str(shown + 1)
        if isinstance(shown, Decimal):
            params["percent"] = f"{(shown * 100).normalize():f} %"
        text = reading.en if lang == "en" else reading.zh
        return text.format(**params)

    def status(self, reading: Reading) -> str:
        """'in_force', 'default' (the published reading, not in force), 'not_simulated' or 'other'."""
        if reading == self.in_force:
            return "in_force"
        if reading == self.default:
            return "default"
        return "not_simulated" if reading.when == "never" else "other"


def open_questions(tariff: Tariff | None = None) -> tuple[QuestionStatus, ...]:
    """Each open question with the reading ``tariff`` puts in force and the published default."""
    published = published_tariff()
    current = tariff or published
    statuses: list[QuestionStatus] = []
    for question in question_data():
        value = getattr(current, question.setting) if question.setting else None
        default_value = getattr(published, question.setting) if question.setting else None
        in_force = next((r for r in question.readings if _selects(r.when, value)), None)
        default = next((r for r in question.readings if _selects(r.when, default_value)), None)
        statuses.append(QuestionStatus(question, value, default_value, in_force, default))
    return tuple(statuses)


def status_label(status: str, lang: str) -> str:
    return t(f"review.reading_{status}", lang)
