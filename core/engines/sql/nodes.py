"""Projects, spaces and items: the containers a revision lives in."""

from __future__ import annotations

import json

from ...errors import AlreadyExistsError, NotFoundError, ValidationError
from ...kref import Kref
from ...records import ItemQuery, ItemRecord, Metadata, ProjectRecord, SpaceRecord
from ...times import now_stamp
from .base import SQLBase, dumps, kref_of
from .dialect import Connection


class Nodes(SQLBase):
    """Create, get, list and find projects, spaces and items."""

    # -- projects ---------------------------------------------------------
    def create_project(self, name: str, description: str, metadata: Metadata) -> ProjectRecord:
        stamp = now_stamp()
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM projects WHERE name = ?", (name,)).fetchone():
                raise AlreadyExistsError(f"project {name!r} already exists")
            conn.execute(
                "INSERT INTO projects (name, description, metadata, created_at, author) VALUES (?,?,?,?,?)",
                (name, description, dumps(metadata), stamp, self.actor),
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

    def _row_at(self, columns: str, path: str, what: str) -> tuple:
        """The row of ``columns`` (a SELECT of spaces or items) at ``path``; ``what``
        names the node when there is none."""
        with self._read() as conn:
            row = conn.execute(columns + " WHERE path = ?", (path,)).fetchone()
        if row is None:
            raise NotFoundError(f"{what} does not exist")
        return row

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
                (project_id, path, parent_path, name, dumps(metadata), stamp, self.actor),
            )
            self._emit(conn, "space.created", kref)
        return SpaceRecord(kref, name, dict(metadata), stamp, self.actor)

    _SPACE_COLUMNS = "SELECT path, name, metadata, created_at, author FROM spaces"

    @staticmethod
    def _space(row: tuple) -> SpaceRecord:
        path, name, meta, created, author = row
        return SpaceRecord(kref_of(path), name, json.loads(meta), created, author)

    def get_space(self, kref: Kref) -> SpaceRecord:
        if not kref.is_space:
            raise ValidationError(f"{kref} is not a space kref (kref://project/space[/…])")
        return self._space(self._row_at(self._SPACE_COLUMNS, kref.path, f"space {kref}"))

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
        return ItemRecord(kref_of(path), name, kind, json.loads(meta), created, author, bool(deprecated))

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
            (project_id, kref.path, parent_path, kref.item_name, kref.kind, dumps(metadata), stamp,
             self.actor),
        )
        self._emit(conn, "item.created", kref, kind=kref.kind)

    def get_item(self, kref: Kref) -> ItemRecord:
        if not kref.is_item:
            raise ValidationError(f"{kref} names no item: an item kref ends in name.kind")
        return self._item(self._row_at(self._ITEM_COLUMNS, kref.path, f"item {kref.base}"))

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
