"""What every concern builds on: the write's events, the event log's rows, and the
lookups of nodes by kref (all inside a transaction or snapshot of the engine).

Writes are serialized per store (SQLite's write lock; a PostgreSQL advisory
lock), which keeps revision numbers gapless and event cursors in commit order.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime

from ...errors import ImmutableError, NotFoundError, ValidationError
from ...kref import Kref
from ...records import Event, Metadata, RevisionRecord
from ...times import from_stamp, now_stamp, parse_time, to_stamp
from .dialect import Connection, SQLDialect

LATEST = "latest"
PUBLISHED = "published"


def kref_of(path: str) -> Kref:
    """The kref of a stored path (``project/space/name.kind``)."""
    return Kref("kref://" + path)


def dumps(metadata: Metadata) -> str:
    return json.dumps(metadata, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chunks(values: list, size: int) -> Iterator[list]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


class SQLBase(SQLDialect):
    """State, the write's events and lookups shared by every concern."""

    def __init__(self, url: str, actor: str) -> None:
        self.url = url
        self.actor = actor
        self._events = threading.local()  # the events of this thread's current write
        self._revisions_sql = (
            "SELECT r.id, i.path, r.number, r.metadata, r.created_at, r.author, r.published,"
            " r.deprecated, r.default_artifact,"
            f" (SELECT {self.TAGS_AGG} FROM tags WHERE revision_id = r.id) AS tags"
            " FROM revisions r JOIN items i ON i.id = r.item_id"
        )

    # -- the current write's events ----------------------------------------
    def _emit(self, conn: Connection, routing_key: str, kref: str, /, **metadata: object) -> None:
        """Record an event of the current write; :meth:`_flush_events` writes them all."""
        action = routing_key.rsplit(".", 1)[1]
        self._pending_events().append(
            (routing_key, str(kref), action, now_stamp(), self.actor, dumps(metadata))
        )

    def _pending_events(self) -> list[tuple]:
        pending = getattr(self._events, "pending", None)
        if pending is None:
            pending = self._events.pending = []
        return pending

    def _flush_events(self, conn: Connection) -> None:
        """Write the transaction's events in as few statements as possible, just before its
        commit (engines call this last in a write), and wake listeners once."""
        rows = self._pending_events()
        if not rows:
            return
        parts = list(chunks(rows, 150))  # 6 parameters a row; old SQLite takes 999 at most
        for n, chunk in enumerate(parts, 1):
            marks = ",".join(["(?,?,?,?,?,?)"] * len(chunk))
            self._insert_events(
                conn,
                f"INSERT INTO events (routing_key, kref, action, at, author, metadata) VALUES {marks}",
                [value for row in chunk for value in row],
                announce=n == len(parts),
            )
        rows.clear()

    def _drop_events(self) -> None:
        """Forget the events of a write that failed."""
        self._pending_events().clear()

    # -- the event log's rows -----------------------------------------------
    def _head(self, conn: Connection | None = None) -> int:
        """The cursor position of the newest event."""
        if conn is None:
            with self._read() as conn:
                return self._head(conn)
        return conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]

    @staticmethod
    def _events_after(conn: Connection, position: int, limit: int) -> list[tuple]:
        return conn.execute(
            "SELECT id, routing_key, kref, action, at, author, metadata FROM events"
            " WHERE id > ? ORDER BY id LIMIT ?",
            (position, limit),
        ).fetchall()

    @staticmethod
    def _event(row: tuple) -> Event:
        eid, key, kref, action, at, author, meta = row
        return Event(str(eid), key, Kref(kref), action, from_stamp(at), author, json.loads(meta))

    # -- lookups (inside a transaction or snapshot) ----------------------
    def _project_id(self, conn: Connection, name: str) -> int:
        row = conn.execute("SELECT id FROM projects WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFoundError(f"project {name!r} does not exist")
        return row[0]

    def _container(self, conn: Connection, kref: Kref) -> tuple[int, str]:
        """(project id, path) of a project or space kref that must exist."""
        if kref.is_item:
            raise ValidationError(f"{kref} is an item; spaces and items live in a project or space")
        project_id = self._project_id(conn, kref.project)
        if kref.spaces:
            path = kref.path
            if conn.execute("SELECT 1 FROM spaces WHERE path = ?", (path,)).fetchone() is None:
                raise NotFoundError(f"space {kref.base} does not exist")
            return project_id, path
        return project_id, kref.project

    def _item_row(self, conn: Connection, kref: Kref) -> tuple:
        if not kref.is_item:
            raise ValidationError(f"{kref} names no item: an item kref ends in name.kind")
        row = conn.execute(
            "SELECT id, kind, last_number, path FROM items WHERE path = ?", (kref.path,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"item {kref.base} does not exist")
        return row

    def _revision_id(self, conn: Connection, kref: Kref) -> int:
        rid = self._select_revision_id(conn, kref)
        if rid is None:
            raise NotFoundError(f"no revision matches {kref}")
        return rid

    def _select_revision_id(self, conn: Connection, kref: Kref) -> int | None:
        item_id = self._item_row(conn, kref)[0]
        if kref.revision is not None:
            row = conn.execute(
                "SELECT id FROM revisions WHERE item_id = ? AND number = ?", (item_id, kref.revision)
            ).fetchone()
        elif kref.time is not None:
            return self._revision_at(conn, item_id, kref.tag or LATEST, kref.time)
        else:
            row = conn.execute(
                "SELECT revision_id FROM tags WHERE item_id = ? AND tag = ?",
                (item_id, kref.tag or LATEST),
            ).fetchone()
        return row[0] if row else None

    @staticmethod
    def _revision_ids(conn: Connection, krefs: list[Kref]) -> dict[int, int]:
        """The revision ids that item krefs select by number or tag, in ONE statement:
        {position in ``krefs``: id}. A kref left out (time-locked, or nothing matches) is for
        :meth:`_revision_id`, which says why."""
        selects, params = [], []
        for i, kref in enumerate(krefs):
            if kref.time is not None:
                continue
            if kref.revision is not None:
                selects.append(
                    f"SELECT {i}, r.id FROM items i JOIN revisions r ON r.item_id = i.id"
                    " WHERE i.path = ? AND r.number = ?"
                )
                params += (kref.path, kref.revision)
            else:
                selects.append(
                    f"SELECT {i}, t.revision_id FROM items i JOIN tags t ON t.item_id = i.id"
                    " WHERE i.path = ? AND t.tag = ?"
                )
                params += (kref.path, kref.tag or LATEST)
        if not selects:
            return {}
        return dict(conn.execute(" UNION ALL ".join(selects), params).fetchall())

    def _revision_at(self, conn: Connection, item_id: int, tag: str, at: str | datetime) -> int | None:
        stamp = to_stamp(parse_time(at))
        row = conn.execute(
            "SELECT revision_id, action FROM tag_history WHERE item_id = ? AND tag = ? AND at <= ?"
            " ORDER BY at DESC, id DESC LIMIT 1",
            (item_id, tag, stamp),
        ).fetchone()
        if row is None or row[1] != "tagged":
            return None
        exists = conn.execute("SELECT 1 FROM revisions WHERE id = ?", (row[0],)).fetchone()
        return row[0] if exists else None

    def _revision_record(self, conn: Connection, rid: int) -> RevisionRecord:
        return self._to_revision(conn.execute(self._revisions_sql + " WHERE r.id = ?", (rid,)).fetchone())

    @staticmethod
    def _to_revision(row: tuple) -> RevisionRecord:
        _, path, number, meta, created, author, published, deprecated, default, tags = row
        item = kref_of(path)
        return RevisionRecord(
            kref=Kref(f"{item}?r={number}"),
            item_kref=item,
            number=number,
            metadata=json.loads(meta),
            created_at=created,
            author=author,
            tags=tuple(sorted(tags.split(","))) if tags else (),
            published=bool(published),
            deprecated=bool(deprecated),
            default_artifact=default,
        )

    def _check_mutable(self, conn: Connection, rid: int, what: str) -> None:
        row = conn.execute(
            "SELECT r.published, i.path, r.number FROM revisions r JOIN items i ON i.id = r.item_id"
            " WHERE r.id = ?",
            (rid,),
        ).fetchone()
        if row[0]:
            raise ImmutableError(
                f"{kref_of(row[1])}?r={row[2]} is published and immutable for good: "
                f"its {what} cannot change (create a new revision instead)"
            )

    # -- any node, by kind -----------------------------------------------
    def _node(self, conn: Connection, kref: Kref) -> tuple[str, int, str, str]:
        """(table, id, kref of the node, routing prefix) for any kref; checks immutability
        when the node belongs to a revision."""
        p = kref.parts
        if p.item_name is None:
            if not p.spaces:
                return "projects", self._project_id(conn, p.project), str(kref), "project"
            row = conn.execute("SELECT id FROM spaces WHERE path = ?", (kref.path,)).fetchone()
            if row is None:
                raise NotFoundError(f"space {kref} does not exist")
            return "spaces", row[0], str(kref), "space"
        if p.revision is None and p.tag is None and p.artifact is None:
            return "items", self._item_row(conn, kref)[0], str(kref), "item"
        rid = self._revision_id(conn, kref)
        rkref = self._revision_record(conn, rid).kref
        if p.artifact is None:
            return "revisions", rid, str(rkref), "revision"
        row = conn.execute(
            "SELECT id FROM artifacts WHERE revision_id = ? AND name = ?", (rid, p.artifact)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"{rkref} has no artifact {p.artifact!r}")
        return "artifacts", row[0], f"{rkref}&a={p.artifact}", "artifact"
