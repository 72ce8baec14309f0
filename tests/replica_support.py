"""What the replica and offline suites share: a real ``splice serve`` per engine, restarted
when a test stopped it, and a wait on a replica's own condition."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from splice.engines.replica import ReplicaBackend
from splice.server.local import LocalServer


def serve(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, name: str
) -> Iterator[LocalServer]:
    """A server on ``request.param`` (``sqlite`` or ``postgresql``, the session's cluster)."""
    db = None
    if request.param == "postgresql":
        try:
            db = request.getfixturevalue("pg_base_url")
        except pytest.FixtureLookupError:
            pytest.skip("no PostgreSQL cluster (pg_support gives no pg_base_url)")
    srv = LocalServer(tmp_path_factory.mktemp(f"{name}-{request.param}"), db=db)
    srv.start()
    yield srv
    srv.stop()


def new_tenant(server: LocalServer) -> tuple[str, str]:
    """A fresh tenant and its admin token, the server started again if a test stopped it."""
    if server.proc is None:
        server.start()
    return server.new_tenant()


def wait_until(replica: ReplicaBackend, ready: Callable[[], bool], timeout: float = 60.0) -> None:
    """Wait on the replica's own condition (each applied batch and state change notifies)."""
    deadline = time.monotonic() + timeout
    with replica.syncer.changed:
        while not ready():
            left = deadline - time.monotonic()
            assert left > 0, "the replica never got there"
            replica.syncer.changed.wait(min(left, 0.2))
