"""The remote engines for the contract suite: a real splice server on loopback.

One server process per test session (per xdist worker) and per base store
(SQLite, and PostgreSQL when ``pg_support`` gives a ``pg_base_url``). Every test
gets a fresh tenant — a separate, empty store — with an admin token in
``SPLICE_TOKEN``, so ``splice.connect(url, user="tester")`` reaches it and writes
as ``tester`` (admins may act as any user).
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from splice.server.control import ControlStore

EngineFactory = Callable[[Path], str]


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when the test process dies, so none is left behind."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """``splice serve`` in a subprocess; ``restart()`` keeps its port and data dir."""

    def __init__(self, data_dir: Path, db: str | None = None, port: int | None = None,
                 extra_env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.db = db or str(data_dir)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen | None = None
        self.log = data_dir / "server.log"
        self._logs = itertools.count()

    def start(self, timeout: float = 30.0) -> str:
        """Start and wait for /health; returns what the server printed so far."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        out = self.data_dir / f"stdout-{next(self._logs)}.txt"
        env = {**os.environ, **self.extra_env}
        env.pop("SPLICE_URL", None)
        env.pop("SPLICE_TOKEN", None)
        with out.open("wb") as sink:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "splice", "serve", "--port", str(self.port), "--db", self.db,
                 "--data-dir", str(self.data_dir)],
                stdout=sink, stderr=subprocess.STDOUT, env=env,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"splice serve exited with {self.proc.returncode}:\n{out.read_text()}")
            try:
                if requests.get(self.url + "/health", timeout=1).status_code == 200:
                    return out.read_text()
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"splice serve did not answer in {timeout} s:\n{out.read_text()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def kill(self) -> None:
        """Stop hard (SIGKILL), as a crash would."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None

    def restart(self) -> str:
        self.stop()
        return self.start()

    @property
    def control(self) -> ControlStore:
        return ControlStore(self.data_dir / "control.db")

    def new_tenant(self, role: str = "admin", user: str = "admin", service: bool = False) -> tuple[str, str]:
        """A new empty tenant with one user holding ``role`` everywhere: ``(tenant, token)``."""
        tenant = "t" + uuid.uuid4().hex[:12]
        control = self.control
        try:
            control.add_tenant(tenant)
            control.add_user(tenant, user)
            control.grant(tenant, user, role)
            return tenant, control.create_token(tenant, user, service=service)[1]
        finally:
            control.close()


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
