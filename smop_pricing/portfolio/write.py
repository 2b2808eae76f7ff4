"""Writing a priced portfolio and its errors: exact yuan text, the input's encoding."""

from __future__ import annotations

import io
import os
from typing import IO

import pandas as pd

from smop_pricing.errors import InputError
from smop_pricing.i18n import t
from smop_pricing.money import yuan_text
from smop_pricing.portfolio.columns import _CODEC, BOUNDS, ENCODINGS, _money_fen_columns
from smop_pricing.pricing.rules import MAX_NEED_UNITS
from smop_pricing.safe_io import csv_text, has_carriage_return, write_bytes_atomic

# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def output_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The priced table as written: ``*_fen`` money columns become yuan columns without the suffix."""
    money = _money_fen_columns()
    frame = table.reset_index(drop=True)
    data: dict[str, pd.Series] = {}
    for column in frame.columns:
        series = frame[column]
        if column in money and series.dtype.kind in "iu":
            data[str(column)[: -len("_fen")]] = yuan_text(series.to_numpy())
        else:
            data[str(column)] = series
    return pd.DataFrame(data, copy=False)


def _codec(encoding: str) -> str:
    if encoding not in _CODEC:
        raise InputError("encoding", encoding, "portfolio_encoding_choice", choices=", ".join(ENCODINGS))
    return _CODEC[encoding]


def write_priced_csv(
    table: pd.DataFrame, dest: str | os.PathLike[str] | IO[str], encoding: str = "utf-8"
) -> None:
    """Write the priced table as CSV (see :func:`output_frame`); ``encoding`` one of ENCODINGS.

    Text cells are made inert for spreadsheets and a path is written atomically (safe_io).
    """
    _put(dest, csv_text(output_frame(table)), _codec(encoding))


def priced_csv_bytes(table: pd.DataFrame, encoding: str = "utf-8", chunk_rows: int = 100_000) -> bytes:
    """The CSV of :func:`write_priced_csv` as bytes (for a download button).

    Written ``chunk_rows`` at a time, so the text of the whole table never exists beside its
    bytes (the peak is about twice the file, not five times).
    """
    codec = _codec(encoding)
    terminator = "\r\n" if has_carriage_return(table) else "\n"
    out = io.BytesIO()
    for start in range(0, max(len(table), 1), chunk_rows):
        part = output_frame(table.iloc[start : start + chunk_rows])
        out.write(csv_text(part, terminator, header=start == 0).encode(codec))
    return out.getvalue()


def write_errors_csv(
    errors: pd.DataFrame, dest: str | os.PathLike[str] | IO[str], lang: str, encoding: str = "utf-8"
) -> None:
    """Write :func:`error_table` as CSV: ``line, column, value, reason``."""
    _put(dest, csv_text(error_table(errors, lang)), _codec(encoding))


def _put(dest: str | os.PathLike[str] | IO[str], text: str, codec: str) -> None:
    if isinstance(dest, (str, os.PathLike)):
        data = text.encode(codec)
        write_bytes_atomic(dest, data)
    else:
        dest.write(text)


def error_table(errors: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The problems worded in ``lang``: columns ``line, column, value, reason``."""
    keys = errors[["rule", "column", "detail"]].drop_duplicates()
    wording: dict[tuple[str, str, str], str] = {}
    for rule, column, detail in keys.itertuples(index=False):
        wording[(rule, column, detail)] = _reason(str(rule), str(column), str(detail), lang)
    reasons = [wording[key] for key in zip(errors["rule"], errors["column"], errors["detail"], strict=True)]
    return pd.DataFrame(
        {
            "line": errors["line"].astype("int64"),
            "column": errors["column"].astype("str"),
            "value": errors["value"].astype("str"),
            "reason": pd.Series(reasons, dtype="str", index=errors.index),
        }
    )


def _reason(rule: str, column: str, detail: str, lang: str) -> str:
    if rule == "range":
        low, high = BOUNDS[column]
        return t("portfolio.reason_range", lang, minimum=f"{low:,}", maximum=f"{high:,}")
    if rule == "fields":
        actual, expected = detail.split("/")
        return t("portfolio.reason_fields", lang, actual=actual, expected=expected)
    if rule == "too_many_units":
        return t("portfolio.reason_too_many_units", lang, maximum=f"{MAX_NEED_UNITS:,}", tariff=detail)
    return t(f"portfolio.reason_{rule}", lang)
