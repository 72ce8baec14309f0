"""``splice graph``: the dependency graph around a revision as Graphviz DOT or SVG.

:func:`to_dot` is a pure function of plain values; ``--format svg`` pipes the DOT
through Graphviz's ``dot -Tsvg``.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..kref import Kref
from .common import Add, CliError, print_json
from .traversal import add_traversal

if TYPE_CHECKING:
    from ..client import Client

GRAPH_DEPTH = 2


def register(sub: Any, add: Add) -> None:
    """Add ``graph`` to ``splice``'s sub-parsers."""
    p = add(sub, "graph", cmd_graph, "the dependency graph around a revision as Graphviz DOT or SVG")
    p.add_argument("kref", metavar="REV_KREF")
    add_traversal(p, GRAPH_DEPTH)
    p.add_argument("--format", choices=("dot", "svg"), default="dot", help="svg pipes through 'dot -Tsvg'")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def cmd_graph(client: Client, args: argparse.Namespace) -> int:
    from .render import as_dict, revision_label

    root = client.get_revision(Kref(args.kref))
    types = args.type or None
    depth: dict[str, int] = {str(root.kref): 0}
    side: dict[str, str] = {str(root.kref): "root"}
    for name, walk in (("dependency", root.get_all_dependencies), ("dependent", root.get_all_dependents)):
        for n in walk(args.depth, types, args.limit).nodes:
            key = str(n.revision_kref)
            if key == str(root.kref):  # a cycle back to the root
                continue
            depth[key] = min(depth.get(key, n.depth), n.depth)
            side[key] = name if side.get(key, name) == name else "both"
    revisions = [r for r in client.batch_get_revisions(list(depth)) if r is not None]
    edges = []
    for revision in revisions:  # the edges among the revisions shown
        for e in revision.get_edges():
            if str(e.target_kref) in depth and (types is None or e.edge_type in types):
                edges.append(e)
    if args.json:
        print_json({"root": str(root.kref), "max_depth": args.depth,
                    "nodes": [{**as_dict(r), "side": side[str(r.kref)], "depth": depth[str(r.kref)]}
                              for r in revisions],
                    "edges": [as_dict(e) for e in edges]})
        return 0
    nodes = [GraphNode(str(r.kref), f"{r.item_kref.path}\n"
                       + revision_label(r.number, r.tags, r.published, r.deprecated),
                       side[str(r.kref)], depth[str(r.kref)])
             for r in revisions]
    text = to_dot(nodes, [(str(e.source_kref), str(e.target_kref), e.edge_type) for e in edges],
                  title=f"{root.kref} (depth {args.depth})")
    data = text.encode()
    if args.format == "svg":
        data = _dot_to_svg(data)
    if args.output:
        try:
            with open(args.output, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        print(data.decode(), end="")
    return 0


def _dot_to_svg(dot: bytes) -> bytes:
    import shutil
    import subprocess

    exe = shutil.which("dot")
    if exe is None:
        raise CliError("SVG needs Graphviz's 'dot' on PATH; install Graphviz or use --format dot")
    proc = subprocess.run([exe, "-Tsvg"], input=dot, capture_output=True, check=False)
    if proc.returncode != 0:
        first = (proc.stderr.decode(errors="replace").strip().splitlines() or ["failed"])[0]
        raise CliError(f"dot -Tsvg failed: {first}")
    return proc.stdout


# -- Graphviz ---------------------------------------------------------------
@dataclass
class GraphNode:
    """A revision in the DOT graph; ``side`` is root, dependency or dependent."""

    kref: str
    label: str
    side: str
    depth: int


_FILL = {"root": "#ffd966", "dependency": "#cfe2f3", "dependent": "#f4cccc", "both": "#d9d2e9"}


def dot_quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(nodes: Sequence[GraphNode], edges: Iterable[tuple[str, str, str]], title: str = "") -> str:
    """A Graphviz digraph: revisions as boxes (root gold, dependencies blue, dependents
    red), edges labelled with their type, pointing from dependent to dependency."""
    lines = [
        "digraph splice {",
        "  rankdir=LR;",
        '  graph [fontname="Helvetica"' + (f", label={dot_quote(title)}, labelloc=t" if title else "") + "];",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for n in nodes:
        attrs = [f"label={dot_quote(n.label)}", f"tooltip={dot_quote(n.kref)}",
                 f'fillcolor="{_FILL[n.side]}"']
        if n.side == "root":
            attrs.append("penwidth=2")
        lines.append(f"  {dot_quote(n.kref)} [{', '.join(attrs)}];")
    for source, target, edge_type in edges:
        lines.append(f"  {dot_quote(source)} -> {dot_quote(target)} [label={dot_quote(edge_type)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
