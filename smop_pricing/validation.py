"""Validation in one place: whole numbers as people write them, blanks, and the named limits.

Every way a number enters the project (the pages' inputs, URL parameters, the command line,
the portfolio CSV, scenario and forecast files) reads it here, so ``35万`` means 350,000
everywhere and a value we cannot read is refused with the same message everywhere.

``parse_count`` reads a count the way people write it:

- digits, with or without thousands separators: ``1000000``, ``1,000,000``, ``1 000 000``;
- full-width digits and punctuation (``１００万``, ``１，０００``): read after NFKC normalization;
- a decimal part when a multiplier makes it whole: ``35.5万`` is 355,000;
- multipliers: ``万`` / ``w`` (10,000), ``亿`` (100,000,000), ``千`` / ``k`` (1,000),
  ``十万`` (100,000), ``百万`` / ``M`` (1,000,000), ``千万`` (10,000,000);
- scientific notation: ``1e6``;
- an optional unit word after it: ``用户``, ``人``, ``users``.

Anything else is refused (never guessed): ``1,00`` (a separator not grouping thousands),
``1.23456万`` (12,345.6 is not a whole number), ``abc``. Each refusal is an
:class:`~smop_pricing.errors.InputError` naming the field, the value and the bounds.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from smop_pricing.errors import InputError

# ---------------------------------------------------------------------------------------------
# Named limits (one place; the pages, the CLI and the readers import them from here)
# ---------------------------------------------------------------------------------------------

MAX_USERS = 100_000_000
MAX_MONTHS = 120
MAX_HELD_UNITS = 10_000
MAX_NEED_UNITS = 20_000
MAX_TERM_MONTHS = 36  # the quote page offers terms of 1 to 36 months; the engine accepts MAX_MONTHS
MAX_NUMBER_CHARS = 40  # longer text is not a count anyone typed

MULTIPLIERS = MappingProxyType(
    {
        "": 1,
        "k": 1_000,
        "千": 1_000,
        "w": 10_000,
        "万": 10_000,
        "十万": 100_000,
        "m": 1_000_000,
        "百万": 1_000_000,
        "千万": 10_000_000,
        "亿": 100_000_000,
        "b": 1_000_000_000,
    }
)

_UNIT_WORDS = ("用户", "人", "users", "user")
_NUMBER = re.compile(
    r"(?P<sign>[+-]?)"
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?"
    r"(?P<frac>\.[0-9]+)?"
    r"(?:e(?P<exp>[+-]?[0-9]{1,3}))?"
    r"(?P<mult>千万|百万|十万|[千万亿kmbw])?",
    re.ASCII,
)


def is_blank(value: object) -> bool:
    """True for None and for text that is empty or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def _bounds(minimum: int, maximum: int) -> dict[str, str]:
    return {"minimum": f"{minimum:,}", "maximum": f"{maximum:,}"}


def check_range(field: str, value: int, minimum: int, maximum: int, shown: object = None) -> int:
    """``value`` when ``minimum <= value <= maximum``; else an InputError naming the bounds."""
    if not minimum <= value <= maximum:
        raise InputError(field, value if shown is None else shown, "range", **_bounds(minimum, maximum))
    return value


def normalize_number_text(text: str) -> str:
    """NFKC (full-width to ASCII), lower case, spaces, underscores and a trailing unit word removed."""
    cleaned = unicodedata.normalize("NFKC", text).strip().lower()
    cleaned = re.sub(r"[\s_\u00a0\u3000]", "", cleaned)
    for word in _UNIT_WORDS:
        if cleaned.endswith(word) and len(cleaned) > len(word):
            cleaned = cleaned[: -len(word)]
            break
    return cleaned


def read_decimal_count(text: str) -> Decimal | None:
    """The number ``text`` writes (multiplier applied), or None when it is not a number we read."""
    if len(text) > MAX_NUMBER_CHARS or any(unicodedata.category(c) == "No" for c in text):
        return None  # '²', '½', '①' would pass NFKC as other numbers: refused, not guessed
    match = _NUMBER.fullmatch(normalize_number_text(text))
    if match is None or (match["int"] is None and match["frac"] is None):
        return None
    digits = (match["int"] or "0").replace(",", "") + (match["frac"] or "")
    try:
        number = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None
    if match["exp"]:
        number = number.scaleb(int(match["exp"]))
    number *= MULTIPLIERS[match["mult"] or ""]
    return -number if match["sign"] == "-" else number


def parse_count(field: str, text: object, minimum: int, maximum: int) -> int:
    """A whole number written as people write it (see the module's notes), within bounds.

    Refusals: ``whole_number`` for text that is not a number or not whole, ``range`` for a
    value outside ``minimum`` … ``maximum``. A Python int is checked against the bounds only.
    """
    if isinstance(text, bool):
        raise InputError(field, text, "whole_number", **_bounds(minimum, maximum))
    if isinstance(text, int):
        return check_range(field, text, minimum, maximum)
    if not isinstance(text, str):
        raise InputError(field, text, "whole_number", **_bounds(minimum, maximum))
    number = read_decimal_count(text)
    if number is None or number != number.to_integral_value():
        raise InputError(field, text.strip(), "whole_number", **_bounds(minimum, maximum))
    if not Decimal(minimum) <= number <= Decimal(maximum):
        raise InputError(field, text.strip(), "range", **_bounds(minimum, maximum))
    return int(number)


def parse_users(text: object, field: str = "users", maximum: int = MAX_USERS) -> int:
    """A user count (0 … 100,000,000 by default) as people write it: ``35万``, ``1,000,000``, ``2.5M``."""
    return parse_count(field, text, 0, maximum)
