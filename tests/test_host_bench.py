"""``python -m benchmarks.hosts`` keeps running (a small scene, one round, no server)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("dvc_data")
pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def test_the_hosts_benchmark_runs(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.hosts", "--containers", "50", "--rounds", "1", "--size-mb", "1",
         "--no-server", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("scene inventory, 50 containers against latest")
    figures = json.loads(out.read_text())
    outdated = figures["outdated"]["sqlite"]
    assert outdated["round_trips"] == 1 and outdated["krefs_in_the_call"] == 100
    assert figures["publish"]["revisions"] == 4  # the warm-up and three timed publishes
