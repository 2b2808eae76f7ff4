"""Portfolios: many customers priced at once, read from CSV or generated (issue items 6-8).

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

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from smop_pricing.errors import InputError, PortfolioError
from smop_pricing.i18n import t
from smop_pricing.money import from_fen
from smop_pricing.pricing.rules import MAX_HELD_UNITS, MAX_MONTHS, MAX_NEED_UNITS, MAX_USERS, IntArray
from smop_pricing.pricing.tariff import Tariff
from smop_pricing.pricing.vector import price_vectors

# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------

NUMBER_COLUMNS = ("users", "months", "held_units")
"""The whole-number input columns; ``users`` is required, the other two have defaults."""

KNOWN_COLUMNS = ("customer", *NUMBER_COLUMNS)
"""Input columns recognized by name (case and surrounding spaces ignored)."""

BOUNDS: Mapping[str, tuple[int, int]] = MappingProxyType({
    "users": (0, MAX_USERS),
    "months": (1, MAX_MONTHS),
    "held_units": (0, MAX_HELD_UNITS),
})

DEFAULTS: Mapping[str, int] = MappingProxyType({"months": 1, "held_units": 0})
"""Values used when the column is absent (``months`` is then reported as assumed)."""

PRICE_COLUMNS = (
    "base_fee",
    "pack_units",
    "pack_rate",
    "pack_fee",
    "total",
    "capacity",
    "cheapest_pack_units",
    "cheapest_total",
    "saving",
)
"""The priced columns as written to CSV, in order (``against_`` + each for a second tariff)."""

MONEY_COLUMNS = frozenset({"base_fee", "pack_rate", "pack_fee", "total", "cheapest_total", "saving"})
AGAINST = "against_"
DIFFERENCE_COLUMNS = ("difference", "cheapest_difference")
"""Per customer, what-if minus published (literal totals / cheapest totals); money."""

ERROR_COLUMNS = ("line", "column", "value", "rule", "detail")
"""``PortfolioFrame.errors``: one row per problem; ``detail`` holds the rule's parameter."""

ERROR_TABLE_COLUMNS = ("line", "column", "value", "reason")
"""What :func:`error_table` returns and the errors file holds."""

ENCODINGS = ("utf-8", "utf-8-sig", "gbk")
"""Encodings read (and written back); "gbk" is decoded and encoded as GB18030, its superset."""

MAX_SYNTHETIC = 5_000_000
SAMPLE_BYTES = 1 << 20
BLOCK_BYTES = 1 << 20
_MAX_VALUE_CHARS = 200
_DIGITS = 15  # whole numbers up to 15 digits are exact in int64 and far past every bound

_CODEC = MappingProxyType({"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030"})
_ARROW_CODEC = MappingProxyType({"utf-8": "utf8", "utf-8-sig": "utf8", "gbk": "gb18030"})  # arrow skips a UTF-8 BOM

_OK, _EMPTY, _NOT_WHOLE, _RANGE = 0, 1, 2, 3
_RULE_OF_CODE = MappingProxyType({_EMPTY: "empty", _NOT_WHOLE: "not_whole", _RANGE: "range"})


def fen_column(name: str) -> str:
    """The priced table's name for output column ``name``: money columns carry ``_fen``."""
    base = name[len(AGAINST) :] if name.startswith(AGAINST) else name
    return f"{name}_fen" if base in MONEY_COLUMNS or base in DIFFERENCE_COLUMNS else name


def output_columns(against: bool = False) -> tuple[str, ...]:
    """The priced columns the CSV gets, after the input's own columns."""
    return PRICE_COLUMNS + (tuple(AGAINST + c for c in PRICE_COLUMNS) if against else ())


def _money_fen_columns() -> frozenset[str]:
    names = [*PRICE_COLUMNS, *(AGAINST + c for c in PRICE_COLUMNS), *DIFFERENCE_COLUMNS]
    return frozenset(fen_column(c) for c in names if fen_column(c) != c)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

Source = str | os.PathLike[str] | bytes | bytearray | IO[bytes]


@dataclass(frozen=True)
class ReadProgress:
    """How far reading has got; reported after every block (about 1 MB) and at the end."""

    bytes_read: int
    bytes_total: int | None
    rows_read: int

    @property
    def fraction(self) -> float:
        """0.0 .. 1.0 for a progress bar (0.0 while the size is unknown)."""
        if not self.bytes_total:
            return 0.0
        return min(1.0, self.bytes_read / self.bytes_total)


ProgressCallback = Callable[[ReadProgress], None]


@dataclass(frozen=True, eq=False)
class PortfolioFrame:
    """A portfolio after reading: the good rows, the problems of the bad ones, and how it was read.

    ``rows`` is indexed by the file's line number (``line``); it holds the input's columns in
    file order, text kept as read, with ``users``, ``months`` and ``held_units`` as int64
    (absent ``months``/``held_units`` columns are added with their defaults at the end).
    ``errors`` has :data:`ERROR_COLUMNS`, sorted by line.
    """

    rows: pd.DataFrame
    errors: pd.DataFrame
    encoding: str
    blank_lines: int = 0
    assumed: tuple[str, ...] = ()
    source: str = ""

    @property
    def priced_rows(self) -> int:
        """Rows that will be priced."""
        return len(self.rows)

    @property
    def rejected_rows(self) -> int:
        """Distinct lines with at least one problem."""
        return int(self.errors["line"].nunique())


def empty_errors() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "line": pd.Series([], dtype="int64"),
            "column": pd.Series([], dtype="str"),
            "value": pd.Series([], dtype="str"),
            "rule": pd.Series([], dtype="str"),
            "detail": pd.Series([], dtype="str"),
        }
    )


def _label_of(source: Source) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    if isinstance(source, (bytes, bytearray)):
        return "CSV"
    name = getattr(source, "name", None)
    return Path(name).name if isinstance(name, str) and name else "CSV"


@contextmanager
def _open_source(source: Source, label: str) -> Iterator[tuple[IO[bytes], int | None]]:
    """A seekable binary stream positioned at the data, and the number of bytes to read."""
    if isinstance(source, (str, os.PathLike)):
        try:
            handle: IO[bytes] = open(source, "rb")  # noqa: SIM115 - closed below
        except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
            reason = getattr(exc, "strerror", None) or str(exc)
            raise PortfolioError(label, "", "unreadable", reason=reason) from None
        try:
            size = os.fstat(handle.fileno()).st_size
            yield handle, size
        finally:
            handle.close()
        return
    if isinstance(source, (bytes, bytearray)):
        yield io.BytesIO(bytes(source)), len(source)
        return
    stream = source
    try:
        seekable = stream.seekable()
    except (AttributeError, OSError, ValueError):
        seekable = False
    if not seekable:
        data = stream.read()
        yield io.BytesIO(data), len(data)
        return
    start = stream.tell()
    end = stream.seek(0, io.SEEK_END)
    stream.seek(start)
    yield io.BufferedReader(_Window(stream, start)), end - start


class _Window(io.RawIOBase):
    """A read-only view of ``stream`` from ``start`` on (so position 0 is the data's start)."""

    def __init__(self, stream: IO[bytes], start: int) -> None:
        super().__init__()
        self._stream = stream
        self._start = start

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            return self._stream.seek(self._start + offset) - self._start
        return self._stream.seek(offset, whence) - self._start

    def tell(self) -> int:
        return self._stream.tell() - self._start


def _decodes(sample: bytes, codec: str, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(codec)("strict").decode(sample, final)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(sample: bytes, complete: bool, label: str = "CSV") -> str:
    """One of :data:`ENCODINGS` for the file starting with ``sample``; else PortfolioError.

    ``complete`` says whether ``sample`` is the whole file (a cut-off last character is
    allowed otherwise).
    """
    body = sample[3:] if sample.startswith(codecs.BOM_UTF8) else sample
    if not body.strip():
        raise PortfolioError(label, "", "portfolio_empty")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise PortfolioError(label, "", "portfolio_utf16")
    if sample.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise PortfolioError(label, "", "portfolio_spreadsheet")
    if b"\x00" in sample:
        raise PortfolioError(label, "", "portfolio_binary")
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if _decodes(sample, "utf-8", complete):
        return "utf-8"
    if _decodes(sample, "gb18030", complete):
        return "gbk"
    raise PortfolioError(label, "", "portfolio_encoding")


def encoding_label(encoding: str, lang: str) -> str:
    """How an encoding is named to the user: "UTF-8", "带 BOM 的 UTF-8" / "UTF-8 with BOM", "GBK"."""
    key = {"utf-8": "enc_utf8", "utf-8-sig": "enc_utf8_sig", "gbk": "enc_gbk"}.get(encoding)
    return t(f"portfolio.{key}", lang) if key else encoding


def _sniff_delimiter(first_line: str) -> str:
    """Comma, unless the header has none and has tabs or semicolons (some locales' exports)."""
    if "," in first_line:
        return ","
    if "\t" in first_line:
        return "\t"
    if ";" in first_line:
        return ";"
    return ","


def _header_names(raw: list[str], label: str) -> list[str]:
    """Canonical names: known columns lower-cased and trimmed; others kept, made unique."""
    names: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(raw):
        name = cell.strip()
        if name.lower() in KNOWN_COLUMNS:
            name = name.lower()
            if name in seen:
                raise PortfolioError(label, name, "portfolio_duplicate_column", column=name)
        elif not name:
            name = f"column_{index + 1}"
        base, suffix = name, 1
        while name in seen:
            name = f"{base}.{suffix}"
            suffix += 1
        seen.add(name)
        names.append(name)
    if "users" not in seen:
        shown = ",".join(raw)
        raise PortfolioError(label, shown if len(shown) <= 80 else shown[:77] + "...", "portfolio_no_users")
    return names


@dataclass
class _Block:
    """One block of data rows, as read (columns still text)."""

    table: pa.Table
    numbers: dict[str, IntArray]
    codes: dict[str, npt.NDArray[np.int8]]
    blank: npt.NDArray[np.bool_]
    newlines: IntArray | None


def _numpy(array: Any, dtype: Any) -> Any:
    """An arrow array as a numpy array of ``dtype``."""
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=dtype)


def _is_empty(column: Any) -> Any:
    return pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(column)), 0)


def parse_whole_numbers(
    column: Any, minimum: int, maximum: int, default: int | None = None
) -> tuple[IntArray, npt.NDArray[np.int8]]:
    """Text to whole numbers, vectorized: the values (0 where bad) and a problem code per value.

    Accepted: digits with an optional sign, thousands commas ("1,000,000") and a zero fraction
    ("12.0"), with spaces around. An empty value is ``default`` when one is given.
    """
    array = column if isinstance(column, (pa.Array, pa.ChunkedArray)) else pa.array(column, pa.string())
    plain_digits = len(array) and pc.all(pc.ascii_is_decimal(array)).as_py()
    if plain_digits and pc.max(pc.utf8_length(array)).as_py() <= _DIGITS:
        values = np.asarray(pc.cast(array, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)
        codes = np.where((values < minimum) | (values > maximum), _RANGE, _OK).astype(np.int8)
        return values, codes
    text = pc.utf8_trim_whitespace(array)
    empty = np.asarray(pc.equal(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False), dtype=bool)
    plain = pc.match_substring_regex(text, r"^[+-]?[0-9]+(\.0*)?$")
    grouped = pc.match_substring_regex(text, r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.0*)?$")
    well_formed = pc.or_(plain, grouped)
    digits = pc.replace_substring_regex(text, r"[+,]|\.0*$", "")
    fits = pc.less_equal(pc.utf8_length(pc.replace_substring(digits, "-", "")), _DIGITS)
    castable = pc.and_(well_formed, fits)
    values = np.array(pc.cast(pc.if_else(castable, digits, "0"), pa.int64()).to_numpy(zero_copy_only=False))
    ok_form = np.asarray(well_formed.to_numpy(zero_copy_only=False), dtype=bool)
    ok_fit = np.asarray(castable.to_numpy(zero_copy_only=False), dtype=bool)
    codes = np.full(len(values), _OK, dtype=np.int8)
    codes[~ok_form] = _NOT_WHOLE
    codes[ok_form & (~ok_fit | (values < minimum) | (values > maximum))] = _RANGE
    if default is not None:
        values[empty] = default
        codes[empty] = _OK
    else:
        codes[empty] = _EMPTY
    values[codes != _OK] = 0
    return values, codes


def _string_columns(batch: Any) -> list[Any]:
    columns = []
    for column in batch.columns:
        columns.append(column if column.type == pa.string() else pc.cast(column, pa.string()))
    return columns


def _read_blocks(
    stream: IO[bytes],
    total: int | None,
    encoding: str,
    delimiter: str,
    width: int,
    label: str,
    progress: ProgressCallback | None,
) -> tuple[list[str], list[_Block], list[tuple[int, int, int, str]], int]:
    invalid: list[tuple[int, int, int, str]] = []

    def on_invalid(row: Any) -> str:
        # single-threaded reading: row.number is the CSV record number (header = 1)
        invalid.append((int(row.number), int(row.actual_columns), int(row.expected_columns), str(row.text)))
        return "skip"

    reader = pcsv.open_csv(
        stream,
        read_options=pcsv.ReadOptions(
            use_threads=False,
            block_size=BLOCK_BYTES,
            autogenerate_column_names=True,
            encoding=_ARROW_CODEC[encoding],
        ),
        parse_options=pcsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pcsv.ConvertOptions(
            column_types={f"f{i}": pa.string() for i in range(width)},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    names: list[str] | None = None
    header_newlines = 0
    blocks: list[_Block] = []
    rows_read = 0
    for batch in reader:
        columns = _string_columns(batch)
        if names is None:
            raw = [str(c[0].as_py()) if len(c) else "" for c in columns]
            header_newlines = sum(cell.count("\n") for cell in raw)
            names = _header_names(raw, label)
            columns = [c.slice(1) for c in columns]
        block = _parse_block(names, columns)
        blocks.append(block)
        rows_read += len(block.blank)
        if progress is not None:
            progress(ReadProgress(stream.tell(), total, rows_read))
    if names is None:
        raise PortfolioError(label, "", "portfolio_empty")
    if progress is not None:
        progress(ReadProgress(total if total is not None else stream.tell(), total, rows_read))
    return names, blocks, invalid, header_newlines


def _parse_block(names: list[str], columns: list[Any]) -> _Block:
    table = pa.Table.from_arrays(columns, names=names)
    n = table.num_rows
    numbers: dict[str, IntArray] = {}
    codes: dict[str, npt.NDArray[np.int8]] = {}
    for name in NUMBER_COLUMNS:
        if name in names:
            low, high = BOUNDS[name]
            numbers[name], codes[name] = parse_whole_numbers(
                table.column(name), low, high, default=0 if name == "held_units" else None
            )
    # a blank row has every field empty, so only rows with an empty users value can be blank
    blank = codes["users"] == _EMPTY
    if blank.any():
        for column in columns:
            blank &= _numpy(_is_empty(column), bool)
    newlines: IntArray | None = None
    for column in columns:
        if n and pc.any(pc.match_substring(column, "\n")).as_py():
            counts = _numpy(pc.count_substring(column, "\n"), np.int64)
            newlines = counts if newlines is None else newlines + counts
    return _Block(table, numbers, codes, blank, newlines)


def _line_numbers(
    n_rows: int,
    invalid: list[tuple[int, int, int, str]],
    newlines: IntArray | None,
    header_newlines: int,
) -> tuple[IntArray, IntArray]:
    """File line numbers of the data rows and of the rows with a wrong field count.

    Records (CSV rows) are numbered from 1 (the header); a value with line breaks inside
    quotes makes its record span several lines, which shifts every later line number.
    """
    invalid_records = np.array([r[0] for r in invalid], dtype=np.int64)
    records = np.arange(2, 2 + n_rows + len(invalid), dtype=np.int64)
    kept = np.setdiff1d(records, invalid_records, assume_unique=True) if len(invalid) else records
    if len(kept) != n_rows:  # pragma: no cover - a change in the CSV reader's numbering
        raise RuntimeError("CSV record numbering is not as expected")
    invalid_newlines = np.array([r[3].count("\n") for r in invalid], dtype=np.int64)
    if newlines is None and header_newlines == 0 and not invalid_newlines.any():
        return kept, invalid_records
    per_record = np.zeros(2 + n_rows + len(invalid), dtype=np.int64)
    per_record[1] = header_newlines
    if newlines is not None:
        per_record[kept] = newlines
    if len(invalid):
        per_record[invalid_records] = invalid_newlines
    before = np.concatenate(([0], np.cumsum(per_record)[:-1]))
    return kept + before[kept], invalid_records + before[invalid_records]


def _truncate(value: str) -> str:
    return value if len(value) <= _MAX_VALUE_CHARS else value[: _MAX_VALUE_CHARS - 3] + "..."


def read_portfolio(
    source: Source,
    progress: ProgressCallback | None = None,
    *,
    name: str | None = None,
) -> PortfolioFrame:
    """Read a portfolio CSV (a path, bytes, or a binary file such as Streamlit's upload).

    UTF-8, UTF-8 with BOM and GBK are recognized; the delimiter is a comma (tab or
    semicolon when the header has no comma). ``progress`` is called after each block
    with a :class:`ReadProgress`. A file that cannot be used at all (empty, binary, not
    decodable, no ``users`` column) raises :class:`PortfolioError`; bad rows do not raise:
    they are listed in ``errors`` and left out of ``rows``.
    """
    label = name or _label_of(source)
    with _open_source(source, label) as (stream, total):
        sample = stream.read(SAMPLE_BYTES)
        complete = len(sample) < SAMPLE_BYTES
        encoding = detect_encoding(sample, complete, label)
        text = sample.decode(_CODEC[encoding], errors="ignore")
        first_line = text.split("\n", 1)[0]
        delimiter = _sniff_delimiter(first_line)
        width = first_line.count(delimiter) + 1
        # A start in plain ASCII says nothing about the encoding: GBK text may come later. A
        # start with UTF-8 text that goes wrong later is a damaged file, not GBK.
        attempts = (encoding, "gbk") if encoding == "utf-8" and sample.isascii() else (encoding,)
        for attempt in attempts:
            stream.seek(0)
            try:
                names, blocks, invalid, header_newlines = _read_blocks(
                    stream, total, attempt, delimiter, width, label, progress
                )
            except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                message = str(exc)
                not_utf8 = "UTF8" in message or "UTF-8" in message or "utf-8" in message
                if attempt == "utf-8" and not_utf8 and len(attempts) > 1:
                    continue  # ASCII at the start, not UTF-8 later: try GBK
                if isinstance(exc, UnicodeDecodeError) or not_utf8 or "decode" in message:
                    raise PortfolioError(label, "", "portfolio_encoding") from None
                reason = message.splitlines()[0][:120]
                raise PortfolioError(label, "", "portfolio_csv", reason=reason) from None
            encoding = attempt
            break
        else:
            raise PortfolioError(label, "", "portfolio_encoding")
    return _assemble(names, blocks, invalid, header_newlines, encoding, label)


def _assemble(
    names: list[str],
    blocks: list[_Block],
    invalid: list[tuple[int, int, int, str]],
    header_newlines: int,
    encoding: str,
    label: str,
) -> PortfolioFrame:
    n = sum(len(b.blank) for b in blocks)
    blank = np.concatenate([b.blank for b in blocks]) if blocks else np.zeros(0, dtype=bool)
    if any(b.newlines is not None for b in blocks):
        newlines: IntArray | None = np.concatenate(
            [b.newlines if b.newlines is not None else np.zeros(len(b.blank), dtype=np.int64) for b in blocks]
        )
    else:
        newlines = None
    lines, invalid_lines = _line_numbers(n, invalid, newlines, header_newlines)
    if blocks:
        table = pa.concat_tables([b.table for b in blocks])
    else:
        table = pa.table({c: pa.array([], pa.string()) for c in names})

    numbers: dict[str, IntArray] = {}
    codes: dict[str, npt.NDArray[np.int8]] = {}
    for column in NUMBER_COLUMNS:
        if column in names:
            numbers[column] = np.concatenate([np.zeros(0, np.int64)] + [b.numbers[column] for b in blocks])
            codes[column] = np.concatenate([np.zeros(0, np.int8)] + [b.codes[column] for b in blocks])
    bad = np.zeros(n, dtype=bool)
    for code in codes.values():
        bad |= code != _OK
    bad &= ~blank
    good = ~bad & ~blank

    problems: list[pd.DataFrame] = []
    for column, code in codes.items():
        where = np.flatnonzero((code != _OK) & ~blank)
        if len(where) == 0:
            continue
        values = table.column(column).take(pa.array(where)).to_pylist()
        problems.append(
            pd.DataFrame(
                {
                    "line": lines[where],
                    "column": column,
                    "value": [_truncate(v) for v in values],
                    "rule": [_RULE_OF_CODE[int(c)] for c in code[where]],
                    "detail": "",
                    "_order": NUMBER_COLUMNS.index(column),
                }
            )
        )
    # a line of spaces has one field: it is a blank line, not a row with too few fields
    spaces = np.array([not r[3].strip() for r in invalid], dtype=bool)
    wrong = [r for r, space in zip(invalid, spaces, strict=True) if not space]
    if wrong:
        problems.append(
            pd.DataFrame(
                {
                    "line": invalid_lines[~spaces],
                    "column": "",
                    "value": [_truncate(r[3]) for r in wrong],
                    "rule": "fields",
                    "detail": [f"{r[1]}/{r[2]}" for r in wrong],
                    "_order": -1,
                }
            )
        )
    errors = _sorted_errors(problems)

    everything = bool(good.all())
    good_index = np.flatnonzero(good)
    kept = table if everything else table.take(pa.array(good_index))
    data: dict[str, Any] = {}
    for column in names:
        if column in numbers:
            data[column] = numbers[column] if everything else numbers[column][good_index]
        else:
            data[column] = kept.column(column).to_pandas().array  # pandas "str", kept as read
    assumed: list[str] = []
    for column, default in DEFAULTS.items():
        if column not in names:
            data[column] = np.full(len(good_index), default, dtype=np.int64)
            if column == "months":
                assumed.append(column)
    index = pd.Index(lines if everything else lines[good_index], name="line")
    frame = pd.DataFrame(data, index=index, copy=False)
    return PortfolioFrame(
        rows=frame,
        errors=errors,
        encoding=encoding,
        blank_lines=int(blank.sum()) + int(spaces.sum()),
        assumed=tuple(assumed),
        source=label,
    )


def _sorted_errors(problems: list[pd.DataFrame]) -> pd.DataFrame:
    if not problems:
        return empty_errors()
    errors = pd.concat(problems, ignore_index=True)
    errors = errors.sort_values(["line", "_order"], kind="stable").drop(columns="_order")
    errors = errors.reset_index(drop=True)
    errors["line"] = errors["line"].astype("int64")
    for column in ("column", "value", "rule", "detail"):
        errors[column] = errors[column].astype("str")
    return errors


def within_limits(frame: PortfolioFrame, *tariffs: Tariff) -> PortfolioFrame:
    """Move rows needing more pack units than the engine prices (under any tariff) to errors."""
    rows = frame.rows
    too_big = np.zeros(len(rows), dtype=bool)
    problems = [frame.errors.assign(_order=0)] if len(frame.errors) else []
    users = rows["users"].to_numpy(dtype=np.int64)
    held = rows["held_units"].to_numpy(dtype=np.int64)
    for tariff in tariffs:
        short = users - tariff.included_users - held * tariff.pack_users
        need = np.where(short > 0, -(-short // tariff.pack_users), 0)
        over = (need > MAX_NEED_UNITS) & ~too_big
        if over.any():
            where = np.flatnonzero(over)
            problems.append(
                pd.DataFrame(
                    {
                        "line": rows.index.to_numpy()[where],
                        "column": "users",
                        "value": users[where].astype(str),
                        "rule": "too_many_units",
                        "detail": tariff.version,
                        "_order": 1,
                    }
                )
            )
            too_big |= over
    if not too_big.any():
        return frame
    return replace(frame, rows=rows[~too_big], errors=_sorted_errors(problems))


def error_table(errors: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The problems worded in ``lang``: columns ``line, column, value, reason``."""
    keys = errors[["rule", "column", "detail"]].drop_duplicates()
    wording: dict[tuple[str, str, str], str] = {}
    for rule, column, detail in keys.itertuples(index=False):
        wording[(rule, column, detail)] = _reason(str(rule), str(column), str(detail), lang)
    reasons = [wording[key] for key in zip(errors["rule"], errors["column"], errors["detail"], strict=True)]
    return pd.DataFrame(
        {
            "line": errors["line"].astype("int64"),
            "column": errors["column"].astype("str"),
            "value": errors["value"].astype("str"),
            "reason": pd.Series(reasons, dtype="str", index=errors.index),
        }
    )


def _reason(rule: str, column: str, detail: str, lang: str) -> str:
    if rule == "range":
        low, high = BOUNDS[column]
        return t("portfolio.reason_range", lang, minimum=f"{low:,}", maximum=f"{high:,}")
    if rule == "fields":
        actual, expected = detail.split("/")
        return t("portfolio.reason_fields", lang, actual=actual, expected=expected)
    if rule == "too_many_units":
        return t("portfolio.reason_too_many_units", lang, maximum=f"{MAX_NEED_UNITS:,}", tariff=detail)
    return t(f"portfolio.reason_{rule}", lang)


# ---------------------------------------------------------------------------------------------
# Synthetic portfolios
# ---------------------------------------------------------------------------------------------

_TERMS = (1, 3, 6, 12, 24, 36)
_TERM_WEIGHTS = (0.2, 0.1, 0.15, 0.35, 0.1, 0.1)


def synthetic_portfolio(size: int, seed: int = 0) -> pd.DataFrame:
    """``size`` made-up customers, the same for the same (size, seed).

    users: log-normal with a median of about 700,000 and 90 % between about 100,000 and
    5,000,000 (clipped to 1 .. MAX_USERS); months: 1 to 36, mostly the usual terms
    (1, 3, 6, 12, 24, 36 months); held_units: 0 for 80 %, else 1 to 5. Indexed like a file
    (``line`` 2, 3, ...) with columns ``customer, users, months, held_units``.
    """
    if isinstance(size, bool) or not isinstance(size, int):
        raise InputError("size", size, "whole_number", minimum="0", maximum=f"{MAX_SYNTHETIC:,}")
    if not 0 <= size <= MAX_SYNTHETIC:
        raise InputError("size", size, "range", minimum="0", maximum=f"{MAX_SYNTHETIC:,}")
    rng = np.random.default_rng(seed)
    log_users = rng.normal(np.log(700_000.0), 1.2, size)
    users = np.clip(np.rint(np.exp(log_users)), 1, MAX_USERS).astype(np.int64)
    usual = rng.random(size) < 0.75
    months = np.where(
        usual, rng.choice(
            np.array(_TERMS, dtype=np.int64), size=size, p=np.array(_TERM_WEIGHTS)
        ), rng.integers(1, 37, size=size)
    ).astype(np.int64)
    holds = rng.random(size) < 0.2
    held = np.where(holds, rng.integers(1, 6, size=size), 0).astype(np.int64)
    numbers = pa.array(np.arange(1, size + 1, dtype=np.int64)).cast(pa.string())
    names = pc.binary_join_element_wise("C", pc.utf8_lpad(numbers, max(6, len(str(size))), "0"), "")
    return pd.DataFrame(
        {
            "customer": pd.Series(names.to_pandas(), dtype="str").array,
            "users": users,
            "months": months,
            "held_units": held,
        },
        index=pd.Index(np.arange(2, size + 2, dtype=np.int64), name="line"),
        copy=False,
    )


# ---------------------------------------------------------------------------------------------
# Pricing
# ---------------------------------------------------------------------------------------------


def _number_arrays(rows: pd.DataFrame) -> tuple[IntArray, IntArray, IntArray]:
    arrays: list[IntArray] = []
    for column in NUMBER_COLUMNS:
        if column not in rows.columns or rows[column].dtype.kind not in "iu":
            raise InputError(column, "", "portfolio_columns")
        values = rows[column].to_numpy(dtype=np.int64)
        low, high = BOUNDS[column]
        if len(values):
            wrong = (values < low) | (values > high)
            if wrong.any():
                value = int(values[int(np.argmax(wrong))])
                raise InputError(column, value, "range", minimum=f"{low:,}", maximum=f"{high:,}")
        arrays.append(values)
    return arrays[0], arrays[1], arrays[2]


def reprice(rows: pd.DataFrame, tariff: Tariff, prefix: str = "") -> pd.DataFrame:
    """The priced columns for every row under ``tariff`` (money in int64 fen), same index.

    Columns: ``prefix`` + ``fen_column(c)`` for c in :data:`PRICE_COLUMNS`. Raises
    InputError for rows out of bounds or needing more than MAX_NEED_UNITS pack units
    (use :func:`within_limits` first).
    """
    users, months, held = _number_arrays(rows)
    v = price_vectors(tariff, users, months, held)
    units, pack_fee = v["units"], v["pack_fee_fen"]
    # Purchase.rate: the unit price (volume) or the average per unit, rounded half up to the fen
    rate = np.where(units > 0, (2 * pack_fee + units) // (2 * np.maximum(units, 1)), 0).astype(np.int64)
    data: dict[str, IntArray] = {
        "base_fee": v["base_fee_fen"],
        "pack_units": units,
        "pack_rate": rate,
        "pack_fee": pack_fee,
        "total": v["total_fen"],
        "capacity": v["capacity"],
        "cheapest_pack_units": v["cheapest_units"],
        "cheapest_total": v["cheapest_total_fen"],
        "saving": v["saving_fen"],
    }
    columns = {prefix + fen_column(k): data[k] for k in PRICE_COLUMNS}
    return pd.DataFrame(columns, index=rows.index, copy=False)


def replaced_columns(rows: pd.DataFrame, against: bool = False, differences: bool = False) -> list[str]:
    """Input columns that the priced table replaces because they share an output column's name."""
    taken = set(output_columns(against)) | {fen_column(c) for c in output_columns(against)}
    if differences:
        taken |= set(DIFFERENCE_COLUMNS) | {fen_column(c) for c in DIFFERENCE_COLUMNS}
    return [str(c) for c in rows.columns if c in taken]


def price_table(
    rows: pd.DataFrame,
    tariff: Tariff,
    against: Tariff | None = None,
    *,
    differences: bool = False,
) -> pd.DataFrame:
    """The input columns, then the priced columns, then (with ``against``) the ``against_`` ones.

    With ``differences`` (and ``against``), also ``difference_fen`` and
    ``cheapest_difference_fen``: against minus tariff, per customer.
    """
    replaced = replaced_columns(rows, against is not None, differences)
    base = rows.drop(columns=replaced) if replaced else rows
    parts = [base, reprice(rows, tariff)]
    if against is not None:
        second = reprice(rows, against, AGAINST)
        parts.append(second)
        if differences:
            first = parts[1]
            parts.append(
                pd.DataFrame(
                    {
                        "difference_fen": second[AGAINST + "total_fen"] - first["total_fen"],
                        "cheapest_difference_fen": second[AGAINST + "cheapest_total_fen"]
                        - first["cheapest_total_fen"],
                    },
                    index=rows.index,
                )
            )
    return pd.concat(parts, axis=1)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def yuan_text(fen: npt.ArrayLike) -> pd.Series:
    """Exact yuan for integer fen: int64 yuan when every value is whole, else text per value.

    Whole values are written as integers ("38400"), others with two decimals ("38400.50").
    """
    values = np.asarray(fen, dtype=np.int64)
    cents = np.abs(values) % 100
    if not cents.any():
        return pd.Series(values // 100, dtype="int64")
    negative = values < 0
    magnitude = np.abs(values)
    whole = pa.array(magnitude // 100).cast(pa.string())
    fraction = pc.utf8_lpad(pa.array(cents).cast(pa.string()), 2, "0")
    text = pc.if_else(pa.array(cents == 0), whole, pc.binary_join_element_wise(whole, fraction, "."))
    if negative.any():
        text = pc.if_else(pa.array(negative), pc.binary_join_element_wise("-", text, ""), text)
    return pd.Series(text.to_pandas(), dtype="str")


def output_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The priced table as written: ``*_fen`` money columns become yuan columns without the suffix."""
    money = _money_fen_columns()
    frame = table.reset_index(drop=True)
    data: dict[str, pd.Series] = {}
    for column in frame.columns:
        series = frame[column]
        if column in money and series.dtype.kind in "iu":
            data[str(column)[: -len("_fen")]] = yuan_text(series.to_numpy())
        else:
            data[str(column)] = series
    return pd.DataFrame(data, copy=False)


def _codec(encoding: str) -> str:
    if encoding not in _CODEC:
        raise InputError("encoding", encoding, "portfolio_encoding_choice", choices=", ".join(ENCODINGS))
    return _CODEC[encoding]


def write_priced_csv(
    table: pd.DataFrame, dest: str | os.PathLike[str] | IO[str], encoding: str = "utf-8"
) -> None:
    """Write the priced table as CSV (see :func:`output_frame`); ``encoding`` one of ENCODINGS."""
    output_frame(table).to_csv(dest, index=False, encoding=_codec(encoding), lineterminator="\n")


def priced_csv_bytes(table: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    """The CSV of :func:`write_priced_csv` as bytes (for a download button)."""
    text = output_frame(table).to_csv(index=False, lineterminator="\n")
    return text.encode(_codec(encoding))


def write_errors_csv(
    errors: pd.DataFrame, dest: str | os.PathLike[str] | IO[str], lang: str, encoding: str = "utf-8"
) -> None:
    """Write :func:`error_table` as CSV: ``line, column, value, reason``."""
    error_table(errors, lang).to_csv(dest, index=False, encoding=_codec(encoding), lineterminator="\n")


# ---------------------------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------------------------


def exact_sum(values: npt.ArrayLike) -> int:
    """The sum of int64 values as a Python int, without int64 overflow."""
    array = np.asarray(values, dtype=np.int64)
    high = array >> 32
    low = array & 0xFFFFFFFF
    return int(high.sum(dtype=np.int64)) * (1 << 32) + int(low.sum(dtype=np.int64))


@dataclass(frozen=True)
class TariffTotals:
    """A portfolio's revenue under one tariff, literal and cheapest purchases (money in yuan)."""

    name: str
    name_en: str
    version: str
    mode: str
    customers: int
    base_fee: Decimal
    pack_units: int
    pack_fee: Decimal
    total: Decimal
    cheapest_pack_units: int
    cheapest_total: Decimal
    saving: Decimal

    def display_name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "mode": self.mode,
            "customers": self.customers,
            "base_fee": self.base_fee,
            "pack_units": self.pack_units,
            "pack_fee": self.pack_fee,
            "total": self.total,
            "cheapest_pack_units": self.cheapest_pack_units,
            "cheapest_total": self.cheapest_total,
            "saving": self.saving,
        }


def totals(table: pd.DataFrame, tariff: Tariff, prefix: str = "") -> TariffTotals:
    """Sum the priced columns (``prefix`` = "" or "against_") of a priced table."""

    def money(column: str) -> Decimal:
        return from_fen(exact_sum(table[prefix + fen_column(column)].to_numpy()))

    def count(column: str) -> int:
        return exact_sum(table[prefix + column].to_numpy())

    base, total, cheapest = money("base_fee"), money("total"), money("cheapest_total")
    return TariffTotals(
        name=tariff.name,
        name_en=tariff.name_en,
        version=tariff.version,
        mode=tariff.tier_mode,
        customers=len(table),
        base_fee=base,
        pack_units=count("pack_units"),
        pack_fee=money("pack_fee"),
        total=total,
        cheapest_pack_units=count("cheapest_pack_units"),
        cheapest_total=cheapest,
        saving=total - cheapest,
    )


_NICE = (1, 2, 5)


def difference_histogram(differences_fen: npt.ArrayLike, bins: int = 20) -> pd.DataFrame:
    """Counts of per-customer differences in at most ``bins`` bins of a round width.

    Columns ``lower``, ``upper`` (yuan, Decimal; a bin is lower <= d < upper) and ``count``.
    Widths are 1, 2 or 5 times a power of ten fen (at least 1 yuan when every value is whole)
    and edges are multiples of the width, except for one bin that cannot be aligned.
    """
    values = np.asarray(differences_fen, dtype=np.int64)
    if bins < 1:
        raise InputError("bins", bins, "range", minimum="1", maximum="1,000")
    if len(values) == 0:
        return pd.DataFrame({"lower": pd.Series([], dtype=object), "upper": pd.Series([], dtype=object),
                             "count": pd.Series([], dtype="int64")})
    low, high = int(values.min()), int(values.max())
    smallest = 100 if not (values % 100).any() else 1
    span = high - low + 1
    widths = (m * 10**k for k in range(len(str(span)) + 2) for m in _NICE)
    fitting = (w for w in widths if w >= smallest and (high - (low // w) * w) // w + 1 <= bins)
    # with aligned edges a range across a bin edge needs two bins: one bin then starts at the lowest value
    aligned = next(fitting, None)
    if aligned is not None:
        width, start = aligned, (low // aligned) * aligned
    else:
        width, start = -(-span // smallest) * smallest, low
    index = (values - start) // width
    count = np.bincount(index, minlength=int(index.max()) + 1).astype(np.int64)
    lowers = start + width * np.arange(len(count), dtype=np.int64)
    return pd.DataFrame(
        {
            "lower": [from_fen(int(v)) for v in lowers],
            "upper": [from_fen(int(v) + width) for v in lowers],
            "count": count,
        }
    )


Basis = Literal["literal", "cheapest"]


@dataclass(frozen=True, eq=False)
class Comparison:
    """A portfolio under the published and a what-if tariff.

    ``difference`` = what-if minus published (positive: customers pay more). ``winners``
    are the customers whose bill falls most, ``losers`` those whose bill rises most, on
    ``basis`` (literal or cheapest purchases); both have the input's ``customer`` column
    when present, ``users, months, held_units, published, whatif, difference`` (yuan,
    Decimal), indexed by line. ``histogram`` is :func:`difference_histogram` of the basis
    difference. ``table`` is the full priced table with ``against_`` and difference columns.
    """

    published: TariffTotals
    whatif: TariffTotals
    difference: Decimal
    cheapest_difference: Decimal
    basis: Basis
    winners: pd.DataFrame
    losers: pd.DataFrame
    histogram: pd.DataFrame
    table: pd.DataFrame


def _extremes(table: pd.DataFrame, basis: Basis, order: npt.NDArray[np.intp]) -> pd.DataFrame:
    prefix = "" if basis == "literal" else "cheapest_"
    first = table[f"{prefix}total_fen"].to_numpy()[order]
    second = table[f"{AGAINST}{prefix}total_fen"].to_numpy()[order]
    diff = table[f"{prefix}difference_fen"].to_numpy()[order]
    data: dict[str, Any] = {}
    if "customer" in table.columns:
        data["customer"] = table["customer"].to_numpy()[order]
    for column in NUMBER_COLUMNS:
        data[column] = table[column].to_numpy()[order]
    data["published"] = [from_fen(int(v)) for v in first]
    data["whatif"] = [from_fen(int(v)) for v in second]
    data["difference"] = [from_fen(int(v)) for v in diff]
    return pd.DataFrame(data, index=pd.Index(table.index.to_numpy()[order], name="line"))


def compare(
    rows: pd.DataFrame,
    published: Tariff,
    whatif: Tariff,
    *,
    top: int = 10,
    bins: int = 20,
    basis: Basis = "literal",
) -> Comparison:
    """Price ``rows`` under both tariffs and summarize the change (see :class:`Comparison`)."""
    if basis not in ("literal", "cheapest"):
        raise InputError("basis", basis, "portfolio_basis")
    table = price_table(rows, published, whatif, differences=True)
    diff = table["difference_fen" if basis == "literal" else "cheapest_difference_fen"].to_numpy()
    # stable sorts: among equal differences the earlier line comes first
    falling = np.argsort(diff, kind="stable")
    falling = falling[diff[falling] < 0][:top]
    rising = np.argsort(-diff, kind="stable")
    rising = rising[diff[rising] > 0][:top]
    first, second = totals(table, published), totals(table, whatif, AGAINST)
    return Comparison(
        published=first,
        whatif=second,
        difference=second.total - first.total,
        cheapest_difference=second.cheapest_total - first.cheapest_total,
        basis=basis,
        winners=_extremes(table, basis, falling),
        losers=_extremes(table, basis, rising),
        histogram=difference_histogram(diff, bins),
        table=table,
    )


def with_basis(comparison: Comparison, basis: Basis, *, top: int = 10, bins: int = 20) -> Comparison:
    """``comparison`` summarized on another basis (winners, losers, histogram), without repricing."""
    if basis not in ("literal", "cheapest"):
        raise InputError("basis", basis, "portfolio_basis")
    table = comparison.table
    diff = table["difference_fen" if basis == "literal" else "cheapest_difference_fen"].to_numpy()
    falling = np.argsort(diff, kind="stable")
    falling = falling[diff[falling] < 0][:top]
    rising = np.argsort(-diff, kind="stable")
    rising = rising[diff[rising] > 0][:top]
    return replace(
        comparison,
        basis=basis,
        winners=_extremes(table, basis, falling),
        losers=_extremes(table, basis, rising),
        histogram=difference_histogram(diff, bins),
    )
