"""Traversal inside the store: dependencies, dependents and shortest paths as
recursive SQL over the edge table, never one call per node.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...backend import OUTGOING
from ...errors import ConflictError
from ...kref import Kref
from ...records import PathHop, TraversalNode
from .base import SQLBase, chunks
from .dialect import Connection


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
        near, far = ("source_id", "target_id") if direction == OUTGOING else ("target_id", "source_id")
        type_filter, args = _type_filter(edge_types)
        with self._read() as conn:
            start = self._revision_id(conn, revision)
            sql = f"""
                WITH RECURSIVE walk(id, depth) AS (
                    SELECT CAST(? AS BIGINT), 0
                    UNION
                    SELECT e.{far}, w.depth + 1 FROM walk w JOIN edges e ON e.{near} = w.id
                    WHERE w.depth < ?{type_filter}
                )
                SELECT w.id, MIN(w.depth) AS d, i.path, r.number FROM walk w
                JOIN revisions r ON r.id = w.id JOIN items i ON i.id = r.item_id
                WHERE w.id != ? GROUP BY w.id, i.path, r.number ORDER BY d, i.path, r.number
            """
            params = [start, max_depth, *args, start]
            if limit is not None:
                sql += " LIMIT ?"
                params.append(limit + 1)
            rows = conn.execute(sql, params).fetchall()
            truncated = limit is not None and len(rows) > limit
            rows = rows[:limit] if truncated else rows
            # the edge type that first reached each node, in one query
            types = self._first_edge_types(conn, rows, start, near, far, type_filter, args)
            nodes = [
                TraversalNode(Kref(f"kref://{path}?r={number}"), depth, types.get(rid, ""))
                for rid, depth, path, number in rows
            ]
            return nodes, truncated

    def _first_edge_types(
        self,
        conn: Connection,
        rows: list[tuple],
        start: int,
        near: str,
        far: str,
        type_filter: str,
        args: list[str],
    ) -> dict[int, str]:
        depth_of = {rid: depth for rid, depth, _, _ in rows}
        depth_of[start] = 0
        out: dict[int, str] = {}
        for chunk in chunks([r[0] for r in rows], 400):
            marks = ",".join("?" * len(chunk))
            for node, prev, etype in conn.execute(
                f"SELECT e.{far}, e.{near}, e.edge_type FROM edges e WHERE e.{far} IN ({marks}){type_filter}",
                [*chunk, *args],
            ):
                if node not in out and depth_of.get(prev, -9) == depth_of[node] - 1:
                    out[node] = etype
        return out

    def find_path(
        self, source: Kref, target: Kref, edge_types: Sequence[str] | None, max_depth: int
    ) -> list[PathHop] | None:
        type_filter, args = _type_filter(edge_types)
        with self._read() as conn:
            start = self._revision_id(conn, source)
            goal = self._revision_id(conn, target)
            if start == goal:
                return []
            rows = conn.execute(
                f"""
                WITH RECURSIVE walk(id, depth) AS (
                    SELECT CAST(? AS BIGINT), 0
                    UNION
                    SELECT e.target_id, w.depth + 1 FROM walk w JOIN edges e ON e.source_id = w.id
                    WHERE w.depth < ?{type_filter}
                )
                SELECT id, MIN(depth) FROM walk GROUP BY id
                """,
                [start, max_depth, *args],
            ).fetchall()
            depth_of = dict(rows)
            if goal not in depth_of:
                return None
            # walk back from the goal, one hop per query, along nodes one step nearer
            hops: list[tuple[int, str]] = []
            node = goal
            while node != start:
                want = depth_of[node] - 1
                for prev, etype in conn.execute(
                    f"SELECT e.source_id, e.edge_type FROM edges e WHERE e.target_id = ?{type_filter}"
                    " ORDER BY e.id",
                    [node, *args],
                ):
                    if depth_of.get(prev) == want:
                        hops.append((node, etype))
                        node = prev
                        break
                else:  # the edges changed under us; never loop for ever
                    raise ConflictError(f"the path from {source} to {target} changed while read")
            hops.reverse()
            return [PathHop(self._revision_record(conn, rid).kref, etype) for rid, etype in hops]


def _type_filter(edge_types: Sequence[str] | None) -> tuple[str, list[str]]:
    """SQL keeping only edges of ``edge_types`` (all when none), and its parameters."""
    if not edge_types:
        return "", []
    return f" AND e.edge_type IN ({','.join('?' * len(edge_types))})", list(edge_types)
