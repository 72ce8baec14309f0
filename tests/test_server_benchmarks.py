"""``python -m benchmarks.server --quick`` keeps running and reports every figure.

Real servers on loopback (SQLite, and PostgreSQL where it is installed), small
sizes. Only the shape of the figures and the correctness checks are asserted
(gapless numbers, nothing lost): the speed goals live in the benchmarks, never here.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
PER_SERVER = {"resolve", "throughput", "resolve_many", "events"}


def _postgresql_missing() -> str | None:
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError as exc:
        return f"psycopg is not installed ({exc})"
    from splice.engines.pg_local import binaries

    return None if binaries() is not None else "no PostgreSQL binaries (apt-get install postgresql)"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bench-server") / "figures.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.server", "--quick", "--clients", "8", "--samples", "100",
         "--events", "20", "--pace", "10", "--publishes", "25", "--items", "300", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {"stdout": proc.stdout, "data": json.loads(out.read_text()), "missing": _postgresql_missing()}


def _by_engine(run: dict, engine: str) -> dict[str, dict]:
    got = [f for f in run["data"]["figures"] if f["engine"] == engine]
    by_name = {f["name"]: f for f in got}
    assert len(by_name) == len(got), f"a figure twice on the {engine} server"
    return by_name


def _check_values(figures: dict[str, dict]) -> None:
    for name, f in figures.items():
        assert f["value"] > 0, name
        assert f["baseline"]["value"] > 0, name
        assert f["cost_ratio_vs_baseline"] > 0, name
        assert f["goal_text"] and isinstance(f["passed"], bool), name


def test_sqlite_server_figures(run: dict) -> None:
    figures = _by_engine(run, "sqlite")
    assert set(figures) == PER_SERVER
    _check_values(figures)
    throughput = figures["throughput"]
    assert throughput["tool"] == ("wrk" if shutil.which("wrk") else "python clients")
    assert throughput["python_clients"]["rate"] > 0
    if throughput["tool"] == "wrk":
        assert throughput["errors"] == 0 and throughput["check_ok"]
    assert figures["events"]["lost"] == 0
    assert figures["resolve"]["p95_ms"] >= figures["resolve"]["p50_ms"] > 0
    assert "== resolve [sqlite server]" in run["stdout"]


def test_postgresql_server_figures(run: dict) -> None:
    if run["missing"]:
        assert "PostgreSQL figures skipped" in run["stdout"]
        pytest.skip(run["missing"])
    figures = _by_engine(run, "postgresql")
    assert set(figures) == PER_SERVER | {"publish8"}
    _check_values(figures)
    assert figures["events"]["lost"] == 0
    assert figures["throughput"]["server_workers"] >= 2


def test_concurrent_publishes_are_gapless(run: dict) -> None:
    if run["missing"]:
        pytest.skip(run["missing"])
    f = _by_engine(run, "postgresql")["publish8"]
    total = f["clients"] * f["publishes_per_client"]
    for side in ("http", "in_process"):
        got = f[side]
        assert got["gapless"], side
        assert got["unique"] == got["numbers"] == total, side
        assert got["revisions"] == got["events"] == total, side
        assert got["lost"] == 0, side
        assert got["processes"] == f["clients"], side
    assert f["check_ok"]
