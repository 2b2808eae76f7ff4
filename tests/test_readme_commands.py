"""Every command the README shows runs as written from the repository root.

Each line of a ```bash block that starts with ``python -m smop_pricing`` or ``smop-pricing`` runs
(``smop-pricing`` as ``python -m smop_pricing``, which tests/test_install.py shows is the same) in a
temporary copy of the repository, so the files it writes land there; it must exit with status 0,
and a ``--json`` command must print JSON. A command added to the README is tested without
touching this file.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PREFIXES = (("python", "-m", "smop_pricing"), ("python3", "-m", "smop_pricing"), ("smop-pricing",))
BASH_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.MULTILINE | re.DOTALL)
NOT_COPIED = shutil.ignore_patterns(
    ".git", "__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis",
    "screenshots", "results", "build", "dist", "*.egg-info",
)


def readme_commands(text: str) -> list[list[str]]:
    """The argument lists after ``smop_pricing`` of every README command (comments dropped)."""
    found: list[list[str]] = []
    for block in BASH_BLOCK.findall(text):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            for prefix in PREFIXES:
                if tuple(words[: len(prefix)]) == prefix:
                    found.append(words[len(prefix):])
    return found


COMMANDS = readme_commands((ROOT / "README.md").read_text("utf-8"))


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("readme") / "repo"
    shutil.copytree(ROOT, copy, ignore=NOT_COPIED)
    return copy


def test_the_readme_shows_commands_of_every_kind():
    assert len(COMMANDS) >= 9
    assert {"quote", "simulate", "reprice"} <= {args[0] for args in COMMANDS}


def test_commands_are_found_in_bash_blocks_with_their_comments_dropped():
    text = "```bash\npython -m smop_pricing quote --users 5   # a note\nls\nsmop-pricing x --y 'a b'\n```\n"
    assert readme_commands(text) == [["quote", "--users", "5"], ["x", "--y", "a b"]]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(args) for args in COMMANDS])
def test_a_readme_command_runs_as_written_from_the_repository_root(checkout, args):
    done = subprocess.run(
        [sys.executable, "-m", "smop_pricing", *args], cwd=checkout, capture_output=True, text=True,
        encoding="utf-8", timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    if "--json" in args:
        json.loads(done.stdout)
