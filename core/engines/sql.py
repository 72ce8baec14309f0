"""What every SQL engine does, written once.

:class:`SQLBackend` implements the whole :class:`~splice.backend.Backend` in
SQL that SQLite and PostgreSQL both run. An engine subclasses it and supplies
only what differs: connections and transactions (:meth:`_write`, :meth:`_read`),
a few dialect pieces (``TAGS_AGG``, :meth:`_insert`, :meth:`_name_glob`,
:meth:`_request_table`) and how a stream waits for the next event
(:meth:`_wait`, :meth:`_announce`). SQL is written with ``?`` placeholders.

Writes are serialized per store (SQLite's write lock; a PostgreSQL advisory
lock), which keeps revision numbers gapless and event cursors in commit order.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import time as _time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from ..backend import BOTH, INCOMING, OUTGOING
from ..errors import (
    AlreadyExistsError,
    ConflictError,
    ImmutableError,
    NotFoundError,
    ValidationError,
)
from ..events import event_filter, parse_cursor
from ..kref import Kref
from ..records import (
    ArtifactRecord,
    ArtifactSpec,
    BundleChange,
    BundleMember,
    EdgeRecord,
    Event,
    EventCapabilities,
    ItemQuery,
    ItemRecord,
    Metadata,
    PathHop,
    ProjectRecord,
    RevisionRecord,
    RevisionSpec,
    SpaceRecord,
    TagEvent,
    TraversalNode,
    to_dict,
)
from ..times import from_stamp, now_stamp, parse_time, to_stamp

LATEST = "latest"
PUBLISHED = "published"
Connection = Any  # a DB-API connection whose execute() takes '?' SQL and returns a cursor


def _kref(path: str) -> Kref:
    return Kref("kref://" + path)


def _dumps(metadata: Metadata) -> str:
    return json.dumps(metadata, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class SQLBackend:
    """The engine-independent part of splice's SQL engines."""

    url: str
    actor: str
    TAGS_AGG = "group_concat(tag, ',')"  # the tags of a revision as one comma-separated text

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

    # -- what an engine supplies -------------------------------------------
    def _write(self) -> AbstractContextManager[Connection]:
        """A write transaction, serialized with every other writer of the store. It calls
        :meth:`_flush_events` before committing and :meth:`_drop_events` on failure."""
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[Connection]:
        """A consistent snapshot for reads of several statements (reentrant)."""
        raise NotImplementedError

    def _insert(self, conn: Connection, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT; return the new row's id."""
        raise NotImplementedError

    def _name_glob(self, pattern: str) -> tuple[str, Any]:
        """SQL matching ``name`` against a glob with ``*`` and ``?``, and its parameter."""
        raise NotImplementedError

    def _request_table(
        self, conn: Connection, rows: list[tuple[int, str, Any, str | None]], numbers: bool
    ) -> tuple[str, list[Any]]:
        """A FROM item ``q(idx, path, sel, art)`` over ``rows`` (``sel`` a revision number
        when ``numbers``, else a tag), and its parameters."""
        raise NotImplementedError

    def _announce(self, conn: Connection) -> None:
        """Called once a write's events are written, before its commit (to wake listeners)."""

    def _wait(self, position: int, deadline: float | None) -> bool:
        """Sleep until an event after ``position`` is committed; ``False`` at the deadline."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def _emit(self, conn: Connection, routing_key: str, kref: str, /, **metadata: object) -> None:
        """Record an event of the current write; :meth:`_flush_events` writes them all."""
        action = routing_key.rsplit(".", 1)[1]
        self._pending_events().append(
            (routing_key, str(kref), action, now_stamp(), self.actor, _dumps(metadata))
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
        for chunk in _chunks(rows, 150):  # 6 parameters a row; old SQLite takes 999 at most
            marks = ",".join(["(?,?,?,?,?,?)"] * len(chunk))
            conn.execute(
                f"INSERT INTO events (routing_key, kref, action, at, author, metadata) VALUES {marks}",
                [value for row in chunk for value in row],
            )
        rows.clear()
        self._announce(conn)

    def _drop_events(self) -> None:
        """Forget the events of a write that failed."""
        self._pending_events().clear()

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
        item = _kref(path)
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
                f"{_kref(row[1])}?r={row[2]} is published and immutable for good: "
                f"its {what} cannot change (create a new revision instead)"
            )

    # -- projects ---------------------------------------------------------
    def create_project(self, name: str, description: str, metadata: Metadata) -> ProjectRecord:
        stamp = now_stamp()
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM projects WHERE name = ?", (name,)).fetchone():
                raise AlreadyExistsError(f"project {name!r} already exists")
            conn.execute(
                "INSERT INTO projects (name, description, metadata, created_at, author) VALUES (?,?,?,?,?)",
                (name, description, _dumps(metadata), stamp, self.actor),
            )
            self._emit(conn, "project.created", f"kref://{name}")
        return ProjectRecord(Kref(f"kref://{name}"), name, description, dict(metadata), stamp, self.actor)

    def _project(self, row: tuple) -> ProjectRecord:
        name, description, meta, created, author = row
        return ProjectRecord(Kref(f"kref://{name}"), name, description, json.loads(meta), created, author)

    def get_project(self, name: str) -> ProjectRecord:
        with self._read() as conn:
            row = conn.execute(
                "SELECT name, description, metadata, created_at, author FROM projects WHERE name = ?",
                (name,),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"project {name!r} does not exist")
        return self._project(row)

    def list_projects(self) -> list[ProjectRecord]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT name, description, metadata, created_at, author FROM projects ORDER BY name"
            ).fetchall()
        return [self._project(r) for r in rows]

    # -- spaces -----------------------------------------------------------
    def create_space(self, parent: Kref, name: str, metadata: Metadata) -> SpaceRecord:
        stamp = now_stamp()
        kref = parent.base.child(name)
        with self._write() as conn:
            project_id, parent_path = self._container(conn, parent)
            path = kref.path
            if conn.execute("SELECT 1 FROM spaces WHERE path = ?", (path,)).fetchone():
                raise AlreadyExistsError(f"space {kref} already exists")
            conn.execute(
                "INSERT INTO spaces (project_id, path, parent_path, name, metadata, created_at, author)"
                " VALUES (?,?,?,?,?,?,?)",
                (project_id, path, parent_path, name, _dumps(metadata), stamp, self.actor),
            )
            self._emit(conn, "space.created", kref)
        return SpaceRecord(kref, name, dict(metadata), stamp, self.actor)

    _SPACE_COLUMNS = "SELECT path, name, metadata, created_at, author FROM spaces"

    @staticmethod
    def _space(row: tuple) -> SpaceRecord:
        path, name, meta, created, author = row
        return SpaceRecord(_kref(path), name, json.loads(meta), created, author)

    def get_space(self, kref: Kref) -> SpaceRecord:
        if not kref.is_space:
            raise ValidationError(f"{kref} is not a space kref (kref://project/space[/…])")
        with self._read() as conn:
            row = conn.execute(self._SPACE_COLUMNS + " WHERE path = ?", (kref.path,)).fetchone()
        if row is None:
            raise NotFoundError(f"space {kref} does not exist")
        return self._space(row)

    def list_spaces(self, parent: Kref, recursive: bool) -> list[SpaceRecord]:
        with self._read() as conn:
            _, path = self._container(conn, parent)
            if recursive:
                rows = conn.execute(
                    self._SPACE_COLUMNS + " WHERE path > ? AND path < ? ORDER BY path",
                    (path + "/", path + "0"),
                )
            else:
                rows = conn.execute(self._SPACE_COLUMNS + " WHERE parent_path = ? ORDER BY path", (path,))
            return [self._space(r) for r in rows]

    # -- items ------------------------------------------------------------
    _ITEM_COLUMNS = "SELECT path, name, kind, metadata, created_at, author, deprecated FROM items"

    @staticmethod
    def _item(row: tuple) -> ItemRecord:
        path, name, kind, meta, created, author, deprecated = row
        return ItemRecord(_kref(path), name, kind, json.loads(meta), created, author, bool(deprecated))

    def create_item(self, parent: Kref, name: str, kind: str, metadata: Metadata) -> ItemRecord:
        stamp = now_stamp()
        kref = parent.base.child(f"{name}.{kind}")
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM items WHERE path = ?", (kref.path,)).fetchone():
                raise AlreadyExistsError(f"item {kref} already exists")
            self._insert_item(conn, kref, metadata, stamp)
        return ItemRecord(kref, name, kind, dict(metadata), stamp, self.actor, False)

    def _insert_item(self, conn: Connection, kref: Kref, metadata: Metadata, stamp: str) -> None:
        parent = kref.parent
        if parent is None:
            raise ValidationError(f"{kref} has no project or space to hold it")
        project_id, parent_path = self._container(conn, parent)
        conn.execute(
            "INSERT INTO items (project_id, path, parent_path, name, kind, metadata, created_at, author)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (project_id, kref.path, parent_path, kref.item_name, kref.kind, _dumps(metadata), stamp,
             self.actor),
        )
        self._emit(conn, "item.created", kref, kind=kref.kind)

    def get_item(self, kref: Kref) -> ItemRecord:
        if not kref.is_item:
            raise ValidationError(f"{kref} names no item: an item kref ends in name.kind")
        with self._read() as conn:
            row = conn.execute(self._ITEM_COLUMNS + " WHERE path = ?", (kref.path,)).fetchone()
        if row is None:
            raise NotFoundError(f"item {kref.base} does not exist")
        return self._item(row)

    def find_items(self, query: ItemQuery) -> list[ItemRecord]:
        sql, args = [], []
        with self._read() as conn:
            if query.under is not None:
                _, path = self._container(conn, query.under)
                if query.recursive:
                    sql.append("path > ? AND path < ?")
                    args += [path + "/", path + "0"]
                else:
                    sql.append("parent_path = ?")
                    args.append(path)
            if query.name is not None:
                clause, arg = self._name_glob(query.name)
                sql.append(clause)
                args.append(arg)
            if query.kind is not None:
                sql.append("kind = ?")
                args.append(query.kind)
            if not query.include_deprecated:
                sql.append("deprecated = 0")
            where = (" WHERE " + " AND ".join(sql)) if sql else ""
            rows = conn.execute(self._ITEM_COLUMNS + where + " ORDER BY path", args)
            out = []
            for row in rows:
                record = self._item(row)
                if all(record.metadata.get(k) == v for k, v in query.metadata.items()):
                    out.append(record)
                    if query.limit is not None and len(out) >= query.limit:
                        break
            return out

    # -- revisions --------------------------------------------------------
    def _insert_revision(
        self, conn: Connection, item: Kref, metadata: Metadata, stamp: str, item_id: int | None = None
    ) -> tuple[int, int, int]:
        """Insert the next revision of ``item``; return (item id, revision id, number)."""
        if item_id is None:
            item_id = self._item_row(conn, item)[0]
        # under the write lock, so the next number is ours alone (gapless, never reused)
        conn.execute("UPDATE items SET last_number = last_number + 1 WHERE id = ?", (item_id,))
        number = conn.execute("SELECT last_number FROM items WHERE id = ?", (item_id,)).fetchone()[0]
        rid = self._insert(
            conn,
            "INSERT INTO revisions (item_id, number, metadata, created_at, author) VALUES (?,?,?,?,?)",
            (item_id, number, _dumps(metadata), stamp, self.actor),
        )
        self._move_tag(conn, item_id, rid, number, LATEST, stamp)
        self._emit(conn, "revision.created", f"{item.base}?r={number}", number=number)
        return item_id, rid, number

    def _move_tag(self, conn: Connection, item_id: int, rid: int, number: int, tag: str, stamp: str) -> None:
        conn.execute(
            "INSERT INTO tags (item_id, tag, revision_id) VALUES (?,?,?)"
            " ON CONFLICT (item_id, tag) DO UPDATE SET revision_id = excluded.revision_id",
            (item_id, tag, rid),
        )
        conn.execute(
            "INSERT INTO tag_history (item_id, revision_id, revision_number, tag, action, at, author)"
            " VALUES (?,?,?,?,'tagged',?,?)",
            (item_id, rid, number, tag, stamp, self.actor),
        )

    def create_revision(self, item: Kref, metadata: Metadata) -> RevisionRecord:
        with self._write() as conn:
            kind = self._item_row(conn, item)[1]
            if kind == "bundle":
                raise ValidationError(
                    f"{item.base} is a bundle: its revisions are made by add_member / remove_member"
                )
            _, rid, _ = self._insert_revision(conn, item, metadata, now_stamp())
            return self._revision_record(conn, rid)

    def batch_create_revisions(
        self, specs: Sequence[RevisionSpec], idempotency_key: str | None
    ) -> list[RevisionRecord]:
        digest = None
        if idempotency_key is not None:
            canonical = json.dumps([to_dict(spec) for spec in specs], sort_keys=True)
            digest = hashlib.sha256(canonical.encode()).hexdigest()
        with self._write() as conn:
            if idempotency_key is not None:
                row = conn.execute(
                    "SELECT digest, result FROM idempotency WHERE key = ?", (idempotency_key,)
                ).fetchone()
                if row is not None:
                    if row[0] != digest:
                        raise ConflictError(
                            f"idempotency key {idempotency_key!r} was used for a different batch; "
                            "use a new key for new revisions"
                        )
                    made = json.loads(row[1])
                    alive = (
                        {
                            r
                            for (r,) in conn.execute(
                                f"SELECT id FROM revisions WHERE id IN ({','.join('?' * len(made))})", made
                            )
                        }
                        if made
                        else set()
                    )
                    if len(alive) != len(made):
                        raise ConflictError(
                            f"idempotency key {idempotency_key!r}: revisions made by that batch have "
                            "since been deleted, so its answer cannot be given again; use a new key"
                        )
                    return [self._revision_record(conn, rid) for rid in made]
            stamp = now_stamp()
            ids = []
            for spec in specs:
                if spec.create_item and conn.execute(
                    "SELECT 1 FROM items WHERE path = ?", (spec.item.path,)
                ).fetchone() is None:
                    self._insert_item(conn, spec.item.base, {}, stamp)
                item_id, kind = self._item_row(conn, spec.item)[:2]
                if kind == "bundle":
                    raise ValidationError(f"{spec.item.base} is a bundle: use add_member / remove_member")
                _, rid, number = self._insert_revision(conn, spec.item, spec.metadata, stamp, item_id)
                rkref = f"{spec.item.base}?r={number}"
                # the revision is new: duplicates can only be within the spec, checked here
                names = [art.name for art in spec.artifacts]
                if len(set(names)) != len(names):
                    raise AlreadyExistsError(f"{rkref}: the batch names an artifact twice ({names})")
                for art in spec.artifacts:
                    self._insert_artifact(conn, rid, rkref, art, stamp, fresh=True)
                default = spec.default_artifact or (names[0] if names else None)
                if default is not None:
                    if default not in names:
                        raise NotFoundError(f"{rkref} has no artifact {default!r} to be its default")
                    conn.execute("UPDATE revisions SET default_artifact = ? WHERE id = ?", (default, rid))
                linked: set[tuple[int, str]] = set()
                for edge in spec.edges:
                    target = self._revision_id(conn, edge.target)
                    if (target, edge.edge_type) in linked:
                        raise AlreadyExistsError(
                            f"{rkref}: the batch has the edge -{edge.edge_type}-> {edge.target} twice"
                        )
                    linked.add((target, edge.edge_type))
                    self._insert_edge(
                        conn,
                        rid,
                        target,
                        rkref,
                        edge.target,
                        edge.edge_type,
                        edge.metadata,
                        stamp,
                        fresh=True,
                    )
                for tag in spec.tags:
                    self._tag(conn, item_id, rid, number, rkref, tag, stamp)
                ids.append(rid)
            if idempotency_key is not None:
                conn.execute(
                    "INSERT INTO idempotency (key, digest, result, created_at) VALUES (?,?,?,?)",
                    (idempotency_key, digest, json.dumps(ids), stamp),
                )
            return [self._revision_record(conn, rid) for rid in ids]

    def get_revision(self, kref: Kref) -> RevisionRecord:
        with self._read() as conn:
            return self._revision_record(conn, self._revision_id(conn, kref))

    def batch_get_revisions(self, krefs: Sequence[Kref]) -> list[RevisionRecord | None]:
        with self._read() as conn:
            ids: list[int | None] = []
            for kref in krefs:
                try:
                    ids.append(self._select_revision_id(conn, kref))
                except NotFoundError:
                    ids.append(None)
            wanted = sorted({i for i in ids if i is not None})
            by_id: dict[int, RevisionRecord] = {}
            for chunk in _chunks(wanted, 500):
                marks = ",".join("?" * len(chunk))
                for row in conn.execute(self._revisions_sql + f" WHERE r.id IN ({marks})", chunk):
                    by_id[row[0]] = self._to_revision(row)
            return [by_id.get(i) if i is not None else None for i in ids]

    def list_revisions(self, item: Kref) -> list[RevisionRecord]:
        with self._read() as conn:
            item_id = self._item_row(conn, item)[0]
            rows = conn.execute(self._revisions_sql + " WHERE r.item_id = ? ORDER BY r.number", (item_id,))
            return [self._to_revision(r) for r in rows]

    def get_revision_by_time(self, item: Kref, at: datetime, tag: str | None) -> RevisionRecord | None:
        with self._read() as conn:
            item_id = self._item_row(conn, item)[0]
            if tag is None:
                row = conn.execute(
                    "SELECT id FROM revisions WHERE item_id = ? AND created_at <= ?"
                    " ORDER BY created_at DESC, number DESC LIMIT 1",
                    (item_id, to_stamp(at)),
                ).fetchone()
                rid = row[0] if row else None
            else:
                rid = self._revision_at(conn, item_id, tag, at)
            return self._revision_record(conn, rid) if rid is not None else None

    def peek_next_revision(self, item: Kref) -> int:
        with self._read() as conn:
            return self._item_row(conn, item)[2] + 1

    def _tag(
        self, conn: Connection, item_id: int, rid: int, number: int, rkref: str, tag: str, stamp: str
    ) -> None:
        if tag == LATEST:
            raise ValidationError("'latest' moves by itself to the newest revision; it cannot be set")
        current = conn.execute(
            "SELECT revision_id FROM tags WHERE item_id = ? AND tag = ?", (item_id, tag)
        ).fetchone()
        if current is not None and current[0] == rid:
            return
        if current is not None:  # the tag leaves its holder: say so in history and events
            holder = self._revision_record(conn, current[0])
            self._record_untag(conn, item_id, current[0], holder.number, tag, stamp)
            self._emit(conn, "revision.untagged", holder.kref, tag=tag, moved_to=number)
        self._move_tag(conn, item_id, rid, number, tag, stamp)
        if tag == PUBLISHED:
            conn.execute("UPDATE revisions SET published = 1 WHERE id = ?", (rid,))
        self._emit(conn, "revision.tagged", rkref, tag=tag)

    def tag_revision(self, revision: Kref, tag: str) -> RevisionRecord:
        with self._write() as conn:
            rid = self._revision_id(conn, revision)
            item_id, number, path = conn.execute(
                "SELECT r.item_id, r.number, i.path FROM revisions r JOIN items i ON i.id = r.item_id"
                " WHERE r.id = ?",
                (rid,),
            ).fetchone()
            self._tag(conn, item_id, rid, number, f"kref://{path}?r={number}", tag, now_stamp())
            return self._revision_record(conn, rid)

    def untag_revision(self, revision: Kref, tag: str) -> RevisionRecord:
        if tag == LATEST:
            raise ValidationError("'latest' moves by itself to the newest revision; it cannot be removed")
        if tag == PUBLISHED:
            raise ImmutableError("'published' is for good: a published revision stays published")
        with self._write() as conn:
            rid = self._revision_id(conn, revision)
            item_id, number, path = conn.execute(
                "SELECT r.item_id, r.number, i.path FROM revisions r JOIN items i ON i.id = r.item_id"
                " WHERE r.id = ?",
                (rid,),
            ).fetchone()
            deleted = conn.execute(
                "DELETE FROM tags WHERE item_id = ? AND tag = ? AND revision_id = ?", (item_id, tag, rid)
            ).rowcount
            if not deleted:
                raise NotFoundError(f"kref://{path}?r={number} has no tag {tag!r}")
            self._record_untag(conn, item_id, rid, number, tag, now_stamp())
            self._emit(conn, "revision.untagged", f"kref://{path}?r={number}", tag=tag)
            return self._revision_record(conn, rid)

    def _record_untag(
        self, conn: Connection, item_id: int, rid: int, number: int, tag: str, stamp: str
    ) -> None:
        conn.execute(
            "INSERT INTO tag_history (item_id, revision_id, revision_number, tag, action, at, author)"
            " VALUES (?,?,?,?,'untagged',?,?)",
            (item_id, rid, number, tag, stamp, self.actor),
        )

    def tag_history(self, item: Kref, tag: str | None) -> list[TagEvent]:
        with self._read() as conn:
            item_id, _, _, path = self._item_row(conn, item)
            sql = "SELECT revision_number, tag, action, at, author FROM tag_history WHERE item_id = ?"
            args: list = [item_id]
            if tag is not None:
                sql += " AND tag = ?"
                args.append(tag)
            rows = conn.execute(sql + " ORDER BY id", args)
            return [TagEvent(Kref(f"kref://{path}?r={n}"), t, a, at, au) for n, t, a, at, au in rows]

    def was_tagged(self, revision: Kref, tag: str, at: datetime | None) -> bool:
        with self._read() as conn:
            rid = self._revision_id(conn, revision)
            if at is None:
                return (
                    conn.execute(
                        "SELECT 1 FROM tag_history WHERE revision_id = ? AND tag = ? AND action = 'tagged'",
                        (rid, tag),
                    ).fetchone()
                    is not None
                )
            item_id = conn.execute("SELECT item_id FROM revisions WHERE id = ?", (rid,)).fetchone()[0]
            return self._revision_at(conn, item_id, tag, at) == rid

    def set_deprecated(self, kref: Kref, deprecated: bool) -> None:
        with self._write() as conn:
            if kref.revision is None and kref.tag is None:
                item_id = self._item_row(conn, kref)[0]
                conn.execute("UPDATE items SET deprecated = ? WHERE id = ?", (int(deprecated), item_id))
                self._emit(conn, "item.updated", kref.base, deprecated=deprecated)
            else:
                rid = self._revision_id(conn, kref)
                conn.execute("UPDATE revisions SET deprecated = ? WHERE id = ?", (int(deprecated), rid))
                self._emit(
                    conn, "revision.updated", self._revision_record(conn, rid).kref, deprecated=deprecated
                )

    def _set_default(self, conn: Connection, rid: int, rkref: str, name: str) -> None:
        if (
            conn.execute("SELECT 1 FROM artifacts WHERE revision_id = ? AND name = ?", (rid, name)).fetchone()
            is None
        ):
            raise NotFoundError(f"{rkref} has no artifact {name!r}")
        conn.execute("UPDATE revisions SET default_artifact = ? WHERE id = ?", (name, rid))

    def set_default_artifact(self, revision: Kref, name: str) -> RevisionRecord:
        with self._write() as conn:
            rid = self._revision_id(conn, revision)
            self._check_mutable(conn, rid, "default artifact")
            record = self._revision_record(conn, rid)
            self._set_default(conn, rid, record.kref, name)
            self._emit(conn, "revision.updated", record.kref, default_artifact=name)
            return self._revision_record(conn, rid)

    # -- artifacts --------------------------------------------------------
    def _insert_artifact(
        self, conn: Connection, rid: int, rkref: str, spec: ArtifactSpec, stamp: str, fresh: bool = False
    ) -> None:
        """Add an artifact; ``fresh``: the revision was made in this write, so it has no
        artifacts to clash with and the caller sets its default once."""
        if (
            not fresh
            and conn.execute(
                "SELECT 1 FROM artifacts WHERE revision_id = ? AND name = ?", (rid, spec.name)
            ).fetchone()
        ):
            raise AlreadyExistsError(f"{rkref} already has an artifact {spec.name!r}")
        conn.execute(
            "INSERT INTO artifacts (revision_id, name, location, metadata, created_at, author)"
            " VALUES (?,?,?,?,?,?)",
            (rid, spec.name, spec.location, _dumps(spec.metadata), stamp, self.actor),
        )
        if not fresh:
            conn.execute(
                "UPDATE revisions SET default_artifact = ? WHERE id = ? AND default_artifact IS NULL",
                (spec.name, rid),
            )
        self._emit(conn, "artifact.added", f"{rkref}&a={spec.name}", location=spec.location)

    def create_artifact(self, revision: Kref, spec: ArtifactSpec) -> ArtifactRecord:
        stamp = now_stamp()
        with self._write() as conn:
            rid = self._revision_id(conn, revision)
            self._check_mutable(conn, rid, "artifacts")
            rkref = self._revision_record(conn, rid).kref
            self._insert_artifact(conn, rid, rkref, spec, stamp)
        return ArtifactRecord(
            rkref.with_artifact(spec.name),
            rkref,
            spec.name,
            spec.location,
            dict(spec.metadata),
            stamp,
            self.actor,
        )

    _ARTIFACT_COLUMNS = (
        "SELECT i.path, r.number, a.name, a.location, a.metadata, a.created_at, a.author"
        " FROM artifacts a JOIN revisions r ON r.id = a.revision_id JOIN items i ON i.id = r.item_id"
    )

    @staticmethod
    def _artifact(row: tuple) -> ArtifactRecord:
        path, number, name, location, meta, created, author = row
        rkref = Kref(f"kref://{path}?r={number}")
        return ArtifactRecord(
            rkref.with_artifact(name), rkref, name, location, json.loads(meta), created, author
        )

    def get_artifact(self, kref: Kref) -> ArtifactRecord:
        with self._read() as conn:
            rid = self._revision_id(conn, kref)
            name = kref.artifact
            if name is None:
                name = conn.execute("SELECT default_artifact FROM revisions WHERE id = ?", (rid,)).fetchone()[
                    0
                ]
                if name is None:
                    raise NotFoundError(f"{kref} has no artifacts")
            row = conn.execute(
                self._ARTIFACT_COLUMNS + " WHERE a.revision_id = ? AND a.name = ?", (rid, name)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"{kref.base} has no artifact {name!r} in the selected revision")
            return self._artifact(row)

    def list_artifacts(self, revision: Kref) -> list[ArtifactRecord]:
        with self._read() as conn:
            rid = self._revision_id(conn, revision)
            rows = conn.execute(self._ARTIFACT_COLUMNS + " WHERE a.revision_id = ? ORDER BY a.name", (rid,))
            return [self._artifact(r) for r in rows]

    def resolve_many(self, krefs: Sequence[Kref]) -> list[str | None]:
        """Rows by revision number and by tag go to the engine as two joins over a table of
        requests; time-locked krefs (rare) are looked up one by one."""
        out: list[str | None] = [None] * len(krefs)
        by_number, by_tag, by_time = [], [], []
        for idx, k in enumerate(krefs):
            p = k.parts
            if p.item_name is None:
                continue
            path = k.path if p.revision is None and p.tag is None and p.artifact is None else _item_path(p)
            if p.time is not None:
                by_time.append((idx, k))
            elif p.revision is not None:
                by_number.append((idx, path, p.revision, p.artifact))
            else:
                by_tag.append((idx, path, p.tag or LATEST, p.artifact))
        with self._read() as conn:
            for rows, numbers, join in (
                (by_number, True, "JOIN revisions r ON r.item_id = i.id AND r.number = q.sel"),
                (
                    by_tag,
                    False,
                    "JOIN tags t ON t.item_id = i.id AND t.tag = q.sel"
                    " JOIN revisions r ON r.id = t.revision_id",
                ),
            ):
                if not rows:
                    continue
                table, params = self._request_table(conn, rows, numbers)
                for idx, location in conn.execute(
                    f"SELECT q.idx, a.location FROM {table} JOIN items i ON i.path = q.path "
                    + join
                    + " JOIN artifacts a ON a.revision_id = r.id"
                    " AND a.name = COALESCE(q.art, r.default_artifact)",
                    params,
                ):
                    out[idx] = location
            for idx, k in by_time:
                try:
                    rid = self._select_revision_id(conn, k)
                except NotFoundError:
                    continue
                if rid is None:
                    continue
                row = conn.execute(
                    "SELECT a.location FROM revisions r JOIN artifacts a ON a.revision_id = r.id"
                    " AND a.name = COALESCE(?, r.default_artifact) WHERE r.id = ?",
                    (k.artifact, rid),
                ).fetchone()
                out[idx] = row[0] if row else None
        return out

    # -- edges ------------------------------------------------------------
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
            (source, target, edge_type, _dumps(metadata), stamp, self.actor),
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
            Kref(f"kref://{sp}?r={sn}"), Kref(f"kref://{tp}?r={tn}"), etype, json.loads(meta), created, author
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

    def traverse(
        self,
        revision: Kref,
        direction: int,
        edge_types: Sequence[str] | None,
        max_depth: int,
        limit: int | None,
    ) -> tuple[list[TraversalNode], bool]:
        near, far = ("source_id", "target_id") if direction == OUTGOING else ("target_id", "source_id")
        type_filter = ""
        args: list = []
        if edge_types:
            type_filter = f" AND e.edge_type IN ({','.join('?' * len(edge_types))})"
            args = list(edge_types)
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

    def _first_edge_types(self, conn, rows, start, near, far, type_filter, args) -> dict[int, str]:
        depth_of = {rid: depth for rid, depth, _, _ in rows}
        depth_of[start] = 0
        out: dict[int, str] = {}
        for chunk in _chunks([r[0] for r in rows], 400):
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
        type_filter = ""
        args: list = []
        if edge_types:
            type_filter = f" AND e.edge_type IN ({','.join('?' * len(edge_types))})"
            args = list(edge_types)
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

    # -- bundles ----------------------------------------------------------
    def _bundle_id(self, conn: Connection, bundle: Kref) -> int:
        item_id, kind, _, _ = self._item_row(conn, bundle)
        if kind != "bundle":
            raise ValidationError(f"{bundle.base} is a {kind}, not a bundle")
        return item_id

    def _members_at(self, conn: Connection, bundle_id: int, number: int | None) -> list[tuple]:
        limit = number if number is not None else 2**62
        return conn.execute(
            """
            SELECT c.member_item_id, c.member_kref, c.revision_number, c.created_at, c.author
            FROM bundle_changes c
            WHERE c.bundle_item_id = ? AND c.action = 'added' AND c.revision_number <= ?
              AND c.id = (SELECT MAX(id) FROM bundle_changes
                          WHERE bundle_item_id = c.bundle_item_id AND member_item_id = c.member_item_id
                            AND revision_number <= ?)
            ORDER BY c.member_kref
            """,
            (bundle_id, limit, limit),
        ).fetchall()

    def _bundle_change(self, bundle: Kref, member: Kref, metadata: Metadata, action: str) -> BundleChange:
        stamp = now_stamp()
        with self._write() as conn:
            bundle_id = self._bundle_id(conn, bundle)
            member_id, member_kind, _, member_path = self._item_row(conn, member)
            member_kref = _kref(member_path)
            current = {row[0] for row in self._members_at(conn, bundle_id, None)}
            if action == "added":
                if member_id == bundle_id:
                    raise ValidationError(f"bundle {bundle.base} cannot contain itself")
                if member_id in current:
                    raise AlreadyExistsError(f"{member_kref} is already a member of {bundle.base}")
                if member_kind == "bundle" and bundle_id in self._bundle_closure(conn, member_id):
                    raise ValidationError(
                        f"adding {member_kref} to {bundle.base} would make the bundle contain itself"
                    )
            elif member_id not in current:
                raise NotFoundError(f"{member_kref} is not a member of {bundle.base}")
            number = self._record_bundle_change(
                conn, bundle_id, bundle.base, member_id, member_kref, action, metadata, stamp
            )
        return BundleChange(number, action, member_kref, self.actor, stamp, dict(metadata))

    def _record_bundle_change(
        self,
        conn: Connection,
        bundle_id: int,
        bundle: Kref,
        member_id: int,
        member_kref: Kref,
        action: str,
        metadata: Metadata,
        stamp: str,
    ) -> int:
        """Write one membership change as a new bundle revision; return its number."""
        meta = {"action": action, "member": str(member_kref), **metadata}
        _, _, number = self._insert_revision(conn, bundle, meta, stamp)
        conn.execute(
            "INSERT INTO bundle_changes (bundle_item_id, revision_number, action, member_item_id,"
            " member_kref, metadata, created_at, author) VALUES (?,?,?,?,?,?,?,?)",
            (bundle_id, number, action, member_id, str(member_kref), _dumps(metadata), stamp, self.actor),
        )
        self._emit(conn, f"bundle.member_{action}", bundle, member=str(member_kref), revision=number)
        return number

    def _bundles_holding(self, conn: Connection, item_id: int) -> list[tuple[int, str]]:
        """(id, path) of the bundles that hold ``item_id`` now."""
        return conn.execute(
            """
            SELECT c.bundle_item_id, b.path FROM bundle_changes c JOIN items b ON b.id = c.bundle_item_id
            WHERE c.member_item_id = ? AND c.action = 'added'
              AND c.id = (SELECT MAX(id) FROM bundle_changes
                          WHERE bundle_item_id = c.bundle_item_id AND member_item_id = c.member_item_id)
            ORDER BY b.path
            """,
            (item_id,),
        ).fetchall()

    def _bundle_closure(self, conn: Connection, bundle_id: int) -> set[int]:
        """Every item a bundle holds, through nested bundles."""
        seen: set[int] = set()
        todo = [bundle_id]
        while todo:
            for member_id, *_ in self._members_at(conn, todo.pop(), None):
                if member_id not in seen:
                    seen.add(member_id)
                    todo.append(member_id)
        return seen

    def add_bundle_member(self, bundle: Kref, member: Kref, metadata: Metadata) -> BundleChange:
        return self._bundle_change(bundle, member, metadata, "added")

    def remove_bundle_member(self, bundle: Kref, member: Kref, metadata: Metadata) -> BundleChange:
        return self._bundle_change(bundle, member, metadata, "removed")

    def list_bundle_members(self, bundle: Kref, revision_number: int | None) -> list[BundleMember]:
        with self._read() as conn:
            bundle_id = self._bundle_id(conn, bundle)
            rows = self._members_at(conn, bundle_id, revision_number)
            return [BundleMember(Kref(k), n, at, by) for _, k, n, at, by in rows]

    def bundle_history(self, bundle: Kref) -> list[BundleChange]:
        with self._read() as conn:
            bundle_id = self._bundle_id(conn, bundle)
            rows = conn.execute(
                "SELECT revision_number, action, member_kref, author, created_at, metadata"
                " FROM bundle_changes WHERE bundle_item_id = ? ORDER BY revision_number",
                (bundle_id,),
            )
            return [BundleChange(n, a, Kref(k), au, at, json.loads(m)) for n, a, k, au, at, m in rows]

    # -- metadata and deletion, any node ------------------------------------
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

    def _update_metadata(self, kref: Kref, change) -> Metadata:
        with self._write() as conn:
            table, node_id, node_kref, prefix = self._node(conn, kref)
            if table == "revisions":
                self._check_mutable(conn, node_id, "metadata")
            elif table == "artifacts":
                rid = conn.execute("SELECT revision_id FROM artifacts WHERE id = ?", (node_id,)).fetchone()[0]
                self._check_mutable(conn, rid, "artifacts")
            current = json.loads(
                conn.execute(f"SELECT metadata FROM {table} WHERE id = ?", (node_id,)).fetchone()[0]
            )
            updated, changed = change(dict(current))
            if changed:
                conn.execute(f"UPDATE {table} SET metadata = ? WHERE id = ?", (_dumps(updated), node_id))
                self._emit(conn, f"{prefix}.updated", node_kref, keys=sorted(changed))
            return updated

    def set_metadata(self, kref: Kref, metadata: Metadata) -> Metadata:
        def merge(current: Metadata):
            changed = [k for k, v in metadata.items() if current.get(k) != v]
            current.update(metadata)
            return current, changed

        return self._update_metadata(kref, merge)

    def set_attribute(self, kref: Kref, key: str, value: str) -> None:
        self.set_metadata(kref, {key: value})

    def get_attribute(self, kref: Kref, key: str) -> str | None:
        with self._read() as conn:
            table, node_id, _, _ = self._node(conn, kref)
            meta = json.loads(
                conn.execute(f"SELECT metadata FROM {table} WHERE id = ?", (node_id,)).fetchone()[0]
            )
            return meta.get(key)

    def delete_attribute(self, kref: Kref, key: str) -> bool:
        found = []

        def drop(current: Metadata):
            if key in current:
                del current[key]
                found.append(key)
            return current, found

        self._update_metadata(kref, drop)
        return bool(found)

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
                self._emit(conn, "space.deleted", _kref(space_path))
            if table == "items":
                self._delete_item(conn, node_id)
            elif table == "spaces":
                conn.execute("DELETE FROM spaces WHERE id = ?", (node_id,))
                self._emit(conn, "space.deleted", node_kref)
            else:
                conn.execute("DELETE FROM projects WHERE id = ?", (node_id,))
                self._emit(conn, "project.deleted", node_kref)

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
                f"{_kref(path)} is a member of {', '.join(str(_kref(p)) for _, p in holders)}; "
                "delete(force=True) also removes it from those bundles"
            )
        stamp = now_stamp()
        for bundle_id, bundle_path in holders:
            self._record_bundle_change(
                conn,
                bundle_id,
                _kref(bundle_path),
                item_id,
                _kref(path),
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
        self._emit(conn, "item.deleted", _kref(path))

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

    # -- events -----------------------------------------------------------
    def emit_event(self, kref: Kref, routing_key: str, metadata: Metadata) -> Event:
        with self._write() as conn:
            _, _, node_kref, _ = self._node(conn, kref)
            self._emit(conn, routing_key, node_kref, **metadata)
            self._flush_events(conn)
            row = conn.execute(
                "SELECT id, routing_key, kref, action, at, author, metadata FROM events"
                " WHERE routing_key = ? AND kref = ? ORDER BY id DESC LIMIT 1",
                (routing_key, node_kref),
            ).fetchone()
        return self._event(row)

    def event_capabilities(self) -> EventCapabilities:
        return EventCapabilities(
            tier="embedded",
            supports_realtime=True,
            supports_routing_filters=True,
            supports_kref_filters=True,
            supports_cursor=True,
            supports_replay=True,
            supports_consumer_groups=True,
            max_retention_hours=None,
            max_buffer_size=None,
        )

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

    def event_head(self) -> str:
        """The cursor of the newest event ("0" before the first): a stream that starts
        "from now" elsewhere (the server's) resumes from here."""
        return str(self._head())

    def with_actor(self, actor: str) -> SQLBackend:
        """This engine writing as ``actor`` and sharing its connections (the server makes
        one per request for the caller). Never close such a view."""
        view = copy.copy(self)
        view.actor = actor
        return view

    def _head(self, conn: Connection | None = None) -> int:
        """The cursor position of the newest event."""
        if conn is None:
            with self._read() as conn:
                return self._head(conn)
        return conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]

    def event_stream(
        self,
        routing_key_filter: str | None,
        kref_filter: str | None,
        cursor: str | None,
        from_beginning: bool,
        consumer_group: str | None,
        timeout: float | None,
    ) -> Iterator[Event]:
        accept = event_filter(routing_key_filter, kref_filter)
        start = parse_cursor(cursor) if cursor is not None else (0 if from_beginning else None)
        if consumer_group is not None:
            # join the group now, so a new group starts at this call, not at the first read
            with self._write() as conn:
                conn.execute(
                    "INSERT INTO consumer_groups (name, position) VALUES (?, ?)"
                    " ON CONFLICT (name) DO NOTHING",
                    (consumer_group, self._head(conn) if start is None else start),
                )
            return self._group_stream(consumer_group, accept, timeout)
        return self._stream(accept, self._head() if start is None else start, timeout)

    def _stream(self, accept, position: int, timeout: float | None) -> Iterator[Event]:
        while True:
            with self._read() as conn:
                rows = self._events_after(conn, position, 500)
            if not rows:
                deadline = None if timeout is None else _time.monotonic() + timeout
                if not self._wait(position, deadline):
                    return
                continue
            for row in rows:
                position = row[0]
                if accept(row[1], row[2]):
                    yield self._event(row)

    def _group_stream(self, group: str, accept, timeout: float | None) -> Iterator[Event]:
        """Members of a group share one position: each event goes to one member, and the
        position is committed as the event is handed out."""
        while True:
            taken = None
            with self._write() as conn:
                position = conn.execute(
                    "SELECT position FROM consumer_groups WHERE name = ?", (group,)
                ).fetchone()[0]
                for row in self._events_after(conn, position, 500):
                    position = row[0]
                    if accept(row[1], row[2]):
                        taken = row
                        break
                conn.execute("UPDATE consumer_groups SET position = ? WHERE name = ?", (position, group))
            if taken is not None:
                yield self._event(taken)
                continue
            deadline = None if timeout is None else _time.monotonic() + timeout
            if not self._wait(position, deadline):
                return


def _item_path(p) -> str:
    return "/".join((p.project, *p.spaces, f"{p.item_name}.{p.kind}"))


def _chunks(values: list, size: int) -> Iterator[list]:
    for i in range(0, len(values), size):
        yield values[i : i + size]
