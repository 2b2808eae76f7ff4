"""Dependencies: pinned, consistent, and exactly what the app uses.

requirements.txt is what a Streamlit host installs: each entry must be imported by the app or the
core (app.py, app_pages/, smop_ui/, smop_pricing/), and each third-party package they import must
be listed there (not merely arrive as some other package's dependency).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from importlib import metadata

import pytest

from tests.conftest import ROOT

APP_CODE = sorted(
    [ROOT / "app.py", *ROOT.glob("app_pages/**/*.py"), *ROOT.glob("smop_ui/**/*.py"),
     *ROOT.glob("smop_pricing/**/*.py")]
)
LOCAL = frozenset({"app_pages", "smop_ui", "smop_pricing", "bench", "tests"})
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)$")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(name: str) -> list[str]:
    lines = (ROOT / name).read_text("utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def runtime_requirements() -> dict[str, str]:
    """Distribution name (normalized) -> pinned version, from requirements.txt."""
    pins = {}
    for line in requirement_lines("requirements.txt"):
        match = PIN.match(line)
        assert match, f"requirements.txt: {line!r} is not pinned as name==version"
        pins[normalized(match.group(1))] = match.group(2)
    return pins


def imported_top_levels() -> dict[str, set[str]]:
    """Top-level module name -> the app files importing it (absolute imports only)."""
    found: dict[str, set[str]] = {}
    for path in APP_CODE:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path.relative_to(ROOT).as_posix())
    return found


def third_party_imports() -> dict[str, set[str]]:
    return {name: files for name, files in imported_top_levels().items()
            if name not in sys.stdlib_module_names and name not in LOCAL and name != "__future__"}


def distributions_of(module: str) -> set[str]:
    return {normalized(d) for d in metadata.packages_distributions().get(module, [])}


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_every_requirement_is_pinned_to_one_version(name):
    for line in requirement_lines(name):
        if line.startswith("-r "):
            continue
        assert PIN.match(line), f"{name}: {line!r} is not pinned as name==version"


def test_the_installed_versions_are_the_pinned_ones():
    for dist, version in runtime_requirements().items():
        assert metadata.version(dist) == version, dist


def test_every_runtime_requirement_is_imported_by_the_app_or_the_core():
    imported = set()
    for module in third_party_imports():
        imported |= distributions_of(module)
    unused = set(runtime_requirements()) - imported
    assert not unused, f"in requirements.txt but imported nowhere in the app: {sorted(unused)}"


def test_every_third_party_import_in_the_app_is_a_runtime_requirement():
    pinned = set(runtime_requirements())
    missing = {module: sorted(files) for module, files in third_party_imports().items()
               if not distributions_of(module) & pinned}
    assert not missing, f"imported by the app but not in requirements.txt: {missing}"


def test_the_development_requirements_include_the_runtime_ones():
    assert "-r requirements.txt" in requirement_lines("requirements-dev.txt")


def test_the_installed_packages_have_no_broken_requirements():
    done = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ci_runs_pip_check_after_installing():
    script = (ROOT / ".ci" / "run").read_text("utf-8")
    assert script.index("pip install") < script.index("pip check") < script.index("pytest")
