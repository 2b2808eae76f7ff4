"""Growth-plan page: when to buy packs, and in what batches, over a forecast (docs/rules.md R11).

Gathers the forecast (a growth shape, a month-by-month table or a CSV), the held units, the
discount rate and the uncertainty spread, all but the table and the file bound to the URL; asks
the core for the strategies, the optimum and the low / base / high analysis; places the results.
No pricing rule lives here.
"""


import streamlit as st

from smop_pricing.errors import SmopError
from smop_pricing.i18n import t
from smop_pricing.money import format_users
from smop_pricing.plan.forecast import SHAPES
from smop_pricing.plan.report import (
    budget_csv,
    budget_headers,
    budget_table_rows,
    budget_xlsx,
    comparison_records,
    headline,
    over_text,
    purchases_columns,
    purchases_rows,
    robust_text,
    strategy_label,
    uncertainty_records,
)
from smop_pricing.plan.scenario import scenario_link
from smop_pricing.plan.strategies import STRATEGIES
from smop_pricing.pricing.rules import MAX_HELD_UNITS, MAX_MONTHS
from smop_pricing.pricing.tariff import published_tariff
from smop_ui.charts import arrow_records, arrow_rows, draw, memo
from smop_ui.chrome import current_lang, footer
from smop_ui.markdown import escaped
from smop_ui.params import ChoiceParam, IntParam, seed, show_notices, write_url
from smop_ui.plan_view import (
    DETAIL_KEY,
    SOURCE_KEY,
    SOURCES,
    TABLE_KEY,
    UPLOAD_KEY,
    chart_specs,
    month_options,
    month_text,
    parsed,
    plans_for,
    reset_table,
    seed_plan_params,
    shape_inputs,
    table_forecast,
    table_frame,
    uncertainty_for,
    upload_forecast,
    write_plan_url,
)

lang = current_lang()
PARAMS = (
    IntParam("months", 24, 1, MAX_MONTHS),
    ChoiceParam("shape", "linear", SHAPES),
    IntParam("held", 0, 0, MAX_HELD_UNITS),
    IntParam("spread", 20, 0, 90),
)
seed(PARAMS, lang)
seed_plan_params(lang)
st.session_state.setdefault(SOURCE_KEY, "shape")

st.title(t("plan.title", lang))
st.caption(t("plan.intro", lang))
show_notices()

source = st.segmented_control(t("plan.source", lang), options=list(SOURCES), key=SOURCE_KEY, required=True,
                              format_func=lambda s: t(f"plan.source_{s}", lang)) or "shape"
row = st.columns([1.1, 1.1, 0.8, 1.0, 1.0])
row[0].text_input(t("plan.from", lang), key="from", help=t("plan.users_help", lang))
row[1].text_input(t("plan.to", lang), key="to", help=t("plan.users_help", lang))
row[2].number_input(t("plan.months", lang), 1, MAX_MONTHS, step=1, key="months")
row[3].segmented_control(t("plan.shape", lang), options=list(SHAPES), key="shape", required=True,
                         format_func=lambda s: t(f"plan.shape_{s}", lang))
row[4].selectbox(t("plan.start", lang), month_options(), key="start", format_func=month_text)
row = st.columns([1.1, 1.1, 0.8, 2.0])
row[0].number_input(t("plan.held", lang), 0, MAX_HELD_UNITS, step=1, key="held")
row[1].text_input(t("plan.rate", lang), key="rate", help=t("plan.rate_help", lang))
row[2].number_input(t("plan.spread", lang), 0, 90, step=5, key="spread", help=t("plan.spread_help", lang))
write_url(PARAMS)
write_plan_url()

state = st.session_state
shape_forecast, errors = shape_inputs(lang)
rate = parsed("rate")

forecast = shape_forecast
if source == "table":
    st.caption(t("plan.table_help", lang))
    st.button(t("plan.table_reset", lang), on_click=reset_table, icon=":material/restart_alt:")
    if shape_forecast is not None and state.get(TABLE_KEY + "_seed") is None:
        state[TABLE_KEY + "_seed"] = table_frame(shape_forecast)
    seeded = state.get(TABLE_KEY + "_seed")
    if seeded is not None:
        edited = st.data_editor(seeded, key=TABLE_KEY, num_rows="dynamic", hide_index=True, width="content",
                                column_config={"month": st.column_config.TextColumn(t("plan.col_month", lang)),
                                               "users": st.column_config.TextColumn(t("plan.col_users", lang))})
        try:
            forecast = table_forecast(edited)
        except SmopError as exc:
            forecast = None
            st.error(t("plan.bad_forecast", lang, message=escaped(exc.message(lang))))
elif source == "csv":
    uploaded = st.file_uploader(t("plan.upload", lang), type=["csv", "txt"], key=UPLOAD_KEY,
                                help=t("plan.upload_help", lang))
    if uploaded is None:
        st.info(t("plan.upload_first", lang))
    else:
        try:
            forecast = upload_forecast(uploaded)
        except SmopError as exc:
            forecast = None
            st.error(t("plan.bad_forecast", lang, message=escaped(exc.message(lang))))

for message in errors:
    st.error(escaped(message))
if forecast is None or isinstance(rate, SmopError):
    footer(published_tariff(), lang)
    st.stop()

try:
    # the strategies first: the headline is drawn before the slow low / base / high analysis is asked for
    plans = plans_for(forecast, int(state["held"]), rate)
except SmopError as exc:
    st.error(escaped(exc.message(lang)))
    footer(published_tariff(), lang)
    st.stop()

st.caption(t("plan.forecast_line", lang, first=forecast.label(0), last=forecast.label(forecast.months - 1),
             months=forecast.months, start_users=format_users(forecast.users[0], lang),
             end_users=format_users(forecast.users[-1], lang), peak=format_users(forecast.peak, lang)))
st.success(headline(plans, lang))

st.header(t("plan.compare_title", lang))
st.caption(t("plan.compare_caption", lang))
st.dataframe(memo("plan_compare", (plans, lang), lambda: arrow_records(comparison_records(plans, lang))),
             hide_index=True, width="stretch")
st.caption("  \n".join(t("plan.what_line", lang, name=strategy_label(name, lang), what=t(f"plan.what_{name}", lang))
                       for name in STRATEGIES))

capacity_spec, spend_spec = chart_specs(plans, lang)
left, right = st.columns(2, gap="large")
with left:
    st.header(t("plan.capacity_title", lang))
    draw(capacity_spec)
with right:
    st.header(t("plan.spend_title", lang))
    draw(spend_spec)

st.header(t("plan.detail_title", lang))
# Only the open tab's purchases and budget are made and sent (a tab switch reruns the page, kept results reused).
tabs = st.tabs([strategy_label(plan.name, lang) for plan in plans], key=f"{DETAIL_KEY}_{lang}", on_change="rerun")
for tab, plan in zip(tabs, plans, strict=True):
    if tab.open is False:
        continue
    with tab:
        link = memo(f"plan_link_{plan.name}", (plan, lang), lambda plan=plan: scenario_link(plan, lang))
        st.link_button(t("plan.simulate", lang), link.url, help=t("plan.simulate_help", lang),
                       icon=":material/play_circle:")
        if plan.problem.held_units:
            st.caption(t("plan.simulate_held", lang, units=f"{plan.problem.held_units:,}"))
        if link.compact:
            st.caption(t("plan.simulate_compact", lang))
        buy, budget = st.columns([1.2, 1.5], gap="medium")
        with buy:
            st.markdown(f"**{t('plan.purchases_title', lang)}**")
            if plan.purchases:
                st.dataframe(memo(f"plan_purchases_{plan.name}", (plan, lang),
                                  lambda p=plan: arrow_rows(purchases_columns(lang), purchases_rows(p, lang))),
                             hide_index=True, width="stretch",
                             height=min(260, 38 + 35 * len(plan.purchases)))
            else:
                st.info(t("plan.no_purchases", lang))
        with budget:
            st.markdown(f"**{t('plan.budget_title', lang)}**")
            st.dataframe(memo(f"plan_budget_{plan.name}", (plan, lang),
                              lambda p=plan: arrow_rows(budget_headers(lang), budget_table_rows(p, lang))),
                         hide_index=True, width="stretch", height=260)
            stamp = f"{forecast.label(0)}-{forecast.months}m"
            st.download_button(t("plan.download_csv", lang), data=lambda p=plan: budget_csv(p, lang),
                               file_name=f"smop-plan-{plan.name}-{stamp}.csv", mime="text/csv",
                               on_click="ignore", key=f"plan_csv_{plan.name}")

st.download_button(
    t("plan.download_xlsx", lang), data=lambda: budget_xlsx(plans, lang),
    file_name=f"smop-plan-{forecast.label(0)}-{forecast.months}m.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
)

st.header(t("plan.uncertainty_title", lang))
try:
    uncertainty = uncertainty_for(forecast, int(state["held"]), rate, int(state["spread"]))
except SmopError as exc:
    st.error(escaped(exc.message(lang)))
    footer(published_tariff(), lang)
    st.stop()
if len(uncertainty.cases) == 1:
    st.info(t("plan.uncertainty_off", lang))
else:
    st.info(robust_text(uncertainty, lang))
    st.caption(t("plan.uncertainty_caption", lang))
    st.dataframe(memo("plan_uncertainty", (uncertainty.candidates, lang),
                      lambda: arrow_records(uncertainty_records(uncertainty, lang))), hide_index=True, width="stretch",
                 height=38 + 35 * len(uncertainty.candidates))
    lines = over_text(uncertainty, lang)
    if lines:
        with st.expander(t("plan.over_title", lang, count=len(lines))):
            for line in lines:
                st.markdown(f"- {line}")

footer(published_tariff(), lang)
