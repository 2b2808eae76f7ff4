"""``python -m smop_pricing <command> ...`` (or the installed ``smop-pricing`` command, the same
``main``); in-process as ``main(argv) -> int``.

Each command lives in ``smop_pricing/commands/<name>.py`` with ``add_arguments``
and ``run``; this module parses, dispatches and turns every failure into one line
on stderr in the user's language, with exit status 2 (bad input) or 1 (a bug).
"""

from __future__ import annotations

import argparse
import importlib
import io
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, NoReturn, Protocol, cast

from smop_pricing.errors import SmopError
from smop_pricing.i18n import DEFAULT_LANG, LANGS, t
from smop_pricing.safe_io import os_reason, visible
from smop_pricing.validation import parse_digits

COMMANDS = ("quote", "simulate", "reprice", "plan")


class Command(Protocol):
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, out: IO[str]) -> int: ...


class UsageError(Exception):
    """argparse's complaint, raised instead of printed so main() decides the output."""


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Each option's help ends with its default, unless it has none (required, a flag, unset)
    or the help already says it in words ("default: the published one")."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if action.required or action.default in (None, False, argparse.SUPPRESS) or "default" in text:
            return text
        return super()._get_help_string(action)


def program_name(argv0: str | None = None) -> str:
    """``smop-pricing`` when run as the installed command, ``python -m smop_pricing`` otherwise."""
    name = Path(sys.argv[0] if argv0 is None else argv0).name
    return "python -m smop_pricing" if name in ("__main__.py", "-m", "-c", "") else name


# argparse's complaints (Python 3.11's wording), each with its text key: shown in the user's language.
_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "cli.usage_required"),
    (re.compile(r"unrecognized arguments: (?P<names>.+)"), "cli.usage_unknown"),
    (re.compile(r"argument (?P<name>\S+): invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)"),
     "cli.usage_choice"),
    (re.compile(r"argument (?P<name>\S+): expected one argument"), "cli.usage_one_value"),
    (re.compile(r"argument (?P<name>\S+): ignored explicit argument (?P<value>.+)"), "cli.usage_no_value"),
    (re.compile(r"ambiguous option: (?P<name>\S+) could match (?P<choices>.+)"), "cli.usage_ambiguous"),
)


def usage_text(message: str, lang: str) -> str:
    """argparse's complaint in ``lang``, prefixed as usage; a complaint we do not know, as argparse wrote it."""
    for pattern, key in _ARGPARSE_MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            message = t(key, lang, **match.groupdict())
            break
    return t("err.frame_bare", lang, field=t("cli.usage_field", lang), rule=message)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _lang_of(argv: Sequence[str]) -> str:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv) and argv[index + 1] in LANGS:
            return argv[index + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in LANGS:
            return arg.split("=", 1)[1]
    return DEFAULT_LANG


def _available() -> dict[str, Command]:
    found: dict[str, Command] = {}
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"smop_pricing.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"smop_pricing.commands.{name}":
                continue
            raise
        found[name] = module
    return found


def add_tariff_option(parser: argparse.ArgumentParser, help: str) -> None:
    """``--tariff FILE``: a what-if tariff TOML file instead of the published one."""
    parser.add_argument("--tariff", metavar="FILE", help=help)


def add_json_option(parser: argparse.ArgumentParser, help: str = "one JSON object on stdout") -> None:
    """``--json``: the command's JSON contract on stdout instead of text."""
    parser.add_argument("--json", action="store_true", help=help)


def build_parser(commands: dict[str, Command]) -> argparse.ArgumentParser:
    parser = _Parser(prog=program_name(), description="SMOP pricing calculator", formatter_class=HelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, command in commands.items():
        child = sub.add_parser(name, help=command.HELP, description=command.HELP, formatter_class=HelpFormatter)
        child.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG, help="language of the output")
        command.add_arguments(child)
    return parser


parse_whole = parse_digits  # the command line's whole numbers: plain digits (validation.parse_digits)


class VisibleText(io.TextIOBase):
    """A text stream that writes control and bidirectional format characters as escapes.

    A scenario or a tariff may hold ESC sequences or U+202E; written raw they would drive the
    terminal or reverse the rest of a line. The escapes (``\\x1b``, ``\\u202e``) keep JSON valid.
    """

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self._stream = stream

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._stream.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()


def main(argv: Sequence[str] | None = None, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    out = cast("IO[str]", VisibleText(out or sys.stdout))
    err = cast("IO[str]", VisibleText(err or sys.stderr))
    lang = _lang_of(args_list)
    commands = _available()
    try:
        args = build_parser(commands).parse_args(args_list)
    except UsageError as exc:
        print(usage_text(str(exc), lang), file=err)
        return 2
    except SystemExit as exc:  # --help and --version print and exit 0
        return int(exc.code or 0)
    try:
        return commands[args.command].run(args, out)
    except SmopError as exc:
        print(exc.message(lang), file=err)
        return 2
    except BrokenPipeError:
        return 1
    except OSError as exc:  # a file that vanished or failed mid-read: the user's problem, with its reason
        where = f"{exc.filename}: " if isinstance(exc.filename, str) else ""
        print(t("cli.os_error", lang, where=visible(where), reason=os_reason(exc)), file=err)
        return 2
    except Exception as exc:
        print(t("cli.internal_error", lang, kind=type(exc).__name__), file=err)
        return 1
