"""A throwaway PostgreSQL cluster on loopback for the test session.

Loaded by ``tests/conftest.py`` as a plugin. It runs Debian's PostgreSQL
binaries (``initdb``, ``pg_ctl``; ``.ci/run`` installs them) in a temporary
folder on a free port, as the ``postgres`` user when the tests run as root
(``initdb`` refuses root). Each test gets a fresh schema of one database, so
the contract suite sees an empty store every time. Where no PostgreSQL is
installed the PostgreSQL engine's tests are skipped, saying why.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def _binaries() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(cmd: list[str], as_postgres: bool) -> subprocess.CompletedProcess:
    if as_postgres:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def pg_base_url() -> Iterator[str]:
    """``postgresql://…`` of a database in a cluster started for this session."""
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -e '.[dev]')")
    bindir = _binaries()
    if bindir is None:
        pytest.skip("no PostgreSQL binaries (apt-get install postgresql)")
    as_postgres = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="splice-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    if as_postgres:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    init = _run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                 "-E", "UTF8", "--locale=C"], as_postgres)
    assert init.returncode == 0, init.stderr
    options = (f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    start = _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
                  "-w", "-t", "60", "start"], as_postgres)
    assert start.returncode == 0, start.stderr + (root / "log").read_text(errors="replace")
    try:
        admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        for _ in range(100):
            try:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute("CREATE DATABASE splice_test")
                break
            except psycopg.OperationalError:
                time.sleep(0.1)
        yield f"postgresql://postgres@127.0.0.1:{port}/splice_test"
    finally:
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], as_postgres)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def engine_postgresql(pg_base_url: str) -> Callable[[Path], str]:
    """A fresh schema per test: an empty store."""
    return lambda tmp_path: f"{pg_base_url}?schema=t_{uuid.uuid4().hex[:16]}"
