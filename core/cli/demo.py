"""``splice demo``: the seed's sci-fi-short project, built and shown around."""

from __future__ import annotations

import argparse
from typing import Any

from .common import Add, CliError


def register(sub: Any, add: Add) -> None:
    """Add ``demo`` to ``splice``'s sub-parsers."""
    p = add(sub, "demo", cmd_demo, "build the sci-fi-short demo project and show it around",
            epilog="The demo builds a FRESH store at --db (default: a demo store beside the "
                   "per-user one): a file already there is replaced.")
    p.set_defaults(no_client=True)


def cmd_demo(args: argparse.Namespace) -> int:
    try:
        from .. import demo
    except ModuleNotFoundError as exc:
        if exc.name != "splice.demo":
            raise
        raise CliError("the demo is not part of this install (splice.demo is missing)") from None
    return int(demo.run(args.db) or 0)
