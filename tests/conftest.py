"""Fixtures shared by the whole suite.

The contract suite takes the engine as a fixture: every test that asks for
``client`` (or ``engine_url``) runs once per engine in ``ENGINES``. Each engine
has a fixture ``engine_<name>`` giving a factory ``(tmp_path) -> URL of a fresh,
empty store``; engines that need a server (PostgreSQL, the splice server) start
it once per session in their own support module and skip where it cannot run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import splice

# support modules that register engine fixtures (imported for their fixtures)
pytest_plugins = [
    name for name in ("pg_support", "remote_support") if (Path(__file__).parent / f"{name}.py").exists()
]

ENGINES = ["sqlite"]
if "pg_support" in pytest_plugins:
    ENGINES.append("postgresql")
if "remote_support" in pytest_plugins:
    ENGINES.append("remote-sqlite")
    if "pg_support" in pytest_plugins:
        ENGINES.append("remote-postgresql")

EngineFactory = Callable[[Path], str]


@pytest.fixture(scope="session")
def engine_sqlite() -> EngineFactory:
    return lambda tmp_path: f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture(params=ENGINES)
def engine_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a fresh store of each engine."""
    factory: EngineFactory = request.getfixturevalue("engine_" + request.param.replace("-", "_"))
    return factory(tmp_path)


@pytest.fixture
def client(engine_url: str) -> Iterator[splice.Client]:
    """A client on a fresh store, also the default of splice's module-level functions."""
    c = splice.connect(engine_url, user="tester")
    yield c
    c.close()
