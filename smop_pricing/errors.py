"""One exception type per kind of failure; each message names the field and the value.

Every error carries a rule key (``err.<rule>`` in ``data/i18n/err.toml``) and its
parameters, so the CLI and the pages can say the same thing in the user's language.
``str(error)`` is the English message.
"""

from __future__ import annotations

from decimal import Decimal
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
        rule = t(f"err.{self.rule}", lang, **self.params)
        if shown in ("", None):
            return t("err.frame_bare", lang, field=self.field, rule=rule)
        return t("err.frame", lang, field=self.field, rule=rule, value=shown)

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
    shown = value if isinstance(value, str) else repr(value)
    return shown[:77] + "..." if len(shown) > 80 else shown


class InputError(SmopError):
    """A user-supplied number (users, months, held units, ...) breaks its rule."""


class TariffError(SmopError):
    """A tariff file is missing a key, has a wrong type, or breaks a rule."""


class ScenarioError(SmopError):
    """A lifecycle scenario is malformed: the field names the event index when it can."""


class PortfolioError(SmopError):
    """A portfolio file cannot be read at all (no usable columns, not text, ...)."""
