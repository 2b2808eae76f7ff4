"""Shared bits of the benchmarks: repeated timing, figures, the machine's description."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata


@dataclass(frozen=True)
class Figure:
    """One measured figure: median/min/max of repeated runs, and how it compares to its floor."""

    group: str
    name: str
    median: float
    low: float
    high: float
    unit: str
    runs: int
    floor: str = ""
    floor_median: float | None = None  # the floor's own median, same unit, measured in the same run
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""


def timed(func: Callable[[], object], repeat: int = 7, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls after ``warmup`` calls."""
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def interleaved(*funcs: Callable[[], object], repeat: int = 7, warmup: int = 1) -> list[list[float]]:
    """Wall-clock seconds of each of ``funcs``, called in turn ``repeat`` times (after ``warmup`` rounds).

    Taking turns puts a job and its floor under the same load from moment to moment, so the ratio
    of their medians holds on a machine that other work slows down unevenly.
    """
    for _ in range(warmup):
        for func in funcs:
            func()
    samples: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeat):
        for func, out in zip(funcs, samples, strict=True):
            start = time.perf_counter()
            func()
            out.append(time.perf_counter() - start)
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def figure(group: str, name: str, samples: list[float], unit: str = "s", scale: float = 1.0, **extra: object) -> Figure:
    values = [s * scale for s in samples]
    return Figure(group, name, statistics.median(values), min(values), max(values), unit, len(values), **extra)  # type: ignore[arg-type]


def load() -> str:
    """The 1-minute load average, for the record: figures taken under load are slower, ratios less so."""
    return f"{os.getloadavg()[0]:.1f}"


def machine() -> dict[str, str]:
    libs = {}
    for name in ("streamlit", "pandas", "numpy", "altair", "playwright"):
        try:
            libs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            libs[name] = "-"
    return {
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(),
        **libs,
    }
