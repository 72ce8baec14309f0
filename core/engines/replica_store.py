"""The replica's file: an embedded store holding a server's rows, and the importer that
writes them.

Reads go to :attr:`ReplicaStore.engine` (the embedded engine over the file). Rows come
from ``Backend.export_rows`` with the server's ids and are written by
:meth:`ReplicaStore.apply` on a connection of its own, in ONE transaction together
with the sync state (the event cursor they cover): a crash, or an error half-way,
leaves the file at the old cursor with the old rows, and replaying from there only
re-reads what the events name, so nothing is skipped or applied twice.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from ..kref import Kref
from ..records import StoredRow
from .sql.base import dumps
from .sql.export import COLUMNS, WITHOUT_METADATA
from .sqlite import SQLiteBackend

# the order rows are written in: edges last, once both of their ends may be here
_ORDER = ("projects", "spaces", "items", "revisions", "artifacts", "tags", "tag_history", "bundle_changes")
_STATE = "CREATE TABLE IF NOT EXISTS replica_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)"


def _insert_sql(table: str) -> str:
    columns = list(COLUMNS[table]) + ([] if table in WITHOUT_METADATA else ["metadata"])
    marks = ",".join("?" * len(columns))
    if table == "edges":  # an edge whose other end is not here yet comes with that end
        return (
            f"INSERT OR REPLACE INTO edges ({','.join(columns)}) SELECT {marks}"
            " WHERE EXISTS (SELECT 1 FROM revisions WHERE id = ?)"
            " AND EXISTS (SELECT 1 FROM revisions WHERE id = ?)"
        )
    return f"INSERT OR REPLACE INTO {table} ({','.join(columns)}) VALUES ({marks})"


_INSERTS = {table: _insert_sql(table) for table in COLUMNS}


class ReplicaStore:
    """One replica file: :attr:`engine` reads it; :meth:`apply` writes a server's rows."""

    def __init__(self, path: str | Path, actor: str) -> None:
        self.path = Path(path)
        self.engine = SQLiteBackend(f"sqlite:///{self.path}", actor)  # creates and migrates the file
        # the importer's own connection: foreign keys off, as rows of one item arrive together
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=60)
        self._conn.execute("PRAGMA busy_timeout = 60000")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute(_STATE)
        self._lock = threading.Lock()  # one apply at a time

    def close(self) -> None:
        with suppress(sqlite3.ProgrammingError):
            self._conn.close()
        self.engine.close()

    # -- the sync state ---------------------------------------------------------
    def state(self) -> dict[str, str]:
        with self._lock:
            return dict(self._conn.execute("SELECT key, value FROM replica_state").fetchall())

    def set_state(self, values: Mapping[str, str]) -> None:
        with self._lock, self._transaction() as conn:
            self._write_state(conn, values)

    @staticmethod
    def _write_state(conn: sqlite3.Connection, values: Mapping[str, str]) -> None:
        conn.executemany(
            "INSERT INTO replica_state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    def projects(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT name FROM projects ORDER BY name")]

    # -- applying rows ------------------------------------------------------------
    def apply(
        self,
        scopes: Sequence[tuple[Kref, bool]],
        pages: Iterable[list[StoredRow]],
        state: Mapping[str, str],
    ) -> int:
        """Make the nodes of ``scopes`` (``(kref, deep)`` as ``export_rows`` took them) what
        ``pages`` (its answers, page after page) say, and record ``state``; all or nothing.
        Returns the number of rows written."""
        written = 0
        with self._lock, self._transaction() as conn:
            first = True
            for page in pages:
                if first:
                    self._clear(conn, scopes, page)
                    first = False
                written += self._insert(conn, page)
            if first:  # no page at all: every scope is gone
                self._clear(conn, scopes, [])
            self._write_state(conn, state)
        return written

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _insert(self, conn: sqlite3.Connection, rows: list[StoredRow]) -> int:
        by_table: dict[str, list[tuple]] = {}
        for row in rows:
            values = row.values if row.table in WITHOUT_METADATA else (*row.values, dumps(row.metadata))
            if row.table == "edges":
                values = (*values, row.values[1], row.values[2])
            by_table.setdefault(row.table, []).append(values)
        for table in (*_ORDER, "edges"):
            if table in by_table:
                conn.executemany(_INSERTS[table], by_table[table])
        return len(rows)

    # -- clearing what a scope's rows replace ---------------------------------------------
    def _clear(
        self, conn: sqlite3.Connection, scopes: Sequence[tuple[Kref, bool]], page: list[StoredRow]
    ) -> None:
        returned = {
            (row.table, str(row.kref)): row.values[0] for row in page if row.table in ("projects", "spaces")
        }
        items: list[str] = []
        for kref, deep in scopes:
            p = kref.parts
            if p.item_name is not None:
                items.append(kref.path)
            elif not p.spaces:
                self._clear_node(conn, "projects", "name", p.project, returned, deep)
            else:
                self._clear_node(conn, "spaces", "path", kref.path, returned, deep)
        if items:
            self._delete_items(conn, "path IN (SELECT value FROM json_each(?))", [json.dumps(items)])

    def _clear_node(
        self, conn: sqlite3.Connection, table: str, key: str, value: str, returned: dict, deep: bool
    ) -> None:
        """A project or space: everything under it when ``deep`` or when it is gone (or is
        another node now, made again under the same name); else its row is only updated."""
        row = conn.execute(f"SELECT id FROM {table} WHERE {key} = ?", (value,)).fetchone()
        if row is None:
            return
        kref = f"kref://{value}"
        if not deep and returned.get((table, kref)) == row[0]:
            return
        if table == "projects":
            self._delete_items(conn, "project_id = ?", [row[0]])
            conn.execute("DELETE FROM spaces WHERE project_id = ?", (row[0],))
            conn.execute("DELETE FROM projects WHERE id = ?", (row[0],))
        else:
            lo, hi = value + "/", value + "0"
            self._delete_items(conn, "path > ? AND path < ?", [lo, hi])
            conn.execute("DELETE FROM spaces WHERE (path > ? AND path < ?) OR id = ?", (lo, hi, row[0]))

    @staticmethod
    def _delete_items(conn: sqlite3.Connection, where: str, args: list) -> None:
        """Items and everything of theirs, the edges from and to their revisions included."""
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS gone_items (id INTEGER PRIMARY KEY)")
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS gone_revisions (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM temp.gone_items")
        conn.execute("DELETE FROM temp.gone_revisions")
        conn.execute(f"INSERT INTO temp.gone_items SELECT id FROM items WHERE {where}", args)
        conn.execute(
            "INSERT INTO temp.gone_revisions SELECT id FROM revisions"
            " WHERE item_id IN (SELECT id FROM temp.gone_items)"
        )
        revs, items = "(SELECT id FROM temp.gone_revisions)", "(SELECT id FROM temp.gone_items)"
        conn.execute(f"DELETE FROM edges WHERE source_id IN {revs}")
        conn.execute(f"DELETE FROM edges WHERE target_id IN {revs}")
        conn.execute(f"DELETE FROM artifacts WHERE revision_id IN {revs}")
        conn.execute(f"DELETE FROM tags WHERE item_id IN {items}")
        conn.execute(f"DELETE FROM tag_history WHERE item_id IN {items}")
        conn.execute(f"DELETE FROM bundle_changes WHERE bundle_item_id IN {items}")
        conn.execute(f"DELETE FROM revisions WHERE item_id IN {items}")
        conn.execute(f"DELETE FROM items WHERE id IN {items}")
