"""Router only: the pages (see app_pages/) and the language switch.

The page files live in app_pages/, not pages/: with a folder named pages/ beside app.py,
Streamlit 1.67 runs a fresh server's first session in its legacy folder mode, and a deep
link (/cost-curve?...) then shows a "Page not found" dialog before this router runs.
"""

import altair as alt
import streamlit as st

from smop_pricing.i18n import t
from smop_ui.chrome import initial_language, language_switch
from smop_ui.registry import PAGES

# An emoji favicon is drawn in the browser; a :material/...: one is fetched from fonts.gstatic.com
# by every visitor on every rerun (seen with streamlit 1.67), a request that leaves the machine.
st.set_page_config(page_title="SMOP pricing", page_icon="🧮", layout="wide")
# Altair checks every schema object it makes against the Vega-Lite schema ("debug mode"): a third
# to a half of building a chart. The chart builders' tests check each chart's whole spec
# (chart.to_dict() validates), so the app builds its charts without that check.
alt.utils.schemapi.disable_debug_mode()
lang = initial_language()
# A url_path differs from its file's name: AppTest (streamlit 1.67) reruns app_pages/x.py on
# its own, without this router, when a page's url_path is "x".
pages = tuple(
    st.Page(spec.file, title=t(spec.title_key, lang), icon=spec.icon, url_path=spec.url_path, default=spec.default)
    for spec in PAGES
)
page = st.navigation(pages)  # before any widget: see smop_ui.chrome.initial_language
language_switch()
page.run()
