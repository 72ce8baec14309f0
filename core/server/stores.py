"""One separate store per tenant, opened on demand and shared by the requests of that tenant.

- SQLite ``--db`` directory ``D``: tenant ``T`` lives in ``D/tenants/T.db``.
- SQLite ``--db`` file ``F``: the tenant ``default`` is ``F`` itself (so an existing store
  can be served as it is); tenant ``T`` lives in ``<F's folder>/tenants/T.db``.
- ``postgresql://…``: the same URL with ``schema=tenant_T`` added; the PostgreSQL
  engine creates the schema when it is missing.

A request never gets a handle on another tenant's store, so another tenant's krefs
simply do not exist for it (404).
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..backend import Backend
from ..client import engine_class
from .config import is_sqlite, sqlite_file, sqlite_is_dir

SERVER_ACTOR = "splice-server"


def tenant_url(base_url: str, tenant: str) -> str:
    """The store URL of ``tenant`` given the server's ``--db`` URL."""
    if is_sqlite(base_url):
        path = sqlite_file(base_url)
        if sqlite_is_dir(base_url):
            return "sqlite:///" + str(path / "tenants" / f"{tenant}.db")
        if tenant == "default":
            return "sqlite:///" + str(path)
        return "sqlite:///" + str(path.parent / "tenants" / f"{tenant}.db")
    parts = urlsplit(base_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "schema"]
    query.append(("schema", f"tenant_{tenant}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


def for_actor(backend: Any, actor: str) -> Backend:
    """The tenant's engine writing as ``actor``. Engines may offer ``with_actor``; otherwise a
    shallow copy shares the connections (SQLite: per thread) and changes only the actor.
    Never close such a view: it would close the shared connections."""
    if backend.actor == actor:
        return backend
    with_actor = getattr(backend, "with_actor", None)
    if with_actor is not None:
        return with_actor(actor)
    view = copy.copy(backend)
    view.actor = actor
    return view


class TenantStores:
    """Open tenant engines, least recently used closed first when more than ``max_open``
    are open; an engine in use (leased) is never closed under a request."""

    def __init__(self, base_url: str, max_open: int = 64) -> None:
        self.base_url = base_url
        self.max_open = max_open
        self._open: OrderedDict[str, list[Any]] = OrderedDict()  # tenant -> [engine, leases]
        self._lock = threading.Lock()
        self._opening: dict[str, threading.Lock] = {}

    @contextmanager
    def lease(self, tenant: str) -> Iterator[Any]:
        entry = self._acquire(tenant)
        try:
            yield entry[0]
        finally:
            with self._lock:
                entry[1] -= 1
                self._evict()

    def _acquire(self, tenant: str) -> list[Any]:
        with self._lock:
            entry = self._open.get(tenant)
            if entry is not None:
                entry[1] += 1
                self._open.move_to_end(tenant)
                return entry
            opening = self._opening.setdefault(tenant, threading.Lock())
        with opening:  # one thread opens (and migrates) a store; the others wait for it
            with self._lock:
                entry = self._open.get(tenant)
                if entry is not None:
                    entry[1] += 1
                    return entry
            url = tenant_url(self.base_url, tenant)
            if is_sqlite(url):
                Path(sqlite_file(url)).parent.mkdir(parents=True, exist_ok=True)
            engine = engine_class(url)(url, SERVER_ACTOR)
            with self._lock:
                entry = [engine, 1]
                self._open[tenant] = entry
                self._evict()
                return entry

    def _evict(self) -> None:
        while len(self._open) > self.max_open:
            idle = next((t for t, e in self._open.items() if e[1] == 0), None)
            if idle is None:
                return
            self._open.pop(idle)[0].close()

    def close(self) -> None:
        with self._lock:
            for engine, _ in self._open.values():
                engine.close()
            self._open.clear()
