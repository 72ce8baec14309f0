"""``python -m benchmarks.usd``: ``splice usd resolve`` on a layer stack of 1,000 kref references.

The stack: ``layout.usda`` with two sublayers (``set.usda``, ``anim.usda``), 1,000 prims
among them, each referencing a different published model
(``kref://bench/assets/aNNNN.model?t=published&a=usd``) in a SQLite store built through
splice. One round is what ``splice usd resolve LAYER -o OUT`` does in-process: open and
walk the stack (every kref and where it is), ONE ``resolve_many``, rewrite every layer
(``UsdUtils.ModifyAssetPaths``) and write the resolved copy.

Baseline, measured in the same run: the bare pass a hand-written script would make —
open the same three layers and run ``UsdUtils.ModifyAssetPaths`` over them with a Python
dict lookup (kref → location known in advance): no store, no listing, nothing written.
Also timed: the whole command as a process (``python -m splice usd resolve``), start-up
and ``pxr`` import included. Needs usd-core (``pip install 'splice[usd]'``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import percentile

REFERENCES = 1_000
GOAL_MS = 500.0  # p50 of one in-process resolve of the 1,000-reference stack
LAYERS = ("layout.usda", "set.usda", "anim.usda")


def kref_of(i: int) -> str:
    return f"kref://bench/assets/a{i:04d}.model?t=published&a=usd"


def build(folder: Path, refs: int) -> tuple[str, Path, dict[str, str]]:
    """The store (every model published once) and the stack; the store URL, the root layer
    and the baseline's table (kref → location)."""
    import splice

    url = f"sqlite:///{folder / 'store.db'}"
    client = splice.Client.open(url, user="bench")
    table = {}
    try:
        client.create_project("bench").create_space("assets")
        specs = []
        for i in range(refs):
            location = f"/mnt/show/assets/a{i:04d}/v001/model.usd"
            table[kref_of(i)] = location
            specs.append(
                {
                    "item": f"kref://bench/assets/a{i:04d}.model",
                    "create_item": True,
                    "artifacts": [{"name": "usd", "location": location}],
                    "tags": ["published"],
                }
            )
        for lo in range(0, refs, 500):
            client.batch_create_revisions(specs[lo : lo + 500])
    finally:
        client.close()
    per_layer = [range(k, refs, len(LAYERS)) for k in range(len(LAYERS))]
    for name, indexes in zip(LAYERS, per_layer, strict=True):
        head = "#usda 1.0\n"
        if name == "layout.usda":
            head += "(\n    subLayers = [@./set.usda@, @./anim.usda@]\n)\n"
        prims = "".join(
            f'    def Xform "a{i:04d}" (prepend references = @{kref_of(i)}@)\n    {{\n    }}\n'
            for i in indexes
        )
        (folder / name).write_text(f'{head}def Xform "World"\n{{\n{prims}}}\n', encoding="utf-8")
    return url, folder / "layout.usda", table


def _times(run: Callable[[int], Any], rounds: int, warmup: int = 1) -> list[float]:
    for i in range(warmup):
        run(-1 - i)
    out = []
    for i in range(rounds):
        gc.collect()  # the layers of the last round leave USD's registry: each round reads the files
        start = time.perf_counter()
        run(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _stats(ms: list[float]) -> dict[str, float]:
    return {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "max": max(ms)}


def run(refs: int, rounds: int, cli_rounds: int) -> dict[str, Any]:
    import splice
    from splice.usd import _pxr, resolve_stack, write_copy

    Sdf, UsdUtils = _pxr.modules()
    with tempfile.TemporaryDirectory(prefix="splice-bench-usd-") as tmp:
        folder = Path(tmp)
        url, root, table = build(folder, refs)
        client = splice.Client.open(url, user="bench")
        calls: list[int] = []
        real = client.backend.resolve_many

        def counting(krefs: Any) -> Any:
            calls.append(len(krefs))
            return real(krefs)

        client.backend.resolve_many = counting  # type: ignore[method-assign]
        parts: dict[str, list[float]] = {"walk+resolve_many": [], "rewrite+write": []}

        def splice_round(i: int) -> None:
            start = time.perf_counter()
            resolved = resolve_stack(root, client)
            mid = time.perf_counter()
            write_copy(resolved, folder / "out" / f"r{i}" / "layout.usda")
            if i >= 0:
                parts["walk+resolve_many"].append((mid - start) * 1000)
                parts["rewrite+write"].append((time.perf_counter() - mid) * 1000)

        def baseline_round(i: int) -> None:
            for name in LAYERS:
                layer = Sdf.Layer.OpenAsAnonymous(str(folder / name))
                UsdUtils.ModifyAssetPaths(layer, lambda p: table.get(p, p))

        try:
            splice_ms = _times(splice_round, rounds)
            base_ms = _times(baseline_round, rounds)
        finally:
            client.close()
        per_round = calls[-1] if calls else 0
        env = {**os.environ, "SPLICE_URL": url}
        cli_ms = []
        for i in range(cli_rounds):
            out = folder / "cli" / f"r{i}.usda"
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "splice", "usd", "resolve", str(root), "-o", str(out)],
                env=env,
                check=True,
                capture_output=True,
            )
            cli_ms.append((time.perf_counter() - start) * 1000)
        written = (folder / "out" / "r0" / "layout.usda").read_text()
    s, b = _stats(splice_ms), _stats(base_ms)
    return {
        "references": refs,
        "layers": len(LAYERS),
        "rounds": rounds,
        "resolve_many_calls_per_round": len(calls) // (rounds + 1),
        "krefs_per_resolve_many": per_round,
        "splice_ms": s,
        "parts_p50_ms": {k: percentile(v, 50) for k, v in parts.items()},
        "baseline_ms": b,
        "baseline": "Sdf.Layer.OpenAsAnonymous + UsdUtils.ModifyAssetPaths with a dict lookup, same 3 layers",
        "ratio_p50": s["p50"] / b["p50"],
        "cli_process_ms": _stats(cli_ms) if cli_ms else None,
        "goal_p50_ms": GOAL_MS,
        "passed": s["p50"] <= GOAL_MS and "kref://" not in written,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.usd", description=__doc__.split("\n\n")[0])
    parser.add_argument("--refs", type=int, default=REFERENCES, help=f"references (default {REFERENCES:,})")
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds (default 20)")
    parser.add_argument(
        "--cli-rounds", type=int, default=3, help="runs of the command as a process (default 3)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the goal is missed")
    args = parser.parse_args(argv)
    if args.refs < 3 or args.rounds < 1 or args.cli_rounds < 0:
        parser.error("--refs must be at least 3, --rounds at least 1, --cli-rounds at least 0")
    r = run(args.refs, args.rounds, args.cli_rounds)
    s, b = r["splice_ms"], r["baseline_ms"]
    print(
        f"splice usd resolve: {r['references']:,} kref references in {r['layers']} layers, "
        f"{r['rounds']} rounds, load {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores"
    )
    print(
        f"  resolve + write   p50 {s['p50']:.1f} ms  p95 {s['p95']:.1f} ms  max {s['max']:.1f} ms  "
        f"(goal p50 <= {GOAL_MS:g} ms)  {'PASS' if r['passed'] else 'FAIL'}"
    )
    print(
        f"    of which        walk + resolve_many {r['parts_p50_ms']['walk+resolve_many']:.1f} ms, "
        f"rewrite + write {r['parts_p50_ms']['rewrite+write']:.1f} ms (p50); "
        f"{r['resolve_many_calls_per_round']} resolve_many of {r['krefs_per_resolve_many']:,} krefs per round"
    )
    print(
        f"  baseline          p50 {b['p50']:.1f} ms  p95 {b['p95']:.1f} ms  max {b['max']:.1f} ms  "
        f"({r['baseline']})"
    )
    print(f"  ratio             {r['ratio_p50']:.2f}x the baseline's p50")
    if r["cli_process_ms"]:
        c = r["cli_process_ms"]
        print(
            f"  as a process      p50 {c['p50']:.0f} ms  max {c['max']:.0f} ms  "
            "(python -m splice usd resolve, start-up and pxr import included)"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2) + "\n")
    return 1 if args.strict and not r["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
