"""The portfolio's columns: names, bounds, defaults and the priced table's layout."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from smop_pricing.pricing.rules import MAX_HELD_UNITS, MAX_MONTHS, MAX_USERS

# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------

NUMBER_COLUMNS = ("users", "months", "held_units")
"""The whole-number input columns; ``users`` is required, the other two have defaults."""

KNOWN_COLUMNS = ("customer", *NUMBER_COLUMNS)
"""Input columns recognized by name (case and surrounding spaces ignored)."""

BOUNDS: Mapping[str, tuple[int, int]] = MappingProxyType({
    "users": (0, MAX_USERS),
    "months": (1, MAX_MONTHS),
    "held_units": (0, MAX_HELD_UNITS),
})

DEFAULTS: Mapping[str, int] = MappingProxyType({"months": 1, "held_units": 0})
"""Values used when the column is absent (``months`` is then reported as assumed)."""

PRICE_COLUMNS = (
    "base_fee",
    "pack_units",
    "pack_rate",
    "pack_fee",
    "total",
    "capacity",
    "cheapest_pack_units",
    "cheapest_total",
    "saving",
)
"""The priced columns as written to CSV, in order (``against_`` + each for a second tariff)."""

MONEY_COLUMNS = frozenset({"base_fee", "pack_rate", "pack_fee", "total", "cheapest_total", "saving"})
AGAINST = "against_"
DIFFERENCE_COLUMNS = ("difference", "cheapest_difference")
"""Per customer, what-if minus published (literal totals / cheapest totals); money."""

ERROR_COLUMNS = ("line", "column", "value", "rule", "detail")
"""``PortfolioFrame.errors``: one row per problem; ``detail`` holds the rule's parameter."""

ERROR_TABLE_COLUMNS = ("line", "column", "value", "reason")
"""What :func:`error_table` returns and the errors file holds."""

ENCODINGS = ("utf-8", "utf-8-sig", "gbk")
"""Encodings read (and written back); "gbk" is decoded and encoded as GB18030, its superset."""

MAX_SYNTHETIC = 5_000_000
SAMPLE_BYTES = 1 << 20
BLOCK_BYTES = 1 << 20
_MAX_VALUE_CHARS = 200
_DIGITS = 15  # whole numbers up to 15 digits are exact in int64 and far past every bound

_CODEC = MappingProxyType({"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030"})
_ARROW_CODEC = MappingProxyType({"utf-8": "utf8", "utf-8-sig": "utf8", "gbk": "gb18030"})  # arrow skips a UTF-8 BOM

_OK, _EMPTY, _NOT_WHOLE, _RANGE = 0, 1, 2, 3
_RULE_OF_CODE = MappingProxyType({_EMPTY: "empty", _NOT_WHOLE: "not_whole", _RANGE: "range"})


def fen_column(name: str) -> str:
    """The priced table's name for output column ``name``: money columns carry ``_fen``."""
    base = name[len(AGAINST) :] if name.startswith(AGAINST) else name
    return f"{name}_fen" if base in MONEY_COLUMNS or base in DIFFERENCE_COLUMNS else name


def output_columns(against: bool = False) -> tuple[str, ...]:
    """The priced columns the CSV gets, after the input's own columns."""
    return PRICE_COLUMNS + (tuple(AGAINST + c for c in PRICE_COLUMNS) if against else ())


def _money_fen_columns() -> frozenset[str]:
    names = [*PRICE_COLUMNS, *(AGAINST + c for c in PRICE_COLUMNS), *DIFFERENCE_COLUMNS]
    return frozenset(fen_column(c) for c in names if fen_column(c) != c)


