"""``python -m benchmarks``: run every figure (or ``--only NAME``) on each engine, print, ``--json FILE``."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

from . import common
from .common import Figure, fmt, ratio_text
from .engines import ENGINES, POSTGRESQL, SQLITE, postgresql_missing, postgresql_server
from .studio_graph import SIZES

NAMES = ("resolve", "resolve_many", "publish", "dependents", "impact", "impact_deep")
TRAVERSAL = ("dependents", "impact", "impact_deep")  # one studio graph, one run of benchmarks.traversal
DEFAULT_SIZE = "full"
DEFAULT_ITEMS = 10_000  # resolve.ITEMS
COLUMN = 27  # width of one engine's column in a figure


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="splice benchmarks: each figure on each engine, with its goal and a baseline measured"
                    " in the same run.",
    )
    parser.add_argument("--only", action="append", metavar="NAME",
                        help=f"run only this figure (repeat or comma-separate): {', '.join(NAMES)}")
    parser.add_argument("--engines", metavar="LIST",
                        help=f"comma-separated splice engines: {', '.join(ENGINES)} (default: both when"
                             " psycopg and PostgreSQL's binaries, or --pg, are there; else sqlite)")
    parser.add_argument("--pg", metavar="URL",
                        help="a PostgreSQL database to use (postgresql://user:pw@host/db; schemas bench_*)"
                             " instead of a throwaway cluster started from the machine's binaries")
    sizes = ", ".join(f"{k} = {r:,} revisions / {e:,} edges" for k, (r, e) in SIZES.items())
    parser.add_argument("--size", choices=sorted(SIZES), default=None,
                        help=f"studio graph of the traversal figures (default {DEFAULT_SIZE}): {sizes}")
    parser.add_argument("--revisions", type=int, help="studio graph revisions (with --edges)")
    parser.add_argument("--edges", type=int, help="studio graph edges (with --revisions)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the studio graph and starts (default 1)")
    parser.add_argument("--starts", type=int, default=200, help="random starting revisions (default 200)")
    parser.add_argument("--items", type=int, default=DEFAULT_ITEMS,
                        help=f"items of the resolve store, krefs per round (default {DEFAULT_ITEMS:,})")
    parser.add_argument("--publishes", type=int, default=500,
                        help="publishes per timed round of publish (default 500)")
    parser.add_argument("--rounds", type=int, default=common.ROUNDS,
                        help=f"timed rounds of resolve, resolve_many and publish (default {common.ROUNDS})")
    parser.add_argument("--no-kuzu", action="store_true", help="leave kuzu out of the traversal comparison")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    only = [n.strip() for item in args.only or [] for n in item.split(",") if n.strip()]
    unknown = sorted(set(only) - set(NAMES))
    if unknown:
        parser.error(f"unknown figure {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    args.only = [n for n in NAMES if n in only] if only else list(NAMES)
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
    if args.items < 50:
        parser.error("--items must be at least 50")
    if args.rounds < 1 or args.publishes < 1:
        parser.error("--rounds and --publishes must be at least 1")
    args.engines_note = None
    args.engines_asked = args.engines is not None
    if args.engines is None:
        missing = postgresql_missing(need_binaries=not args.pg)
        args.engines = [SQLITE] if missing else [SQLITE, POSTGRESQL]
        args.engines_note = f"postgresql skipped: {missing}" if missing else None
    else:
        asked = [n.strip() for n in args.engines.split(",") if n.strip()]
        unknown = sorted(set(asked) - set(ENGINES))
        if unknown or not asked:
            parser.error(f"unknown engine {', '.join(unknown) or '(none)'}; choose from {', '.join(ENGINES)}")
        args.engines = [e for e in ENGINES if e in asked]
        if POSTGRESQL in args.engines:
            missing = postgresql_missing(need_binaries=not args.pg)
            if missing:
                parser.error(f"--engines postgresql: {missing}")
    if args.pg and POSTGRESQL not in args.engines:
        parser.error("--pg is a server for the postgresql engine: add postgresql to --engines")
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


def _result(f: Figure) -> str:
    return "PASS" if f.passed else "FAIL"


def show(group: list[Figure]) -> None:
    """One figure, its engines side by side: value and result, baseline, ratio; PostgreSQL/SQLite."""
    first = group[0]
    print(f"== {first.name}: {first.title}")
    cells = "   {:<11}" + f"{{:<{COLUMN}}}" * len(group) + "{}"

    def row(*values: str) -> str:
        return cells.format(*values).rstrip()

    print(row("", *(f.engine for f in group), ""))
    print(row("splice", *(f"{fmt(f.value, f.unit):>13}  {_result(f)}" for f in group),
                     f"goal {first.goal_text}"))
    print(row("baseline", *(f"{fmt(f.baseline_value, f.unit):>13}" for f in group), ""))
    print(row("ratio", *(ratio_text(f.ratio) for f in group), "(splice/baseline, time per operation)"))
    if any(f.vs_sqlite is not None for f in group):
        print(row("vs sqlite", *(ratio_text(f.vs_sqlite, "SQLite") if f.vs_sqlite is not None else ""
                                 for f in group), "(this engine/SQLite, same data)"))
    names = {f.baseline_name for f in group}
    if len(names) == 1:
        print(f"   baseline: {first.baseline_name}")
    else:
        for f in group:
            print(f"   baseline, {f.engine}: {f.baseline_name}")
    shared = [line for line in first.details if all(line in f.details for f in group)]
    for line in shared:
        print(f"   {line}")
    for f in group:
        for line in f.details:
            if line not in shared:
                print(f"   {f.engine}: {line}")
    print(flush=True)


def summary(figures: list[Figure]) -> None:
    print(f"{'figure':<14}{'engine':<12}{'measured':>12}  {'goal':<14}{'result':<8}{'baseline':>12}"
          f"  {'splice/baseline':>15}  {'vs sqlite':>9}   (ratios: cost, time per operation)")
    for f in figures:
        vs = f"{f.vs_sqlite:.2f}x" if f.vs_sqlite is not None else ""
        print(f"{f.name:<14}{f.engine:<12}{fmt(f.value, f.unit):>12}  {f.goal_text:<14}{_result(f):<8}"
              f"{fmt(f.baseline_value, f.unit):>12}  {f.ratio:>14.2f}x  {vs:>9}".rstrip())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    common.ROUNDS = args.rounds
    env = environment()
    print(f"splice {env['splice']} benchmarks · Python {env['python']} · SQLite {env['sqlite']} · "
          f"{env['cpus']} CPUs · load {env['load_average']} · {env['when']}")
    print(f"engines: {', '.join(args.engines)}" + (f" ({args.engines_note})" if args.engines_note else ""))
    print(f"figures: {', '.join(args.only)}", end="")
    if set(TRAVERSAL) & set(args.only):
        size = args.size_name or "custom"
        print(f" · studio graph: {size} ({args.revisions:,} revisions, {args.edges:,} edges,"
              f" seed {args.seed}) on {' and '.join(args.engines)}", end="")
    print("\n", flush=True)
    started = time.perf_counter()
    figures: list[Figure] = []
    timings: dict[str, float] = {}
    engines = list(args.engines)
    with tempfile.TemporaryDirectory(prefix="splice-bench-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        pg = None
        if POSTGRESQL in engines:
            try:
                pg = stack.enter_context(postgresql_server(args.pg))
            except Exception as exc:
                if args.engines_asked or args.pg:
                    raise
                engines.remove(POSTGRESQL)  # the default: carry on with SQLite, saying why
                args.engines_note = f"postgresql skipped: {type(exc).__name__}: {exc}"
                print(f"{args.engines_note}\n")
            else:
                env["postgresql"] = {"version": pg.version,
                                     "server": "throwaway cluster" if pg.throwaway else "--pg"}
            print(flush=True)

        def timed(section: str, engine: str, run) -> list[Figure]:
            t0 = time.perf_counter()
            new = run()
            timings[f"{section} {engine}"] = time.perf_counter() - t0
            return new

        def add(new: list[Figure]) -> None:
            for name in args.only:
                group = [f for f in new if f.name == name]
                if not group:
                    continue
                sqlite = next((f for f in group if f.engine == SQLITE), None)
                for f in group:
                    if f.engine != SQLITE and f.sqlite_value is None and sqlite is not None:
                        f.sqlite_value = sqlite.value  # the same store, built the same way
                figures.extend(group)
                show(group)

        if {"resolve", "resolve_many"} & set(args.only):
            from . import resolve

            add([f for e in engines
                 for f in timed("resolve", e, lambda e=e: resolve.run(work, e, pg, args.items))])
        if "publish" in args.only:
            from . import publish

            add([f for e in engines
                 for f in timed("publish", e, lambda e=e: publish.run(work, e, pg, args.publishes))])
        if set(TRAVERSAL) & set(args.only):
            from . import traversal

            add(timed("traversal", "+".join(engines), lambda: traversal.run(
                args.revisions, args.edges, args.seed, args.starts, not args.no_kuzu, args.size_name,
                engines=tuple(engines), pg=pg, only=tuple(n for n in TRAVERSAL if n in args.only))))
        stopping = time.perf_counter()
    if pg is not None and pg.throwaway:
        timings["postgresql cluster stop"] = time.perf_counter() - stopping
    elapsed = time.perf_counter() - started
    summary(figures)
    missed = [f"{f.name} ({f.engine})" for f in figures if not f.passed]
    disagree = sorted({f.name for f in figures if f.extra.get("disagreements")})
    print(f"\n{len(figures) - len(missed)} of {len(figures)} goals met"
          + (f"; missed: {', '.join(missed)}" if missed else "") + f" · {elapsed:.0f}s in all")
    print("time: " + ", ".join(f"{k} {v:.0f}s" for k, v in timings.items()))
    if args.json:
        env["engines"] = engines
        env["engines_note"] = args.engines_note
        Path(args.json).write_text(json.dumps(
            {"environment": env, "elapsed_seconds": elapsed, "seconds": timings,
             "figures": [f.as_dict() for f in figures]},
            indent=2,
        ) + "\n")
        print(f"wrote {args.json}")
    if disagree:  # a wrong answer is not a slow one: it fails the run, --strict or not
        print(f"FAILED: the engines disagree on {', '.join(disagree)} (see the '!!' lines above)")
        return 1
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
