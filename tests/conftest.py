"""Fixtures shared by the whole suite.

The contract suite takes the engine as a fixture: every test that asks for
``client`` runs once per engine in ``ENGINES``. A later engine (PostgreSQL,
remote) adds a factory here and the same tests run against it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import splice


def _sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


# name -> factory(tmp_path) -> URL of a fresh, empty store
ENGINES: dict[str, Callable[[Path], str]] = {"sqlite": _sqlite}


@pytest.fixture(params=sorted(ENGINES))
def engine_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh store of each engine."""
    return ENGINES[request.param](tmp_path)


@pytest.fixture
def client(engine_url: str) -> Iterator[splice.Client]:
    """A client on a fresh store, also the default of splice's module-level functions."""
    c = splice.connect(engine_url, user="tester")
    yield c
    c.close()
