"""Text shown back: bidi format and control characters from a link, a scenario or a tariff are
shown visibly escaped on the pages and in the CLI, never acted on."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smop_pricing.cli import main
from smop_pricing.errors import ScenarioError
from smop_pricing.pricing.tariff import published_tariff, tariff_to_toml
from smop_pricing.safe_io import visible
from smop_ui.markdown import escaped
from smop_ui.registry import PAGES
from tests.conftest import page_test

BIDI = ["\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e",
        "\u200f", "\u061c"]
CONTROLS = ["\x1b", "\x07", "\x08", "\r", "\x00", "\x7f", "\x9b"]
RAW = frozenset(BIDI + CONTROLS)


def _clean(text: str) -> bool:
    return not any(char in RAW for char in text)


@pytest.mark.parametrize("char", BIDI + CONTROLS)
def test_each_bidi_or_control_character_is_shown_as_its_code(char):
    shown = visible(f"ab{char}cd")
    assert _clean(shown)
    assert f"{ord(char):02x}" in shown


@given(st.text())
def test_visible_text_holds_no_bidi_or_control_character_and_keeps_the_rest(text):
    shown = visible(text)
    assert _clean(shown)
    kept = "".join(char for char in text if (char not in RAW and char.isprintable()) or char in "中文")
    assert all(char in shown for char in kept)


def test_chinese_and_plain_text_are_unchanged():
    assert visible("腾讯安心用户运营平台 1,000,000 users") == "腾讯安心用户运营平台 1,000,000 users"


@pytest.mark.parametrize("char", BIDI + CONTROLS)
def test_a_markdown_notice_shows_the_character_escaped(char):
    assert _clean(escaped(f"12{char}34"))


def test_an_error_message_quotes_a_reversed_value_without_reversing_itself():
    message = ScenarioError("events[0].action", "renew\u202e stop", "action", actions="renew").message("en")
    assert "\u202e" not in message and "\\u202e" in message


@pytest.mark.parametrize("spec", [spec for spec in PAGES if spec.url_path in ("price-quote", "cost-curve")],
                         ids=lambda spec: spec.url_path)
def test_a_url_parameter_with_a_right_to_left_override_gets_a_notice_shown_escaped(spec):
    at = page_test(spec, lang="en", users="12\u202e34", months="\x1b[2J1")
    assert not at.exception
    notices = [w.value for w in at.warning]
    assert any("u202e" in text for text in notices), notices
    assert all(_clean(text) for text in notices), notices


def test_the_lifecycle_page_shows_a_reversed_action_from_a_link_escaped():
    from tests.test_fuzz_parsers import link_of

    text = ('{"start":"2022-05-01","months":1,"until":"2022-10-01","users":1000,'
            '"events":[{"date":"2022-06-01","action":"renew\u202e\\u001b[31m"}]}')
    at = page_test(next(spec for spec in PAGES if "lifecycle" in spec.file), lang="en", s=link_of(text))
    assert not at.exception
    shown = [w.value for w in at.warning] + [e.value for e in at.error]
    shown += [str(m.value) for m in at.markdown] + [str(c.value) for c in at.caption]
    assert any("u202e" in text for text in shown), shown
    assert all(_clean(text) for text in shown)


def _tariff_file(tmp_path, name: str):
    path = tmp_path / "t.toml"
    text = tariff_to_toml(published_tariff()).replace(published_tariff().name, name)
    path.write_text(text.replace(published_tariff().name_en, name), encoding="utf-8")
    return path


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_a_tariff_name_with_escape_sequences_reaches_the_terminal_escaped(tmp_path, json_flag):
    tariff = _tariff_file(tmp_path, "evil\\u001b]0;pwned\\u0007\\u001b[2J\\u202eemanliated")
    out = io.StringIO()
    assert main(["quote", "--users", "1000000", "--tariff", str(tariff), *json_flag], out=out,
                err=io.StringIO()) == 0
    assert _clean(out.getvalue())
    if json_flag:
        assert json.loads(out.getvalue())["tariff"]["name"].startswith("evil\x1b]0;pwned")
    else:
        assert "\\x1b[2J" in out.getvalue() and "\\u202e" in out.getvalue()


def test_a_scenario_error_in_the_cli_is_one_clean_line(tmp_path):
    scenario = tmp_path / "s.json"
    scenario.write_text('{"start":"2022-05-01","months":1,"until":"2022-10-01","users":1000,'
                        '"events":[{"date":"2022-06-01","action":"\\u001b[2J\\u202erenew"}]}', encoding="utf-8")
    err = io.StringIO()
    assert main(["simulate", str(scenario), "--lang", "en"], out=io.StringIO(), err=err) == 2
    assert _clean(err.getvalue()) and err.getvalue().count("\n") == 1
    assert "\\x1b[2J\\u202erenew" in err.getvalue()


def test_a_reprice_summary_shows_a_file_name_with_control_characters_escaped(tmp_path):
    source = tmp_path / "a\x1b[31m\u202e.csv"
    source.write_text("users\n1000\n", encoding="utf-8")
    out = io.StringIO()
    assert main(["reprice", str(source), "-o", str(tmp_path / "o.csv")], out=out, err=io.StringIO()) == 0
    assert _clean(out.getvalue())
