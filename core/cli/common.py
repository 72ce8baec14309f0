"""What every topic of ``splice`` shares: argument types, the global options, the
``add`` that registers a command, output helpers and :class:`CliError`.

Imported for ``splice --help``: only argparse-level things at the top.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ..errors import SpliceError

PROG = "splice"
DB_HELP = "store URL or path (default: $SPLICE_URL, else the per-user store)"
USER_HELP = "who writes (default: $SPLICE_USER, else the login name)"
JSON_HELP = "machine-readable JSON output"

# A command takes (client, args), or (args) alone when its parser sets no_client.
Command = Callable[..., int]
# add(where, name, func, help, **add_parser_kw) -> the command's parser; func None: a group.
Add = Callable[..., argparse.ArgumentParser]
# A topic's register(sub, add): adds its commands to the sub-parsers ``sub``.
Register = Callable[[Any, Add], None]


class CliError(SpliceError):
    """A command-line problem that is not the SDK's (no ``dot``, an unwritable file…)."""

    code = "cli"


# -- argument types -----------------------------------------------------------------
def meta_pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def positive(text: str) -> int:
    from ..validate import MAX_INT  # what every store holds

    try:
        value = int(text)
    except ValueError:  # not a number, or thousands of digits
        value = 0
    if not 1 <= value <= MAX_INT:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {MAX_INT}, got {shown!r}")
    return value


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):  # NaN and inf too: a wait must end
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds >= 0, got {shown!r}")
    return value


def add_meta(p: argparse.ArgumentParser) -> None:
    """``--meta KEY=VALUE`` (repeatable), checked while parsing."""
    p.add_argument("--meta", metavar="KEY=VALUE", type=meta_pair, action="append",
                   help="metadata (repeatable)")


def meta_dict(args: argparse.Namespace) -> dict[str, str]:
    """The ``--meta`` pairs given, as a dict."""
    return dict(getattr(args, "meta", None) or [])


# -- registering commands ---------------------------------------------------------------
def globals_parser(db_help: str) -> argparse.ArgumentParser:
    """The global options as a parent parser (their defaults SUPPRESS: see :func:`adder`)."""
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("global options")
    group.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=db_help)
    group.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS, help=USER_HELP)
    group.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=JSON_HELP)
    return common


def adder() -> Add:
    """The ``add`` every topic's ``register(sub, add)`` uses: a sub-parser that takes the
    global options too, with ``func`` (a real function) as its command."""
    # Global options work before or after the sub-command: the sub-parsers' copies
    # default to SUPPRESS so they only override the top-level value when given.
    common = globals_parser(DB_HELP)

    def add(
        where: Any, name: str, func: Command | None, help: str, db_help: str | None = None, **kw: Any
    ) -> argparse.ArgumentParser:
        """``db_help``: what ``--db`` means for this command, when not a client's store."""
        parent = common if db_help is None else globals_parser(db_help)
        p: argparse.ArgumentParser = where.add_parser(
            name, parents=[parent], help=help, description=help, **kw)
        if func is not None:
            p.set_defaults(func=func)
        return p

    return add


# -- output ---------------------------------------------------------------------------
def out(*lines: str) -> None:
    for line in lines:
        print(line)


def print_json(value: Any, compact: bool = False, default: Callable[[Any], Any] | None = None) -> None:
    """``value`` as JSON on stdout: indented, or one flushed line with ``compact``."""
    import json

    if compact:
        print(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=default), flush=True)
    else:
        print(json.dumps(value, ensure_ascii=False, indent=2, default=default))
