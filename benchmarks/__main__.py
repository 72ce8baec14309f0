"""``python -m benchmarks``: run every figure (or ``--only NAME``), print, and ``--json FILE``."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from .common import Figure, fmt, ratio_text
from .studio_graph import SIZES

NAMES = ("resolve", "resolve_many", "publish", "dependents")
DEFAULT_SIZE = "full"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="splice benchmarks: each figure with its goal and a baseline measured in the same run.",
    )
    parser.add_argument("--only", action="append", metavar="NAME",
                        help=f"run only this figure (repeat or comma-separate): {', '.join(NAMES)}")
    sizes = ", ".join(f"{k} = {r:,} revisions / {e:,} edges" for k, (r, e) in SIZES.items())
    parser.add_argument("--size", choices=sorted(SIZES), default=None,
                        help=f"studio graph for 'dependents' (default {DEFAULT_SIZE}): {sizes}")
    parser.add_argument("--revisions", type=int, help="studio graph revisions (with --edges)")
    parser.add_argument("--edges", type=int, help="studio graph edges (with --revisions)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the studio graph and starts (default 1)")
    parser.add_argument("--starts", type=int, default=200, help="random starting revisions (default 200)")
    parser.add_argument("--no-kuzu", action="store_true", help="leave kuzu out of the traversal comparison")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    only = [n.strip() for item in args.only or [] for n in item.split(",") if n.strip()]
    unknown = sorted(set(only) - set(NAMES))
    if unknown:
        parser.error(f"unknown figure {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    args.only = only or list(NAMES)
    if (args.revisions is None) != (args.edges is None):
        parser.error("--revisions and --edges go together")
    if args.revisions is not None:
        if args.size:
            parser.error("give either --size or --revisions/--edges")
        if args.revisions < 100 or args.edges < 0:
            parser.error("--revisions must be at least 100 and --edges at least 0")
        args.size_name = None
    else:
        args.size_name = args.size or DEFAULT_SIZE
        args.revisions, args.edges = SIZES[args.size_name]
    if args.starts < 1:
        parser.error("--starts must be at least 1")
    return args


def environment() -> dict:
    import splice

    return {
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "splice": splice.__version__,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


def show(figure: Figure) -> None:
    print(f"== {figure.name}: {figure.title}")
    print(f"   {'splice':<10}{fmt(figure.value, figure.unit):>14}   goal {figure.goal_text:<14}"
          f"{'PASS' if figure.passed else 'FAIL'}")
    print(f"   {'baseline':<10}{fmt(figure.baseline_value, figure.unit):>14}   {figure.baseline_name}")
    print(f"   {'ratio':<10}{ratio_text(figure.ratio)}")
    for line in figure.details:
        print(f"   {line}")
    print(flush=True)


def summary(figures: list[Figure]) -> None:
    print(f"{'figure':<14}{'measured':>14}  {'goal':<14}{'result':<8}{'baseline':>14}"
          "  ratio (splice/baseline cost)")
    for f in figures:
        print(f"{f.name:<14}{fmt(f.value, f.unit):>14}  {f.goal_text:<14}{'PASS' if f.passed else 'FAIL':<8}"
              f"{fmt(f.baseline_value, f.unit):>14}  {f.ratio:.2f}x")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = environment()
    print(f"splice {env['splice']} benchmarks · Python {env['python']} · SQLite {env['sqlite']} · "
          f"{env['cpus']} CPUs · load {env['load_average']} · {env['when']}")
    print(f"figures: {', '.join(args.only)}", end="")
    if "dependents" in args.only:
        size = args.size_name or "custom"
        print(f" · studio graph: {size} ({args.revisions:,} revisions, {args.edges:,} edges,"
              f" seed {args.seed})", end="")
    print("\n", flush=True)
    started = time.perf_counter()
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="splice-bench-") as tmp:
        work = Path(tmp)

        def add(new: list[Figure]) -> None:
            for figure in new:
                if figure.name in args.only:
                    figures.append(figure)
                    show(figure)

        if {"resolve", "resolve_many"} & set(args.only):
            from . import resolve

            add(resolve.run(work))
        if "publish" in args.only:
            from . import publish

            add(publish.run(work))
        if "dependents" in args.only:
            from . import traversal

            add(traversal.run(args.revisions, args.edges, args.seed, args.starts, not args.no_kuzu,
                              args.size_name))
    elapsed = time.perf_counter() - started
    summary(figures)
    missed = [f.name for f in figures if not f.passed]
    print(f"\n{len(figures) - len(missed)} of {len(figures)} goals met"
          + (f"; missed: {', '.join(missed)}" if missed else "") + f" · {elapsed:.0f}s in all")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"environment": env, "elapsed_seconds": elapsed, "figures": [f.as_dict() for f in figures]},
            indent=2,
        ) + "\n")
        print(f"wrote {args.json}")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
