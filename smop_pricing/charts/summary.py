"""Text alternatives of the charts (WCAG 1.1.1, issue 20): a short summary of what a chart shows,
worded in zh or en from the frame its builder draws.

Each builder puts its summary in the Vega-Lite ``description`` (the chart's accessible name, read
by screen readers), and ``smop_ui.charts.draw`` shows the same text as a caption under the chart,
so a reader who cannot see the marks, or cannot tell their colours apart, reads what they say.
A summary names the series, their ranges and what stands out (cliffs, refusals, overages): the
figures a tooltip would give one point at a time. Texts: ``data/i18n/a11y.toml``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pandas as pd

from smop_pricing.i18n import t
from smop_pricing.money import format_money


def _money(value: Any, lang: str) -> str:
    """A chart's yuan float as money text (to the fen: the frames hold fen / 100)."""
    return format_money(Decimal(f"{float(value):.2f}"), lang)


def _count(value: Any) -> str:
    return f"{int(value):,}"


def _row_of_least(frame: pd.DataFrame, column: str) -> pd.Series:
    """The first row holding ``column``'s least value."""
    return frame.iloc[int(frame[column].to_numpy().argmin())]


def _row_of_most(frame: pd.DataFrame, column: str) -> pd.Series:
    """The first row holding ``column``'s largest value."""
    return frame.iloc[int(frame[column].to_numpy().argmax())]


def _day(value: object) -> str:
    return pd.Timestamp(value).date().isoformat()  # type: ignore[arg-type]


def _sentence(head: str, parts: Iterable[str], lang: str) -> str:
    """``head`` and ``parts`` as one sentence: "head; a; b." / "head；a；b。"."""
    return t("a11y.sep", lang).join([head, *(p for p in parts if p)]) + t("a11y.end", lang)


# --------------------------------------------------------------------------- quote page


def quote_capacity(frame: pd.DataFrame, lang: str) -> str:
    """``charts.quote.capacity_frame``: the users bar, then each purchase's capacity by part."""
    return quote_capacity_rows(zip(frame["row"].tolist(), frame["part"].tolist(), frame["users"].tolist(),
                                   frame["order"].tolist(), strict=True), lang)


def quote_capacity_rows(records: Iterable[tuple[str, str, int, int]], lang: str) -> str:
    """``quote_capacity`` of the frame's rows as plain values (row, part, users, order): a few rows,
    grouped here by hand (grouping them with pandas was most of the chart's build)."""
    users, empty = 0, True
    purchases: dict[str, list[tuple[str, int]]] = {}  # by row, in the frame's order
    for row, part, count, order in records:
        empty = False
        if order == 0:
            users += int(count)
        elif order > 0:
            purchases.setdefault(row, []).append((part, int(count)))
    if empty:
        return t("a11y.empty", lang)
    sep = t("a11y.list_sep", lang)
    rows = [
        t("a11y.quote_capacity_row", lang, row=row, capacity=_count(sum(count for _, count in parts)),
          parts=sep.join(t("a11y.part", lang, part=part, value=_count(count)) for part, count in parts))
        for row, parts in purchases.items()
    ]
    return _sentence(t("a11y.quote_capacity", lang, users=_count(users)), rows, lang)


def quote_compare(costs: pd.DataFrame, lang: str) -> str:
    """``quote.options.compare_costs``: each option's total and its parts."""
    if costs.empty:
        return t("a11y.empty", lang)
    rows = []
    for option, parts in costs.groupby("option", sort=False):
        named = t("a11y.list_sep", lang).join(
            t("a11y.part", lang, part=p.part, value=_money(p.cost, lang)) for p in parts.itertuples()
        )
        rows.append(t("a11y.quote_compare_row", lang, option=option, total=parts["total"].iloc[0], parts=named))
    head = t("a11y.quote_compare", lang, count=costs["option"].nunique())
    return _sentence(head, rows, lang)


# --------------------------------------------------------------------------- cost curve


def cost_curve(lines: pd.DataFrame, lang: str) -> str:
    """``charts.curve.cost_lines``-shaped frame (users, series, fee): each series' first and last
    fee, and the cliffs of the first (literal) series: steps where more users cost less."""
    if lines.empty:
        return t("a11y.empty", lang)
    series = list(dict.fromkeys(lines["series"]))
    parts = []
    for name in series:
        one = lines[lines["series"] == name].sort_values("users")
        parts.append(t("a11y.curve_series", lang, series=name, first=_money(one["fee"].iloc[0], lang),
                       last=_money(one["fee"].iloc[-1], lang)))
    literal = lines[lines["series"] == series[0]].sort_values("users").reset_index(drop=True)
    steps = literal["fee"].diff()
    falls = steps[steps < 0]
    if len(falls):
        worst = int(falls.idxmin())
        parts.append(t("a11y.curve_cliffs", lang, count=len(falls), drop=_money(-falls.min(), lang),
                       users=_count(literal["users"].iloc[worst])))
    else:
        parts.append(t("a11y.curve_no_cliffs", lang))
    head = t("a11y.curve_cost", lang, low=_count(lines["users"].min()), high=_count(lines["users"].max()))
    return _sentence(head, parts, lang)


def per_thousand(data: pd.DataFrame, lang: str) -> str:
    """``charts.curve.per_thousand_frame``: per term, the lowest and highest cost per 1,000 users."""
    if data.empty:
        return t("a11y.empty", lang)
    rows = []
    for term, one in data.sort_values("months", kind="stable").groupby("term", sort=False):
        low, high = _row_of_least(one, "per_thousand"), _row_of_most(one, "per_thousand")
        rows.append(t("a11y.per_thousand_row", lang, term=term,
                      low=_money(low["per_thousand"], lang), low_users=_count(low["users"]),
                      high=_money(high["per_thousand"], lang), high_users=_count(high["users"])))
    return _sentence(t("a11y.per_thousand", lang), rows, lang)


def marginal(data: pd.DataFrame, lang: str) -> str:
    """``charts.curve.marginal_frame``: how many steps go down (cliffs), the largest fall and rise."""
    if data.empty:
        return t("a11y.empty", lang)
    parts = []
    down = data[data["marginal"] < 0]
    if len(down):
        worst = _row_of_least(data, "marginal")
        parts.append(t("a11y.marginal_down", lang, count=len(down), drop=_money(-worst["marginal"], lang),
                       start=_count(worst["start"]), end=_count(worst["end"])))
    else:
        parts.append(t("a11y.marginal_no_down", lang))
    if (data["marginal"] > 0).any():
        top = _row_of_most(data, "marginal")
        parts.append(t("a11y.marginal_up", lang, rise=_money(top["marginal"], lang),
                       start=_count(top["start"]), end=_count(top["end"])))
    return _sentence(t("a11y.marginal", lang, steps=len(data)), parts, lang)


# --------------------------------------------------------------------------- lifecycle


def timeline(periods: pd.DataFrame, markers: pd.DataFrame, rules: pd.DataFrame, lang: str) -> str:
    """The timeline's frames: ``period_frame`` with ``state_label``, ``marker_frame``, ``rule_frame``."""
    if periods.empty:
        return t("a11y.empty", lang)
    parts = [
        t("a11y.timeline_period", lang, state=p.state_label, first=_day(p.start), last=_day(p.last),
          days=_count(p.days))
        for p in periods.itertuples()
    ]
    if len(markers):
        refused = int((markers["kind"] == "refused").sum())
        events = t("a11y.timeline_events", lang, count=len(markers))
        if refused:
            events += t("a11y.list_sep", lang) + t("a11y.timeline_refused", lang, count=refused)
        parts.append(events)
    if len(rules):
        parts.append(t("a11y.timeline_rules", lang, count=len(rules)))
    return _sentence(t("a11y.timeline", lang), parts, lang)


def life_capacity(segments: pd.DataFrame, names: dict[str, str], lang: str) -> str:
    """``charts.lifecycle.capacity_frame``: the range of users and of capacity, and the overages.
    ``names``: the chart's series names for ``users`` and ``capacity``."""
    if segments.empty:
        return t("a11y.empty", lang)
    parts = [
        t("a11y.life_capacity_range", lang, series=names[key], low=_count(segments[key].min()),
          high=_count(segments[key].max()))
        if segments[key].min() != segments[key].max()
        else t("a11y.life_capacity_flat", lang, series=names[key], value=_count(segments[key].min()))
        for key in ("users", "capacity")
    ]
    over = segments[segments["over"] > 0]
    if len(over):
        days = int(((over["end"] - over["start"]).dt.days).sum())
        parts.append(t("a11y.life_over", lang, days=_count(days), over=_count(over["over"].max())))
    else:
        parts.append(t("a11y.life_not_over", lang))
    head = t("a11y.life_capacity", lang, first=_day(segments["start"].iloc[0]), last=_day(segments["last"].iloc[-1]))
    return _sentence(head, parts, lang)


def spend(charges: pd.DataFrame, lang: str) -> str:
    """``charts.lifecycle.spend_frame``: how many charges, their total, the last one's day."""
    total = float(charges["amount"].sum()) if len(charges) else 0.0
    head = t("a11y.spend", lang, count=len(charges), total=_money(total, lang))
    parts = [t("a11y.spend_last", lang, date=_day(charges["date"].max()))] if len(charges) else []
    return _sentence(head, parts, lang)


# --------------------------------------------------------------------------- pricing review


def review_compare(data: pd.DataFrame, lang: str) -> str:
    """``charts.review.curves_data``: each tariff and purchase at the largest user count."""
    if data.empty:
        return t("a11y.empty", lang)
    high = int(data["users"].max())
    last = data[data["users"] == high]
    parts = [
        t("a11y.review_series", lang, tariff=r.tariff, purchase=r.purchase, high=_count(high),
          value=_money(r.yuan, lang))
        for r in last.drop_duplicates(["tariff", "purchase"]).itertuples()
    ]
    head = t("a11y.review_compare", lang, low=_count(data["users"].min()), high=_count(high))
    return _sentence(head, parts, lang)


def review_difference(data: pd.DataFrame, lang: str) -> str:
    """``charts.review.difference_data``: per purchase, the range of what-if minus published."""
    if data.empty:
        return t("a11y.empty", lang)
    parts = [
        t("a11y.review_difference_row", lang, purchase=purchase, low=_money(one["yuan"].min(), lang),
          high=_money(one["yuan"].max(), lang))
        for purchase, one in data.groupby("purchase", sort=False)
    ]
    return _sentence(t("a11y.review_difference", lang), parts, lang)


def review_overpay(data: pd.DataFrame, lang: str) -> str:
    """``charts.review.overpay_data``: per tariff, the largest overpay and how many needs overpay."""
    if data.empty:
        return t("a11y.empty", lang)
    parts = []
    for tariff, one in data.groupby("tariff", sort=False):
        paying = one[one["yuan"] > 0]
        if len(paying):
            top = _row_of_most(one, "yuan")
            parts.append(t("a11y.review_overpay_row", lang, tariff=tariff, most=_money(top["yuan"], lang),
                           need=_count(top["need"]), count=len(paying)))
    return _sentence(t("a11y.review_overpay", lang), parts, lang)


def histogram(data: pd.DataFrame, lang: str) -> str:
    """``charts.portfolio.histogram_data``: customers whose bill falls, holds or rises."""
    counts = data.groupby("side", sort=False)["count"].sum()
    parts = [t("a11y.histogram_row", lang, side=side, count=_count(n)) for side, n in counts.items()]
    return _sentence(t("a11y.histogram", lang, count=_count(data["count"].sum() if len(data) else 0)), parts, lang)


# --------------------------------------------------------------------------- growth planner


def plan_capacity(frame: pd.DataFrame, users: str, lang: str) -> str:
    """``charts.plan.capacity_frame`` (month, series, value): the users' and each plan's capacity,
    first month to last, and the months a plan leaves users over its capacity. ``users``: the
    users series' name."""
    if frame.empty:
        return t("a11y.empty", lang)
    demand = frame[frame["series"] == users].sort_values("month", kind="stable")
    parts = []
    for name, one in frame.groupby("series", sort=False):
        one = one.sort_values("month", kind="stable")
        text = t("a11y.curve_series", lang, series=name, first=_count(one["value"].iloc[0]),
                 last=_count(one["value"].iloc[-1]))
        if name != users:
            short = int((one["value"].to_numpy() < demand["value"].to_numpy()[: len(one)]).sum())
            if short:
                text += t("a11y.list_sep", lang) + t("a11y.plan_short", lang, months=short)
        parts.append(text)
    head = t("a11y.plan_capacity", lang, first=_month(frame["month"].min()), last=_month(frame["month"].max()))
    return _sentence(head, parts, lang)


def plan_spend(frame: pd.DataFrame, lang: str) -> str:
    """``charts.plan.spend_frame`` (month, series, cumulative value): each plan's spend by the end."""
    if frame.empty:
        return t("a11y.empty", lang)
    last = _month(frame["month"].max())
    parts = [
        t("a11y.plan_spend_row", lang, series=name, total=_money(one["value"].max(), lang))
        for name, one in frame.groupby("series", sort=False)
    ]
    head = t("a11y.plan_spend", lang, first=_month(frame["month"].min()), last=last)
    return _sentence(head, parts, lang)


def _month(value: object) -> str:
    return pd.Timestamp(value).strftime("%Y-%m")  # type: ignore[arg-type]
