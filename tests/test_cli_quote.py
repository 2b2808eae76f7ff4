"""The `quote` command's contract: readable text, one JSON object, and one line for bad input."""

import io
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smop_pricing.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_json_for_a_million_users_gives_the_literal_and_cheapest_purchases():
    status, out, err = run("quote", "--users", "1000000", "--months", "1", "--json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert {k: data[k] for k in ("users", "months", "held_units", "base_fee", "pack_units", "pack_rate",
                                 "pack_fee", "total", "capacity")} == {
        "users": 1000000, "months": 1, "held_units": 0, "base_fee": 2000, "pack_units": 8,
        "pack_rate": 4800, "pack_fee": 38400, "total": 40400, "capacity": 1000000,
    }
    cheapest = data["cheapest"]
    assert {k: cheapest[k] for k in ("pack_units", "pack_fee", "total", "capacity", "saving")} == {
        "pack_units": 11, "pack_fee": 33000, "total": 35000, "capacity": 1300000, "saving": 5400,
    }


def test_json_with_no_packs_needed_has_zero_units_rate_and_fee():
    data = json.loads(run("quote", "--users", "150000", "--months", "12", "--json")[1])
    assert (data["pack_units"], data["pack_rate"], data["pack_fee"], data["total"]) == (0, 0, 0, 24000)


def test_the_readable_breakdown_shows_each_calculation_in_chinese_by_default():
    status, out, _ = run("quote", "--users", "1000000")
    assert status == 0
    assert "8 × 4,800 = 38,400" in out
    assert "11 × 3,000 = 33,000" in out
    assert "38,400 元" in out and "合计" in out


def test_the_readable_breakdown_switches_to_english():
    out = run("quote", "--users", "1000000", "--lang", "en")[1]
    assert "CNY 38,400" in out and "Total" in out and "save CNY 5,400" in out


def test_held_units_and_a_what_if_tariff_file_are_honoured(tmp_path):
    whatif = tmp_path / "cheap.toml"
    from smop_pricing.pricing.tariff import published_tariff, tariff_to_toml

    whatif.write_text(tariff_to_toml(published_tariff()).replace('"2000"', '"1000"'), encoding="utf-8")
    data = json.loads(run("quote", "--users", "1000000", "--held-units", "2", "--tariff", str(whatif),
                          "--json")[1])
    assert (data["base_fee"], data["pack_units"], data["held_units"]) == (1000, 6, 2)


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--users", "-5"], "users"),
        (["--users", "1.5"], "users"),
        (["--users", "lots"], "users"),
        (["--users", "100000001"], "users"),
        (["--users", "10", "--months", "0"], "months"),
        (["--users", "10", "--months", "37"], "months"),
        (["--users", "1.5亿"], "users"),
        (["--users", "1.23456万"], "users"),
        (["--users", "10", "--buy", "both"], "用法"),
        (["--users", "10", "--held-units", "-1"], "held_units"),
        (["--users", "10", "--tariff", "/no/such/file.toml"], "tariff"),
        ([], "用法"),
        (["--users", "10", "--lang", "fr"], "用法"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(argv, field):
    status, out, err = run("quote", *argv)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and field in err
    assert "Traceback" not in err


def test_an_invalid_tariff_file_names_the_key_in_the_users_language(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n', encoding="utf-8")
    status, _, err = run("quote", "--users", "10", "--tariff", str(bad), "--lang", "zh")
    assert status == 2 and "version" in err and "缺少" in err


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=6))
def test_no_argument_list_ever_produces_a_traceback(argv):
    out, err = io.StringIO(), io.StringIO()
    status = main(["quote", *argv], out=out, err=err)
    assert status in (0, 2)
    assert "Traceback" not in err.getvalue()


def test_python_dash_m_runs_the_same_command():
    done = subprocess.run(
        [sys.executable, "-m", "smop_pricing", "quote", "--users", "1000000", "--json"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["pack_fee"] == 38400


def test_json_for_a_million_users_written_in_wan_for_a_year_gives_the_summary_on_the_recommended_basis():
    status, out, err = run("quote", "--users", "100万", "--months", "12", "--json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert {k: data[k] for k in ("users", "basis", "one_time", "recurring_monthly", "first_term_total",
                                 "next_12_months")} == {
        "users": 1000000, "basis": "cheapest", "one_time": 33000, "recurring_monthly": 2000,
        "first_term_total": 57000, "next_12_months": 24000,
    }
    assert (data["total"], data["cheapest"]["total"]) == (62400, 57000)  # the existing keys stay


def test_buy_literal_puts_the_summary_on_the_as_needed_purchase():
    data = json.loads(run("quote", "--users", "100万", "--months", "12", "--buy", "literal", "--json")[1])
    assert (data["basis"], data["one_time"], data["first_term_total"]) == ("literal", 38400, 62400)


@pytest.mark.parametrize(("text", "users"), [
    ("2.5M", 2_500_000), ("350k", 350_000), ("1,000,000", 1_000_000), ("１００万", 1_000_000),
    ("100 万", 1_000_000), ("35.5万", 355_000), ("1亿", 100_000_000), ("1e6", 1_000_000),
])
def test_users_are_read_as_people_write_them(text, users):
    status, out, err = run("quote", "--users", text, "--json")
    assert (status, err) == (0, "")
    assert json.loads(out)["users"] == users


@pytest.mark.parametrize(("text", "bound"), [("1.5亿", "100,000,000"), ("1.23456万", "100,000,000")])
def test_a_count_out_of_bounds_or_not_whole_exits_2_with_one_line_naming_the_bound(text, bound):
    status, out, err = run("quote", "--users", text, "--lang", "en")
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith("users") and bound in err and text in err


def test_the_months_bound_is_the_quote_pages():
    assert run("quote", "--users", "10", "--months", "36", "--json")[0] == 0
    status, _, err = run("quote", "--users", "10", "--months", "37", "--lang", "en")
    assert status == 2 and "1 to 36" in err


def test_the_readable_text_names_the_tariff_in_words_and_ends_with_the_summary():
    out = run("quote", "--users", "100万", "--months", "12", "--lang", "en")[1]
    assert "published prices" in out and "2026-11-27" in out and "version published" not in out
    assert "Recommended purchase (cheapest), first term: CNY 57,000" in out
    assert "Alternative: as-needed purchase CNY 62,400 (CNY 5,400 more)" in out
    assert "One-time (packs) CNY 33,000" in out and "next 12 months" in out and "CNY 24,000" in out
    zh = run("quote", "--users", "100万", "--months", "12")[1]
    assert "推荐购买（最省钱）首期合计：57,000 元" in zh and "published" not in zh


@pytest.mark.parametrize(
    ("argv", "zh", "en"),
    [
        ([], "用法：缺少必需的参数：--users", "usage: the following arguments are required: --users"),
        (["--users"], "用法：参数 --users 后面需要一个值", "usage: argument --users: expected one argument"),
        (["--users", "1", "--buy", "both"], "用法：参数 --buy 的值 'both' 无效（可选：",
         "usage: argument --buy: invalid choice"),
        (["--users", "1", "--bogus", "2"], "用法：无法识别的参数：--bogus 2",
         "usage: unrecognized arguments: --bogus 2"),
    ],
    ids=["missing", "no value", "bad choice", "unknown option"],
)
def test_a_usage_mistake_is_explained_in_the_users_language(argv, zh, en):
    assert run("quote", *argv)[2].startswith(zh)
    assert run("quote", *argv, "--lang", "en")[2].startswith(en)
