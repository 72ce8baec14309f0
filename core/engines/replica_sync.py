"""Keeping a replica current: fill it once from ``export_rows``, then follow the server's
event stream from the replica's cursor and re-read what each batch of events names.

An event names a node; the replica re-reads that node as it is now (an item whole, a
project or space row), so applying a batch twice, or rows newer than the batch, is
harmless: the rows only move forward. A batch and the cursor it reaches are written
in one transaction (:meth:`ReplicaStore.apply`).
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any

from ..errors import EngineError
from ..kref import Kref
from ..records import Event, StoredRow
from .replica_store import ReplicaStore

PAGE = 500  # items per export call
BATCH = 1000  # events re-read at once
ALL = "*"  # every project the caller may view
_CORE = frozenset({"project", "space", "item", "revision", "artifact", "edge", "bundle"})


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def scope_of(event: Event) -> tuple[Kref, bool] | None:
    """What an event asks the replica to re-read: ``(kref, deep)``, or None (an
    application event changes no row)."""
    namespace = event.routing_key.split(".", 1)[0]
    if namespace not in _CORE:
        return None
    p = event.kref.parts
    if p.item_name is None:
        return Kref("kref://" + "/".join((p.project, *p.spaces))), False
    return event.kref.base, False


class Syncer:
    """Fills the replica and applies events to it; tracks how current it is."""

    def __init__(self, remote: Any, store: ReplicaStore, projects: Sequence[str] | None) -> None:
        self.remote, self.store = remote, store
        state = store.state()
        self.held: set[str] | str = (
            (ALL if projects is None else set(projects))
            if "projects" not in state
            else _held(state["projects"])
        )
        if projects is not None:
            self.held = set(projects) | (set() if self.held == ALL else self.held)
        self.applied = int(state.get("cursor", -1))  # -1: never filled
        self.known_head = max(self.applied, 0)
        self.last_sync: str | None = state.get("synced_at")
        self.online: bool | None = None  # unknown until the server is asked
        self.stale_since: float | None = None
        self.changed = threading.Condition()
        self.on_online: Callable[[], None] | None = None  # called when the server is reached again
        self._apply_lock = threading.Lock()

    # -- state ------------------------------------------------------------------
    def holds(self, project: str) -> bool:
        return self.held == ALL or project in self.held

    def mark(self, online: bool) -> None:
        with self.changed:
            back = online and self.online is not True
            if online:
                self.stale_since = None
            elif self.online is not False or self.stale_since is None:
                self.stale_since = time.time()
            self.online = online
            self.changed.notify_all()
        if back and self.on_online is not None:  # outside the lock: it may start a replay
            self.on_online()

    def server_head(self) -> int:
        """The server's event cursor now (one round trip); marks online or offline."""
        try:
            cursor, _ = self.remote.export_rows([], False, None, None)
        except EngineError:
            self.mark(False)
            raise
        self.mark(True)
        head = int(cursor)
        with self.changed:
            self.known_head = max(self.known_head, head)
        return head

    def _advance(self, cursor: int, state: dict[str, str]) -> None:
        with self.changed:
            if cursor > self.applied:
                self.applied = cursor
            self.known_head = max(self.known_head, self.applied)
            if self.applied >= self.known_head:
                self.last_sync = state.get("synced_at", _now())
            self.changed.notify_all()

    def wait_for(self, cursor: int, timeout: float) -> bool:
        """Wait until the replica has applied ``cursor``; False at the timeout."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.applied < cursor:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True

    # -- fill -------------------------------------------------------------------
    def fill(self) -> int:
        """Copy every held project whole; then the projects their edges and bundles reach
        (when only some are held). Returns the rows written."""
        names = [p.name for p in self.remote.list_projects()] if self.held == ALL else sorted(self.held)
        written, done, first = 0, set(), None
        gone = set(self.store.projects()) - set(names) if self.held == ALL else set()
        if gone:  # projects deleted (or hidden) on the server since: removed here
            self.store.apply([(Kref(f"kref://{n}"), False) for n in sorted(gone)], [], {})
        while names:
            state: dict[str, str] = {"synced_at": _now(), "filled_at": _now()}
            rows, reached = self._fill_projects(names, state, first is None)
            first = first if first is not None else int(state["cursor"])
            written += rows
            done |= set(names)
            names = sorted(reached - done) if self.held != ALL else []
            if self.held != ALL:
                self.held |= set(names)
        held = {"projects": json.dumps(ALL if self.held == ALL else sorted(self.held))}
        if first is None:  # nothing to copy: the replica is current as of the head now
            first = self.server_head()
            held.update(cursor=str(first), synced_at=_now(), filled_at=_now())
        self.store.set_state(held)
        self._advance(first, {})
        return written

    def _fill_projects(self, names: list[str], state: dict[str, str], first: bool) -> tuple[int, set[str]]:
        """One transaction: the projects ``names`` whole and, on the first fill, the cursor
        as of its first page (the oldest: replaying from it brings later fills forward)."""
        krefs = [Kref(f"kref://{n}") for n in names]
        reached: set[str] = set()

        def pages() -> Iterator[list[StoredRow]]:
            for cursor, page in self._export(krefs, True):
                if first and "cursor" not in state:
                    state["cursor"] = cursor  # written with the rows, when they are
                reached.update(r.other.project for r in page if r.other is not None)
                yield page

        rows = self.store.apply([(k, True) for k in krefs], pages(), state)
        return rows, reached

    def _export(self, krefs: list[Kref], deep: bool) -> Iterator[tuple[str, list[StoredRow]]]:
        """``export_rows`` page after page (pages of PAGE items)."""
        after = None
        while True:
            cursor, rows = self.remote.export_rows(krefs, deep, after, PAGE)
            yield cursor, rows
            items = [r.kref for r in rows if r.table == "items"]
            if len(items) < PAGE:
                return
            after = items[-1]

    # -- events -------------------------------------------------------------------
    def apply_events(self, events: list[Event]) -> int:
        """Re-read what ``events`` name and record the last one's cursor; one transaction."""
        if not events:
            return 0
        scopes: dict[Kref, bool] = {}
        for event in events:
            scope = scope_of(event)
            if scope is None:
                continue
            project = scope[0].project
            if not self.holds(project):
                continue
            scopes[scope[0]] = scope[1]
        cursor = max(int(e.cursor) for e in events)
        state = {"cursor": str(cursor), "synced_at": _now()}
        with self._apply_lock:
            if cursor <= self.applied:
                return 0  # applied already (a stream resent it)
            krefs = list(scopes)
            pages: Iterator[list[StoredRow]] = iter(())
            if krefs:
                pages = (page for part in _parts(krefs, 1000) for _, page in self._export(part, False))
            self.store.apply(list(scopes.items()), pages, state)
            self._advance(cursor, state)
        return len(events)

    def catch_up(self, until: int, idle: float = 2.0) -> int:
        """Follow the stream from the replica's cursor until ``until`` is applied (or no
        event came for ``idle`` seconds); returns the events applied."""
        count = 0
        if self.applied >= until:
            return 0
        stream = self.remote.event_stream(None, None, str(self.applied), False, None, idle)
        batch: list[Event] = []
        try:
            for event in stream:
                batch.append(event)
                if len(batch) >= BATCH or int(event.cursor) >= until:
                    count += self.apply_events(batch)
                    batch = []
                if int(event.cursor) >= until:
                    break
            count += self.apply_events(batch)
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        return count


def _held(text: str) -> set[str] | str:
    value = json.loads(text)
    return ALL if value == ALL else set(value)


def _parts(values: list, size: int) -> Iterator[list]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


class Follower:
    """The live part: a reader thread puts the server's events on a queue, an applier
    thread applies them in batches. Offline, both retry from the replica's cursor."""

    def __init__(self, syncer: Syncer, retry: float = 0.5) -> None:
        self.syncer = syncer
        self.queue: queue.Queue[Event] = queue.Queue()
        self.idle = threading.Event()  # set while the queue is empty and nothing is applying
        self.idle.set()
        self.last_event = 0.0  # monotonic time the last event was heard
        self._stop = threading.Event()
        self._retry = retry
        self._stream: Any = None
        self._threads = [
            threading.Thread(target=self._read, name="splice-replica-read", daemon=True),
            threading.Thread(target=self._apply, name="splice-replica-apply", daemon=True),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        stream, self._stream = self._stream, None
        if stream is not None:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _read(self) -> None:
        pause = self._retry
        position = self.syncer.applied
        while not self._stop.is_set():
            try:
                self._stream = self.syncer.remote.event_stream(None, None, str(position), False, None, None)
                self.syncer.mark(True)
                pause = self._retry
                for event in self._stream:
                    position = int(event.cursor)
                    self.last_event = time.monotonic()
                    self.idle.clear()
                    self.queue.put(event)
                    if self._stop.is_set():
                        return
            except Exception:  # the server is away (or answered an error): offline, retry
                if self._stop.is_set():
                    return
                self.syncer.mark(False)
            position = max(position, self.syncer.applied)
            self._stop.wait(pause)
            pause = min(pause * 2, 5.0)

    def _apply(self) -> None:
        pending: list[Event] = []
        while not self._stop.is_set():
            if not pending:
                try:
                    pending.append(self.queue.get(timeout=0.2))
                except queue.Empty:
                    self.idle.set()
                    continue
            while len(pending) < BATCH:
                try:
                    pending.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self.syncer.apply_events(pending)
                pending = []
            except Exception:  # cannot re-read from the server now: keep the batch, retry
                self.syncer.mark(False)
                self._stop.wait(self._retry)
                continue
            if self.queue.empty():
                self.idle.set()
