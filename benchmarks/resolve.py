"""Figures 1 and 2: ``splice.resolve`` of a tag kref with an artifact, and ``resolve_many``.

The store is built through splice's own API in a temporary folder: 10,000
model items, each with revision 1 (artifacts mesh, preview; tagged
``published``) and revision 2 (``latest``). Every kref asked is
``kref://bench/assets/aNNNNN.model?t=published&a=mesh``.

Baseline: a bare ``sqlite3`` point lookup by primary key on the same file
(``SELECT location FROM artifacts WHERE id = ?``), the floor of any lookup.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import splice

from .common import MS, RATE, Figure, ms_of, rate_of

ITEMS = 10_000
RESOLVE_GOAL = 20_000  # per second
RESOLVE_MANY_GOAL = 100  # ms for 10,000 krefs


def kref_of(i: int) -> str:
    return f"kref://bench/assets/a{i:05d}.model?t=published&a=mesh"


def build_store(path: Path, items: int = ITEMS) -> float:
    """A store with ``items`` published models; return the seconds it took."""
    started = time.perf_counter()
    client = splice.connect(str(path), user="bench")
    space = splice.create_project("bench", "resolve benchmark").create_space("assets")
    for i in range(items):
        space.create_item(f"a{i:05d}", "model")
    for lo in range(0, items, 1000):
        specs = []
        for i in range(lo, min(items, lo + 1000)):
            item = f"kref://bench/assets/a{i:05d}.model"
            for v in (1, 2):
                specs.append({
                    "item": item,
                    "artifacts": [
                        {"name": "mesh", "location": f"/mnt/show/assets/a{i:05d}/v{v:03d}/mesh.abc"},
                        {"name": "preview", "location": f"/mnt/show/assets/a{i:05d}/v{v:03d}/preview.mov"},
                    ],
                    "tags": ["published"] if v == 1 else [],
                })
        splice.batch_create_revisions(specs)
    client.close()
    return time.perf_counter() - started


def run(workdir: Path, log=print) -> list[Figure]:
    path = workdir / "resolve.db"
    built = build_store(path)
    log(f"  store: {ITEMS:,} items, {2 * ITEMS:,} revisions, {4 * ITEMS:,} artifacts,"
        f" built through splice in {built:.1f}s")
    client = splice.connect(str(path), user="bench")
    krefs = [kref_of(i) for i in range(ITEMS)]
    expected = splice.resolve(krefs[42])
    if expected != "/mnt/show/assets/a00042/v001/mesh.abc":
        raise AssertionError(f"resolve gave {expected!r}")

    # the same file, bare sqlite3: the artifact rows the krefs select
    raw = sqlite3.connect(path, isolation_level=None)
    ids = [row[0] for row in raw.execute(
        "SELECT a.id FROM artifacts a JOIN revisions r ON r.id = a.revision_id"
        " WHERE a.name = 'mesh' AND r.number = 1 ORDER BY a.id"
    )]
    assert len(ids) == ITEMS

    def resolve_loop() -> int:
        resolve = splice.resolve
        for k in krefs:
            resolve(k)
        return len(krefs)

    def lookup_loop() -> int:
        execute = raw.execute
        for i in ids:
            execute("SELECT location FROM artifacts WHERE id = ?", (i,)).fetchone()
        return len(ids)

    resolve_rate = rate_of(resolve_loop)
    lookup_rate = rate_of(lookup_loop)

    def many() -> None:
        out = splice.resolve_many(krefs)
        if out[42] != expected or None in out:
            raise AssertionError("resolve_many missed krefs")

    many_ms = ms_of(many)
    loop_ms = ms_of(lookup_loop)
    raw.close()
    client.close()
    return [
        Figure(
            "resolve",
            "resolve of a tag kref with artifact (…/aNNNNN.model?t=published&a=mesh), warm, single calls",
            resolve_rate, RATE, RESOLVE_GOAL,
            "bare sqlite3 point lookup by primary key, same file", lookup_rate,
            details=[f"{ITEMS:,} distinct krefs per round; median of 5 rounds after 1 warm-up"],
        ),
        Figure(
            "resolve_many",
            f"resolve_many over {ITEMS:,} krefs (one call)",
            many_ms, MS, RESOLVE_MANY_GOAL,
            f"{ITEMS:,} bare sqlite3 point lookups in one loop", loop_ms, strict=True,
            details=["median of 5 calls after 1 warm-up"],
        ),
    ]
