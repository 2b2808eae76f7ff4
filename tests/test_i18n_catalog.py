"""The whole text catalog: every key speaks both languages with the same placeholders."""

from string import Formatter

import pytest

from smop_pricing.i18n import LANGS, catalog


def placeholders(text: str) -> set[str]:
    """The names ``str.format`` fills in ``text`` (``{users}``, ``{amount:,}`` -> 'amount')."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in Formatter().parse(text) if name is not None}


KEYS = sorted(catalog())


def test_the_catalog_holds_every_namespace_file():
    assert len({key.split(".")[0] for key in KEYS}) >= 10


@pytest.mark.parametrize("key", KEYS)
def test_every_text_key_has_chinese_and_english_with_the_same_placeholders(key):
    texts = catalog()[key]
    assert set(texts) == set(LANGS), f"{key}: languages {sorted(texts)}"
    assert all(isinstance(texts[lang], str) and texts[lang].strip() for lang in LANGS), key
    assert placeholders(texts["zh"]) == placeholders(texts["en"]), key
