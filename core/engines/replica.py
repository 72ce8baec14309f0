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
- ``@write`` methods go to the server (:meth:`ReplicaBackend._send_write`, where a queue
  of offline writes will slot in); the call returns once the replica has applied the
  write's events (bounded by ``write_wait``), so a read after a write sees it.
- ``event_stream`` is the server's.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..backend import Backend
from ..errors import EngineError, ValidationError
from ..kref import Kref
from ..records import Event
from ..wire import calls, methods
from .replica_errors import StaleReadError
from .replica_store import ReplicaStore
from .replica_sync import ALL, Follower, Syncer

__all__ = ["ReplicaBackend", "ReplicaStatus", "StaleReadError", "default_replica_path"]
_SERVERS = frozenset({"export_rows", "event_capabilities"})  # reads only the server answers
_QUIET = 0.2  # seconds without a new event after which a follower has heard all it will


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
    ``sync_on_open``: fill or catch up before returning (``splice sync status`` does not). Other
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
        token: str | None = None,
        **remote_options: Any,
    ) -> None:
        import os

        from .remote import RemoteBackend

        self.url, self.actor, self.live, self.strict = url, actor, live, strict
        self._write_wait = write_wait
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
        self.syncer = Syncer(self._server, self.store, projects)
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

    def sync_status(self) -> ReplicaStatus:
        s = self.syncer
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
        """A write goes to the server (the place for a queue of offline writes)."""
        return getattr(self._server, name)(**args)

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
        if self.follower is not None:
            self.follower.stop()
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
