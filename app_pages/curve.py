"""Cost-curve page: cost against user count across the tiers (docs/rules.md R2, R9).

Gathers the inputs (bound to the URL), asks the engine for the curves and places the
charts built in ``smop_pricing.charts.curve``. No pricing rule lives here.
"""

import streamlit as st

from smop_pricing.charts.curve import GRID_STEP, MEASURES, cliff_rows, cliff_table, curve_csv
from smop_pricing.errors import SmopError
from smop_pricing.i18n import t
from smop_pricing.money import format_money, format_users, from_fen
from smop_pricing.pricing.rules import MAX_TERM_MONTHS, MAX_USERS, units_needed
from smop_pricing.pricing.tariff import published_tariff
from smop_pricing.pricing.vector import cost_curve, user_grid
from smop_ui.charts import draw
from smop_ui.chrome import current_lang, footer
from smop_ui.curve_view import cost_spec, marginal_spec, per_thousand_spec
from smop_ui.params import ChoiceParam, IntParam, seed, show_notices, write_url

CURVE_MIN = 500_000
CURVE_MAX = 20_000_000
CURVE_DEFAULT = 3_000_000

lang = current_lang()
PARAMS = (
    IntParam("users", 1_000_000, 0, MAX_USERS),
    IntParam("max", CURVE_DEFAULT, CURVE_MIN, CURVE_MAX),
    IntParam("months", 1, 1, MAX_TERM_MONTHS),
    ChoiceParam("show", MEASURES[0], MEASURES),
)
seed(PARAMS, lang)

st.title(t("curve.title", lang))
st.caption(t("curve.intro", lang))
show_notices()

left, middle, right, last = st.columns([1.1, 1.1, 0.8, 1.6])
users = int(left.number_input(t("core.users", lang), 0, MAX_USERS, step=100_000, key="users"))
maximum = int(middle.number_input(t("curve.max", lang), CURVE_MIN, CURVE_MAX, step=500_000, key="max"))
months = int(right.number_input(t("core.months", lang), 1, MAX_TERM_MONTHS, key="months"))
measure = last.segmented_control(
    t("curve.show", lang),
    options=list(MEASURES),
    format_func=lambda m: t(f"curve.show_{m}", lang),
    key="show",
    required=True,
)
write_url(PARAMS)

tariff = published_tariff()
try:
    grid = user_grid(maximum, GRID_STEP)
    x_max = int(grid[-1])
    curve = cost_curve(tariff, grid, months)
    marker = cost_curve(tariff, [users], months)
    max_need = units_needed(tariff, max(x_max, users))
    rows = cliff_rows(tariff, max_need)
except SmopError as exc:
    st.error(exc.message(lang))
    st.stop()

mine = marker.iloc[0]
st.markdown(t(
    "curve.your_quote", lang,
    users=format_users(users, lang),
    units=f"{int(mine['units']):,}",
    total=format_money(from_fen(int(mine["total_fen"])), lang),
    cheapest_units=f"{int(mine['cheapest_units']):,}",
    cheapest_total=format_money(from_fen(int(mine["cheapest_total_fen"])), lang),
))
if users > x_max:
    st.info(t("curve.beyond", lang, users=format_users(users, lang), maximum=format_users(x_max, lang)))

st.header(t("curve.main_title", lang, months=months))
# The charts come from specs kept per input (smop_ui.curve_view).
draw(cost_spec(users, maximum, months, measure or MEASURES[0], lang))
st.caption(t("curve.zoom_hint", lang))

spread, marginal = st.columns(2, gap="large")
with spread:
    st.header(t("curve.per_thousand_title", lang))
    st.caption(t("curve.per_thousand_intro", lang))
    draw(per_thousand_spec(maximum, months, lang))
with marginal:
    st.header(t("curve.marginal_title", lang, step=format_users(GRID_STEP, lang)))
    st.caption(t("curve.marginal_intro", lang))
    draw(marginal_spec(maximum, months, lang))

st.header(t("curve.inversion_title", lang))
if rows:
    st.caption(t("curve.inversion_intro", lang, units=f"{max_need:,}",
                 users=format_users(max(x_max, users), lang)))
    st.dataframe(cliff_table(rows, lang), hide_index=True, width="stretch")
else:
    st.info(t("curve.inversion_none", lang))

st.download_button(
    t("curve.download", lang),
    data=lambda: curve_csv(curve, months),  # built when clicked, not on every rerun
    file_name=f"smop-curve-{months}m-{x_max}.csv",
    mime="text/csv",
    on_click="ignore",
)
footer(tariff, lang)
