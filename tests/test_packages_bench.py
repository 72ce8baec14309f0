"""``python -m benchmarks.packages`` keeps running (a small workspace, one round, no pip)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("hatchling")
pytest.importorskip("uv")
pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def test_the_packages_benchmark_runs(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.packages", "--packages", "5", "--rounds", "1", "--no-pip",
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("workspace of 5 asset packages from a folder repo")
    seconds = json.loads(out.read_text())["seconds"]
    assert set(seconds) == {"splice_warm", "uv_warm", "splice_cold", "uv_cold"}
    assert all(v > 0 for v in seconds.values())
