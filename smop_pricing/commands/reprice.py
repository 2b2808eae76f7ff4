"""``reprice``: price every customer of a CSV under a tariff (and optionally a second one).

Writes the input columns plus the priced columns (``portfolio.PRICE_COLUMNS``, and the
same with ``against_`` for ``--against``), the rejected rows with their reasons to an
errors file when there are any, and a summary of totals on stdout.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from smop_pricing import jsonout
from smop_pricing.cli import add_json_option, add_tariff_option
from smop_pricing.errors import InputError, PortfolioError
from smop_pricing.i18n import t
from smop_pricing.money import format_money, signed_money
from smop_pricing.portfolio import (
    AGAINST,
    ENCODINGS,
    PortfolioFrame,
    TariffTotals,
    encoding_label,
    price_table,
    read_portfolio,
    replaced_columns,
    totals,
    within_limits,
    write_errors_csv,
    write_priced_csv,
)
from smop_pricing.pricing.tariff import load_tariff, published_tariff, tariff_label
from smop_pricing.safe_io import STDIN, os_reason, same_file

HELP = "reprice a CSV of customers: literal and cheapest purchases per customer, with totals"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="IN.csv",
                        help="customers: users (required), months, held_units ('-' reads standard input)")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.csv", help="the priced CSV to write")
    add_tariff_option(parser, "a what-if tariff TOML file (default: the published one)")
    parser.add_argument(
        "--against", metavar="FILE", help="a second tariff TOML: adds the against_ columns (default: none)"
    )
    parser.add_argument(
        "--errors", metavar="FILE", help="where rejected rows go (default: OUT with .errors.csv)"
    )
    parser.add_argument(
        "--encoding",
        choices=ENCODINGS,
        help="encoding of the written files (default: the input's own)",
    )
    add_json_option(parser, "a JSON summary on stdout instead of the text")


def default_errors_path(output: Path) -> Path:
    """``out.csv`` -> ``out.errors.csv``."""
    return output.with_suffix(".errors.csv")


def _same(a: Path, b: Path) -> bool:
    return same_file(a, b)


def _write(path: Path, action: Any) -> None:
    """Write through safe_io.write_atomic (via the writer): on failure the old file is kept."""
    try:
        action(path)
    except (OSError, ValueError) as exc:
        raise PortfolioError(str(path), "", "unwritable", reason=os_reason(exc)) from None


def _tariff_lines(label: str, sums: TariffTotals, lang: str) -> list[str]:
    return [
        t("portfolio.summary_tariff", lang, label=t(f"portfolio.{label}", lang), tariff=tariff_label(sums, lang)),
        t("portfolio.summary_literal", lang, total=format_money(sums.total, lang),
          base=format_money(sums.base_fee, lang), packs=format_money(sums.pack_fee, lang)),
        t("portfolio.summary_cheapest", lang, total=format_money(sums.cheapest_total, lang),
          saving=format_money(sums.saving, lang)),
    ]


@dataclass(frozen=True)
class Repriced:
    """What a run read, priced and wrote: the summary's facts."""

    frame: PortfolioFrame
    first: TariffTotals
    second: TariffTotals | None
    output: Path
    errors_path: Path | None
    replaced: list[str]


def render_text(done: Repriced, lang: str) -> str:
    frame, first, second, errors_path, replaced = done.frame, done.first, done.second, done.errors_path, done.replaced
    encoding = encoding_label(frame.encoding, lang)
    lines = [
        t("portfolio.summary_read", lang, source=frame.source, encoding=encoding,
          priced=f"{frame.priced_rows:,}", rejected=f"{frame.rejected_rows:,}"),
    ]
    if errors_path is not None:
        lines.append(t("portfolio.summary_errors_file", lang, path=str(errors_path)))
    if frame.blank_lines:
        lines.append(t("portfolio.summary_blank", lang, count=f"{frame.blank_lines:,}"))
    if "months" in frame.assumed:
        lines.append(t("portfolio.summary_assumed_months", lang))
    if replaced:
        lines.append(t("portfolio.summary_replaced", lang, columns=", ".join(replaced)))
    lines += _tariff_lines("label_tariff", first, lang)
    if second is not None:
        lines += _tariff_lines("label_against", second, lang)
        lines.append(
            t("portfolio.summary_difference", lang,
              literal=signed_money(second.total - first.total, lang),
              cheapest=signed_money(second.cheapest_total - first.cheapest_total, lang))
        )
    lines.append(t("portfolio.summary_written", lang, path=str(done.output)))
    return "\n".join(lines)


def summary_json(done: Repriced, lang: str = "zh") -> dict[str, Any]:
    """The ``--json`` contract; the tariffs' names in ``lang``."""
    frame, first, second, errors_path = done.frame, done.first, done.second, done.errors_path
    return {
        "input": frame.source,
        "encoding": frame.encoding,
        "output": str(done.output),
        "errors_file": str(errors_path) if errors_path is not None else None,
        "rows_priced": frame.priced_rows,
        "rows_rejected": frame.rejected_rows,
        "problems": len(frame.errors),
        "blank_lines": frame.blank_lines,
        "assumed": list(frame.assumed),
        "replaced_columns": done.replaced,
        "tariff": first.as_json() | {"name": first.display_name(lang)},
        "against": second.as_json() | {"name": second.display_name(lang)} if second is not None else None,
        "difference": (
            {
                "total": second.total - first.total,
                "cheapest_total": second.cheapest_total - first.cheapest_total,
            }
            if second is not None
            else None
        ),
    }


def run(args: argparse.Namespace, out: IO[str]) -> int:
    source = Path(args.input)
    output = Path(args.output)
    errors_path = Path(args.errors) if args.errors else default_errors_path(output)
    for field, path in (("output", output), ("errors", errors_path)):
        if path.name == STDIN or _same(path, source):
            raise InputError(field, str(path), "portfolio_same_file")
        for name in ("tariff", "against"):
            other = getattr(args, name)
            if other and _same(path, Path(other)):
                raise InputError(field, str(path), "same_file", other=f"--{name} {other}")
    if _same(output, errors_path):
        raise InputError("errors", str(errors_path), "portfolio_same_file")
    readers = [str(p) for p in (args.input, args.tariff, args.against) if p == STDIN]
    if len(readers) > 1:
        raise InputError("tariff", STDIN, "same_file", other="IN.csv -")
    tariff = load_tariff(args.tariff) if args.tariff else published_tariff()
    against = load_tariff(args.against) if args.against else None

    frame = read_portfolio(sys.stdin.buffer, name=STDIN) if args.input == STDIN else read_portfolio(source)
    frame = within_limits(frame, *([tariff] if against is None else [tariff, against]))
    replaced = replaced_columns(frame.rows, against is not None)
    table = price_table(frame.rows, tariff, against)
    encoding = args.encoding or frame.encoding
    _write(output, lambda path: write_priced_csv(table, path, encoding))
    written_errors: Path | None = None
    if len(frame.errors):
        _write(errors_path, lambda path: write_errors_csv(frame.errors, path, args.lang, encoding))
        written_errors = errors_path

    first = totals(table, tariff)
    second = totals(table, against, AGAINST) if against is not None else None
    done = Repriced(frame, first, second, output, written_errors, replaced)
    out.write((jsonout.dumps(summary_json(done, args.lang)) if args.json else render_text(done, args.lang)) + "\n")
    return 0
