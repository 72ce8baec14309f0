"""Text rendering for the ``splice`` command line: trees, tables, fields, events, DOT.

Pure functions of plain values (no store access), so they stay easy to test and
cheap to import.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


@dataclass
class TreeNode:
    """One line of a tree and what hangs below it."""

    label: str
    children: list[TreeNode] = field(default_factory=list)


def unicode_ok(stream: Any = None) -> bool:
    """Whether the output stream can take box-drawing characters."""
    encoding = getattr(stream if stream is not None else sys.stdout, "encoding", None) or ""
    return encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf16", "utf32")


def tree_lines(root: TreeNode, unicode: bool = True) -> list[str]:
    """The tree drawn with ``├──``/``└──`` (or ASCII when the terminal cannot)."""
    tee, last, pipe, gap = ("├── ", "└── ", "│   ", "    ") if unicode else ("|-- ", "`-- ", "|   ", "    ")
    lines = [root.label]

    def walk(node: TreeNode, prefix: str) -> None:
        for i, child in enumerate(node.children):
            end = i == len(node.children) - 1
            lines.append(prefix + (last if end else tee) + child.label)
            walk(child, prefix + (gap if end else pipe))

    walk(root, "")
    return lines


def table(rows: Sequence[Sequence[str]], gap: str = "  ") -> list[str]:
    """Rows as left-aligned columns (the last column is not padded)."""
    if not rows:
        return []
    widths = [max(len(r[i]) if i < len(r) else 0 for r in rows) for i in range(max(map(len, rows)))]
    out = []
    for row in rows:
        cells = [cell.ljust(widths[i]) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        out.append(gap.join(cells).rstrip())
    return out


def fields(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """``key  value`` lines with the values aligned."""
    return table([[k, v] for k, v in pairs])


def metadata_lines(metadata: Mapping[str, Any], indent: str = "  ") -> list[str]:
    """Metadata as sorted ``key = value`` lines; ``(none)`` when empty."""
    if not metadata:
        return [indent + "(none)"]
    return [f"{indent}{k} = {metadata[k]}" for k in sorted(metadata)]


def inline_metadata(metadata: Mapping[str, Any]) -> str:
    """Metadata on one line: ``k=v k=v`` (sorted, so output is stable)."""
    return " ".join(f"{k}={metadata[k]}" for k in sorted(metadata))


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def revision_label(number: int, tags: Sequence[str], published: bool, deprecated: bool) -> str:
    """``r3 [latest, approved] published``."""
    text = f"r{number}"
    if tags:
        text += " [" + ", ".join(tags) + "]"
    if published:
        text += " published"
    if deprecated:
        text += " deprecated"
    return text


def event_time(moment: datetime) -> str:
    """An event time as UTC ISO 8601 to the millisecond."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_line(cursor: str, moment: datetime, routing_key: str, kref: str, metadata: Mapping[str, Any]) -> str:
    """One event per line: cursor, time, routing key, kref, metadata."""
    parts = [cursor, event_time(moment), routing_key, kref]
    if metadata:
        parts.append(inline_metadata(metadata))
    return "  ".join(parts)


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
        attrs = [f"label={dot_quote(n.label)}", f"tooltip={dot_quote(n.kref)}", f'fillcolor="{_FILL[n.side]}"']
        if n.side == "root":
            attrs.append("penwidth=2")
        lines.append(f"  {dot_quote(n.kref)} [{', '.join(attrs)}];")
    for source, target, edge_type in edges:
        lines.append(f"  {dot_quote(source)} -> {dot_quote(target)} [label={dot_quote(edge_type)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
