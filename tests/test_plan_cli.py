"""The `plan` command's contract: the worked example, readable text, and one line for a bad forecast."""

import datetime as dt
import io
import json

import pytest

from smop_pricing.cli import main
from smop_pricing.plan.forecast import forecast_csv, shaped


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def example(tmp_path):
    path = tmp_path / "forecast.csv"
    path.write_text(forecast_csv(shaped(dt.date(2026, 1, 1), 300_000, 3_000_000, 24)), encoding="utf-8")
    return str(path)


def test_json_for_the_worked_example_gives_168000_as_you_grow_and_84000_upfront(example):
    status, out, err = run("plan", example, "--json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    by_name = {s["name"]: s for s in data["strategies"]}
    assert (data["months"], data["base_fees"]) == (24, 48000)
    assert by_name["as_you_grow"]["pack_fees"] == 168000
    assert by_name["upfront"]["purchases"] == [{"month": "2026-01", "units": 28, "fee": 84000}]
    assert by_name["optimal"]["present_value"] == by_name["upfront"]["present_value"] == 132000


def test_json_at_eight_percent_has_an_optimum_below_upfront(example):
    data = json.loads(run("plan", example, "--discount-rate", "0.08", "--json")[1])
    by_name = {s["name"]: s for s in data["strategies"]}
    assert by_name["optimal"]["present_value"] < by_name["upfront"]["present_value"]


def test_the_readable_plan_lists_each_strategys_purchases_in_chinese_by_default(example):
    status, out, _ = run("plan", example)
    assert status == 0
    assert "随增长购买" in out and "168,000 元" in out and "2026-01  28 个单位" in out


def test_the_readable_plan_switches_to_english(example):
    out = run("plan", example, "--lang", "en")[1]
    assert "Buy as you grow" in out and "CNY 168,000" in out


def test_a_what_if_tariff_file_and_held_units_are_honoured(example, tmp_path):
    from smop_pricing.pricing.tariff import published_tariff, tariff_to_toml

    whatif = tmp_path / "graduated.toml"
    whatif.write_text(tariff_to_toml(published_tariff()).replace('"volume"', '"graduated"'), encoding="utf-8")
    data = json.loads(run("plan", example, "--tariff", str(whatif), "--held-units", "28", "--json")[1])
    assert data["tariff"]["mode"] == "graduated"
    assert all(s["purchases"] == [] for s in data["strategies"])


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("month,users\n2026-01,1\n2026-03,2\n", "rows[3].month"),
        ("month,users\n2026-01,1\n2026-01,2\n", "rows[3].month"),
        ("month,users\n2026-01,-1\n", "rows[2].users"),
        ("month,users\n2026-01,很多\n", "rows[2].users"),
        ("month,users\n", "forecast"),
        ("".join(["month,users\n"] + [f"{2020 + m // 12}-{m % 12 + 1:02d},1\n" for m in range(121)]), "rows[122]"),
    ],
)
def test_a_bad_forecast_exits_2_with_one_line_naming_the_row(tmp_path, text, where):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    status, out, err = run("plan", str(path), "--lang", "en")
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(where)


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["--discount-rate", "-0.1"], "discount_rate"),
        (["--discount-rate", "abc"], "discount_rate"),
        (["--held-units", "-1"], "held_units"),
        (["--tariff", "/no/such.toml"], "tariff"),
    ],
)
def test_bad_options_exit_2_with_one_line_naming_the_option(example, argv, field):
    status, _, err = run("plan", example, *argv, "--lang", "en")
    assert status == 2 and err.startswith(field) and err.count("\n") == 1


def test_a_missing_forecast_file_exits_2_naming_it():
    status, _, err = run("plan", "/no/such/forecast.csv")
    assert status == 2 and err.startswith("forecast")


def test_the_readable_plan_names_the_published_tariff_with_its_day_never_the_bare_version(example):
    zh, en = run("plan", example)[1], run("plan", example, "--lang", "en")[1]
    assert zh.splitlines()[0].startswith("腾讯云官网公布价格") and "2026-11-27" in zh.splitlines()[0]
    assert "billing page as of 2026-11-27" in en.splitlines()[0]
    assert "published" not in zh and "version published" not in en
