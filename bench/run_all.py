"""Run every benchmark and write BENCHMARKS.md: `python -m bench.run_all [group ...] [--out FILE]`.

Groups: engine, portfolio, lifecycle, pages, browser, memory, load, plan, sessions, server (those whose module exists).
``--out`` writes the results elsewhere (bench/results/ is ignored by git), leaving BENCHMARKS.md alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import sys
from pathlib import Path

from bench.common import Figure, load, machine

GROUPS = ("engine", "portfolio", "lifecycle", "pages", "browser", "memory", "load", "plan", "sessions", "server")
ROOT = Path(__file__).resolve().parents[1]


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:,.1f} ms" if value < 1 else f"{value:,.2f} s"
    if unit in ("quotes/s", "rows/s"):
        return f"{value:,.0f} {unit}"
    return f"{value:,.2f} {unit}"


def table(figures: list[Figure]) -> list[str]:
    lines = ["| group | figure | median | min | max | runs | floor (its median) | ratio | target | met |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for f in figures:
        floor = f.floor if f.floor_median is None else f"{f.floor} ({fmt(f.floor_median, f.unit)})"
        ratio = f"{f.ratio:,.2f}×" if f.ratio is not None else ""
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(f"| {f.group} | {f.name} | {fmt(f.median, f.unit)} | {fmt(f.low, f.unit)} | "
                     f"{fmt(f.high, f.unit)} | {f.runs} | {floor} | {ratio} | {f.target} | {met} |")
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_all", description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", metavar="group", help="any of " + ", ".join(GROUPS) + " (default: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="where to write (BENCHMARKS.md)")
    args = parser.parse_args(argv)
    unknown = [group for group in args.groups if group not in GROUPS]
    if unknown:
        parser.error(f"unknown group(s): {', '.join(unknown)}")
    wanted = args.groups or list(GROUPS)
    load_before = load()
    figures: list[Figure] = []
    failed: list[str] = []
    for group in wanted:
        try:
            module = importlib.import_module(f"bench.bench_{group}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.bench_{group}":
                raise
            print(f"(no benchmark module for {group})")
            continue
        print(f"== {group}", flush=True)
        try:
            got = module.run()
        except Exception as exc:  # one group's failure must not lose the others' figures
            failed.append(f"- {group}: failed, {type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:300]}")
            print(failed[-1], flush=True)
            continue
        for line in table(got)[2:]:
            print(line, flush=True)
        figures += got
    command = f"python -m bench.run_all {' '.join(args.groups)}".rstrip()
    info = {**machine(), "load average (1 min) before / after": f"{load_before} / {load()}"}
    doc = [
        "# Benchmarks",
        "",
        f"Produced by `{command}` on {dt.date.today().isoformat()}.",
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
    if failed:
        doc += ["## Groups that failed (their figures are missing above)", "", *failed, ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(doc), encoding="utf-8")
    print(f"wrote {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
