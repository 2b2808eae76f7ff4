"""The billing page's printed figures as data (page_figures.toml) and how each kind of figure is written."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Literal, cast

from smop_pricing.i18n import t
from smop_pricing.money import format_money, format_users, users_text

FigureKind = Literal[
    "money", "price", "users", "months", "days", "date", "period", "range", "mode", "edition", "yesno"
]
KINDS: tuple[FigureKind, ...] = (
    "money", "price", "users", "months", "days", "date", "period", "range", "mode", "edition", "yesno"
)
SlipKind = Literal["arithmetic", "naming"]
SECTIONS = ("price_table", "e1", "e2", "renewal", "e3")
PRICE_USERS = 100_000  # the page quotes pack prices per 十万用户

FigureValue = (
    Decimal | int | bool | str | dt.date | None | tuple[int, int | None] | tuple[dt.date, dt.date | None]
)


@dataclass(frozen=True)
class Figure:
    """One figure of a kind (money in yuan, users, a date, ...), formatted per language."""

    kind: FigureKind
    value: FigureValue

    def format(self, lang: str) -> str:
        return _format(self.kind, self.value, lang)


Param = str | Figure


@dataclass(frozen=True)
class Reason:
    """One sentence of a row's explanation: an ``audit.*`` key and its parameters."""

    key: str
    params: tuple[tuple[str, Param], ...] = ()

    def text(self, lang: str) -> str:
        values = {name: value.format(lang) if isinstance(value, Figure) else value for name, value in self.params}
        return t(self.key, lang, **values)


@dataclass(frozen=True)
class Examples:
    """The inputs of the page's worked examples (``[examples]`` in page_figures.toml)."""

    e1_users: int
    e1_months: int
    e1_limit_users: int
    e2_users: int
    e3_start: dt.date
    e3_term_months: int
    e3_renewal: dt.date
    e3_renewal_months: int


@dataclass(frozen=True)
class PageFigure:
    """A figure as the page prints it."""

    id: str
    section: str
    quote: str
    figure: Figure
    slip: SlipKind | None = None
    derived: bool = False


@dataclass(frozen=True)
class PageData:
    examples: Examples
    figures: tuple[PageFigure, ...]

    def figure(self, figure_id: str) -> PageFigure:
        """The figure ``figure_id`` (KeyError for an unknown one)."""
        return {item.id: item for item in self.figures}[figure_id]


@dataclass(frozen=True)
class AuditRow:
    """The page's figure, the engine's, whether they agree, and why."""

    id: str
    section: str
    quote: str
    page_figure: Figure
    our_figure: Figure
    published_figure: Figure
    agrees: bool
    slip: SlipKind | None
    reasons: tuple[Reason, ...]
    derived: bool = False

    def item(self, lang: str) -> str:
        return t(f"audit.item_{self.id}", lang)

    def why(self, lang: str) -> str:
        return " ".join(reason.text(lang) for reason in self.reasons)

    @property
    def differs_from_published(self) -> bool:
        """True when the tariff under review gives another figure than the published one."""
        return self.our_figure != self.published_figure


# --- the page's data ----------------------------------------------------------------------------


def _figure(kind: str, value: object, where: str) -> Figure:
    if kind not in KINDS:
        raise ValueError(f"page_figures.toml {where}: unknown kind {kind!r}")
    known: FigureKind = kind
    if known in ("money", "price"):
        return Figure(known, Decimal(str(value)))
    if known in ("users", "months", "days"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"page_figures.toml {where}: {kind} must be a whole number")
        return Figure(known, value)
    if known == "date":
        if not isinstance(value, dt.date):
            raise ValueError(f"page_figures.toml {where}: date must be a TOML date")
        return Figure(known, value)
    if known == "period":
        items = list(cast(list[dt.date], value))
        return Figure(known, (items[0], items[1] if len(items) > 1 else None))
    if known == "range":
        bounds = [int(b) for b in cast(list[int], value)]
        return Figure(known, (bounds[0], bounds[1] if len(bounds) > 1 else None))
    if known == "yesno":
        return Figure(known, bool(value))
    return Figure(known, str(value))


@lru_cache(maxsize=1)
def page_data() -> PageData:
    """The page's printed figures and its examples' inputs, read once (immutable)."""
    text = resources.files("smop_pricing.data").joinpath("page_figures.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    ex = raw["examples"]
    examples = Examples(
        e1_users=int(ex["e1_users"]),
        e1_months=int(ex["e1_months"]),
        e1_limit_users=int(ex["e1_limit_users"]),
        e2_users=int(ex["e2_users"]),
        e3_start=ex["e3_start"],
        e3_term_months=int(ex["e3_term_months"]),
        e3_renewal=ex["e3_renewal"],
        e3_renewal_months=int(ex["e3_renewal_months"]),
    )
    figures: list[PageFigure] = []
    for index, item in enumerate(raw["figure"]):
        where = f"figure[{index}] {item.get('id', '?')}"
        if item["section"] not in SECTIONS:
            raise ValueError(f"page_figures.toml {where}: unknown section {item['section']!r}")
        slip = item.get("slip")
        if slip not in (None, "arithmetic", "naming"):
            raise ValueError(f"page_figures.toml {where}: unknown slip {slip!r}")
        figures.append(
            PageFigure(
                id=str(item["id"]),
                section=str(item["section"]),
                quote=str(item["quote"]),
                figure=_figure(str(item["kind"]), item["value"], where),
                slip=cast(SlipKind | None, slip),
                derived=bool(item.get("derived", False)),
            )
        )
    return PageData(examples, tuple(figures))


# --- formatting ---------------------------------------------------------------------------------


def _count(users: int, lang: str) -> str:
    """Users without the word: zh in 万 when round ("50万"), en with commas."""
    return users_text(users, lang)


def _format(kind: FigureKind, value: FigureValue, lang: str) -> str:
    if value is None:
        return "—"
    if kind == "money":
        return format_money(cast(Decimal, value), lang)
    if kind == "price":
        return t("audit.fmt_price", lang, money=format_money(cast(Decimal, value), lang))
    if kind == "users":
        return format_users(cast(int, value), lang)
    if kind == "months":
        return t("audit.fmt_months", lang, months=value)
    if kind == "days":
        return t("audit.fmt_days", lang, days=value) if value else t("audit.fmt_off", lang)
    if kind == "date":
        return cast(dt.date, value).isoformat()
    if kind == "period":
        start, end = cast(tuple[dt.date, dt.date | None], value)
        if end is None:
            return t("audit.fmt_period_open", lang, start=start.isoformat())
        return t("audit.fmt_period", lang, start=start.isoformat(), end=end.isoformat())
    if kind == "range":
        lo, hi = cast(tuple[int, int | None], value)
        if hi is None:
            return t("audit.fmt_range_over", lang, lo=_count(lo, lang))
        if lo == 0:
            return t("audit.fmt_range_upto", lang, hi=_count(hi, lang))
        return t("audit.fmt_range", lang, lo=_count(lo, lang), hi=_count(hi, lang))
    if kind == "yesno":
        return t("audit.yes" if value else "audit.no", lang)
    return t(f"audit.{kind}_{value}", lang)


