"""``python -m benchmarks.hosts``: the scene inventory and publishing, on the embedded engine.

- ``outdated``: ``splice.pipeline.inventory.check`` of a scene of N containers (default 1,000,
  each an item whose r1 is loaded and r2 is latest) against ``latest``: one
  ``batch_get_revisions`` round trip (counted). Goal: < 50 ms. Baselines in the same run:
  that one batch call alone, and asking per container (``get_revision`` twice each), as
  loaders that check one product at a time do.
- ``publish``: ``splice.pipeline.publish.publish`` of one instance whose extractor writes M MB,
  beside the extraction alone (the same bytes written to a file): the overhead splice adds
  on top of the export (pyblish, checks, hashing and storing the file, one transaction).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

GOAL_MS = 50.0
EXTRACTOR = '''
import os

import pyblish.api


class ExtractBytes(pyblish.api.InstancePlugin):
    order = pyblish.api.ExtractorOrder
    hosts = ["memory"]

    def process(self, instance):
        path = os.path.join(instance.data["stagingDir"], "geo.bin")
        with open(path, "wb") as f:
            f.write(os.urandom({size}))
        instance.data["representations"].append({{"name": "geo", "path": path}})
'''


def _median_ms(run: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def outdated(
    root: Path, containers: int, rounds: int, url: str | None = None, **connect: Any
) -> dict[str, Any]:
    import splice
    from splice.kref import Kref
    from splice.pipeline import Container, MemoryHost, inventory

    client = splice.connect(url or f"sqlite:///{root / 'inventory.db'}", user="bench", **connect)
    space = client.create_project("show").create_space("assets")
    host = MemoryHost()
    specs = []
    for i in range(containers):
        item = space.create_item(f"prop{i:04d}", "model")
        specs += [{"item": str(item.kref)}, {"item": str(item.kref)}]
    client.batch_create_revisions(specs)
    for i in range(containers):
        kref = f"kref://show/assets/prop{i:04d}.model?r=1"
        host.write_container(Container(f"prop{i:04d}", kref, "Loader", "abc", "set"))
    calls = []
    real = client.backend.batch_get_revisions

    def counting(krefs):
        calls.append(len(krefs))
        return real(krefs)

    client.backend.batch_get_revisions = counting
    entries = inventory.check(host, client, "latest")
    assert sum(e.outdated for e in entries) == containers and len(calls) == 1, calls
    check_ms = _median_ms(lambda: inventory.check(host, client, "latest"), rounds)
    scene = host.ls_containers()
    krefs = [Kref(c.kref) for c in scene] + [Kref(f"{c.item_kref}?t=latest") for c in scene]
    batch_ms = _median_ms(lambda: real(krefs), rounds)
    scene = scene[: max(1, containers // 10)] if url else scene  # per container over HTTP: a sample

    def per_container() -> None:
        for c in scene:
            client.get_revision(c.kref)
            client.get_revision(f"{c.item_kref}?t=latest")

    per_ms = _median_ms(per_container, max(1, rounds // 3)) * containers / len(scene)
    client.close()
    return {
        "containers": containers,
        "round_trips": calls[0] and 1,
        "krefs_in_the_call": calls[0],
        "check_ms": check_ms,
        "batch_call_alone_ms": batch_ms,
        "per_container_ms": per_ms,
        "goal_ms": GOAL_MS,
    }


def publish(root: Path, size_mb: float, rounds: int) -> dict[str, Any]:
    import splice
    import splice.pipeline
    from splice.pipeline import MemoryHost, publish

    size = int(size_mb * 1024 * 1024)
    plugins = root / "plugins"
    plugins.mkdir()
    (plugins / "extract_bytes.py").write_text(textwrap.dedent(EXTRACTOR.format(size=size)))
    os.environ["SPLICE_FILE_CACHE"] = str(root / "cache")
    client = splice.connect(f"sqlite:///{root / 'publish.db'}", user="bench")
    client.create_project("show", metadata={"files.store": str(root / "store")}).create_space("assets")
    host = MemoryHost()
    host.set_context(splice.pipeline.Context("show", "kref://show/assets", "modeling"))
    splice.pipeline.create(host, "model", "hero", options={"members": []})

    def one() -> None:
        report = publish.publish(host, client, paths=[plugins])
        assert report.success, report.to_text()

    one()  # warm: imports, pyblish discovery cache, store folders
    publish_ms = _median_ms(one, rounds)

    def export_alone() -> None:
        with open(root / "export.bin", "wb") as f:
            f.write(os.urandom(size))

    export_ms = _median_ms(export_alone, rounds)
    count = len(client.get_item("kref://show/assets/hero.model").get_revisions())
    client.close()
    return {
        "size_mb": size_mb,
        "publish_ms": publish_ms,
        "export_alone_ms": export_ms,
        "overhead_ms": publish_ms - export_ms,
        "revisions": count,
    }


def _over_http(root: Path, containers: int, rounds: int) -> dict[str, Any]:
    """The same check through a real splice server on loopback (SQLite behind it)."""
    from splice.server.local import LocalServer

    with LocalServer(root / "server") as server:
        _, token = server.new_tenant()
        return outdated(root, containers, rounds, server.url, token=token)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hosts", description=__doc__.split("\n\n")[0])
    parser.add_argument("--containers", type=int, default=1000)
    parser.add_argument("--size-mb", type=float, default=50.0, help="what the publish's extractor writes")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    parser.add_argument("--no-server", action="store_true", help="skip the check through a splice server")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="splice-bench-hosts-") as tmp:
        root = Path(tmp)
        figures = {"sqlite": outdated(root, args.containers, args.rounds)}
        if not args.no_server:
            figures["server"] = _over_http(root, args.containers, args.rounds)
        p = publish(root, args.size_mb, max(3, args.rounds // 2))
    print(f"scene inventory, {args.containers:,} containers against latest")
    for engine, o in figures.items():
        verdict = ("meets" if o["check_ms"] < GOAL_MS else "MISSES") if engine == "sqlite" else "(no goal)"
        print(f"  {engine:<7} outdated check {o['check_ms']:7.1f} ms in {o['round_trips']} round trip "
              f"({o['krefs_in_the_call']:,} krefs), goal < {GOAL_MS:.0f} ms embedded: {verdict}")
        per = o["per_container_ms"]
        print(f"          the batch call alone {o['batch_call_alone_ms']:.1f} ms; per container"
              f" (2 calls each) {per:,.0f} ms = {per / o['check_ms']:.1f}x the check")
    print(f"publish of one instance writing {p['size_mb']:g} MB (MemoryHost, folder store)")
    print(f"  publish {p['publish_ms']:.0f} ms   the export alone {p['export_alone_ms']:.0f} ms   "
          f"overhead {p['overhead_ms']:.0f} ms ({p['publish_ms'] / p['export_alone_ms']:.2f}x the export)")
    if args.json:
        Path(args.json).write_text(json.dumps({"outdated": figures, "publish": p}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
