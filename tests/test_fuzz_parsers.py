"""Generated JSON, TOML, CSV and link text into every parser of user data: only our errors come out.

Every way user data enters (a URL parameter, an upload, a file argument) ends in a value or a
named refusal (a SmopError whose message renders in zh and en), never another exception.
The strategies lean on what broke before: numbers whose exponent overflows the decimal
context, vanishingly small fractions, nesting hundreds deep, control and bidi characters.
Runs in well under a minute (``python3 -m pytest -q tests/test_fuzz_parsers.py``).
"""

from __future__ import annotations

import base64
import io
import zlib
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from smop_pricing.cli import main, parse_whole
from smop_pricing.errors import SmopError
from smop_pricing.lifecycle.draft import check_draft, draft_from_document, parse_json
from smop_pricing.lifecycle.link import decode_document, decode_scenario
from smop_pricing.lifecycle.scenario import json_text, parse_scenario
from smop_pricing.portfolio import read_portfolio
from smop_pricing.pricing.tariff import parse_tariff, published_tariff, tariff_to_toml
from smop_pricing.validation import parse_count, parse_users
from smop_ui.params import ChoiceParam, DateParam, IntParam, _parse

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------- strategies

number_text = st.one_of(
    st.from_regex(r"-?(0|[1-9][0-9]{0,22})(\.[0-9]{1,22})?([eE][+-]?[0-9]{1,24})?", fullmatch=True),
    st.sampled_from(["1e99999999999999999999", "1E-999999999", "0E+1000000000000000000", "1e-400",
                     "2.0000000000000000001", "123456789012345678901234567890", "-0", "1e5", "0.5"]),
)
texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("\u202e\u2066\x1b\r\n\t\x00=+-@"),
    max_size=24,
)
keys = st.sampled_from(["start", "months", "until", "users", "settings", "events", "tariff", "date", "action",
                        "units", "on", "warn_ratio", "auto_renew_months", "over_quota_lock_days",
                        "packs_survive_lapse", "scenario", "x"]) | texts


def _json_string(text: str) -> str:
    import json

    return json.dumps(text)


def json_docs(max_leaves: int = 20) -> st.SearchStrategy[str]:
    """JSON text (not objects): numbers as raw literals, so they can be anything JSON allows."""
    scalars = st.one_of(
        number_text, st.sampled_from(["true", "false", "null"]), texts.map(_json_string),
        st.sampled_from(['"2024-01-31"', '"2099-12-31"', '"0001-01-01"', '"renew"', '"buy_packs"',
                         '"auto_renew"', '"set_users"']),
    )
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=5).map(lambda items: "[" + ",".join(items) + "]")
        | st.lists(st.tuples(keys.map(_json_string), children), max_size=6).map(
            lambda pairs: "{" + ",".join(f"{k}:{v}" for k, v in pairs) + "}"),
        max_leaves=max_leaves,
    )


def scenario_docs() -> st.SearchStrategy[str]:
    """A scenario document whose values are generated (a valid header is likely)."""
    event = st.fixed_dictionaries({}, optional={
        "date": st.sampled_from(['"2024-02-01"', '"2024-13-01"', "20240201"]) | number_text,
        "action": st.sampled_from(['"renew"', '"buy_packs"', '"auto_renew"', '"set_users"', '"purchase"'])
        | number_text,
        "months": number_text, "units": number_text, "users": number_text,
        "on": st.sampled_from(["true", "false", "1", "null"]),
    }).map(lambda fields: "{" + ",".join(f'"{k}":{v}' for k, v in fields.items()) + "}")
    return st.fixed_dictionaries(
        {"start": st.just('"2024-01-31"'), "until": st.just('"2024-12-31"')},
        optional={"months": number_text | st.just("12"), "users": number_text | st.just("1000000"),
                  "settings": st.sampled_from(['{"warn_ratio":' + n + "}"
                                               for n in ("0.9", "1e-999999999", "1e99999999999999999999")]),
                  "events": st.lists(event, max_size=4).map(lambda items: "[" + ",".join(items) + "]")},
    ).map(lambda fields: "{" + ",".join(f'"{k}":{v}' for k, v in fields.items()) + "}")


def deep(depth: int, opening: str, closing: str, inner: str = "1") -> str:
    return opening * depth + inner + closing * depth


def link_of(text: str) -> str:
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii").rstrip("=")


toml_values = st.recursive(
    number_text | texts.map(_json_string) | st.sampled_from(["true", "false", "1979-05-27", "inf", "nan"]),
    lambda children: st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")
    | st.lists(st.tuples(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), children), max_size=3).map(
        lambda pairs: "{" + ", ".join(f"{k} = {v}" for k, v in pairs) + "}"),
    max_leaves=10,
)
TARIFF_KEYS = ("name", "name_en", "version", "monthly_fee", "included_users", "pack_users", "tier_mode",
               "grace_months", "warn_ratio", "over_quota_lock_days", "packs_survive_lapse", "currency")
PUBLISHED = tariff_to_toml(published_tariff())

csv_cells = st.one_of(number_text, texts, st.sampled_from(["", '"', '""', "1,000,000", "35万", "=1+1", "\r"]))
csv_rows = st.lists(csv_cells, min_size=0, max_size=5)


def _csv_line(cells: list[str], delimiter: str) -> str:
    return delimiter.join(cells)


# --------------------------------------------------------------------------- helpers


def _refused_cleanly(exc: SmopError) -> None:
    for lang in ("zh", "en"):
        message = exc.message(lang)
        assert message
        assert "\x1b" not in message and "\u202e" not in message


def _only_ours(call, *args, **kwargs) -> object:
    try:
        return call(*args, **kwargs)
    except SmopError as exc:
        _refused_cleanly(exc)
        return None


# --------------------------------------------------------------------------- JSON: scenarios


@FAST
@given(json_docs())
@example("1e99999999999999999999")
@example('{"start":"2024-01-31","months":1e99999999999999999999,"until":"2024-12-31","users":1}')
@example(deep(3000, "[", "]"))
@example(deep(3000, '{"a":', "}"))
def test_any_json_text_as_a_scenario_is_read_or_refused_by_name(text):
    _only_ours(json_text, text, "scenario")
    _only_ours(parse_scenario, text)
    _only_ours(parse_json, text.encode("utf-8"))


@FAST
@given(scenario_docs())
@example('{"start":"2024-01-31","until":"2024-12-31","months":12,"users":1000,'
         '"events":[{"date":"2024-02-01","action":"buy_packs","units":1E-999999999}]}')
def test_any_scenario_document_becomes_a_draft_or_a_named_refusal(text):
    draft = _only_ours(draft_from_document, text)
    if draft is not None:
        check_draft(draft)


@pytest.mark.parametrize("number", ["1E-999999999", "1e-400", "2.0000000000000000001", "0.5"])
def test_a_vanishingly_small_or_too_precise_fraction_in_an_event_is_refused_never_read_as_whole(number):
    text = ('{"start":"2024-01-31","until":"2024-12-31","months":12,"users":1000,'
            f'"events":[{{"date":"2024-02-01","action":"buy_packs","units":{number}}}]}}')
    for document in (text, decode_document(link_of(text))):
        try:
            draft = draft_from_document(document)
        except SmopError as exc:
            assert exc.field == "events[0].units"
            assert str(exc.value) not in ("0", "2")
            continue
        checked = check_draft(draft)
        assert not checked.scenario.events, "a fraction must not become a purchase"
        assert [str(error.value) for error in checked.errors.values()] == [number]


# --------------------------------------------------------------------------- links


@FAST
@given(json_docs() | scenario_docs())
@example('{"start":"2024-01-31","months":1e99999999999999999999,"until":"2024-12-31","users":1}')
@example('{"start":"2024-01-31","until":"2024-12-31","months":12,"users":1000,'
         '"events":[{"date":"2024-02-01","action":"buy_packs","units":0E+1000000000000000000}]}')
@example(deep(2000, "[", "]"))
def test_any_link_carrying_generated_json_is_read_or_refused_by_name(text):
    link = link_of(text)
    document = _only_ours(decode_document, link)
    if document is not None:
        draft = _only_ours(draft_from_document, document, "s")
        if draft is not None:
            check_draft(draft)
    _only_ours(decode_scenario, link)


@FAST
@given(st.text(max_size=200))
def test_any_text_as_a_link_is_read_or_refused_by_name(text):
    _only_ours(decode_document, text)


# --------------------------------------------------------------------------- TOML: tariffs


@FAST
@given(st.lists(st.tuples(st.sampled_from(TARIFF_KEYS) | st.from_regex(r"[a-z]{1,6}", fullmatch=True),
                          toml_values), max_size=12, unique_by=lambda kv: kv[0]))
def test_any_generated_tariff_toml_parses_or_is_refused_by_name(pairs):
    text = "\n".join(f"{key} = {value}" for key, value in pairs)
    _only_ours(parse_tariff, text)


@FAST
@given(st.sampled_from((*TARIFF_KEYS, "tiers")), toml_values)
def test_the_published_tariff_with_one_value_replaced_parses_or_is_refused_by_name(key, value):
    lines = [line for line in PUBLISHED.splitlines() if not line.startswith(f"{key} =")]
    lines.insert(0, f"{key} = {value}")
    _only_ours(parse_tariff, "\n".join(lines))


@pytest.mark.parametrize("depth", [50, 300, 3000])
@pytest.mark.parametrize("shape", [("[", "]"), ("{a = ", "}")])
def test_a_tariff_nested_hundreds_deep_is_refused_by_name(depth, shape):
    text = PUBLISHED + "\nextra = " + deep(depth, *shape)
    with pytest.raises(SmopError) as caught:
        parse_tariff(text)
    _refused_cleanly(caught.value)


# --------------------------------------------------------------------------- CSV: portfolios


@FAST
@given(st.lists(csv_rows, min_size=0, max_size=6), st.sampled_from([",", "\t", ";"]),
       st.sampled_from(["users,months,held_units", "customer,users", "users", "x,y", ""]),
       st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16"]))
def test_any_generated_csv_is_read_or_refused_by_name(rows, delimiter, header, codec):
    text = "\n".join([header.replace(",", delimiter)] + [_csv_line(row, delimiter) for row in rows])
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    _only_ours(read_portfolio, data)


@FAST
@given(st.binary(max_size=300))
def test_any_bytes_as_a_portfolio_are_read_or_refused_by_name(data):
    _only_ours(read_portfolio, b"users,months\n" + data)


# --------------------------------------------------------------------------- numbers as typed


@FAST
@given(number_text | texts)
def test_any_typed_count_is_read_or_refused_by_name(text):
    _only_ours(parse_users, text)
    _only_ours(parse_count, "months", text, 1, 120)
    _only_ours(parse_whole, "users", text, 0, 100_000_000)


@FAST
@given(number_text | texts)
def test_any_url_parameter_gives_a_value_or_the_default_with_a_rule(text):
    for param in (IntParam("users", 1, 0, 100), DateParam("start"), ChoiceParam("show", "a", ("a", "b"))):
        value, rule = _parse(param, text, "zh")
        assert (rule is None) or value == param.default


# --------------------------------------------------------------------------- CLI file arguments


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(json_docs(8), toml_values)
def test_every_command_given_generated_files_exits_0_or_2_never_1(tmp_path, scenario_text, toml_value):
    scenario = tmp_path / "s.json"
    scenario.write_text(scenario_text, encoding="utf-8")
    tariff = tmp_path / "t.toml"
    tariff.write_text(PUBLISHED + f"\nextra_nested = {toml_value}\n" + deep(400, "x = [", "]"), encoding="utf-8")
    err = io.StringIO()
    for argv in (["simulate", str(scenario)], ["quote", "--users", "1000", "--tariff", str(tariff)],
                 ["simulate", "--preset", "x", "--tariff", str(tariff)]):
        assert main(argv, out=io.StringIO(), err=err) in (0, 2), err.getvalue()


def test_a_decimal_exponent_beyond_the_context_is_refused_not_crashed_on():
    assert Decimal("1E+999999999").is_finite()  # the reader must refuse what Decimal itself accepts
    with pytest.raises(SmopError):
        decode_document(link_of('{"users":1e99999999999999999999}'))
