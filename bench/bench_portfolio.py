"""Portfolio repricing speed: ours against a plain numpy kernel, a per-row loop and plain pandas.

    python -m bench.run_all portfolio            # figures into BENCHMARKS.md (with the other groups)
    python3 bench/bench_portfolio.py [--size 1000000] [--repeat 7] [--loop-sample 20000]   # detail

(a) ``portfolio.price_table`` in memory (validation, DataFrame in and out);
(b) a plain numpy kernel doing the same arithmetic on bare arrays (tables prebuilt);
(c) a Python loop calling ``pricing.quote`` per row, timed on a sample and extrapolated;
(d) the whole ``reprice`` command (in-process, CSV read and written) against a plain
    pandas + numpy script reading the same CSV and writing the same columns.
Prints the median of the repeated runs with min and max, and the ratios.
Targets: (a) within 3x of (b) and at least 50x faster than (c); (d) within 2x of plain.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Figure, figure
from smop_pricing.cli import main
from smop_pricing.money import to_fen
from smop_pricing.portfolio import MONEY_COLUMNS, fen_column, price_table, synthetic_portfolio
from smop_pricing.pricing.rules import cover_table, fee_table_fen, quote
from smop_pricing.pricing.tariff import Tariff, published_tariff


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def paired(first: Callable[[], object], second: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Alternate the two so that a busy machine slows both alike; returns both time lists."""
    a, b = [], []
    for _ in range(repeat):
        a += timed(first, 1)
        b += timed(second, 1)
    return a, b


def show(label: str, times: list[float], scale: float = 1.0) -> float:
    median = statistics.median(times) * scale
    print(
        f"  {label:<46} median {median:8.3f} s   min {min(times) * scale:8.3f}"
        f"   max {max(times) * scale:8.3f}   (n={len(times)})"
    )
    return median


class Kernel:
    """The plain numpy arithmetic: needs, literal fees, cheapest covers, by table lookup."""

    def __init__(self, tariff: Tariff, top: int) -> None:
        self.included = tariff.included_users
        self.pack = tariff.pack_users
        self.monthly = to_fen(tariff.monthly_fee)
        self.fees = fee_table_fen(tariff, top)
        table = cover_table(tariff, top)
        self.cost, self.units = table.cost_fen, table.units

    def __call__(self, users: np.ndarray, months: np.ndarray, held: np.ndarray) -> dict[str, np.ndarray]:
        short = users - self.included - held * self.pack
        need = np.where(short > 0, -(-short // self.pack), 0)
        pack_fee = self.fees[need]
        base = months * self.monthly
        cheapest = self.cost[need]
        return {
            "base_fee": base,
            "pack_units": need,
            "pack_rate": np.where(need > 0, (2 * pack_fee + need) // (2 * np.maximum(need, 1)), 0),
            "pack_fee": pack_fee,
            "total": base + pack_fee,
            "capacity": self.included + (held + need) * self.pack,
            "cheapest_pack_units": self.units[need],
            "cheapest_total": base + cheapest,
            "saving": pack_fee - cheapest,
        }


def plain_script(source: Path, target: Path, kernel: Kernel) -> None:
    """What someone would write with pandas + numpy alone (published tariff: whole yuan)."""
    frame = pd.read_csv(source)
    result = kernel(frame["users"].to_numpy(), frame["months"].to_numpy(), frame["held_units"].to_numpy())
    for name, values in result.items():
        frame[name] = values // 100 if name in MONEY_COLUMNS else values
    frame.to_csv(target, index=False)


class Measured:
    """The timings of one benchmark run (seconds per run; the loop already scaled to ``size``)."""

    def __init__(self, size: int, repeat: int, loop_sample: int) -> None:
        tariff = published_tariff()
        rows = synthetic_portfolio(size, seed=0)
        users, months, held = (rows[c].to_numpy() for c in ("users", "months", "held_units"))
        kernel = Kernel(tariff, int(-(-(users.max() - tariff.included_users) // tariff.pack_users)))
        priced = price_table(rows, tariff)  # also warms the memoized cover table
        for name, values in kernel(users, months, held).items():
            assert (priced[fen_column(name)].to_numpy() == values).all(), f"kernel and price_table differ: {name}"

        self.size, self.loop_sample = size, loop_sample
        self.load = os.getloadavg()[0]
        self.ours, self.kernel = paired(lambda: price_table(rows, tariff), lambda: kernel(users, months, held), repeat)
        sample = list(
            zip(users[:loop_sample].tolist(), months[:loop_sample].tolist(), held[:loop_sample].tolist(), strict=True)
        )
        loop = timed(lambda: [quote(tariff, u, m, h) for u, m, h in sample], max(3, repeat // 2))
        self.loop = [t * size / loop_sample for t in loop]

        with tempfile.TemporaryDirectory() as folder:
            source, ours_out, plain_out = (Path(folder) / n for n in ("in.csv", "ours.csv", "plain.csv"))
            rows.to_csv(source, index=False)
            self.csv_mb = source.stat().st_size / 1e6

            def command() -> None:
                code = main(["reprice", str(source), "-o", str(ours_out)], out=io.StringIO())
                assert code == 0

            self.command, self.plain = paired(command, lambda: plain_script(source, plain_out, kernel), repeat)
            self.identical = ours_out.read_bytes() == plain_out.read_bytes()

    def ratio(self, first: list[float], second: list[float]) -> float:
        return statistics.median(first) / statistics.median(second)

    def paired_ratio(self, first: list[float], second: list[float]) -> float:
        return statistics.median(x / y for x, y in zip(first, second, strict=True))


def run(size: int = 1_000_000, repeat: int = 7, loop_sample: int = 20_000) -> list[Figure]:
    """The figures for ``bench.run_all``: in memory, per-row loop, whole command; each against its floor."""
    m = Measured(size, repeat, loop_sample)
    memory, loop, command = m.ratio(m.ours, m.kernel), m.ratio(m.loop, m.ours), m.ratio(m.command, m.plain)
    return [
        figure(
            "portfolio",
            f"reprice {size:,} customers in memory (price_table)",
            m.ours,
            floor="plain numpy kernel, same arithmetic",
            ratio=memory,
            target="≤ 3× floor",
            met=memory <= 3,
            note=f"floor median {statistics.median(m.kernel) * 1000:.1f} ms; median of paired ratios "
            f"{m.paired_ratio(m.ours, m.kernel):.2f}×; load average {m.load:.1f} at start",
        ),
        figure(
            "portfolio",
            f"pricing.quote in a Python loop, {size:,} rows ({loop_sample:,}-row sample scaled)",
            m.loop,
            floor="price_table (the row above)",
            ratio=loop,
            target="≥ 50× floor",
            met=loop >= 50,
        ),
        figure(
            "portfolio",
            f"reprice command, {m.csv_mb:.1f} MB CSV of {size:,} customers in, priced CSV out",
            m.command,
            floor="plain pandas + numpy script, same files",
            ratio=command,
            target="≤ 2× floor",
            met=command <= 2,
            note=f"floor median {statistics.median(m.plain):.2f} s; median of paired ratios "
            f"{m.paired_ratio(m.command, m.plain):.2f}×; the two output files are "
            f"{'byte-identical' if m.identical else 'DIFFERENT'}",
        ),
    ]


def report(size: int, repeat: int, loop_sample: int) -> None:
    m = Measured(size, repeat, loop_sample)
    print(f"portfolio of {size:,} synthetic customers (seed 0), published tariff")
    print(f"machine: {os.cpu_count()} CPUs, load average {m.load:.1f} at start")
    print("in memory:")
    a = show("(a) portfolio.price_table", m.ours)
    b = show("(b) plain numpy kernel", m.kernel)
    c = show(f"(c) per-row pricing.quote loop (x{size / loop_sample:g})", m.loop)
    print(f"whole command (CSV of {m.csv_mb:.1f} MB in, priced CSV out):")
    d = show("(d) python -m smop_pricing reprice (in-process)", m.command)
    e = show("(e) plain pandas + numpy script", m.plain)
    print("ratios (of medians; in brackets the median of the ratios of paired runs):")
    paired_memory, paired_command = m.paired_ratio(m.ours, m.kernel), m.paired_ratio(m.command, m.plain)
    print(f"  (a)/(b) in memory vs plain kernel      {a / b:7.2f}x  [{paired_memory:.2f}x]   target <= 3x")
    print(f"  (c)/(a) per-row loop vs in memory      {c / a:7.0f}x                target >= 50x")
    print(f"  (d)/(e) command vs plain pandas script {d / e:7.2f}x  [{paired_command:.2f}x]   target <= 2x")
    print(f"  output files byte-identical: {m.identical}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--loop-sample", type=int, default=20_000)
    options = parser.parse_args()
    report(options.size, options.repeat, options.loop_sample)
