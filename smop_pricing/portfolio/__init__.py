"""Portfolios: many customers priced at once, read from CSV or generated .

Reading (``read_portfolio``) streams the file in blocks through pyarrow's CSV reader
(every field kept as text, so customer names and ids pass through untouched), calls
a progress callback after each block, and splits the rows into good rows and bad
rows. A bad row is never dropped silently: each of its problems becomes a row of
``PortfolioFrame.errors`` with the file's line number (header = line 1), the column,
the value and a rule; :func:`error_table` words the rules in zh or en.

Pricing (``reprice``, ``price_table``) is vectorized over numpy int64 fen through
:func:`smop_pricing.pricing.vector.price_vectors`: no Python loop per row. Money columns of
the priced table end in ``_fen``; :func:`output_frame` turns them into exact yuan
text ("38400", "38400.50") for the CSV. Summaries (:class:`TariffTotals`,
:class:`Comparison`) carry money as Decimal.
"""


from smop_pricing.money import yuan_text
from smop_pricing.portfolio.columns import (
    AGAINST,
    BLOCK_BYTES,
    BOUNDS,
    DEFAULTS,
    DIFFERENCE_COLUMNS,
    ENCODINGS,
    ERROR_COLUMNS,
    ERROR_TABLE_COLUMNS,
    KNOWN_COLUMNS,
    MAX_SYNTHETIC,
    MONEY_COLUMNS,
    NUMBER_COLUMNS,
    PRICE_COLUMNS,
    SAMPLE_BYTES,
    fen_column,
    output_columns,
)
from smop_pricing.portfolio.compare import (
    Basis,
    Comparison,
    TariffTotals,
    compare,
    difference_histogram,
    exact_sum,
    totals,
    with_basis,
)
from smop_pricing.portfolio.numbers import parse_whole_numbers
from smop_pricing.portfolio.price import price_table, replaced_columns, reprice, synthetic_portfolio, within_limits
from smop_pricing.portfolio.read import (
    PortfolioFrame,
    ProgressCallback,
    ReadProgress,
    Source,
    detect_encoding,
    empty_errors,
    encoding_label,
    read_portfolio,
)
from smop_pricing.portfolio.write import (
    error_table,
    output_frame,
    priced_csv_bytes,
    write_errors_csv,
    write_priced_csv,
)

__all__ = (
    "AGAINST",
    "BLOCK_BYTES",
    "BOUNDS",
    "DEFAULTS",
    "DIFFERENCE_COLUMNS",
    "ENCODINGS",
    "ERROR_COLUMNS",
    "ERROR_TABLE_COLUMNS",
    "KNOWN_COLUMNS",
    "MAX_SYNTHETIC",
    "MONEY_COLUMNS",
    "NUMBER_COLUMNS",
    "PRICE_COLUMNS",
    "SAMPLE_BYTES",
    "Basis",
    "Comparison",
    "PortfolioFrame",
    "ProgressCallback",
    "ReadProgress",
    "Source",
    "TariffTotals",
    "compare",
    "detect_encoding",
    "difference_histogram",
    "empty_errors",
    "encoding_label",
    "error_table",
    "exact_sum",
    "fen_column",
    "output_columns",
    "output_frame",
    "parse_whole_numbers",
    "price_table",
    "priced_csv_bytes",
    "read_portfolio",
    "replaced_columns",
    "reprice",
    "synthetic_portfolio",
    "totals",
    "with_basis",
    "within_limits",
    "write_errors_csv",
    "write_priced_csv",
    "yuan_text",
)
