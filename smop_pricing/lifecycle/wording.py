"""Messages about a scenario worded with the labels a person sees on the lifecycle page.

The core's errors name fields as the scenario file does (``until``, ``events[2].months``,
``settings.warn_ratio``) and quote action codes (``buy_packs``). On the page a person sees
"模拟至", "月数", "第 3 行" and "购买叠加包": :func:`error_text` says the same thing with
those words, in either language. Labels live in ``data/i18n/lifepage.toml``.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from smop_pricing.errors import SmopError, _shown
from smop_pricing.i18n import catalog, t
from smop_pricing.lifecycle.model import ACTIONS

HEADER_LABELS = MappingProxyType({
    "start": "start_label", "months": "months_label", "until": "until_label", "users": "users_label",
    "settings.packs_survive_lapse": "survive_label", "settings.over_quota_lock_days": "lock_label",
    "settings.warn_ratio": "warn_label", "settings.auto_renew_months": "auto_label",
})
COLUMN_LABELS = MappingProxyType({"date": "col_date", "action": "col_action", "months": "col_months",
                                  "units": "col_units", "users": "col_users", "on": "col_on"})
_EVENT = re.compile(r"events\[(\d+)\](?:\.(\w+))?")


def action_text(action: str, lang: str) -> str:
    """An action as the events table shows it: 购买叠加包 (an unknown one quoted as typed)."""
    if action in ACTIONS:
        return t(f"lifepage.act_{action}", lang)
    return t("lifepage.act_unknown", lang, action=action)


def field_label(field: str, lang: str, in_row: bool = False) -> str:
    """The on-screen name of a scenario field: ``until`` -> 模拟至（不含此日）, ``events[2].months``
    -> 第 3 行 · 月数 (just 月数 with ``in_row``: a message shown in the row itself)."""
    if field in HEADER_LABELS:
        return t(f"lifepage.{HEADER_LABELS[field]}", lang)
    match = _EVENT.fullmatch(field)
    if match is None:
        return field
    column = match.group(2)
    shown = t(f"lifepage.{COLUMN_LABELS[column]}", lang) if column in COLUMN_LABELS else column
    row = t("lifepage.row_label", lang, row=int(match.group(1)) + 1)
    if in_row:
        return shown or row
    return f"{row} · {shown}" if shown else row


def _rule_text(error: SmopError, lang: str) -> str:
    """The rule's words, with the page's names for the fields and actions it mentions."""
    params = dict(error.params)
    if isinstance(params.get("action"), str):
        params["action"] = action_text(params["action"], lang)
    if "actions" in params:
        params["actions"] = "、".join(action_text(a, lang) for a in ACTIONS) if lang == "zh" else ", ".join(
            action_text(a, lang) for a in ACTIONS)
    params.update(start_label=t("lifepage.start_label", lang), until_label=t("lifepage.until_label", lang))
    key = f"lifepage.rule_{error.rule}"  # a rule that names another field: worded for the page
    if key in catalog():
        return t(key, lang, **params)
    return t(f"err.{error.rule}", lang, **params)


def error_text(error: SmopError, lang: str, in_row: bool = False) -> str:
    """The error with the page's words: '模拟至（不含此日）：必须晚于首次购买日（2026-12-01）（收到 2022-10-01）'."""
    label = field_label(error.field, lang, in_row)
    rule = _rule_text(error, lang)
    value = error.value
    if error.rule == "not_used" or value in ("", None):
        return t("err.frame_bare", lang, field=label, rule=rule)
    if isinstance(value, str) and error.field.endswith(".action"):
        value = action_text(value, lang)
    return t("err.frame", lang, field=label, rule=rule, value=_shown(value))
