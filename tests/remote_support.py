"""The remote engines for the contract suite: a real splice server on loopback.

One server process per test session (per xdist worker) and per base store
(SQLite, and PostgreSQL when ``pg_support`` gives a ``pg_base_url``). Every test
gets a fresh tenant — a separate, empty store — with an admin token in
``SPLICE_TOKEN``, so ``splice.connect(url, user="tester")`` reaches it and writes
as ``tester`` (admins may act as any user).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from splice.server.local import LocalServer

EngineFactory = Callable[[Path], str]


# the contract suite's name for it
ServerProcess = LocalServer


@pytest.fixture(scope="session")
def remote_server_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path_factory.mktemp("splice-server"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def remote_server_postgresql(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    try:
        base_url = request.getfixturevalue("pg_base_url")
    except pytest.FixtureLookupError:
        pytest.skip("no PostgreSQL cluster (pg_support gives no pg_base_url)")
    server = ServerProcess(tmp_path_factory.mktemp("splice-server-pg"), db=base_url)
    server.start()
    yield server
    server.stop()


def _factory(request: pytest.FixtureRequest, server: ServerProcess) -> EngineFactory:
    monkeypatch = request.getfixturevalue("monkeypatch")

    def make(tmp_path: Path) -> str:
        _tenant, token = server.new_tenant()
        monkeypatch.setenv("SPLICE_TOKEN", token)
        return server.url

    return make


@pytest.fixture
def engine_remote_sqlite(
    request: pytest.FixtureRequest, remote_server_sqlite: ServerProcess
) -> EngineFactory:
    return _factory(request, remote_server_sqlite)


@pytest.fixture
def engine_remote_postgresql(request: pytest.FixtureRequest) -> EngineFactory:
    return _factory(request, request.getfixturevalue("remote_server_postgresql"))
