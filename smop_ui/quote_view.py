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
import pyarrow as pa
import streamlit as st

from smop_pricing.charts.quote import (
    CAPACITY_COLUMNS,
    capacity_chart,
    capacity_frame_chart,
    capacity_rows,
    capacity_rows_frame,
    compare_chart,
)
from smop_pricing.charts.summary import quote_capacity_rows
from smop_pricing.errors import InputError
from smop_pricing.i18n import t
from smop_pricing.money import format_money, format_rate, users_echo
from smop_pricing.pricing.rules import MAX_HELD_UNITS, MAX_TERM_MONTHS, MAX_USERS, Quote, last_renewal_day, quote
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.quote.export import QuoteDocument, export_filename, quote_csv, quote_html, quote_xlsx
from smop_pricing.quote.options import KINDS, MAX_OPTIONS, Kind, Option, compare_costs, compare_frame
from smop_pricing.quote.report import LineItem, line_items, tier_rows
from smop_pricing.quote.summary import (
    BASES,
    DEFAULT_BASIS,
    Basis,
    SheetInfo,
    Summary,
    quote_number,
    sheet_info,
    summarize,
    term_text,
)
from smop_pricing.validation import parse_users
from smop_ui.chart_fill import Template, fill, template
from smop_ui.charts import Spec, arrow, draw, vega_spec
from smop_ui.headline import figure_card
from smop_ui.markdown import escaped, quoted
from smop_ui.params import ChoiceParam, IntParam, Param, TextParam, clear_url, full_link, seed, share_query, write_url

_CHART_ENTRIES = 256  # a spec is a few kB
Slot = tuple[int, int, int, str, str]  # users, months, held units, how the packs are bought (a Kind), name
BUY = ChoiceParam("buy", DEFAULT_BASIS, BASES)
HEADLINE_KEY = "quote_headline"  # the headline card: CSS class st-key-quote_headline

# The tier table's highlights, as Markdown in its cells (a pandas Styler did the same at a third
# of the page's rerun): the literal purchase's tier orange, the cheaper one's green.
LITERAL_FILL = "orange-background"
CHEAPEST_FILL = "green-background"
STRONG_KEYS = ("total", "cheapest_total")


_cell = escaped  # table cells are Markdown


def _line_columns(items: Sequence[LineItem], lang: str) -> dict[str, list[str]]:
    labels, formulas, values = [], [], []
    for item in items:
        label, value = _cell(item.label), _cell(item.value)
        if item.key in STRONG_KEYS:
            label, value = f"**{label}**", f"**{value}**"
        labels.append(label)
        formulas.append(f"`{item.formula}`")
        values.append(value)
    return {t("quote.col_item", lang): labels, t("quote.col_formula", lang): formulas,
            t("quote.col_value", lang): values}


@lru_cache(maxsize=16)  # a few tables' headers in two languages
def _text_schema(names: tuple[str, ...]) -> pa.Schema:
    """The Arrow schema ``arrow`` gives a frame of text columns with these names (pandas' own
    metadata included), to make such a table without a DataFrame."""
    return arrow(pd.DataFrame({name: [""] for name in names})).schema


def text_table(columns: dict[str, list[str]]) -> pa.Table:
    """``arrow(pd.DataFrame(columns))`` for columns of text, made directly (a DataFrame and its
    conversion cost a millisecond each; tests/test_quote_chart_fill.py checks the tables are equal)."""
    return pa.Table.from_pydict(columns, schema=_text_schema(tuple(columns)))


@lru_cache(maxsize=_CHART_ENTRIES)
def _published_lines(users: int, months: int, held: int, lang: str) -> pa.Table:
    return text_table(_line_columns(line_items(quote(published_tariff(), users, months, held), lang), lang))


def line_table(q: Quote, lang: str) -> None:
    """Every line item with its formula; the totals in bold. Kept as Arrow per input for the
    published tariff (a DataFrame would be converted again on every rerun)."""
    if q.tariff == published_tariff():
        table = _published_lines(q.users, q.months, q.held_units, lang)
    else:
        table = text_table(_line_columns(line_items(q, lang), lang))
    st.table(table, hide_index=True)


def _filled(text: str, fill: str) -> str:
    """A table cell's text on a coloured background (Markdown), or as it is when ``fill`` is empty."""
    if not fill or not text:
        return _cell(text)
    inner = _cell(text)
    return f":{fill}[{inner}]"


def _tier_arrow(q: Quote, lang: str) -> pa.Table:
    rows = tier_rows(q, lang)
    fills = [LITERAL_FILL if r.literal else CHEAPEST_FILL if r.cheapest else "" for r in rows]
    columns = {
        t("quote.tier_units", lang): [r.units for r in rows],
        t("quote.tier_users", lang): [r.users for r in rows],
        t("quote.tier_price", lang): [r.unit_price for r in rows],
        t("quote.tier_mark", lang): [r.mark for r in rows],
    }
    return text_table({name: [_filled(text, fill) for text, fill in zip(values, fills, strict=True)]
                       for name, values in columns.items()})


@lru_cache(maxsize=_CHART_ENTRIES)
def _published_tiers(users: int, months: int, held: int, lang: str) -> pa.Table:
    return _tier_arrow(quote(published_tariff(), users, months, held), lang)


def tier_table(q: Quote, lang: str) -> None:
    """The tariff's tiers, the literal purchase's tier orange and the cheaper one's green, with a key."""
    if q.tariff == published_tariff():
        table = _published_tiers(q.users, q.months, q.held_units, lang)
    else:
        table = _tier_arrow(q, lang)
    st.table(table, hide_index=True)
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


def users_field(key: str, label: str, lang: str, help_text: str | None = None) -> int | None:
    """A user count typed as people write it (35万, 1,000,000, 2.5M), read by the core's parser.

    The text is the widget's (``<key>_text``); the accepted count is ``st.session_state[key]``,
    what the URL and the other pages share. Below the field: what it understood ("= 350,000 用户
    （35万）"), or why it was refused; a refused value gives None (no result is shown for it) and
    leaves the last accepted count where it was. When the count is changed from elsewhere (a
    link, another page, a reset) the text follows it.
    """
    state = st.session_state
    text_key, synced_key = f"{key}_text", f"_{key}_synced"
    value = state.get(key)
    if text_key not in state or state.get(synced_key) != value:
        state[text_key] = f"{value:,}" if isinstance(value, int) else ""
        state[synced_key] = value
    text = st.text_input(label, key=text_key, help=help_text, placeholder=t("quote.users_placeholder", lang))
    try:
        users = parse_users(text, maximum=MAX_USERS)
    except InputError as exc:
        rule = t(f"err.{exc.rule}", lang, **exc.params)
        st.error(t("quote.users_refused", lang, value=quoted(text.strip() or "—"), rule=rule),
                 icon=":material/error:")
        return None
    state[key] = users
    state[synced_key] = users
    st.caption(users_echo(users, lang))
    return users


def headline(s: Summary, lang: str) -> None:
    """The recommended (or the chosen) purchase's total first, the other beside it as the
    alternative, never styled as a price change; then upfront · monthly · first term · next 12 months."""
    q = s.quote
    m_total, m_alt, m_capacity, m_thousand = st.columns([1.25, 1.45, 1, 1])
    # Cards in Markdown, not st.metric: drawn with the page's first text (smop_ui.headline)
    with m_total:
        figure_card(
            t(f"quote.metric_headline_{s.basis}", lang), format_money(s.first_term_total, lang), key=HEADLINE_KEY,
            help=t("quote.metric_headline_help", lang, base=format_money(q.base_fee, lang),
                   packs=format_money(s.one_time, lang), units=f"{s.pack_units:,}"),
        )
    difference = s.alternative_difference
    if s.has_alternative:
        alt_label = t(f"quote.metric_alt_{s.alternative_basis}", lang) + t(
            "quote.metric_alt_more" if difference > 0 else "quote.metric_alt_less", lang,
            amount=format_money(abs(difference), lang))
    else:
        alt_label = t("quote.metric_alt_same", lang)
    with m_alt:
        figure_card(alt_label, format_money(s.alternative_total, lang), key="quote_alternative",
                    help=t(f"quote.metric_alt_help_{s.alternative_basis}", lang))
    with m_capacity:
        figure_card(t("quote.metric_capacity", lang), f"{s.capacity:,}", key="quote_capacity",
                    help=t("quote.metric_capacity_basis", lang))
    with m_thousand:
        figure_card(
            t("quote.metric_per_thousand", lang),
            format_rate(s.cost_per_thousand, lang, t("quote.not_applicable", lang)), key="quote_per_thousand",
            help=t("quote.metric_per_thousand_help", lang, months=q.months, users=f"{q.users:,}"),
        )
    figures = (
        ("sum_one_time", s.one_time, "quote.sum_one_time_help"),
        ("sum_monthly", s.recurring_monthly, "quote.sum_monthly_help"),
        ("sum_first_term", s.first_term_total, "quote.sum_first_term_help"),
        ("sum_next_12", s.next_12_months, "quote.sum_next_12_help"),
    )
    box = st.container(border=True)
    box.markdown(f"**{t('quote.summary_section', lang)}**")
    for column, (key, amount, help_key) in zip(box.columns(4), figures, strict=True):
        term = term_text(q.months, lang)
        with column:
            figure_card(t(f"quote.{key}_short", lang, term=term), format_money(amount, lang), key=f"quote_{key}",
                        help=t(help_key, lang, term=term), border=False)


def sheet_details(lang: str, issued: dt.date) -> SheetInfo:
    """Customer, prepared-by and valid-until for the exports (valid 30 days by default)."""
    default = sheet_info(issued)
    customer, prepared_by, until = st.columns([2, 2, 1.4])
    name = customer.text_input(t("quote.customer", lang), key="customer", max_chars=80,
                               placeholder=t("quote.optional", lang))
    author = prepared_by.text_input(t("quote.prepared_by", lang), key="prepared_by", max_chars=80,
                                    placeholder=t("quote.optional", lang))
    valid = until.date_input(t("quote.valid_until", lang), value=default.valid_until, min_value=issued,
                             max_value=issued + dt.timedelta(days=366), key="valid_until", format="YYYY-MM-DD",
                             help=t("quote.valid_until_help", lang))
    return sheet_info(issued, valid if isinstance(valid, dt.date) else None, name or "", author or "")


def exports(q: Quote, lang: str, info: SheetInfo, start: dt.date | None, basis: Basis,
            compared: Sequence[Option]) -> None:
    """CSV, Excel and the printable quote sheet, built by the core when their button is clicked."""
    doc = QuoteDocument(q, lang, info, start, basis, tuple(compared))
    st.caption(t("quote.sheet_number_line", lang, number=quote_number(summarize(q, basis), info, start),
                 until=info.valid_until.isoformat()))
    csv_col, xlsx_col, html_col = st.columns(3)
    csv_col.download_button(
        t("quote.export_csv", lang), lambda: quote_csv(doc), export_filename(q, "csv"),
        mime="text/csv", icon=":material/table:", on_click="ignore", width="stretch",
    )
    xlsx_col.download_button(
        t("quote.export_xlsx", lang), lambda: quote_xlsx(doc), export_filename(q, "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/grid_on:", on_click="ignore", width="stretch",
    )
    html_col.download_button(
        t("quote.export_html", lang), lambda: quote_html(doc), export_filename(q, "html"),
        mime="text/html", icon=":material/print:", on_click="ignore", width="stretch", type="primary",
    )
    st.caption(t("quote.export_hint", lang))


CapacityShape = tuple[tuple[str, str, int], ...]  # the capacity chart's rows: (row, part, order), users aside


@lru_cache(maxsize=64)  # two languages × the few shapes a quote's capacity takes
def _capacity_template(shape: CapacityShape, lang: str) -> Template | None:
    """The capacity chart's spec for frames of this shape, from placeholder users (``fill`` swaps
    the data and the description in): its spec reads the users only there."""
    frame = capacity_rows_frame([(row, part, 0, order) for row, part, order in shape])
    marker = pd.DataFrame({"users": [0]})
    return template(capacity_frame_chart(frame, marker, lang), (frame, marker))


@lru_cache(maxsize=_CHART_ENTRIES)
def capacity_spec(users: int, months: int, held: int, lang: str) -> Spec:
    """The capacity chart of the published tariff's quote for these inputs: the spec kept for its
    shape with this quote's data and description swapped in (a tenth of the time of building it)."""
    q = quote(published_tariff(), users, months, held)
    rows = capacity_rows(q, lang)
    kept = _capacity_template(tuple((row, part, order) for row, part, _, order in rows), lang)
    if kept is None:
        return vega_spec(capacity_chart(q, lang))
    columns = {name: list(values) for name, values in zip(CAPACITY_COLUMNS, zip(*rows, strict=True), strict=True)}
    return fill(kept, (columns, {"users": [q.users]}), quote_capacity_rows(rows, lang))


def _compare_arrow(options: Sequence[Option], lang: str) -> pa.Table:
    """The compare table with its figure labels as a first column, headed "Figure" (an empty header
    fails WCAG 1.3.1: axe empty-table-header). Names are the user's: escaped, as st.table reads
    Markdown in headers too."""
    frame = compare_frame(options, lang).rename(columns=escaped)
    return arrow(frame.rename_axis(t("a11y.compare_figure", lang)).reset_index())


@lru_cache(maxsize=_CHART_ENTRIES)
def _published_compare(slots: tuple[Slot, ...], lang: str) -> pa.Table:
    tariff = published_tariff()
    return _compare_arrow([Option(quote(tariff, users, months, held), cast(Kind, kind), name)
                           for users, months, held, kind, name in slots], lang)


@lru_cache(maxsize=_CHART_ENTRIES)
def compare_spec(slots: tuple[Slot, ...], lang: str) -> Spec:
    """The compare chart of the published tariff's quotes for these slots."""
    tariff = published_tariff()
    options = [Option(quote(tariff, users, months, held), cast(Kind, kind), name)
               for users, months, held, kind, name in slots]
    return vega_spec(compare_chart(compare_costs(options, lang), lang))


COUNT = ChoiceParam("compare", "2", ("2", "3"))
_SHOWN = "_compare_shown"
OTHER_TERMS = (12, 24, 36, 1)


def _slot_params(n: int, users: int, months: int, held: int, basis: str) -> list[Param]:
    """Slot n's inputs; they start from the main quote on its basis: 1 as it is, 2 and 3 other terms."""
    if n > 1:
        months = [m for m in OTHER_TERMS if m != months][n - 2]
    return [
        IntParam(f"c{n}_users", users, 0, MAX_USERS),
        IntParam(f"c{n}_months", months, 1, MAX_TERM_MONTHS),
        IntParam(f"c{n}_held", held, 0, MAX_HELD_UNITS),
        ChoiceParam(f"c{n}_buy", basis, KINDS),
        TextParam(f"c{n}_name", "", 40),
    ]


def _start_from(slots: Sequence[int], users: int, months: int, held: int, basis: str) -> None:
    for n in slots:
        for param in _slot_params(n, users, months, held, basis):
            st.session_state[param.name] = param.default


def _reset(users: int, months: int, held: int, basis: str) -> None:
    """The reset button: every option starts again from the quote above."""
    _start_from(range(1, MAX_OPTIONS + 1), users, months, held, basis)


def _count_changed(users: int, months: int, held: int, basis: str) -> None:
    """on_change of the option count: only a newly added option starts from the quote above."""
    state = st.session_state
    before = int(state.get(_SHOWN) or COUNT.default)
    now = int(state.get("compare") or COUNT.default)
    _start_from(range(before + 1, now + 1), users, months, held, basis)


def compare_section(q: Quote, basis: Basis, lang: str) -> tuple[list[Param], list[Option]]:
    """Up to three quotes side by side, each with its own inputs and name; returns the inputs'
    parameters and the options compared (those whose users were accepted)."""
    st.header(t("quote.compare", lang))
    st.caption(t("quote.compare_intro", lang))
    seed([COUNT], lang)
    main = (q.users, q.months, q.held_units, basis)
    head, reset = st.columns([3, 1], vertical_alignment="bottom")
    head.segmented_control(t("quote.compare_count", lang), list(COUNT.choices), key="compare", required=True,
                           on_change=_count_changed, args=main)
    reset.button(t("quote.compare_reset", lang), on_click=_reset, args=main, width="stretch")
    count = int(st.session_state.get("compare") or COUNT.default)
    st.session_state[_SHOWN] = count
    shown: list[Param] = [COUNT]
    options: list[Option] = []
    slot_inputs: list[Slot] = []
    columns = st.columns(count, border=True)
    for n in range(1, MAX_OPTIONS + 1):
        params = _slot_params(n, *main)
        if n > count:
            clear_url(params)
            continue
        seed(params, lang)
        shown += params
        users_p, months_p, held_p, buy_p, name_p = params
        with columns[n - 1]:
            name = st.text_input(t("quote.compare_name", lang), key=name_p.name, max_chars=40,
                                 placeholder=t("quote.compare_slot", lang, n=n))
            users = users_field(users_p.name, t("quote.users", lang), lang)
            months = st.number_input(t("quote.months", lang), 1, MAX_TERM_MONTHS, step=1, key=months_p.name)
            held = st.number_input(t("quote.held", lang), 0, MAX_HELD_UNITS, step=1, key=held_p.name)
            kind = st.segmented_control(
                t("quote.compare_buy", lang), list(KINDS), key=buy_p.name, required=True,
                format_func=lambda k: t(f"quote.buy_{k}", lang),
            )
        if users is None:
            continue
        kind = kind or DEFAULT_BASIS
        options.append(Option(quote(q.tariff, users, int(months), int(held)), kind, name or ""))
        slot_inputs.append((users, int(months), int(held), kind, name or ""))
    write_url(shown)
    if not options:
        st.info(t("quote.compare_none", lang))
        return shown, options
    table, chart = st.columns([3, 2], gap="large")
    published = q.tariff == published_tariff()
    table.table(_published_compare(tuple(slot_inputs), lang) if published else _compare_arrow(options, lang),
                hide_index=True)
    with chart:
        st.markdown(f"**{t('quote.compare_chart', lang)}**")
        if published:
            draw(compare_spec(tuple(slot_inputs), lang))
        else:
            draw(vega_spec(compare_chart(compare_costs(options, lang), lang)))
    return shown, options


@st.fragment
def compare_and_share(q: Quote, basis: Basis, start: dt.date | None, main: Sequence[Param], lang: str) -> None:
    """The compare section, the share link and the quote sheet, as one fragment: a change of a
    compared option, the option count or the sheet's details reruns this section only (the
    quote above stays as it is, and is not computed again). A change of the main inputs reruns
    the whole page, this section with it. The link shown follows every input: the main ones
    (``main``, unchanged while only this section reruns) and the compared ones."""
    share = st.container()  # above the compare section, filled once it has read its inputs
    compared, options = compare_section(q, basis, lang)
    with share:
        st.header(t("quote.share", lang))
        query = share_query([*main, *compared], always=("users", "months"))
        st.caption(t("quote.link_relative", lang))
        st.code(query, language=None, wrap_lines=True)
        if st.context.url:
            st.caption(t("quote.link_full", lang))
            st.code(full_link(st.context.url, query), language=None, wrap_lines=True)
        issued = dt.date.today()
        st.markdown(f"**{t('quote.sheet_details', lang)}**")
        info = sheet_details(lang, issued)
        exports(q, lang, info, start, basis, options)
