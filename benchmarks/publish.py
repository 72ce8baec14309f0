"""Figure 3: publish = one revision + 3 artifacts + 2 edges + a tag, with its events.

Each publish is one ``splice.batch_create_revisions([spec])`` call (one
transaction) on a store built through splice, on each engine (a SQLite file in
a temporary folder, or a fresh PostgreSQL schema ``bench_publish``): 1,000
shot items to publish into and 200 asset models (one revision each) that the
edges point at.

Each shot is published again and again, so ``published`` usually moves from
the shot's previous revision. Baseline: the bare driver writing the same rows
as splice into the same tables of a second store splice created, in one
transaction per publish, one statement per row, with no lookups or checks: the
item's revision counter, the revision, ``latest`` and ``published`` in tags and
tag_history (plus the untag row and event when ``published`` moves), 3
artifacts, 2 edges and the events. ``sqlite3`` on a file in WAL with
``synchronous=NORMAL`` as splice sets it (``BEGIN IMMEDIATE``, splice's write
lock); ``psycopg`` on the same PostgreSQL database (``BEGIN``; no advisory lock,
no ``NOTIFY``: those are splice's, not rows). The rows each side wrote per
publish are counted and printed.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import splice

from .common import RATE, Figure, rate_of, rounds_text
from .engines import POSTGRESQL, SQLITE, PgServer

GOAL = 2_000  # publishes per second
SHOTS = 1_000
ASSETS = 200
ROUND = 500  # publishes per timed round
TABLES = ("revisions", "artifacts", "edges", "tags", "tag_history", "events")
SCHEMA = "bench_publish"
BASELINE = {
    SQLITE: "bare sqlite3 writing the same rows, one transaction per publish",
    POSTGRESQL: "bare psycopg writing the same rows, one transaction per publish",
}


def _shot(i: int) -> str:
    return f"kref://pub/shots/sh{i:04d}.anim"


def _asset(i: int) -> str:
    return f"kref://pub/assets/m{i:03d}.model?r=1"


def build_store(url: str) -> None:
    client = splice.connect(url, user="bench")
    project = splice.create_project("pub", "publish benchmark")
    assets, shots = project.create_space("assets"), project.create_space("shots")
    for i in range(ASSETS):
        assets.create_item(f"m{i:03d}", "model")
    for i in range(SHOTS):
        shots.create_item(f"sh{i:04d}", "anim")
    splice.batch_create_revisions([
        {"item": f"kref://pub/assets/m{i:03d}.model",
         "artifacts": [{"name": "mesh", "location": f"/mnt/pub/assets/m{i:03d}/v001/mesh.abc"}]}
        for i in range(ASSETS)
    ])
    client.close()


def spec(n: int) -> dict:
    """The n-th publish."""
    shot = n % SHOTS
    folder = f"/mnt/pub/shots/sh{shot:04d}/p{n:07d}"
    return {
        "item": _shot(shot),
        "metadata": {"artist": "bench", "task": "anim"},
        "artifacts": [
            {"name": "cache", "location": f"{folder}/cache.abc"},
            {"name": "playblast", "location": f"{folder}/playblast.mov"},
            {"name": "scene", "location": f"{folder}/scene.ma"},
        ],
        "edges": [
            {"target": _asset(n % ASSETS), "edge_type": "DEPENDS_ON"},
            {"target": _asset((n * 7 + 3) % ASSETS), "edge_type": "DEPENDS_ON"},
        ],
        "tags": ["published"],
    }


def _counts(conn) -> dict[str, int]:
    return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}


def _per_publish(before: dict[str, int], after: dict[str, int], n: int) -> dict[str, float]:
    return {t: (after[t] - before[t]) / n for t in TABLES}


def _rows_text(per: dict[str, float]) -> str:
    return ", ".join(f"{t} {v:.2f}".rstrip("0").rstrip(".") for t, v in per.items()) + (
        f" = {sum(per.values()):.2f}".rstrip("0").rstrip(".")
    )


def run(workdir: Path, engine: str = SQLITE, pg: PgServer | None = None, per_round: int = ROUND,
        log: Callable[[str], None] = print) -> list[Figure]:
    if engine == POSTGRESQL:
        assert pg is not None
        url, base_url = pg.fresh(SCHEMA), pg.fresh(SCHEMA + "_base")
    else:
        path, base_path = workdir / "publish.db", workdir / "publish-baseline.db"
        url, base_url = str(path), str(base_path)
    build_store(url)
    client = splice.connect(url, user="bench")
    counter = iter(range(10**9))
    check = pg.connect(SCHEMA) if engine == POSTGRESQL else sqlite3.connect(path)
    before = _counts(check)

    def publish_round() -> int:
        batch = splice.batch_create_revisions
        for _ in range(per_round):
            batch([spec(next(counter))])
        return per_round

    rate = rate_of(publish_round)
    published = next(counter)
    client.close()
    splice_rows = _per_publish(before, _counts(check), published)
    check.close()

    # baseline: the same 18 rows, bare driver, one transaction per publish
    build_store(base_url)
    if engine == POSTGRESQL:
        raw = pg.connect(SCHEMA + "_base")  # autocommit: BEGIN and COMMIT are sent as statements

        def ex(sql: str, params: tuple = ()):
            return raw.execute(sql.replace("?", "%s"), params or None)

        def insert_id(sql: str, params: tuple) -> int:
            return ex(sql + " RETURNING id", params).fetchone()[0]

        begin = "BEGIN"
    else:
        raw = sqlite3.connect(base_path, isolation_level=None)
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("PRAGMA synchronous = NORMAL")
        ex = raw.execute

        def insert_id(sql: str, params: tuple) -> int:
            return ex(sql, params).lastrowid

        begin = "BEGIN IMMEDIATE"
    item_ids = [r[0] for r in ex("SELECT id FROM items WHERE kind = 'anim' ORDER BY path")]
    asset_rids = [r[0] for r in ex(
        "SELECT r.id FROM revisions r JOIN items i ON i.id = r.item_id ORDER BY i.path"
    )]
    numbers = dict.fromkeys(item_ids, 0)
    last_rid: dict[int, int] = {}
    base_before = _counts(raw)
    base_counter = iter(range(10**9))
    stamp = "2024-01-01T00:00:00.000000Z"

    def baseline_round() -> int:
        for _ in range(per_round):
            n = next(base_counter)
            item_id = item_ids[n % SHOTS]
            numbers[item_id] += 1
            number = numbers[item_id]
            kref = f"{_shot(n % SHOTS)}?r={number}"
            ex(begin)
            ex("UPDATE items SET last_number = ? WHERE id = ?", (number, item_id))
            rid = insert_id(
                "INSERT INTO revisions (item_id, number, metadata, created_at, author, published,"
                " default_artifact) VALUES (?,?,?,?,?,1,'cache')",
                (item_id, number, '{"artist":"bench","task":"anim"}', stamp, "bench"),
            )
            if number > 1:  # 'published' leaves the previous revision
                ex("INSERT INTO tag_history (item_id, revision_id, revision_number, tag, action, at, author)"
                   " VALUES (?,?,?,'published','untagged',?,?)",
                   (item_id, last_rid[item_id], number - 1, stamp, "bench"))
            last_rid[item_id] = rid
            for tag in ("latest", "published"):
                ex("INSERT INTO tags (item_id, tag, revision_id) VALUES (?,?,?) ON CONFLICT (item_id, tag)"
                   " DO UPDATE SET revision_id = excluded.revision_id", (item_id, tag, rid))
                ex("INSERT INTO tag_history (item_id, revision_id, revision_number, tag, action, at, author)"
                   " VALUES (?,?,?,?,'tagged',?,?)", (item_id, rid, number, tag, stamp, "bench"))
            events = [("revision.created", kref, "created", json.dumps({"number": number}))]
            for name in ("cache", "playblast", "scene"):
                location = f"/mnt/pub/shots/p{n:07d}/{name}"
                ex("INSERT INTO artifacts (revision_id, name, location, metadata, created_at, author)"
                   " VALUES (?,?,?,'{}',?,?)", (rid, name, location, stamp, "bench"))
                meta = json.dumps({"location": location})
                events.append(("artifact.added", f"{kref}&a={name}", "added", meta))
            for target in (asset_rids[n % ASSETS], asset_rids[(n * 7 + 3) % ASSETS]):
                ex("INSERT INTO edges (source_id, target_id, edge_type, metadata, created_at, author)"
                   " VALUES (?,?,'DEPENDS_ON','{}',?,?)", (rid, target, stamp, "bench"))
                events.append(("edge.created", kref, "created", json.dumps({"target": target})))
            if number > 1:
                events.append(("revision.untagged", f"{_shot(n % SHOTS)}?r={number - 1}", "untagged",
                               json.dumps({"tag": "published", "moved_to": number})))
            events.append(("revision.tagged", kref, "tagged", '{"tag":"published"}'))
            for key, k, action, meta in events:
                ex("INSERT INTO events (routing_key, kref, action, at, author, metadata)"
                   " VALUES (?,?,?,?,?,?)", (key, k, action, stamp, "bench", meta))
            ex("COMMIT")
        return per_round

    base_rate = rate_of(baseline_round)
    base_rows = _per_publish(base_before, _counts(raw), next(base_counter))
    raw.close()
    if engine == POSTGRESQL:
        pg.drop(SCHEMA)
        pg.drop(SCHEMA + "_base")
    return [
        Figure(
            "publish",
            "publish (1 revision + 3 artifacts + 2 edges + tag 'published', with events),"
            " one batch_create_revisions([spec]) per publish",
            rate, RATE, GOAL,
            BASELINE[engine], base_rate, engine=engine,
            details=[
                f"{per_round} publishes per round, {SHOTS:,} shots in turn; {rounds_text()}"
                f" ({published:,} publishes)",
                f"rows inserted per publish, splice:   {_rows_text(splice_rows)}",
                f"rows inserted per publish, baseline: {_rows_text(base_rows)} (+ 1 UPDATE each)",
            ],
            extra={"rows_per_publish": {"splice": splice_rows, "baseline": base_rows}},
        )
    ]


if __name__ == "__main__":  # pragma: no cover
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        started = time.perf_counter()
        for figure in run(Path(d)):
            print(figure.as_dict())
        print(f"{time.perf_counter() - started:.1f}s")
