"""``python -m benchmarks.openassetio``: OpenAssetIO ``resolve`` of 10,000 references in one
batch, beside ``splice.resolve_many`` of the same krefs on the same store.

The store: a SQLite file in a temporary folder with ``--items`` model items (default 10,000),
each with one revision tagged ``published`` and an ``abc`` artifact; every reference is
``kref://bench/assets/aNNNNN.model?t=published``. The manager is the one an application
gets: found by OpenAssetIO's plug-in system (entry point), initialized with the store's URL.

- ``locatable``: resolve for LocatableContent (one round trip, as ``resolve_many``);
- ``versioned``: LocatableContent and Version (revision numbers too: two round trips), beside
  the same two reads made directly (``resolve_many`` + the engine's ``batch_get_revisions``).

Each figure: p50 / p95 / max of ``--rounds`` batches after one warm-up, and the ratio of
p50s to its baseline's (the cost of the standard's layer). Needs the
openassetio extra (``pip install 'splice[openassetio]'``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import percentile

GOAL_RATIO = 3.0  # OpenAssetIO's batch may cost at most 3x resolve_many's


def build_store(url: str, items: int) -> list[str]:
    from splice.client import Client

    with Client.open(url, user="bench") as client:
        client.create_project("bench").create_space("assets")
        krefs = [f"kref://bench/assets/a{i:05d}.model" for i in range(items)]
        for lo in range(0, items, 1000):
            client.batch_create_revisions(
                [
                    {
                        "item": k,
                        "artifacts": [
                            {"name": "abc", "location": f"/mnt/show/assets/a{i:05d}/v001/model.abc"}
                        ],
                        "tags": ["published"],
                        "create_item": True,
                    }
                    for i, k in enumerate(krefs[lo : lo + 1000], lo)
                ]
            )
    return [f"{k}?t=published" for k in krefs]


def manager_for(url: str):
    from openassetio import hostApi, log
    from openassetio.pluginSystem import PythonPluginSystemManagerImplementationFactory

    class Host(hostApi.HostInterface):
        def identifier(self) -> str:
            return "io.splice.benchmarks"

        def displayName(self) -> str:
            return "splice benchmarks"

    logger = log.SeverityFilter(log.ConsoleLogger())
    logger.setSeverity(log.LoggerInterface.Severity.kError)
    factory = PythonPluginSystemManagerImplementationFactory(logger)
    manager = hostApi.ManagerFactory.createManagerForInterface("io.splice.manager", Host(), factory, logger)
    manager.initialize({"store_url": url})
    return manager


def timings(run: Callable[[], None], rounds: int) -> list[float]:
    run()  # warm-up
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        out.append((time.perf_counter() - started) * 1000)
    return out


def stats(ms: list[float]) -> dict[str, float]:
    return {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "max": max(ms)}


def run(items: int, rounds: int) -> dict[str, Any]:
    from openassetio import access
    from openassetio_mediacreation.traits.content import LocatableContentTrait_v1
    from openassetio_mediacreation.traits.lifecycle import VersionTrait_v1

    from splice.client import Client
    from splice.kref import Kref

    with tempfile.TemporaryDirectory(prefix="splice-bench-oaio-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'store.db'}"
        krefs = build_store(url, items)
        manager = manager_for(url)
        context = manager.createContext()
        started = time.perf_counter()
        refs = [manager.createEntityReference(k) for k in krefs]
        make_refs_ms = (time.perf_counter() - started) * 1000

        def oaio(traits: set[str]) -> Callable[[], None]:
            def once() -> None:
                got: list[Any] = [None] * len(refs)
                manager.resolve(
                    refs,
                    traits,
                    access.ResolveAccess.kRead,
                    context,
                    got.__setitem__,
                    lambda idx, err: (_ for _ in ()).throw(RuntimeError(f"{krefs[idx]}: {err.message}")),
                )
                assert LocatableContentTrait_v1(got[-1]).getLocation().endswith("model.abc")

            return once

        with Client.open(url, user="bench") as client:
            baseline = stats(timings(lambda: client.resolve_many(krefs), rounds))
            locatable = stats(timings(oaio({LocatableContentTrait_v1.kId}), rounds))

            def both_reads() -> None:  # the same two reads the manager makes, without it
                client.resolve_many(krefs)
                client.backend.batch_get_revisions([Kref(k) for k in krefs])

            baseline_versioned = stats(timings(both_reads, rounds))
            versioned = stats(timings(oaio({LocatableContentTrait_v1.kId, VersionTrait_v1.kId}), rounds))
    out = {
        "items": items,
        "rounds": rounds,
        "make_references_ms": make_refs_ms,
        "resolve_many": baseline,
        "resolve_many_and_batch_get_revisions": baseline_versioned,
    }
    for name, figure, base in (
        ("locatable", locatable, baseline),
        ("versioned", versioned, baseline_versioned),
    ):
        ratio = figure["p50"] / base["p50"]
        out[name] = {**figure, "ratio": ratio, "goal_ratio": GOAL_RATIO, "passed": ratio <= GOAL_RATIO}
    return out


def _line(name: str, s: dict[str, float]) -> str:
    return f"  {name:<46} p50 {s['p50']:7.1f} ms   p95 {s['p95']:7.1f} ms   max {s['max']:7.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.openassetio", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--items", type=int, default=10_000, help="references per batch (default 10,000)")
    parser.add_argument("--rounds", type=int, default=20, help="timed batches per figure (default 20)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    if args.items < 1 or args.rounds < 1:
        parser.error("--items and --rounds must be at least 1")
    r = run(args.items, args.rounds)
    print(
        f"OpenAssetIO resolve of {r['items']:,} references in one batch, "
        f"{r['rounds']} rounds after 1 warm-up, "
        f"load {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores"
    )
    for name, title, base, base_title in (
        ("locatable", "resolve LocatableContent", "resolve_many", "splice.resolve_many"),
        (
            "versioned",
            "resolve LocatableContent+Version",
            "resolve_many_and_batch_get_revisions",
            "resolve_many + batch_get_revisions",
        ),
    ):
        f = r[name]
        print(_line(base_title + " (baseline)", r[base]))
        print(
            _line(title, f) + f"   {f['ratio']:.2f}x the baseline (goal <= {GOAL_RATIO:g}x)  "
            f"{'PASS' if f['passed'] else 'FAIL'}"
        )
    print(f"  (making the {r['items']:,} EntityReferences, once: {r['make_references_ms']:.1f} ms)")
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2) + "\n")
    return 1 if args.strict and not (r["locatable"]["passed"] and r["versioned"]["passed"]) else 0


if __name__ == "__main__":
    sys.exit(main())
