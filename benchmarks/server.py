"""``python -m benchmarks.server``: the splice server's figures (issue 3, "Benchmarks").

Real ``splice serve`` subprocesses on 127.0.0.1 (free ports): one on SQLite (one
worker) and, when PostgreSQL is installed, one on a throwaway PostgreSQL cluster
(``local_cluster()``) with ``--workers 2``. Each gets a tenant ``bench`` and an admin
token made with the server's own admin tooling (``splice tenant add``, ``splice
token create``). The tenant's store is built in-process through splice (the same
store the server then serves), and every figure is measured over HTTP through
``splice.connect("http://…", token=…)`` (the remote engine), beside a baseline
measured in the same run:

- ``resolve``: one kref per request, p50 (p95) < 2 ms; baseline a bare ``GET /health``
  round trip on the same ``requests.Session``.
- ``throughput``: ``wrk`` (2 threads, 16 connections) resolving one kref per request
  (``POST /api/v1/resolve_many``, the remote engine's route), >= 2,000 requests/s; baseline
  ``GET /health`` under the same wrk. The Python client processes (each its own session)
  are measured too and printed; without wrk they make the figure (said in its output).
- ``resolve_many``: 10,000 krefs in one request, < 200 ms; baseline the same call on the
  engine in-process.
- ``events``: publish -> subscriber received over the remote ``event_stream`` (SSE),
  p99 < 100 ms; baseline the in-process engine's ``event_stream``.
- ``publish8`` (PostgreSQL): 8 client processes x 1,000 publishes into one item; 8,000
  unique gapless numbers and 0 lost (revisions and ``revision.created`` events counted);
  baseline the same on the PostgreSQL engine in-process.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import requests

import splice
from splice.wire import METHODS

from . import common
from .common import MS, RATE, Figure, fmt, percentile, ratio_text
from .serverproc import Server, hit, publish, run_wrk, warm, wrk_missing, wrk_script

NAMES = ("resolve", "throughput", "resolve_many", "events", "publish8")
SQLITE, POSTGRESQL = "sqlite", "postgresql"
TENANT = "bench"
RESOLVE_GOAL_MS = 2.0
THROUGHPUT_GOAL = 2_000
RESOLVE_MANY_GOAL_MS = 200.0
EVENTS_GOAL_MS = 100.0


@dataclass
class Checked(Figure):
    """A figure whose goal is also a check (gapless, nothing lost)."""

    check_ok: bool = True
    check_text: str = ""

    @property
    def passed(self) -> bool:
        return self.check_ok and super().passed

    @property
    def goal_text(self) -> str:
        return self.check_text or super().goal_text

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "goal_text": self.goal_text, "passed": self.passed,
                "check_ok": self.check_ok}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.server",
                                description="splice server benchmarks: real `splice serve` processes on"
                                            " loopback, each figure with its goal and a same-run baseline.")
    p.add_argument("--only", action="append", metavar="NAME",
                   help=f"run only this figure (repeat or comma-separate): {', '.join(NAMES)}")
    p.add_argument("--engines", default=None, metavar="LIST",
                   help="servers' stores: sqlite,postgresql (default: both when PostgreSQL is installed)")
    p.add_argument("--quick", action="store_true",
                   help="small sizes (the test suite's run): --items 1000 --samples 200 --seconds 1"
                        " --events 40 --publishes 40 --rounds 1")
    p.add_argument("--items", type=int, help="items in the store = krefs of resolve_many (default 10,000)")
    p.add_argument("--samples", type=int, help="single resolves timed for p50/p95 (default 2,000)")
    p.add_argument("--clients", type=int, default=8, help="client processes (default 8)")
    p.add_argument("--seconds", type=float, help="seconds of each throughput run (default 3)")
    p.add_argument("--events", type=int, help="publishes timed by the events figure (default 300)")
    p.add_argument("--pace", type=float, default=20.0, help="ms between those publishes (default 20)")
    p.add_argument("--publishes", type=int, help="publishes per client process in publish8 (default 1,000)")
    p.add_argument("--workers", type=int, default=2,
                   help="uvicorn workers of the PostgreSQL server (default 2)")
    p.add_argument("--rounds", type=int, help="timed rounds of resolve_many (default 5)")
    p.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = p.parse_args(argv)
    quick = {"items": 1000, "samples": 200, "seconds": 1.0, "events": 40, "publishes": 40, "rounds": 1}
    full = {"items": 10_000, "samples": 2000, "seconds": 3.0, "events": 300, "publishes": 1000, "rounds": 5}
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    only = [n.strip() for item in args.only or [] for n in item.split(",") if n.strip()]
    unknown = sorted(set(only) - set(NAMES))
    if unknown:
        p.error(f"unknown figure {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    args.only = [n for n in NAMES if n in only] if only else list(NAMES)
    sizes = (args.items, args.samples, args.clients, args.events, args.publishes, args.rounds, args.workers)
    if min(sizes) < 1:
        p.error("sizes must be at least 1")
    if args.items < 50:
        p.error("--items must be at least 50")
    if args.seconds <= 0 or args.pace < 0:
        p.error("--seconds must be positive and --pace not negative")
    args.pg_note = None
    asked = [e.strip() for e in (args.engines or "sqlite,postgresql").split(",") if e.strip()]
    if set(asked) - {SQLITE, POSTGRESQL} or not asked:
        p.error("--engines takes sqlite and/or postgresql")
    if POSTGRESQL in asked:
        missing = postgresql_missing()
        if missing:
            if args.engines:
                p.error(f"--engines postgresql: {missing}")
            asked.remove(POSTGRESQL)
            args.pg_note = f"PostgreSQL figures skipped: {missing}"
    args.engines = [e for e in (SQLITE, POSTGRESQL) if e in asked]
    return args


def postgresql_missing() -> str | None:
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError as exc:
        return f"psycopg 3 with its pool is not installed ({exc}); pip install -e '.[server]'"
    from splice.engines.pg_local import binaries

    if binaries() is None:
        return "PostgreSQL is not installed (apt-get install postgresql)"
    return None


# -- the store ------------------------------------------------------------------------------
def kref_of(i: int) -> str:
    return f"kref://bench/assets/a{i:05d}.model?t=published&a=mesh"


def build_store(url: str, items: int) -> float:
    """``items`` published models (as benchmarks/resolve.py) plus the items the event and
    publish figures write to, through splice in-process; the seconds it took."""
    started = time.perf_counter()
    client = splice.connect(url, user="bench")
    project = client.create_project("bench", "server benchmarks")
    space = project.create_space("assets")
    for i in range(items):
        space.create_item(f"a{i:05d}", "model")
    for lo in range(0, items, 1000):
        specs = []
        for i in range(lo, min(items, lo + 1000)):
            for v in (1, 2):
                specs.append({
                    "item": f"kref://bench/assets/a{i:05d}.model",
                    "artifacts": [
                        {"name": "mesh", "location": f"/mnt/show/assets/a{i:05d}/v{v:03d}/mesh.abc"},
                        {"name": "preview", "location": f"/mnt/show/assets/a{i:05d}/v{v:03d}/preview.mov"},
                    ],
                    "tags": ["published"] if v == 1 else [],
                })
        client.batch_create_revisions(specs)
    events = project.create_space("events")
    for name in ("remote", "local"):
        events.create_item(name, "model")
    pub = project.create_space("publish")
    for name in ("http", "direct"):
        pub.create_item(name, "model")
    client.close()
    return time.perf_counter() - started


def wire_path(method: str) -> str:
    """The route the remote engine posts ``method`` to."""
    return METHODS[method].path


# -- measurements ---------------------------------------------------------------------------
def timings_ms(call: Callable[[int], object], n: int, warmup: int = 50) -> list[float]:
    for i in range(min(warmup, n)):
        call(i)
    out = []
    clock = time.perf_counter
    for i in range(n):
        t0 = clock()
        call(i)
        out.append((clock() - t0) * 1000)
    return out


def fig_resolve(engine: str, remote: Any, url: str, krefs: list[str], samples: int) -> Figure:
    session = remote.backend._session
    health = url + "/health"
    expected = remote.resolve(krefs[0])
    assert expected.endswith("/v001/mesh.abc"), expected
    base = timings_ms(lambda i: session.get(health, timeout=10).raise_for_status(), samples)
    vals = timings_ms(lambda i: remote.resolve(krefs[i % len(krefs)]), samples)
    p50, p95, b50, b95 = (percentile(vals, 50), percentile(vals, 95), percentile(base, 50),
                          percentile(base, 95))
    return Figure(
        "resolve", "splice.resolve of one kref over HTTP (remote engine), p50 on loopback",
        p50, MS, RESOLVE_GOAL_MS, "bare GET /health round trip, same requests.Session (p50)", b50,
        strict=True, engine=engine,
        details=[f"p95 {fmt(p95, MS)} (baseline p95 {fmt(b95, MS)}); {samples:,} sequential calls each"
                 " after 50 warm-up"],
        extra={"p50_ms": p50, "p95_ms": p95, "baseline_p50_ms": b50, "baseline_p95_ms": b95,
               "samples": samples},
    )


def _spread(pool: Any, tasks: list[tuple]) -> tuple[float, int, int]:
    """Run one task per client process, all from one start time: (requests/s, requests, processes)."""
    results = pool.map(hit, tasks, chunksize=1)
    total = sum(r["done"] for r in results)
    window = max(r["ended"] for r in results) - min(r["started"] for r in results)
    return total / window, total, len({r["pid"] for r in results})


def fig_throughput(engine: str, pool: Any, clients: int, url: str, token: str, krefs: list[str],
                   seconds: float, workers: int, folder: Path) -> Figure:
    """wrk (when installed) resolving one kref per request, /health under wrk the baseline; the
    Python client processes measured too (the figure itself without wrk)."""
    per = max(1, len(krefs) // clients)

    def tasks(kind: str) -> list[tuple]:
        start_at = time.time() + 1.0
        return [(kind, url, token, krefs[c * per:(c + 1) * per] if kind == "resolve" else [], start_at,
                 seconds) for c in range(clients)]

    py_base, py_base_n, _ = _spread(pool, tasks("health"))
    py_rate, py_n, procs = _spread(pool, tasks("resolve"))
    served = f"server: {workers} uvicorn worker{'s' if workers > 1 else ''}"
    python_line = (f"{clients} Python client processes (requests, one session each): {py_rate:,.0f}"
                   f" resolves/s, /health {py_base:,.0f}/s ({procs} distinct processes; each request"
                   " also costs ~0.4-0.5 ms of client CPU on the same cores)")
    extra: dict[str, Any] = {"clients": clients, "server_workers": workers, "seconds": seconds,
                             "python_clients": {"rate": py_rate, "requests": py_n, "baseline_rate": py_base,
                                                "baseline_requests": py_base_n, "processes": procs}}
    missing = wrk_missing()
    if missing:
        return Figure(
            "throughput", f"resolve requests/s, {clients} Python client processes (wrk missing)",
            py_rate, RATE, THROUGHPUT_GOAL, "GET /health requests/s, same clients", py_base, engine=engine,
            details=[f"{missing}: measured with the Python clients instead, so the clients' own CPU"
                     " counts in the figure", f"{served}; {seconds:g} s per run; {py_n:,} resolves,"
                     f" {py_base_n:,} /health"],
            extra={**extra, "tool": "python clients", "requests": py_n, "baseline_requests": py_base_n},
        )
    bodies = [json.dumps({"krefs": [k]}, separators=(",", ":")) for k in krefs[:1000]]
    check = requests.post(url + wire_path("resolve_many"), data=bodies[0], timeout=10,
                          headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    check.raise_for_status()
    assert check.json()["result"][0].endswith("/v001/mesh.abc"), check.text
    health = run_wrk(url + "/health", wrk_script(folder, "health"), seconds)
    resolve = run_wrk(url + wire_path("resolve_many"), wrk_script(folder, "resolve", token, bodies), seconds)
    errors = sum(r["socket_errors"] + r["status_errors"] for r in (health, resolve))
    return Checked(
        "throughput", f"resolve requests/s under wrk ({resolve['threads']} threads,"
        f" {resolve['connections']} connections), one kref per POST {wire_path('resolve_many')}",
        resolve["rate"], RATE, THROUGHPUT_GOAL, "GET /health requests/s under the same wrk", health["rate"],
        engine=engine, check_ok=errors == 0, check_text=f">= {fmt(THROUGHPUT_GOAL, RATE)}, 0 errors",
        details=[f"{served}; wrk {resolve['seconds']:.1f} s per run: {resolve['requests']:,} resolves"
                 f" (latency p50 {fmt(resolve['p50_ms'], MS)}, p99 {fmt(resolve['p99_ms'], MS)}),"
                 f" {health['requests']:,} /health; errors {errors} (socket or non-2xx)",
                 python_line],
        extra={**extra, "tool": "wrk", "wrk": resolve, "wrk_baseline": health, "errors": errors,
               "requests": resolve["requests"], "baseline_requests": health["requests"]},
    )


def fig_resolve_many(engine: str, remote: Any, local: Any, krefs: list[str], rounds: int) -> Figure:
    got = remote.resolve_many(krefs)
    want = local.resolve_many(krefs)
    if got != want or None in got:
        raise AssertionError("resolve_many over HTTP differs from the engine's")
    value = common.ms_of(lambda: remote.resolve_many(krefs), rounds)
    base = common.ms_of(lambda: local.resolve_many(krefs), rounds)
    what = "median of" if rounds > 1 else ""
    return Figure(
        "resolve_many", f"resolve_many of {len(krefs):,} krefs in one HTTP request",
        value, MS, RESOLVE_MANY_GOAL_MS, "the same resolve_many on the engine in-process", base,
        strict=True, engine=engine,
        details=[f"{what} {rounds} round{'s' if rounds > 1 else ''} after 1 warm-up".strip()],
        extra={"krefs": len(krefs), "rounds": rounds},
    )


def event_latencies(pub: Any, sub: Any, item: str, n: int, pace_ms: float) -> tuple[list[float], int]:
    """``n`` publishes into ``item`` by ``pub`` at a steady pace while a thread follows ``sub``'s
    event stream: the latencies (ms, receive - publish returned) and how many were lost."""
    received: dict[int, float] = {}
    stream = sub.event_stream(routing_key_filter="revision.created", kref_filter=item, timeout=5.0)
    done = threading.Event()

    def follow() -> None:
        try:
            for event in stream:
                received[event.kref.revision] = time.perf_counter()
                if len(received) >= n:
                    break
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    time.sleep(0.2)
    returned: dict[int, float] = {}
    next_at = time.perf_counter()
    for _ in range(n):
        rev = pub.batch_create_revisions([{"item": item}])[0]
        returned[rev.number] = time.perf_counter()
        next_at += pace_ms / 1000
        pause = next_at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    done.set()
    thread.join(15.0)  # the stream ends by itself 5 s after its last event
    lat = [(received[k] - t) * 1000 for k, t in returned.items() if k in received]
    return lat, n - len(lat)


def fig_events(engine: str, url: str, token: str, store: str, n: int, pace: float) -> Figure:
    pub = splice.connect(url, token=token, user="bench")
    sub = splice.Client.open(url, token=token, user="bench")
    lat, lost = event_latencies(pub, sub, "kref://bench/events/remote.model", n, pace)
    pub.close()
    sub.close()
    lpub = splice.connect(store, user="bench")
    lsub = splice.Client.open(store, user="bench")
    base, base_lost = event_latencies(lpub, lsub, "kref://bench/events/local.model", n, pace)
    lpub.close()
    lsub.close()
    p99, b99 = percentile(lat, 99), percentile(base, 99)
    return Checked(
        "events", "publish -> subscriber received over the remote event_stream (SSE), p99",
        p99, MS, EVENTS_GOAL_MS, "the in-process engine's event_stream, same publishes (p99)", b99,
        strict=True, engine=engine,
        check_ok=lost == 0, check_text=f"< {fmt(EVENTS_GOAL_MS, MS)}, 0 lost",
        details=[f"{n} publishes (batch_create_revisions of one) every {pace:g} ms;"
                 f" p50 {fmt(percentile(lat, 50), MS)}"
                 f" (baseline {fmt(percentile(base, 50), MS)}), max {fmt(max(lat, default=0), MS)};"
                 f" lost {lost} (baseline {base_lost})"],
        extra={"events": n, "pace_ms": pace, "p50_ms": percentile(lat, 50), "p99_ms": p99,
               "baseline_p50_ms": percentile(base, 50), "baseline_p99_ms": b99, "lost": lost,
               "baseline_lost": base_lost},
    )


def _publish_run(pool: Any, url: str, token: str | None, item: str, clients: int, count: int,
                 store: Any) -> dict[str, Any]:
    start_at = time.time() + 1.0
    results = pool.map(publish, [(url, token, item, count, start_at) for _ in range(clients)], chunksize=1)
    window = max(r["ended"] for r in results) - min(r["started"] for r in results)
    numbers = [n for r in results for n in r["numbers"]]
    total = clients * count
    revisions = len(store.get_item(item).get_revisions())
    events = sum(1 for _ in store.event_stream(routing_key_filter="revision.created", kref_filter=item,
                                               from_beginning=True, timeout=1.0))
    return {
        "rate": total / window,
        "seconds": window,
        "numbers": len(numbers),
        "unique": len(set(numbers)),
        "gapless": sorted(numbers) == list(range(1, total + 1)),
        "revisions": revisions,
        "events": events,
        "lost": total - min(revisions, events),
        "processes": len({r["pid"] for r in results}),
    }


def fig_publish8(engine: str, pool: Any, clients: int, url: str, token: str, store_url: str,
                 count: int) -> Figure:
    store = splice.connect(store_url, user="bench")
    http = _publish_run(pool, url, token, "kref://bench/publish/http.model", clients, count, store)
    direct = _publish_run(pool, store_url, None, "kref://bench/publish/direct.model", clients, count, store)
    store.close()
    total = clients * count
    ok = http["gapless"] and http["lost"] == 0 and http["unique"] == total
    return Checked(
        "publish8", f"{clients} client processes x {count:,} publishes into one item through the server",
        http["rate"], RATE, 0.0, f"the same {clients} x {count:,} on the {engine} engine in-process",
        direct["rate"], engine=engine, check_ok=ok,
        check_text=f"{total:,} unique gapless, 0 lost",
        details=[f"HTTP: {http['unique']:,} unique numbers of {http['numbers']:,}, gapless 1..{total:,}:"
                 f" {'yes' if http['gapless'] else 'NO'}; revisions {http['revisions']:,}, revision.created"
                 f" events {http['events']:,}, lost {http['lost']}; {http['seconds']:.1f} s",
                 f"in-process: gapless {'yes' if direct['gapless'] else 'NO'}, revisions"
                 f" {direct['revisions']:,}, events {direct['events']:,}, lost {direct['lost']};"
                 f" {direct['seconds']:.1f} s",
                 "each publish: batch_create_revisions of one revision (one request, one transaction)"],
        extra={"clients": clients, "publishes_per_client": count, "http": http, "in_process": direct},
    )


# -- printing -------------------------------------------------------------------------------
def show(f: Figure) -> None:
    print(f"== {f.name} [{f.engine} server]: {f.title}")
    print(f"   splice    {fmt(f.value, f.unit):>12}  {'PASS' if f.passed else 'FAIL'}   goal {f.goal_text}")
    print(f"   baseline  {fmt(f.baseline_value, f.unit):>12}  {f.baseline_name}")
    print(f"   ratio     {ratio_text(f.ratio)} (splice/baseline, time per operation)")
    for line in f.details:
        print(f"   {line}")
    print(flush=True)


def summary(figures: list[Figure]) -> None:
    print(f"{'figure':<14}{'server':<12}{'measured':>12}  {'goal':<30}{'result':<8}{'baseline':>12}"
          f"  {'splice/baseline':>15}")
    for f in figures:
        print(f"{f.name:<14}{f.engine:<12}{fmt(f.value, f.unit):>12}  {f.goal_text:<30}"
              f"{'PASS' if f.passed else 'FAIL':<8}{fmt(f.baseline_value, f.unit):>12}  {f.ratio:>14.2f}x")


def environment() -> dict[str, Any]:
    return {
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "splice": splice.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
    }


# -- the run --------------------------------------------------------------------------------
def run_server(engine: str, server: Server, args: argparse.Namespace, pool: Any,
               add: Callable[[Figure], None], timings: dict[str, float]) -> None:
    from splice.server.stores import tenant_url

    t0 = time.perf_counter()
    server.start()
    try:
        token = server.cli_tenant(TENANT)
        store_url = tenant_url(server.db, TENANT)
        built = build_store(store_url, args.items)
        print(f"{engine} server {server.url} ({server.workers} worker{'s' if server.workers > 1 else ''}),"
              f" started in {time.perf_counter() - t0 - built:.1f}s; tenant '{TENANT}' made with `splice"
              f" tenant add` / `splice token create`; store: {args.items:,} items, {2 * args.items:,}"
              f" revisions built in-process in {built:.1f}s\n", flush=True)
        timings[f"{engine} setup"] = time.perf_counter() - t0
        krefs = [kref_of(i) for i in range(args.items)]
        remote = splice.connect(server.url, token=token, user="bench")
        local = splice.Client.open(store_url, user="bench")
        try:
            steps: list[tuple[str, Callable[[], Figure]]] = [
                ("resolve", lambda: fig_resolve(engine, remote, server.url, krefs, args.samples)),
                ("throughput", lambda: fig_throughput(engine, pool, args.clients, server.url, token, krefs,
                                                      args.seconds, server.workers, server.data_dir)),
                ("resolve_many", lambda: fig_resolve_many(engine, remote, local, krefs, args.rounds)),
                ("events", lambda: fig_events(engine, server.url, token, store_url, args.events, args.pace)),
            ]
            if engine == POSTGRESQL:
                steps.append(("publish8", lambda: fig_publish8(engine, pool, args.clients, server.url, token,
                                                               store_url, args.publishes)))
            for name, step in steps:
                if name in args.only:
                    t1 = time.perf_counter()
                    add(step())
                    timings[f"{engine} {name}"] = time.perf_counter() - t1
        finally:
            remote.close()
            local.close()
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = environment()
    print(f"splice {env['splice']} server benchmarks · Python {env['python']} · {env['cpus']} CPUs · "
          f"load {env['load_average']} · {env['when']}")
    print(f"servers: {', '.join(args.engines)}" + (f" ({args.pg_note})" if args.pg_note else ""))
    print(f"figures: {', '.join(args.only)}" + (" · --quick" if args.quick else ""))
    if "throughput" in args.only:
        missing = wrk_missing()
        print("throughput: " + (f"{missing}: measured with the Python client processes instead" if missing
                                else "wrk on the server, the Python client processes beside it"))
    if "publish8" in args.only and POSTGRESQL not in args.engines:
        print("publish8 runs on the PostgreSQL server only: skipped")
    print(flush=True)
    started = time.perf_counter()
    figures: list[Figure] = []
    timings: dict[str, float] = {}

    def add(f: Figure) -> None:
        figures.append(f)
        show(f)

    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="splice-bench-server-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        t0 = time.perf_counter()
        pool = stack.enter_context(ctx.Pool(args.clients))
        pids = pool.map(warm, range(args.clients), chunksize=1)
        timings["client processes"] = time.perf_counter() - t0
        print(f"{args.clients} client processes ready ({len(set(pids))} distinct) in"
              f" {timings['client processes']:.1f}s\n", flush=True)
        if SQLITE in args.engines:
            run_server(SQLITE, Server(work / "sqlite"), args, pool, add, timings)
        if POSTGRESQL in args.engines:
            from splice.engines.pg_local import local_cluster

            t0 = time.perf_counter()
            base = stack.enter_context(local_cluster("splice_bench_server"))
            timings["postgresql cluster"] = time.perf_counter() - t0
            print(f"PostgreSQL: a throwaway cluster on loopback (fsync off), started in"
                  f" {timings['postgresql cluster']:.1f}s", flush=True)
            run_server(POSTGRESQL, Server(work / "pg", db=base, workers=args.workers), args, pool, add,
                       timings)
        pool.close()
        pool.join()
    elapsed = time.perf_counter() - started
    summary(figures)
    missed = [f"{f.name} ({f.engine})" for f in figures if not f.passed]
    print(f"\n{len(figures) - len(missed)} of {len(figures)} goals met"
          + (f"; missed: {', '.join(missed)}" if missed else "") + f" · {elapsed:.0f}s in all")
    print("time: " + ", ".join(f"{k} {v:.0f}s" for k, v in timings.items()))
    if args.json:
        env["engines"] = args.engines
        env["pg_note"] = args.pg_note
        Path(args.json).write_text(json.dumps(
            {"environment": env, "elapsed_seconds": elapsed, "seconds": timings,
             "figures": [f.as_dict() for f in figures]}, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())

