"""Artifacts: the named file locations of a revision, and resolving krefs to them."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ...errors import AlreadyExistsError, NotFoundError
from ...kref import SCHEME, Kref
from ...records import ArtifactRecord, ArtifactSpec, RevisionRecord
from ...times import now_stamp
from .base import LATEST, SQLBase, dumps
from .dialect import Connection

_SCHEME = len(SCHEME)


class Artifacts(SQLBase):
    """Add, get and list artifacts, pick the default one, resolve krefs in bulk."""

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
            (rid, spec.name, spec.location, dumps(spec.metadata), stamp, self.actor),
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
        rkref = Kref.stored(path, number)
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
            path = str.partition(k, "?")[0][_SCHEME:]  # k.path, without making the base kref
            if p.time is not None:
                by_time.append((idx, k))
            elif p.revision is not None:
                by_number.append((idx, path, p.revision, p.artifact))
            else:
                by_tag.append((idx, path, p.tag or LATEST, p.artifact))
        # one statement (every single resolve) needs no snapshot around it
        one = not by_time and not (by_number and by_tag)
        with self._read_one() if one else self._read() as conn:
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
                ).fetchall():
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
