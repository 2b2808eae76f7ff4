"""bench/run_all.py: one group's failure does not lose the others' figures."""

from __future__ import annotations

import types

from bench import run_all
from bench.common import Figure


def test_a_group_that_fails_is_named_and_the_other_groups_figures_are_still_written(tmp_path, monkeypatch):
    def fake(group: str) -> types.ModuleType:
        module = types.ModuleType(group)

        def run() -> list[Figure]:
            if group.endswith("load"):
                raise TimeoutError("Locator.fill: Timeout 60000ms exceeded.\nCall log: ...")
            return [Figure("plan", "a figure that was measured", 0.004, 0.003, 0.005, "s", 5)]

        module.run = run  # type: ignore[attr-defined]
        return module

    monkeypatch.setattr(run_all.importlib, "import_module", fake)
    out = tmp_path / "B.md"
    assert run_all.main(["load", "plan", "--out", str(out)]) == 1
    text = out.read_text(encoding="utf-8")
    assert "| plan | a figure that was measured | 4.0 ms |" in text
    assert "- load: failed, TimeoutError: Locator.fill: Timeout 60000ms exceeded." in text
    assert "Call log" not in text  # the first line of the error only
