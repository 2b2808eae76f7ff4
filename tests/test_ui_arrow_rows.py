"""Tables made as Arrow without pandas (smop_ui.charts.arrow_rows / arrow_records) are the tables
``arrow(pd.DataFrame(...))`` makes: schema, pandas metadata and the bytes Streamlit sends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_table_to_arrow_bytes

from smop_pricing.plan import report
from smop_pricing.plan.forecast import scaled, shaped
from smop_pricing.plan.strategies import Problem, all_strategies
from smop_pricing.plan.uncertainty import analyse
from smop_pricing.pricing.tariff import published_tariff
from smop_ui.charts import arrow, arrow_records, arrow_rows


def assert_same_table(made, expected) -> None:
    assert made.equals(expected, check_metadata=True), (made.schema, expected.schema)
    assert convert_arrow_table_to_arrow_bytes(made) == convert_arrow_table_to_arrow_bytes(expected)


@pytest.mark.parametrize(
    ("columns", "rows"),
    [
        (["月份", "叠加包单位", "费用"], [("2026-01", 3, "14,400 元"), ("2026-02", 0, "0 元")]),
        (["a"], [(-(2**63),), (2**63 - 1,)]),  # int64's bounds
        (["text", "whole"], [("", 0)]),
    ],
)
def test_a_table_of_text_and_whole_numbers_is_the_table_pandas_makes(columns, rows):
    assert_same_table(arrow_rows(columns, rows), arrow(pd.DataFrame(rows, columns=columns)))


@pytest.mark.parametrize(
    ("columns", "rows"),
    [
        (["a", "b"], [("x", 1.5), ("y", 2.0)]),  # floats
        (["a", "b"], [("x", None), ("y", 2)]),  # a blank
        (["a", "b"], [("x", True), ("y", False)]),  # booleans are not whole numbers here
        (["a"], [(2**63,), (1,)]),  # past int64
        (["a", "b"], [("x", np.int64(1)), ("y", np.int64(2))]),  # numpy's whole numbers
        (["a", "b"], [("x", Decimal(1)), ("y", Decimal(2))]),  # decimals
        (["a", "b"], []),  # no rows
    ],
)
def test_any_other_table_goes_through_pandas_and_is_still_the_same(columns, rows):
    assert_same_table(arrow_rows(columns, rows), arrow(pd.DataFrame(rows, columns=columns)))


def test_a_repeated_column_name_is_refused_as_pandas_refuses_it():
    with pytest.raises(ValueError, match="Duplicate column names"):
        arrow(pd.DataFrame([("x", "y")], columns=["a", "a"]))
    with pytest.raises(ValueError, match="Duplicate column names"):
        arrow_rows(["a", "a"], [("x", "y")])


@pytest.mark.parametrize(
    "records",
    [
        [{"方案": "最优", "次数": 2}, {"方案": "随增长", "次数": 5}],
        [{"a": "x", "b": 1}, {"b": 2, "a": "y"}],  # keys in another order: pandas lines them up
        [{"a": "x"}, {"a": "y", "b": 2}],  # a key more
        [],
    ],
)
def test_records_make_the_table_pandas_makes_of_them(records):
    assert_same_table(arrow_records(records), arrow(pd.DataFrame(records)))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("first", "last", "months", "held", "spread"),
                         [(300_000, 3_000_000, 24, 0, 20), (2_000_000, 400_000, 7, 3, 50), (0, 0, 1, 0, 0)])
def test_the_growth_planners_tables_made_without_pandas_are_its_frames_as_arrow(first, last, months, held, spread,
                                                                                lang):
    forecast = shaped(dt.date(2026, 1, 1), first, last, months)
    problem = Problem(published_tariff(), forecast, held, Decimal("0.08"))
    plans = all_strategies(problem)
    cases = [("base", forecast)] + ([("low", scaled(forecast, -spread)), ("high", scaled(forecast, spread))]
                                    if spread else [])
    uncertainty = analyse(problem, cases)
    assert_same_table(arrow_records(report.comparison_records(plans, lang)),
                      arrow(report.comparison_frame(plans, lang)))
    assert_same_table(arrow_records(report.uncertainty_records(uncertainty, lang)),
                      arrow(report.uncertainty_frame(uncertainty, lang)))
    for plan in plans:
        assert_same_table(arrow_rows(report.purchases_columns(lang), report.purchases_rows(plan, lang)),
                          arrow(report.purchases_frame(plan, lang)))
        assert_same_table(arrow_rows(report.budget_headers(lang), report.budget_table_rows(plan, lang)),
                          arrow(report.budget_frame(plan, lang)))
