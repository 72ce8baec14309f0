"""Traversal inside the store: dependencies, dependents and shortest paths, one statement
per level of a breadth-first walk over the edge table, never one call per node.

Why levels and not a recursive CTE: a recursive query can only drop repeated
``(node, depth)`` rows, so in a dense graph (a texture under every look of every shot) it
reaches the same node again at every depth and along every path. Walking level by level
keeps each node once, at its smallest depth, with the edge that first reached it (the
oldest: the smallest edge id, so every engine answers alike); a path search stops at the
level that reaches its goal.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ...backend import OUTGOING
from ...kref import Kref
from ...records import PathHop, TraversalNode
from .base import SQLBase, chunks
from .dialect import Connection


@dataclass
class _Walk:
    """What a breadth-first walk has reached: each node's depth and the edge that reached it."""

    start: int
    depth: dict[int, int] = field(default_factory=dict)
    via: dict[int, tuple[int, int, str]] = field(default_factory=dict)  # node → (edge id, from, type)

    def __post_init__(self) -> None:
        self.depth[self.start] = 0


class Traversal(SQLBase):
    """``traverse`` and ``find_path``."""

    def traverse(
        self,
        revision: Kref,
        direction: int,
        edge_types: Sequence[str] | None,
        max_depth: int,
        limit: int | None,
    ) -> tuple[list[TraversalNode], bool]:
        with self._read() as conn:
            walk = _Walk(self._revision_id(conn, revision))
            for _level in self._levels(conn, walk, direction, edge_types, max_depth):
                if limit is not None and len(walk.depth) - 1 > limit:
                    break  # this level is whole: enough to order and cut
            reached = [rid for rid in walk.depth if rid != walk.start]
            names = self._names(conn, reached)
            order = sorted(reached, key=lambda rid: (walk.depth[rid], *names[rid]))
            truncated = limit is not None and len(order) > limit
            nodes = [
                TraversalNode(
                    Kref.stored(*names[rid]), walk.depth[rid], walk.via[rid][2]
                )
                for rid in (order[:limit] if truncated else order)
            ]
            return nodes, truncated

    def find_path(
        self, source: Kref, target: Kref, edge_types: Sequence[str] | None, max_depth: int
    ) -> list[PathHop] | None:
        with self._read() as conn:
            walk = _Walk(self._revision_id(conn, source))
            goal = self._revision_id(conn, target)
            if goal == walk.start:
                return []
            for level in self._levels(conn, walk, OUTGOING, edge_types, max_depth):
                if goal in level:
                    break
            else:
                return None
            hops: list[tuple[int, str]] = []
            node = goal
            while node != walk.start:  # back along the edges that first reached each node
                _edge, previous, edge_type = walk.via[node]
                hops.append((node, edge_type))
                node = previous
            hops.reverse()
            names = self._names(conn, [rid for rid, _ in hops])
            return [PathHop(Kref.stored(*names[rid]), etype) for rid, etype in hops]

    def _levels(
        self,
        conn: Connection,
        walk: _Walk,
        direction: int,
        edge_types: Sequence[str] | None,
        max_depth: int,
    ) -> Iterator[set[int]]:
        """Walk from ``walk.start``, one level per statement (per :attr:`ID_CHUNK` nodes of
        it), filling ``walk``; yields the nodes each level reached first."""
        near, far = ("source_id", "target_id") if direction == OUTGOING else ("target_id", "source_id")
        type_filter, type_args = _type_filter(edge_types)
        frontier = [walk.start]
        for depth in range(1, max_depth + 1):
            level: set[int] = set()
            for chunk in chunks(frontier, self.ID_CHUNK):
                where, args = self._ids_in(f"e.{near}", chunk)
                rows = conn.execute(
                    f"SELECT e.{far}, e.id, e.{near}, e.edge_type FROM edges e WHERE {where}{type_filter}",
                    [*args, *type_args],
                )
                for node, edge, previous, edge_type in rows:
                    if node not in walk.depth:
                        walk.depth[node] = depth
                        level.add(node)
                    if node in level and (node not in walk.via or edge < walk.via[node][0]):
                        walk.via[node] = (edge, previous, edge_type)
            if not level:
                return
            yield level
            frontier = sorted(level)

    def _names(self, conn: Connection, ids: list[int]) -> dict[int, tuple[str, int]]:
        """Item path and revision number of each revision id."""
        names: dict[int, tuple[str, int]] = {}
        for chunk in chunks(ids, self.ID_CHUNK):
            where, args = self._ids_in("r.id", chunk)
            sql = "SELECT r.id, i.path, r.number FROM revisions r JOIN items i ON i.id = r.item_id"
            sql += f" WHERE {where}"
            for rid, path, number in conn.execute(sql, args):
                names[rid] = (path, number)
        return names


def _type_filter(edge_types: Sequence[str] | None) -> tuple[str, list[str]]:
    """SQL keeping only edges of ``edge_types`` (all when none), and its parameters."""
    if not edge_types:
        return "", []
    return f" AND e.edge_type IN ({','.join('?' * len(edge_types))})", list(edge_types)
