"""Quote page (placeholder until the full page lands): the engine's quote for N users."""

import streamlit as st

from smop_pricing.i18n import t
from smop_pricing.money import format_money
from smop_pricing.pricing import MAX_MONTHS, MAX_USERS, quote
from smop_pricing.tariff import published_tariff
from smop_ui.chrome import current_lang
from smop_ui.params import IntParam, seed, show_notices, write_url

lang = current_lang()
PARAMS = [IntParam("users", 1_000_000, 0, MAX_USERS), IntParam("months", 1, 1, MAX_MONTHS)]
seed(PARAMS, lang)
st.title(t("core.app_title", lang))
show_notices()
users = st.number_input(t("core.users", lang), 0, MAX_USERS, step=100_000, key="users")
months = st.number_input(t("core.months", lang), 1, MAX_MONTHS, key="months")
write_url(PARAMS)
q = quote(published_tariff(), int(users), int(months))
st.metric(t("core.line_total", lang), format_money(q.total, lang))
