"""The benchmark command keeps running (its figures are read by people, not asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def test_benchmarks_run_at_the_small_size_and_report_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--size", "small", "--no-kuzu", "--starts", "20",
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    figures = {f["name"]: f for f in json.loads(out.read_text())["figures"]}
    assert set(figures) == {"resolve", "resolve_many", "publish", "dependents"}
    for name, figure in figures.items():
        assert figure["value"] > 0, name
        assert figure["baseline"]["value"] > 0, name
        assert name in proc.stdout
