"""A portfolio's number columns: cells read as whole numbers, vectorized, with a code per cell."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from smop_pricing.errors import InputError
from smop_pricing.portfolio.columns import (
    _DIGITS,
    _EMPTY,
    _NOT_WHOLE,
    _OK,
    _RANGE,
)
from smop_pricing.pricing.rules import IntArray
from smop_pricing.validation import parse_count


def _numpy(array: Any, dtype: Any) -> Any:
    """An arrow array as a numpy array of ``dtype``."""
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=dtype)


def _is_empty(column: Any) -> Any:
    return pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(column)), 0)


def parse_whole_numbers(
    column: Any, minimum: int, maximum: int, default: int | None = None
) -> tuple[IntArray, npt.NDArray[np.int8]]:
    """Text to whole numbers, vectorized: the values (0 where bad) and a problem code per value.

    Accepted: digits with an optional sign, thousands commas ("1,000,000") and a zero fraction
    ("12.0"), with spaces around. An empty value is ``default`` when one is given.
    """
    array = column if isinstance(column, (pa.Array, pa.ChunkedArray)) else pa.array(column, pa.string())
    plain_digits = len(array) and pc.all(pc.ascii_is_decimal(array)).as_py()
    if plain_digits and pc.max(pc.utf8_length(array)).as_py() <= _DIGITS:
        values = np.asarray(pc.cast(array, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)
        codes = np.where((values < minimum) | (values > maximum), _RANGE, _OK).astype(np.int8)
        return values, codes
    text = pc.utf8_trim_whitespace(array)
    empty = np.asarray(pc.equal(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False), dtype=bool)
    plain = pc.match_substring_regex(text, r"^[+-]?[0-9]+(\.0*)?$")
    grouped = pc.match_substring_regex(text, r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.0*)?$")
    well_formed = pc.or_(plain, grouped)
    digits = pc.replace_substring_regex(text, r"[+,]|\.0*$", "")
    fits = pc.less_equal(pc.utf8_length(pc.replace_substring(digits, "-", "")), _DIGITS)
    castable = pc.and_(well_formed, fits)
    values = np.array(pc.cast(pc.if_else(castable, digits, "0"), pa.int64()).to_numpy(zero_copy_only=False))
    ok_form = np.asarray(well_formed.to_numpy(zero_copy_only=False), dtype=bool)
    ok_fit = np.asarray(castable.to_numpy(zero_copy_only=False), dtype=bool)
    codes = np.full(len(values), _OK, dtype=np.int8)
    codes[~ok_form] = _NOT_WHOLE
    codes[ok_form & (~ok_fit | (values < minimum) | (values > maximum))] = _RANGE
    if default is not None:
        values[empty] = default
        codes[empty] = _OK
    else:
        codes[empty] = _EMPTY
    values[codes != _OK] = 0
    return values, codes


def reread_written_counts(
    column: Any, values: IntArray, codes: npt.NDArray[np.int8], minimum: int, maximum: int, field: str = "users"
) -> None:
    """In place: the values ``parse_whole_numbers`` refused as not whole, read again as people write
    counts (``validation.parse_count``: 35万, 2.5M, 1e6, full-width digits).

    Only those rows go through the scalar parser, so a file of plain digits keeps the vectorized
    speed. A count it reads within bounds becomes valid; one beyond them is out of range.
    """
    rows = np.flatnonzero(codes == _NOT_WHOLE)
    if not rows.size:
        return
    array = column if isinstance(column, (pa.Array, pa.ChunkedArray)) else pa.array(column, pa.string())
    for row, text in zip(rows.tolist(), pc.take(array, pa.array(rows)).to_pylist(), strict=True):
        try:
            values[row] = parse_count(field, text, minimum, maximum)
        except InputError as exc:
            codes[row] = _RANGE if exc.rule == "range" else _NOT_WHOLE
        else:
            codes[row] = _OK


