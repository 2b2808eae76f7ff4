"""The portfolio section of the pricing review page, as data: what it prices, says and lists.

No streamlit here: ``smop_ui/portfolio_view.py`` draws what these functions return. Texts are
in ``data/i18n/portui.toml``. Money stays Decimal (or int64 fen inside the priced table) until
it is formatted for a cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import PurePath

import pandas as pd

from smop_pricing.errors import InputError
from smop_pricing.i18n import t
from smop_pricing.money import format_money, signed_money, signed_percent
from smop_pricing.portfolio import (
    ENCODINGS,
    Comparison,
    PortfolioFrame,
    ReadProgress,
    compare,
    empty_errors,
    encoding_label,
    error_table,
    synthetic_portfolio,
    within_limits,
)
from smop_pricing.portfolio.compare import ChangeGroup, change_groups, difference_fen
from smop_pricing.pricing.tariff import Tariff
from smop_pricing.safe_io import csv_text

MIN_SYNTHETIC_SIZE = 100
MAX_SYNTHETIC_SIZE = 1_000_000
DEFAULT_SYNTHETIC_SIZE = 10_000
MAX_SEED = 2**32 - 1
TOP = 10
"""Rows in the winners and the losers tables."""
BINS = 20
"""Most bins in the histogram of per-customer differences."""
MAX_ERROR_ROWS = 1_000
"""Problems listed on the page; the errors file has every one."""
MAX_LINES_NAMED = 10
"""Line numbers named in the sentence above the problems."""

SYNTHETIC = "synthetic"
UPLOAD = "upload"
SOURCES = (SYNTHETIC, UPLOAD)

CUSTOMER_COLUMNS = ("line", "customer", "users", "months", "held_units", "published", "whatif", "difference")
REVENUE_COLUMNS = ("purchase", "published", "whatif", "difference", "change")
ERROR_COLUMNS = ("line", "column", "value", "reason")


@dataclass(frozen=True, eq=False)
class PricedPortfolio:
    """A portfolio priced under the published and a what-if tariff.

    ``frame`` is the portfolio after :func:`~smop_pricing.portfolio.within_limits` under both
    tariffs (rows the engine cannot price under either have moved to its errors);
    ``comparison`` is on the literal basis (see :func:`~smop_pricing.portfolio.with_basis`).
    """

    frame: PortfolioFrame
    comparison: Comparison

    @property
    def unchanged(self) -> bool:
        """True when no customer's bill changes, on either basis."""
        table = self.comparison.table
        return not (difference_fen(table, "literal").any() or difference_fen(table, "cheapest").any())


def changes_on(comparison: Comparison, basis: str) -> bool:
    """True when some customer's bill changes on ``basis`` (literal or cheapest purchases)."""
    return bool(difference_fen(comparison.table, "literal" if basis == "literal" else "cheapest").any())


def synthetic_frame(size: int, seed: int) -> PortfolioFrame:
    """A made-up portfolio as if read from a file (no errors); ``source`` names size and seed."""
    return PortfolioFrame(
        rows=synthetic_portfolio(size, seed),
        errors=empty_errors(),
        encoding="utf-8",
        source=f"{SYNTHETIC}-{size}-{seed}",
    )


def price_portfolio(
    frame: PortfolioFrame, published: Tariff, whatif: Tariff, *, top: int = TOP, bins: int = BINS
) -> PricedPortfolio:
    """Price ``frame`` under both tariffs; rows neither can price go to the errors, not away."""
    usable = within_limits(frame, published, whatif)
    return PricedPortfolio(usable, compare(usable.rows, published, whatif, top=top, bins=bins))


# --- wording ------------------------------------------------------------------------------------


def percent_change(before: Decimal, after: Decimal) -> Decimal | None:
    """(after − before) / before in percent, to one decimal (None when ``before`` is 0)."""
    if before == 0:
        return None
    return ((after - before) * 100 / before).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def change_text(before: Decimal, after: Decimal, lang: str) -> str:
    """The change as money and percent: "+CNY 500 (+1.2%)"."""
    return f"{signed_money(after - before, lang)} ({signed_percent(percent_change(before, after))})"


REVENUE_ROWS = ("platform_year", "packs_literal", "packs_cheapest", "terms_literal", "terms_cheapest")
"""The revenue table's rows, each with its period: the platform fee for a year (recurring), pack purchases
(one-time, literal and cheapest), and the purchases as quoted (each customer's own term of 1–36 months)."""


def revenue_table(comparison: Comparison, lang: str) -> pd.DataFrame:
    """Revenue under both tariffs by period, as text (:data:`REVENUE_COLUMNS`, rows :data:`REVENUE_ROWS`)."""
    first, second = comparison.published, comparison.whatif
    before, after = comparison.periods
    amounts = {
        "platform_year": (before.platform_per_year, after.platform_per_year),
        "packs_literal": (before.packs_once, after.packs_once),
        "packs_cheapest": (before.cheapest_packs_once, after.cheapest_packs_once),
        "terms_literal": (first.total, second.total),
        "terms_cheapest": (first.cheapest_total, second.cheapest_total),
    }
    rows = []
    for name in REVENUE_ROWS:
        old, new = amounts[name]
        rows.append(
            {
                "purchase": t(f"portui.revenue_{name}", lang),
                "published": format_money(old, lang),
                "whatif": format_money(new, lang),
                "difference": signed_money(new - old, lang),
                "change": signed_percent(percent_change(old, new)),
            }
        )
    return pd.DataFrame(rows, columns=list(REVENUE_COLUMNS))


def group_delta(group: ChangeGroup, lang: str) -> str:
    """A group's share and sum: "31.5% · in all +CNY 44,679,000"."""
    return t("portui.group_delta", lang, share=f"{group.share}",
             amount=signed_money(group.amount, lang))


def summary_lines(comparison: Comparison, lang: str) -> list[str]:
    """The portfolio summary beside the review's editor: who pays more, less, the same, and the
    platform fee a year and the one-time packs under the what-if tariff (with the change)."""
    groups = change_groups(comparison.table)
    lines = [t("portui.summary_group", lang, label=t(f"portui.group_{side}", lang),
               count=f"{groups[side].customers:,}", delta=group_delta(groups[side], lang))
             for side in ("more", "less", "same")]
    before, after = comparison.periods
    for label, old, new in (("portui.platform_year_metric", before.platform_per_year, after.platform_per_year),
                            ("portui.packs_metric", before.packs_once, after.packs_once)):
        lines.append(t("portui.summary_money", lang, label=t(label, lang), amount=format_money(new, lang),
                       change=change_text(old, new, lang)))
    return lines


def customers_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A winners or losers frame for a page: the file's line, the customer, money as text.

    The customer's name is kept exactly as read (a page must show it as text, never markup).
    """
    data: dict[str, object] = {"line": frame.index.to_numpy()}
    if "customer" in frame.columns:
        data["customer"] = frame["customer"].astype("str").to_numpy()
    for column in ("users", "months", "held_units"):
        data[column] = frame[column].to_numpy()
    data["published"] = [format_money(v, lang) for v in frame["published"]]
    data["whatif"] = [format_money(v, lang) for v in frame["whatif"]]
    data["difference"] = [signed_money(v, lang) for v in frame["difference"]]
    return pd.DataFrame(data)


def column_labels(lang: str) -> dict[str, str]:
    """Shown names of the columns of :func:`customers_table`, :func:`revenue_table` and the errors."""
    names = {*CUSTOMER_COLUMNS, *REVENUE_COLUMNS, *ERROR_COLUMNS}
    return {name: t(f"portui.col_{name}", lang) for name in sorted(names)}


def source_line(frame: PortfolioFrame, lang: str) -> str:
    """Where the portfolio came from and how many rows were priced and not."""
    priced, rejected = f"{frame.priced_rows:,}", f"{frame.rejected_rows:,}"
    if frame.source.startswith(f"{SYNTHETIC}-"):
        _, size, seed = frame.source.rsplit("-", 2)
        return t("portui.from_synthetic", lang, count=f"{int(size):,}", seed=seed, priced=priced, rejected=rejected)
    return t(
        "portui.from_file",
        lang,
        source=frame.source,
        encoding=encoding_label(frame.encoding, lang),
        priced=priced,
        rejected=rejected,
    )


def notes(frame: PortfolioFrame, lang: str) -> list[str]:
    """Blank lines skipped and columns assumed: said, not silent."""
    lines = []
    if frame.blank_lines:
        lines.append(t("portui.blank_lines", lang, count=f"{frame.blank_lines:,}"))
    if "months" in frame.assumed:
        lines.append(t("portui.assumed_months", lang))
    return lines


def bad_rows_line(frame: PortfolioFrame, lang: str) -> str | None:
    """How many rows were not priced, on which lines (the first few); None when every row was priced."""
    if frame.errors.empty:
        return None
    lines = frame.errors["line"].drop_duplicates()
    shown = ", ".join(str(int(line)) for line in lines.head(MAX_LINES_NAMED))
    if len(lines) > MAX_LINES_NAMED:
        shown = t("portui.more_lines", lang, lines=shown)
    return t(
        "portui.bad_rows",
        lang,
        rejected=f"{frame.rejected_rows:,}",
        problems=f"{len(frame.errors):,}",
        lines=shown,
        priced=f"{frame.priced_rows:,}",
    )


def shown_errors(frame: PortfolioFrame, lang: str, limit: int = MAX_ERROR_ROWS) -> pd.DataFrame:
    """The first ``limit`` problems worded in ``lang`` (:data:`ERROR_COLUMNS`)."""
    return error_table(frame.errors.head(limit), lang)


def progress_text(progress: ReadProgress, lang: str) -> str:
    """The progress bar's words: rows read so far and the share of the file."""
    return t(
        "portui.reading_progress",
        lang,
        rows=f"{progress.rows_read:,}",
        percent=f"{progress.fraction:.0%}",
    )


def errors_csv_bytes(errors: pd.DataFrame, lang: str, encoding: str = "utf-8") -> bytes:
    """The errors file (``line, column, value, reason``, as ``reprice`` writes it) as bytes."""
    if encoding not in ENCODINGS:
        raise InputError("encoding", encoding, "portfolio_encoding_choice", choices=", ".join(ENCODINGS))
    text = csv_text(error_table(errors, lang))
    return text.encode("gb18030" if encoding == "gbk" else encoding)


def _stem(source: str) -> str:
    stem = PurePath(source.replace("\\", "/")).stem or "portfolio"
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in stem)


def priced_file_name(source: str) -> str:
    """``customers.csv`` -> ``customers-priced.csv``."""
    return f"{_stem(source)}-priced.csv"


def errors_file_name(source: str) -> str:
    """``customers.csv`` -> ``customers-errors.csv``."""
    return f"{_stem(source)}-errors.csv"
