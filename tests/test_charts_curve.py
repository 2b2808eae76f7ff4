"""The cost-curve chart builders: their data and their Vega-Lite specs (to_dict)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smop_pricing.charts.curve import (
    LABEL_KEYS,
    CliffRow,
    chart_labels,
    cliff_rows,
    cliff_table,
    cost_chart,
    cost_lines,
    curve_csv,
    marginal_chart,
    marginal_frame,
    per_thousand_chart,
    per_thousand_frame,
    term_curves,
    tier_bands,
    yuan_frame,
)
from smop_pricing.i18n import t
from smop_pricing.pricing.tariff import Tariff, parse_tariff, published_tariff, tariff_to_toml
from smop_pricing.pricing.vector import cost_curve, user_grid

TARIFF = published_tariff()
EN = chart_labels("en", 1_000_000)
ZH = chart_labels("zh", 1_000_000)


def curve(maximum: int = 3_000_000, months: int = 1, tariff: Tariff = TARIFF) -> pd.DataFrame:
    return cost_curve(tariff, user_grid(maximum), months)


def marker(users: int, months: int = 1) -> pd.DataFrame:
    return cost_curve(TARIFF, [users], months)


def main_spec(
    maximum: int = 3_000_000, users: int = 1_000_000, lang: str = "en", **kw: Any
) -> dict[str, Any]:
    labels = chart_labels(lang, users)
    chart = cost_chart(curve(maximum), tier_bands(TARIFF, maximum, lang), labels, marker(users), **kw)
    spec: dict[str, Any] = chart.to_dict()
    return spec


def rows_of(spec: dict[str, Any], layer: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = spec["datasets"][layer["data"]["name"]]
    return rows


def layers(spec: dict[str, Any], mark: str) -> list[dict[str, Any]]:
    return [layer for layer in spec["layer"] if layer["mark"]["type"] == mark]


def param(spec: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in spec["params"] if p["name"] == name)
    return found


# --- labels and data -------------------------------------------------------------------


def test_every_chart_label_exists_in_both_languages_and_differs_between_them():
    for key in LABEL_KEYS:
        assert t(f"curve.{key}", "zh") and t(f"curve.{key}", "en")
    assert EN["series_literal"] != ZH["series_literal"]
    assert EN["users_axis_expr"] != ZH["users_axis_expr"]


def test_the_marker_label_names_the_users_in_the_language_of_the_page():
    assert ZH["marker"] == "你的用户量：100万"
    assert EN["marker"] == "You: 1,000,000 users"


def test_yuan_frame_turns_fen_columns_into_yuan_and_keeps_counts():
    data = yuan_frame(marker(1_000_000))
    assert data.loc[0, "pack_fee"] == 38_400.0
    assert data.loc[0, "unit_price"] == 4_800.0
    assert data.loc[0, "cheapest_fee"] == 33_000.0
    assert data.loc[0, "units"] == 8
    assert not any(name.endswith("_fen") for name in data.columns)


def test_the_two_lines_are_the_literal_and_the_cheapest_purchase_one_point_per_100000_users():
    lines = cost_lines(curve(3_000_000), EN)
    assert list(lines["series"].unique()) == [EN["series_literal"], EN["series_cheapest"]]
    literal = lines[lines["series"] == EN["series_literal"]].set_index("users")["fee"]
    cheapest = lines[lines["series"] == EN["series_cheapest"]].set_index("users")["fee"]
    assert len(literal) == len(cheapest) == 31
    assert literal[1_000_000] == 40_400.0  # 2,000 + 8 x 4,800 (E2)
    assert cheapest[1_000_000] == 35_000.0  # 2,000 + 11 x 3,000
    assert (cheapest <= literal).all()


def test_a_20_million_user_curve_stays_at_201_points_per_line():
    spec = main_spec(maximum=20_000_000)
    (line,) = layers(spec, "line")
    assert len(rows_of(spec, line)) == 2 * 201


def test_the_pack_fee_measure_plots_pack_fees_instead_of_totals():
    lines = cost_lines(curve(), EN, measure="packs")
    literal = lines[lines["series"] == EN["series_literal"]].set_index("users")["fee"]
    assert literal[1_000_000] == 38_400.0
    spec = main_spec(measure="packs")
    assert layers(spec, "line")[0]["encoding"]["y"]["title"] == EN["axis_packs"]


def test_an_unknown_measure_is_refused():
    with pytest.raises(ValueError, match="measure"):
        cost_chart(curve(), tier_bands(TARIFF, 3_000_000, "en"), EN, measure="fees")  # type: ignore[arg-type]


# --- tier bands --------------------------------------------------------------------------


def test_tier_bands_map_unit_ranges_to_user_ranges_and_name_their_unit_price():
    bands = tier_bands(TARIFF, 3_000_000, "en")
    assert bands[["start", "end"]].values.tolist() == [
        [0, 200_000], [200_000, 700_000], [700_000, 1_200_000], [1_200_000, 3_000_000],
    ]
    assert bands["label"].tolist() == [
        "Included: 200,000 users",
        "1–5 units: CNY 6,000 per 100,000 users",
        "6–10 units: CNY 4,800 per 100,000 users",
        "11+ units: CNY 3,000 per 100,000 users",
    ]


def test_tier_band_labels_in_chinese_show_yuan_and_wan():
    labels = tier_bands(TARIFF, 3_000_000, "zh")["label"].tolist()
    assert labels[1] == "1–5 个单位：6,000 元/10万 用户"
    assert labels[3] == "11+ 个单位：3,000 元/10万 用户"


def test_tier_bands_past_the_end_of_the_chart_are_dropped_and_the_last_is_clipped():
    bands = tier_bands(TARIFF, 500_000, "en")
    assert bands[["start", "end"]].values.tolist() == [[0, 200_000], [200_000, 500_000]]


def test_the_main_chart_shades_the_bands_and_writes_their_labels():
    spec = main_spec()
    (rect,) = layers(spec, "rect")
    texts = [row["label"] for row in rows_of(spec, rect)]
    assert "6–10 units: CNY 4,800 per 100,000 users" in texts
    (label_layer,) = [layer for layer in layers(spec, "text") if layer["data"] == rect["data"]]
    assert label_layer["encoding"]["text"]["field"] == "label"
    assert label_layer["encoding"]["x"]["field"] == "start"


# --- the main chart's encodings ------------------------------------------------------------


def test_the_literal_line_is_a_step_line_so_the_cliffs_drop_straight_down():
    (line,) = layers(main_spec(), "line")
    assert line["mark"]["interpolate"] == "step-before"
    assert line["encoding"]["color"]["scale"]["domain"] == [EN["series_literal"], EN["series_cheapest"]]


def test_the_x_axis_runs_from_zero_to_the_chosen_maximum_and_zooms_and_pans_on_x_only():
    spec = main_spec(maximum=5_000_000)
    (line,) = layers(spec, "line")
    assert line["encoding"]["x"]["scale"]["domain"] == [0, 5_000_000]
    zoom = param(spec, "zoom")
    assert zoom["bind"] == "scales"
    assert zoom["select"] == {"type": "interval", "encodings": ["x"]}


def test_hovering_shows_users_units_unit_price_fee_and_the_cheaper_alternative():
    spec = main_spec(lang="zh")
    hover_rule = next(layer for layer in layers(spec, "rule") if "opacity" in layer["encoding"])
    titles = [tip["title"] for tip in hover_rule["encoding"]["tooltip"]]
    for key in ("tt_users", "tt_units", "tt_unit_price", "tt_pack_fee", "tt_cheapest_units",
                "tt_cheapest_fee", "tt_saving"):
        assert ZH[key] in titles
    assert param(spec, "hover")["select"]["nearest"] is True


def test_a_rule_and_a_point_mark_the_users_own_count():
    spec = main_spec(users=1_000_000)
    rule = next(layer for layer in layers(spec, "rule") if "opacity" not in layer["encoding"])
    assert [row["users"] for row in rows_of(spec, rule)] == [1_000_000]
    point = next(layer for layer in layers(spec, "point") if layer["mark"].get("size") == 140)
    assert rows_of(spec, point)[0]["fee"] == 40_400.0
    text = next(layer for layer in layers(spec, "text") if layer["data"] == rule["data"])
    assert rows_of(spec, text)[0]["label"] == "You: 1,000,000 users"


def test_the_users_mark_is_left_out_when_the_count_lies_beyond_the_chart():
    spec = main_spec(maximum=3_000_000, users=5_000_000)
    assert all("opacity" in layer["encoding"] for layer in layers(spec, "rule"))


def test_axis_titles_and_legends_follow_the_language():
    zh = layers(main_spec(lang="zh"), "line")[0]["encoding"]
    assert zh["x"]["title"] == "用户量"
    assert zh["y"]["title"] == "合计（元）"
    assert "万" in zh["x"]["axis"]["labelExpr"]
    assert zh["color"]["scale"]["domain"][0] == "按需购买（所需单位一次买齐）"


# --- cost per 1,000 users per month -------------------------------------------------------


def test_cost_per_thousand_users_per_month_spreads_the_pack_fee_over_the_term():
    curves = term_curves(TARIFF, user_grid(3_000_000), [1, 12, 24])
    data = per_thousand_frame(curves, EN).set_index(["months", "users"])
    assert data.loc[(1, 1_000_000), "per_thousand"] == pytest.approx(40.4)  # 40,400 / 1,000
    assert data.loc[(12, 1_000_000), "per_thousand"] == pytest.approx(5.2)  # 62,400 / 12 / 1,000
    assert data.loc[(24, 1_000_000), "term"] == "24 months"
    assert data.loc[(1, 1_000_000), "term"] == "1 month"
    assert 0 not in data.index.get_level_values("users")


def test_the_per_thousand_chart_has_one_coloured_line_per_term_in_term_order():
    curves = term_curves(TARIFF, user_grid(3_000_000), [1, 12, 24, 6])
    spec = per_thousand_chart(curves, ZH).to_dict()
    (line,) = layers(spec, "line")
    assert line["encoding"]["color"]["scale"]["domain"] == ["1 个月", "6 个月", "12 个月", "24 个月"]
    assert line["encoding"]["y"]["title"] == ZH["axis_per_thousand"]
    assert param(spec, "zoom")["bind"] == "scales"


# --- marginal cost ---------------------------------------------------------------------------


def test_the_marginal_cost_is_negative_exactly_at_the_5_to_6_and_10_to_11_unit_cliffs():
    data = marginal_frame(curve(3_000_000), EN)
    negative = data[data["marginal"] < 0]
    assert negative[["units_from", "units_to", "marginal"]].values.tolist() == [
        [5, 6, -1_200.0], [10, 11, -15_000.0],
    ]
    assert negative["start"].tolist() == [700_000, 1_200_000]
    assert negative["end"].tolist() == [800_000, 1_300_000]
    assert set(negative["sign"]) == {EN["sign_down"]}


def test_the_marginal_bars_rise_from_zero_and_colour_the_cliffs():
    spec = marginal_chart(curve(3_000_000), EN).to_dict()
    bars = layers(spec, "rect")[0]
    assert bars["encoding"]["y2"] == {"datum": 0}
    assert bars["encoding"]["x2"]["field"] == "end"
    assert bars["encoding"]["color"]["scale"]["domain"] == [EN["sign_up"], EN["sign_down"]]
    negative = [row for row in rows_of(spec, bars) if row["marginal"] < 0]
    assert len(negative) == 2


@settings(max_examples=25, deadline=None)
@given(maximum=st.integers(500_000, 20_000_000), months=st.integers(1, 36))
def test_the_marginal_costs_add_up_to_the_change_in_total_over_the_range(maximum, months):
    data = curve(maximum, months)
    steps = marginal_frame(data, EN)
    assert len(steps) == len(data) - 1 <= 200
    change_fen = int(data["total_fen"].iloc[-1] - data["total_fen"].iloc[0])
    assert steps["marginal"].sum() * 100 == pytest.approx(change_fen)
    lines = cost_lines(data, EN)
    assert len(lines) == 2 * len(data)


# --- the inversion table ----------------------------------------------------------------------


def test_the_cliff_rows_come_from_the_engine_for_the_published_tariff():
    rows = cliff_rows(TARIFF, 28)
    assert [(r.need_lo, r.need_hi, r.plan, r.max_saving) for r in rows] == [
        (5, 5, (6,), Decimal(1_200)), (7, 10, (11,), Decimal(15_000)),
    ]
    assert (rows[1].users_lo, rows[1].users_hi, rows[1].capacity) == (800_001, 1_200_000, 1_300_000)


def test_the_cliff_table_reads_5_to_6_and_7_to_10_to_11_with_their_savings():
    table = cliff_table(cliff_rows(TARIFF, 28), "en")
    assert table.iloc[:, 0].tolist() == ["5 → 6", "7–10 → 11"]
    assert table[t("curve.col_saving", "en")].tolist() == ["CNY 1,200", "up to CNY 15,000"]
    summary = table[t("curve.col_summary", "en")].tolist()
    assert summary[1] == "7–10 units needed: buy 11, save up to CNY 15,000"


def test_the_cliff_table_in_chinese_says_up_to_in_chinese():
    table = cliff_table(cliff_rows(TARIFF, 28), "zh")
    assert table.columns[0] == "需要 → 改买（单位）"
    assert table["节省"].tolist() == ["1,200 元", "最多 15,000 元"]


def test_below_the_first_cliff_there_are_no_cliff_rows():
    assert cliff_rows(TARIFF, 4) == []
    assert cliff_table([], "en").empty


def test_a_split_cheapest_plan_is_written_as_a_sum_of_purchases():
    row = CliffRow(3, 4, 400_001, 600_000, 1_500_000, (11, 2), Decimal(100))
    assert (row.need_text, row.buy_text) == ("3–4", "11 + 2")


# --- the CSV download --------------------------------------------------------------------------


def test_the_csv_keeps_money_exact_in_yuan_with_the_term():
    text = curve_csv(curve(3_000_000, months=12), 12)
    data = pd.read_csv(io.StringIO(text), dtype=str)
    row = data[data["users"] == "1000000"].iloc[0]
    assert (row["months"], row["units"]) == ("12", "8")
    assert (row["pack_fee_cny"], row["total_cny"]) == ("38400", "62400")
    assert row["cheapest_fee_cny"] == "33000"
    assert row["unit_price_cny"] == "4800"
    assert not any(name.endswith("_fen") for name in data.columns)


def test_the_csv_writes_fen_of_a_what_if_tariff_without_float_noise():
    text = tariff_to_toml(TARIFF).replace('unit_price = "4800"', 'unit_price = "4800.35"')
    what_if = parse_tariff(text)
    data = pd.read_csv(io.StringIO(curve_csv(curve(1_000_000, tariff=what_if), 1)), dtype=str)
    row = data[data["users"] == "1000000"].iloc[0]
    assert row["pack_fee_cny"] == "38402.80"  # 8 x 4,800.35
