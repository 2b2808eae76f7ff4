"""The quote page's blocks: the calculation table, the tier table, exports and the compare view.

They place what the core computes; no pricing rule lives here. The charts are kept as immutable
Vega-Lite specs per input (``smop_ui.charts``): each is a pure function of the published tariff
and plain input values, so one kept spec serves every session. The exports are built when their
button is clicked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import cast

import pandas as pd
import streamlit as st

from smop_pricing.charts.quote import capacity_chart, compare_chart
from smop_pricing.i18n import t
from smop_pricing.pricing.rules import MAX_HELD_UNITS, MAX_TERM_MONTHS, MAX_USERS, Quote, last_renewal_day, quote
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.quote.export import export_filename, quote_csv, quote_html, quote_xlsx
from smop_pricing.quote.options import KINDS, MAX_OPTIONS, Kind, Option, compare_costs, compare_frame
from smop_pricing.quote.report import LineItem, tier_rows
from smop_ui.charts import Spec, draw, vega_spec
from smop_ui.params import ChoiceParam, IntParam, Param, clear_url, seed, write_url

_CHART_ENTRIES = 256  # a spec is a few kB
Slot = tuple[int, int, int, str]  # users, months, held units, how the packs are bought (a Kind)

# The tier table's highlights, as Markdown in its cells (a pandas Styler did the same at a third
# of the page's rerun): the literal purchase's tier orange, the cheaper one's green.
LITERAL_FILL = "orange-background"
CHEAPEST_FILL = "green-background"
STRONG_KEYS = ("total",)


def _cell(text: str) -> str:
    """Table cells are Markdown: escape the few characters our figures could carry."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("|", "\\|")


def line_table(items: Sequence[LineItem], lang: str) -> None:
    """Every line item with its formula; the total in bold."""
    rows = []
    for item in items:
        label, value = _cell(item.label), _cell(item.value)
        if item.key in STRONG_KEYS:
            label, value = f"**{label}**", f"**{value}**"
        rows.append({
            t("quote.col_item", lang): label,
            t("quote.col_formula", lang): f"`{item.formula}`",
            t("quote.col_value", lang): value,
        })
    st.table(pd.DataFrame(rows), hide_index=True)


def _filled(text: str, fill: str) -> str:
    """A table cell's text on a coloured background (Markdown), or as it is when ``fill`` is empty."""
    if not fill or not text:
        return _cell(text)
    inner = _cell(text).replace("[", "\\[").replace("]", "\\]")
    return f":{fill}[{inner}]"


def tier_table(q: Quote, lang: str) -> None:
    """The tariff's tiers, the literal purchase's tier (and the cheaper one's) highlighted."""
    rows = tier_rows(q, lang)
    fills = [LITERAL_FILL if r.literal else CHEAPEST_FILL if r.cheapest else "" for r in rows]
    columns = {
        t("quote.tier_units", lang): [r.units for r in rows],
        t("quote.tier_users", lang): [r.users for r in rows],
        t("quote.tier_price", lang): [r.unit_price for r in rows],
        t("quote.tier_mark", lang): [r.mark for r in rows],
    }
    frame = pd.DataFrame({name: [_filled(text, fill) for text, fill in zip(values, fills, strict=True)]
                          for name, values in columns.items()})
    st.table(frame, hide_index=True)
    caption = "quote.tiers_caption" if q.tariff.tier_mode == "volume" else "quote.tiers_caption_graduated"
    st.caption(t(caption, lang))


def dates_table(start: dt.date, expiry: dt.date, reclamation: dt.date, lang: str) -> None:
    """Start, expiry (service stops), the last day to renew that keeps the data, reclamation."""
    rows = [
        (t("quote.date_start", lang), start),
        (t("quote.date_expiry", lang), expiry),
        (t("quote.date_last_renewal", lang), last_renewal_day(reclamation)),
        (t("quote.date_reclamation", lang), reclamation),
    ]
    st.table(pd.DataFrame({"": [label for label, _ in rows], " ": [day.isoformat() for _, day in rows]}),
             hide_index=True, hide_header=True)


def exports(q: Quote, lang: str, issued: dt.date, start: dt.date | None) -> None:
    """CSV, Excel and the printable quote sheet, built by the core when their button is clicked."""
    csv_col, xlsx_col, html_col = st.columns(3)
    csv_col.download_button(
        t("quote.export_csv", lang), lambda: quote_csv(q, lang, issued, start), export_filename(q, "csv"),
        mime="text/csv", icon=":material/table:", on_click="ignore", width="stretch",
    )
    xlsx_col.download_button(
        t("quote.export_xlsx", lang), lambda: quote_xlsx(q, lang, issued, start), export_filename(q, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/grid_on:", on_click="ignore", width="stretch",
    )
    html_col.download_button(
        t("quote.export_html", lang), lambda: quote_html(q, lang, issued, start), export_filename(q, "html"),
        mime="text/html", icon=":material/print:", on_click="ignore", width="stretch", type="primary",
    )
    st.caption(t("quote.export_hint", lang))


@lru_cache(maxsize=_CHART_ENTRIES)
def capacity_spec(users: int, months: int, held: int, lang: str) -> Spec:
    """The capacity chart of the published tariff's quote for these inputs."""
    return vega_spec(capacity_chart(quote(published_tariff(), users, months, held), lang))


@lru_cache(maxsize=_CHART_ENTRIES)
def compare_spec(slots: tuple[Slot, ...], lang: str) -> Spec:
    """The compare chart of the published tariff's quotes for these slots."""
    tariff = published_tariff()
    options = [Option(quote(tariff, users, months, held), cast(Kind, kind)) for users, months, held, kind in slots]
    return vega_spec(compare_chart(compare_costs(options, lang), lang))


COUNT = ChoiceParam("compare", "2", ("2", "3"))


def _slot_params(n: int, users: int, months: int, held: int) -> list[Param]:
    """Slot n's inputs; they start from the main quote (1: literal, 2: cheapest, 3: another term)."""
    if n == 3:
        months = 24 if months != 24 else 12
    kind = "literal" if n == 1 else "cheapest"
    return [
        IntParam(f"c{n}_users", users, 0, MAX_USERS),
        IntParam(f"c{n}_months", months, 1, MAX_TERM_MONTHS),
        IntParam(f"c{n}_held", held, 0, MAX_HELD_UNITS),
        ChoiceParam(f"c{n}_buy", kind, KINDS),
    ]


def _reset(users: int, months: int, held: int) -> None:
    for n in range(1, MAX_OPTIONS + 1):
        for param in _slot_params(n, users, months, held):
            st.session_state[param.name] = param.default


def follow_quote() -> None:
    """on_change of the main inputs: the compared quotes start again from the new quote."""
    state = st.session_state
    _reset(int(state.get("users") or 0), int(state.get("months") or 1), int(state.get("held") or 0))


def compare_section(q: Quote, lang: str) -> list[Param]:
    """Up to three quotes side by side, each with its own inputs; returns the inputs' parameters."""
    st.header(t("quote.compare", lang))
    st.caption(t("quote.compare_intro", lang))
    seed([COUNT], lang)
    head, reset = st.columns([3, 1], vertical_alignment="bottom")
    head.segmented_control(t("quote.compare_count", lang), list(COUNT.choices), key="compare", required=True)
    reset.button(t("quote.compare_reset", lang), on_click=_reset, args=(q.users, q.months, q.held_units),
                 width="stretch")
    count = int(st.session_state.get("compare") or COUNT.default)
    slots = {n: _slot_params(n, q.users, q.months, q.held_units) for n in range(1, MAX_OPTIONS + 1)}
    shown: list[Param] = [COUNT]
    options: list[Option] = []
    slot_inputs: list[Slot] = []
    columns = st.columns(count, border=True)
    for n in range(1, MAX_OPTIONS + 1):
        params = slots[n]
        if n > count:
            clear_url(params)
            continue
        seed(params, lang)
        shown += params
        users_p, months_p, held_p, _ = params
        with columns[n - 1]:
            st.markdown(f"**{t('quote.compare_slot', lang, n=n)}**")
            users = st.number_input(t("quote.users", lang), 0, MAX_USERS, step=100_000, key=users_p.name)
            months = st.number_input(t("quote.months", lang), 1, MAX_TERM_MONTHS, step=1, key=months_p.name)
            held = st.number_input(t("quote.held", lang), 0, MAX_HELD_UNITS, step=1, key=held_p.name)
            kind = st.segmented_control(
                t("quote.compare_buy", lang), list(KINDS), key=f"c{n}_buy", required=True,
                format_func=lambda k: t(f"quote.buy_{k}", lang),
            )
        options.append(Option(quote(q.tariff, int(users), int(months), int(held)), kind or "literal"))
        slot_inputs.append((int(users), int(months), int(held), kind or "literal"))
    write_url(shown)
    table, chart = st.columns([3, 2], gap="large")
    # The row labels' column gets a header (an empty one fails WCAG 1.3.1: axe empty-table-header).
    table.table(compare_frame(options, lang).rename_axis(t("a11y.compare_figure", lang)))
    with chart:
        st.markdown(f"**{t('quote.compare_chart', lang)}**")
        if q.tariff == published_tariff():
            draw(compare_spec(tuple(slot_inputs), lang))
        else:
            draw(vega_spec(compare_chart(compare_costs(options, lang), lang)))
    return shown
