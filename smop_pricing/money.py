"""Money as Decimal at the edges and integer fen inside vectorized kernels; every text formatter.

Never float: values read from files go through ``str`` into ``Decimal``; a value
with more than two decimal places (finer than one fen) is refused by the caller.

One formatter per kind, used by every page, export and command:

- money ``format_money`` ("38,400 元" / "CNY 38,400"), a per-unit rate ``format_rate`` (two
  decimals), a change of money ``signed_money`` ("+CNY 500", "-CNY 8,000");
- percent ``format_percent`` / ``signed_percent`` ("90%", "+1.2%": no space before the sign);
- users ``users_text`` (zh "35万", "1亿", en "350,000") and ``format_users`` (with the word in en);
- exact yuan text of integer fen for files: ``yuan_text`` ("38400", "38400.50").

A negative amount is written with ASCII '-' everywhere (never U+2212): Streamlit colours a
metric's delta by its leading '-', and a spreadsheet reads '-' as a number.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MINUS = "-"
WAN = 10_000
YI = 100_000_000

FEN = Decimal("0.01")
ZERO = Decimal(0)


def to_fen(amount: Decimal) -> int:
    """Whole fen in ``amount`` (which must already be a multiple of one fen)."""
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_fen(fen: int) -> Decimal:
    """The yuan amount of ``fen`` as an exact Decimal (two places when needed)."""
    value = Decimal(int(fen)) / 100
    return value.quantize(FEN) if value != value.to_integral_value() else value.quantize(Decimal(1))


def quantize_fen(amount: Decimal) -> Decimal:
    """Round to the fen, half up, as a bill would."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def has_at_most_fen(amount: Decimal) -> bool:
    """True when ``amount`` needs no more than two decimal places."""
    return amount == amount.quantize(FEN)


def group(amount: Decimal) -> str:
    """'38400' -> '38,400'; '1234.5' -> '1,234.50'; whole amounts show no decimals."""
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{quantize_fen(amount):,.2f}"


def _currency(sign: str, text: str, lang: str) -> str:
    return f"{sign}{text} 元" if lang == "zh" else f"{sign}CNY {text}"


def format_money(amount: Decimal, lang: str) -> str:
    """docs/rules.md R10: zh '38,400 元', en 'CNY 38,400'."""
    return _currency(MINUS if amount < 0 else "", group(abs(amount)), lang)


def format_rate(amount: Decimal | None, lang: str, missing: str = "—") -> str:
    """A per-unit rate, always with two decimals so a column lines up: '40.40 元', 'CNY 35.00'."""
    if amount is None:
        return missing
    return _currency(MINUS if amount < 0 else "", f"{quantize_fen(abs(amount)):,.2f}", lang)


def signed_money(amount: Decimal, lang: str) -> str:
    """A change of money: "+CNY 500", "-CNY 8,000", "CNY 0" (zh "+500 元")."""
    return ("+" if amount > 0 else "") + format_money(amount, lang)


def format_percent(value: Decimal) -> str:
    """A percentage as written: Decimal('90') -> '90%', Decimal('12.50') -> '12.5%'."""
    return f"{value.normalize():f}%"


def signed_percent(value: Decimal | None) -> str:
    """A change in percent: "+1.2%", "-0.5%", "0.0%"; "—" when there is nothing to compare with."""
    if value is None:
        return "—"
    return f"{'+' if value > 0 else ''}{value:,}%"


def ratio_percent(ratio: Decimal) -> str:
    """A ratio as a percentage: Decimal('0.9') -> '90%'."""
    return format_percent(ratio * 100)


def users_text(users: int, lang: str) -> str:
    """A user count without a word: zh in 亿 or 万 when round ('1亿', '35万'), else '1,234,567'."""
    return (users_in_wan(users) if lang == "zh" else None) or f"{users:,}"


def _scaled(users: int, unit: int, places: int) -> str | None:
    """``users`` / ``unit`` with at most ``places`` decimals ('35', '35.5'), or None when finer."""
    if users % (unit // 10**places):
        return None
    whole, rest = divmod(users, unit)
    if not rest:
        return f"{whole:,}"
    return f"{whole:,}." + f"{rest:0{len(str(unit)) - 1}d}"[:places].rstrip("0")


def users_in_wan(users: int, places: int = 0) -> str | None:
    """A count in 亿 or 万 as Chinese readers write it: '35万', '35.5万', '1亿', '1.5亿'.

    亿 from 100,000,000 on (100,000,000 is '1亿', never '10,000万'); at most ``places``
    decimals; None when the count is under 10,000 or needs more decimals to be exact.
    """
    if users >= YI:
        text = _scaled(users, YI, max(places, 4))
        if text is not None:
            return f"{text}亿"
    if users >= WAN:
        text = _scaled(users, WAN, places)
        if text is not None:
            return f"{text}万"
    return None


def users_echo(users: int, lang: str) -> str:
    """What a user-count field understood: '= 350,000 用户（35万）', '= 350,000 users'."""
    if lang == "zh":
        wan = users_in_wan(users, places=4)
        return f"= {users:,} 用户（{wan}）" if wan else f"= {users:,} 用户"
    return f"= {users:,} users" if users != 1 else "= 1 user"


def format_users(users: int, lang: str) -> str:
    """docs/rules.md R10: zh '100万' (the count, in 万 or 亿 when round), en '1,000,000 users'."""
    return users_text(users, lang) if lang == "zh" else f"{users:,} users"


def users_axis_expr(lang: str) -> str:
    """The Vega label expression of a user axis: zh in 亿 / 万 from 10,000 on, en '1M' (SI)."""
    if lang != "zh":
        return "format(datum.value, '~s')"
    return (
        f"abs(datum.value) >= {YI} ? format(datum.value / {YI}, ',') + '亿'"
        f" : abs(datum.value) >= {WAN} ? format(datum.value / {WAN}, ',') + '万' : format(datum.value, ',')"
    )


def plan_text(plan: tuple[int, ...] | list[int]) -> str:
    """Purchase sizes in units as '11' or '6 + 5'."""
    return " + ".join(f"{units:,}" for units in plan)


def yuan_text(fen: npt.ArrayLike) -> pd.Series:
    """Exact yuan for integer fen, for files: int64 yuan when every value is whole, else text per value.

    Whole values are written as integers ("38400"), others with two decimals ("38400.50").
    """
    values = np.asarray(fen, dtype=np.int64)
    cents = np.abs(values) % 100
    if not cents.any():
        return pd.Series(values // 100, dtype="int64")
    negative = values < 0
    magnitude = np.abs(values)
    whole = pa.array(magnitude // 100).cast(pa.string())
    fraction = pc.utf8_lpad(pa.array(cents).cast(pa.string()), 2, "0")
    text = pc.if_else(pa.array(cents == 0), whole, pc.binary_join_element_wise(whole, fraction, "."))
    if negative.any():
        text = pc.if_else(pa.array(negative), pc.binary_join_element_wise(MINUS, text, ""), text)
    return pd.Series(text.to_pandas(), dtype="str")
