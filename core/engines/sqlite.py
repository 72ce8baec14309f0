"""The embedded engine: one SQLite file, WAL, one transaction per operation.

Many processes may share the file: writes take SQLite's write lock at once
(``BEGIN IMMEDIATE``) and wait for it (``busy_timeout``), so revision numbers
stay gapless and nothing is lost. Each thread gets its own connection.
Everything else is :class:`~splice.engines.sql.SQLBackend`; this module fills in
the hooks of :mod:`splice.engines.sql.dialect`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..errors import ValidationError
from .sql import SQLBackend
from .sqlite_schema import migrate


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite:///abs/path``, ``sqlite://relative`` or plain path URL."""
    if url.startswith("sqlite:"):
        parsed = urlparse(url)
        text = unquote((parsed.netloc or "") + parsed.path)
        if not text:
            raise ValidationError(f"SQLite URL {url!r} names no file: use sqlite:///path/to/file.db")
        if text.startswith("//"):  # sqlite:////abs/path: one root, not POSIX's "//" prefix
            text = "/" + text.lstrip("/")
        return Path(text)
    return Path(url)


class SQLiteBackend(SQLBackend):
    """The embedded engine behind :class:`~splice.backend.Backend`."""

    def __init__(self, url: str, actor: str, *, busy_timeout: float = 60.0) -> None:
        super().__init__(url, actor)
        self.path = sqlite_path(url)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._busy_ms = int(busy_timeout * 1000)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        migrate(self._conn())

    # -- connections and transactions -----------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=self._busy_ms / 1000
            )
            conn.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        if conn.in_transaction:  # reentrant, as PostgreSQL's: the outer write commits
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            self._flush_events(conn)
        except BaseException:
            self._drop_events()
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                with suppress(sqlite3.ProgrammingError):
                    conn.close()
            self._all.clear()
        self._local = threading.local()

    # -- dialect ----------------------------------------------------------
    def _insert(self, conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> int:
        return conn.execute(sql, params).lastrowid  # type: ignore[return-value]

    def _name_glob(self, pattern: str) -> tuple[str, Any]:
        return "name GLOB ?", pattern

    def _request_table(
        self, conn: sqlite3.Connection, rows: list[tuple[int, str, Any, str | None]], numbers: bool
    ) -> tuple[str, list[Any]]:
        # a temporary table: 10,000 krefs are more parameters than old SQLite builds take
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS resolve_req (idx INTEGER, path TEXT, sel, art TEXT)")
        conn.execute("DELETE FROM temp.resolve_req")
        conn.executemany("INSERT INTO temp.resolve_req VALUES (?,?,?,?)", rows)
        return "temp.resolve_req q", []

    def _wait(self, position: int, deadline: float | None) -> bool:
        # SQLite has no notifications: poll the log's head (one indexed read), backing off
        # to 20 ms, so a subscriber hears of a commit within about that
        pause = 0.002
        while self._head() <= position:
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(pause)
            pause = min(pause * 2, 0.02)
        return True
