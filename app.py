"""Router only: the language switch and the pages (see pages/)."""

import streamlit as st

from smop_pricing.i18n import t
from smop_ui.chrome import language_switch

st.set_page_config(page_title="SMOP pricing", page_icon="🧮", layout="wide")
lang = language_switch()
pages = [
    st.Page("pages/quote.py", title=t("nav.quote", lang), icon="🧮", default=True, url_path="quote"),
]
st.navigation(pages).run()
