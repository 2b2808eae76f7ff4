"""Crashes through a link or a file: each ends in a named refusal, on the page and in the CLI."""

from __future__ import annotations

import io

import pytest

from smop_pricing.cli import main
from smop_pricing.errors import ScenarioError, TariffError
from smop_pricing.lifecycle.link import decode_document
from smop_pricing.pricing.tariff import parse_tariff, published_tariff, tariff_to_toml
from tests.conftest import app_test
from tests.test_fuzz_parsers import link_of

SCENARIO = '{"start":"2022-05-01","months":1,"until":"2022-10-01","users":%s,"events":[]}'
DEEP_TOML = tariff_to_toml(published_tariff()) + "\nextra = " + "[" * 400 + "1" + "]" * 400 + "\n"


@pytest.mark.parametrize("number", ["1e99999999999999999999", "0E+1000000000000000000", "1.5e-99999999999999999999"])
def test_a_link_with_a_number_beyond_the_decimal_context_is_refused_as_a_corrupt_link(number):
    with pytest.raises(ScenarioError) as caught:
        decode_document(link_of(SCENARIO % number))
    assert caught.value.field == "s"


def test_the_lifecycle_page_opened_from_such_a_link_shows_a_notice_not_the_error_box():
    at = app_test("app_pages/lifecycle.py", s=link_of(SCENARIO % "1e99999999999999999999"), lang="en")
    assert not at.exception, [e.message for e in at.exception]
    assert any("could not be read" in w.value for w in at.warning)
    assert at.session_state["life_origin"] == "e3"


def test_the_lifecycle_page_refuses_a_vanishingly_small_purchase_by_its_row():
    link = link_of(SCENARIO.replace('"events":[]', '"events":[{"date":"2022-06-01","action":"buy_packs",'
                                    '"units":1E-999999999}]') % "1000")
    at = app_test("app_pages/lifecycle.py", s=link, lang="en")
    assert not at.exception, [e.message for e in at.exception]
    shown = " ".join(w.value for w in at.warning) + " ".join(e.value for e in at.error)
    assert "units" in shown and "1E-999999999" in shown


@pytest.mark.parametrize("shape", [("[", "]"), ("{a = ", "}")])
def test_a_tariff_nested_hundreds_deep_is_a_tariff_error(shape):
    text = tariff_to_toml(published_tariff()) + "\nextra = " + shape[0] * 400 + "1" + shape[1] * 400
    with pytest.raises(TariffError) as caught:
        parse_tariff(text)
    assert "nested too deeply" in caught.value.message("en")


@pytest.mark.parametrize("argv", [
    ["quote", "--users", "1000"],
    ["simulate", "--preset", "e3"],
    ["reprice", "IN", "-o", "OUT"],
])
def test_every_command_refuses_a_deeply_nested_tariff_with_status_2_and_one_line(tmp_path, argv):
    tariff = tmp_path / "deep.toml"
    tariff.write_text(DEEP_TOML, encoding="utf-8")
    source = tmp_path / "in.csv"
    source.write_text("users\n1000\n", encoding="utf-8")
    argv = [str(source) if a == "IN" else str(tmp_path / "out.csv") if a == "OUT" else a for a in argv]
    err = io.StringIO()
    assert main([*argv, "--tariff", str(tariff), "--lang", "en"], out=io.StringIO(), err=err) == 2
    assert err.getvalue().count("\n") == 1
    assert "nested too deeply" in err.getvalue()
