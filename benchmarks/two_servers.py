"""Two ``splice serve`` processes on one PostgreSQL database, as one service.

``python -m benchmarks.two_servers [--pg URL] [--events N] [--clients N] [--count N]``

Servers A and B (one worker each) on one database: a throwaway cluster on loopback
(``--pg URL`` for a server of yours; its ``control`` schema and a fresh ``tenant_*``
schema are used). Measured in the same run:

1. Event latency: ``--events`` publishes through A, one after another; a subscriber of B
   (cross-server) and one of A (the same-server baseline) follow the remote event stream.
   Latency = received - publish sent, p50 / p95 / max; lost events are counted.
2. Publish throughput: ``--clients`` client processes, each ``--count`` publishes (one
   ``batch_create_revisions`` of one revision) into an item of its own, all through A
   (one server: the baseline), then split between A and B (two servers). Numbers must
   stay gapless in both runs.

Writers of one store commit one after another (an advisory lock per tenant schema),
so a second server adds request-handling capacity, not write concurrency in one store.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import threading
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import splice

from .common import percentile
from .engines import postgresql_missing, postgresql_server
from .serverproc import publish, warm


def stats(values_ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(values_ms, 50),
        "p95_ms": percentile(values_ms, 95),
        "max_ms": max(values_ms, default=float("nan")),
    }


def line(name: str, s: dict[str, float], extra: str = "") -> str:
    return (
        f"  {name:<34} p50 {s['p50_ms']:7.2f} ms  p95 {s['p95_ms']:7.2f} ms  max {s['max_ms']:7.2f} ms{extra}"
    )


def event_latency(url_a: str, url_b: str, token: str, item: str, n: int) -> dict[str, Any]:
    """``n`` publishes through A, each waited for on both subscribers before the next."""
    pub = splice.Client.open(url_a, token=token, user="bench")
    subs = {
        "B": splice.Client.open(url_b, token=token, user="bench"),
        "A": splice.Client.open(url_a, token=token, user="bench"),
    }
    arrived: dict[str, dict[int, float]] = {name: {} for name in subs}
    changed = threading.Condition()

    def follow(name: str, stream: Any) -> None:
        for event in stream:
            with changed:
                arrived[name][event.metadata["number"]] = time.perf_counter()
                changed.notify_all()
            if len(arrived[name]) >= n:
                return

    threads = [
        threading.Thread(
            target=follow, daemon=True, args=(name, c.event_stream("revision.created", timeout=10.0))
        )
        for name, c in subs.items()
    ]
    for t in threads:
        t.start()
    sent: dict[int, float] = {}
    acked: list[float] = []
    for _ in range(n):
        t0 = time.perf_counter()
        number = pub.batch_create_revisions([{"item": item}])[0].number
        acked.append((time.perf_counter() - t0) * 1000)
        sent[number] = t0
        with changed:  # the next publish once both have it (or gave up): no queueing in the figure
            changed.wait_for(lambda n=number: all(n in got for got in arrived.values()), timeout=5.0)
    for t in threads:
        t.join(15.0)
    out: dict[str, Any] = {"publish_ack": stats(acked)}
    for name in subs:
        lat = [(arrived[name][k] - t) * 1000 for k, t in sent.items() if k in arrived[name]]
        out[name] = {**stats(lat), "lost": n - len(lat)}
    for c in (pub, *subs.values()):
        c.close()
    return out


def throughput(pool: Any, urls: list[str], token: str, items: list[str], count: int) -> dict[str, Any]:
    """Each client process publishes ``count`` into its item, client i through ``urls[i % len]``."""
    start_at = time.time() + 1.0
    tasks = [(urls[i % len(urls)], token, item, count, start_at) for i, item in enumerate(items)]
    results = pool.map(publish, tasks, chunksize=1)
    window = max(r["ended"] for r in results) - min(r["started"] for r in results)
    gapless = all(sorted(r["numbers"]) == list(range(1, count + 1)) for r in results)
    return {"rate": len(items) * count / window, "seconds": window, "gapless": gapless}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.two_servers", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--pg", metavar="URL", help="a PostgreSQL database (default: a throwaway cluster)")
    parser.add_argument("--events", type=int, default=300, help="publishes of the latency figure")
    parser.add_argument("--clients", type=int, default=8, help="client processes of the throughput figure")
    parser.add_argument("--count", type=int, default=150, help="publishes per client process")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    missing = postgresql_missing(need_binaries=not args.pg)
    if missing:
        print(f"skipped: {missing}")
        return 0
    from splice.server.local import LocalServer

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    ctx = multiprocessing.get_context("spawn")
    with (
        TemporaryDirectory(prefix="splice-two-servers-") as tmp,
        postgresql_server(args.pg) as pg,
        ctx.Pool(args.clients) as pool,
    ):
        pool.map(warm, range(args.clients), chunksize=1)
        a = LocalServer(Path(tmp) / "a", db=pg.conninfo)
        b = LocalServer(Path(tmp) / "b", db=pg.conninfo)
        a.start()
        b.start()
        try:
            _, token = a.new_tenant(user="bench")  # one control store: B knows the token too
            setup = splice.Client.open(b.url, token=token, user="bench")
            space = setup.create_project("bench", "two servers").create_space("pub")
            names = ["latency"] + [f"c{i}" for i in range(args.clients * 2)]
            for name in names:
                space.create_item(name, "model")
            setup.close()
            item = "kref://bench/pub/{}.model".format
            print(f"servers A {a.url} and B {b.url} on one database; tenant token made once\n")

            lat = event_latency(a.url, b.url, token, item("latency"), args.events)
            print(f"event latency, {args.events} publishes through A (received - sent):")
            print(line("subscriber of B (cross-server)", lat["B"], f"  lost {lat['B']['lost']}"))
            print(line("subscriber of A (same server)", lat["A"], f"  lost {lat['A']['lost']}"))
            print(line("publish acknowledged (A)", lat["publish_ack"]))
            print(f"  cross / same server p50: {lat['B']['p50_ms'] / lat['A']['p50_ms']:.2f}x\n")

            items = [item(n) for n in names[1:]]
            one = throughput(pool, [a.url], token, items[: args.clients], args.count)
            two = throughput(pool, [a.url, b.url], token, items[args.clients :], args.count)
            print(f"publish throughput, {args.clients} client processes x {args.count}:")
            print(f"  one server (all through A)        {one['rate']:8,.0f}/s  gapless {one['gapless']}")
            print(f"  two servers (split A / B)         {two['rate']:8,.0f}/s  gapless {two['gapless']}")
            print(f"  two / one: {two['rate'] / one['rate']:.2f}x")
        finally:
            a.stop()
            b.stop()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"latency": lat, "one_server": one, "two_servers": two}, indent=2)
        )
    ok = lat["A"]["lost"] == lat["B"]["lost"] == 0 and one["gapless"] and two["gapless"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
