"""Every registered page in Chinese shows no English word of ours: the tariff is named in words,
never by its version key ``published``. The rendered text is gathered from every element's
message (labels, help, options, captions, metrics, table headers and cells, chart titles)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from google.protobuf.message import Message

from smop_ui.registry import PAGES
from tests.conftest import page_test

SKIPPED_FIELDS = frozenset({"id", "form_id", "spec", "columns", "data", "key", "dataframe_id", "selection_mode",
                            "url", "page_script_hash", "page", "type", "format", "accept_file"})


def _proto_strings(message: Message) -> Iterator[str]:
    for field, value in message.ListFields():
        if field.name in SKIPPED_FIELDS:
            continue
        values = value if getattr(field, "is_repeated", False) else [value]
        for item in values:
            if isinstance(item, str):
                yield item
            elif isinstance(item, Message):
                yield from _proto_strings(item)


def _spec_strings(node: Any, key: str = "") -> Iterator[str]:
    """A chart's shown words: titles, texts and the domains its legends list."""
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _spec_strings(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from _spec_strings(value, key)
    elif isinstance(node, str) and key in ("title", "text", "domain"):
        yield node


def _table_strings(proto: Message) -> Iterator[str]:
    import pyarrow as pa

    table = pa.ipc.open_stream(proto.data).read_all()  # type: ignore[attr-defined]
    config = json.loads(proto.columns or "{}") if hasattr(proto, "columns") else {}  # type: ignore[attr-defined]
    for name in table.column_names:
        if name.startswith("__index_level_"):
            continue
        label = (config.get(name) or config.get(f"name:{name}") or {}).get("label")
        yield str(label or name)
    for column in table.columns:
        yield from (v for v in column.to_pylist() if isinstance(v, str))


def shown_text(at: Any) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)
        proto = getattr(node, "proto", None)
        if not isinstance(proto, Message):
            return
        parts.extend(_proto_strings(proto))
        spec = getattr(proto, "spec", "")
        if isinstance(spec, str) and spec.startswith("{"):
            parts.extend(_spec_strings(json.loads(spec)))
        if type(proto).__name__ == "Arrow":
            parts.extend(_table_strings(proto))

    walk(at._tree)
    return "\n".join(parts)


@pytest.mark.parametrize("spec", PAGES, ids=[spec.url_path for spec in PAGES])
def test_a_chinese_page_never_shows_the_word_published(spec):
    at = page_test(spec)
    assert not at.exception
    text = shown_text(at)
    assert "腾讯" in text  # the footer names the tariff (in words, with its date)
    assert "published" not in text.lower()
