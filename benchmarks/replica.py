"""A live local replica of a splice server: resolve through it, and its catch-up.

``python -m benchmarks.replica [--items N] [--events N] [--replay N]``

A real ``splice serve`` on loopback (SQLite) holds ``--items`` models with two
revisions each (``published`` on revision 1). Measured in the same run, per call
(p50 / p95 / max) and as a rate:

1. ``resolve`` of ``…/aNNNNN.model?t=published&a=mesh`` through a replica
   (``connect(url, replica=…)``), beside the embedded engine on a SQLite file holding
   the same store, beside a bare ``sqlite3`` point lookup by primary key on that file.
   Goal: the replica at least 0.5x the embedded engine's rate.
2. Catch-up: the replica closed, ``--events`` events are made on the server (new
   revisions, artifacts, tags moved), then ``sync()`` applies them from the cursor:
   events/s, and p50 / p95 / max of the time per applied batch.
3. Live follow: a write by another client, until the replica answers it (p50 / p95 / max).
4. Offline writes: the server stopped, ``--replay`` writes (publishes of one revision
   with an artifact and a tag, and attributes set) queued in the replica (p50 / p95 / max
   per write), the server started again, then ``push()`` replays them in order with their
   idempotency keys: writes/s, and p50 / p95 / max per replayed write; beside the same
   writes sent online by a plain client, with and without an ``Idempotency-Key``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import splice

from .common import percentile
from .resolve import build_store, kref_of

GOAL = 0.5  # the replica's resolve rate over the embedded engine's


def stats(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{name:<34} p50 {percentile(ms, 50):8.3f} ms  p95 {percentile(ms, 95):8.3f} ms"
        f"  max {max(ms):8.3f} ms  ({len(ms) / sum(seconds):,.0f}/s)"
    )


def timed(calls: list, fn) -> list[float]:
    out = []
    clock = time.perf_counter
    for arg in calls:
        start = clock()
        fn(arg)
        out.append(clock() - start)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.replica", description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=5_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--replay", type=int, default=1_000)
    args = parser.parse_args(argv)
    from splice.server.local import LocalServer

    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    with tempfile.TemporaryDirectory() as tmp, LocalServer(Path(tmp) / "server") as server:
        _tenant, token = server.new_tenant()
        os.environ["SPLICE_TOKEN"] = token
        started = time.perf_counter()
        build_store(server.url, args.items)
        print(
            f"server store: {args.items:,} items, {2 * args.items:,} revisions, built in "
            f"{time.perf_counter() - started:.1f}s"
        )
        embedded_path = Path(tmp) / "embedded.db"
        build_store(str(embedded_path), args.items)
        started = time.perf_counter()
        replica = splice.Client.open(server.url, user="bench", replica=Path(tmp) / "replica.db")
        print(f"replica filled in {time.perf_counter() - started:.2f}s")
        embedded = splice.Client.open(str(embedded_path), user="bench")
        raw = sqlite3.connect(embedded_path, isolation_level=None)
        ids = [
            r[0]
            for r in raw.execute(
                "SELECT a.id FROM artifacts a JOIN revisions r ON r.id = a.revision_id"
                " WHERE a.name = 'mesh' AND r.number = 1 ORDER BY a.id"
            )
        ]
        krefs = [kref_of(i) for i in range(args.items)]
        assert replica.resolve(krefs[42]) == embedded.resolve(krefs[42])
        best: dict[str, list[float]] = {}
        for _ in range(args.rounds):  # the best round of each, interleaved
            for name, fn, calls in (
                ("replica resolve", replica.resolve, krefs),
                ("embedded resolve", embedded.resolve, krefs),
                (
                    "bare sqlite3 lookup",
                    lambda i: raw.execute("SELECT location FROM artifacts WHERE id = ?", (i,)).fetchone(),
                    ids,
                ),
            ):
                times = timed(calls, fn)
                if name not in best or sum(times) < sum(best[name]):
                    best[name] = times
        status = replica.backend.sync_status()
        assert status.stale_reads == 0 and status.current, status
        for name, times in best.items():
            print(stats(name, times))
        ratio = sum(best["embedded resolve"]) / sum(best["replica resolve"])
        verdict = "PASS" if ratio >= GOAL else "FAIL"
        print(f"replica / embedded rate: {ratio:.2f}x (goal >= {GOAL}x) {verdict}")
        bare = sum(best["bare sqlite3 lookup"]) / sum(best["replica resolve"])
        print(f"replica / bare sqlite3 rate: {bare:.2f}x")

        # live follow: another client's write until the replica answers it
        writer = splice.Client.open(server.url, user="bench")
        item = writer.get_item("kref://bench/assets/a00000.model")
        local = replica.backend.store.engine
        lags = []
        for n in range(200):
            started = time.perf_counter()
            number = item.create_revision({"n": str(n)}).number
            target = [splice.Kref(f"kref://bench/assets/a00000.model?r={number}")]
            while local.batch_get_revisions(target) == [None]:
                time.sleep(0.0005)
            lags.append(time.perf_counter() - started)
        print(stats("live: write until the replica has it", lags))
        replica.close()

        # catch-up: events made while the replica was closed
        head0 = int(writer.backend.export_rows([], False, None, None)[0])
        i = 0
        while int(writer.backend.export_rows([], False, None, None)[0]) - head0 < args.events:
            specs = []
            for _ in range(250):
                kref = f"kref://bench/assets/a{i % args.items:05d}.model"
                specs.append(
                    {
                        "item": kref,
                        "artifacts": [{"name": "mesh", "location": f"/m/{i}.abc"}],
                        "tags": ["review"],
                    }
                )
                i += 1
            writer.batch_create_revisions(specs)
        events = int(writer.backend.export_rows([], False, None, None)[0]) - head0
        again = splice.Client.open(
            server.url, user="bench", replica=Path(tmp) / "replica.db", live=False, sync_on_open=False
        )
        backend = again.backend
        batches: list[float] = []
        real = backend.syncer.apply_events

        def apply_timed(batch):  # each batch re-read from the server and written, timed
            start = time.perf_counter()
            try:
                return real(batch)
            finally:
                batches.append(time.perf_counter() - start)

        backend.syncer.apply_events = apply_timed
        started = time.perf_counter()
        status = backend.sync(timeout=600)
        took = time.perf_counter() - started
        assert status.behind_by_events == 0, status
        probe = splice.Kref(f"kref://bench/assets/a{(i - 1) % args.items:05d}.model?t=review")
        assert backend.store.engine.get_revision(probe) == writer.backend.get_revision(probe)
        print(
            f"catch-up: {events:,} events in {took:.2f}s: {events / took:,.0f} events/s "
            f"({len(batches)} batches of up to 1,000)"
        )
        print(stats("catch-up: one batch applied", batches))
        again.close()
        replay_rate(server, writer, Path(tmp) / "replica.db", args.replay)
        writer.close()
        embedded.close()
        raw.close()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    return 0 if ratio >= GOAL else 1


def _writes(n: int, tag: str) -> list[tuple[str, dict]]:
    """``n`` writes: publishes of one revision (an artifact, a tag) and, one in five, an attribute."""
    out = []
    for i in range(n):
        kref = f"kref://bench/assets/a{i % 100:05d}.model"
        if i % 5 == 4:
            out.append(("set_attribute", {"kref": kref, "key": "note", "value": f"{tag} {i}"}))
            continue
        spec = {
            "item": kref,
            "metadata": {"n": str(i)},
            "artifacts": [{"name": "mesh", "location": f"/m/{tag}/{i}.abc", "metadata": {}}],
            "tags": ["offline"],
        }
        out.append(("batch_create_revisions", {"specs": [spec], "idempotency_key": None}))
    return out


def replay_rate(server, writer, path: Path, n: int) -> None:
    """Part 4: queue ``n`` writes offline, replay them; beside the same writes sent online."""
    import uuid

    from splice.engines.replica import QueuedWriteError
    from splice.wire import METHODS, decode_args

    remote = writer.backend
    for label, keyed in (("online write, no key", False), ("online write, Idempotency-Key", True)):
        times = timed(
            _writes(n, label[:6] + str(keyed)),
            lambda w, keyed=keyed: remote.send(w[0], w[1], str(uuid.uuid4()) if keyed else None),
        )
        print(stats(label, times))
    client = splice.Client.open(server.url, user="bench", replica=path, live=False, auto_push=False)
    backend = client.backend
    server.stop()
    with contextlib.suppress(splice.errors.EngineError):
        backend.sync()
    writes = _writes(n, "offline")

    def queue_one(w):
        try:
            getattr(backend, w[0])(**decode_args(METHODS[w[0]], w[1]))
        except QueuedWriteError:
            return
        raise AssertionError("the write was not queued")

    print(stats("offline write queued", timed(writes, queue_one)))
    assert backend.sync_status().queued == n
    server.start()
    sent: list[float] = []
    target = backend._server.connected
    real = target.send

    def send_timed(*a, **kw):
        start = time.perf_counter()
        try:
            return real(*a, **kw)
        finally:
            sent.append(time.perf_counter() - start)

    target.send = send_timed
    real_sync, synced = backend.sync, []

    def sync_timed(*a, **kw):  # push() catches up after the replay: timed apart
        start = time.perf_counter()
        try:
            return real_sync(*a, **kw)
        finally:
            synced.append(time.perf_counter() - start)

    backend.sync = sync_timed
    started = time.perf_counter()
    report = backend.push()
    took = time.perf_counter() - started
    assert len(report.landed) == n and not report.refused and report.left == 0, report.stopped
    loop = took - sum(synced)
    print(
        f"replay: {n:,} queued writes in {loop:.2f}s: {n / loop:,.0f} writes/s, then the replica "
        f"caught up in {sum(synced):.2f}s ({n / took:,.0f} writes/s in all)"
    )
    print(stats("replay: one write sent", sent))
    client.close()


if __name__ == "__main__":
    raise SystemExit(main())
