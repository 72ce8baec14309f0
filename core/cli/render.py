"""Rendering for the ``splice`` command line: trees, tables, fields, events
(the graph's DOT: :mod:`splice.cli.graph`).

Mostly pure functions of plain values; :func:`build_tree` / :func:`render_tree`
read the store through a client (``splice ls`` and ``splice demo`` share them).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import Client
    from ..kref import Kref
    from ..nodes import Item


@dataclass
class TreeNode:
    """One line of a tree and what hangs below it."""

    label: str
    children: list[TreeNode] = field(default_factory=list)


def as_dict(obj: Any, kind: str | None = None, **extra: Any) -> dict[str, Any]:
    """A node, edge or record as JSON-ready values (SDK nodes wrap a record in
    ``to_dict``); with ``kind``, a leading ``"type"`` key."""
    from ..records import to_dict

    data = obj.to_dict() if hasattr(obj, "to_dict") else to_dict(obj)
    return {"type": kind, **data, **extra} if kind else {**data, **extra}


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
    """``r3 [approved, latest, published]``; ``(published)`` marks a revision that stays
    immutable after its ``published`` tag moved on."""
    text = f"r{number}"
    if tags:
        text += " [" + ", ".join(tags) + "]"
    if published and "published" not in tags:
        text += " (published)"
    if deprecated:
        text += " (deprecated)"
    return text


def event_time(moment: datetime) -> str:
    """An event time as UTC ISO 8601 to the millisecond."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_line(
    cursor: str, moment: datetime, routing_key: str, kref: str, metadata: Mapping[str, Any]
) -> str:
    """One event per line: cursor, time, routing key, kref, metadata."""
    parts = [cursor, event_time(moment), routing_key, kref]
    if metadata:
        parts.append(inline_metadata(metadata))
    return "  ".join(parts)


# -- the tree of a project, space or item ------------------------------------------
def build_tree(client: Client, kref: Kref, revisions: bool = False) -> tuple[dict[str, Any], TreeNode]:
    """The spaces and items under a project or space (an item: its revisions) as
    nested JSON-ready dicts (``children``, ``revisions``) and as a :class:`TreeNode`.
    Two queries for the whole tree, plus one per item with ``revisions``."""
    from ..errors import ValidationError

    if kref.revision is not None or kref.tag is not None or kref.artifact is not None:
        raise ValidationError(f"{kref} selects a revision; a tree starts at a project, space or item "
                              "(to see a revision: splice show KREF)")
    if kref.is_item:
        data, node = _item_entry(client.get_item(kref), True)
        return data, TreeNode(str(kref.base), node.children)
    root = client.get_project(kref) if kref.is_project else client.get_space(kref)
    data_root = as_dict(root, "project" if kref.is_project else "space", children=[])
    tree_root = TreeNode(str(root.kref))
    entries: dict[str, tuple[dict[str, Any], TreeNode]] = {str(root.kref): (data_root, tree_root)}
    for space in root.get_spaces(recursive=True):  # ordered by path: parents come first
        data = as_dict(space, "space", children=[])
        node = TreeNode(space.name + "/")
        parent_data, parent_node = entries[str(space.kref.parent)]
        parent_data["children"].append(data)
        parent_node.children.append(node)
        entries[str(space.kref)] = (data, node)
    for item in root.get_items(recursive=True):
        data, node = _item_entry(item, revisions)
        parent_data, parent_node = entries[str(item.kref.parent)]
        parent_data["children"].append(data)
        parent_node.children.append(node)
    return data_root, tree_root


def _item_entry(item: Item, revisions: bool) -> tuple[dict[str, Any], TreeNode]:
    data = as_dict(item, "bundle" if item.kind == "bundle" else "item")
    node = TreeNode(f"{item.name}.{item.kind}" + (" (deprecated)" if item.deprecated else ""))
    if revisions:
        found = item.get_revisions()
        data["revisions"] = [as_dict(r) for r in found]
        node.children = [TreeNode(revision_label(r.number, r.tags, r.published, r.deprecated))
                         for r in found]
    return data, node


def render_tree(client: Client, kref: Kref | str, revisions: bool = False,
                unicode: bool | None = None) -> str:
    """The tree under a project, space or item as text (one node a line, ending in a
    newline); ``unicode=None`` draws box characters when stdout can show them."""
    from ..kref import Kref

    _, tree = build_tree(client, Kref(kref), revisions)
    return "\n".join(tree_lines(tree, unicode_ok() if unicode is None else unicode)) + "\n"
