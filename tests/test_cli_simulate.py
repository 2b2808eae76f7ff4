"""The ``simulate`` command's contract, in-process through ``smop_pricing.cli.main``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from smop_pricing.cli import main
from smop_pricing.pricing.tariff import published_tariff, tariff_to_toml

ROOT = Path(__file__).resolve().parents[1]

E3 = {
    "start": "2022-05-01",
    "months": 1,
    "until": "2022-10-01",
    "users": 150000,
    "events": [{"date": "2022-08-01", "action": "renew", "months": 1}],
}


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def write(tmp_path: Path, data: Any, name: str = "scenario.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), "utf-8")
    return str(path)


def test_simulate_json_gives_the_e3_periods_ledger_and_total(tmp_path: Path) -> None:
    status, out, err = cli("simulate", write(tmp_path, E3), "--json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert data["periods"] == [
        {"state": "active", "start": "2022-05-01", "end": "2022-06-01"},
        {"state": "stopped", "start": "2022-06-01", "end": "2022-08-01"},
        {"state": "active", "start": "2022-08-01", "end": "2022-09-01"},
        {"state": "stopped", "start": "2022-09-01", "end": "2022-10-01"},
    ]
    assert data["total_paid"] == 4000
    assert [(e["date"], e["item"], e["months"], e["amount"]) for e in data["ledger"]] == [
        ("2022-05-01", "purchase", 1, 2000),
        ("2022-08-01", "renew", 1, 2000),
    ]
    assert data["rejected"] == []
    assert data["console_locked"] == []


def test_simulate_json_lists_refusals_with_date_action_and_reason(tmp_path: Path) -> None:
    scenario = {**E3, "events": [{"date": "2022-09-05", "action": "renew", "months": 1}]}
    status, out, _ = cli("simulate", write(tmp_path, scenario), "--json", "--lang", "en")
    assert status == 0
    (rejected,) = json.loads(out)["rejected"]
    assert rejected["date"] == "2022-09-05"
    assert rejected["action"] == "renew"
    assert rejected["reason"] == "renew_reclaimed"
    assert rejected["message"] == "resources were reclaimed on 2022-09-01; buy a new standard edition"


def test_simulate_json_gives_the_console_lock_of_the_r6_example() -> None:
    status, out, _ = cli("simulate", "--preset", "console_lock", "--json")
    assert status == 0
    locked = json.loads(out)["console_locked"]
    assert [(r["start"], r["end"]) for r in locked] == [("2022-03-02", "2022-04-01")]


def test_simulate_prints_a_dated_narrative_and_the_ledger_in_english(tmp_path: Path) -> None:
    status, out, _ = cli("simulate", write(tmp_path, E3), "--lang", "en")
    assert status == 0
    assert "2022-06-01 service stopped: the term ended without renewal" in out
    assert "2022-08-01  Renewal" in out
    assert "Total paid  CNY 4,000" in out


def test_simulate_speaks_chinese_by_default(tmp_path: Path) -> None:
    status, out, _ = cli("simulate", write(tmp_path, E3))
    assert status == 0
    assert "2022-06-01 停服：期满未续费" in out
    assert "合计支付  4,000 元" in out


def test_a_preset_file_can_be_given_as_the_scenario_file() -> None:
    path = ROOT / "smop_pricing" / "data" / "presets" / "e4.json"
    status, out, _ = cli("simulate", str(path), "--json")
    assert status == 0
    assert json.loads(out)["final_expiry"] == "2024-03-29"


def test_a_relative_tariff_path_is_read_from_the_scenario_files_folder(tmp_path: Path) -> None:
    text = tariff_to_toml(published_tariff()).replace('monthly_fee = "2000"', 'monthly_fee = "1000"')
    (tmp_path / "what-if.toml").write_text(text, "utf-8")
    status, out, err = cli("simulate", write(tmp_path, {**E3, "tariff": "what-if.toml"}), "--json")
    assert (status, err) == (0, "")
    assert json.loads(out)["total_paid"] == 2000


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "scenario.json"),
        (b"\xff\xfe\x00{", "UTF-8"),
        (b"[1, 2]", "JSON object"),
        (
            json.dumps(
                {**E3, "events": [{"date": "2022-08-01", "action": "buy_packs", "units": 0}]}
            ).encode(),
            "events[0].units: must be from 1 to 10,000 (got 0)",
        ),
        (
            json.dumps({**E3, "events": [{"date": "2022-08-01", "action": "upgrade"}]}).encode(),
            "events[0].action",
        ),
        (json.dumps({**E3, "until": "2022-05-01"}).encode(), "until: must be after start"),
        (json.dumps({**E3, "tariff": "missing.toml"}).encode(), "cannot be read"),
    ],
)
def test_a_malformed_scenario_gets_one_line_and_exit_status_2(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "scenario.json"
    path.write_bytes(content)
    status, out, err = cli("simulate", str(path), "--lang", "en")
    assert status == 2
    assert out == ""
    assert expected in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_missing_scenario_file_gets_exit_status_2(tmp_path: Path) -> None:
    status, _, err = cli("simulate", str(tmp_path / "nope.json"))
    assert status == 2
    assert "无法读取" in err and err.count("\n") == 1


def test_a_bad_scenario_message_is_localized(tmp_path: Path) -> None:
    scenario = {**E3, "events": [{"date": "2022-08-01", "action": "buy_packs", "units": 0}]}
    status, _, err = cli("simulate", write(tmp_path, scenario))
    assert status == 2
    assert err == "events[0].units：必须在 1 到 10,000 之间（收到 0）\n"


@pytest.mark.parametrize(
    "argv",
    [("simulate",), ("simulate", "--preset", "nope"), ("simulate", "x.json", "--preset", "e3")],
)
def test_a_missing_unknown_or_doubled_source_gets_exit_status_2(argv: tuple[str, ...]) -> None:
    status, _, err = cli(*argv)
    assert status == 2
    assert err.count("\n") == 1


def test_python_dash_m_runs_the_simulate_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "smop_pricing", "simulate", write(tmp_path, E3), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total_paid"] == 4000
