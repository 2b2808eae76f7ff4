"""The growth-plan page's inputs bound to the URL, its forecast sources, and its kept results.

``from``, ``to`` (user counts as people write them, read by ``parse_users``), ``rate`` (a
fraction) and ``start`` (YYYY-MM) are not whole-number widgets, so they are seeded here the way
``smop_ui.params.seed`` seeds the others: from the URL, else from the value another page shared,
else the default; a bad value gives the same notice naming the parameter. ``start`` is kept in
the session as the month's first day (a date), so the quote page's ``start`` date carries over
both ways. Everything computed is kept with ``memo`` under the inputs it is made from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import pandas as pd
import streamlit as st

from smop_pricing.charts.plan import (
    PlanLabels,
    capacity_chart,
    capacity_description,
    capacity_frame,
    spend_chart,
    spend_description,
    spend_frame,
)
from smop_pricing.errors import SmopError
from smop_pricing.i18n import t
from smop_pricing.plan.forecast import (
    MAX_CSV_BYTES,
    MAX_START,
    MIN_START,
    Forecast,
    from_rows,
    month_label,
    parse_month,
    read_forecast_csv,
    scaled,
    shaped,
)
from smop_pricing.plan.strategies import STRATEGIES, PlanResult, Problem, all_strategies, parse_rate
from smop_pricing.plan.uncertainty import Uncertainty, analyse
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.validation import parse_users
from smop_ui.charts import Spec, memo, templated
from smop_ui.markdown import quoted
from smop_ui.params import MAX_PARAM_CHARS

_NOTICES, _FALLBACKS, _SHARED = "_url_notices", "_url_notice_fallbacks", "_shared_"
TABLE_KEY, UPLOAD_KEY, SOURCE_KEY = "plan_table", "plan_upload", "plan_source"
DETAIL_KEY = "plan_detail"  # the open tab of the plans' details, by language (its labels are in it)
SOURCES = ("shape", "table", "csv")


@dataclass(frozen=True)
class TextParam:
    """A text input bound to a URL parameter; ``read`` raises SmopError for a bad value."""

    name: str
    default: str
    read: Callable[[str], object]
    rule_key: str


def _read_users(text: str) -> object:
    return parse_users(text)


def _read_rate(text: str) -> object:
    return parse_rate(text)


def text_params() -> tuple[TextParam, ...]:
    return (
        TextParam("from", "300000", _read_users, "plan.rule_users"),
        TextParam("to", "3000000", _read_users, "plan.rule_users"),
        TextParam("rate", "0", _read_rate, "plan.rule_rate"),
    )


def default_start() -> dt.date:
    return dt.date.today().replace(day=1)


@lru_cache(maxsize=1)
def month_options() -> tuple[dt.date, ...]:
    """The start months offered (2000-01 .. 2090-12: 1,092 of them), made once per process."""
    months, day = [], MIN_START
    while day <= MAX_START:
        months.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return tuple(months)


@lru_cache(maxsize=1)
def month_labels() -> Mapping[dt.date, str]:
    """Each start month's label (YYYY-MM), read-only: the select box formats its 1,092 options on
    every run, a look-up instead of a strftime each."""
    return MappingProxyType({day: f"{day:%Y-%m}" for day in month_options()})


def month_text(day: dt.date) -> str:
    """A start month as the select box shows it (YYYY-MM)."""
    return month_labels().get(day) or f"{day:%Y-%m}"


def _raw(name: str) -> str | None:
    if name not in st.query_params:
        return None
    values = st.query_params.get_all(name)
    return values[-1] if values else None


def _valid(param: TextParam, value: object) -> bool:
    if not isinstance(value, str) or len(value) > MAX_PARAM_CHARS:
        return False
    try:
        param.read(value)
    except SmopError:
        return False
    return True


def _notice(name: str, raw: str, rule: str, default: object, lang: str) -> None:
    st.session_state.setdefault(_NOTICES, {})[name] = t(
        "nav.bad_param", lang, name=name, value=quoted(raw, MAX_PARAM_CHARS), rule=rule, default=default)


def seed_plan_params(lang: str) -> None:
    """Seed ``from``, ``to``, ``rate`` and ``start`` (see the module's notes)."""
    state = st.session_state
    fallbacks: dict[str, object] = state.setdefault(_FALLBACKS, {})
    for param in text_params():
        if param.name in state:
            if not isinstance(state[param.name], str):
                state[param.name] = param.default
            continue
        raw = _raw(param.name)
        if raw is not None:
            if _valid(param, raw.strip()):
                state[param.name] = raw.strip()
                continue
            _notice(param.name, raw, t(param.rule_key, lang), param.default, lang)
            fallbacks[param.name] = param.default
            del st.query_params[param.name]
            state[param.name] = param.default
        else:
            shared = state.get(_SHARED + param.name)
            state[param.name] = shared if _valid(param, shared) else param.default
    start = state.get("start", state.get(_SHARED + "start"))
    if isinstance(start, dt.date) and "start" in state:
        state["start"] = _month_of(start)
        return
    raw = _raw("start")
    if raw is not None:
        month = read_start(raw)
        if month is not None:
            state["start"] = month
            return
        else:
            _notice("start", raw, t("plan.rule_month", lang), month_label(default_start()), lang)
            fallbacks["start"] = default_start()
            del st.query_params["start"]
    state["start"] = _month_of(start) if isinstance(start, dt.date) else default_start()


def read_start(raw: str) -> dt.date | None:
    """A URL's ``start``: YYYY-MM, or a date YYYY-MM-DD (the quote page's) taken as its month."""
    text = raw.strip()
    if len(text) > MAX_PARAM_CHARS:
        return None
    try:
        return parse_month(text)
    except SmopError:
        pass
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
    return day.replace(day=1) if day is not None and MIN_START <= day.replace(day=1) <= MAX_START else None


def _month_of(day: dt.date) -> dt.date:
    return min(max(day.replace(day=1), MIN_START), MAX_START)


def write_plan_url() -> None:
    """Put valid text values and the start month in the URL (defaults left out) and share them."""
    state = st.session_state
    for param in text_params():
        value = state.get(param.name)
        if not _valid(param, value):
            continue
        state[_SHARED + param.name] = value
        _put(param.name, value if value != param.default else None)
    start = state.get("start")
    if isinstance(start, dt.date):
        state[_SHARED + "start"] = start
        _put("start", month_label(start) if start != default_start() else None)


def _put(name: str, text: str | None) -> None:
    if text is None:
        if name in st.query_params:
            del st.query_params[name]
        return
    if _raw(name) != text:
        st.query_params[name] = text
        st.session_state.get(_NOTICES, {}).pop(name, None)


def parsed(name: str) -> Any:
    """The value of text input ``name`` read, or the SmopError saying why it cannot be."""
    param = next(p for p in text_params() if p.name == name)
    try:
        return param.read(str(st.session_state.get(name, "")))
    except SmopError as exc:
        return exc


# --------------------------------------------------------------------------- forecast sources


def shape_inputs(lang: str) -> tuple[Forecast | None, tuple[str, ...]]:
    """The growth shape's forecast from the inputs, or the messages saying what is wrong."""
    state = st.session_state
    values = (parsed("from"), parsed("to"), parsed("rate"))
    errors = tuple(v.message(lang) for v in values if isinstance(v, SmopError))
    if errors:
        return None, errors
    try:
        return shaped(state["start"], values[0], values[1], int(state["months"]), str(state["shape"])), ()
    except SmopError as exc:
        return None, (exc.message(lang),)


def table_frame(forecast: Forecast) -> pd.DataFrame:
    """The editable month-by-month table (text cells, so users may type 35万)."""
    return pd.DataFrame({"month": list(forecast.labels), "users": [str(u) for u in forecast.users]})


def reset_table() -> None:
    """Refill the month-by-month table from the growth shape on the next run (a button's callback)."""
    st.session_state.pop(TABLE_KEY + "_seed", None)
    st.session_state.pop(TABLE_KEY, None)


def table_forecast(frame: pd.DataFrame) -> Forecast:
    """The forecast the edited table gives; a bad row raises SmopError naming it (rows[n], n from 1)."""
    cells = frame.reindex(columns=["month", "users"])
    rows = [(None if pd.isna(m) else m, None if pd.isna(u) else u) for m, u in cells.itertuples(index=False)]
    return from_rows(rows, first_line=1)


def upload_forecast(uploaded: Any) -> Forecast:
    """The uploaded CSV's forecast (read with a bound)."""
    data = uploaded.getvalue()[: MAX_CSV_BYTES + 1] if hasattr(uploaded, "getvalue") else uploaded.read(
        MAX_CSV_BYTES + 1)
    return read_forecast_csv(bytes(data))


# --------------------------------------------------------------------------- results, kept


def plans_for(forecast: Forecast, held: int, rate: Decimal) -> tuple[PlanResult, ...]:
    """The four strategies on the forecast (the headline's): tens of milliseconds, kept by what they read."""
    def build() -> tuple[PlanResult, ...]:
        return all_strategies(Problem(published_tariff(), forecast, held, rate))

    value: tuple[PlanResult, ...] = memo("plan_plans", (forecast, held, rate), build)
    return value


def uncertainty_for(forecast: Forecast, held: int, rate: Decimal, spread: int) -> Uncertainty:
    """The low / base / high analysis (12 candidate plans under 3 forecasts: the page's slowest
    part, ~0.2 s), asked for where its section is drawn, after the headline and the strategies."""
    def build() -> Uncertainty:
        problem = Problem(published_tariff(), forecast, held, rate)
        cases = [("base", forecast)]
        if spread:
            cases += [("low", scaled(forecast, -spread)), ("high", scaled(forecast, spread))]
        return analyse(problem, cases, planned=plans_for(forecast, held, rate))  # the headline's, kept

    value: Uncertainty = memo("plan_uncertainty_result", (forecast, held, rate, spread), build)
    return value


def results(forecast: Forecast, held: int, rate: Decimal, spread: int) -> tuple[tuple[PlanResult, ...], Uncertainty]:
    """The four strategies on the forecast and, with a spread, the low / base / high analysis."""
    return plans_for(forecast, held, rate), uncertainty_for(forecast, held, rate, spread)


def chart_labels(lang: str) -> PlanLabels:
    return PlanLabels(
        month=t("plan.col_month", lang), users_axis=t("plan.axis_users", lang), spend_axis=t("plan.axis_spend", lang),
        series=t("plan.legend", lang), users=t("plan.series_users", lang),
        strategies=tuple(t(f"plan.strategy_{name}", lang) for name in STRATEGIES), lang=lang,
    )


def chart_specs(plans: tuple[PlanResult, ...], lang: str) -> tuple[Spec, Spec]:
    """The capacity and spend charts, kept under the plans and the language. Their specs differ
    from plans to plans only in the data and the text alternative, so each is built once per
    language and filled in after (``smop_ui.charts.templated``)."""
    def build() -> tuple[Spec, Spec]:
        labels = chart_labels(lang)
        capacity, spend = capacity_frame(plans, labels), spend_frame(plans, labels)
        return (templated("plan_capacity_template", lang, capacity, capacity_description(capacity, labels),
                          lambda: capacity_chart(capacity, labels)),
                templated("plan_spend_template", lang, spend, spend_description(spend, labels),
                          lambda: spend_chart(spend, labels)))

    value: tuple[Spec, Spec] = memo("plan_charts", (plans, lang), build)
    return value
