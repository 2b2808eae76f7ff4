"""Safe edges for files and text: the one place every reader and writer goes through.

* Spreadsheet formula injection: :func:`neutralize` / :func:`neutralize_frame` make a text
  cell that a spreadsheet would run (``=``, ``+``, ``-``, ``@``, tab, carriage return or line
  feed first, full-width forms too) inert by a leading apostrophe; a plain number is left
  alone, so numbers stay numbers. :func:`csv_text` writes a frame as CSV with that done and
  every field holding a carriage return quoted. :func:`inert_xlsx_cell` does the same job for
  a workbook cell (text type plus Excel's quote prefix).
* Outputs: :func:`write_atomic` writes to a temporary file beside the target and renames it
  into place only when complete, so a full disk or a write error never leaves a truncated
  file or destroys the one that was there. :func:`same_file` tells whether two paths name
  one file (an output must never be one of the inputs).
* Inputs: :func:`read_input` reads at most ``limit`` bytes of a regular file (``-`` is
  standard input where the caller allows it), refusing a FIFO, a device, a directory or a
  symlink loop at once (a FIFO with no writer would hang), every OS error a named refusal.
* Text shown back: :func:`visible` escapes bidirectional format characters and control
  characters (``\\u202e``, ``\\x1b``) so they can neither reverse a notice nor reach a terminal.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

import pandas as pd

from smop_pricing.errors import SmopError

# --------------------------------------------------------------------------- formula injection

#: What a spreadsheet (Excel, WPS, LibreOffice, Google Sheets) takes as the start of a formula
#: or a command: OWASP's list plus line feed and the full-width forms a CJK input method types.
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
_STARTS_CLASS = "[=+\\-@\\t\\r\\n＝＋－＠]"
_PLAIN_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)
_DANGEROUS = re.compile(f"(?!{_PLAIN_NUMBER}$){_STARTS_CLASS}", re.ASCII)


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` (a plain number such as ``-12.50`` is not)."""
    return bool(text) and text[0] in FORMULA_STARTS and not _PLAIN_NUMBER_RE.fullmatch(text)


def neutralize(value: Any) -> Any:
    """``value`` made inert for a spreadsheet: text that starts a formula gets a leading ``'``."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def neutralize_series(series: pd.Series) -> pd.Series:
    """A text column with :func:`neutralize` applied per cell (vectorized; others unchanged)."""
    if series.dtype.kind in "biufcmM":
        return series
    text = series.astype("str") if series.dtype.kind != "O" else series
    starts = text.str.match(_DANGEROUS)
    if series.dtype.kind == "O":
        starts = starts & series.map(lambda v: isinstance(v, str)).astype(bool)
    starts = starts.fillna(False).astype(bool)
    if not starts.any():
        return series
    out = series.copy()
    out[starts] = "'" + series[starts].astype("str")
    return out


def neutralize_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text column of ``frame`` through :func:`neutralize_series` (numbers untouched)."""
    data = {column: neutralize_series(frame[column]) for column in frame.columns}
    return pd.DataFrame(data, index=frame.index, copy=False)


def has_carriage_return(frame: pd.DataFrame) -> bool:
    """Whether a text cell of ``frame`` holds a carriage return (its CSV needs CRLF line ends)."""
    return _has_carriage_return(frame)


def _has_carriage_return(frame: pd.DataFrame) -> bool:
    for column in frame.columns:
        series = frame[column]
        if series.dtype.kind not in "biufcmM" and series.astype("str").str.contains("\r", regex=False).any():
            return True
    return False


def csv_text(frame: pd.DataFrame, lineterminator: str = "\n", *, header: bool = True) -> str:
    """``frame`` as CSV text (no index), every text cell neutralized.

    Python's CSV writer quotes a field only for the characters of its line terminator; a
    field holding a bare carriage return would be written unquoted and split into two
    records when read back. Such a file is written with CRLF line ends (RFC 4180), which
    quotes every field holding a carriage return.
    """
    safe = neutralize_frame(frame)
    if "\r" not in lineterminator and _has_carriage_return(safe):
        lineterminator = "\r\n"
    return safe.to_csv(index=False, lineterminator=lineterminator, header=header)


def inert_xlsx_cell(cell: Any) -> None:
    """Make an openpyxl cell holding text that starts a formula inert: text, with a quote prefix.

    openpyxl stores a string beginning with ``=`` as a formula; Excel shows a quote-prefixed
    text cell as typed and never evaluates it, even after an edit.
    """
    value = cell.value
    if isinstance(value, str) and is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def inert_workbook(book: Any) -> None:
    """:func:`inert_xlsx_cell` on every cell of every sheet of an openpyxl workbook."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                inert_xlsx_cell(cell)


# --------------------------------------------------------------------------- outputs


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether ``a`` and ``b`` name the same file (a link or another spelling counts)."""
    try:
        try:
            return os.path.samefile(a, b)
        except OSError:
            return Path(a).resolve() == Path(b).resolve()
    except (ValueError, OSError, RuntimeError):  # a NUL byte, a symlink loop
        return False


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: str | os.PathLike[str], write: Callable[[IO[bytes]], object]) -> None:
    """Call ``write(stream)`` on a temporary file beside ``path``, then rename it over ``path``.

    On any failure (disk full, a write error, an exception in ``write``) the temporary file is
    removed and ``path`` is as it was. An existing ``path`` that is not a regular file (a
    device, a FIFO, a directory) is refused with ``IsADirectoryError``/``OSError`` rather than
    replaced. Raises OSError (or whatever ``write`` raises).
    """
    target = Path(path)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        mode = _new_file_mode()
    else:
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, os.strerror(21), str(target))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(22, "not a regular file", str(target))
        mode = stat.S_IMODE(info.st_mode)
    if target.is_symlink():
        target = target.resolve()  # replace the file the link points to, keep the link
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """:func:`write_atomic` of ``data``."""
    write_atomic(path, lambda stream: stream.write(data))


def os_reason(exc: BaseException) -> str:
    """The human reason of an OS error ('No space left on device'), else the error's text."""
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return visible(str(reason))


# --------------------------------------------------------------------------- inputs

STDIN = "-"


def open_input(path: str | os.PathLike[str], error: Callable[[str, str], SmopError]) -> IO[bytes]:
    """The regular file ``path`` opened for reading in binary (the caller closes it).

    ``error(rule, reason)`` makes the refusal: rule ``unreadable`` (with the OS reason: a
    missing file, a symlink loop, no permission) or ``not_regular_file``. A FIFO, a device, a
    directory or a socket is refused before it is opened: opening a FIFO with no writer blocks.
    """
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise error("not_regular_file", "")
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        stream = os.fdopen(handle, "rb")
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise error("unreadable", os_reason(exc)) from None
    try:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):  # swapped since the stat
            raise error("not_regular_file", "")
    except BaseException:
        stream.close()
        raise
    return stream


def read_input(
    path: str | os.PathLike[str],
    limit: int,
    error: Callable[[str, str], SmopError],
    *,
    allow_stdin: bool = False,
) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path`` (so a caller can tell "too large").

    ``-`` is standard input when ``allow_stdin``; otherwise see :func:`open_input`. A read
    error is the ``unreadable`` refusal with its reason.
    """
    if allow_stdin and os.fspath(path) == STDIN:
        try:
            return sys.stdin.buffer.read(limit + 1)
        except (OSError, ValueError, AttributeError) as exc:
            raise error("unreadable", os_reason(exc)) from None
    with open_input(path, error) as stream:
        try:
            return stream.read(limit + 1)
        except OSError as exc:
            raise error("unreadable", os_reason(exc)) from None


# --------------------------------------------------------------------------- text shown back

def _escaped(char: str) -> str:
    # ``\x1b`` below U+0020, else ``\u202e``: both read back as the same character in JSON or
    # Python text, so a JSON output stays valid JSON
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


# C0 controls but the line feed (ESC, BEL, CR, tab, ...), DEL and C1 controls, the soft hyphen,
# the Arabic letter mark, zero-width and directional marks, line/paragraph separators, the
# embeddings and overrides (U+202A-E), the isolates (U+2066-9) and other invisible format
# characters, the byte-order mark, interlinear annotations, lone surrogates.
_UNSAFE_RE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200c\u200e-\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
)


def visible(text: str) -> str:
    """``text`` with control and bidirectional format characters written as escapes.

    U+202E becomes the six characters ``\\u202e``, ESC ``\\x1b``; a line feed is kept (callers
    that show one line replace it themselves). Other text, Chinese included, is unchanged.
    """
    if text.isascii() and text.isprintable():
        return text
    return _UNSAFE_RE.sub(lambda match: _escaped(match.group()), text)
