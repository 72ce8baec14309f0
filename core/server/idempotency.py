"""``Idempotency-Key``: a write sent again with the same key is answered, not made again.

Any ``@write`` route takes the header (a replica replaying its offline writes sends one
per write; a client retrying after a lost answer may too). The first request with a key
runs the write and stores the answer under ``(caller, key)`` in the tenant's own store
(its ``idempotency`` table), IN THE SAME TRANSACTION as the write: either both are
there or neither, so a server that dies half-way never leaves a write without its key.
A later request with that key writes nothing and gets the stored answer (and the header
``Idempotent-Replayed: true``); the same key with another method or body is refused
(409 :class:`~splice.errors.ConflictError`). Requests with one key are serialized by the
store's write lock. A refused write stores nothing: sent again, it is judged again.

Keys are kept :data:`RETENTION` (30 days), then forgotten. An engine without SQL
transactions (``_write``) keeps them in this process's memory only.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import ConflictError, ValidationError
from ..times import now_stamp, to_stamp

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
RETENTION = timedelta(days=30)
_PREFIX = "rpc:"  # beside batch_create_revisions' own keys in the same table
_PRUNE_EVERY = 3600.0  # seconds between prunes, per process
_MAX_KEY = 200
_MEMORY_MAX = 10_000


def check_key(key: str) -> str:
    if not (0 < len(key) <= _MAX_KEY) or not key.isascii() or not key.isprintable():
        raise ValidationError(
            f"{HEADER} {key[:40]!r} is not allowed: 1 to {_MAX_KEY} printable ASCII characters (a UUID)"
        )
    return key


def digest(method: str, body: Any) -> str:
    canonical = json.dumps([method, body], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class _Memory:
    """Keys of engines without SQL transactions: bounded, this process only."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answers: OrderedDict[str, tuple[str, str, float]] = OrderedDict()


_memory = _Memory()
_last_prune: dict[int, float] = {}


def run_once(
    engine: Any, who: str, key: str, method: str, body: Any, run: Callable[[], str]
) -> tuple[str, bool]:
    """``run()`` (the write; returns the JSON answer) once per ``(who, key)``; returns the
    answer and whether it is a stored one."""
    stored_key = f"{_PREFIX}{who}:{check_key(key)}"
    wanted = digest(method, body)
    write = getattr(engine, "_write", None)
    if write is None:
        return _run_in_memory(stored_key, key, wanted, run)
    with write() as conn:  # the engine's write, run inside, joins this transaction
        row = conn.execute("SELECT digest, result FROM idempotency WHERE key = ?", (stored_key,)).fetchone()
        if row is not None:
            _check_same(key, row[0], wanted)
            return row[1], True
        answer = run()
        conn.execute(
            "INSERT INTO idempotency (key, digest, result, created_at) VALUES (?,?,?,?)",
            (stored_key, wanted, answer, now_stamp()),
        )
        _prune(engine, conn)
    return answer, False


def _check_same(key: str, found: str, wanted: str) -> None:
    if found != wanted:
        raise ConflictError(
            f"{HEADER} {key!r} was used for another write (another method or body); "
            "use a new key for a new write"
        )


def _prune(engine: Any, conn: Any) -> None:
    """Forget keys older than RETENTION, at most once an hour per store and process."""
    now = time.monotonic()
    ident = id(getattr(engine, "_local", engine))
    if now - _last_prune.get(ident, -_PRUNE_EVERY) < _PRUNE_EVERY:
        return
    _last_prune[ident] = now
    cutoff = to_stamp(datetime.now(timezone.utc) - RETENTION)
    # the keys between "rpc:" and "rpc;" (';' follows ':'): this module's, not a batch's own
    conn.execute(
        "DELETE FROM idempotency WHERE key >= ? AND key < ? AND created_at < ?", (_PREFIX, "rpc;", cutoff)
    )


def _run_in_memory(stored_key: str, key: str, wanted: str, run: Callable[[], str]) -> tuple[str, bool]:
    with _memory.lock:  # one write at a time per process: the key's check and its write
        found = _memory.answers.get(stored_key)
        cutoff = time.time() - RETENTION.total_seconds()
        if found is not None and found[2] >= cutoff:
            _check_same(key, found[0], wanted)
            return found[1], True
        answer = run()
        _memory.answers[stored_key] = (wanted, answer, time.time())
        while len(_memory.answers) > _MEMORY_MAX:
            _memory.answers.popitem(last=False)
    return answer, False
