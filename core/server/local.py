"""A splice server in a subprocess on loopback, for tests, benchmarks and trying the studio setup.

    with LocalServer(Path("/tmp/srv")) as server:
        tenant, token = server.new_tenant()
        splice.connect(server.url, token=token)

``restart()`` keeps the port and the data dir; on Linux the server is ended with
its parent, so none is left behind when a test run dies.
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when its parent dies."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class LocalServer:
    """``splice serve --db DB --data-dir DIR [--workers N]`` on 127.0.0.1 and a free port."""

    def __init__(
        self,
        data_dir: Path,
        db: str | None = None,
        port: int | None = None,
        workers: int = 1,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.db = db or str(self.data_dir)
        self.port = port or free_port()
        self.workers = workers
        self.url = f"http://{HOST}:{self.port}"
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen | None = None
        self._logs = itertools.count()

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, timeout: float = 60.0) -> str:
        """Start and wait for ``/health``; return what the server printed so far."""
        import requests

        self.data_dir.mkdir(parents=True, exist_ok=True)
        out = self.data_dir / f"stdout-{next(self._logs)}.txt"
        env = {k: v for k, v in os.environ.items() if k not in ("SPLICE_URL", "SPLICE_TOKEN")}
        env.update(self.extra_env)
        command = [sys.executable, "-m", "splice", "serve", "--host", HOST, "--port", str(self.port),
                   "--db", self.db, "--data-dir", str(self.data_dir), "--workers", str(self.workers)]
        with out.open("wb") as sink:
            self.proc = subprocess.Popen(
                command, stdout=sink, stderr=subprocess.STDOUT, env=env,
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
        raise RuntimeError(f"splice serve did not answer in {timeout:.0f} s:\n{out.read_text()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
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
    def control(self):
        """The server's control store (PostgreSQL: the database's, shared by its servers)."""
        from .config import ServerConfig
        from .control import open_control

        return open_control(ServerConfig.resolve(self.db, str(self.data_dir)))

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
