"""The review page's kept results: built once per input, kept in the session's own state."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import smop_ui.review_view as review_view


def _compare() -> None:
    from dataclasses import replace
    from decimal import Decimal

    import streamlit as st

    from smop_pricing.pricing.tariff import published_tariff
    from smop_ui.review_view import compare_view

    published = published_tariff()
    fee = st.session_state.get("fee", "2000")
    whatif = replace(published, monthly_fee=Decimal(fee))
    view = compare_view(published, whatif, 3_000_000, 1, "en")
    st.session_state["kind"] = type(view).__name__


def test_the_compare_section_is_built_once_per_what_if_tariff_and_kept_in_the_session(
    monkeypatch: pytest.MonkeyPatch,
):
    built: list[object] = []
    build = review_view._build_compare

    def counting(*args: object) -> object:
        built.append(args[1])
        return build(*args)

    monkeypatch.setattr(review_view, "_build_compare", counting)
    at = AppTest.from_function(_compare, default_timeout=30).run()
    at.run()
    assert not at.exception
    assert at.session_state["kind"] == "CompareView"
    assert len(built) == 1  # the rerun took the kept one
    assert "_memo_rv_compare" in at.session_state
    at.session_state["fee"] = "2500"
    at.run()
    assert len(built) == 2  # a new what-if tariff: built again
