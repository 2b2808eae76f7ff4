"""JSON with exact money: a Decimal is written as a JSON number with its own digits."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

_MARK = "\u0000dec:"
_PATTERN = re.compile(r'"\\u0000dec:(-?[0-9.]+)"')


def _default(value: object) -> Any:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return f"{_MARK}{value}"
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(obj: object, indent: int | None = 2) -> str:
    """``json.dumps`` where Decimals become exact numbers and dates ISO strings."""
    text = json.dumps(obj, default=_default, ensure_ascii=False, indent=indent)
    return _PATTERN.sub(r"\1", text)
