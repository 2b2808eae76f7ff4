"""Quote page: N users for M months; the recommended purchase first, upfront and recurring apart,
the as-needed purchase as the alternative, tiers, dates, the quote as a document, compare."""

import datetime as dt
from typing import cast

import streamlit as st

from smop_pricing.i18n import t
from smop_pricing.lifecycle.link import quote_scenario_params
from smop_pricing.money import format_money, format_users
from smop_pricing.pricing.rules import MAX_HELD_UNITS, MAX_TERM_MONTHS, MAX_USERS, quote, term_dates
from smop_pricing.pricing.tariff import published_tariff, tariff_label
from smop_pricing.quote.report import cheaper_callout, rules_that_bite, slip_note
from smop_pricing.quote.summary import Basis, summarize
from smop_ui.charts import draw
from smop_ui.chrome import LANG_PARAM, current_lang, footer
from smop_ui.params import DateParam, IntParam, seed, show_notices, write_url
from smop_ui.quote_view import (
    BUY,
    capacity_spec,
    compare_and_share,
    dates_table,
    headline,
    line_table,
    tier_table,
    users_field,
)

lang = current_lang()
tariff = published_tariff()
USERS = IntParam("users", 1_000_000, 0, MAX_USERS)
MONTHS = IntParam("months", 1, 1, MAX_TERM_MONTHS)
HELD = IntParam("held", 0, 0, MAX_HELD_UNITS)
START = DateParam("start")
PARAMS = (USERS, MONTHS, HELD, START, BUY)
seed(PARAMS, lang)

st.title(t("quote.title", lang))
st.caption(t("quote.intro", lang))
st.caption(t(
    "quote.tariff_caption", lang, name=tariff_label(tariff, lang),
    fee=format_money(tariff.monthly_fee, lang), included=f"{tariff.included_users:,}",
    pack=f"{tariff.pack_users:,}",
))
notices = st.container()  # filled once the compare section below has read its link parameters too

with st.container(border=True):
    st.markdown(f"**{t('quote.inputs', lang)}**")
    c_users, c_months, c_held, c_start = st.columns([3, 2, 2, 2])
    with c_users:
        accepted = users_field("users", t("quote.users", lang), lang, t("quote.users_help", lang))
    months = int(c_months.number_input(
        t("quote.months", lang), MONTHS.minimum, MONTHS.maximum, step=1, key="months",
        help=t("quote.months_help", lang, maximum=MAX_TERM_MONTHS),
    ))
    held = int(c_held.number_input(
        t("quote.held", lang), HELD.minimum, HELD.maximum, step=1, key="held",
        help=t("quote.held_help", lang, pack=f"{tariff.pack_users:,}"),
    ))
    start: dt.date | None = c_start.date_input(
        t("quote.start", lang), value=None, min_value=START.minimum, max_value=START.maximum,
        key="start", help=t("quote.start_help", lang), format="YYYY-MM-DD",
    )
    basis = cast(Basis, st.segmented_control(
        t("quote.buy", lang), list(BUY.choices), key="buy", required=True,
        format_func=lambda b: t(f"quote.buy_{b}", lang), help=t("quote.buy_help", lang),
    ) or BUY.default)
write_url(PARAMS)

if accepted is None:  # the field says why; no result for a value that was not accepted
    with notices:
        show_notices()
    st.info(t("quote.no_result", lang), icon=":material/edit:")
    footer(tariff, lang)
    st.stop()

users = accepted
q = quote(tariff, users, months, held)
s = summarize(q, basis)
dates = term_dates(start, months, tariff) if start else None

headline(s, lang)

callout = cheaper_callout(q, lang)
if callout:
    st.success(callout, icon=":material/savings:")
elif q.purchase.units == 0:
    st.info(t("quote.no_packs_needed", lang, included=format_users(tariff.included_users, lang)))
else:
    st.info(t("core.no_cheaper", lang))

with st.expander(t("quote.calculation", lang), expanded=True):
    line_table(q, lang)
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

st.page_link("app_pages/lifecycle.py", label=t("lifepage.simulate_quote", lang), icon=":material/hourglass_top:", query_params=quote_scenario_params(users, start or dt.date.today(), months))  # noqa: E501
# Compare, share and the quote sheet: a fragment, so a change of the compared options (or of the
# sheet's customer) reruns only this section, not the quote above; it writes its own link parameters.
compare_and_share(q, basis, start, (USERS, MONTHS, HELD, START, BUY, LANG_PARAM), lang)
with notices:  # after the section: it has read its link parameters too
    show_notices()
footer(tariff, lang)
