"""The shell under AppTest: router, language switch, URL parameters."""

from tests.conftest import app_test as run_app


def test_the_app_opens_on_the_quote_page_in_chinese_without_an_exception():
    at = run_app()
    assert not at.exception
    assert at.session_state["lang"] == "zh"


def test_the_lang_parameter_switches_the_app_to_english():
    at = run_app(lang="en")
    assert not at.exception
    assert at.session_state["lang"] == "en"


def test_an_unknown_lang_parameter_falls_back_to_chinese_with_a_notice_naming_it():
    at = run_app(lang="fr")
    assert not at.exception
    assert at.session_state["lang"] == "zh"
    assert any("lang" in w.value for w in at.warning)


def test_a_rerun_goes_through_the_router_and_keeps_the_language_switch():
    # A page whose url_path equals its file name is rerun on its own by AppTest: no router.
    at = run_app()
    at.run()
    assert not at.exception
    assert at.button_group(key="lang").value == "zh"


def test_the_language_switch_takes_effect_on_the_first_click():
    at = run_app()
    at.button_group(key="lang").set_value("en").run()
    assert at.session_state["lang"] == "en"
    assert at.button_group(key="lang").value == "en"
