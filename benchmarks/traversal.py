"""Figure 4: ``get_all_dependents(max_depth=5)`` on a generated studio graph.

Timed per call from about 200 random starting revisions (after 20 warm-up
calls from others), on each splice engine: the cached SQLite file itself, and
the same graph copied into a PostgreSQL schema (:mod:`benchmarks.pg_graph`),
side by side with the same question asked of:

- networkx, in memory: breadth-first search on the reverse adjacency to depth
  5 (``single_source_shortest_path_length(cutoff=5)`` on a DiGraph of
  target -> source), which answers with bare ids;
- kuzu (embedded graph database), when it installs: ``MATCH p =
  (a:Rev)<-[:DEP* SHORTEST 1..5]-(b:Rev) WHERE a.id = $id RETURN b.id,
  length(p)``, prepared, one thread.

splice answers with krefs, depths and the edge type that reached each one.
All must find the same number of dependents from every start.
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
from pathlib import Path

import splice

from . import pg_graph, studio_graph
from .common import MS, Figure, fmt, percentile
from .engines import POSTGRESQL, SQLITE, PgServer

GOAL_P50 = 20  # ms
DEPTH = 5
KUZU_QUERY = (
    f"MATCH p = (a:Rev)<-[:DEP* SHORTEST 1..{DEPTH}]-(b:Rev) WHERE a.id = $id RETURN b.id, length(p)"
)


def _starts(path: Path, revisions: int, count: int, seed: int) -> list[tuple[int, str]]:
    """(revision id, kref) of ``count`` random revisions."""
    ids = random.Random(seed * 7919 + 17).sample(range(1, revisions + 1), min(count, revisions))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
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


def _networkx(path: Path, warm: list, starts: list, log) -> dict:
    try:
        import networkx as nx
    except ImportError as exc:
        return {"skipped": f"networkx is not installed ({exc}); pip install networkx"}
    started = time.perf_counter()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    graph = nx.DiGraph()
    graph.add_edges_from(conn.execute("SELECT target_id, source_id FROM edges"))  # reverse adjacency
    conn.close()
    built = time.perf_counter() - started
    log(f"  networkx: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges in memory,"
        f" built in {built:.1f}s")
    bfs = nx.single_source_shortest_path_length

    def query(rid: int, _: object) -> int:
        return len(bfs(graph, rid, cutoff=DEPTH)) - 1 if rid in graph else 0

    _timed(query, warm)
    times, sizes = _timed(query, starts)
    return {"times": times, "sizes": sizes, "setup": f"built in memory in {built:.1f}s",
            "setup_seconds": built}


def _kuzu(graph: studio_graph.StudioGraph, warm: list, starts: list, log) -> dict:
    try:
        import kuzu
    except ImportError as exc:
        return {"skipped": f"kuzu is not installed ({exc}); pip install kuzu"}
    version = getattr(kuzu, "__version__", "?")
    db_path = graph.path.with_name(f"{graph.path.stem}-kuzu{version}.kz")
    setup = f"cached {db_path.name}"
    setup_seconds = 0.0
    try:
        if not db_path.exists():
            started = time.perf_counter()
            _load_kuzu(kuzu, graph.path, db_path)
            setup_seconds = time.perf_counter() - started
            setup = f"loaded from the SQLite file in {setup_seconds:.1f}s"
            log(f"  kuzu {version}: {setup}")
        db = kuzu.Database(str(db_path), buffer_pool_size=1 << 30, read_only=True)
        conn = kuzu.Connection(db, num_threads=1)
        prepared = conn.prepare(KUZU_QUERY)

        def query(rid: int, _: object) -> int:
            return len(conn.execute(prepared, {"id": rid}).get_all())

        _timed(query, warm)
        times, sizes = _timed(query, starts)
        conn.close()
        db.close()
    except Exception as exc:  # a kuzu that installs but does not run here
        return {"skipped": f"kuzu {version} failed: {type(exc).__name__}: {exc}"}
    return {"times": times, "sizes": sizes, "setup": setup, "setup_seconds": setup_seconds,
            "version": version}


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


def _splice(url: str, picked: list[tuple[int, str]]) -> dict:
    """Times and dependents counts of splice at ``url`` from the starts (the first 20 warm up)."""
    client = splice.connect(url, user="bench")
    try:
        revs = splice.batch_get_revisions([k for _, k in picked])
        handles = [(rid, rev) for (rid, _), rev in zip(picked, revs, strict=True)]

        def query(_: int, rev) -> int:
            return len(rev.get_all_dependents(max_depth=DEPTH))

        _timed(query, handles[:20])
        times, sizes = _timed(query, handles[20:])
    finally:
        client.close()
    return {"times": times, "sizes": sizes}


def run(revisions: int, edges: int, seed: int = 1, starts: int = 200, kuzu: bool = True,
        size_name: str | None = None, log=print, engines: tuple[str, ...] = (SQLITE,),
        pg: PgServer | None = None) -> list[Figure]:
    """One figure per splice engine in ``engines``, on one graph, with one set of baselines."""
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

    picked = _starts(graph.path, revisions, starts + 20, seed)
    warm = [(rid, None) for rid, _ in picked[:20]]
    todo = [(rid, None) for rid, _ in picked[20:]]
    results: dict[str, dict] = {}
    for engine in engines:
        url, setup, seconds = urls[engine]
        results[f"splice-{engine}"] = {**_splice(url, picked), "setup": setup, "setup_seconds": seconds}
    results["networkx"] = _networkx(graph.path, warm, todo, log)
    gc.collect()  # let the in-memory graph go before kuzu
    results["kuzu"] = (_kuzu(graph, warm, todo, log) if kuzu
                       else {"skipped": "--no-kuzu"})

    first = results[f"splice-{engines[0]}"]
    sizes = first["sizes"]
    p50s = {engine: _stats(results[f"splice-{engine}"]["times"])["p50_ms"] for engine in engines}
    details = [f"graph: {label}{revisions:,} revisions, {edges:,} edges ({graph.shows} shows,"
               f" {graph.items:,} items), {made}; {len(todo)} random starts, 20 warm-up"
               + (f"; the same on {' and '.join(engines)}" if len(engines) > 1 else ""),
               f"dependents per start: median {statistics.median(sizes):g}, p95 {percentile(sizes, 95):g},"
               f" max {max(sizes):,} (mean {statistics.fmean(sizes):.0f})"]
    ratio_heads = "".join(f"{e + '/it p50':>19}" for e in engines)
    details.append(f"{'engine':<20}{'p50':>11}{'p95':>11}{'mean':>11}{'max':>11}{ratio_heads}   setup")
    extra: dict = {"graph": {"size": size_name, "revisions": revisions, "edges": edges, "seed": seed,
                             "shows": graph.shows, "items": graph.items,
                             "generated_seconds": graph.generated_seconds},
                   "starts": len(todo), "engines": {}}
    for name, got in results.items():
        shown = f"{name} {got.get('version', '')}".strip()
        if "skipped" in got:
            details.append(f"{shown:<20}skipped: {got['skipped']}")
            extra["engines"][name] = {"skipped": got["skipped"]}
            continue
        s = _stats(got["times"])
        ratios = "".join(f"{p50s[e] / s['p50_ms']:>18.2f}x" for e in engines)
        details.append(f"{shown:<20}{fmt(s['p50_ms'], MS):>11}{fmt(s['p95_ms'], MS):>11}"
                       f"{fmt(s['mean_ms'], MS):>11}{fmt(s['max_ms'], MS):>11}{ratios}   {got['setup']}")
        differ = sum(a != b for a, b in zip(got["sizes"], sizes, strict=True))
        extra["engines"][name] = {**s, "setup": got["setup"], "setup_seconds": got["setup_seconds"],
                                  "answers_differ_from_splice": differ}
        if differ:
            details.append(f"{'':<20}!! {differ} of {len(sizes)} starts found a different number"
                           f" of dependents than splice-{engines[0]}")
    if all("skipped" in r or r["sizes"] == sizes for r in results.values()):
        details.append("every engine found the same dependents count from every start")

    base = results["networkx"]
    base_p50 = _stats(base["times"])["p50_ms"] if "times" in base else float("nan")
    return [
        Figure(
            "dependents",
            f"get_all_dependents(max_depth={DEPTH}) on a studio graph, p50 over random starts",
            p50s[engine], MS, GOAL_P50,
            "networkx BFS to depth 5 in memory, p50", base_p50, engine=engine,
            sqlite_value=p50s.get(SQLITE), details=details,
            extra={**extra, "setup": urls[engine][1], "setup_seconds": urls[engine][2]},
        )
        for engine in engines
    ]
