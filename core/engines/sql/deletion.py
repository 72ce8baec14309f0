"""Deleting any node, keeping history: tag history and events stay, a deleted member
leaves its bundles as a new bundle revision, and nothing published is lost.
"""

from __future__ import annotations

from ...errors import ConflictError, ImmutableError
from ...kref import Kref
from ...times import now_stamp
from .base import LATEST, chunks, kref_of
from .bundles import Bundles
from .dialect import Connection


class Deletion(Bundles):
    """``delete`` of a project, space, item, revision or artifact."""

    def delete(self, kref: Kref, force: bool) -> None:
        with self._write() as conn:
            table, node_id, node_kref, _ = self._node(conn, kref)
            if table == "artifacts":
                rid, name = conn.execute(
                    "SELECT revision_id, name FROM artifacts WHERE id = ?", (node_id,)
                ).fetchone()
                self._check_mutable(conn, rid, "artifacts")
                conn.execute("DELETE FROM artifacts WHERE id = ?", (node_id,))
                conn.execute(
                    "UPDATE revisions SET default_artifact ="
                    " (SELECT MIN(name) FROM artifacts WHERE revision_id = ?)"
                    " WHERE id = ? AND default_artifact = ?",
                    (rid, rid, name),
                )
                self._emit(conn, "artifact.deleted", node_kref)
                return
            if table == "revisions":
                self._delete_revisions(conn, [node_id], force=True)
                return
            items, spaces = self._contents(conn, table, node_id)
            if not force and (items or spaces or (table == "items" and self._has_revisions(conn, node_id))):
                raise ConflictError(
                    f"{node_kref} is not empty; delete(force=True) removes it with everything in it"
                )
            doomed = set(items) | ({node_id} if table == "items" else set())
            for item_id in sorted(doomed):
                self._leave_bundles(conn, item_id, doomed, force)
            for item_id in items:
                self._delete_item(conn, item_id)
            for space_id, space_path in spaces:
                conn.execute("DELETE FROM spaces WHERE id = ?", (space_id,))
                self._emit(conn, "space.deleted", kref_of(space_path))
            if table == "items":
                self._delete_item(conn, node_id)
            elif table == "spaces":
                conn.execute("DELETE FROM spaces WHERE id = ?", (node_id,))
                self._emit(conn, "space.deleted", node_kref)
            else:
                conn.execute("DELETE FROM projects WHERE id = ?", (node_id,))
                self._emit(conn, "project.deleted", node_kref)

    def deletion_reach(self, kref: Kref, force: bool) -> list[str]:
        """The other projects ``delete(kref, force)`` would change: those whose revisions have
        an edge to a revision it removes (the edge goes with it), and, with ``force``, those
        whose bundles hold an item it removes (a new bundle revision). The server asks the
        caller's role there too (:mod:`splice.server.auth`). Nothing is changed."""
        with self._read() as conn:
            table, node_id, _kref, _ = self._node(conn, kref)
            if table == "artifacts":
                return []
            if table == "revisions":
                item_ids: list[int] = []
                rids = [node_id]
            else:
                items, _spaces = self._contents(conn, table, node_id)
                item_ids = items + ([node_id] if table == "items" else [])
                rids = [
                    r for chunk in chunks(item_ids, 500) for (r,) in conn.execute(
                        f"SELECT id FROM revisions WHERE item_id IN ({','.join('?' * len(chunk))})", chunk
                    )
                ]
            own = kref.project
            reached: set[str] = set()
            doomed = set(rids)
            for chunk in chunks(rids, 500):
                marks = ",".join("?" * len(chunk))
                for source, path in conn.execute(
                    "SELECT e.source_id, si.path FROM edges e JOIN revisions s ON s.id = e.source_id"
                    f" JOIN items si ON si.id = s.item_id WHERE e.target_id IN ({marks})",
                    chunk,
                ):
                    if source not in doomed:
                        reached.add(path.split("/", 1)[0])
            if force:
                for item_id in item_ids:
                    holders = self._bundles_holding(conn, item_id)
                    reached.update(path.split("/", 1)[0] for _bundle, path in holders)
            return sorted(reached - {own})

    def _has_revisions(self, conn: Connection, item_id: int) -> bool:
        return conn.execute("SELECT 1 FROM revisions WHERE item_id = ?", (item_id,)).fetchone() is not None

    def _contents(
        self, conn: Connection, table: str, node_id: int
    ) -> tuple[list[int], list[tuple[int, str]]]:
        """Items and spaces inside a project or space (deepest spaces first)."""
        if table == "items":
            return [], []
        if table == "projects":
            items = [r[0] for r in conn.execute("SELECT id FROM items WHERE project_id = ?", (node_id,))]
            spaces = conn.execute(
                "SELECT id, path FROM spaces WHERE project_id = ? ORDER BY length(path) DESC", (node_id,)
            ).fetchall()
            return items, spaces
        path = conn.execute("SELECT path FROM spaces WHERE id = ?", (node_id,)).fetchone()[0]
        lo, hi = path + "/", path + "0"
        items = [r[0] for r in conn.execute("SELECT id FROM items WHERE path > ? AND path < ?", (lo, hi))]
        spaces = conn.execute(
            "SELECT id, path FROM spaces WHERE path > ? AND path < ? ORDER BY length(path) DESC", (lo, hi)
        ).fetchall()
        return items, spaces

    def _leave_bundles(self, conn: Connection, item_id: int, doomed: set[int], force: bool) -> None:
        """Take a deleted item out of the bundles that hold it (each a new bundle revision)."""
        holders = [(bid, path) for bid, path in self._bundles_holding(conn, item_id) if bid not in doomed]
        if not holders:
            return
        path = conn.execute("SELECT path FROM items WHERE id = ?", (item_id,)).fetchone()[0]
        if not force:
            raise ConflictError(
                f"{kref_of(path)} is a member of {', '.join(str(kref_of(p)) for _, p in holders)}; "
                "delete(force=True) also removes it from those bundles"
            )
        stamp = now_stamp()
        for bundle_id, bundle_path in holders:
            self._record_bundle_change(
                conn,
                bundle_id,
                kref_of(bundle_path),
                item_id,
                kref_of(path),
                "removed",
                {"reason": "member deleted"},
                stamp,
            )

    def _delete_item(self, conn: Connection, item_id: int) -> None:
        path = conn.execute("SELECT path FROM items WHERE id = ?", (item_id,)).fetchone()[0]
        rids = [r[0] for r in conn.execute("SELECT id FROM revisions WHERE item_id = ?", (item_id,))]
        self._delete_revisions(conn, rids, force=True, whole_item=True)
        conn.execute("DELETE FROM bundle_changes WHERE bundle_item_id = ?", (item_id,))
        conn.execute("DELETE FROM items WHERE id = ?", (item_id,))
        self._emit(conn, "item.deleted", kref_of(path))

    def _delete_revisions(
        self, conn: Connection, rids: list[int], force: bool, whole_item: bool = False
    ) -> None:
        stamp = now_stamp()
        doomed = set(rids)
        for rid in rids:
            record = self._revision_record(conn, rid)
            if record.published:
                raise ImmutableError(
                    f"{record.kref} is published and immutable for good: it cannot be deleted"
                )
            held = [
                row
                for row in conn.execute(
                    "SELECT s.id, si.path, s.number FROM edges e JOIN revisions s ON s.id = e.source_id"
                    " JOIN items si ON si.id = s.item_id WHERE e.target_id = ? AND s.published = 1",
                    (rid,),
                )
                if row[0] not in doomed
            ]
            if held:
                held = held[0][1:]
                raise ImmutableError(
                    f"{record.kref} is a dependency of the published kref://{held[0]}?r={held[1]}, "
                    "whose edges cannot change: it cannot be deleted"
                )
        for rid in rids:
            record = self._revision_record(conn, rid)
            item_id = conn.execute("SELECT item_id FROM revisions WHERE id = ?", (rid,)).fetchone()[0]
            for tag in record.tags:
                self._record_untag(conn, item_id, rid, record.number, tag, stamp)
            conn.execute("DELETE FROM tags WHERE revision_id = ?", (rid,))
            conn.execute("DELETE FROM edges WHERE source_id = ? OR target_id = ?", (rid, rid))
            conn.execute("DELETE FROM artifacts WHERE revision_id = ?", (rid,))
            conn.execute("DELETE FROM revisions WHERE id = ?", (rid,))
            self._emit(conn, "revision.deleted", record.kref)
            if LATEST in record.tags and not whole_item:
                prev = conn.execute(
                    "SELECT id, number FROM revisions WHERE item_id = ? ORDER BY number DESC LIMIT 1",
                    (item_id,),
                ).fetchone()
                if prev:
                    self._move_tag(conn, item_id, prev[0], prev[1], LATEST, stamp)
