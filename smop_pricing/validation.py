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

import contextlib
import math
import numbers
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType

from smop_pricing.errors import InputError, SmopError

# ---------------------------------------------------------------------------------------------
# Named limits (one place; the pages, the CLI and the readers import them from here)
# ---------------------------------------------------------------------------------------------

MAX_USERS = 100_000_000
MAX_MONTHS = 120
MAX_HELD_UNITS = 10_000
MAX_NEED_UNITS = 20_000
MAX_TERM_MONTHS = 36  # the quote page offers terms of 1 to 36 months; the engine accepts MAX_MONTHS
MAX_LOCK_DAYS = 3_650  # the over-quota lock setting: ten years of days at the most
MAX_TIER_UNITS = 1_000_000  # a tier's upper bound in units
MAX_FILE_BYTES = 1_000_000  # a tariff, scenario or forecast file read whole (bounded: read(limit + 1))
MAX_NAME_CHARS = 200  # a tariff's name, version or other label
MAX_TARIFF_REF_CHARS = 1_000  # a scenario's reference to its tariff
MAX_NUMBER_CHARS = 40  # longer text is not a count anyone typed
MAX_READ_WHOLE = 10**15  # read_whole reads no larger magnitude (int64 and every bound stay far above)

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
    r"(?P<frac>\.[0-9]+|(?<=[0-9])\.)?"  # "5." (a trailing point, as a spreadsheet may write) is 5
    r"(?:e(?P<exp>[+-]?[0-9]{1,3}))?"
    r"(?P<mult>千万|百万|十万|[千万亿kmbw])?",
    re.ASCII,
)


def is_blank(value: object) -> bool:
    """True for a missing value (:func:`is_missing`) and for text that is empty or only spaces."""
    return not value.strip() if isinstance(value, str) else is_missing(value)


def is_missing(value: object) -> bool:
    """True for None and a missing cell (NaN, NaT, pandas' NA); text, even blank, is not missing."""
    if value is None:
        return True
    if isinstance(value, str):
        return False
    if type(value).__name__ == "NAType":  # pandas.NA: its comparisons give NA, not a bool
        return True
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError, ArithmeticError):
        return False


def _is_whole_real(value: object) -> bool:
    """A float or Decimal holding a finite whole number (12.0, Decimal('1E+3'))."""
    if isinstance(value, Decimal):
        return value.is_finite() and value == value.to_integral_value()
    return isinstance(value, float) and math.isfinite(value) and value.is_integer()


def whole_value(
    field: str,
    value: object,
    minimum: int,
    maximum: int,
    *,
    error: type[SmopError] = InputError,
    whole_reals: bool = False,
) -> int:
    """A whole number given as a number (not text), within bounds, as an int.

    ``value`` is an int (a numpy integer too; never a bool), or with ``whole_reals`` also a
    float or Decimal holding a whole number (12.0). Refusals are ``error(field, value,
    "whole_number" | "range", minimum, maximum)``. A whole real is checked against the bounds
    before ``int()``: 1.23E+1470154027781814 is whole and would take all memory.
    """
    if type(value) is int and minimum <= value <= maximum:  # the engine's every call: no ABC check
        return value
    if whole_reals and _is_whole_real(value):
        assert isinstance(value, (float, Decimal))
        if not minimum <= value <= maximum:
            raise error(field, str(value), "range", **_bounds(minimum, maximum))
        return int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise error(field, value, "whole_number", **_bounds(minimum, maximum))
    number = int(value)
    if not minimum <= number <= maximum:
        raise error(field, number, "range", **_bounds(minimum, maximum))
    return number


def ratio_value(field: str, value: object, error: type[SmopError] = InputError) -> Decimal:
    """A ratio in (0, 1] (the warning level, 0.9 = 90 %) from a number or its text, as an exact Decimal.

    A bool, a non-number or a value outside (0, 1] is ``error(field, value, "ratio")``.
    """
    ratio = Decimal("NaN")
    if isinstance(value, (str, int, float, Decimal)) and not isinstance(value, bool):
        with contextlib.suppress(InvalidOperation):
            ratio = Decimal(str(value).strip())
    if not ratio.is_finite() or not 0 < ratio <= 1:
        raise error(field, value, "ratio")
    return ratio


def parse_digits(field: str, text: object, minimum: int, maximum: int) -> int:
    """A whole number in plain digits within bounds: the strict form of command-line flags and links.

    Decimal digits (full-width too), an optional leading minus, ``,`` or ``_`` between digits;
    no multipliers, exponents or plus sign. Superscripts like '²' count as digits to
    ``str.isdigit`` but not to ``int``, and thousands of digits are more than ``int`` converts:
    both are refused here (``whole_number`` / ``range`` naming the bounds), never crashed on.
    """
    bounds = _bounds(minimum, maximum)
    if not isinstance(text, str):  # argparse gives a list for `--users=--`
        raise InputError(field, " ".join(map(str, text)) if isinstance(text, list) else text, "whole_number", **bounds)
    stripped = text.strip().replace("_", "").replace(",", "")
    digits = stripped.removeprefix("-")
    if not digits.isdecimal():
        raise InputError(field, text, "whole_number", **bounds)
    if len(digits.lstrip("0")) > len(str(max(abs(minimum), abs(maximum)))):
        raise InputError(field, text, "range", **bounds)
    return check_range(field, int(stripped), minimum, maximum)


def read_whole(text: str) -> int | None:
    """The whole number ``text`` writes as people write it (``35万``, ``1,000``), or None.

    For readers that check the bounds themselves (a tariff editor's cell, a CSV value).
    """
    number = read_decimal_count(text)
    if number is None or number != number.to_integral_value() or abs(number) > MAX_READ_WHOLE:
        return None
    return int(number)


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


def read_bounded(path: Path, fail: Callable[..., SmopError], limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the file at ``path``, reading at most ``limit`` + 1 (the file may be huge or endless).

    ``fail(rule, **params)`` makes the caller's error: ``unreadable`` (with ``reason``),
    ``not_regular_file`` (a FIFO, a device, a folder: refused before it is opened) or
    ``file_large`` (with ``limit``, "1 MB"). ``-`` reads standard input.
    """
    from smop_pricing.safe_io import read_input  # regular files only ('-': standard input); see safe_io

    data = read_input(path, limit, lambda rule, reason: fail(rule, reason=reason), allow_stdin=True)
    if len(data) > limit:
        raise fail("file_large", limit=size_text(limit))
    return data


def size_text(limit: int) -> str:
    """A byte limit as a refusal names it: 1,000,000 -> '1 MB', 200,000 -> '200 KB'."""
    return f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit / 1_000:g} KB"
