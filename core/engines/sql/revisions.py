"""Revisions: numbered 1, 2, … per item under the write lock (gapless, never reused),
singly or as one batch with their artifacts, edges and tags.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from ...errors import AlreadyExistsError, ConflictError, NotFoundError, ValidationError
from ...kref import SCHEME, Kref
from ...records import Metadata, RevisionRecord, RevisionSpec, to_dict
from ...times import now_stamp, to_stamp
from .artifacts import Artifacts
from .base import LATEST, PUBLISHED, chunks, dumps
from .dialect import Connection
from .edges import Edges
from .nodes import Nodes
from .tags import Tags


class Revisions(Nodes, Tags, Artifacts, Edges):
    """Create (one or a batch), get, list and deprecate revisions."""

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
            (item_id, number, dumps(metadata), stamp, self.actor),
        )
        self._move_tag(conn, item_id, rid, number, LATEST, stamp)
        self._emit(conn, "revision.created", f"{item.base}?r={number}", number=number)
        return item_id, rid, number

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
            ids = [self._create_one(conn, spec, stamp) for spec in specs]
            if idempotency_key is not None:
                conn.execute(
                    "INSERT INTO idempotency (key, digest, result, created_at) VALUES (?,?,?,?)",
                    (idempotency_key, digest, json.dumps(ids), stamp),
                )
            by_id = self._revision_records(conn, ids)
            return [by_id[rid] for rid in ids]

    def _create_one(self, conn: Connection, spec: RevisionSpec, stamp: str) -> int:
        """One revision of a batch with its artifacts, edges and tags; its id. Few statements,
        and few of them read back (each read is a round trip on PostgreSQL, whose writes are
        pipelined); the events are those of create_revision, create_artifact, … in turn."""
        if (
            spec.create_item
            and conn.execute("SELECT 1 FROM items WHERE path = ?", (spec.item.path,)).fetchone() is None
        ):
            self._insert_item(conn, spec.item.base, {}, stamp)
        names = [art.name for art in spec.artifacts]
        default = spec.default_artifact or (names[0] if names else None)
        published = PUBLISHED in spec.tags
        made = self._new_revision(conn, spec.item.path, (dumps(spec.metadata), stamp, default, published))
        if made is None:  # no such item, or a bundle: say which
            self._item_row(conn, spec.item)
            raise ValidationError(f"{spec.item.base} is a bundle: use add_member / remove_member")
        item_id, rid, number = made
        self._move_tag(conn, item_id, rid, number, LATEST, stamp)
        rkref = f"{spec.item.base}?r={number}"
        self._emit(conn, "revision.created", rkref, number=number)
        # the revision is new: duplicates can only be within the spec, checked here
        if len(set(names)) != len(names):
            raise AlreadyExistsError(f"{rkref}: the batch names an artifact twice ({names})")
        if spec.artifacts:
            conn.execute(
                "INSERT INTO artifacts (revision_id, name, location, metadata, created_at, author) VALUES "
                + ",".join(["(?,?,?,?,?,?)"] * len(spec.artifacts)),
                [
                    v
                    for art in spec.artifacts
                    for v in (rid, art.name, art.location, dumps(art.metadata), stamp, self.actor)
                ],
            )
            for art in spec.artifacts:
                self._emit(conn, "artifact.added", f"{rkref}&a={art.name}", location=art.location)
        if default is not None and default not in names:
            raise NotFoundError(f"{rkref} has no artifact {default!r} to be its default")
        if spec.edges:
            self._link_fresh(conn, rid, rkref, spec, stamp)
        for tag in spec.tags:
            self._tag(conn, item_id, rid, number, rkref, tag, stamp, published=published)
        return rid

    def _link_fresh(self, conn: Connection, rid: int, rkref: str, spec: RevisionSpec, stamp: str) -> None:
        """The edges of a new revision: their targets looked up together, then one INSERT."""
        found = self._revision_ids(conn, [edge.target for edge in spec.edges])
        rows: list = []
        linked: set[tuple[int, str]] = set()
        for i, edge in enumerate(spec.edges):
            target = found[i] if i in found else self._revision_id(conn, edge.target)
            if (target, edge.edge_type) in linked:
                raise AlreadyExistsError(
                    f"{rkref}: the batch has the edge -{edge.edge_type}-> {edge.target} twice"
                )
            linked.add((target, edge.edge_type))
            if target == rid:
                raise ValidationError(f"an edge from {rkref} to itself is not allowed")
            rows += (rid, target, edge.edge_type, dumps(edge.metadata), stamp, self.actor)
            self._emit(conn, "edge.created", rkref, target=str(edge.target), edge_type=edge.edge_type)
        conn.execute(
            "INSERT INTO edges (source_id, target_id, edge_type, metadata, created_at, author) VALUES "
            + ",".join(["(?,?,?,?,?,?)"] * len(spec.edges)),
            rows,
        )

    def _revision_records(self, conn: Connection, ids: Sequence[int]) -> dict[int, RevisionRecord]:
        """The records of revisions by id, in one statement per 500."""
        by_id: dict[int, RevisionRecord] = {}
        for chunk in chunks(sorted(set(ids)), 500):
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(self._revisions_sql + f" WHERE r.id IN ({marks})", chunk):
                by_id[row[0]] = self._to_revision(row)
        return by_id

    def get_revision(self, kref: Kref) -> RevisionRecord:
        with self._read() as conn:
            return self._revision_record(conn, self._revision_id(conn, kref))

    def batch_get_revisions(self, krefs: Sequence[Kref]) -> list[RevisionRecord | None]:
        """Krefs by revision number and by tag go to the engine as two joins over a table of
        requests (as ``resolve_many``: a scene's inventory is thousands of them); time-locked
        krefs, and any that are not of an item (for their own error), one by one."""
        ids: list[int | None] = [None] * len(krefs)
        by_number, by_tag, one_by_one = [], [], []
        for idx, k in enumerate(krefs):
            p = k.parts
            if p.item_name is None or p.time is not None:
                one_by_one.append(idx)
                continue
            path = str.partition(k, "?")[0][len(SCHEME) :]
            if p.revision is not None:
                by_number.append((idx, path, p.revision, None))
            else:
                by_tag.append((idx, path, p.tag or LATEST, None))
        with self._read() as conn:
            for rows, numbers, join in (
                (by_number, True, "JOIN revisions r ON r.item_id = i.id AND r.number = q.sel"),
                (by_tag, False, "JOIN tags t ON t.item_id = i.id AND t.tag = q.sel"
                 " JOIN revisions r ON r.id = t.revision_id"),
            ):
                if rows:
                    table, params = self._request_table(conn, rows, numbers)
                    sql = f"SELECT q.idx, r.id FROM {table} JOIN items i ON i.path = q.path {join}"
                    for idx, rid in conn.execute(sql, params).fetchall():
                        ids[idx] = rid
            for idx in one_by_one:
                with contextlib.suppress(NotFoundError):
                    ids[idx] = self._select_revision_id(conn, krefs[idx])
            by_id = self._revision_records(conn, [i for i in ids if i is not None])
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
