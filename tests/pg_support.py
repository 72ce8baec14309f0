"""A throwaway PostgreSQL cluster for the test session (``splice.engines.pg_local``).

Loaded by ``tests/conftest.py`` as a plugin. Each test gets a fresh schema of
one database, so the contract suite sees an empty store every time. Where
PostgreSQL or psycopg is not installed, the PostgreSQL engine's tests are
skipped, saying why (``.ci/run`` installs both).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def pg_base_url() -> Iterator[str]:
    """``postgresql://…`` of a database in a cluster started for this session."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -e '.[dev]')")
    from splice.engines.pg_local import binaries, local_cluster

    if binaries() is None:
        pytest.skip("no PostgreSQL binaries (apt-get install postgresql)")
    # one cluster for the whole session: servers, replicas and two-server tests each hold pools
    # of their own, so room for more than PostgreSQL's default 100 (or the engine's 200)
    with local_cluster("splice_test", max_connections=800) as url:
        yield url


@pytest.fixture(scope="session")
def engine_postgresql(pg_base_url: str) -> Callable[[Path], str]:
    """A fresh schema per test: an empty store."""
    return lambda tmp_path: f"{pg_base_url}?schema=t_{uuid.uuid4().hex[:16]}"
