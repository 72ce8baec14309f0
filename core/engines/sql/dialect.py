"""What an SQL engine supplies: the one place where SQLite and PostgreSQL differ.

Every concern of :class:`~splice.engines.sql.SQLBackend` is written once, in SQL
both databases run, with ``?`` placeholders; it reaches the database only
through these hooks. An engine (``sqlite.py``, ``postgres.py``) subclasses
``SQLBackend`` and fills in each of them: connections and transactions
(:meth:`_write`, :meth:`_read`, :meth:`_read_one`, :meth:`close`), the dialect pieces
(``TAGS_AGG``, :meth:`_insert`, :meth:`_name_glob`, :meth:`_request_table`) and how a
stream waits for the next event (:meth:`_announce`, :meth:`_wait`). Some have a default
written in SQL both run, which an engine may replace to save statements or round trips
(:meth:`_read_one`, :meth:`_next_number`, :meth:`_new_revision`).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

Connection = Any  # a DB-API connection whose execute() takes '?' SQL and returns a cursor
INSERT_REVISION = (
    "INSERT INTO revisions (item_id, number, metadata, created_at, author, default_artifact, published)"
)


class SQLDialect:
    """The hooks an SQL engine implements; nothing else in the package is per engine."""

    url: str
    actor: str
    TAGS_AGG = "group_concat(tag, ',')"  # the tags of a revision as one comma-separated text

    def _write(self) -> AbstractContextManager[Connection]:
        """A write transaction, serialized with every other writer of the store. It calls
        :meth:`_flush_events` before committing and :meth:`_drop_events` on failure."""
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[Connection]:
        """A consistent snapshot for reads of several statements (reentrant)."""
        raise NotImplementedError

    def _read_one(self) -> AbstractContextManager[Connection]:
        """A connection for a read of ONE statement, which needs no snapshot around it
        (PostgreSQL: autocommit, so no BEGIN and COMMIT round trips). Reentrant."""
        return self._read()

    def _next_number(self, conn: Connection, item_id: int) -> int:
        """Take the next revision number of an item (under the write lock) and return it."""
        conn.execute("UPDATE items SET last_number = last_number + 1 WHERE id = ?", (item_id,))
        return conn.execute("SELECT last_number FROM items WHERE id = ?", (item_id,)).fetchone()[0]

    def _new_revision(
        self, conn: Connection, path: str, values: tuple[str, str, str | None, bool]
    ) -> tuple[int, int, int] | None:
        """Take the next number of the item at ``path`` (not a bundle) and insert its revision
        with ``values`` (metadata JSON, created_at, default artifact, published); return (item
        id, revision id, number), or ``None`` when there is no such item or it is a bundle."""
        row = conn.execute("SELECT id, kind FROM items WHERE path = ?", (path,)).fetchone()
        if row is None or row[1] == "bundle":
            return None
        number = self._next_number(conn, row[0])
        metadata, stamp, default, published = values
        rid = self._insert(
            conn,
            f"{INSERT_REVISION} VALUES (?,?,?,?,?,?,?)",
            (row[0], number, metadata, stamp, self.actor, default, int(published)),
        )
        return row[0], rid, number

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

    ID_CHUNK = 500
    """How many ids :meth:`_ids_in` takes at once (old SQLite builds take 999 parameters)."""

    def _ids_in(self, column: str, ids: Sequence[int]) -> tuple[str, list[Any]]:
        """SQL true when ``column`` is one of ``ids`` (at most :attr:`ID_CHUNK`), and its
        parameters."""
        return f"{column} IN ({','.join('?' * len(ids))})", list(ids)

    def _insert_events(self, conn: Connection, sql: str, params: list[Any], announce: bool) -> None:
        """Run an INSERT of events; ``announce``: the write's last, then :meth:`_announce`."""
        conn.execute(sql, params)
        if announce:
            self._announce(conn)

    def _announce(self, conn: Connection) -> None:
        """Called once a write's events are written, before its commit (to wake listeners)."""

    def _wait(self, position: int, deadline: float | None) -> bool:
        """Sleep until an event after ``position`` is committed; ``False`` at the deadline."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError
