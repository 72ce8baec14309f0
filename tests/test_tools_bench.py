"""``python -m benchmarks.tools`` keeps running (tiny sizes, one round): the figures, not their speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("qtpy")
pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def test_the_tools_benchmark_runs(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.tools", "--items", "200", "--containers", "50", "--rounds", "1",
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr  # 1: a goal missed on a busy machine
    assert proc.stdout.startswith("tools: 200 items, 1,000 revisions"), proc.stdout + proc.stderr
    figures = json.loads(out.read_text())
    loader = figures["loader"]
    assert loader["items_shown"] == 20 and loader["spaces_shown"] == 11 and loader["lazy"] is True
    assert loader["first_paint"]["n"] == loader["baseline_search"]["n"] == 1
    inventory = figures["inventory"]
    assert inventory["rows"] == 50 and inventory["round_trips"] == 1
    assert inventory["store_calls"] == {"batch_get_revisions": 1}
    assert inventory["shown"]["n"] == inventory["baseline_check"]["n"] == 1
    assert {"loader", "inventory"} <= set(figures["open"]["windows"])
    for stats in (loader["first_paint"], inventory["shown"], *figures["open"]["windows"].values()):
        assert {"p50", "p95", "max", "n"} <= set(stats)
