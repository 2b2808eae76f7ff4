"""One exception type per kind of failure; each message names the field and the value.

Every error carries a rule key (``err.<rule>`` in ``data/i18n/err.toml``) and its
parameters, so the CLI and the pages can say the same thing in the user's language.
``str(error)`` is the English message.
"""

from __future__ import annotations

import reprlib
from decimal import Decimal
from functools import lru_cache
from typing import Any


class SmopError(Exception):
    """Base of every error the core raises on purpose."""

    def __init__(self, field: str, value: object, rule: str, **params: Any) -> None:
        self.field = field
        self.value = value
        self.rule = rule
        self.params: dict[str, Any] = dict(params)
        super().__init__(field, value, rule)

    def message(self, lang: str = "en") -> str:
        """'<field>: <rule text> (got <value>)' in ``lang``."""
        from smop_pricing.i18n import t

        shown = _shown(self.value)
        params = {key: _visible(value) if isinstance(value, str) else value for key, value in self.params.items()}
        rule = t(f"err.{self.rule}", lang, **params)
        field = _visible(str(self.field))
        if shown in ("", None):
            return t("err.frame_bare", lang, field=field, rule=rule)
        return t("err.frame", lang, field=field, rule=rule, value=shown)

    def __str__(self) -> str:
        return self.message("en")


def _shown(value: object) -> str | int:
    """The offending value as the message quotes it: at most 80 characters.

    A huge whole number is shown in scientific notation: Python refuses to turn an int of
    more than 4,300 digits into text, and nobody reads 80 of them anyway.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() <= 256:
            return value
        return f"{Decimal(value):.3e}"
    shown = value if isinstance(value, str) else _short_repr().repr(value)
    shown = shown[:77] + "..." if len(shown) > 80 else shown
    return _visible(shown)


def _visible(text: str) -> str:
    """Control and bidirectional format characters escaped (see safe_io.visible)."""
    from smop_pricing.safe_io import visible

    return visible(text)


@lru_cache(maxsize=1)
def _short_repr() -> reprlib.Repr:
    shortened = reprlib.Repr()
    shortened.maxlevel = 3  # a value nested hundreds deep would exhaust the stack in repr()
    shortened.maxstring = 80
    shortened.maxother = 80
    return shortened


class InputError(SmopError):
    """A user-supplied number (users, months, held units, ...) breaks its rule."""


class TariffError(SmopError):
    """A tariff file is missing a key, has a wrong type, or breaks a rule."""


class ScenarioError(SmopError):
    """A lifecycle scenario is malformed: the field names the event index when it can."""


class PortfolioError(SmopError):
    """A portfolio file cannot be read at all (no usable columns, not text, ...)."""
