"""Router only: the pages (see app_pages/) and the language switch.

The page files live in app_pages/, not pages/: with a folder named pages/ beside app.py,
Streamlit 1.67 runs a fresh server's first session in its legacy folder mode, and a deep
link (/cost-curve?...) then shows a "Page not found" dialog before this router runs.
"""

import streamlit as st

from smop_pricing.i18n import t
from smop_ui.chrome import initial_language, language_switch

st.set_page_config(page_title="SMOP pricing", page_icon=":material/calculate:", layout="wide")
lang = initial_language()
# A url_path differs from its file's name: AppTest (streamlit 1.67) reruns app_pages/x.py on
# its own, without this router, when a page's url_path is "x".
pages = [
    st.Page("app_pages/quote.py", title=t("nav.quote", lang), icon=":material/calculate:", default=True,
            url_path="price-quote"),
    st.Page("app_pages/curve.py", title=t("nav.curve", lang), icon=":material/show_chart:", url_path="cost-curve"),
    st.Page("app_pages/review.py", title=t("nav.review", lang), icon=":material/search:", url_path="pricing-review"),
]
page = st.navigation(pages)  # before any widget: see smop_ui.chrome.initial_language
language_switch()
page.run()
