"""Reading a portfolio CSV: streamed in blocks through pyarrow (every field as text), good rows
and bad rows apart, each problem with the file's line number, column, value and rule."""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from smop_pricing.errors import PortfolioError
from smop_pricing.i18n import t
from smop_pricing.portfolio.columns import (
    _ARROW_CODEC,
    _CODEC,
    _EMPTY,
    _MAX_VALUE_CHARS,
    _OK,
    _RULE_OF_CODE,
    BLOCK_BYTES,
    BOUNDS,
    DEFAULTS,
    KNOWN_COLUMNS,
    NUMBER_COLUMNS,
    SAMPLE_BYTES,
)
from smop_pricing.portfolio.numbers import _is_empty, _numpy, parse_whole_numbers, reread_written_counts
from smop_pricing.pricing.rules import IntArray
from smop_pricing.safe_io import open_input
from smop_pricing.validation import is_blank

# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

Source = str | os.PathLike[str] | bytes | bytearray | IO[bytes]


class InvalidRecord(NamedTuple):
    """A CSV record with the wrong number of fields, as the reader reports it (header = record 1)."""

    record: int
    actual_columns: int
    expected_columns: int
    text: str


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
        def refuse(rule: str, reason: str) -> PortfolioError:
            return PortfolioError(label, "", rule, reason=reason)

        handle = open_input(source, refuse)  # a regular file only: a FIFO would hang
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
) -> tuple[list[str], list[_Block], list[InvalidRecord], int]:
    invalid: list[InvalidRecord] = []

    def on_invalid(row: Any) -> str:
        # single-threaded reading: row.number is the CSV record number (header = 1)
        invalid.append(
            InvalidRecord(int(row.number), int(row.actual_columns), int(row.expected_columns), str(row.text))
        )
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
            if name == "users":  # 35万, 2.5M, 1e6 as people write them: only the rows refused above
                reread_written_counts(table.column(name), numbers[name], codes[name], low, high)
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
    invalid: list[InvalidRecord],
    newlines: IntArray | None,
    header_newlines: int,
) -> tuple[IntArray, IntArray]:
    """File line numbers of the data rows and of the rows with a wrong field count.

    Records (CSV rows) are numbered from 1 (the header); a value with line breaks inside
    quotes makes its record span several lines, which shifts every later line number.
    """
    invalid_records = np.array([r.record for r in invalid], dtype=np.int64)
    records = np.arange(2, 2 + n_rows + len(invalid), dtype=np.int64)
    kept = np.setdiff1d(records, invalid_records, assume_unique=True) if len(invalid) else records
    if len(kept) != n_rows:  # pragma: no cover - a change in the CSV reader's numbering
        raise RuntimeError("CSV record numbering is not as expected")
    invalid_newlines = np.array([r.text.count("\n") for r in invalid], dtype=np.int64)
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
    invalid: list[InvalidRecord],
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
    spaces = np.array([is_blank(r.text) for r in invalid], dtype=bool)
    wrong = [r for r, space in zip(invalid, spaces, strict=True) if not space]
    if wrong:
        problems.append(
            pd.DataFrame(
                {
                    "line": invalid_lines[~spaces],
                    "column": "",
                    "value": [_truncate(r.text) for r in wrong],
                    "rule": "fields",
                    "detail": [f"{r.actual_columns}/{r.expected_columns}" for r in wrong],
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
