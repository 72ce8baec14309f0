"""``python -m benchmarks.tools``: what the artist tools' windows cost (issue 12), offscreen Qt.

- ``loader``: the Loader's first paint on a project of ``--items`` items (in 10 spaces) and
  ``--items x --revisions-per-item`` revisions: the window constructed and shown until the
  project's space tree and the first space's items are in it (events processed until then;
  wall time). Goal < 300 ms, and lazily: only the listing of that one space, no revisions.
  Baseline, same run: the bare ``client.search(under=space, recursive=False)``.
- ``inventory``: a MemoryHost with ``--containers`` containers (each at r1 of an item with
  two revisions), the Scene Inventory constructed until its table shows every row with its
  state. Goal: p95 < 200 ms and ONE store round trip (``batch_get_revisions``, counted).
  Baseline: the bare ``splice.pipeline.inventory.check``.
- ``open``: each window (loader, inventory, publisher) constructed and shown with an
  existing QApplication, its first events processed (not waiting for its data). Goal < 0.5 s.

p50 / p95 / max over ``--rounds`` (default 20, so that p95 is not simply the max; after one
warm-up, garbage collected between rounds, untimed); ``--json FILE`` writes them; exit 1 when a
goal is missed.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt loads

from .common import MS, fmt, percentile

GOAL_LOADER_MS = 300.0
GOAL_INVENTORY_MS = 200.0
GOAL_OPEN_MS = 500.0
SPACES = 10
BATCH = 10_000  # revision specs per batch_create_revisions call
TIMEOUT_S = 60.0


def _stats(ms: list[float]) -> dict[str, float]:
    return {"p50": percentile(ms, 50), "p95": percentile(ms, 95), "max": max(ms), "n": len(ms)}


def _text(stats: dict[str, float]) -> str:
    return "  ".join(f"{k} {fmt(stats[k], MS)}" for k in ("p50", "p95", "max"))


class Calls:
    """Counts the calls made on a client's backend (the store round trips)."""

    def __init__(self, backend: Any) -> None:
        self.counts: dict[str, int] = {}
        for name, method in inspect.getmembers(backend, inspect.ismethod):
            if not name.startswith("_"):
                setattr(backend, name, self._counting(name, method))

    def _counting(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.counts[name] = self.counts.get(name, 0) + 1
            return method(*args, **kwargs)

        return call

    def take(self) -> dict[str, int]:
        counts, self.counts = self.counts, {}
        return counts


def build(root: Path, items: int, per_item: int, containers: int) -> tuple[Any, dict[str, Any]]:
    """The store: project ``show`` with SPACES spaces of items (``create_item`` in the
    revision specs, BATCH specs per call) and a space ``inventory`` for the containers."""
    import splice

    t0 = time.perf_counter()
    client = splice.connect(f"sqlite:///{root / 'tools.db'}", user="bench")
    project = client.create_project("show")
    spaces = [str(project.create_space(f"seq{s:02d}").kref) for s in range(SPACES)]
    project.create_space("inventory")
    specs: list[dict[str, Any]] = []

    def flush() -> None:
        if specs:
            client.batch_create_revisions(specs)
            specs.clear()

    kinds = ("model", "rig", "anim", "fx", "comp")
    for i in range(items):
        item = f"{spaces[i % SPACES]}/i{i:06d}.{kinds[i % len(kinds)]}"
        for r in range(per_item):
            specs.append({"item": item, "create_item": r == 0, "metadata": {"comment": f"r{r + 1}"}})
            if len(specs) >= BATCH:
                flush()
    flush()
    for i in range(containers):
        item = f"kref://show/inventory/c{i:05d}.model"
        specs += [{"item": item, "create_item": True}, {"item": item}]
        if len(specs) >= BATCH:
            flush()
    flush()
    return client, {
        "items": items,
        "revisions": items * per_item,
        "spaces": SPACES,
        "first_space": spaces[0],
        "items_in_first_space": len(range(0, items, SPACES)),
        "build_s": time.perf_counter() - t0,
    }


def _wait(app: Any, done: Callable[[], bool]) -> None:
    deadline = time.perf_counter() + TIMEOUT_S
    while not done():
        app.processEvents()
        if time.perf_counter() > deadline:
            raise SystemExit("benchmarks.tools: a window never showed its data")
        time.sleep(0.0005)  # lets the worker thread run (the GIL)
    app.processEvents()


def _wait_for(signal: Any, failed: Any) -> None:
    """Run Qt's event loop until ``signal`` (as an application idles: blocked in its loop, not
    polling from Python, so the window's worker thread has the interpreter to itself)."""
    from qtpy import QtCore

    loop = QtCore.QEventLoop()
    outcome: list[str] = []
    signal.connect(lambda *_: loop.quit())
    failed.connect(lambda message: (outcome.append(message), loop.quit()))
    timer = QtCore.QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: (outcome.append("timed out"), loop.quit()))
    timer.start(int(TIMEOUT_S * 1000))
    loop.exec_()
    timer.stop()
    if outcome:
        raise SystemExit(f"benchmarks.tools: the window never showed its data: {outcome[0]}")


def _timed(rounds: int, run: Callable[[], Any]) -> list[float]:
    run()  # warm-up
    times = []
    for _ in range(rounds):
        gc.collect()  # the garbage of the round before is not this one's cost (not timed)
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def loader(app: Any, client: Any, calls: Calls, store: dict[str, Any], rounds: int) -> dict[str, Any]:
    from splice.pipeline import MemoryHost
    from splice.pipeline.interface import Context
    from splice.tools.loader import LoaderWindow

    space, expected = store["first_space"], store["items_in_first_space"]
    host = MemoryHost()
    host.set_context(Context(project="show", space=space))  # opens where the scene is
    seen: dict[str, Any] = {}

    def paint() -> None:
        calls.take()
        window = LoaderWindow(host, client, loaders={})
        window.show()
        _wait(
            app,
            lambda: window.spaces.topLevelItemCount() > 0 and window.items.topLevelItemCount() == expected,
        )
        seen.update(
            calls=calls.take(), fetched=sorted(window.model._items), spaces=window.spaces.topLevelItemCount()
        )
        window.close()
        window.deleteLater()

    times = _timed(rounds, paint)
    base = _timed(rounds, lambda: client.search(under=space, recursive=False))
    revision_calls = {k: v for k, v in seen["calls"].items() if "revision" in k}
    lazy = seen["fetched"] == [space] and not revision_calls
    stats = _stats(times)
    return {
        "first_paint": stats,
        "baseline_search": _stats(base),
        "items_shown": expected,
        "spaces_shown": seen["spaces"],
        "store_calls": seen["calls"],
        "lazy": lazy,
        "goal_ms": GOAL_LOADER_MS,
        "passed": stats["p50"] < GOAL_LOADER_MS and lazy,
    }


def inventory(app: Any, client: Any, calls: Calls, containers: int, rounds: int) -> dict[str, Any]:
    from splice.pipeline import Container, MemoryHost
    from splice.pipeline import inventory as check
    from splice.tools.inventory import InventoryWindow

    host = MemoryHost()
    for i in range(containers):
        host.write_container(
            Container(f"c{i:05d}", f"kref://show/inventory/c{i:05d}.model?r=1", "Loader", "abc", "set")
        )
    seen: dict[str, Any] = {}

    def open_() -> None:
        calls.take()
        window = InventoryWindow(host, client, loaders={})
        window.show()
        _wait_for(window.refreshed, window.failed)
        model = window.table.model()
        last = model.columnCount() - 1
        states = {model.data(model.index(r, last)) for r in range(model.rowCount())}
        seen.update(calls=calls.take(), rows=model.rowCount(), states=sorted(states))
        window.close()
        window.deleteLater()

    times = _timed(rounds, open_)
    base = _timed(rounds, lambda: check.check(host, client, "latest"))
    stats = _stats(times)
    round_trips = sum(seen["calls"].values())
    return {
        "shown": stats,
        "baseline_check": _stats(base),
        "containers": containers,
        "rows": seen["rows"],
        "states": seen["states"],
        "store_calls": seen["calls"],
        "round_trips": round_trips,
        "goal_ms": GOAL_INVENTORY_MS,
        "passed": stats["p95"] < GOAL_INVENTORY_MS and round_trips == 1 and seen["rows"] == containers,
    }


def opening(app: Any, client: Any, store: dict[str, Any], containers: int, rounds: int) -> dict[str, Any]:
    import importlib

    from splice.pipeline import Container, MemoryHost
    from splice.pipeline.interface import Context

    host = MemoryHost()
    host.set_context(Context(project="show", space=store["first_space"]))
    for i in range(containers):
        host.write_container(
            Container(f"c{i:05d}", f"kref://show/inventory/c{i:05d}.model?r=1", "Loader", "abc", "set")
        )
    out: dict[str, Any] = {}
    for name, options in (("loader", {"loaders": {}}), ("inventory", {"loaders": {}}), ("publisher", {})):
        try:
            module = importlib.import_module(f"splice.tools.{name}")
        except ImportError:
            continue
        times = []
        for n in range(rounds + 1):  # the first is a warm-up
            t0 = time.perf_counter()
            window = module.Window(host, client, None, **options)
            window.show()
            app.processEvents()
            if n:
                times.append((time.perf_counter() - t0) * 1000)
            # its worker finishes and the window goes before the next one is timed
            _wait(app, lambda w=window: not (getattr(w, "busy", False) or getattr(w, "pending", 0)))
            window.close()
            window.deleteLater()
            app.processEvents()
        app.processEvents()
        stats = _stats(times)
        out[name] = {**stats, "passed": stats["p50"] < GOAL_OPEN_MS}
    return {"windows": out, "goal_ms": GOAL_OPEN_MS, "passed": all(w["passed"] for w in out.values())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tools", description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--revisions-per-item", type=int, default=5)
    parser.add_argument("--containers", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)

    from splice.tools.common import application

    app = application()
    with tempfile.TemporaryDirectory(prefix="splice-bench-tools-") as tmp:
        client, store = build(Path(tmp), args.items, args.revisions_per_item, args.containers)
        calls = Calls(client.backend)
        ld = loader(app, client, calls, store, args.rounds)
        inv = inventory(app, client, calls, args.containers, args.rounds)
        op = opening(app, client, store, args.containers, args.rounds)
        client.close()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    print(
        f"tools: {store['items']:,} items, {store['revisions']:,} revisions in {store['spaces']} spaces "
        f"(built in {store['build_s']:.1f} s), {args.containers:,} containers, {args.rounds} rounds, "
        f"load {load:.2f}, {os.cpu_count()} cores"
    )
    shown = f"{ld['items_shown']:,} items, {ld['spaces_shown']} spaces"
    print(f"  loader first paint ({shown})  {_text(ld['first_paint'])}")
    print(f"    goal < {GOAL_LOADER_MS:.0f} ms, data fetched lazily  {verdict(ld['passed'])}")
    print(f"    baseline: client.search(under=space)   {_text(ld['baseline_search'])}")
    print(f"    store calls: {ld['store_calls']}  lazy (one space listed, no revisions): {ld['lazy']}")
    shown = f"{inv['rows']:,} rows, states {', '.join(inv['states'])}"
    print(f"  inventory shown ({shown})  {_text(inv['shown'])}")
    print(f"    goal p95 < {GOAL_INVENTORY_MS:.0f} ms and 1 round trip  {verdict(inv['passed'])}")
    print(f"    baseline: inventory.check              {_text(inv['baseline_check'])}")
    print(f"    store calls: {inv['store_calls']} ({inv['round_trips']} round trip(s))")
    for name, w in op["windows"].items():
        print(f"  open {name:<10} {_text(w)}   goal < {GOAL_OPEN_MS:.0f} ms  {verdict(w['passed'])}")
    passed = ld["passed"] and inv["passed"] and op["passed"]
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"store": store, "loader": ld, "inventory": inv, "open": op, "load": load, "passed": passed},
                indent=2,
            )
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
