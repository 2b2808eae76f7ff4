"""Money as Decimal at the edges and integer fen inside vectorized kernels.

Never float: values read from files go through ``str`` into ``Decimal``; a value
with more than two decimal places (finer than one fen) is refused by the caller.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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


def format_money(amount: Decimal, lang: str) -> str:
    """docs/rules.md R10: zh '38,400 元', en 'CNY 38,400'."""
    sign = "-" if amount < 0 else ""
    text = group(abs(amount))
    return f"{sign}{text} 元" if lang == "zh" else f"{sign}CNY {text}"


def format_rate(amount: Decimal | None, lang: str, missing: str = "—") -> str:
    """A per-unit rate, always with two decimals so a column lines up: '40.40 元', 'CNY 35.00'."""
    if amount is None:
        return missing
    sign = "-" if amount < 0 else ""
    text = f"{quantize_fen(abs(amount)):,.2f}"
    return f"{sign}{text} 元" if lang == "zh" else f"{sign}CNY {text}"


WAN = 10_000
YI = 100_000_000


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
    """docs/rules.md R10: zh shows 万 or 亿 for round counts ('100万', '1亿'), en '1,000,000 users'."""
    if lang == "zh":
        return users_in_wan(users) or f"{users:,}"
    return f"{users:,} users"
