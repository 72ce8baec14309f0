"""The engines the benchmarks run on, and the PostgreSQL server they use.

SQLite needs nothing. PostgreSQL needs psycopg 3 (``pip install -e '.[server]'``)
and either a server given with ``--pg URL`` or the machine's PostgreSQL binaries,
from which :func:`splice.engines.pg_local.local_cluster` starts a throwaway
cluster on loopback for the run (stopped and deleted at the end).

Every PostgreSQL store of a run lives in its own schema (``bench_…``) of one
database, reached as ``URL?schema=NAME`` through splice, or with a bare psycopg
connection whose ``search_path`` is that schema for the baselines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
ENGINES = (SQLITE, POSTGRESQL)
LABELS = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}\Z")


def postgresql_missing(need_binaries: bool = True) -> str | None:
    """Why the PostgreSQL figures cannot run here, or ``None`` when they can."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError as exc:
        return f"psycopg 3 with its pool is not installed ({exc}); pip install -e '.[server]'"
    if need_binaries:
        from splice.engines.pg_local import binaries

        if binaries() is None:
            return ("no PostgreSQL binaries to start a throwaway cluster (apt-get install postgresql)"
                    " and no --pg URL")
    return None


@dataclass
class PgServer:
    """A PostgreSQL database the benchmarks may create ``bench_*`` schemas in."""

    conninfo: str  # libpq URL, without splice's ?schema=
    throwaway: bool  # a cluster started for this run (gone at its end)
    version: str = ""

    def url(self, schema: str) -> str:
        """splice's URL of the store in ``schema``."""
        if not _NAME.match(schema):
            raise ValueError(f"bad schema name {schema!r}")
        return f"{self.conninfo}{'&' if '?' in self.conninfo else '?'}schema={schema}"

    def connect(self, schema: str | None = None, autocommit: bool = True) -> Any:
        """A bare psycopg connection, its ``search_path`` set to ``schema``."""
        import psycopg

        conn = psycopg.connect(self.conninfo, autocommit=autocommit)
        if schema is not None:
            conn.execute(f'SET search_path TO "{schema}"')
            if not autocommit:
                conn.commit()
        return conn

    def drop(self, schema: str) -> None:
        with self.connect() as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def fresh(self, schema: str) -> str:
        """splice's URL of an empty store in ``schema`` (dropped first if it is there)."""
        self.drop(schema)
        return self.url(schema)


@contextmanager
def postgresql_server(url: str | None, log: Callable[[str], None] = print) -> Iterator[PgServer]:
    """The server of ``--pg URL``, or a throwaway cluster started for the run."""
    from splice.engines.postgres import split_url

    if url:
        conninfo, _ = split_url(url)
        server = PgServer(conninfo, throwaway=False)
        with server.connect() as conn:
            server.version = conn.execute("SHOW server_version").fetchone()[0]
        log(f"PostgreSQL {server.version}: the server of --pg ({_redact(conninfo)}); schemas bench_*")
        yield server
        return
    import time

    from splice.engines.pg_local import local_cluster

    started = time.perf_counter()
    with local_cluster("splice_bench") as cluster_url:
        server = PgServer(cluster_url, throwaway=True)
        with server.connect() as conn:
            server.version = conn.execute("SHOW server_version").fetchone()[0]
        log(f"PostgreSQL {server.version}: a throwaway cluster on loopback (fsync off), started in"
            f" {time.perf_counter() - started:.1f}s; --pg URL to use a server instead")
        yield server


def _redact(conninfo: str) -> str:
    return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", conninfo)
