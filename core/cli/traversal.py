"""``splice deps | dependents | impact | path``: walking the dependency graph in the store."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError
from ..kref import Kref
from .common import PROG, Add, out, positive, print_json

if TYPE_CHECKING:
    from ..client import Client

DEFAULT_DEPTH = 10


def add_traversal(p: argparse.ArgumentParser, depth: int = DEFAULT_DEPTH, with_limit: bool = True) -> None:
    """``--depth``, ``--type`` (repeatable) and, ``with_limit``, ``--limit``."""
    p.add_argument("--depth", type=positive, default=depth, help=f"max hops (default {depth})")
    p.add_argument("--type", action="append", metavar="EDGE_TYPE",
                   help="follow only this edge type (repeatable)")
    if with_limit:
        p.add_argument("--limit", type=positive, help="stop after this many revisions")


def register(sub: Any, add: Add) -> None:
    """Add the traversal commands to ``splice``'s sub-parsers."""
    for name, func, help in (("deps", cmd_deps, "what a revision depends on, transitively"),
                             ("dependents", cmd_dependents, "what depends on a revision, transitively"),
                             ("impact", cmd_impact, "what a change to a revision would affect")):
        p = add(sub, name, func, help)
        p.add_argument("kref", metavar="REV_KREF")
        add_traversal(p)
    p = add(sub, "path", cmd_path, "the shortest dependency path from SRC to TARGET")
    p.add_argument("source", metavar="SRC")
    p.add_argument("target", metavar="TARGET")
    add_traversal(p, with_limit=False)


def _walk(client: Client, args: argparse.Namespace, dependents: bool) -> int:
    from .render import as_dict, table

    revision = client.get_revision(Kref(args.kref))
    walk = revision.get_all_dependents if dependents else revision.get_all_dependencies
    result = walk(args.depth, args.type or None, args.limit)
    if args.json:
        direction = "dependents" if dependents else "dependencies"
        print_json({"revision": str(revision.kref), "direction": direction,
                    "max_depth": args.depth, "count": result.total_count, "truncated": result.truncated,
                    "revisions": [as_dict(n) for n in result.nodes]})
        return 0
    out(*table([[str(n.depth), str(n.revision_kref), n.edge_type] for n in result.nodes]))
    if result.truncated:
        print(f"{PROG}: note: stopped at --limit {args.limit}", file=sys.stderr)
    return 0


def cmd_deps(client: Client, args: argparse.Namespace) -> int:
    return _walk(client, args, dependents=False)


def cmd_dependents(client: Client, args: argparse.Namespace) -> int:
    return _walk(client, args, dependents=True)


def cmd_impact(client: Client, args: argparse.Namespace) -> int:
    from .render import as_dict, table

    revision = client.get_revision(Kref(args.kref))
    impacted = revision.analyze_impact(args.type or None, args.depth, args.limit)
    if args.json:
        print_json({"revision": str(revision.kref), "impacted": [as_dict(i) for i in impacted]})
    else:
        out(*table([[str(i.impact_depth), str(i.revision_kref), i.edge_type] for i in impacted]))
    return 0


def cmd_path(client: Client, args: argparse.Namespace) -> int:
    from .render import as_dict

    source = client.get_revision(Kref(args.source))
    target = client.get_revision(Kref(args.target))
    path = source.find_path_to(target, args.type or None, args.depth)
    if args.json:
        print_json({"source": str(source.kref), "target": str(target.kref), "found": path is not None,
                    "total_depth": path.total_depth if path else None,
                    "steps": [as_dict(s) for s in path.steps] if path else []})
    elif path is not None:
        out(str(source.kref), *(f"  -{s.edge_type}-> {s.revision_kref}" for s in path.steps))
    if path is None:
        raise NotFoundError(f"no path from {source.kref} to {target.kref} within {args.depth} hops")
    return 0
