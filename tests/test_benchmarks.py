"""The benchmark command keeps running (its figures are read by people, not asserted here).

One small run (a small studio graph, a small resolve store, one timed round) on
every engine that can run here; its figures are then checked per engine. The
PostgreSQL figures are skipped, saying why, only where psycopg or PostgreSQL's
binaries are not installed: where they are, the run must produce them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
NAMES = {"resolve", "resolve_many", "publish", "dependents", "impact", "impact_deep"}


def _postgresql_missing() -> str | None:
    """Why PostgreSQL cannot run here (as benchmarks/engines.py decides), or None."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError as exc:
        return f"psycopg is not installed ({exc}): pip install -e '.[dev]'"
    from splice.engines.pg_local import binaries

    return None if binaries() is not None else "no PostgreSQL binaries (apt-get install postgresql)"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``python -m benchmarks`` at small sizes on sqlite (and postgresql where installed)."""
    missing = _postgresql_missing()
    engines = "sqlite" if missing else "sqlite,postgresql"
    out = tmp_path_factory.mktemp("bench") / "figures.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--size", "small", "--no-kuzu", "--starts", "20",
         "--items", "500", "--publishes", "100", "--rounds", "1", "--engines", engines, "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(out.read_text())
    return {"stdout": proc.stdout, "data": data, "missing": missing}


def _figures(run: dict, engine: str) -> dict[str, dict]:
    got = [f for f in run["data"]["figures"] if f["engine"] == engine]
    by_name = {f["name"]: f for f in got}
    assert len(by_name) == len(got), f"a figure twice on {engine}"
    return by_name


def _check(figures: dict[str, dict], stdout: str) -> None:
    assert set(figures) == NAMES
    for name, figure in figures.items():
        assert figure["value"] > 0, name
        assert figure["baseline"]["value"] > 0, name
        assert figure["passed"] in (True, False), name
        assert name in stdout


def test_benchmarks_report_every_figure_on_sqlite(run: dict) -> None:
    figures = _figures(run, "sqlite")
    _check(figures, run["stdout"])
    assert all(f["cost_ratio_vs_sqlite"] is None for f in figures.values())
    assert figures["dependents"]["graph"]["size"] == "small"


def test_benchmarks_report_every_figure_on_postgresql_beside_sqlite(run: dict) -> None:
    if run["missing"]:
        pytest.skip(run["missing"])
    figures = _figures(run, "postgresql")
    _check(figures, run["stdout"])
    for name, figure in figures.items():
        assert figure["cost_ratio_vs_sqlite"] > 0, name
    assert figures["dependents"]["graph"]["size"] == "small"
    # every engine reached the same nodes from every start, from random and from asset revisions
    for name in ("dependents", "impact", "impact_deep"):
        assert figures[name]["engines"]["splice-postgresql"]["answers_differ_from_splice"] == 0, name
        assert figures[name]["disagreements"] == 0, name
    assert (figures["impact"]["among"], figures["impact_deep"]["depth"]) == ("assets", 10)
    assert "postgresql" in run["data"]["environment"]["engines"]
    assert "vs sqlite" in run["stdout"]
