"""A live local replica of a splice server: reads from an embedded copy, writes to the server.

``splice.connect("http://host:8765", token=…, replica=True)`` (or ``$SPLICE_REPLICA=1``)
gives a :class:`ReplicaBackend`: the server (a
:class:`~splice.engines.remote.RemoteBackend`) and an embedded SQLite file
(:class:`~.replica_store.ReplicaStore`, by default one per server, tenant and user in the
per-user data folder) filled once and kept current from the server's event stream
(:mod:`.replica_sync`).

- ``@read`` methods are answered by the file when the replica is current (it follows
  the live stream and has applied everything it heard, and every write made through it);
  else by the server. When the server cannot be reached they are answered by the file
  all the same, and :meth:`ReplicaBackend.sync_status` says since when and how far behind
  it may be; ``strict=True`` refuses such reads with :class:`StaleReadError` instead.
- ``@write`` methods go to the server, each with an idempotency key; the call returns
  once the replica has applied the write's events (bounded by ``write_wait``), so a read
  after a write sees it. While the server cannot be reached, a write is queued in the
  replica file (:mod:`.replica_queue`) and raises :class:`QueuedWriteError` (a publish
  reports it as queued): nothing is written yet, and the replica's reads do not show it.
  Queued writes are replayed in order (:mod:`.replica_replay`) when the server is back
  (``auto_push``), by :meth:`ReplicaBackend.push`, or before the next write, which never
  overtakes them.
- ``event_stream`` is the server's.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..backend import Backend
from ..errors import EngineError, SpliceError, ValidationError
from ..kref import Kref
from ..records import Event
from ..wire import METHODS, calls, encode_args, methods
from .replica_errors import QueuedWriteError, StaleReadError
from .replica_queue import QueuedWrite, WriteQueue
from .replica_replay import ReplayReport, replay
from .replica_store import ReplicaStore
from .replica_sync import ALL, Follower, Syncer

__all__ = [
    "QueuedWriteError",
    "ReplayReport",
    "ReplicaBackend",
    "ReplicaStatus",
    "StaleReadError",
    "default_replica_path",
]
_SERVERS = frozenset({"export_rows", "event_capabilities"})  # reads only the server answers
_QUIET = 0.2  # seconds without a new event after which a follower has heard all it will
_PROBE_EVERY = 5.0  # seconds between tries of an unreachable server by a write (no follower)


@dataclass(frozen=True, slots=True)
class ReplicaStatus:
    """How current a replica is. ``behind_by_events`` counts events of the server after the
    replica's cursor as of the last contact (it may include events of projects the caller
    cannot view); ``stale_since`` is when the server was last found unreachable."""

    url: str
    path: str
    online: bool | None  # None: not asked yet
    current: bool  # reads are answered by the file without a round trip
    live: bool  # a thread follows the stream
    cursor: str
    server_head: str
    behind_by_events: int
    last_sync: str | None  # when it last caught up with the server (UTC ISO 8601)
    stale_since: datetime | None
    stale_reads: int  # reads answered from the file while the server was away
    projects: tuple[str, ...] | str  # "*": every project the caller may view
    queued: int = 0  # writes made offline, waiting for the server
    refused: int = 0  # queued writes the server refused: `splice sync status` says why

    @property
    def summary(self) -> str:
        """One line for the artist tools: ``online``, ``offline · 20 writes queued`` …"""
        parts = ["online" if self.online else "offline" if self.online is False else "not connected yet"]
        if self.queued:
            parts.append(f"{self.queued} write{'s' if self.queued != 1 else ''} queued")
        if self.refused:
            parts.append(f"{self.refused} refused")
        return " · ".join(parts)


def _replicas_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("splice", appauthor=False)) / "replicas"


def _host_dir(url: str) -> Path:
    parts = urlsplit(url)
    return _replicas_dir() / f"{parts.scheme}-{parts.hostname}-{parts.port or 0}"


def default_replica_path(url: str, tenant: str, user: str) -> Path:
    """The replica file of a server, tenant and user under the per-user data folder."""
    return _host_dir(url) / f"{tenant}-{user}.db"


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


class _Server:
    """The server, connected at first use (a replica opens offline too)."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make, self._remote, self._lock = make, None, threading.Lock()

    @property
    def connected(self) -> Any:
        if self._remote is None:
            with self._lock:
                if self._remote is None:
                    self._remote = self._make()
        return self._remote

    def __getattr__(self, name: str) -> Any:
        return getattr(self.connected, name)

    def close(self) -> None:
        if self._remote is not None:
            self._remote.close()


class ReplicaBackend(Backend):
    """A :class:`~splice.backend.Backend`: reads from a local replica, writes to a server.

    ``path``: the replica file (default :func:`default_replica_path`); ``projects``: the
    projects to hold (default every project the caller may view; the projects their edges
    and bundles reach come too); ``live``: follow the stream in a thread (else the replica
    moves on :meth:`sync` and after each write); ``strict``: refuse stale reads;
    ``write_wait``: seconds a write waits for the replica to apply its events;
    ``sync_on_open``: fill or catch up before returning (``splice sync status`` does not);
    ``queue_writes``: queue writes while the server cannot be reached (else they raise
    :class:`~splice.errors.EngineError`); ``auto_push``: replay them when it is back. Other
    options go to the :class:`~splice.engines.remote.RemoteBackend`."""

    def __init__(
        self,
        url: str,
        actor: str,
        *,
        path: str | Path | None = None,
        projects: list[str] | None = None,
        live: bool = True,
        strict: bool = False,
        write_wait: float = 5.0,
        sync_on_open: bool = True,
        queue_writes: bool = True,
        auto_push: bool = True,
        token: str | None = None,
        **remote_options: Any,
    ) -> None:
        import os

        from .remote import RemoteBackend

        self.url, self.actor, self.live, self.strict = url, actor, live, strict
        self.queue_writes, self.auto_push = queue_writes, auto_push
        self._write_wait = write_wait
        self._order = threading.RLock()  # one replay or write at a time: a write never overtakes the queue
        self._pusher: threading.Thread | None = None
        self._closed = False
        self._probed = 0.0
        token = token or os.environ.get("SPLICE_TOKEN") or ""
        remote_options.setdefault("reconnect_window", 1.0)  # notice an outage in about a second
        self._server = _Server(lambda: RemoteBackend(url, actor, token=token, **remote_options))
        try:
            remote = self._server.connected
        except EngineError:
            remote = None  # offline: open the replica this token used last
        self.path = Path(path) if path is not None else self._default_path(url, token, remote)
        self.store = ReplicaStore(self.path, actor)
        self._check_owner(url, remote)
        self.queue = WriteQueue(self.path)
        self.syncer = Syncer(self._server, self.store, projects)
        self.syncer.on_online = self._server_back
        self.stale_reads = 0
        self.follower: Follower | None = None
        if remote is not None and sync_on_open:
            self._start()
        elif remote is not None:
            self.syncer.server_head()  # how far behind, without catching up
        else:
            self.syncer.mark(False)
            if self.syncer.applied < 0:
                self.store.close()
                self.queue.close()
                raise EngineError(
                    f"splice server {url} did not answer, and no replica of it is at {self.path}"
                )
        if live:
            self.follower = Follower(self.syncer)
            self.follower.start()

    # -- opening ----------------------------------------------------------------
    @staticmethod
    def _default_path(url: str, token: str, remote: Any) -> Path:
        index = _host_dir(url) / "tokens.json"
        known = json.loads(index.read_text()) if index.exists() else {}
        if remote is not None:
            path = default_replica_path(url, remote.tenant, remote.token_user)
            if known.get(_token_key(token)) != path.name:
                index.parent.mkdir(parents=True, exist_ok=True)
                index.write_text(json.dumps({**known, _token_key(token): path.name}))
            return path
        name = known.get(_token_key(token))
        if name is None:
            raise EngineError(f"splice server {url} did not answer, and this token has no replica of it yet")
        return index.parent / name

    def _check_owner(self, url: str, remote: Any) -> None:
        state = self.store.state()
        if remote is None:
            return
        mine = {"server": url.rstrip("/"), "tenant": remote.tenant, "user": remote.token_user}
        found = {k: state[k] for k in mine if k in state}
        if found and found != mine:
            self.store.close()
            raise ValidationError(f"the replica {self.path} is of {found}, not of {mine}: give another path")
        if not found:
            self.store.set_state(mine)

    def _start(self) -> None:
        """Fill the replica the first time, else catch up with the server."""
        if self.syncer.applied < 0:
            self.syncer.fill()
        self.sync(timeout=60.0)

    def __repr__(self) -> str:
        return f"<ReplicaBackend {self.url} at {self.path} as {self.actor}>"

    # -- state --------------------------------------------------------------------
    def _current(self) -> bool:
        s = self.syncer
        if s.online is not True:
            return False
        if self.live:
            return self.follower is not None and self.follower.idle.is_set()
        return True

    @property
    def offline(self) -> bool:
        """The server was found unreachable (writes are queued, reads may be stale)."""
        return self.syncer.online is False

    def sync_status(self) -> ReplicaStatus:
        s = self.syncer
        queued, refused = self.queue.counts()
        return ReplicaStatus(
            url=self.url,
            path=str(self.path),
            online=s.online,
            current=self._current(),
            live=self.follower is not None,
            cursor=str(max(s.applied, 0)),
            server_head=str(s.known_head),
            behind_by_events=max(0, s.known_head - s.applied),
            last_sync=s.last_sync,
            stale_since=(
                datetime.fromtimestamp(s.stale_since, timezone.utc) if s.stale_since is not None else None
            ),
            stale_reads=self.stale_reads,
            projects=ALL if s.held == ALL else tuple(sorted(s.held)),
            queued=queued,
            refused=refused,
        )

    def sync(self, timeout: float = 30.0) -> ReplicaStatus:
        """Catch up with the server now (EngineError when it cannot be reached)."""
        head = self.syncer.server_head()
        if self.follower is not None:
            self._wait_for(head, timeout)
        else:
            self.syncer.catch_up(head, idle=min(timeout, 2.0))
        return self.sync_status()

    def _wait_for(self, head: int, timeout: float) -> None:
        """Wait until the follower has applied ``head``, or has been idle a moment after it
        was asked: the stream leaves out events of projects the caller cannot view, so the
        head may be one it never hears of."""
        asked = time.monotonic()
        deadline = asked + timeout
        follower = self.follower
        while not self.syncer.wait_for(head, 0.05) and time.monotonic() < deadline:
            if follower is None or not follower.idle.is_set():
                continue
            quiet = time.monotonic() - max(asked, follower.last_event)
            if quiet > _QUIET and self.syncer.online:
                return

    def pull(self) -> ReplicaStatus:
        """Copy every held project again, whole (a replica thought damaged), then catch up."""
        self.syncer.fill()
        return self.sync()

    # -- reads and writes ------------------------------------------------------------
    def _holds(self, name: str, args: dict[str, Any]) -> bool:
        held = self.syncer.held
        if held == ALL:
            return True
        if name == "get_project":
            return args["name"] in held
        projects = set()
        for value in args.values():
            for kref in value if isinstance(value, list) else [value]:
                if isinstance(kref, Kref):
                    projects.add(kref.project)
        query = args.get("query")
        if query is not None and getattr(query, "under", None) is not None:
            projects.add(query.under.project)
        elif name in ("list_projects", "find_items"):
            return False
        return bool(projects) and projects <= held

    def _fast(self) -> bool:
        """Current, holding every project: any read is the file's."""
        s, follower = self.syncer, self.follower
        return s.held == ALL and s.online is True and (follower is None or follower.idle.is_set())

    def _read(self, name: str, args: dict[str, Any]) -> Any:
        local = name not in _SERVERS and self._holds(name, args)
        if local and self._current():
            return getattr(self.store.engine, name)(**args)
        if not (local and self.syncer.online is False):
            try:
                return getattr(self._server, name)(**args)
            except EngineError:
                self.syncer.mark(False)
                if not local and name != "event_capabilities":
                    raise
        return self._stale(name, args)

    def _stale(self, name: str, args: dict[str, Any]) -> Any:
        if self.strict:
            status = self.sync_status()
            raise StaleReadError(
                f"{name}: splice server {self.url} cannot be reached (since {status.stale_since}) and "
                f"this replica is strict; its copy is as of {status.last_sync} (cursor {status.cursor})"
            )
        self.stale_reads += 1
        return getattr(self.store.engine, name)(**args)

    def _send_write(self, name: str, args: dict[str, Any]) -> Any:
        """A write goes to the server with an idempotency key; while the server cannot be
        reached, or writes queued before it wait, it is queued (:class:`QueuedWriteError`)."""
        if not self.queue_writes:
            return getattr(self._server, name)(**args)
        method = METHODS[name]
        body, key = encode_args(method, args), str(uuid.uuid4())
        with self._order:
            if self.queue.counts()[0] and self._reachable():
                self._replay()  # the writes queued before this one land first
            if self.queue.counts()[0] or not self._reachable():
                raise self._enqueue(name, args, body, key)
            try:
                return self._server.send(name, body, idempotency_key=key)
            except EngineError:  # the server went away: made or not, the key settles it on replay
                self.syncer.mark(False)
                raise self._enqueue(name, args, body, key) from None

    def _reachable(self) -> bool:
        """Not known to be away; without a follower to notice its return, ask again now and then."""
        if self.syncer.online is not False:
            return True
        if self.follower is not None or time.monotonic() - self._probed < _PROBE_EVERY:
            return False
        self._probed = time.monotonic()
        try:
            self.syncer.server_head()
        except EngineError:
            return False
        return True

    def _enqueue(self, name: str, args: dict[str, Any], body: dict[str, Any], key: str) -> QueuedWriteError:
        write = self.queue.add_with_key(name, body, key, self._expect(name, args))
        status = self.sync_status()
        why = (
            "cannot be reached"
            if self.syncer.online is False
            else f"has {status.queued - 1} writes before it"
        )
        return QueuedWriteError(
            f"splice server {self.url} {why}: {write.what} is queued as write #{write.id} "
            f"({status.queued} queued) and will be sent when it is back (splice sync status)",
            write,
        )

    def _expect(self, name: str, args: dict[str, Any]) -> dict[str, Any] | None:
        """For a tag move: the revision that holds the tag now, as the replica saw it."""
        if name not in ("tag_revision", "untag_revision"):
            return None
        engine = self.store.engine
        revision, tag = args["revision"], args["tag"]
        item = revision.base

        def number(kref: Kref) -> int | None:
            try:
                return engine.get_revision(kref).number
            except SpliceError:
                return None

        return {
            "item": str(item),
            "tag": tag,
            "number": number(Kref(f"{item}?t={tag}")),
            "target": number(revision),
        }

    # -- the queue --------------------------------------------------------------------
    def push(self) -> ReplayReport:
        """Send the queued writes now, in order; then catch up, so reads show them. The
        report says what landed (with what it made), what was refused and why, what is left."""
        with self._order:
            try:
                self.syncer.server_head()
            except EngineError as exc:
                queued = self.queue.counts()[0]
                return ReplayReport(left=queued, stopped=f"EngineError: {exc}")
            report = self._replay()
        if report.landed:
            with suppress(EngineError):
                self.sync(timeout=self._write_wait)
        return report

    def _replay(self) -> ReplayReport:
        report = replay(self.queue, self._server)
        if report.stopped is not None:
            self.syncer.mark(False)
        return report

    def _server_back(self) -> None:
        """The server answers again: replay the queue in a thread (the caller is a follower
        or a read; neither should wait for it)."""
        if not self.auto_push or self._closed or not self.queue.counts()[0]:
            return
        if self._pusher is not None and self._pusher.is_alive():
            return
        self._pusher = threading.Thread(target=self._auto_push, name="splice-replica-push", daemon=True)
        self._pusher.start()

    def _auto_push(self) -> None:
        with suppress(Exception):  # what it did is in the queue's table; status shows it
            if not self._closed:
                self.push()

    def queued_writes(self) -> list[QueuedWrite]:
        """Every write of the queue, queued and refused, oldest first."""
        return self.queue.all()

    def drop(self, write_id: int) -> QueuedWrite:
        """Discard a refused write (a queued one cannot be dropped: it may be on its way)."""
        with self._order:
            found = self.queue.drop(write_id)
        if found is None:
            raise ValidationError(f"there is no queued write #{write_id}; see splice sync status")
        if found.state != "refused":
            raise ValidationError(
                f"write #{write_id} ({found.what}) is {found.state}, not refused: only a refused "
                "write can be dropped"
            )
        return found

    def retry(self, write_id: int) -> QueuedWrite:
        """Queue a refused write again, in its place, without its check of a tag's position
        (do it anyway); sent at the next push."""
        with self._order:
            found = self.queue.retry(write_id)
        if found is None:
            raise ValidationError(f"there is no queued write #{write_id}; see splice sync status")
        return found

    def _write(self, name: str, args: dict[str, Any]) -> Any:
        result = self._send_write(name, args)
        try:  # read-your-writes: the replica applies the write's events before we return
            head = self.syncer.server_head()
        except EngineError:
            return result
        if self.follower is not None:
            self._wait_for(head, self._write_wait)
        else:
            self.syncer.catch_up(head, idle=self._write_wait)
        return result

    def event_stream(
        self,
        routing_key_filter: str | None,
        kref_filter: str | None,
        cursor: str | None,
        from_beginning: bool,
        consumer_group: str | None,
        timeout: float | None,
    ) -> Iterator[Event]:
        return self._server.event_stream(
            routing_key_filter, kref_filter, cursor, from_beginning, consumer_group, timeout
        )

    def close(self) -> None:
        self._closed = True
        if self.follower is not None:
            self.follower.stop()
        if self._pusher is not None:
            self._pusher.join(timeout=30)
        self.queue.close()
        self.store.close()
        self._server.close()


def _route(cls: type) -> None:
    """A method of ``cls`` for each ``@read`` / ``@write`` of the protocol: reads by
    :meth:`ReplicaBackend._read`, writes by :meth:`ReplicaBackend._write`."""
    table = methods(Backend)
    for name, (declared, call) in calls(Backend).items():
        if call.kind not in ("read", "write"):
            continue
        names = tuple(n for n, _ in table[name].params)
        target = "_read" if call.kind == "read" else "_write"
        fast = call.kind == "read" and name not in _SERVERS

        def method(
            self: Any,
            *args: Any,
            _n: str = name,
            _names: tuple = names,
            _t: str = target,
            _fast: bool = fast,
            **kwargs: Any,
        ) -> Any:
            if _fast and self._fast():  # the common case, kept short: it is most of a read's cost
                return getattr(self.store.engine, _n)(*args, **kwargs)
            bound = dict(zip(_names, args, strict=False))
            bound.update(kwargs)
            return getattr(self, _t)(_n, bound)

        routed = functools.wraps(declared)(method)
        routed.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, routed)


_route(ReplicaBackend)
