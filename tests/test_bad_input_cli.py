"""Bad input on the command line, for every command: one line on stderr naming the field, exit 2,
never a traceback and never the 'internal error' line (exit 1) that a bug gives.

Every file-shaped argument (a scenario JSON, a tariff TOML for --tariff and --against, a
customers CSV) gets bad files: empty, over the size limit, endless (/dev/zero), UTF-8 with a BOM
(fine), GBK, binary, a directory, and numbers that are text, negative or huge. (The CSV's rows are
reprice's own suite, tests/test_cli_reprice.py: bad rows are reported, not fatal.)
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smop_pricing.cli import COMMANDS, main
from smop_pricing.pricing.tariff import published_tariff, tariff_to_toml

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED_TOML = tariff_to_toml(published_tariff())
E3 = {"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 150000,
      "events": [{"date": "2022-08-01", "action": "renew", "months": 1}]}
HUGE = "9" * 5000  # more digits than Python converts to int by default (4,300)


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out, err)
    return status, out.getvalue(), err.getvalue()


def assert_refused(status: int, out: str, err: str, *expected: str) -> None:
    """Exit 2, nothing on stdout, one line on stderr (naming ``expected``), no traceback."""
    assert status == 2, err
    assert out == ""
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    for text in expected:
        assert text in err


def test_every_command_has_its_module():
    assert [name for name in COMMANDS if not (ROOT / "smop_pricing" / "commands" / f"{name}.py").exists()] == []


# --- whole numbers --------------------------------------------------------------------------


NOT_NUMBERS = ["²", "1²", "--5", "0x10", "", " ", HUGE, "-" + HUGE]
WRITTEN_COUNTS = ["+5", "1e3", "1 000"]  # user counts as people write them (validation.parse_users)


@pytest.mark.parametrize(
    ("flag", "value"),
    [(flag, value) for flag in ("--users", "--months", "--held-units") for value in NOT_NUMBERS]
    + [(flag, value) for flag in ("--months", "--held-units") for value in WRITTEN_COUNTS],
)
def test_a_number_that_is_not_made_of_decimal_digits_is_refused_naming_its_field(flag, value):
    args = {"--users": "1000", flag: value}
    argv = [f"{name}={text}" for name, text in args.items()]
    status, out, err = cli("quote", *argv, "--lang", "en")
    assert_refused(status, out, err, flag.removeprefix("--").replace("-", "_"))


@pytest.mark.parametrize(("value", "users"), [("+5", 5), ("1e3", 1000), ("1 000", 1000)])
def test_a_user_count_written_with_a_sign_an_exponent_or_spaces_is_read(value, users):
    status, out, err = cli("quote", f"--users={value}", "--json")
    assert (status, err) == (0, "")
    assert json.loads(out)["users"] == users


def test_full_width_digits_typed_with_a_chinese_input_method_are_read_as_a_number():
    status, out, err = cli("quote", "--users=１０００００", "--json")
    assert (status, err) == (0, "")
    assert json.loads(out)["users"] == 100000


def test_a_huge_number_is_named_as_out_of_range_in_chinese():
    status, out, err = cli("quote", f"--users={HUGE}")
    assert_refused(status, out, err, "users", "必须")
    assert len(err) < 300


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(COMMANDS), st.lists(st.text(max_size=12), max_size=6))
def test_no_argument_list_for_any_command_gives_a_traceback_or_an_internal_error(command, argv):
    status, _, err = cli(command, *argv)
    assert status in (0, 2), err
    assert "Traceback" not in err


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=-(10**40), max_value=10**40) | st.text(alphabet="0123456789-_,. ²", max_size=30))
def test_any_number_shaped_users_value_either_quotes_or_is_refused(value):
    status, _, err = cli("quote", f"--users={value}", "--json")
    assert status in (0, 2), err
    assert status == 0 or err.startswith("users")


# --- files ----------------------------------------------------------------------------------


def scenario_bytes(**changes: object) -> bytes:
    return json.dumps({**E3, **changes}).encode()


def tariff_bytes(old: str, new: str) -> bytes:
    assert old in PUBLISHED_TOML
    return PUBLISHED_TOML.replace(old, new).encode()


BAD_SCENARIOS = {
    "empty": (b"", "JSON"),
    "whitespace": (b"  \n", "JSON"),
    "over the limit": (b" " * 1_000_001 + b"{}", "1 MB"),
    "gbk": ('{"start": "2022-05-01", "备注": "客户"}'.encode("gbk"), "UTF-8"),
    "binary": (bytes(range(256)) * 8, "UTF-8"),
    "png renamed": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "UTF-8"),
    "text in a number": (scenario_bytes(users="many"), "users"),
    "negative users": (scenario_bytes(users=-1), "users"),
    "huge users": (b'{"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 1e5000}', "users"),
    "huge integer": (('{"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": ' + HUGE + "}").encode(),
                     "JSON"),
    "huge months": (b'{"start": "2022-05-01", "months": 1e400, "until": "2022-10-01", "users": 1}', "months"),
    "negative units": (scenario_bytes(events=[{"date": "2022-06-01", "action": "buy_packs", "units": -3}]),
                       "events[0].units"),
    "a whole number too big for memory": (
        b'{"start": "2022-05-01", "months": 1.23E+1470154027781814, "until": "2022-10-01", "users": 1}', "months"),
    "an exponent Decimal refuses": (
        b'{"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 0E1000000000000000000}', "JSON"),
    "tiny fraction": (b'{"start": "2022-05-01", "months": 1e-400, "until": "2022-10-01", "users": 1}', "months"),
    "NaN": (b'{"start": "2022-05-01", "months": NaN, "until": "2022-10-01", "users": 1}', "JSON"),
    "deep nesting": (b"[" * 100_000 + b"]" * 100_000, "JSON"),
    "missing key": (json.dumps({k: v for k, v in E3.items() if k != "users"}).encode(), "users"),
    "wrong key": (scenario_bytes(usres=5), "usres"),
}


@pytest.mark.parametrize("name", list(BAD_SCENARIOS))
def test_a_bad_scenario_file_gets_one_line_naming_the_problem(tmp_path, name):
    content, expected = BAD_SCENARIOS[name]
    path = tmp_path / "scenario.json"
    path.write_bytes(content)
    status, out, err = cli("simulate", str(path), "--lang", "en")
    assert_refused(status, out, err, expected)
    assert len(err) < 400


def test_a_scenario_file_with_a_utf8_bom_simulates(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + scenario_bytes())
    status, out, err = cli("simulate", str(path), "--json")
    assert (status, err) == (0, "")
    assert json.loads(out)["total_paid"] == 4000


BAD_TARIFFS = {
    "empty": (b"", "name"),
    "over the limit": (b"#" * 1_000_001, "1 MB"),
    "gbk": (PUBLISHED_TOML.encode("gbk"), "UTF-8"),
    "binary": (bytes(range(256)) * 8, "UTF-8"),
    "png renamed": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "UTF-8"),
    "not toml": (b"name = \n[[", "TOML"),
    "text in a number": (tariff_bytes("included_users = 200000", 'included_users = "lots"'), "included_users"),
    "negative fee": (tariff_bytes('monthly_fee = "2000"', 'monthly_fee = "-2000"'), "monthly_fee"),
    "huge fee": (tariff_bytes('monthly_fee = "2000"', f'monthly_fee = "{HUGE}"'), "monthly_fee"),
    "fee far beyond decimal precision": (tariff_bytes('monthly_fee = "2000"', 'monthly_fee = "1E+100000000000000000"'),
                                         "monthly_fee"),
    "huge integer": (tariff_bytes("included_users = 200000", f"included_users = {HUGE}"), "TOML"),
    "huge float": (tariff_bytes('monthly_fee = "2000"', "monthly_fee = 1e400"), "monthly_fee"),
    "wrong key": (PUBLISHED_TOML.replace("pack_users", "pack_user").encode(), "pack_user"),
}


GOOD_CSV = "customer,users,months\n客户甲,1000000,1\n".encode()


def first_arguments(command: str, tmp_path: Path) -> list[str]:
    """A valid start of ``command``'s arguments, before the option under test."""
    if command == "quote":
        return ["--users", "1000"]
    if command == "simulate":
        scenario = tmp_path / "scenario.json"
        scenario.write_bytes(scenario_bytes())
        return [str(scenario)]
    portfolio = tmp_path / "customers.csv"
    portfolio.write_bytes(GOOD_CSV)
    return [str(portfolio), "-o", str(tmp_path / "priced.csv")]


@pytest.mark.parametrize("name", list(BAD_TARIFFS))
@pytest.mark.parametrize(("command", "option"), [("quote", "--tariff"), ("simulate", "--tariff"),
                                                 ("reprice", "--tariff"), ("reprice", "--against")])
def test_a_bad_tariff_file_gets_one_line_naming_the_problem(tmp_path, command, option, name):
    content, expected = BAD_TARIFFS[name]
    path = tmp_path / "tariff.toml"
    path.write_bytes(content)
    status, out, err = cli(command, *first_arguments(command, tmp_path), option, str(path), "--lang", "en")
    assert_refused(status, out, err, expected)
    assert len(err) < 400


BAD_CSVS = {
    "empty": (b"", "empty"),
    "binary": (bytes(range(256)) * 8, "not a text"),
    "png renamed": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a text"),
    "no users column": (b"customer,people\nA,5\n", "users"),
}


@pytest.mark.parametrize("name", list(BAD_CSVS))
def test_a_customer_file_that_cannot_be_used_gets_one_line_naming_the_problem(tmp_path, name):
    content, expected = BAD_CSVS[name]
    path = tmp_path / "customers.csv"
    path.write_bytes(content)
    status, out, err = cli("reprice", str(path), "-o", str(tmp_path / "priced.csv"), "--lang", "en")
    assert_refused(status, out, err, expected)


def test_a_tariff_file_with_a_utf8_bom_quotes(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + PUBLISHED_TOML.encode())
    status, out, err = cli("quote", "--users", "1000000", "--tariff", str(path), "--json")
    assert (status, err) == (0, "")
    assert json.loads(out)["pack_fee"] == 38400


@pytest.mark.parametrize("command", ["quote", "simulate", "reprice"])
def test_a_directory_given_as_a_file_is_refused_as_unreadable(tmp_path, command):
    folder = tmp_path / "folder"
    folder.mkdir()
    first = [str(folder)] if command == "simulate" else first_arguments(command, tmp_path)
    status, out, err = cli(command, *first, "--tariff", str(folder), "--lang", "en")
    assert_refused(status, out, err, "cannot be read")


def _small_address_space() -> None:
    limit = 1024 * 1024 * 1024  # 1 GiB: reading an endless file whole fails fast instead of swapping
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("argv", [["simulate", "/dev/zero"], ["quote", "--users", "1", "--tariff", "/dev/zero"],
                                  ["reprice", "/dev/zero", "-o", os.devnull]])
def test_an_endless_file_is_refused_as_too_large_without_reading_it_all(argv):
    done = subprocess.run(
        [sys.executable, "-m", "smop_pricing", *argv, "--lang", "en"],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=60, preexec_fn=_small_address_space,
    )
    assert done.returncode == 2, done.stderr
    assert "larger than 1 MB" in done.stderr or "not a text" in done.stderr or "not a regular file" in done.stderr
    assert done.stderr.count("\n") == 1
