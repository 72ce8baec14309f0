"""``splice``: the command line over the whole model.

Every command connects with ``--db URL`` (default: ``$SPLICE_URL`` or the per-user
embedded store) as ``--user NAME`` and goes through the SDK, never the engine. Read
commands take ``--json`` for stable machine-readable output (records as
:func:`splice.records.to_dict` gives them). Expected errors print one line,
``splice: error: …``, and exit 1; usage errors exit 2.

One module per topic registers its commands, real functions, with ``register(sub, add)``;
:data:`TOPICS` orders them as ``splice --help`` lists them. Topic modules import only
argparse-level things at their top, so ``splice --help`` starts fast; a command's heavy
imports (engines, dvc, pyblish, the launcher, the server…) load inside it when it runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from ..errors import SpliceError
from . import (
    bundles,
    demo,
    events,
    files,
    graph,
    launch,
    nodes,
    packages,
    pin,
    scenes,
    server,
    sync,
    traversal,
    usd,
)
from .common import DB_HELP, JSON_HELP, PROG, USER_HELP, Register, adder

__all__ = ["PROG", "TOPICS", "build_parser", "main"]

# The topics in the order ``splice --help`` lists their commands.
TOPICS: tuple[Register, ...] = (
    nodes.register,  # init, ls, show, create, tag, set, delete, resolve, search, history…
    traversal.register,  # deps, dependents, impact, path
    bundles.register,
    events.register,
    graph.register,  # the graph as DOT or SVG
    server.register,  # serve and the server admin tools: token, user, role, tenant
    sync.register,  # sync status, sync pull: the local replica of a server
    packages.register,  # package, workspace
    files.register,  # store, pull, push, ingest, derive, status
    scenes.register,  # publish, load, inventory
    launch.register,  # env, launch, apps, runtime, launcher
    usd.register,  # usd list, usd resolve
    pin.register,  # pin, pin diff, pin check
    demo.register,
)


def build_parser() -> argparse.ArgumentParser:
    """The ``splice`` argument parser (cheap: nothing is imported or connected)."""
    with _gettext_once():
        parser = argparse.ArgumentParser(
            prog=PROG, description="splice: the asset pipeline's graph store from the command line.",
            epilog="Krefs look like kref://project/space/item.kind?r=3&a=mesh. "
                   "'splice COMMAND --help' describes each command.")
        parser.add_argument("--db", metavar="URL", default=None, help=DB_HELP)
        parser.add_argument("--user", metavar="NAME", default=None, help=USER_HELP)
        parser.add_argument("--json", action="store_true", default=False, help=JSON_HELP)
        parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
        sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
        add = adder()
        for register in TOPICS:
            register(sub, add)
    return parser


@contextmanager
def _gettext_once() -> Iterator[None]:
    """argparse asks gettext for the same few strings for each of the ~90 sub-parsers, a
    dozen file look-ups each time (a third of building the parser); ask once each."""
    from functools import lru_cache

    real = getattr(argparse, "_", None)
    if real is None:
        yield
        return
    argparse._ = lru_cache(maxsize=None)(real)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = real  # type: ignore[attr-defined]


def _version() -> str:
    from .. import __version__

    return __version__


# -- entry point ------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """Run ``splice`` with ``argv`` (default: the process arguments); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors (2)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        if getattr(args, "no_client", False):
            return args.func(args)
        from ..client import Client

        client = Client.open(args.db, user=args.user)  # its own, never the process's default
        try:
            return args.func(client, args)
        finally:
            client.close()
    except SpliceError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()  # the reader went away (splice events | head): not an error
        return 0
    except OSError as exc:  # e.g. a store in an unwritable folder
        return _fail(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
    except Exception as exc:
        if type(exc).__module__ == "sqlite3":  # a broken or locked database file
            return _fail(f"database error: {exc}")
        raise


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 1


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
