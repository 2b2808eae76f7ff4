"""A scenario in a link: compact JSON, zlib, URL-safe base64 (the page's ``s`` parameter).

The link carries a scenario *document* (the JSON object of a scenario file, whose
events may still be invalid: the page keeps what the user typed). Both ways are
bounded: at most :data:`MAX_LINK_CHARS` characters encoded and
:data:`MAX_DECODED_BYTES` bytes of JSON decoded, so a crafted link cannot make the
server inflate a zip bomb. Every failure to read a link raises
:class:`~smop_pricing.errors.ScenarioError` naming the parameter.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta

from smop_pricing.errors import InputError, ScenarioError
from smop_pricing.lifecycle.model import MAX_DATE, MIN_DATE, Scenario
from smop_pricing.lifecycle.scenario import json_text, parse_scenario, scenario_to_dict
from smop_pricing.pricing.rules import MAX_MONTHS, term_dates
from smop_pricing.pricing.tariff import Tariff
from smop_pricing.validation import parse_count, parse_users

PARAM = "s"
PRESET_PARAM = "preset"
QUOTE_PARAMS = ("users", "start", "months")
"""A quote to simulate: that many users, a first purchase on ``start`` for ``months``."""
LIFECYCLE_PATH = "/lifecycle-simulator"
MAX_LINK_CHARS = 4_000
MAX_DECODED_BYTES = 65_536
_LINK_TEXT = re.compile(r"[A-Za-z0-9_-]+={0,2}")


def _plain(value: object) -> Any:
    """JSON's ``default``: dates as ISO text, Decimals as exact numbers (or text)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else str(value)
    raise TypeError(f"cannot put {type(value).__name__} in a scenario link")


def compact_json(document: Mapping[str, Any]) -> str:
    """The document as JSON without spaces (dates ISO, non-ASCII text kept)."""
    return json.dumps(document, default=_plain, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False)


def encode_document(document: Mapping[str, Any]) -> str:
    """The link text of ``document``; a document too large for a link raises ScenarioError."""
    data = compact_json(document).encode("utf-8")
    if len(data) > MAX_DECODED_BYTES:
        raise ScenarioError(PARAM, f"{len(data):,} bytes", "link_large", maximum=f"{MAX_DECODED_BYTES:,}")
    text = base64.urlsafe_b64encode(zlib.compress(data, 9)).decode("ascii").rstrip("=")
    if len(text) > MAX_LINK_CHARS:
        raise ScenarioError(PARAM, f"{len(text):,}", "link_long", maximum=f"{MAX_LINK_CHARS:,}")
    return text


def decode_document(text: str) -> dict[str, Any]:
    """The JSON object a link carries (numbers with a fraction as Decimal).

    Raises ScenarioError for a link that is too long, not base64, not zlib, larger
    than :data:`MAX_DECODED_BYTES` once inflated, not UTF-8 JSON, or not an object.
    """
    if len(text) > MAX_LINK_CHARS:
        raise ScenarioError(PARAM, f"{len(text):,}", "link_long", maximum=f"{MAX_LINK_CHARS:,}")
    text = text.strip()
    if not _LINK_TEXT.fullmatch(text):
        raise ScenarioError(PARAM, "", "link_corrupt")
    try:
        packed = base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        raise ScenarioError(PARAM, "", "link_corrupt") from None
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(packed, MAX_DECODED_BYTES + 1)
    except zlib.error:
        raise ScenarioError(PARAM, "", "link_corrupt") from None
    if len(data) > MAX_DECODED_BYTES:
        raise ScenarioError(PARAM, "", "link_large", maximum=f"{MAX_DECODED_BYTES:,}")
    if not inflater.eof or inflater.unused_data:
        raise ScenarioError(PARAM, "", "link_corrupt")
    try:
        raw = json_text(data, PARAM)  # the one JSON reader of scenarios (its guards included)
    except ScenarioError:
        raise ScenarioError(PARAM, "", "link_corrupt") from None
    if not isinstance(raw, dict):
        raise ScenarioError(PARAM, type(raw).__name__, "scenario_object")
    return raw


def encode_scenario(scenario: Scenario) -> str:
    """The link text of a (valid) scenario."""
    return encode_document(scenario_to_dict(scenario))


def decode_scenario(text: str) -> Scenario:
    """The scenario a link carries; an invalid one raises ScenarioError naming the field."""
    return parse_scenario(decode_document(text), name=PARAM)


def quote_scenario_params(users: int, start: date, months: int) -> dict[str, str]:
    """The lifecycle page's URL parameters that simulate a quote (see :func:`quote_document`)."""
    return {"users": str(users), "start": start.isoformat(), "months": str(months)}


def quote_scenario_url(users: int, start: date, months: int, path: str = LIFECYCLE_PATH) -> str:
    """The lifecycle page's link for a quote: ``/lifecycle-simulator?users=350000&start=2026-12-01&months=12``."""
    return f"{path}?{urlencode(quote_scenario_params(users, start, months))}"


def quote_document(params: Mapping[str, str], tariff: Tariff) -> dict[str, Any]:
    """The scenario of a quote from the URL parameters ``users``, ``start`` and ``months``: a first
    purchase on ``start`` for ``months`` with that many users, no events, simulated until one month
    after the reclamation day (so the expiry, the lapse and the reclamation are all seen).

    A missing or bad value raises InputError/ScenarioError naming the parameter.
    """
    for name in QUOTE_PARAMS:
        if not str(params.get(name) or "").strip():
            raise ScenarioError(name, "", "missing")
    users = parse_users(params["users"])
    months = parse_count("months", params["months"], 1, MAX_MONTHS)
    text = str(params["start"]).strip()[:40]
    try:
        start = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        start = None
    if start is None:
        raise ScenarioError("start", text, "date")
    if not MIN_DATE <= start <= MAX_DATE:
        raise InputError("start", text, "date_range", minimum=MIN_DATE.isoformat(), maximum=MAX_DATE.isoformat())
    _, reclamation = term_dates(start, months, tariff)
    until = min(reclamation + relativedelta(months=1), MAX_DATE)
    return {"start": start.isoformat(), "months": months, "until": until.isoformat(), "users": users,
            "events": []}
