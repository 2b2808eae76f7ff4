"""Streamlit helpers shared by the pages: language, URL parameters, page chrome.

No pricing rule lives here: these only read widgets and the URL and call the core.
"""
