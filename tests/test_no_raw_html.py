"""No raw HTML on any page: Streamlit escapes what it renders unless a page opts out, so the app
never opts out (no unsafe_allow_html, st.html, components.html or iframes), and user text that
goes into Markdown is escaped with smop_ui.markdown.escaped. Read with ``ast`` from the source."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

APP_CODE = sorted([ROOT / "app.py", *ROOT.glob("app_pages/**/*.py"), *ROOT.glob("smop_ui/**/*.py")])
RAW_HTML_CALLS = frozenset({"html", "iframe", "declare_component"})


def raw_html_uses(source: str, where: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        line = f"{where}:{node.lineno}"
        for keyword in node.keywords:
            if keyword.arg == "unsafe_allow_html" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            ):
                found.append(f"{line}: unsafe_allow_html")
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in RAW_HTML_CALLS:
            found.append(f"{line}: {ast.unparse(func)}")
    return found


@pytest.mark.parametrize("path", APP_CODE, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_no_page_or_ui_helper_renders_raw_html(path):
    assert raw_html_uses(path.read_text("utf-8"), path.relative_to(ROOT).as_posix()) == []


@pytest.mark.parametrize(
    "source",
    ['st.markdown(name, unsafe_allow_html=True)', "st.html(text)", "components.html(page)",
     "st.caption(x, unsafe_allow_html=flag)"],
)
def test_the_scan_finds_raw_html(source):
    assert raw_html_uses(source, "x.py")


def test_the_scan_allows_escaped_markdown():
    assert raw_html_uses("st.markdown(escaped(name))\nst.markdown(x, unsafe_allow_html=False)", "x.py") == []
