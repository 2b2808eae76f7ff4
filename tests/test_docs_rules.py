"""docs/rules.md is the project's own account of the rules: every rule and example, the page's words
the data files quote, every setting, the corrected figure; and nothing in the repository points at a
file outside it."""

from __future__ import annotations

import re
import subprocess
import tomllib

import pytest

from smop_pricing.lifecycle.model import _SETTING_KEYS
from tests.conftest import ROOT

RULES = (ROOT / "docs" / "rules.md").read_text("utf-8")


def flat(text: str) -> str:
    """Without spaces, line breaks and Markdown bold, so a quote wrapped or emphasized still matches."""
    return re.sub(r"\s+", "", text).replace("**", "")


@pytest.mark.parametrize("rule", [f"R{n}" for n in range(1, 12)])
def test_every_rule_has_its_own_section(rule):
    assert re.search(rf"^## {rule} ", RULES, re.MULTILINE)


@pytest.mark.parametrize("example", [f"E{n}" for n in range(1, 6)])
def test_every_worked_example_is_given(example):
    assert f"**{example}**" in RULES


def test_the_page_figure_is_quoted_and_the_corrected_one_given_as_a_slip():
    assert "8 × 4,800元 = 38,600元" in RULES
    assert "8 × 4,800 = **38,400 CNY**" in RULES
    assert "arithmetic slip" in RULES and "naming slip" in RULES


def test_every_figure_the_audit_checks_is_quoted_from_the_page_in_the_rules():
    figures = tomllib.loads((ROOT / "smop_pricing" / "data" / "page_figures.toml").read_text("utf-8"))["figure"]
    missing = [f["quote"] for f in figures
               if not all(flat(part) in flat(RULES) for part in f["quote"].split("……") if part)]
    assert missing == []


def test_every_tariff_key_and_scenario_setting_is_named_with_its_rule():
    published = tomllib.loads((ROOT / "smop_pricing" / "data" / "published.toml").read_text("utf-8"))
    keys = set(published) - {"name", "name_en", "version", "currency"} | set(_SETTING_KEYS)
    table = RULES[RULES.index("## The settings, in one place"):]
    assert {key for key in keys if f"`{key}`" not in table and f"`[[{key}]]`" not in table} == set()


def test_the_readme_and_contributing_send_readers_to_the_rules():
    for name in ("README.md", "CONTRIBUTING.md"):
        assert "docs/rules.md" in (ROOT / name).read_text("utf-8"), name


def tracked_texts() -> dict[str, str]:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return {name: (ROOT / name).read_text("utf-8", errors="replace") for name in files
            if (ROOT / name).is_file() and (ROOT / name).suffix not in (".png", ".xlsx")}


def test_no_file_in_the_repository_points_outside_it():
    outside = ("../" + "shared", "SPEC" + ".md", "/work" + "/")
    found = [f"{name}: {needle}" for name, text in tracked_texts().items() for needle in outside if needle in text]
    assert found == []


def test_code_docs_and_comments_cite_the_rules_by_their_id_in_docs_rules_md():
    # Texts shown to users (i18n TOML, preset descriptions) are left out here: they should show no
    # rule id at all, which is the pages' business, not a matter of where a citation points.
    user_texts = ("smop_pricing/data/i18n/", "smop_pricing/data/presets/")
    old = re.compile(r"\bSPEC [RE]\d")
    found = [name for name, text in tracked_texts().items() if not name.startswith(user_texts) and old.search(text)]
    assert found == []
