"""smop_ui.params.seed: a value the user chose survives a page switch, within the new page's bounds."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def page_with_a_term_input() -> None:
    """A page whose term input's upper bound comes from the session (as if another page drew it)."""
    import streamlit as st

    from smop_ui.params import IntParam, seed, show_notices, write_url

    maximum = st.session_state.get("term_max", 120)
    params = [IntParam("months", 1, 1, maximum)]
    seed(params, "en")
    show_notices()
    st.number_input("Term", 1, maximum, key="months")
    write_url(params)


def test_a_value_set_on_one_widget_carries_to_a_new_widget_with_the_same_key():
    at = AppTest.from_function(page_with_a_term_input)
    at.run()
    at.number_input(key="months").set_value(30).run()
    at.session_state["term_max"] = 60  # a different widget (other bounds), as on another page
    at.run()
    assert at.number_input(key="months").value == 30
    assert not at.warning


def test_a_carried_value_beyond_the_new_widget_s_bound_is_clamped_with_a_notice_naming_it():
    at = AppTest.from_function(page_with_a_term_input)
    at.run()
    at.number_input(key="months").set_value(60).run()
    at.session_state["term_max"] = 36
    at.run()
    assert not at.exception
    assert at.number_input(key="months").value == 36
    assert at.warning[0].value == (
        "months=60 does not fit this page (expected a whole number from 1 to 36); 36 is used instead."
    )
