"""Export: the stored rows of projects, spaces and items, for a replica to copy.

A replica (:mod:`splice.engines.replica`) fills itself from these rows and then
re-reads, item by item, what each event names. Rows keep the store's own ids, so the
replica's ids are the server's: edges, tag history and bundle changes point where they
point here. The event cursor is read first, in the same snapshot, so the rows are at
least as new as it: replaying the events after it can only bring them forward.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ...errors import ValidationError
from ...kref import Kref
from ...records import StoredRow
from .base import SQLBase, kref_of
from .dialect import Connection

# Each table's columns as exported, without ``metadata`` (sent apart: see StoredRow).
COLUMNS: dict[str, tuple[str, ...]] = {
    "projects": ("id", "name", "description", "created_at", "author"),
    "spaces": ("id", "project_id", "path", "parent_path", "name", "created_at", "author"),
    "items": (
        "id",
        "project_id",
        "path",
        "parent_path",
        "name",
        "kind",
        "created_at",
        "author",
        "deprecated",
        "last_number",
    ),
    "revisions": (
        "id",
        "item_id",
        "number",
        "created_at",
        "author",
        "published",
        "deprecated",
        "default_artifact",
    ),
    "artifacts": ("id", "revision_id", "name", "location", "created_at", "author"),
    "tags": ("item_id", "tag", "revision_id"),
    "tag_history": ("id", "item_id", "revision_id", "revision_number", "tag", "action", "at", "author"),
    "edges": ("id", "source_id", "target_id", "edge_type", "created_at", "author"),
    "bundle_changes": (
        "id",
        "bundle_item_id",
        "revision_number",
        "action",
        "member_item_id",
        "member_kref",
        "created_at",
        "author",
    ),
}
WITHOUT_METADATA = frozenset({"tags", "tag_history"})
MAX_KREFS = 1000  # krefs of one export call


def _select(table: str, alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    columns = [prefix + c for c in COLUMNS[table]]
    if table not in WITHOUT_METADATA:
        columns.append(prefix + "metadata")
    return "SELECT " + ", ".join(columns)


class Export(SQLBase):
    """``export_rows``: a replica's fill and catch-up read."""

    def export_rows(
        self, krefs: Sequence[Kref], deep: bool, after: Kref | None, limit: int | None
    ) -> tuple[str, list[StoredRow]]:
        if len(krefs) > MAX_KREFS:
            raise ValidationError(f"export_rows takes at most {MAX_KREFS} krefs at once, not {len(krefs)}")
        if after is not None and not after.is_item:
            raise ValidationError(f"after must be an item kref (the last item of a page), not {after}")
        rows: list[StoredRow] = []
        with self._read() as conn:
            cursor = str(self._head(conn))  # first: the rows read next are at least this new
            where, args, paths = [], [], []
            for kref in krefs:
                p = kref.parts
                if p.item_name is not None:
                    paths.append("/".join((p.project, *p.spaces, f"{p.item_name}.{p.kind}")))
                    continue
                project = conn.execute(
                    _select("projects") + " FROM projects WHERE name = ?", (p.project,)
                ).fetchone()
                if project is None:
                    continue
                if not p.spaces:
                    if after is None:
                        rows.append(_row("projects", Kref(f"kref://{p.project}"), project))
                        if deep:
                            rows += self._spaces(conn, "project_id = ?", [project[0]])
                    if deep:
                        where.append("project_id = ?")
                        args.append(project[0])
                    continue
                path = kref.path
                if after is None:
                    rows += self._spaces(conn, "path = ?", [path])
                    if deep:
                        rows += self._spaces(conn, "path > ? AND path < ?", [path + "/", path + "0"])
                if deep:
                    where.append("(path > ? AND path < ?)")
                    args += [path + "/", path + "0"]
            if paths:
                where.append(f"path IN ({','.join('?' * len(paths))})")
                args += paths
            if where:
                sql = _select("items") + " FROM items WHERE (" + " OR ".join(where) + ")"
                if after is not None:
                    sql += " AND path > ?"
                    args.append(after.path)
                sql += " ORDER BY path"
                if limit is not None:
                    sql += f" LIMIT {int(limit)}"
                items = conn.execute(sql, args).fetchall()
                rows += self._item_rows(conn, items)
        return cursor, rows

    def _spaces(self, conn: Connection, where: str, args: list) -> list[StoredRow]:
        found = conn.execute(_select("spaces") + f" FROM spaces WHERE {where} ORDER BY path", args)
        return [_row("spaces", kref_of(r[2]), r) for r in found]

    def _item_rows(self, conn: Connection, items: list[tuple]) -> list[StoredRow]:
        """Each item whole: its row, then its revisions', artifacts', tags', history's,
        bundle changes' and edges' rows."""
        krefs = {r[0]: kref_of(r[2]) for r in items}
        out = [_row("items", krefs[r[0]], r) for r in items]
        ids = list(krefs)
        edges: dict[int, StoredRow] = {}
        for start in range(0, len(ids), self.ID_CHUNK):
            chunk = ids[start : start + self.ID_CHUNK]
            for table, alias, sql, column in (
                ("revisions", "", " FROM revisions", "item_id"),
                ("artifacts", "a", " FROM artifacts a JOIN revisions r ON r.id = a.revision_id", "r.item_id"),
                ("tags", "", " FROM tags", "item_id"),
                ("tag_history", "", " FROM tag_history", "item_id"),
                ("bundle_changes", "", " FROM bundle_changes", "bundle_item_id"),
            ):
                clause, params = self._ids_in(column, chunk)
                item_at = 1 if table != "artifacts" else None
                if table == "artifacts":  # the item of an artifact: through its revision
                    found = conn.execute(
                        _select(table, alias) + ", r.item_id" + sql + f" WHERE {clause}", params
                    )
                    out += [_row(table, krefs[r[-1]], r[:-1]) for r in found]
                    continue
                found = conn.execute(_select(table, alias) + sql + f" WHERE {clause}", params)
                for r in found:
                    item = krefs[r[0] if table == "tags" else r[item_at]]
                    other = Kref(r[5]) if table == "bundle_changes" else None
                    out.append(_row(table, item, r, other))
            for near in ("s", "t"):  # edges from and to the items' revisions
                clause, params = self._ids_in(f"{near}.item_id", chunk)
                found = conn.execute(
                    _select("edges", "e") + ", si.path, ti.path FROM edges e"
                    " JOIN revisions s ON s.id = e.source_id JOIN items si ON si.id = s.item_id"
                    " JOIN revisions t ON t.id = e.target_id JOIN items ti ON ti.id = t.item_id"
                    f" WHERE {clause}",
                    params,
                )
                for r in found:
                    edges[r[0]] = _row("edges", kref_of(r[-2]), r[:-2], kref_of(r[-1]))
        out += edges.values()
        return out


def _row(table: str, kref: Kref, values: Sequence, other: Kref | None = None) -> StoredRow:
    if table in WITHOUT_METADATA:
        return StoredRow(table, kref, other, tuple(values), {})
    return StoredRow(table, kref, other, tuple(values[:-1]), json.loads(values[-1]))
