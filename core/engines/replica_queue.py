"""The replica's queue of offline writes: durable, in order, each with its idempotency key.

A write made while the server cannot be reached is kept in the replica file's table
``replica_queue`` (never in the tables that mirror the server, whose ids are the
server's): its method, its arguments as the wire encodes them (:mod:`splice.wire`), a
uuid4 idempotency key, when it was queued, its state (``queued`` or ``refused``), the
last error, and what the replica saw when it was queued (``expect``: the revision that
held a tag being moved), so a replay can tell that someone moved it meanwhile.

A write leaves the table when the server has made it (:meth:`WriteQueue.done`); the key
makes that safe to repeat: a write sent, made, and not yet marked done (a process killed
in between) is answered from the server's store of keys when sent again.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..kref import Kref
from ..times import now_stamp

QUEUED, REFUSED = "queued", "refused"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS replica_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    method TEXT NOT NULL,
    args TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    queued_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    expect TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error TEXT,
    tried_at TEXT
)
"""
_COLUMNS = "id, method, args, key, queued_at, state, expect, attempts, error_code, error, tried_at"
# writes that make a node: a later write on that node depends on them
_MAKERS = frozenset(
    {
        "create_project",
        "create_space",
        "create_item",
        "create_revision",
        "batch_create_revisions",
        "create_artifact",
        "add_bundle_member",
        "remove_bundle_member",
    }
)


@dataclass(frozen=True)
class QueuedWrite:
    """One write of the queue; ``args`` as the wire encodes them."""

    id: int
    method: str
    args: dict[str, Any]
    key: str
    queued_at: str
    state: str
    expect: dict[str, Any] | None
    attempts: int
    error_code: str | None
    error: str | None
    tried_at: str | None

    @property
    def what(self) -> str:
        """What it writes, for people: the method and the krefs it names."""
        if self.method == "batch_create_revisions":
            krefs, verb = [s["item"] for s in self.args["specs"]], "publish of"
        else:
            krefs, verb = self.krefs(), self.method
        shown = ", ".join(krefs[:3]) + (f" and {len(krefs) - 3} more" if len(krefs) > 3 else "")
        return f"{verb} {shown}".strip()

    def krefs(self) -> list[str]:
        """Every kref in its arguments, in order (a publish's items first)."""
        items = [s["item"] for s in self.args.get("specs", [])]
        return list(dict.fromkeys([*items, *_krefs(self.args)]))

    def made(self) -> set[str]:
        """The paths of the nodes it makes (for a maker: see :data:`_MAKERS`)."""
        a = self.args
        if self.method not in _MAKERS:
            return set()
        if self.method == "create_project":
            return {a["name"]}
        if self.method == "create_space":
            return {f"{Kref(a['parent']).path}/{a['name']}"}
        if self.method == "create_item":
            return {f"{Kref(a['parent']).path}/{a['name']}.{a['kind']}"}
        if self.method == "batch_create_revisions":
            return {Kref(s["item"]).path for s in a["specs"]}
        return {Kref(k).path for k in self.krefs()[:1]}

    def touches(self) -> set[str]:
        paths = {Kref(k).path for k in self.krefs()}
        return paths | self.made()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "method": self.method,
            "what": self.what,
            "key": self.key,
            "queued_at": self.queued_at,
            "state": self.state,
            "attempts": self.attempts,
            "error_code": self.error_code,
            "error": self.error,
            "tried_at": self.tried_at,
        }


def _krefs(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value.startswith("kref://"):
            yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _krefs(v)
    elif isinstance(value, list):
        for v in value:
            yield from _krefs(v)


def depends_on(write: QueuedWrite, refused: list[QueuedWrite]) -> QueuedWrite | None:
    """The refused write that made a node ``write`` touches (the node, or one above it), if any:
    such a write is reported with it, not sent blindly."""
    touched = write.touches()
    for other in refused:
        for made in other.made():
            if any(path == made or path.startswith(made + "/") for path in touched):
                return other
    return None


class WriteQueue:
    """The ``replica_queue`` table of a replica file, on a connection of its own."""

    def __init__(self, path: str | Path) -> None:
        self._conn = sqlite3.connect(Path(path), isolation_level=None, check_same_thread=False, timeout=60)
        self._conn.execute("PRAGMA busy_timeout = 60000")
        self._conn.execute(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        with suppress(sqlite3.ProgrammingError):
            self._conn.close()

    def _rows(self, where: str, args: tuple = ()) -> list[QueuedWrite]:
        with self._lock:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM replica_queue {where} ORDER BY id", args)
            return [_write(r) for r in rows.fetchall()]

    # -- adding -----------------------------------------------------------------
    def add(self, method: str, args: dict[str, Any], expect: dict[str, Any] | None = None) -> QueuedWrite:
        """Queue a write (committed before this returns: durable)."""
        return self.add_with_key(method, args, str(uuid.uuid4()), expect)

    def add_with_key(
        self, method: str, args: dict[str, Any], key: str, expect: dict[str, Any] | None = None
    ) -> QueuedWrite:
        with self._lock:
            cur = self._conn.execute(
                "INSERT INTO replica_queue (method, args, key, queued_at, expect) VALUES (?,?,?,?,?)",
                (method, _dumps(args), key, now_stamp(), None if expect is None else _dumps(expect)),
            )
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM replica_queue WHERE id = ?", (cur.lastrowid,)
            ).fetchone()
        return _write(row)

    # -- reading ------------------------------------------------------------------
    def pending(self) -> list[QueuedWrite]:
        return self._rows("WHERE state = ?", (QUEUED,))

    def refused(self) -> list[QueuedWrite]:
        return self._rows("WHERE state = ?", (REFUSED,))

    def all(self) -> list[QueuedWrite]:
        return self._rows("")

    def get(self, write_id: int) -> QueuedWrite | None:
        found = self._rows("WHERE id = ?", (write_id,))
        return found[0] if found else None

    def counts(self) -> tuple[int, int]:
        """``(queued, refused)``."""
        with self._lock:
            rows = dict(self._conn.execute("SELECT state, COUNT(*) FROM replica_queue GROUP BY state"))
        return rows.get(QUEUED, 0), rows.get(REFUSED, 0)

    # -- outcomes -------------------------------------------------------------------
    def done(self, write_id: int) -> None:
        """The server made it: it leaves the queue."""
        with self._lock:
            self._conn.execute("DELETE FROM replica_queue WHERE id = ?", (write_id,))

    def refuse(self, write_id: int, code: str, message: str) -> None:
        with self._lock:
            self._conn.execute(
                "UPDATE replica_queue SET state = ?, error_code = ?, error = ?, tried_at = ?,"
                " attempts = attempts + 1 WHERE id = ?",
                (REFUSED, code, message, now_stamp(), write_id),
            )

    def failed(self, write_id: int, code: str, message: str) -> int:
        """A try that did not reach a verdict (the server away, a store unreachable): it
        stays queued; returns its number of tries."""
        with self._lock:
            self._conn.execute(
                "UPDATE replica_queue SET error_code = ?, error = ?, tried_at = ?, attempts = attempts + 1"
                " WHERE id = ?",
                (code, message, now_stamp(), write_id),
            )
            row = self._conn.execute(
                "SELECT attempts FROM replica_queue WHERE id = ?", (write_id,)
            ).fetchone()
        return row[0] if row else 0

    def drop(self, write_id: int) -> QueuedWrite | None:
        """Discard a refused write; None if there is no such write."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM replica_queue WHERE id = ?", (write_id,)
            ).fetchone()
            if row is None or row[5] != REFUSED:
                return None if row is None else _write(row)
            self._conn.execute("DELETE FROM replica_queue WHERE id = ?", (write_id,))
        return _write(row)

    def retry(self, write_id: int) -> QueuedWrite | None:
        """Put a refused write back in the queue, in its place (same key)."""
        with self._lock:
            self._conn.execute(
                "UPDATE replica_queue SET state = ?, expect = NULL WHERE id = ? AND state = ?",
                (QUEUED, write_id, REFUSED),
            )
        return self.get(write_id)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _write(row: tuple) -> QueuedWrite:
    return QueuedWrite(
        id=row[0],
        method=row[1],
        args=json.loads(row[2]),
        key=row[3],
        queued_at=row[4],
        state=row[5],
        expect=json.loads(row[6]) if row[6] else None,
        attempts=row[7],
        error_code=row[8],
        error=row[9],
        tried_at=row[10],
    )
