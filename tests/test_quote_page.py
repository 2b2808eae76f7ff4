"""The quote page under AppTest: URL parameters, widgets, language, bad input, compare, exports."""

from pathlib import Path

import pytest

from tests.conftest import ROOT, shown
from tests.conftest import app_test as run_app


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _texts(at) -> str:
    parts = [e.value for kind in ("success", "info", "warning", "caption", "markdown", "code")
             for e in getattr(at, kind)]
    for table in at.table:
        parts.append(table.value.to_string())
    return "\n".join(str(p) for p in parts)


def test_the_default_page_quotes_a_million_users_for_a_month_in_chinese():
    at = run_app()
    assert not at.exception
    assert _metrics(at)["合计（按需购买）"] == "40,400 元"
    assert "38,400" in at.success[0].value and "33,000" in at.success[0].value


def test_url_parameters_become_the_inputs_values():
    at = run_app(users="1500000", months="12", held="2", start="2024-01-31")
    assert not at.exception
    assert at.number_input(key="users").value == 1_500_000
    assert at.number_input(key="months").value == 12
    assert at.number_input(key="held").value == 2
    assert str(at.date_input(key="start").value) == "2024-01-31"
    # 12 × 2,000 + 11 × 4,800 (13 units needed less 2 held = 11 → 3,000 tier): 24,000 + 33,000
    assert _metrics(at)["合计（按需购买）"] == "57,000 元"


def test_the_metrics_show_total_monthly_capacity_and_cost_per_thousand():
    metrics = _metrics(run_app(users="1000000", months="1", lang="en"))
    assert metrics == {
        "Total (literal purchase)": "CNY 40,400",
        "Monthly equivalent": "CNY 40,400",
        "User capacity": "1,000,000",
        "Per 1,000 users a month": "CNY 40.40",
    }


def test_the_calculation_table_shows_every_line_item_with_its_formula():
    at = run_app(lang="en")
    table = at.table[0].value
    assert "`8 × 4,800 = 38,400`" in table["Calculation"].tolist()
    assert "`2,000 × 1 month = 2,000`" in table["Calculation"].tolist()
    assert "`11 × 3,000 = 33,000`" in table["Calculation"].tolist()
    assert "CNY 5,400" in table["Result"].tolist()
    assert "38,600" in _texts(at)  # the billing page's slip is flagged


def test_changing_a_widget_gives_new_totals():
    at = run_app()
    at.number_input(key="users").set_value(150_000).run()
    at.number_input(key="months").set_value(12).run()
    assert not at.exception
    assert _metrics(at)["合计（按需购买）"] == "24,000 元"  # E1: no packs
    assert not at.success
    assert "无需购买叠加包" in at.info[0].value


def test_a_widget_change_puts_the_new_value_in_the_link():
    at = run_app()
    at.number_input(key="users").set_value(1_100_000).run()
    assert at.query_params["users"] == "1100000"
    assert at.code[0].value == "?users=1100000&months=1"


def test_the_link_always_names_users_and_months_and_only_other_values_that_differ():
    at = run_app(held="3", lang="en")
    assert at.code[0].value == "?users=1000000&months=1&held=3&lang=en"


def test_the_sidebar_switch_turns_the_page_to_english_and_back():
    at = run_app()
    at.button_group(key="lang").set_value("en").run()
    assert not at.exception
    assert "Total (literal purchase)" in _metrics(at)
    assert at.number_input(key="users").label == "Users to operate"
    assert at.query_params["lang"] == "en"
    at.button_group(key="lang").set_value("zh").run()
    assert "合计（按需购买）" in _metrics(at)
    assert "lang" not in at.query_params


def test_the_language_switch_keeps_the_inputs():
    at = run_app(users="2500000", months="6")
    at.button_group(key="lang").set_value("en").run()
    assert at.number_input(key="users").value == 2_500_000
    assert at.number_input(key="months").value == 6


def test_the_lang_parameter_opens_the_page_in_english():
    at = run_app(lang="en")
    assert at.title[0].value == "Quote"
    assert "Buy 11 units" in at.success[0].value


@pytest.mark.parametrize(
    ("name", "value", "key", "expected"),
    [
        ("users", "abc", "users", 1_000_000),
        ("users", "-5", "users", 1_000_000),
        ("users", "1e6", "users", 1_000_000),
        ("users", "100000001", "users", 1_000_000),
        ("months", "99", "months", 1),
        ("months", "0", "months", 1),
        ("held", "x", "held", 0),
        ("start", "notadate", "start", None),
        ("start", "1999-12-31", "start", None),
    ],
)
def test_a_bad_parameter_falls_back_to_its_default_with_a_notice_naming_it(name, value, key, expected):
    others = {"users": "1500000", "months": "12", "held": "2", "start": "2024-01-31"}
    others[name] = value
    at = run_app(**others)
    assert not at.exception
    widget = at.date_input(key=key) if key == "start" else at.number_input(key=key)
    assert widget.value == expected
    (notice,) = at.warning
    assert f"{name}={value}" in shown(notice.value)
    kept = {k: v for k, v in {"users": 1_500_000, "months": 12, "held": 2}.items() if k != name}
    for other, number in kept.items():
        assert at.number_input(key=other).value == number


def test_several_bad_parameters_each_get_a_notice():
    at = run_app(users="abc", months="99", start="notadate")
    assert not at.exception
    notices = " ".join(w.value for w in at.warning)
    assert "users=abc" in notices and "months=99" in notices and "start=notadate" in notices
    assert _metrics(at)["合计（按需购买）"] == "40,400 元"


def test_a_notice_goes_once_the_parameter_is_changed():
    at = run_app(users="abc")
    assert at.warning
    at.number_input(key="users").set_value(300_000).run()
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
    assert marks[1].startswith(":orange-background[◀ literal purchase \\(8 units\\)")  # cells are escaped Markdown
    assert marks[2].startswith(":green-background[◀ cheaper \\(11 units\\)")


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


def test_compare_starts_with_the_literal_and_the_cheapest_purchase_side_by_side():
    at = run_app(lang="en")
    frame = at.table[-1].value
    assert list(frame.columns) == ["Quote 1", "Quote 2"]
    assert frame.loc["Total", "Quote 1"] == "CNY 40,400"
    assert frame.loc["Total", "Quote 2"] == "CNY 35,000"


def test_a_third_quote_compares_another_term():
    at = run_app(lang="en")
    at.button_group(key="compare").set_value("3").run()
    frame = at.table[-1].value
    assert list(frame.columns) == ["Quote 1", "Quote 2", "Quote 3"]
    assert frame.loc["Term", "Quote 3"] == "24 months"
    assert frame.loc["Total", "Quote 3"] == "CNY 81,000"  # 24 × 2,000 + 33,000
    assert at.query_params["compare"] == "3"


def test_each_compared_quote_has_its_own_inputs_bound_to_the_link():
    at = run_app(lang="en", c2_months="12")
    assert at.number_input(key="c2_months").value == 12
    assert at.table[-1].value.loc["Total", "Quote 2"] == "CNY 57,000"
    at.number_input(key="c1_users").set_value(150_000).run()
    assert at.table[-1].value.loc["Total", "Quote 1"] == "CNY 2,000"
    assert "c1_users=150000" in at.code[0].value and "c2_months=12" in at.code[0].value


def test_changing_the_main_quote_restarts_the_compared_quotes_from_it():
    at = run_app(lang="en", c2_months="12")
    at.number_input(key="users").set_value(2_000_000).run()
    assert at.number_input(key="c1_users").value == 2_000_000
    assert at.number_input(key="c2_months").value == 1
    assert "c2_months" not in at.query_params


def test_hiding_the_third_quote_takes_its_parameters_out_of_the_link():
    at = run_app(compare="3", c3_months="6")
    assert at.number_input(key="c3_months").value == 6
    at.button_group(key="compare").set_value("2").run()
    assert "c3_months" not in at.query_params


def test_no_page_or_ui_helper_allows_unsafe_html():
    sources = [*Path(ROOT, "pages").glob("*.py"), *Path(ROOT, "smop_ui").glob("*.py"), Path(ROOT, "app.py")]
    assert sources
    for source in sources:
        assert "unsafe_allow_html" not in source.read_text("utf-8"), source


def test_the_total_shows_the_saving_only_when_a_cheaper_purchase_exists():
    cheaper = run_app(lang="en").metric[0]
    assert cheaper.proto.delta == "-CNY 5,400" and "CNY 35,000" in cheaper.proto.delta_description
    plain = run_app(users="1500000", lang="en").metric[0]
    assert not plain.proto.delta and not plain.proto.delta_description


def test_the_full_link_puts_the_query_after_the_apps_path():
    from smop_ui.params import full_link

    assert full_link("http://127.0.0.1:8501", "?users=1") == "http://127.0.0.1:8501/?users=1"
    assert full_link("https://host/app/price-quote", "?users=1") == "https://host/app/price-quote?users=1"
    assert full_link("http://h", "") == "http://h/"


def test_the_page_names_the_tariff_and_its_version():
    text = _texts(run_app(lang="en"))
    assert "Tariff: Tencent SMOP Standard edition + user packs (version published)" in text
