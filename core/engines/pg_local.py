"""A throwaway PostgreSQL cluster on loopback, for tests, benchmarks and trying splice.

It runs the machine's PostgreSQL binaries (Debian: ``apt-get install
postgresql``) in a temporary folder on a free port, as the ``postgres`` user
when called as root (``initdb`` refuses root), with durability off (it is
thrown away). Not for production data.

    with local_cluster() as url:
        splice.connect(url + "?schema=demo")
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import EngineError


def binaries() -> Path | None:
    """The folder of ``pg_ctl`` and ``initdb``, or ``None`` when PostgreSQL is not installed."""
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


@contextmanager
def local_cluster(database: str = "splice", max_connections: int = 200) -> Iterator[str]:
    """Start a cluster, create ``database``, yield its ``postgresql://`` URL; stop and delete it after."""
    import psycopg

    bindir = binaries()
    if bindir is None:
        raise EngineError("PostgreSQL is not installed: apt-get install postgresql")
    as_postgres = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="splice-pg-"))
    data, sockets, log = root / "data", root / "run", root / "log"
    sockets.mkdir()
    if as_postgres:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    try:
        init = _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            as_postgres,
        )
        if init.returncode != 0:
            raise EngineError(f"initdb failed: {init.stderr.strip()}")
        options = (
            f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"-c synchronous_commit=off -c full_page_writes=off -c max_connections={max_connections}"
        )
        start = _run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "start",
            ],
            as_postgres,
        )
        if start.returncode != 0:
            raise EngineError(
                f"pg_ctl start failed: {start.stderr.strip()} {log.read_text(errors='replace')}"
            )
        try:
            admin = f"postgresql://postgres@127.0.0.1:{port}/postgres"
            for attempt in range(100):
                try:
                    with psycopg.connect(admin, autocommit=True) as conn:
                        conn.execute(f'CREATE DATABASE "{database}"')
                    break
                except psycopg.OperationalError:
                    if attempt == 99:
                        raise
                    time.sleep(0.1)
            yield f"postgresql://postgres@127.0.0.1:{port}/{database}"
        finally:
            _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], as_postgres)
    finally:
        shutil.rmtree(root, ignore_errors=True)
