"""Bad files through every upload on every page (smop_ui.registry.PAGES; today the review page's
tariff TOML, the lifecycle page's scenario JSON once it is registered): a message in the user's
language, no exception, and what the user had set before stays.

The files are named with the uploader's own first allowed extension (a binary file "renamed"
.toml is what a user would pick). Over the server's upload limit (20 MB) the browser refuses the
file before it reaches the page: see tests/browser/test_injection_browser.py.

TODO(portfolio): the CSV cases (wrong or missing columns, text in numbers, negative and huge
numbers, 1,000,000 rows, BOM, GBK) belong here once the portfolio upload lands: add "csv" to
VALID and CSV_CASES below.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pytest
from streamlit.testing.v1 import AppTest

from smop_pricing.tariff import published_tariff, tariff_to_toml
from smop_ui.registry import PAGES, PageSpec
from tests.conftest import page_test, shown

PUBLISHED_TOML = tariff_to_toml(published_tariff())
E3 = {"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 150000,
      "events": [{"date": "2022-08-01", "action": "renew", "months": 1}]}
HUGE = "9" * 5000
CJK = re.compile(r"[\u4e00-\u9fff]")

# A valid file of each kind, and what breaks it (old text -> new text).
VALID = {
    "toml": PUBLISHED_TOML,
    "json": json.dumps(E3, ensure_ascii=False),
}
EDITS = {
    "toml": {
        "text in a number": ('monthly_fee = "2000"', 'monthly_fee = "lots"'),
        "negative number": ("included_users = 200000", "included_users = -5"),
        "huge number": ('monthly_fee = "2000"', f'monthly_fee = "{HUGE}"'),
        "huge integer": ("included_users = 200000", f"included_users = {HUGE}"),
        "missing key": ("pack_users", "# pack_users"),
        "wrong key": ("pack_users", "pack_user"),
    },
    "json": {
        "text in a number": ('"users": 150000', '"users": "lots"'),
        "negative number": ('"users": 150000', '"users": -5'),
        "huge number": ('"users": 150000', '"users": 1e5000'),
        "huge integer": ('"users": 150000', f'"users": {HUGE}'),
        "missing key": ('"users": 150000, ', ""),
        "wrong key": ('"users"', '"usres"'),
    },
}
RAW = {
    "empty file": b"",
    "whitespace only": b" \n\t\n",
    "over the page's limit": b" " * 1_000_001,
    "a million lines": b"\n" * 1_000_000,
    "binary file renamed": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16,
    "nul bytes": b"\x00" * 64,
    "utf-16": "名称".encode("utf-16"),
}


def bad_files(kind: str) -> dict[str, bytes]:
    valid = VALID[kind]
    files = dict(RAW)
    chinese = "# 客户的报价\n" + valid if kind == "toml" else valid.replace("}", ', "备注": "客户"}', 1)
    files["gbk"] = chinese.encode("gbk")
    files["truncated"] = valid[: len(valid) // 2].encode()
    for name, (old, new) in EDITS[kind].items():
        assert old in valid, (kind, name)
        files[name] = valid.replace(old, new, 1).encode()
    return files


@cache
def has_upload(url_path: str) -> bool:
    spec = next(spec for spec in PAGES if spec.url_path == url_path)
    return bool(page_test(spec, lang="en").file_uploader)


@pytest.fixture(params=PAGES, ids=lambda spec: spec.url_path)
def spec(request: pytest.FixtureRequest) -> PageSpec:
    """Each registered page that has an upload (the others are skipped, saying so)."""
    page: PageSpec = request.param
    if not has_upload(page.url_path):
        pytest.skip(f"{page.url_path} has no upload")
    return page


def extension(at: AppTest) -> str:
    allowed = at.file_uploader[0].allowed_type
    kind = (allowed[0] if allowed else ".toml").lstrip(".").lower()
    assert kind in VALID, f"no bad files written for .{kind} uploads yet"
    return kind


def change_an_input(at: AppTest) -> dict[str, object]:
    """Set the page's first number input to another valid value; return every input's value."""
    number = at.number_input[0]
    step = number.step or 1
    number.set_value(number.value + step if number.value + step <= number.max else number.value - step).run()
    assert not at.exception
    return inputs(at)


def inputs(at: AppTest) -> dict[str, object]:
    values: dict[str, object] = {}
    for kind in ("number_input", "text_input", "date_input", "radio", "button_group", "selectbox"):
        for element in at.get(kind):
            values[f"{kind}:{element.key}"] = element.value
    return values


def errors(at: AppTest) -> list[str]:
    return [shown(e.value) for e in at.error]


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    return at.file_uploader[0].set_value((name, content, "application/octet-stream")).run()


LANGS = {"en": ("bad", lambda text: not CJK.search(text)), "zh": ("坏文件", lambda text: bool(CJK.search(text)))}


@pytest.mark.parametrize("lang", list(LANGS))
def test_bad_files_one_after_another_each_get_a_message_in_the_users_language_and_the_inputs_stay(spec, lang):
    stem, in_language = LANGS[lang]
    at = page_test(spec, lang=lang)
    kind = extension(at)
    before = change_an_input(at)
    assert not errors(at)
    for case, content in bad_files(kind).items():
        upload(at, f"{stem}.{kind}", content)
        assert not at.exception, (case, [e.value for e in at.exception])
        assert errors(at) and all(in_language(text) for text in errors(at)), (case, errors(at))
        assert inputs(at) == before, case


def test_a_good_file_with_a_utf8_bom_is_read_without_an_error(spec):
    at = page_test(spec, lang="en")
    kind = extension(at)
    upload(at, f"good.{kind}", b"\xef\xbb\xbf" + VALID[kind].encode())
    assert not at.exception
    assert not errors(at)
    assert at.success, "the page says the file was read"


def test_at_least_one_page_has_an_upload():
    assert any(has_upload(spec.url_path) for spec in PAGES), "no upload anywhere: the suites above test nothing"
