"""Edges: typed links from one revision to another."""

from __future__ import annotations

import json

from ...backend import BOTH, INCOMING, OUTGOING
from ...errors import AlreadyExistsError, NotFoundError, ValidationError
from ...kref import Kref
from ...records import EdgeRecord, Metadata
from ...times import now_stamp
from .base import SQLBase, dumps
from .dialect import Connection


class Edges(SQLBase):
    """Create, list and delete edges (a published source keeps its edges)."""

    def _insert_edge(
        self,
        conn: Connection,
        source: int,
        target: int,
        skref: str,
        tkref: str,
        edge_type: str,
        metadata: Metadata,
        stamp: str,
        fresh: bool = False,
    ) -> None:
        """Link two revisions; ``fresh``: the source was made in this write (no edges yet)."""
        if source == target:
            raise ValidationError(f"an edge from {skref} to itself is not allowed")
        if (
            not fresh
            and conn.execute(
                "SELECT 1 FROM edges WHERE source_id = ? AND target_id = ? AND edge_type = ?",
                (source, target, edge_type),
            ).fetchone()
        ):
            raise AlreadyExistsError(f"edge {skref} -{edge_type}-> {tkref} already exists")
        conn.execute(
            "INSERT INTO edges (source_id, target_id, edge_type, metadata, created_at, author)"
            " VALUES (?,?,?,?,?,?)",
            (source, target, edge_type, dumps(metadata), stamp, self.actor),
        )
        self._emit(conn, "edge.created", skref, target=str(tkref), edge_type=edge_type)

    def create_edge(self, source: Kref, target: Kref, edge_type: str, metadata: Metadata) -> EdgeRecord:
        stamp = now_stamp()
        with self._write() as conn:
            sid = self._revision_id(conn, source)
            tid = self._revision_id(conn, target)
            self._check_mutable(conn, sid, "outgoing edges")
            skref = self._revision_record(conn, sid).kref
            tkref = self._revision_record(conn, tid).kref
            self._insert_edge(conn, sid, tid, skref, tkref, edge_type, metadata, stamp)
        return EdgeRecord(skref, tkref, edge_type, dict(metadata), stamp, self.actor)

    _EDGE_COLUMNS = (
        "SELECT si.path, s.number, ti.path, t.number, e.edge_type, e.metadata, e.created_at, e.author"
        " FROM edges e JOIN revisions s ON s.id = e.source_id JOIN items si ON si.id = s.item_id"
        " JOIN revisions t ON t.id = e.target_id JOIN items ti ON ti.id = t.item_id"
    )

    @staticmethod
    def _edge(row: tuple) -> EdgeRecord:
        sp, sn, tp, tn, etype, meta, created, author = row
        return EdgeRecord(
            Kref.stored(sp, sn), Kref.stored(tp, tn), etype, json.loads(meta), created, author
        )

    def list_edges(self, revision: Kref, edge_type: str | None, direction: int) -> list[EdgeRecord]:
        with self._read() as conn:
            rid = self._revision_id(conn, revision)
            where = {
                OUTGOING: "e.source_id = ?",
                INCOMING: "e.target_id = ?",
                BOTH: "(e.source_id = ? OR e.target_id = ?)",
            }[direction]
            args: list = [rid, rid] if direction == BOTH else [rid]
            if edge_type is not None:
                where += " AND e.edge_type = ?"
                args.append(edge_type)
            rows = conn.execute(self._EDGE_COLUMNS + " WHERE " + where + " ORDER BY e.id", args)
            return [self._edge(r) for r in rows]

    def delete_edge(self, source: Kref, target: Kref, edge_type: str) -> None:
        with self._write() as conn:
            sid = self._revision_id(conn, source)
            tid = self._revision_id(conn, target)
            self._check_mutable(conn, sid, "outgoing edges")
            gone = conn.execute(
                "DELETE FROM edges WHERE source_id = ? AND target_id = ? AND edge_type = ?",
                (sid, tid, edge_type),
            ).rowcount
            if not gone:
                raise NotFoundError(f"there is no edge {source} -{edge_type}-> {target}")
            skref = self._revision_record(conn, sid).kref
            tkref = self._revision_record(conn, tid).kref
            self._emit(conn, "edge.deleted", skref, target=str(tkref), edge_type=edge_type)
