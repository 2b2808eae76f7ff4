"""No state shared between sessions: one Streamlit server runs every visitor's session in the same
process, so anything mutable at module level (or on a class) could carry one visitor's quote
into another's page. Read with ``ast`` from the source, so a new module or page is covered.

Allowed at module level: constants that cannot change (tuples, frozensets, MappingProxyType,
frozen dataclasses, strings, numbers) and memos (``functools.lru_cache``/``cache``) of pure
functions that return something immutable.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCANNED = sorted(
    [*ROOT.glob("smop_pricing/**/*.py"), *ROOT.glob("smop_ui/**/*.py"), *ROOT.glob("app_pages/**/*.py"),
     ROOT / "app.py"]
)
MUTABLE_CALLS = frozenset({
    "list", "dict", "set", "bytearray", "defaultdict", "OrderedDict", "Counter", "deque", "ChainMap",
    "SimpleNamespace", "DataFrame", "Series", "array", "zeros", "ones", "empty", "full", "arange",
})
MUTABLE_RETURNS = ("list", "dict", "set", "DataFrame", "Series", "ndarray", "NDArray", "bytearray")
MEMOS = frozenset({"lru_cache", "cache", "cache_resource", "cache_data"})


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def call_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def is_mutable(value: ast.expr | None) -> bool:
    if value is None:
        return False
    if isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
        return True
    if isinstance(value, ast.BinOp):  # [None] * 3, {...} | {...}
        return is_mutable(value.left) or is_mutable(value.right)
    return isinstance(value, ast.Call) and call_name(value) in MUTABLE_CALLS


def scope_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements run at module (or class) scope: through if/try/with/for, not into functions."""
    for node in body:
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from scope_statements(getattr(node, field, []) or [])
        for handler in getattr(node, "handlers", []) or []:
            yield from scope_statements(handler.body)
        for case in getattr(node, "cases", []) or []:
            yield from scope_statements(case.body)


def problems(source: str, where: str) -> list[str]:
    tree = ast.parse(source)
    found: list[str] = []
    scopes: list[tuple[str, list[ast.stmt]]] = [("module", tree.body)]
    scopes += [(f"class {node.name}", node.body) for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    for scope, body in scopes:
        for node in scope_statements(body):
            line = f"{where}:{getattr(node, 'lineno', '?')} ({scope})"
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and is_mutable(node.value):
                found.append(f"{line}: a mutable container at {scope} level")
            if isinstance(node, ast.AugAssign) and scope == "module":
                found.append(f"{line}: a module-level value changed in place")
    for node in ast.walk(tree):
        line = f"{where}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Global):
            found.append(f"{line}: `global {', '.join(node.names)}` writes module state")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            memo = next((call_name(d) for d in node.decorator_list if call_name(d) in MEMOS), None)
            if memo == "cache_data":
                # st.cache_data hands each call its own unpickled copy: no session sees another's object.
                continue
            if memo is not None:
                returns = ast.unparse(node.returns) if node.returns else ""
                if not returns or any(word in returns.replace("[", " ").split() for word in MUTABLE_RETURNS):
                    found.append(f"{line}: @{memo} {node.name} -> {returns or '?'} hands every session one mutable "
                                 "object")
    return found


@pytest.mark.parametrize("path", SCANNED, ids=relative)
def test_a_module_holds_no_mutable_state_that_sessions_could_share(path):
    assert problems(path.read_text("utf-8"), relative(path)) == []


def test_the_scan_covers_the_core_the_ui_helpers_every_page_and_the_router():
    from smop_ui.registry import PAGES

    names = {relative(path) for path in SCANNED}
    assert {"app.py", "smop_ui/params.py", "smop_pricing/pricing/rules.py"} <= names
    assert {spec.file for spec in PAGES} <= names


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("CACHE = {}", "mutable container at module level"),
        ("_seen: list[int] = []", "mutable container"),
        ("if True:\n    X = dict(a=1)", "mutable container"),
        ("class A:\n    items = []", "class A"),
        ("X = [0] * 3", "mutable container"),
        ("rows = [r for r in range(3)]", "mutable container"),
        ("N = 1\nN += 1", "changed in place"),
        ("def f():\n    global N\n    N = 2", "global N"),
        ("@st.cache_resource\ndef f() -> dict[str, int]:\n    return {}", "cache_resource"),
        ("@lru_cache\ndef f() -> dict[str, int]:\n    return {}", "mutable object"),
        ("@lru_cache(maxsize=1)\ndef f():\n    return 1", "mutable object"),
    ],
)
def test_the_scan_finds_each_kind_of_shared_mutable_state(source, expected):
    (problem,) = problems(source, "x.py")
    assert expected in problem


def test_the_scan_allows_immutable_constants_and_memos_of_immutable_results():
    source = """
from types import MappingProxyType
MODES = ("volume", "graduated")
KEYS = frozenset({"a", "b"})
LABELS = MappingProxyType({"zh": "中文"})
LIMIT = 1_000_000
def f():
    rows = []
    rows.append(1)
    return rows
@lru_cache(maxsize=1)
def g() -> tuple[int, ...]:
    return (1,)
"""
    assert problems(source, "x.py") == []
