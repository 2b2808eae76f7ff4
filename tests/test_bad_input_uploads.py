"""Bad files through every upload on every page (smop_ui.registry.PAGES: the review page's tariff
TOML and portfolio CSV, the lifecycle page's scenario JSON): a message in the user's language,
no exception, and what the user had set before stays. Good files in the other accepted shapes
(a UTF-8 BOM; GBK and 1,000,000 rows for a CSV) are read without an error.

The files are named with the uploader's own first allowed extension (a binary file "renamed"
.csv is what a user would pick). Uploaders are found by running each page; one that appears only
after a choice is reached through REVEAL. Over the server's upload limit (20 MB) the browser
refuses the file before it reaches the page: see tests/browser/test_injection_browser.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache

import pytest
from streamlit.testing.v1 import AppTest

from smop_pricing.portfolio.report import UPLOAD
from smop_pricing.pricing.tariff import published_tariff, tariff_to_toml
from smop_ui.registry import PAGES, PageSpec
from tests.conftest import page_test, shown

PUBLISHED_TOML = tariff_to_toml(published_tariff())
E3 = {"start": "2022-05-01", "months": 1, "until": "2022-10-01", "users": 150000,
      "events": [{"date": "2022-08-01", "action": "renew", "months": 1}]}
HUGE = "9" * 5000
CJK = re.compile(r"[\u4e00-\u9fff]")

# Choices that show an uploader the page hides at first: url_path -> (widget kind, key, value).
REVEAL = {"pricing-review": (("radio", "pf_source", UPLOAD),)}

# A valid file of each kind, and edits that break it (old text -> new text).
VALID = {
    "toml": PUBLISHED_TOML,
    "json": json.dumps(E3, ensure_ascii=False),
    "csv": "customer,users,months,held_units\n客户甲,1000000,1,0\n客户乙,2300000,12,1\n",
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
    "csv": {
        "text in a number": ("1000000", "lots"),
        "negative number": ("1000000", "-5"),
        "huge number": ("1000000", HUGE),
        "a fraction": ("2300000,12", "2300000,1.5"),
        "missing users column": ("customer,users,months", "customer,people,months"),
        "wrong columns": ("customer,users,months,held_units", "name,count,term,packs"),
    },
}
RAW = {
    "empty file": b"",
    "whitespace only": b" \n\t\n",
    "over the page's limit": b" " * 1_000_001,
    "a million empty lines": b"\n" * 1_000_000,
    "binary file renamed": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16,
    "nul bytes": b"\x00" * 64,
    "utf-16": "名称".encode("utf-16"),
}


def gbk(kind: str) -> bytes:
    valid = VALID[kind]
    chinese = {"toml": "# 客户的报价\n" + valid, "json": valid.replace("}", ', "备注": "客户"}', 1)}.get(kind, valid)
    return chinese.encode("gbk")


def bad_files(kind: str) -> dict[str, bytes]:
    valid = VALID[kind]
    files = dict(RAW)
    if kind != "csv":  # a CSV may be GBK, and half a CSV is still a CSV
        files["gbk"] = gbk(kind)
        files["truncated"] = valid[: len(valid) // 2].encode()
    for name, (old, new) in EDITS[kind].items():
        assert old in valid, (kind, name)
        files[name] = valid.replace(old, new, 1).encode()
    return files


def good_files(kind: str) -> dict[str, bytes]:
    files = {"utf-8 with a BOM": b"\xef\xbb\xbf" + VALID[kind].encode()}
    if kind == "csv":
        files["gbk"] = gbk(kind)
        files["1,000,000 rows"] = (
            "customer,users,months\n" + "".join(f"c{i},{i * 7919 % 5_000_000},{1 + i % 12}\n" for i in range(1_000_000))
        ).encode()
    return files


def open_page(spec: PageSpec, lang: str) -> AppTest:
    at = page_test(spec, lang=lang)
    for kind, key, value in REVEAL.get(spec.url_path, ()):
        next(w for w in at.get(kind) if w.key == key).set_value(value).run()
    assert not at.exception
    return at


@cache
def uploader_kinds(url_path: str) -> tuple[str, ...]:
    """The extension each uploader of the page accepts first, in page order."""
    spec = next(spec for spec in PAGES if spec.url_path == url_path)
    kinds = []
    for uploader in open_page(spec, "en").file_uploader:
        allowed = uploader.allowed_type
        kinds.append((allowed[0] if allowed else ".bin").lstrip(".").lower())
    return tuple(kinds)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``target`` is (page, uploader index, kind) for each uploader each page draws, found by
    opening the pages at collection: a new uploader is covered without editing this file."""
    if "target" in metafunc.fixturenames:
        targets = [(spec, index, kind) for spec in PAGES for index, kind in enumerate(uploader_kinds(spec.url_path))]
        ids = [f"{spec.url_path}-upload{index + 1}" for spec, index, _ in targets]
        metafunc.parametrize("target", targets, ids=ids)


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


def kept(before: dict[str, object], at: AppTest) -> bool:
    """Every input there before still has its value (a file that can be used may add inputs)."""
    after = inputs(at)
    return all(after.get(key) == value for key, value in before.items())


def messages(at: AppTest) -> list[str]:
    """Errors and warnings as shown (a CSV's bad rows are a warning: the good rows are priced)."""
    return [shown(e.value) for e in [*at.error, *at.warning]]


def upload(at: AppTest, index: int, name: str, content: bytes) -> AppTest:
    return at.file_uploader[index].set_value((name, content, "application/octet-stream")).run(timeout=120)


def new_messages(before: list[str], after: list[str]) -> list[str]:
    left = list(before)
    fresh = []
    for text in after:
        if text in left:
            left.remove(text)
        else:
            fresh.append(text)
    return fresh


FRESH_PAGE_CASES = ("empty file", "binary file renamed", "text in a number", "huge number", "utf-16")


def test_a_bad_file_on_a_fresh_page_gets_an_english_message_and_no_exception(target):
    """A few cases each on a page of its own (the next test sends all of them, one after another)."""
    spec, index, kind = target
    for case, content in bad_files(kind).items():
        if case not in FRESH_PAGE_CASES:
            continue
        at = open_page(spec, "en")
        before, values = messages(at), inputs(at)
        upload(at, index, f"bad.{kind}", content)
        assert not at.exception, (case, [e.value for e in at.exception])
        fresh = new_messages(before, messages(at))
        assert fresh, f"{case}: no message"
        assert not any(CJK.search(text) for text in fresh), (case, fresh)
        assert kept(values, at), case


IN_CHINESE: Callable[[str], bool] = lambda text: bool(CJK.search(text))  # noqa: E731


def test_bad_files_one_after_another_each_get_a_chinese_message_and_the_changed_input_stays(target):
    spec, index, kind = target
    at = open_page(spec, "zh")
    changed = change_an_input(at)
    baseline = messages(at)
    for case, content in bad_files(kind).items():
        upload(at, index, f"坏文件.{kind}", content)
        assert not at.exception, (case, [e.value for e in at.exception])
        fresh = new_messages(baseline, messages(at))
        assert fresh and all(IN_CHINESE(text) for text in fresh), (case, fresh)
        assert kept(changed, at), case


def test_good_files_in_every_accepted_shape_are_read_without_an_error(target):
    spec, index, kind = target
    for case, content in good_files(kind).items():
        at = open_page(spec, "en")
        before = [shown(e.value) for e in at.error]
        upload(at, index, f"good.{kind}", content)
        assert not at.exception, (case, [e.value for e in at.exception])
        assert [shown(e.value) for e in at.error] == before, case


def test_every_page_with_an_upload_is_covered_and_the_three_kinds_are_there():
    kinds = {kind for spec in PAGES for kind in uploader_kinds(spec.url_path)}
    assert {"toml", "json", "csv"} <= kinds
    assert kinds <= set(VALID), f"no bad files written for {sorted(kinds - set(VALID))} uploads yet"
