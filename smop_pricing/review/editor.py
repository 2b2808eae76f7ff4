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

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from smop_pricing.errors import InputError, SmopError, TariffError
from smop_pricing.i18n import catalog, t
from smop_pricing.money import format_money
from smop_pricing.pricing.tariff import Tariff, published_tariff, tariff_from_dict, tariff_to_toml
from smop_pricing.review.questions import _setting_text
from smop_pricing.validation import MAX_READ_WHOLE, is_blank, read_whole, whole_value

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

    def for_field(self, prefix: str) -> list[TariffError]:
        """Errors of ``prefix`` itself or of its parts (``tiers`` gives every tier's)."""
        return [e for e in self.errors if e.field == prefix or e.field.startswith((prefix + ".", prefix + "["))]


def tariff_as_dict(tariff: Tariff) -> dict[str, Any]:
    """The tariff as the TOML document :func:`tariff_from_dict` reads."""
    return tomllib.loads(tariff_to_toml(tariff))


def _bound(value: object) -> object:
    """A tier bound as the editor gives it (float, numpy int, text) as an int when it is one."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        number = read_whole(value)
        return value.strip() if number is None else number
    whole = _whole(value)
    return float(whole) if isinstance(whole, np.floating) else whole


def _amount(value: object) -> object:
    """Money typed as text ("4,800", " 2000 ") or a number, as text for the tariff reader."""
    if is_blank(value):
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
    """A whole number the editor gives as a float or numpy integer, as an int; anything else as it is."""
    try:
        return whole_value("", value, -MAX_READ_WHOLE, MAX_READ_WHOLE, whole_reals=True)
    except InputError:
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
        if not (is_blank(row.get("max_units")) and is_blank(row.get("unit_price")))
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
    if match:  # tiers counted from 1, the column as the editor heads it
        return t("review.tier_field", lang, row=int(match.group(1)) + 1,
                 column=t(f"review.col_{match.group(2)}", lang))
    if field in EDITOR_FIELDS:
        return t(f"review.field_{field}", lang)
    if field in ("max_users", "max_units"):
        return t(f"review.{field}", lang)
    return field


def error_text(error: SmopError, lang: str) -> str:
    """An editor (or review input) error in ``lang``, naming the field by its on-screen label."""
    override = f"review.rule_{error.rule}"  # a rule whose words name a file key: worded for the editor
    rule = t(override if override in catalog() else f"err.{error.rule}", lang, **error.params)
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


