"""UI and message text, kept as data: ``smop_pricing/data/i18n/<namespace>.toml``.

Each file is one namespace; each table in it is one key with a ``zh`` and an ``en``
string (``str.format`` placeholders allowed). ``t("core.total", "en")`` looks up
table ``total`` in ``core.toml``. Chinese is the default language.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


@lru_cache(maxsize=1)
def catalog() -> Mapping[str, Mapping[str, str]]:
    """Every key as ``namespace.key`` -> {lang: text}; read once, never mutated."""
    entries: dict[str, Mapping[str, str]] = {}
    folder = resources.files("smop_pricing.data.i18n")
    for item in sorted(folder.iterdir(), key=lambda f: f.name):
        if not item.name.endswith(".toml"):
            continue
        namespace = item.name[: -len(".toml")]
        table = tomllib.loads(item.read_text("utf-8"))
        for key, texts in table.items():
            entries[f"{namespace}.{key}"] = MappingProxyType(dict(texts))
    return MappingProxyType(entries)


def t(key: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """The text of ``key`` in ``lang``, formatted with ``params``."""
    texts = catalog().get(key)
    if texts is None:
        raise KeyError(f"no translation for {key!r}")
    text = texts.get(lang) or texts[DEFAULT_LANG]
    return text.format(**params) if params else text
