"""A forecast: consecutive calendar months, each with the most users operated that month (R11).

Made from a shape (``linear`` or ``compound`` growth from one count to another), from rows
(a month-by-month table), or read from CSV text with columns ``month`` (YYYY-MM) and ``users``
(a count as people write it: ``35万``, ``1,000,000``, ``2.5M``). Every problem is an
:class:`~smop_pricing.errors.InputError` naming the row (``rows[3].users``: line 3 of the file,
the header being line 1) and the rule.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from dateutil.relativedelta import relativedelta

from smop_pricing.errors import InputError
from smop_pricing.validation import MAX_MONTHS, MAX_USERS, is_blank, parse_users, size_text

Shape = Literal["linear", "compound"]
SHAPES: tuple[Shape, ...] = ("linear", "compound")
MAX_CSV_BYTES = 200_000
MIN_START = date(2000, 1, 1)
MAX_START = date(2090, 12, 1)
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


@dataclass(frozen=True)
class Forecast:
    """``users[m]`` is the most users in month m (0 = the month starting on ``start``)."""

    start: date
    users: tuple[int, ...]

    @property
    def months(self) -> int:
        return len(self.users)

    def month_start(self, m: int) -> date:
        return add_months(self.start, m)

    def label(self, m: int) -> str:
        return month_label(self.month_start(m))

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.label(m) for m in range(self.months))

    @property
    def end(self) -> date:
        """The first day after the forecast."""
        return self.month_start(self.months)

    @property
    def peak(self) -> int:
        return max(self.users)


def add_months(day: date, months: int) -> date:
    """``day + relativedelta(months=months)``; by arithmetic when the day is in every month (1 to 28):
    the planner asks for some thousand month starts a run."""
    if day.day > 28:
        return day + relativedelta(months=months)
    years, month = divmod(day.month - 1 + months, 12)
    return date(day.year + years, month + 1, day.day)


def month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: object, field: str = "start") -> date:
    """``YYYY-MM`` (or ``YYYY-M``) as the first day of that month, within 2000-01 .. 2090-12."""
    if not isinstance(text, str):
        raise InputError(field, repr(text), "plan_month")
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise InputError(field, text.strip()[:40], "plan_month")
    day = date(int(match[1]), int(match[2]), 1)
    if not MIN_START <= day <= MAX_START:
        raise InputError(field, text.strip(), "plan_month_range", minimum="2000-01", maximum="2090-12")
    return day


def check_months(months: int, field: str = "months") -> int:
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise InputError(field, months, "range", minimum="1", maximum=f"{MAX_MONTHS:,}")
    return months


def _check_start(start: date) -> date:
    if start.day != 1 or not MIN_START <= start <= MAX_START:
        raise InputError("start", start.isoformat(), "plan_month_range", minimum="2000-01", maximum="2090-12")
    return start


def linear_users(first: int, last: int, months: int) -> tuple[int, ...]:
    """Month m: ``first + floor((last - first) * m / (months - 1))`` (the issue's reading)."""
    if months == 1:
        return (first,)
    return tuple(first + (last - first) * m // (months - 1) for m in range(months))


def compound_users(first: int, last: int, months: int) -> tuple[int, ...]:
    """A constant monthly growth rate from ``first`` to ``last`` (both kept exactly), rounded up.

    ``first`` must be above zero (no rate grows 0 into anything).
    """
    if months == 1:
        return (first,)
    if first <= 0:
        raise InputError("from", first, "plan_compound_zero")
    ratio = Decimal(last) / Decimal(first)
    users = [first]
    for m in range(1, months - 1):
        value = Decimal(first) * ratio ** (Decimal(m) / Decimal(months - 1))
        users.append(min(MAX_USERS, int(value.to_integral_value(rounding="ROUND_CEILING"))))
    users.append(last)
    return tuple(users)


def shaped(start: date, first: int, last: int, months: int, shape: str = "linear") -> Forecast:
    """A forecast of ``months`` months from ``first`` to ``last`` users in ``shape``."""
    _check_start(start)
    check_months(months)
    for field, value in (("from", first), ("to", last)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_USERS:
            raise InputError(field, value, "range", minimum="0", maximum=f"{MAX_USERS:,}")
    if shape not in SHAPES:
        raise InputError("shape", shape, "plan_shape", shapes=", ".join(SHAPES))
    users = linear_users(first, last, months) if shape == "linear" else compound_users(first, last, months)
    return Forecast(start, users)


def from_rows(rows: Iterable[tuple[object, object]], first_line: int = 2) -> Forecast:
    """A forecast from (month, users) pairs as typed; months must follow one another.

    ``first_line`` is the line (or row) number of the first pair, used in messages.
    """
    months: list[date] = []
    users: list[int] = []
    line = first_line - 1
    for line, (month_cell, users_cell) in enumerate(rows, start=first_line):
        if is_blank(month_cell) and is_blank(users_cell):
            continue
        if len(months) >= MAX_MONTHS:
            raise InputError(f"rows[{line}]", "", "plan_too_long", maximum=f"{MAX_MONTHS:,}")
        month = parse_month(month_cell if not isinstance(month_cell, date) else month_label(month_cell),
                            f"rows[{line}].month")
        if is_blank(users_cell):
            raise InputError(f"rows[{line}].users", "", "missing")
        count = parse_users(_cell_text(users_cell), field=f"rows[{line}].users")
        if months:
            expected = months[-1] + relativedelta(months=1)
            if month == months[-1] or month in months:
                raise InputError(f"rows[{line}].month", month_label(month), "plan_month_repeat")
            if month != expected:
                raise InputError(f"rows[{line}].month", month_label(month), "plan_month_gap",
                                 expected=month_label(expected))
        months.append(month)
        users.append(count)
    if not months:
        raise InputError("forecast", "", "plan_empty")
    return Forecast(months[0], tuple(users))


def _cell_text(value: object) -> object:
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            return repr(value)
        return int(value)
    return value


def read_forecast_csv(data: bytes | str) -> Forecast:
    """The forecast in CSV text (UTF-8, a BOM allowed, or GBK) with a header naming ``month`` and ``users``."""
    if isinstance(data, bytes):
        if len(data) > MAX_CSV_BYTES:
            raise InputError("forecast", f"{len(data):,} bytes", "file_large", limit=size_text(MAX_CSV_BYTES))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:  # what spreadsheets in Chinese export
                text = data.decode("gbk")
            except UnicodeDecodeError:
                raise InputError("forecast", "", "not_utf8") from None
    else:
        text = data.removeprefix("\ufeff")
        if len(text) > MAX_CSV_BYTES:
            raise InputError("forecast", f"{len(text):,}", "file_large", limit=size_text(MAX_CSV_BYTES))
    if "\x00" in text:
        raise InputError("forecast", "", "not_utf8")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise InputError("forecast", "", "plan_empty")
        names = [cell.strip().lower() for cell in header]
        if "month" not in names or "users" not in names:
            raise InputError("forecast", ",".join(header)[:60], "plan_columns")
        at_month, at_users = names.index("month"), names.index("users")
        pairs: list[tuple[object, object]] = []
        for row in reader:
            pairs.append((row[at_month] if at_month < len(row) else "", row[at_users] if at_users < len(row) else ""))
    except csv.Error as exc:
        raise InputError("forecast", str(exc)[:60], "plan_csv") from None
    return from_rows(pairs, first_line=2)


def forecast_csv(forecast: Forecast) -> str:
    """The CSV text :func:`read_forecast_csv` reads back to an equal forecast."""
    lines = ["month,users"] + [f"{label},{users}" for label, users in zip(forecast.labels, forecast.users, strict=True)]
    return "\n".join(lines) + "\n"


def scaled(forecast: Forecast, percent: int) -> Forecast:
    """Every month's users times (100 + percent) / 100, rounded up, within 0 .. MAX_USERS."""
    users = tuple(min(MAX_USERS, max(0, -(-u * (100 + percent) // 100))) for u in forecast.users)
    return Forecast(forecast.start, users)


def same_months(forecasts: Sequence[Forecast]) -> None:
    """Forecasts compared under uncertainty must cover the same months."""
    first = forecasts[0]
    for index, other in enumerate(forecasts[1:], start=1):
        if other.start != first.start or other.months != first.months:
            raise InputError(f"forecasts[{index}]", other.label(0), "plan_forecasts_differ")
