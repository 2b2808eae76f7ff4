"""The review page's kept results: a what-if tariff's stay in its session; the published one's are shared."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import smop_ui.review_view as review_view


def _compare(edited: bool) -> None:
    from dataclasses import replace
    from decimal import Decimal

    import streamlit as st

    from smop_pricing.tariff import published_tariff
    from smop_ui.review_view import compare_view

    published = published_tariff()
    whatif = replace(published, monthly_fee=Decimal("2500")) if edited else published
    view = compare_view(published, whatif, 3_000_000, 1, "en")
    st.session_state["kind"] = type(view).__name__


def _refuse(*args: object) -> object:
    raise AssertionError("a what-if tariff's results went to the cache every session shares")


def test_an_edited_what_if_tariff_s_results_are_kept_in_its_session_only(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(review_view, "_shared_compare", _refuse)
    at = AppTest.from_function(_compare, args=(True,), default_timeout=30).run()
    assert not at.exception
    assert at.session_state["kind"] == "CompareView"
    assert "_memo_rv_compare" in at.session_state


def test_the_published_tariff_s_results_come_from_the_cache_every_session_shares(monkeypatch: pytest.MonkeyPatch):
    calls: list[tuple[object, ...]] = []

    def shared(*args: object) -> str:
        calls.append(args)
        return "from the shared cache"

    monkeypatch.setattr(review_view, "_shared_compare", shared)
    at = AppTest.from_function(_compare, args=(False,), default_timeout=30).run()
    at.run()
    assert not at.exception
    assert at.session_state["kind"] == "str"
    assert calls == [(3_000_000, 1, "en")]  # once: the rerun takes the session's copy
