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


def figure(group: str, name: str, samples: list[float], unit: str = "s", scale: float = 1.0, **extra: object) -> Figure:
    values = [s * scale for s in samples]
    return Figure(group, name, statistics.median(values), min(values), max(values), unit, len(values), **extra)  # type: ignore[arg-type]


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
