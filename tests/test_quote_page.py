"""The quote page under AppTest: URL parameters, widgets, language, bad input, the headline on a basis,
upfront and recurring, compare, exports."""

from pathlib import Path

import pytest

from tests.conftest import ROOT, figures, headlines, shown
from tests.conftest import app_test as run_app


def _metrics(at) -> dict[str, str]:
    """The headline card and the metrics beside and below it."""
    return figures(at)


def _texts(at) -> str:
    parts = [e.value for kind in ("success", "info", "warning", "caption", "markdown", "code")
             for e in getattr(at, kind)]
    for table in at.table:
        parts.append(table.value.to_string())
    return "\n".join(str(p) for p in parts)


def _compare(at):
    """The compare table with its figure labels (its first column, headed for accessibility) as the index."""
    table = at.table[-1].value
    return table.set_index(table.columns[0]).rename_axis(None)


def _users(at, key: str = "users") -> str:
    return at.text_input(key=f"{key}_text").value


def _type_users(at, text: str, key: str = "users"):
    return at.text_input(key=f"{key}_text").set_value(text).run()


def test_the_default_page_quotes_a_million_users_for_a_month_in_chinese_on_the_recommended_purchase():
    at = run_app()
    assert not at.exception
    metrics = _metrics(at)
    assert metrics["合计（推荐购买）"] == "35,000 元"
    assert metrics["按需购买（多 5,400 元）"] == "40,400 元"
    assert "38,400" in at.success[0].value and "33,000" in at.success[0].value


def test_a_million_users_written_in_wan_for_a_year_shows_the_recommended_total_and_upfront_and_recurring_apart():
    at = run_app(users="100万", months="12")
    assert not at.exception
    assert _metrics(at) == {
        "合计（推荐购买）": "57,000 元",
        "按需购买（多 5,400 元）": "62,400 元",
        "可运营用户量": "1,300,000",
        "每千用户每月成本": "4.75 元",
        "一次性（叠加包）": "33,000 元",
        "每月（平台服务费）": "2,000 元",
        "首期合计（12 个月）": "57,000 元",
        "之后 12 个月": "24,000 元",
    }


def test_buy_literal_makes_the_as_needed_purchase_the_headline_and_the_link_keeps_it():
    at = run_app(users="100万", months="12", buy="literal", lang="en")
    metrics = _metrics(at)
    assert metrics["Total (as-needed purchase)"] == "CNY 62,400"
    assert metrics["Recommended (CNY 5,400 less)"] == "CNY 57,000"
    assert metrics["One-time (packs)"] == "CNY 38,400"
    assert at.code[0].value == "?users=1000000&months=12&buy=literal&lang=en"


def test_the_purchase_switch_turns_the_headline_and_puts_buy_in_the_link():
    at = run_app(users="1000000", months="12", lang="en")
    at.button_group(key="buy").set_value("literal").run()
    assert _metrics(at)["Total (as-needed purchase)"] == "CNY 62,400"
    assert at.query_params["buy"] == "literal"
    at.button_group(key="buy").set_value("cheapest").run()
    assert "buy" not in at.query_params


def test_the_alternative_is_never_styled_as_a_price_change():
    at = run_app(users="100万", months="12")
    # a card of its figure and its words: no delta, no arrow, no colour (and no metric that could have one)
    assert headlines(at)["按需购买（多 5,400 元）"] == "62,400 元"
    assert not at.metric
    card = next(str(m.value) for m in at.markdown if "62,400" in str(m.value))
    assert card == "## 62,400 元\n\n按需购买（多 5,400 元）"


def test_when_nothing_is_cheaper_the_alternative_says_it_costs_the_same():
    metrics = _metrics(run_app(users="350000", months="12", lang="en"))
    assert metrics["Total (recommended purchase)"] == "CNY 36,000"
    assert metrics["As needed (the same: nothing is cheaper)"] == "CNY 36,000"
    assert metrics["One-time (packs)"] == "CNY 12,000" and metrics["Next 12 months"] == "CNY 24,000"


def test_url_parameters_become_the_inputs_values():
    at = run_app(users="1500000", months="12", held="2", start="2024-01-31")
    assert not at.exception
    assert _users(at) == "1,500,000"
    assert at.number_input(key="months").value == 12
    assert at.number_input(key="held").value == 2
    assert str(at.date_input(key="start").value) == "2024-01-31"
    # 12 × 2,000 + 11 × 3,000 (13 units needed less 2 held = 11): 24,000 + 33,000
    assert _metrics(at)["合计（推荐购买）"] == "57,000 元"


@pytest.mark.parametrize(("text", "users", "echo"), [
    ("35万", 350_000, "= 350,000 用户（35万）"),
    ("35.5万", 355_000, "= 355,000 用户（35.5万）"),
    ("1e6", 1_000_000, "= 1,000,000 用户（100万）"),
    ("１００万", 1_000_000, "= 1,000,000 用户（100万）"),
    ("1亿", 100_000_000, "= 100,000,000 用户（1亿）"),
    ("350k", 350_000, "= 350,000 用户（35万）"),
    ("2.5M", 2_500_000, "= 2,500,000 用户（250万）"),
])
def test_users_typed_as_people_write_them_are_read_and_echoed(text, users, echo):
    at = _type_users(run_app(), text)
    assert not at.exception and not at.error
    assert echo in [c.value for c in at.caption]
    assert at.code[0].value.startswith(f"?users={users}&")


@pytest.mark.parametrize(("text", "words"), [
    ("1.23456万", "1.23456万"), ("1.5亿", "100,000,000"), ("abc", "abc"), ("", "—"),
])
def test_a_refused_count_is_explained_by_the_field_and_no_result_is_shown(text, words):
    at = _type_users(run_app(users="1500000", months="12", held="2"), text)
    assert not at.exception
    (error,) = at.error
    assert words in shown(error.value) and "100,000,000" in error.value
    assert not figures(at) and not at.table and not at.get("download_button")
    assert "运营用户量有效后显示报价" in at.info[0].value
    assert _users(at) == text  # what was typed stays, and so does everything else
    assert at.number_input(key="months").value == 12 and at.number_input(key="held").value == 2
    assert at.query_params["users"] == "1500000"  # the link keeps the last accepted count


def test_an_accepted_count_after_a_refused_one_brings_the_result_back():
    at = _type_users(_type_users(run_app(), "1.5亿"), "150万")
    assert not at.error
    assert _metrics(at)["合计（推荐购买）"] == "41,000 元"  # 2,000 + 13 × 3,000


def test_changing_a_widget_gives_new_totals():
    at = _type_users(run_app(), "150000")
    at.number_input(key="months").set_value(12).run()
    assert not at.exception
    assert _metrics(at)["合计（推荐购买）"] == "24,000 元"  # E1: no packs
    assert not at.success
    assert "无需购买叠加包" in at.info[0].value


def test_a_widget_change_puts_the_new_value_in_the_link():
    at = _type_users(run_app(), "110万")
    assert at.query_params["users"] == "1100000"
    # the compared quotes keep the million users they started from
    assert at.code[0].value == "?users=1100000&months=1&c1_users=1000000&c2_users=1000000"


def test_the_link_always_names_users_and_months_and_only_other_values_that_differ():
    at = run_app(held="3", lang="en")
    assert at.code[0].value == "?users=1000000&months=1&held=3&lang=en"


def test_the_sidebar_switch_turns_the_page_to_english_and_back():
    at = run_app()
    at.button_group(key="lang").set_value("en").run()
    assert not at.exception
    assert "Total (recommended purchase)" in _metrics(at)
    assert at.text_input(key="users_text").label == "Users to operate"
    assert "= 1,000,000 users" in [c.value for c in at.caption]
    assert at.query_params["lang"] == "en"
    at.button_group(key="lang").set_value("zh").run()
    assert "合计（推荐购买）" in _metrics(at)
    assert "lang" not in at.query_params


def test_the_language_switch_keeps_the_inputs():
    at = run_app(users="2500000", months="6")
    at.button_group(key="lang").set_value("en").run()
    assert _users(at) == "2,500,000"
    assert at.number_input(key="months").value == 6


def test_the_lang_parameter_opens_the_page_in_english():
    at = run_app(lang="en")
    assert at.title[0].value == "Quote"
    assert "Buy 11 units" in at.success[0].value


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("users", "abc", "1,000,000"),
        ("users", "-5", "1,000,000"),
        ("users", "1.23456万", "1,000,000"),
        ("users", "100000001", "1,000,000"),
        ("months", "99", 1),
        ("months", "0", 1),
        ("held", "x", 0),
        ("buy", "both", "cheapest"),
        ("start", "notadate", None),
        ("start", "1999-12-31", None),
    ],
)
def test_a_bad_parameter_falls_back_to_its_default_with_a_notice_naming_it(name, value, expected):
    others = {"users": "1500000", "months": "12", "held": "2", "start": "2024-01-31"}
    others[name] = value
    at = run_app(**others)
    assert not at.exception
    widgets = {"users": lambda: _users(at), "start": lambda: at.date_input(key="start").value,
               "buy": lambda: at.button_group(key="buy").value}
    assert widgets.get(name, lambda: at.number_input(key=name).value)() == expected
    (notice,) = at.warning
    assert f"{name}={value}" in shown(notice.value)
    if name != "users":
        assert _users(at) == "1,500,000"
    for other, number in {"months": 12, "held": 2}.items():
        if other != name:
            assert at.number_input(key=other).value == number


@pytest.mark.parametrize(("value", "users"), [("100万", "1,000,000"), ("1e6", "1,000,000"),
                                               ("2.5M", "2,500,000"), ("1,500,000", "1,500,000")])
def test_a_users_parameter_is_read_as_people_write_it(value, users):
    at = run_app(users=value)
    assert not at.warning and _users(at) == users


def test_several_bad_parameters_each_get_a_notice():
    at = run_app(users="abc", months="99", start="notadate")
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert "users=abc" in notices and "months=99" in notices and "start=notadate" in notices
    assert _metrics(at)["合计（推荐购买）"] == "35,000 元"


def test_a_notice_goes_once_the_parameter_is_changed():
    at = run_app(users="abc")
    assert at.warning
    _type_users(at, "300000")
    assert not at.warning


def test_a_start_day_shows_the_expiry_and_reclamation_days():
    at = run_app(start="2024-01-31", lang="en")
    text = _texts(at)
    assert "2024-02-29" in text and "2024-05-29" in text and "2024-05-28" in text
    assert "Service stops on 2024-02-29" in text


def test_without_a_start_day_the_page_says_how_to_get_the_dates():
    assert "Fill in a start day" in _texts(run_app(lang="en"))


def test_the_rules_that_bite_are_listed():
    text = _texts(run_app(lang="en"))
    for words in ("Packs lapse with the standard edition", "Service stops on the expiry day",
                  "reclaimed 3 months after expiry", "No refunds"):
        assert words in text


def test_the_tier_table_marks_the_tier_of_this_purchase():
    at = run_app(lang="en")
    tiers = at.table[1].value
    marks = tiers["This quote"].tolist()
    assert marks[1].startswith(":orange-background[◀ as\\-needed purchase \\(8 units\\)")
    assert marks[2].startswith(":green-background[◀ recommended, cheaper \\(11 units\\)")


def test_the_tier_tables_colours_have_a_key():
    text = _texts(run_app(lang="en"))
    assert "Key: orange = the as-needed purchase's tier, green = the recommended (cheapest) purchase's tier" in text


def test_the_tier_table_fills_the_literal_tiers_row_orange_the_cheaper_ones_green_and_no_other():
    tiers = run_app(lang="en").table[1].value
    rows = [list(row) for row in tiers.itertuples(index=False)]
    assert len(rows) == 3
    assert not any(cell.startswith(":") for cell in rows[0])
    assert all(cell.startswith(":orange-background[") for cell in rows[1])
    assert all(cell.startswith(":green-background[") for cell in rows[2])


def test_the_page_draws_the_capacity_chart_and_the_compare_chart():
    assert len(run_app().get("vega_lite_chart")) == 2


def test_the_page_offers_csv_excel_and_the_printable_quote_sheet():
    labels = [b.proto.label for b in run_app(lang="en").get("download_button")]
    assert labels == ["Download CSV", "Download Excel", "Download quote sheet (print to PDF)"]


def test_the_quote_sheet_details_default_to_valid_for_30_days():
    import datetime as dt

    at = run_app(lang="en")
    assert at.date_input(key="valid_until").value == dt.date.today() + dt.timedelta(days=30)
    assert at.text_input(key="customer").value == "" and at.text_input(key="prepared_by").value == ""


def test_compare_starts_like_for_like_from_the_main_quote_on_its_basis_and_other_terms():
    at = run_app(lang="en")
    frame = _compare(at)
    assert list(frame.columns) == ["Quote 1", "Quote 2"]
    assert frame.loc["Purchase"].tolist() == ["Recommended (cheapest)"] * 2
    assert frame.loc["First-term total", "Quote 1"] == "CNY 35,000"
    assert frame.loc["Term", "Quote 2"] == "12 months"
    assert frame.loc["First-term total", "Quote 2"] == "CNY 57,000"


def test_compared_options_start_on_the_literal_basis_when_the_quote_is_on_it():
    at = run_app(lang="en", buy="literal")
    assert _compare(at).loc["Purchase"].tolist() == ["As needed"] * 2


def test_a_third_quote_compares_another_term():
    at = run_app(lang="en")
    at.button_group(key="compare").set_value("3").run()
    frame = _compare(at)
    assert list(frame.columns) == ["Quote 1", "Quote 2", "Quote 3"]
    assert frame.loc["Term", "Quote 3"] == "24 months"
    assert frame.loc["First-term total", "Quote 3"] == "CNY 81,000"  # 24 × 2,000 + 33,000
    assert at.query_params["compare"] == "3"


def test_each_compared_quote_has_its_own_inputs_and_name_bound_to_the_link():
    at = run_app(lang="en", c2_months="6")
    assert at.number_input(key="c2_months").value == 6
    assert _compare(at).loc["First-term total", "Quote 2"] == "CNY 45,000"
    _type_users(at, "15万", "c1_users")
    at.text_input(key="c1_name").set_value("Small plan").run()
    frame = _compare(at)
    assert frame.loc["First-term total", "Small plan"] == "CNY 2,000"
    link = at.code[0].value
    assert "c1_users=150000" in link and "c2_months=6" in link and "c1_name=Small+plan" in link


def test_a_named_option_from_a_link_heads_its_column():
    at = run_app(lang="en", c1_name="Plan A", c2_name="Plan B", c2_users="2.5M")
    frame = _compare(at)
    assert list(frame.columns) == ["Plan A", "Plan B"]
    assert frame.loc["Users to operate", "Plan B"] == "2,500,000"


def test_changing_the_main_quote_leaves_the_compared_quotes_as_they_are():
    at = run_app(lang="en", c2_months="6")
    _type_users(at, "200万")
    at.number_input(key="months").set_value(3).run()
    assert _users(at, "c1_users") == "1,000,000"
    assert at.number_input(key="c1_months").value == 1
    assert at.number_input(key="c2_months").value == 6
    assert at.query_params["c1_users"] == "1000000" and at.query_params["c2_months"] == "6"


def test_a_newly_added_option_starts_from_the_main_quote():
    at = run_app(lang="en")
    _type_users(at, "200万")
    at.button_group(key="compare").set_value("3").run()
    assert _users(at, "c3_users") == "2,000,000"
    assert _users(at, "c1_users") == "1,000,000"  # the others keep theirs


def test_the_reset_button_starts_every_option_again_from_the_main_quote():
    at = run_app(lang="en", c2_months="6")
    _type_users(at, "200万")
    at.button[0].click().run()
    assert _users(at, "c1_users") == "2,000,000" and at.number_input(key="c2_months").value == 12


def test_a_refused_count_in_an_option_leaves_that_option_out_and_says_why():
    at = _type_users(run_app(lang="en"), "lots", "c2_users")
    assert "lots" in shown(at.error[0].value)
    assert list(_compare(at).columns) == ["Quote 1"]
    assert _metrics(at)["Total (recommended purchase)"] == "CNY 35,000"  # the main quote stands


def test_hiding_the_third_quote_takes_its_parameters_out_of_the_link():
    at = run_app(compare="3", c3_months="6")
    assert at.number_input(key="c3_months").value == 6
    at.button_group(key="compare").set_value("2").run()
    assert "c3_months" not in at.query_params


def test_no_page_or_ui_helper_allows_unsafe_html():
    sources = [*Path(ROOT, "app_pages").glob("*.py"), *Path(ROOT, "smop_ui").glob("*.py"), Path(ROOT, "app.py")]
    assert sources
    for source in sources:
        assert "unsafe_allow_html" not in source.read_text("utf-8"), source


def test_the_full_link_puts_the_query_after_the_apps_path():
    from smop_ui.params import full_link

    assert full_link("http://127.0.0.1:8501", "?users=1") == "http://127.0.0.1:8501/?users=1"
    assert full_link("https://host/app/price-quote", "?users=1") == "https://host/app/price-quote?users=1"
    assert full_link("http://h", "") == "http://h/"


def test_the_page_names_the_tariff_in_words_with_its_date():
    text = _texts(run_app(lang="en"))
    assert "Tariff: Tencent Cloud's published prices (Tencent SMOP Standard edition + user packs, " \
           "billing page as of 2026-11-27)" in text
    assert "version published" not in text


def test_the_compare_tables_label_column_has_a_header_in_each_language():
    # An empty header cell fails WCAG 1.3.1 (axe empty-table-header).
    assert run_app(lang="en").table[-1].value.columns[0] == "Figure"
    assert run_app(lang="zh").table[-1].value.columns[0] == "项目"
