"""Figures 1 and 2: ``splice.resolve`` of a tag kref with an artifact, and ``resolve_many``.

The store is built through splice's own API, on each engine: a SQLite file in
a temporary folder, or a fresh PostgreSQL schema ``bench_resolve``
(``URL?schema=bench_resolve``). 10,000 model items (``--items``), each with
revision 1 (artifacts mesh, preview; tagged ``published``) and revision 2
(``latest``). Every kref asked is
``kref://bench/assets/aNNNNN.model?t=published&a=mesh``.

Baseline: a bare point lookup by primary key on the same store
(``SELECT location FROM artifacts WHERE id = ?``), the floor of any lookup:
``sqlite3`` on the same file, or ``psycopg`` on the same database (autocommit,
one round trip; psycopg prepares it server-side after 5 runs).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import splice

from .common import MS, RATE, Figure, ms_of, rate_of, rounds_text
from .engines import POSTGRESQL, SQLITE, PgServer

ITEMS = 10_000
RESOLVE_GOAL = 20_000  # per second
RESOLVE_MANY_GOAL = 100  # ms for 10,000 krefs
SCHEMA = "bench_resolve"
BASELINE = {
    SQLITE: "bare sqlite3 point lookup by primary key, same file",
    POSTGRESQL: "bare psycopg point lookup by primary key (autocommit), same database",
}


def kref_of(i: int) -> str:
    return f"kref://bench/assets/a{i:05d}.model?t=published&a=mesh"


def build_store(url: str, items: int = ITEMS) -> float:
    """A store with ``items`` published models at ``url``; return the seconds it took."""
    started = time.perf_counter()
    client = splice.connect(url, user="bench")
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


def run(workdir: Path, engine: str = SQLITE, pg: PgServer | None = None, items: int = ITEMS,
        log: Callable[[str], None] = print) -> list[Figure]:
    if engine == POSTGRESQL:
        assert pg is not None
        url = pg.fresh(SCHEMA)
        where = f"schema {SCHEMA}"
    else:
        path = workdir / "resolve.db"
        url, where = str(path), path.name
    built = build_store(url, items)
    log(f"  {engine}: store: {items:,} items, {2 * items:,} revisions, {4 * items:,} artifacts,"
        f" built through splice in {built:.1f}s ({where})")
    client = splice.connect(url, user="bench")
    krefs = [kref_of(i) for i in range(items)]
    expected = splice.resolve(krefs[min(42, items - 1)])
    if expected != f"/mnt/show/assets/a{min(42, items - 1):05d}/v001/mesh.abc":
        raise AssertionError(f"resolve gave {expected!r}")

    # the same store, bare driver: the artifact rows the krefs select
    if engine == POSTGRESQL:
        raw = pg.connect(SCHEMA)
        lookup = "SELECT location FROM artifacts WHERE id = %s"
    else:
        raw = sqlite3.connect(path, isolation_level=None)
        lookup = "SELECT location FROM artifacts WHERE id = ?"
    ids = [row[0] for row in raw.execute(
        "SELECT a.id FROM artifacts a JOIN revisions r ON r.id = a.revision_id"
        " WHERE a.name = 'mesh' AND r.number = 1 ORDER BY a.id"
    )]
    assert len(ids) == items

    def resolve_loop() -> int:
        resolve = splice.resolve
        for k in krefs:
            resolve(k)
        return len(krefs)

    def lookup_loop() -> int:
        execute = raw.execute
        for i in ids:
            execute(lookup, (i,)).fetchone()
        return len(ids)

    resolve_rate = rate_of(resolve_loop)
    lookup_rate = rate_of(lookup_loop)

    def many() -> None:
        out = splice.resolve_many(krefs)
        if out[min(42, items - 1)] != expected or None in out:
            raise AssertionError("resolve_many missed krefs")

    many_ms = ms_of(many)
    loop_ms = ms_of(lookup_loop)
    raw.close()
    client.close()
    if engine == POSTGRESQL:
        pg.drop(SCHEMA)
    driver = "psycopg" if engine == POSTGRESQL else "sqlite3"
    return [
        Figure(
            "resolve",
            "resolve of a tag kref with artifact (…/aNNNNN.model?t=published&a=mesh), warm, single calls",
            resolve_rate, RATE, RESOLVE_GOAL,
            BASELINE[engine], lookup_rate, engine=engine,
            details=[f"{items:,} distinct krefs per round; {rounds_text()}"],
        ),
        Figure(
            "resolve_many",
            f"resolve_many over {items:,} krefs (one call)",
            many_ms, MS, RESOLVE_MANY_GOAL,
            f"{items:,} bare {driver} point lookups in one loop", loop_ms, strict=True, engine=engine,
            details=[rounds_text("call")
                     + ("" if items == ITEMS else f"; the goal is for {ITEMS:,} krefs")],
        ),
    ]
