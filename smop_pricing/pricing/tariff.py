"""The tariff as data: a TOML file validated into frozen dataclasses.

The published tariff ships in ``smop_pricing/data/published.toml``; any other
TOML file with the same keys loads as a what-if tariff. Every problem raises
:class:`TariffError` naming the key and the rule it breaks.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol

from smop_pricing.errors import TariffError
from smop_pricing.money import has_at_most_fen
from smop_pricing.validation import (
    MAX_LOCK_DAYS,
    MAX_MONTHS,
    MAX_NAME_CHARS,
    MAX_TIER_UNITS,
    is_blank,
    ratio_value,
    read_bounded,
    whole_value,
)

TierMode = Literal["volume", "graduated"]
MODES: tuple[TierMode, ...] = ("volume", "graduated")

_REQUIRED = (
    "name",
    "version",
    "monthly_fee",
    "included_users",
    "pack_users",
    "tier_mode",
    "grace_months",
    "warn_ratio",
    "over_quota_lock_days",
    "packs_survive_lapse",
    "tiers",
)
PUBLISHED_VERSION = "published"  # the version of smop_pricing/data/published.toml
MIN_DAY = dt.date(2000, 1, 1)  # a tariff's published_on: the days a billing page can have been read
MAX_DAY = dt.date(2099, 12, 31)
_OPTIONAL = ("name_en", "currency", "published_on")


@dataclass(frozen=True)
class Tier:
    """Purchases of up to ``max_units`` units (``None``: open-ended) at ``unit_price``."""

    max_units: int | None
    unit_price: Decimal


@dataclass(frozen=True)
class Tariff:
    name: str
    version: str
    monthly_fee: Decimal
    included_users: int
    pack_users: int
    tier_mode: TierMode
    tiers: tuple[Tier, ...]
    grace_months: int
    warn_ratio: Decimal
    over_quota_lock_days: int
    packs_survive_lapse: bool
    name_en: str = ""
    currency: str = "CNY"
    published_on: dt.date | None = None  # the day the billing page was read into this tariff

    def display_name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name

    def version_text(self, lang: str) -> str:
        """The version as a person reads it (see :func:`version_text`)."""
        return version_text(self.version, lang)

    @property
    def open_tier_start(self) -> int:
        """First unit count priced by the open-ended last tier."""
        bounded = [t.max_units for t in self.tiers if t.max_units is not None]
        return (bounded[-1] + 1) if bounded else 1

    def tier_index(self, units: int) -> int:
        """Index of the tier a purchase of ``units`` units falls in (volume reading)."""
        for index, tier in enumerate(self.tiers):
            if tier.max_units is None or units <= tier.max_units:
                return index
        return len(self.tiers) - 1

    def tier_lower(self, index: int) -> int:
        """Smallest unit count of tier ``index``."""
        if index == 0:
            return 1
        previous = self.tiers[index - 1].max_units
        assert previous is not None
        return previous + 1


def _fail(key: str, rule: str, value: object, **params: Any) -> TariffError:
    return TariffError(key, value, rule, **params)


def _money(raw: dict[str, Any], key: str, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _fail(key, "amount", value)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _fail(key, "amount", value) from None
    if not amount.is_finite():
        raise _fail(key, "amount", value)
    if amount <= 0:
        raise _fail(key, "positive", value)
    if amount > Decimal("100000000"):  # before the fen check: quantizing 2E+100 overflows
        raise _fail(key, "range", value, minimum="0.01", maximum="100,000,000")
    if not has_at_most_fen(amount):
        raise _fail(key, "fen", value)
    return amount


def _int(key: str, value: object, minimum: int, maximum: int) -> int:
    if not isinstance(value, int):  # a TOML integer: not a float, text or numpy number
        raise _fail(key, "whole_number", value, minimum=f"{minimum:,}", maximum=f"{maximum:,}")
    return whole_value(key, value, minimum, maximum, error=TariffError)


def _text(key: str, value: object) -> str:
    if not isinstance(value, str) or is_blank(value):
        raise _fail(key, "text", value)
    if len(value) > MAX_NAME_CHARS:
        raise _fail(key, "text_long", value)
    return value


def _day(key: str, value: object) -> dt.date:
    """A TOML date (``2026-11-27``) or the same written as text."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _fail(key, "date", value) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise _fail(key, "date", value)
    if not MIN_DAY <= value <= MAX_DAY:
        raise _fail(key, "date_range", value.isoformat(), minimum=MIN_DAY.isoformat(), maximum=MAX_DAY.isoformat())
    return value


def _tiers(raw: dict[str, Any], value: object) -> tuple[Tier, ...]:
    if not isinstance(value, list) or not value:
        raise _fail("tiers", "tiers_list", value)
    if len(value) > 50:
        raise _fail("tiers", "tiers_count", len(value))
    tiers: list[Tier] = []
    previous = 0
    for index, item in enumerate(value):
        where = f"tiers[{index}]"
        if not isinstance(item, dict):
            raise _fail(where, "tier_table", item)
        unknown = sorted(set(item) - {"max_units", "unit_price"})
        if unknown:
            raise _fail(f"{where}.{unknown[0]}", "unknown_key", item[unknown[0]])
        if "unit_price" not in item:
            raise _fail(f"{where}.unit_price", "missing", "")
        price = _money(raw, f"{where}.unit_price", item["unit_price"])
        last = index == len(value) - 1
        if last:
            if "max_units" in item:
                raise _fail(f"{where}.max_units", "last_open", item["max_units"])
            tiers.append(Tier(None, price))
            continue
        if "max_units" not in item:
            raise _fail(f"{where}.max_units", "bound_missing", "")
        bound = _int(f"{where}.max_units", item["max_units"], 1, MAX_TIER_UNITS)
        if bound <= previous:
            raise _fail(f"{where}.max_units", "bound_increasing", bound, previous=previous)
        previous = bound
        tiers.append(Tier(bound, price))
    return tuple(tiers)


def tariff_from_dict(raw: dict[str, Any]) -> Tariff:
    """Validate a parsed TOML document into a :class:`Tariff`."""
    for key in _REQUIRED:
        if key not in raw:
            raise _fail(key, "missing", "")
    unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise _fail(unknown[0], "unknown_key", raw[unknown[0]])
    mode = raw["tier_mode"]
    if mode not in MODES:
        raise _fail("tier_mode", "mode", mode)
    ratio = ratio_value("warn_ratio", raw["warn_ratio"], TariffError)
    survive = raw["packs_survive_lapse"]
    if not isinstance(survive, bool):
        raise _fail("packs_survive_lapse", "bool", survive)
    currency = raw.get("currency", "CNY")
    if currency != "CNY":
        raise _fail("currency", "currency", currency)
    return Tariff(
        name=_text("name", raw["name"]),
        name_en=_text("name_en", raw["name_en"]) if "name_en" in raw else "",
        version=_text("version", raw["version"]),
        monthly_fee=_money(raw, "monthly_fee", raw["monthly_fee"]),
        included_users=_int("included_users", raw["included_users"], 0, 1_000_000_000),
        pack_users=_int("pack_users", raw["pack_users"], 1, 1_000_000_000),
        tier_mode=mode,
        tiers=_tiers(raw, raw["tiers"]),
        grace_months=_int("grace_months", raw["grace_months"], 0, MAX_MONTHS),
        warn_ratio=ratio,
        over_quota_lock_days=_int("over_quota_lock_days", raw["over_quota_lock_days"], 0, MAX_LOCK_DAYS),
        packs_survive_lapse=survive,
        currency="CNY",
        published_on=_day("published_on", raw["published_on"]) if "published_on" in raw else None,
    )


MAX_NESTING = 32  # arrays and inline tables inside one another; a tariff needs 2


def _too_deep(text: str, limit: int = MAX_NESTING) -> bool:
    """Whether arrays/inline tables nest deeper than ``limit`` (strings and comments skipped).

    tomllib recurses once per level: a few hundred levels exhaust the stack of a server
    thread, so such a file is refused before it is parsed.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth, i, n = 0, 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            if text.startswith(c * 3, i):
                end = text.find(c * 3, i + 3)
                i = n if end < 0 else end + 3
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if c == '"' and text[j] == "\\" else 1
            i = j
        elif c in "[{":
            depth += 1
            if depth > limit:
                return True
        elif c in "]}":
            depth -= 1
        i += 1
    return False


def parse_tariff(text: str, source: str = "tariff") -> Tariff:
    """Parse TOML text; a syntax error becomes a :class:`TariffError` too."""
    if _too_deep(text):
        raise TariffError(source, "", "toml_nesting")
    try:
        raw = tomllib.loads(text)
    except ValueError as exc:  # TOMLDecodeError, or an integer of more digits than int() converts
        raise TariffError(source, str(exc), "toml") from None
    except RecursionError:  # arrays or inline tables nested a few hundred deep
        raise TariffError(source, "", "toml_nesting") from None
    return tariff_from_dict(raw)


def load_tariff(path: str | Path) -> Tariff:
    """Load a what-if tariff from a TOML file."""
    data = read_bounded(Path(path), lambda rule, **params: TariffError("tariff", str(path), rule, **params))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TariffError("tariff", str(path), "not_utf8") from None
    return parse_tariff(text, source=str(path))


@lru_cache(maxsize=1)
def published_tariff() -> Tariff:
    """The tariff as published on the SMOP billing page (read once: a Tariff is immutable)."""
    text = resources.files("smop_pricing.data").joinpath("published.toml").read_text("utf-8")
    return parse_tariff(text, source="published.toml")


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c >= " " else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def tariff_to_toml(tariff: Tariff) -> str:
    """The TOML text that :func:`parse_tariff` reads back to an equal tariff."""
    lines = [
        f"name = {_toml_str(tariff.name)}",
    ]
    if tariff.name_en:
        lines.append(f"name_en = {_toml_str(tariff.name_en)}")
    lines += [
        f"version = {_toml_str(tariff.version)}",
        *([f"published_on = {tariff.published_on.isoformat()}"] if tariff.published_on else []),
        'currency = "CNY"',
        f'monthly_fee = "{tariff.monthly_fee}"',
        f"included_users = {tariff.included_users}",
        f"pack_users = {tariff.pack_users}",
        f'tier_mode = "{tariff.tier_mode}"',
        f"grace_months = {tariff.grace_months}",
        f'warn_ratio = "{tariff.warn_ratio}"',
        f"over_quota_lock_days = {tariff.over_quota_lock_days}",
        f"packs_survive_lapse = {'true' if tariff.packs_survive_lapse else 'false'}",
    ]
    for tier in tariff.tiers:
        lines.append("")
        lines.append("[[tiers]]")
        if tier.max_units is not None:
            lines.append(f"max_units = {tier.max_units}")
        lines.append(f'unit_price = "{tier.unit_price}"')
    return "\n".join(lines) + "\n"


def version_text(version: str, lang: str) -> str:
    """A tariff version in words: a named version (``published``) in ``lang`` (公布版 in zh),
    any other version string as written."""
    from smop_pricing.i18n import catalog, t

    return t(f"tariffver.{version}", lang) if f"tariffver.{version}" in catalog() else version


class Named(Protocol):
    """What names a tariff in words: a :class:`Tariff`, or a portfolio's totals under one."""

    @property
    def version(self) -> str: ...

    @property
    def published_on(self) -> dt.date | None: ...

    def display_name(self, lang: str) -> str: ...


def tariff_label(tariff: Named, lang: str) -> str:
    """The tariff in words with its date: never the bare version 'published'."""
    from smop_pricing.i18n import t

    if tariff.version == PUBLISHED_VERSION and tariff.published_on is not None:
        return t("quote.tariff_published", lang, name=tariff.display_name(lang),
                 day=tariff.published_on.isoformat())
    return t("quote.tariff_whatif", lang, name=tariff.display_name(lang), version=version_text(tariff.version, lang))
