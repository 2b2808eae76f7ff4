"""The pricing review page under AppTest: editor, errors next to their fields, upload, sections."""

import re
from dataclasses import replace

import pytest

from smop_pricing.i18n import t
from smop_pricing.pricing.tariff import published_tariff, tariff_to_toml
from tests.conftest import app_test, section

PAGE = "app_pages/review.py"
PUBLISHED = published_tariff()


def open_review(lang="zh", **params):
    return app_test(PAGE, lang=lang, **params)


def switch_language(at, lang):
    return at.button_group(key="lang").set_value(lang).run()


def edit_tiers(at, edited_rows, added_rows=(), deleted_rows=()):
    key = at.data_editor[0].key
    at.session_state[key] = {
        "edited_rows": edited_rows,
        "added_rows": list(added_rows),
        "deleted_rows": list(deleted_rows),
    }
    return at.run()


def cliff_needs(at):
    """The 'needs' column of each cliff table shown, in page order (published first)."""
    return [
        df.value["needs"].tolist()
        for df in at.dataframe
        if df.editing_mode == "read_only" and "needs" in df.value.columns
    ]


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def texts(elements):
    """The elements' text as shown (Markdown escapes removed)."""
    return " | ".join(re.sub(r"\\(.)", r"\1", e.value) for e in elements)


@pytest.mark.parametrize("lang, title", [("zh", "定价评审"), ("en", "Pricing review")])
def test_the_review_page_runs_without_an_exception_in_both_languages(lang, title):
    at = open_review(lang)
    assert not at.exception
    assert at.title[0].value == title
    assert at.button_group(key="lang").value == lang  # the router ran: its language switch is there
    assert at.tabs[0].label == t("review.tab_portfolio", lang)
    assert not at.table and len(at.get("vega_lite_chart")) == 0  # the made-up portfolio changes nothing: no chart
    assert len(section(at, "compare").get("vega_lite_chart")) == 2  # the curves and their difference
    assert len(section(at, "cliffs").get("vega_lite_chart")) == 1  # the overpay chart
    assert len(section(at, "audit").table) == 1 and not at.get("vega_lite_chart")
    assert not at.error


def test_only_the_open_section_is_drawn_and_the_portfolio_always():
    at = open_review("en")
    assert not cliff_needs(at) and not at.table
    assert any(m.label == "Customers priced" for m in at.metric)  # the portfolio's section
    section(at, "cliffs")
    assert cliff_needs(at) == [["5 units", "7–10 units"], ["5 units", "7–10 units"]] and not at.table
    assert any(m.label == "Customers priced" for m in at.metric)  # the portfolio is still drawn
    section(at, "audit")
    assert not cliff_needs(at) and len(at.table) == 1


def test_the_published_audit_shows_23_of_25_figures_agreeing_and_the_two_slips():
    at = section(open_review("en"), "audit")
    assert metric(at, "Agree with the page") == "23 / 25"
    slips = texts(at.warning)
    assert "CNY 38,600; it should be CNY 38,400" in slips
    assert "基础版" in slips and "标准版" in slips


def test_the_audit_table_shows_its_header_and_no_index_column():
    table = section(open_review("en"), "audit").table[0].proto
    assert table.hide_index and not table.hide_header


def test_the_published_cliffs_are_5_units_and_7_to_10_units_for_both_tariffs_at_first():
    at = section(open_review("en"), "cliffs")
    assert cliff_needs(at) == [["5 units", "7–10 units"], ["5 units", "7–10 units"]]


def test_a_cheaper_middle_tier_moves_the_what_if_cliffs_the_comparison_and_the_audit():
    at = open_review("en")
    edit_tiers(at, {1: {"unit_price": "4000"}})
    assert not at.exception
    assert cliff_needs(section(at, "cliffs")) == [["5 units", "7–10 units"], ["5 units", "9–10 units"]]
    section(at, "compare")
    assert metric(at, "Largest decrease") == "-CNY 8,000"
    assert metric(at, "Largest increase") == "CNY 0"
    section(at, "audit")
    assert metric(at, "Agree with the page") == "21 / 25"
    assert metric(at, "Agree under the published tariff") == "23 / 25"
    changes = next(df.value for df in at.dataframe if "key" in df.value.columns)
    assert changes.to_dict("records") == [
        {"key": "Tier 2 · Price per unit (CNY)", "published": "4800", "whatif": "4000"}]


def test_switching_the_what_if_to_graduated_leaves_it_without_cliffs():
    at = open_review("en")
    at.radio(key="rv_mode").set_value("graduated").run()
    assert not at.exception
    assert cliff_needs(section(at, "cliffs")) == [["5 units", "7–10 units"]]
    assert "No cliffs from 1 to 40 units" in texts(at.success)


def test_a_bad_fee_shows_its_error_under_the_fee_and_the_page_keeps_working():
    at = open_review("en")
    at.text_input(key="rv_fee").set_value("20x0").run()
    assert not at.exception
    editor_column = next(col for col in at.columns if col.text_input and col.text_input[0].key == "rv_fee")
    assert texts(editor_column.error) == (
        'Monthly fee (CNY): must be an amount in yuan, such as "2000" (got 20x0)'
    )
    assert "the sections below still use the last valid what-if tariff" in texts(at.warning)
    assert len(section(at, "compare").get("vega_lite_chart")) == 2
    assert metric(section(at, "audit"), "Agree with the page") == "23 / 25"


def test_a_tier_bound_below_the_previous_one_shows_its_error_beside_the_tier_table():
    at = open_review("zh")
    edit_tiers(at, {1: {"max_units": 3}})
    assert not at.exception
    tiers_column = next(col for col in at.columns if col.data_editor)
    assert texts(tiers_column.error) == "第 2 档 · 单次最多单位数：必须大于上一档的上限（5）（收到 3）"
    assert cliff_needs(section(at, "cliffs")) == [["5 个单位", "7–10 个单位"], ["5 个单位", "7–10 个单位"]]
    assert len(section(at, "compare").get("vega_lite_chart")) == 2


def test_an_added_tier_row_asks_for_the_old_last_tiers_bound_in_english():
    at = open_review("en")
    edit_tiers(at, {}, added_rows=[{"unit_price": "2500"}])
    tiers_column = next(col for col in at.columns if col.data_editor)
    assert texts(tiers_column.error) == (
        "Tier 3 · Up to units in one purchase: is missing (only the last tier is open-ended)")
    edit_tiers(at, {2: {"max_units": 20}}, added_rows=[{"unit_price": "2500"}])
    assert not at.error
    assert "Tier 4: 21 units or more" in texts(at.caption)


def test_an_uploaded_toml_replaces_the_what_if_tariff():
    at = open_review("en")
    graduated = replace(PUBLISHED, tier_mode="graduated", name="uploaded", version="2")
    at.file_uploader[0].set_value(("what-if.toml", tariff_to_toml(graduated).encode(), "application/toml")).run()
    assert not at.exception
    assert at.radio(key="rv_mode").value == "graduated"
    assert "The uploaded tariff is loaded." in texts(at.success)
    assert cliff_needs(section(at, "cliffs")) == [["5 units", "7–10 units"]]


def test_a_bad_upload_names_the_key_in_the_users_language_and_keeps_the_edits():
    at = open_review("zh")
    at.text_input(key="rv_fee").set_value("2500").run()
    bad = tariff_to_toml(PUBLISHED).replace('tier_mode = "volume"', 'tier_mode = "stepped"')
    at.file_uploader[0].set_value(("bad.toml", bad.encode(), "application/toml")).run()
    assert not at.exception
    errors = texts(at.error)
    assert "上传的文件未能载入" in errors and "tier_mode" in errors and "stepped" in errors
    assert at.text_input(key="rv_fee").value == "2500"
    assert "当前的假设价目表没有改变。" in texts(at.caption)
    changes = next(df.value for df in at.dataframe if "key" in df.value.columns)
    assert changes["key"].tolist() == ["月平台服务费（元）"]


def test_what_the_user_typed_is_shown_literally_in_the_error_not_as_markdown():
    at = open_review("en")
    at.text_input(key="rv_fee").set_value("$x$ **2**").run()
    (error,) = at.error
    assert "\\$x\\$ \\*\\*2\\*\\*" in error.value
    assert "(got $x$ **2**)" in texts(at.error)


def test_an_upload_that_is_not_text_is_refused_with_a_message():
    at = open_review("en")
    at.file_uploader[0].set_value(("bin.toml", b"\xff\xfe\x00bad", "application/toml")).run()
    assert not at.exception
    assert "bin.toml: is not UTF-8 text" in texts(at.error)
    assert at.text_input(key="rv_fee").value == "2000"


def test_reset_returns_the_editor_to_the_published_tariff():
    at = open_review("en")
    at.text_input(key="rv_fee").set_value("2500").run()
    assert "differs from the published one in 1 place(s)" in texts(at.markdown)
    next(b for b in at.button if b.label == "Reset to published").click().run()
    assert at.text_input(key="rv_fee").value == "2000"
    assert "The what-if tariff is the published one." in texts(at.info)


def toml_download(at):
    return next(b for b in at.get("download_button") if b.proto.label == "Download TOML")


def test_the_download_is_disabled_while_the_editor_has_errors():
    at = open_review("en")
    assert not toml_download(at).proto.disabled
    at.text_input(key="rv_fee").set_value("").run()
    assert toml_download(at).proto.disabled


def test_the_what_if_tariff_survives_a_language_switch():
    at = open_review("zh")
    at.text_input(key="rv_fee").set_value("2500").run()
    switch_language(at, "en")
    assert at.title[0].value == "Pricing review"
    assert at.text_input(key="rv_fee").value == "2500"
    assert metric(section(at, "compare"), "Largest increase") == "CNY 500"


def test_the_what_if_tariff_survives_a_visit_to_another_page():
    at = open_review("en")
    at.text_input(key="rv_fee").set_value("2500").run()
    edit_tiers(at, {1: {"unit_price": "4000"}})
    at.switch_page("app_pages/quote.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.text_input(key="rv_fee").value == "2500"
    assert cliff_needs(section(at, "cliffs"))[1] == ["5 units", "9–10 units"]


def test_the_cliff_bound_and_the_curve_range_come_from_the_url():
    at = open_review("en", review_units="8", review_users="1000000")
    assert cliff_needs(section(at, "cliffs"))[0] == ["5 units", "7–8 units"]
    assert at.number_input(key="review_users").value == 1_000_000


def test_a_bad_url_parameter_is_named_in_a_notice_and_the_default_is_used():
    at = open_review("en", review_units="lots")
    assert "review_units=lots" in texts(at.warning)
    assert at.number_input(key="review_units").value == 40


def test_the_open_questions_show_the_reading_in_force_and_the_setting_that_switches_it():
    at = section(open_review("en"), "questions")
    body = texts(at.markdown)
    assert "Reading A" in body and "Reading B" in body
    captions = texts(at.caption)
    assert ("Switched by: Packs kept across a lapse, now yes (default yes; the tariff file's key "
            "`packs_survive_lapse`)") in captions
    assert "Switched by: Days over capacity before the lock, now 60 (default 60;" in captions


def test_a_tariff_too_fine_for_the_curve_range_says_so_and_the_rest_of_the_page_works():
    at = open_review("en")
    tiny = replace(PUBLISHED, pack_users=1, included_users=0, version="tiny")
    at.file_uploader[0].set_value(("tiny.toml", tariff_to_toml(tiny).encode(), "application/toml")).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1  # the portfolio's histogram: its bills change
    section(at, "compare")
    assert "Curves up to (users): must be from 0 to 20,000 (got 3000000)" in texts(at.error)
    assert len(at.get("vega_lite_chart")) == 1  # the histogram only: the curves need a smaller range
    assert len(section(at, "audit").table) == 1
    assert len(section(at, "cliffs").get("vega_lite_chart")) == 2  # the overpay chart and the histogram


def test_the_kept_tables_are_worded_again_after_a_language_switch():
    at = open_review("en")

    def words() -> str:
        return " ".join(" ".join(map(str, [*table.value.columns, *table.value.to_numpy().ravel()]))
                        for table in [*at.table, *at.dataframe])

    def words_in(at, key) -> str:
        section(at, key)
        return words()

    english = words() + " " + words_in(at, "audit") + " " + words_in(at, "cliffs")
    assert "The page's words" in english  # the audit's headers
    assert "buy 6 units (capacity 800,000)" in english  # a cliff
    assert "Platform fee (a year, recurring)" in english  # the portfolio's revenue
    switch_language(at, "zh")
    chinese = words() + " " + words_in(at, "audit") + " " + words_in(at, "cliffs")
    for phrase in ("The page's words", "buy 6 units", "Platform fee", "CNY"):
        assert phrase not in chinese
