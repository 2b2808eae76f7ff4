"""Time the cost-curve page's rerun under AppTest (the script's own work, no browser).

    python3 bench/curve_page.py [runs]

Prints min and median seconds per rerun for a chart up to 3,000,000 and 20,000,000
users. On a shared machine, read the minimum: the median includes other load.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import app_test  # noqa: E402


def rerun_seconds(maximum: int, runs: int) -> list[float]:
    at = app_test("pages/curve.py", users="1000000", max=str(maximum), lang="en")
    assert not at.exception and len(at.get("vega_lite_chart")) == 3
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    assert not at.exception
    return times


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    for maximum in (3_000_000, 20_000_000):
        times = rerun_seconds(maximum, runs)
        print(f"max={maximum:>10,}: min {min(times) * 1000:6.1f} ms, "
              f"median {statistics.median(times) * 1000:6.1f} ms over {runs} reruns")


if __name__ == "__main__":
    main()
