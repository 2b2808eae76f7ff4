"""Run every benchmark and write BENCHMARKS.md: `python -m bench.run_all [group ...]`.

Groups: engine, portfolio, lifecycle, pages, browser, memory, load (those whose module exists).
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from pathlib import Path

from bench.common import Figure, machine

GROUPS = ("engine", "portfolio", "lifecycle", "pages", "browser", "memory", "load")
ROOT = Path(__file__).resolve().parents[1]


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:,.1f} ms" if value < 1 else f"{value:,.2f} s"
    if unit in ("quotes/s", "rows/s"):
        return f"{value:,.0f} {unit}"
    return f"{value:,.2f} {unit}"


def table(figures: list[Figure]) -> list[str]:
    lines = ["| group | figure | median | min | max | runs | floor | ratio | target | met |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for f in figures:
        ratio = f"{f.ratio:,.2f}×" if f.ratio is not None else ""
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(f"| {f.group} | {f.name} | {fmt(f.median, f.unit)} | {fmt(f.low, f.unit)} | "
                     f"{fmt(f.high, f.unit)} | {f.runs} | {f.floor} | {ratio} | {f.target} | {met} |")
    return lines


def main(argv: list[str]) -> int:
    wanted = argv or list(GROUPS)
    figures: list[Figure] = []
    for group in wanted:
        try:
            module = importlib.import_module(f"bench.bench_{group}")
        except ModuleNotFoundError:
            print(f"(no benchmark module for {group})")
            continue
        print(f"== {group}", flush=True)
        got = module.run()
        for line in table(got)[2:]:
            print(line, flush=True)
        figures += got
    info = machine()
    doc = [
        "# Benchmarks",
        "",
        f"Produced by `python -m bench.run_all {' '.join(argv)}`".rstrip() + f" on {dt.date.today().isoformat()}.",
        "Each figure is the median of repeated runs, with min and max; a ratio compares it with its floor "
        "measured in the same run.",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        "",
        *table(figures),
        "",
    ]
    notes = [f"- {f.name}: {f.note}" for f in figures if f.note]
    if notes:
        doc += ["## Notes", "", *notes, ""]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(doc), encoding="utf-8")
    print("wrote BENCHMARKS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
