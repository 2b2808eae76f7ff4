"""`pip install .` gives the package with all its data and a `smop-pricing` command that works from
any folder, the same as `python -m smop_pricing`.

The install goes into a fresh venv that sees the system's packages (``--system-site-packages``: the
dependencies are already there, so nothing is downloaded) from a copy of the repository (pip builds
in the source folder: no ``build/`` or ``*.egg-info`` is left in the checkout). About 20 s.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

NOT_COPIED = shutil.ignore_patterns(
    ".git", "__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis",
    "screenshots", "results", "build", "dist", "*.egg-info", "tests", "bench", "docs",
)


class Installed:
    def __init__(self, venv: Path, elsewhere: Path) -> None:
        self.python = venv / "bin" / "python"
        self.command = venv / "bin" / "smop-pricing"
        self.elsewhere = elsewhere

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``smop-pricing ARGS`` from a folder with nothing of the project in it."""
        return subprocess.run(
            [str(self.command), *args], cwd=self.elsewhere, capture_output=True, text=True, encoding="utf-8",
            timeout=300,
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("install")
    source, venv, elsewhere = base / "source", base / "venv", base / "elsewhere"
    shutil.copytree(ROOT, source, ignore=NOT_COPIED)
    elsewhere.mkdir()
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
                   check=True, timeout=120)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-index",
         "--no-build-isolation", "--disable-pip-version-check", "-q", str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return Installed(venv, elsewhere)


def test_the_installed_command_quotes_a_million_users_from_another_folder(installed):
    done = installed.run("quote", "--users", "1000000")
    assert done.returncode == 0, done.stderr
    assert "38,400" in done.stdout and "40,400" in done.stdout


def test_the_installed_command_prints_what_python_m_smop_pricing_prints(installed):
    args = ("quote", "--users", "1000000", "--lang", "en", "--json")
    module = subprocess.run([sys.executable, "-m", "smop_pricing", *args], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert json.loads(installed.run(*args).stdout) == json.loads(module.stdout)


def test_the_installed_package_is_the_venvs_copy_not_the_checkout(installed):
    where = subprocess.run([str(installed.python), "-c", "import smop_pricing; print(smop_pricing.__file__)"],
                           cwd=installed.elsewhere, capture_output=True, text=True, timeout=120)
    assert Path(where.stdout.strip()).is_relative_to(installed.python.parents[1])


def test_every_data_file_is_installed(installed):
    where = subprocess.run(
        [str(installed.python), "-c", "import smop_pricing.data as d, os; print(os.path.dirname(d.__file__))"],
        cwd=installed.elsewhere, capture_output=True, text=True, timeout=120,
    )
    data = Path(where.stdout.strip())
    ours = ROOT / "smop_pricing" / "data"
    wanted = {p.relative_to(ours) for p in ours.rglob("*") if p.is_file() and p.suffix in (".toml", ".json")}
    assert wanted and {p for p in wanted if not (data / p).is_file()} == set()


def test_the_installed_command_reads_its_presets_and_texts(installed):
    done = installed.run("simulate", "--preset", "e3", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "2022-09-01" in done.stdout


def test_bad_input_to_the_installed_command_exits_2_with_one_line(installed):
    done = installed.run("quote", "--users", "lots", "--lang", "en")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "users" in done.stderr


def test_the_installed_commands_help_names_it_smop_pricing(installed):
    done = installed.run("quote", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: smop-pricing quote")


def test_the_package_dependencies_are_the_apps_pins_less_streamlit():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    lines = (ROOT / "requirements.txt").read_text("utf-8").splitlines()
    pinned = [line.split("#", 1)[0].strip() for line in lines]
    assert sorted(declared) == sorted(p for p in pinned if p and not re.match(r"streamlit\b", p))
