"""Quote page: N users for M months, literal and cheapest purchases, tiers, dates, exports, compare."""

import datetime as dt
from types import MappingProxyType

import streamlit as st

from smop_pricing.i18n import t
from smop_pricing.money import format_money, format_rate, format_users
from smop_pricing.pricing.rules import MAX_HELD_UNITS, MAX_TERM_MONTHS, MAX_USERS, quote, term_dates
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.quote.report import cheaper_callout, line_items, rules_that_bite, short_users, slip_note
from smop_ui.charts import draw
from smop_ui.chrome import LANG_PARAM, current_lang, footer
from smop_ui.params import DateParam, IntParam, full_link, seed, share_query, show_notices, write_url
from smop_ui.quote_view import (
    capacity_spec,
    compare_section,
    dates_table,
    exports,
    follow_quote,
    line_table,
    tier_table,
)

lang = current_lang()
tariff = published_tariff()
USERS = IntParam("users", 1_000_000, 0, MAX_USERS)
MONTHS = IntParam("months", 1, 1, MAX_TERM_MONTHS)
HELD = IntParam("held", 0, 0, MAX_HELD_UNITS)
START = DateParam("start")
PARAMS = (USERS, MONTHS, HELD, START)
seed(PARAMS, lang)

st.title(t("quote.title", lang))
st.caption(t("quote.intro", lang))
st.caption(t(
    "quote.tariff_caption", lang, name=tariff.display_name(lang), version=tariff.version,
    fee=format_money(tariff.monthly_fee, lang), included=f"{tariff.included_users:,}",
    pack=f"{tariff.pack_users:,}",
))
notices = st.container()  # filled once the compare section below has read its link parameters too

with st.container(border=True):
    st.markdown(f"**{t('quote.inputs', lang)}**")
    c_users, c_months, c_held, c_start = st.columns([3, 2, 2, 2])
    users = int(c_users.number_input(
        t("quote.users", lang), USERS.minimum, USERS.maximum, step=100_000, key="users",
        on_change=follow_quote,
        help=t("quote.users_help", lang, users=format_users(st.session_state["users"], lang)),
    ))
    months = int(c_months.number_input(
        t("quote.months", lang), MONTHS.minimum, MONTHS.maximum, step=1, key="months", on_change=follow_quote,
        help=t("quote.months_help", lang, maximum=MAX_TERM_MONTHS),
    ))
    held = int(c_held.number_input(
        t("quote.held", lang), HELD.minimum, HELD.maximum, step=1, key="held", on_change=follow_quote,
        help=t("quote.held_help", lang, pack=f"{tariff.pack_users:,}"),
    ))
    start: dt.date | None = c_start.date_input(
        t("quote.start", lang), value=None, min_value=START.minimum, max_value=START.maximum,
        key="start", help=t("quote.start_help", lang), format="YYYY-MM-DD",
    )
write_url(PARAMS)

q = quote(tariff, users, months, held)
dates = term_dates(start, months, tariff) if start else None
items = MappingProxyType({item.key: item for item in line_items(q, lang)})

m_total, m_monthly, m_capacity, m_thousand = st.columns([1.35, 1, 1, 1])
m_total.metric(
    t("quote.metric_total", lang), format_money(q.total, lang), border=True,
    help=t("quote.metric_total_help", lang, base=format_money(q.base_fee, lang),
           packs=format_money(q.pack_fee, lang)),
    delta=f"-{format_money(q.saving, lang)}" if q.has_cheaper else None, delta_color="inverse",
    delta_description=(t("quote.metric_cheaper_delta", lang, total=format_money(q.cheapest_total, lang))
                       if q.has_cheaper else None),
)
m_monthly.metric(t("quote.metric_monthly", lang), format_money(q.monthly_equivalent, lang), border=True,
                 help=t("quote.metric_monthly_help", lang, months=months))
m_capacity.metric(t("quote.metric_capacity", lang), short_users(q.capacity, lang), border=True,
                  help=items["capacity"].formula)
m_thousand.metric(
    t("quote.metric_per_thousand", lang),
    format_rate(q.cost_per_thousand, lang, t("quote.not_applicable", lang)),
    border=True, help=t("quote.metric_per_thousand_help", lang, months=months, users=f"{users:,}"),
)

callout = cheaper_callout(q, lang)
if callout:
    st.success(callout, icon=":material/savings:")
elif q.purchase.units == 0:
    st.info(t("quote.no_packs_needed", lang, included=format_users(tariff.included_users, lang)))
else:
    st.info(t("core.no_cheaper", lang))

with st.expander(t("quote.calculation", lang), expanded=True):
    line_table(list(items.values()), lang)
    slip = slip_note(q, lang)
    if slip:
        st.caption(slip)

left, right = st.columns([1, 1], gap="large")
with left:
    st.header(t("quote.tiers", lang))
    tier_table(q, lang)
with right:
    st.header(t("quote.chart", lang))
    draw(capacity_spec(users, months, held, lang))  # kept per input: building it was a large part of a rerun

left, right = st.columns([1, 1], gap="large")
with left:
    st.header(t("quote.dates", lang))
    if dates is None or start is None:
        st.info(t("quote.dates_hint", lang), icon=":material/event:")
    else:
        dates_table(start, *dates, lang)
with right:
    st.header(t("quote.rules", lang))
    st.markdown("\n".join(f"- {rule}" for rule in rules_that_bite(q, lang, dates)))

share = st.container()
compared = compare_section(q, lang)
with notices:
    show_notices()
with share:
    st.header(t("quote.share", lang))
    query = share_query([USERS, MONTHS, HELD, START, LANG_PARAM, *compared], always=("users", "months"))
    st.caption(t("quote.link_relative", lang))
    st.code(query, language=None, wrap_lines=True)
    if st.context.url:
        st.caption(t("quote.link_full", lang))
        st.code(full_link(st.context.url, query), language=None, wrap_lines=True)
    exports(q, lang, dt.date.today(), start)
footer(tariff, lang)
