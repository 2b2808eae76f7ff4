"""Every command's help shows its defaults, the command names itself as it was run, and
``--lang en`` gives English names in the JSON too."""

from __future__ import annotations

import argparse
import io
import json
import re
from pathlib import Path

import pytest

from smop_pricing.cli import COMMANDS, _available, build_parser, main, program_name
from smop_pricing.pricing.tariff import published_tariff

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser(_available())
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_listed_command_is_available():
    assert set(subparsers()) == set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_a_commands_help_shows_the_default_of_every_option_that_has_one(name):
    parser = subparsers()[name]
    shown = flat(parser.format_help())
    with_defaults = [
        a for a in parser._actions
        if a.option_strings and not a.required and a.default not in (None, False, argparse.SUPPRESS)
    ]
    assert with_defaults, "every command has at least --lang"
    for action in with_defaults:
        assert f"(default: {action.default})" in shown or "default" in (action.help or ""), action.dest


@pytest.mark.parametrize("name", COMMANDS)
def test_an_option_without_a_value_of_its_own_says_what_happens_when_it_is_left_out(name):
    parser = subparsers()[name]
    for action in parser._actions:
        if action.option_strings and action.default is None and not action.required and action.dest != "help":
            assert "default" in (action.help or "") or "instead" in (action.help or ""), action.dest


def test_quote_help_prints_the_months_and_language_defaults_and_exits_0(capsys):
    assert main(["quote", "--help"]) == 0
    shown = flat(capsys.readouterr().out)
    assert "(default: 1)" in shown and "(default: zh)" in shown and "(default: 0)" in shown


def test_the_installed_command_names_itself_smop_pricing_and_the_module_python_m():
    assert program_name("/tmp/venv/bin/smop-pricing") == "smop-pricing"
    assert program_name("/repo/smop_pricing/__main__.py") == "python -m smop_pricing"


def run_json(*argv: str) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    assert main(list(argv), out=out, err=err) == 0, err.getvalue()
    return dict(json.loads(out.getvalue()))


def tariff_name(data: dict[str, object], key: str = "tariff") -> object:
    tariff = data[key]
    assert isinstance(tariff, dict)
    return tariff["name"]


def test_quote_json_names_the_tariff_in_english_with_lang_en_and_in_chinese_by_default():
    tariff = published_tariff()
    assert tariff_name(run_json("quote", "--users", "1000000", "--json", "--lang", "en")) == tariff.name_en
    assert tariff_name(run_json("quote", "--users", "1000000", "--json")) == tariff.name
    assert tariff.name_en != tariff.name


def test_simulate_json_names_the_tariff_in_english_with_lang_en():
    data = run_json("simulate", "--preset", "e3", "--json", "--lang", "en")
    assert tariff_name(data) == published_tariff().name_en


def test_reprice_json_names_both_tariffs_in_english_with_lang_en(tmp_path):
    data = run_json(
        "reprice", str(EXAMPLES / "customers.csv"), "--against", str(EXAMPLES / "whatif.toml"),
        "-o", str(tmp_path / "priced.csv"), "--json", "--lang", "en",
    )
    assert tariff_name(data) == published_tariff().name_en
    assert tariff_name(data, "against") == "What-if: bigger middle tier"


def test_plan_json_names_the_tariff_in_english_with_lang_en():
    data = run_json("plan", str(EXAMPLES / "forecast.csv"), "--json", "--lang", "en")
    assert tariff_name(data) == published_tariff().name_en
