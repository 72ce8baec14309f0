"""The traversal figures on a generated studio graph, each timed per call after 20
warm-up calls, on each splice engine (the cached SQLite file itself, and the same graph
copied into a PostgreSQL schema, :mod:`benchmarks.pg_graph`):

- ``dependents``: ``get_all_dependents(max_depth=5)`` from about 200 random revisions (most
  of them leaves: a shot's comp has few dependents);
- ``impact`` and ``impact_deep``: what users ask, "what does a change to this asset
  affect": ``analyze_impact()`` from about 200 revisions of assets (models, textures, rigs,
  lookdevs) at depth 5 and at the SDK's default depth (10), judged on p95.

Side by side with the same question asked of:

- networkx, in memory: breadth-first search on the reverse adjacency to the same depth
  (``single_source_shortest_path_length(cutoff=…)`` on a DiGraph of target -> source),
  which answers with bare ids;
- kuzu (embedded graph database), when it installs: ``MATCH p = (a:Rev)<-[:DEP* SHORTEST
  1..D]-(b:Rev) WHERE a.id = $id RETURN b.id, length(p)``, prepared, one thread.

splice answers with krefs, depths and the edge type that reached each one. All must find
the same number of nodes from every start: a disagreement fails the run.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import os
import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import splice

from . import pg_graph, studio_graph
from .common import MS, Figure, fmt, percentile
from .engines import POSTGRESQL, SQLITE, PgServer

GOAL_MS = 20
DEPTH = 5
DEFAULT_DEPTH = 10  # splice.nodes.DEFAULT_MAX_DEPTH: what analyze_impact() walks when not told
ASSET_KINDS = ("model", "texture", "rig", "lookdev")
FIGURES = ("dependents", "impact", "impact_deep")


@dataclass(frozen=True)
class Scenario:
    """One traversal figure: where the walks start, how deep, and what is judged."""

    name: str
    title: str
    starts: str  # "random" revisions or "assets"
    depth: int
    judged: str  # "p50_ms" or "p95_ms"


SCENARIOS = (
    Scenario("dependents", f"get_all_dependents(max_depth={DEPTH}) on a studio graph, p50 over random starts",
             "random", DEPTH, "p50_ms"),
    Scenario("impact", f"analyze_impact(max_depth={DEPTH}) from asset revisions, p95", "assets", DEPTH,
             "p95_ms"),
    Scenario("impact_deep", f"analyze_impact() (default depth {DEFAULT_DEPTH}) from asset revisions, p95",
             "assets", DEFAULT_DEPTH, "p95_ms"),
)


def kuzu_query(depth: int) -> str:
    return f"MATCH p = (a:Rev)<-[:DEP* SHORTEST 1..{depth}]-(b:Rev) WHERE a.id = $id RETURN b.id, length(p)"


def _starts(
    path: Path, revisions: int, count: int, seed: int, among: str = "random"
) -> list[tuple[int, str]]:
    """(revision id, kref) of ``count`` random revisions, or of assets' revisions."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if among == "assets":
            marks = ",".join("?" * len(ASSET_KINDS))
            pool = [r for (r,) in conn.execute(
                f"SELECT r.id FROM revisions r JOIN items i ON i.id = r.item_id WHERE i.kind IN ({marks})"
                " ORDER BY r.id", ASSET_KINDS)]
            ids = random.Random(seed * 104729 + 3).sample(pool, min(count, len(pool)))
        else:
            ids = random.Random(seed * 7919 + 17).sample(range(1, revisions + 1), min(count, revisions))
        rows = {}
        for rid in ids:
            row = conn.execute(
                "SELECT i.path, r.number FROM revisions r JOIN items i ON i.id = r.item_id WHERE r.id = ?",
                (rid,),
            ).fetchone()
            rows[rid] = f"kref://{row[0]}?r={row[1]}"
    finally:
        conn.close()
    return [(rid, rows[rid]) for rid in ids]


def _timed(
    query: Callable[[int, object], int], starts: list[tuple[int, object]]
) -> tuple[list[float], list[int]]:
    times, sizes = [], []
    clock = time.perf_counter
    for rid, handle in starts:
        started = clock()
        n = query(rid, handle)
        times.append((clock() - started) * 1000)
        sizes.append(n)
    return times, sizes


def _stats(times: list[float]) -> dict[str, float]:
    return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
            "mean_ms": statistics.fmean(times), "max_ms": max(times)}


Starts = dict[str, list[tuple[int, object]]]  # scenario name -> (revision id, handle), warm-up first


def _networkx(path: Path, starts: Starts, log) -> dict[str, dict]:
    """Per scenario: times and counts of a BFS on the reverse adjacency in memory."""
    try:
        import networkx as nx
    except ImportError as exc:
        why = f"networkx is not installed ({exc}); pip install networkx"
        return {name: {"skipped": why} for name in starts}
    started = time.perf_counter()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    graph = nx.DiGraph()
    graph.add_edges_from(conn.execute("SELECT target_id, source_id FROM edges"))  # reverse adjacency
    conn.close()
    built = time.perf_counter() - started
    log(f"  networkx: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges in memory,"
        f" built in {built:.1f}s")
    bfs = nx.single_source_shortest_path_length
    out = {}
    for scenario in SCENARIOS:
        if scenario.name not in starts:
            continue

        def query(rid: int, _: object, depth: int = scenario.depth) -> int:
            return len(bfs(graph, rid, cutoff=depth)) - 1 if rid in graph else 0

        times, sizes = _timed(query, starts[scenario.name])
        out[scenario.name] = {"times": times, "sizes": sizes, "setup": f"built in memory in {built:.1f}s",
                              "setup_seconds": built}
    return out


def _kuzu(graph: studio_graph.StudioGraph, starts: Starts, log) -> dict[str, dict]:
    """Per scenario: times and counts of kuzu's shortest-path match, prepared, one thread."""
    try:
        import kuzu
    except ImportError as exc:
        return {name: {"skipped": f"kuzu is not installed ({exc}); pip install kuzu"} for name in starts}
    version = getattr(kuzu, "__version__", "?")
    db_path = graph.path.with_name(f"{graph.path.stem}-kuzu{version}.kz")
    setup = f"cached {db_path.name}"
    setup_seconds = 0.0
    out = {}
    try:
        if not db_path.exists():
            started = time.perf_counter()
            _load_kuzu(kuzu, graph.path, db_path)
            setup_seconds = time.perf_counter() - started
            setup = f"loaded from the SQLite file in {setup_seconds:.1f}s"
            log(f"  kuzu {version}: {setup}")
        db = kuzu.Database(str(db_path), buffer_pool_size=1 << 30, read_only=True)
        conn = kuzu.Connection(db, num_threads=1)
        for scenario in SCENARIOS:
            if scenario.name not in starts:
                continue
            prepared = conn.prepare(kuzu_query(scenario.depth))

            def query(rid: int, _: object, prepared=prepared) -> int:
                return len(conn.execute(prepared, {"id": rid}).get_all())

            times, sizes = _timed(query, starts[scenario.name])
            out[scenario.name] = {"times": times, "sizes": sizes, "setup": setup,
                                  "setup_seconds": setup_seconds, "version": version}
        conn.close()
        db.close()
    except Exception as exc:  # a kuzu that installs but does not run here
        return {name: {"skipped": f"kuzu {version} failed: {type(exc).__name__}: {exc}"} for name in starts}
    return out


def _load_kuzu(kuzu, sqlite_path: Path, db_path: Path) -> None:
    tmp = db_path.with_name(db_path.name + ".tmp")
    nodes, edges = tmp.with_suffix(".nodes.csv"), tmp.with_suffix(".edges.csv")
    for p in (tmp, Path(f"{tmp}.wal")):
        p.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
        with open(nodes, "w", newline="") as f:
            csv.writer(f).writerows(conn.execute("SELECT id FROM revisions"))
        with open(edges, "w", newline="") as f:
            csv.writer(f).writerows(conn.execute("SELECT source_id, target_id, edge_type FROM edges"))
        conn.close()
        db = kuzu.Database(str(tmp), buffer_pool_size=1 << 30)
        kconn = kuzu.Connection(db, num_threads=2)
        kconn.execute("CREATE NODE TABLE Rev(id INT64, PRIMARY KEY(id))")
        kconn.execute("CREATE REL TABLE DEP(FROM Rev TO Rev, edge_type STRING)")
        kconn.execute(f"COPY Rev FROM '{nodes}' (header=false)")
        kconn.execute(f"COPY DEP FROM '{edges}' (header=false)")
        kconn.close()
        db.close()
        os.replace(tmp, db_path)
    finally:
        for p in (nodes, edges, tmp, Path(f"{tmp}.wal")):
            with contextlib.suppress(OSError):
                p.unlink()


def _splice(url: str, picked: dict[str, list[tuple[int, str]]]) -> dict[str, dict]:
    """Per scenario: times and counts of splice at ``url`` (each scenario's first 20 warm up)."""
    client = splice.connect(url, user="bench")
    out = {}
    try:
        for scenario in SCENARIOS:
            if scenario.name not in picked:
                continue
            revs = splice.batch_get_revisions([k for _, k in picked[scenario.name]])
            handles = [(rid, rev) for (rid, _), rev in zip(picked[scenario.name], revs, strict=True)]

            def query(_: int, rev, depth: int = scenario.depth, assets: bool = scenario.starts == "assets"
                      ) -> int:
                if assets:  # what users ask of an asset
                    return len(rev.analyze_impact(max_depth=depth))
                return len(rev.get_all_dependents(max_depth=depth))

            _timed(query, handles[:20])
            times, sizes = _timed(query, handles[20:])
            out[scenario.name] = {"times": times, "sizes": sizes}
    finally:
        client.close()
    return out


def run(revisions: int, edges: int, seed: int = 1, starts: int = 200, kuzu: bool = True,
        size_name: str | None = None, log=print, engines: tuple[str, ...] = (SQLITE,),
        pg: PgServer | None = None, only: tuple[str, ...] = FIGURES) -> list[Figure]:
    """For each scenario in ``only``, one figure per splice engine in ``engines``, on one graph,
    with one set of baselines."""
    label = f"{size_name} " if size_name else ""
    log(f"  graph size: {label}{revisions:,} revisions, {edges:,} edges, seed {seed}")
    graph = studio_graph.ensure(revisions, edges, seed, log)
    made = (f"generated in {graph.generated_seconds:.1f}s" if graph.generated_seconds is not None
            else f"cached {graph.path.name}")
    log(f"  store: {graph.shows} shows, {graph.items:,} items; {made}")

    urls = {SQLITE: (str(graph.path), made, graph.generated_seconds or 0.0)}
    if POSTGRESQL in engines:  # loaded before anything is timed
        assert pg is not None
        urls[POSTGRESQL] = pg_graph.load(pg, graph, log)

    scenarios = [sc for sc in SCENARIOS if sc.name in only]
    picked = {sc.name: _starts(graph.path, revisions, starts + 20, seed, sc.starts) for sc in scenarios}
    todo: Starts = {name: [(rid, None) for rid, _ in p[20:]] for name, p in picked.items()}
    results: dict[str, dict[str, dict]] = {}  # who -> scenario -> times, sizes
    for engine in engines:
        url, setup, seconds = urls[engine]
        timed = _splice(url, picked)
        results[f"splice-{engine}"] = {
            name: {**got, "setup": setup, "setup_seconds": seconds} for name, got in timed.items()
        }
    warm = {name: [(rid, None) for rid, _ in p[:20]] for name, p in picked.items()}
    results["networkx"] = _networkx(graph.path, {n: warm[n] + todo[n] for n in todo}, log)
    gc.collect()  # let the in-memory graph go before kuzu
    results["kuzu"] = (_kuzu(graph, {n: warm[n] + todo[n] for n in todo}, log) if kuzu
                       else {name: {"skipped": "--no-kuzu"} for name in todo})
    for who in ("networkx", "kuzu"):  # their warm-up calls are not timed
        for got in results[who].values():
            if "times" in got:
                got["times"], got["sizes"] = got["times"][20:], got["sizes"][20:]
    graph_info = {"size": size_name, "revisions": revisions, "edges": edges, "seed": seed,
                  "shows": graph.shows, "items": graph.items, "generated_seconds": graph.generated_seconds}
    figures = []
    for sc in scenarios:
        figures += _figures(sc, {who: got[sc.name] for who, got in results.items()}, engines, urls,
                            f"{label}{revisions:,} revisions, {edges:,} edges ({graph.shows} shows,"
                            f" {graph.items:,} items), {made}", graph_info, len(todo[sc.name]))
    return figures


def _figures(sc: Scenario, results: dict[str, dict], engines: tuple[str, ...], urls: dict,
             graph_text: str, graph_info: dict, count: int) -> list[Figure]:
    """The figures of one scenario: each engine's judged percentile beside networkx's."""
    first = results[f"splice-{engines[0]}"]
    sizes = first["sizes"]
    judged = {engine: _stats(results[f"splice-{engine}"]["times"])[sc.judged] for engine in engines}
    what = "random revisions" if sc.starts == "random" else f"asset revisions ({', '.join(ASSET_KINDS)})"
    details = [f"graph: {graph_text}; {count} starts among {what}, 20 warm-up; depth {sc.depth}"
               + (f"; the same on {' and '.join(engines)}" if len(engines) > 1 else ""),
               f"nodes reached per start: median {statistics.median(sizes):g}, p95 {percentile(sizes, 95):g},"
               f" max {max(sizes):,} (mean {statistics.fmean(sizes):.0f})"]
    short = sc.judged.split("_")[0]
    ratio_heads = "".join(f"{e + '/it ' + short:>19}" for e in engines)
    details.append(f"{'engine':<20}{'p50':>11}{'p95':>11}{'mean':>11}{'max':>11}{ratio_heads}   setup")
    extra: dict = {"graph": graph_info, "starts": count, "depth": sc.depth, "among": sc.starts,
                   "judged": sc.judged, "engines": {}, "disagreements": 0}
    for name, got in results.items():
        shown = f"{name} {got.get('version', '')}".strip()
        if "skipped" in got:
            details.append(f"{shown:<20}skipped: {got['skipped']}")
            extra["engines"][name] = {"skipped": got["skipped"]}
            continue
        s = _stats(got["times"])
        ratios = "".join(f"{judged[e] / s[sc.judged]:>18.2f}x" for e in engines)
        details.append(f"{shown:<20}{fmt(s['p50_ms'], MS):>11}{fmt(s['p95_ms'], MS):>11}"
                       f"{fmt(s['mean_ms'], MS):>11}{fmt(s['max_ms'], MS):>11}{ratios}   {got['setup']}")
        differ = sum(a != b for a, b in zip(got["sizes"], sizes, strict=True))
        extra["engines"][name] = {**s, "setup": got["setup"], "setup_seconds": got["setup_seconds"],
                                  "answers_differ_from_splice": differ}
        extra["disagreements"] += differ
        if differ:
            details.append(f"{'':<20}!! {differ} of {len(sizes)} starts reached a different number"
                           f" of nodes than splice-{engines[0]}")
    if not extra["disagreements"]:
        details.append("every engine reached the same number of nodes from every start")
    base = results["networkx"]
    base_value = _stats(base["times"])[sc.judged] if "times" in base else float("nan")
    return [
        Figure(
            sc.name, sc.title, judged[engine], MS, GOAL_MS,
            f"networkx BFS to depth {sc.depth} in memory, {short}", base_value, engine=engine,
            sqlite_value=judged.get(SQLITE), details=details,
            extra={**extra, "setup": urls[engine][1], "setup_seconds": urls[engine][2]},
        )
        for engine in engines
    ]
