"""``python -m benchmarks.pin``: ``splice pin`` of 1,000 krefs, and ``splice pin check`` of it.

The store: 1,000 published models (``kref://bench/assets/aNNNN.model``), each with one
artifact at a path on disk, in a SQLite store built through splice. One round of ``make``
pins ``?t=published&a=usd`` of each (what ``splice pin KREF… -o FILE`` does in-process:
the store's cursor, ONE ``batch_get_revisions``, each artifact read for its location and
content hash); one round of ``check`` verifies that manifest against the store.

Baseline, measured in the same run: ``splice.resolve_many`` of the same 1,000 krefs (the
locations alone, one statement). Pinning reads more (the revisions, then an artifact per
entry): the ratio says what that costs.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import percentile

KREFS = 1_000
GOAL_MS = 500.0  # p50 of pinning 1,000 krefs: well inside a farm job's start


def build(folder: Path, count: int) -> str:
    """The store, every model published once with a file on disk; its URL."""
    import splice

    url = f"sqlite:///{folder / 'store.db'}"
    client = splice.Client.open(url, user="bench")
    try:
        client.create_project("bench").create_space("assets")
        specs = []
        for i in range(count):
            path = folder / "published" / f"a{i:04d}.usda"
            path.parent.mkdir(exist_ok=True)
            path.write_text(f'#usda 1.0\ndef "a{i:04d}" {{}}\n', encoding="utf-8")
            specs.append(
                {
                    "item": f"kref://bench/assets/a{i:04d}.model",
                    "create_item": True,
                    "artifacts": [{"name": "usd", "location": str(path)}],
                    "tags": ["published"],
                }
            )
        for lo in range(0, count, 500):
            client.batch_create_revisions(specs[lo : lo + 500])
    finally:
        client.close()
    return url


def _times(run: Callable[[], Any], rounds: int) -> list[float]:
    run()  # warm
    out = []
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        run()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _stats(ms: list[float]) -> dict[str, float]:
    return {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "max": max(ms)}


def run(count: int, rounds: int) -> dict[str, Any]:
    import splice
    from splice.pin.check import check
    from splice.pin.make import make
    from splice.pin.sources import from_kref

    with tempfile.TemporaryDirectory(prefix="splice-bench-pin-") as tmp:
        url = build(Path(tmp), count)
        client = splice.Client.open(url, user="bench")
        try:
            krefs = [f"kref://bench/assets/a{i:04d}.model?t=published&a=usd" for i in range(count)]
            sources = [from_kref(k) for k in krefs]
            made: list[Any] = []
            make_ms = _times(lambda: made.append(make(client, sources)), rounds)
            manifest = made[-1]
            check_ms = _times(lambda: check(manifest, client), rounds)
            base_ms = _times(lambda: client.resolve_many(krefs), rounds)
            entries = len(manifest.entries)
        finally:
            client.close()
    return {
        "krefs": count,
        "entries": entries,
        "rounds": rounds,
        "make_ms": _stats(make_ms),
        "check_ms": _stats(check_ms),
        "baseline_resolve_many_ms": _stats(base_ms),
        "goal_p50_ms": GOAL_MS,
        "passed": percentile(make_ms, 50) <= GOAL_MS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pin", description=__doc__.splitlines()[0])
    parser.add_argument("--krefs", type=int, default=KREFS, help=f"krefs pinned (default {KREFS:,})")
    parser.add_argument("--rounds", type=int, default=10, help="timed rounds (default 10)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    args = parser.parse_args(argv)
    if args.krefs < 1 or args.rounds < 1:
        parser.error("--krefs and --rounds must be at least 1")
    got = run(args.krefs, args.rounds)
    base = got["baseline_resolve_many_ms"]
    print(f"pin: {got['krefs']:,} krefs, {got['entries']:,} entries, {got['rounds']} rounds")
    for label, key in (("splice pin (make)", "make_ms"), ("splice pin check", "check_ms")):
        s = got[key]
        print(
            f"  {label:<20} p50 {s['p50']:8.1f} ms  p95 {s['p95']:8.1f} ms  max {s['max']:8.1f} ms"
            f"  {s['p50'] / base['p50']:5.1f}x resolve_many"
        )
    print(
        f"  {'resolve_many':<20} p50 {base['p50']:8.1f} ms  p95 {base['p95']:8.1f} ms"
        f"  max {base['max']:8.1f} ms  (baseline, same krefs)"
    )
    print(f"  goal: make p50 <= {GOAL_MS:.0f} ms: {'PASS' if got['passed'] else 'FAIL'}")
    if args.json:
        Path(args.json).write_text(json.dumps(got, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
