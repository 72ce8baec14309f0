"""A generated studio graph in a splice SQLite store, for the traversal benchmark.

It looks like a studio's history: several shows (projects), each with assets
(characters: model, texture, rig, lookdev; props and environments: model,
texture, lookdev) and shots in sequences (layout -> anim -> fx -> lighting ->
comp). Every item has several revisions. Edges go from the newer revision to
what it was made from, so the graph is a DAG:

- texture, rig, lookdev DEPENDS_ON a model (lookdev also on a texture);
- layout DEPENDS_ON the shot's environment model, character rigs, prop models;
- anim on layout and rigs; fx on anim and the environment; lighting on anim,
  fx and lookdevs; comp on lighting and fx;
- a new revision of a model, texture, layout, anim or comp is DERIVED_FROM the
  previous one;
- the rest of the edge budget: shot revisions DEPENDS_ON more assets of their
  show (extra props, textures).

Rows go straight into the tables of ``core/engines/sqlite_schema.py`` of a
store that splice itself created (``splice.connect(path)``), in one
transaction with ``executemany``: projects, spaces, items (with
``last_number``), revisions, tags (``latest`` on the newest revision of each
item, ``published`` on the one before), tag_history (every move of ``latest``
and every ``published``) and edges. No artifacts and no events. Then ANALYZE.

The file is cached under ``benchmarks/.cache/`` keyed by size, seed, this
generator's version and the schema version, so a re-run only opens it.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

GENERATOR_VERSION = 1

# name -> (revisions, edges)
SIZES: dict[str, tuple[int, int]] = {
    "small": (20_000, 100_000),
    "medium": (200_000, 1_000_000),
    "full": (1_000_000, 5_000_000),
}

DEPENDS_ON, DERIVED_FROM = 0, 1
EDGE_TYPES = ("DEPENDS_ON", "DERIVED_FROM")

ASSET_TYPES = {  # type -> (items per show at scale 1, kinds)
    "chr": (60, ("model", "texture", "rig", "lookdev")),
    "prp": (240, ("model", "texture", "lookdev")),
    "env": (20, ("model", "texture", "lookdev")),
}
SHOTS_PER_SHOW = 600
SHOTS_PER_SEQUENCE = 10
TASKS = ("layout", "anim", "fx", "lighting", "comp")
REVISIONS = {  # kind -> (min, max) revisions per item
    "model": (2, 8), "texture": (2, 8), "rig": (2, 8), "lookdev": (2, 8),
    "layout": (1, 4), "anim": (2, 10), "fx": (1, 6), "lighting": (2, 8), "comp": (2, 10),
}
REVISIONS_PER_SHOW = 19_000  # about, at scale 1
AUTHORS = tuple(f"artist{i:02d}" for i in range(40))
EPOCH = datetime(2019, 1, 1, tzinfo=timezone.utc)

CACHE_DIR = Path(os.environ.get("SPLICE_BENCH_CACHE", Path(__file__).parent / ".cache"))


@dataclass
class StudioGraph:
    path: Path
    revisions: int
    edges: int
    seed: int
    generated_seconds: float | None  # None when it came from the cache
    shows: int = 0
    items: int = 0


def size_of(name: str) -> tuple[int, int]:
    return SIZES[name]


def cache_name(revisions: int, edges: int, seed: int) -> str:
    from splice.engines.sqlite_schema import SCHEMA_VERSION

    return f"studio-r{revisions}-e{edges}-s{seed}-g{GENERATOR_VERSION}-schema{SCHEMA_VERSION}"


def ensure(revisions: int, edges: int, seed: int = 1, log: Callable[[str], None] = print) -> StudioGraph:
    """The cached studio graph of this size and seed, generated if missing."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / (cache_name(revisions, edges, seed) + ".db")
    if path.exists():
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            shows = conn.execute("SELECT COUNT(*) FROM projects").fetchone()[0]
            items = conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
        finally:
            conn.close()
        return StudioGraph(path, revisions, edges, seed, None, shows, items)
    log(f"  generating studio graph: {revisions:,} revisions, {edges:,} edges, seed {seed} -> {path}")
    started = time.perf_counter()
    shows, items = generate(path, revisions, edges, seed, log)
    return StudioGraph(path, revisions, edges, seed, time.perf_counter() - started, shows, items)


# -- the plan: items and their revision counts -------------------------------
@dataclass
class _Item:
    path: str
    parent: str
    name: str
    kind: str
    show: int
    count: int
    first: int = 0  # id of revision 1


@dataclass
class _Show:
    name: str
    spaces: list[str]
    items: list[_Item]
    assets: dict[str, dict[str, _Item]]  # asset name -> kind -> item
    shots: list[tuple[dict[str, _Item], dict[str, _Item], list[dict[str, _Item]], list[dict[str, _Item]]]]
    # (tasks by kind, environment, characters, props) per shot
    asset_range: tuple[int, int] = (0, 0)  # revision ids [lo, hi) of its assets
    shot_range: tuple[int, int] = (0, 0)


def _plan(revisions: int, rng: random.Random) -> list[_Show]:
    n_shows = max(1, round(revisions / REVISIONS_PER_SHOW))
    scale = revisions / (n_shows * REVISIONS_PER_SHOW)
    shows = []
    for s in range(n_shows):
        show = f"show{s + 1:03d}"
        spaces = [f"{show}/assets", f"{show}/shots"]
        items: list[_Item] = []
        assets: dict[str, dict[str, _Item]] = {}
        by_type: dict[str, list[dict[str, _Item]]] = {}
        for atype, (per_show, kinds) in ASSET_TYPES.items():
            parent = f"{show}/assets/{atype}"
            spaces.append(parent)
            for a in range(max(1, round(per_show * scale))):
                name = f"{atype}_{a + 1:04d}"
                kinds_of = {}
                for kind in kinds:
                    count = rng.randint(*REVISIONS[kind])
                    item = _Item(f"{parent}/{name}.{kind}", parent, name, kind, s, count)
                    items.append(item)
                    kinds_of[kind] = item
                assets[f"{atype}/{name}"] = kinds_of
                by_type.setdefault(atype, []).append(kinds_of)
        shots = []
        n_shots = max(1, round(SHOTS_PER_SHOW * scale))
        env = by_type["env"][0]
        for n in range(n_shots):
            seq = f"{show}/shots/sq{n // SHOTS_PER_SEQUENCE + 1:04d}"
            if n % SHOTS_PER_SEQUENCE == 0:
                spaces.append(seq)
                env = rng.choice(by_type["env"])  # a sequence plays in one place
            name = f"sh{(n % SHOTS_PER_SEQUENCE + 1) * 10:04d}"
            tasks = {}
            for kind in TASKS:
                item = _Item(f"{seq}/{name}.{kind}", seq, name, kind, s, rng.randint(*REVISIONS[kind]))
                items.append(item)
                tasks[kind] = item
            chars = rng.sample(by_type["chr"], min(len(by_type["chr"]), rng.randint(1, 3)))
            props = rng.sample(by_type["prp"], min(len(by_type["prp"]), rng.randint(0, 4)))
            shots.append((tasks, env, chars, props))
        shows.append(_Show(show, spaces, items, assets, shots))
    # exactly `revisions`: add to or take from random items
    all_items = [i for show in shows for i in show.items]
    diff = revisions - sum(i.count for i in all_items)
    if diff < 0 and len(all_items) > revisions:
        raise ValueError(f"{revisions} revisions are too few for a studio graph (at least {len(all_items)})")
    while diff > 0:
        rng.choice(all_items).count += 1
        diff -= 1
    while diff < 0:
        item = rng.choice(all_items)
        if item.count > 1:
            item.count -= 1
            diff += 1
    # revision ids in creation order: per show, its assets, then its shots
    next_id = 1
    for show in shows:
        lo = next_id
        for item in show.items:
            if item.kind in TASKS and show.asset_range == (0, 0):
                show.asset_range = (lo, next_id)
                lo = next_id
            item.first = next_id
            next_id += item.count
        show.shot_range = (lo, next_id)
    return shows


# -- edges -------------------------------------------------------------------
def _structural_edges(shows: list[_Show], rng: random.Random) -> tuple[array, array, array]:
    """Edges of the pipeline, in order of source revision."""
    src, dst, typ = array("i"), array("i"), array("b")
    rand = rng.random

    def pick(item: _Item, j: int, of: int) -> int:
        """A revision of ``item`` about as far along as revision j of `of` (0-based)."""
        k = int((j + rand()) * item.count / of)
        return item.first + (k if k < item.count else item.count - 1)

    def add(s: int, t: int, kind: int) -> None:
        src.append(s)
        dst.append(t)
        typ.append(kind)

    for show in shows:
        for kinds in show.assets.values():
            model = kinds["model"]
            for kind, item in kinds.items():
                for j in range(item.count):
                    rid = item.first + j
                    if kind in ("model", "texture") and j:
                        add(rid, rid - 1, DERIVED_FROM)
                    if kind != "model":
                        add(rid, pick(model, j, item.count), DEPENDS_ON)
                    if kind == "lookdev":
                        add(rid, pick(kinds["texture"], j, item.count), DEPENDS_ON)
        for tasks, env, chars, props in show.shots:
            for kind in TASKS:
                item = tasks[kind]
                n = item.count
                for j in range(n):
                    rid = item.first + j
                    if kind in ("layout", "anim", "comp") and j:
                        add(rid, rid - 1, DERIVED_FROM)
                    if kind == "layout":
                        add(rid, pick(env["model"], j, n), DEPENDS_ON)
                        for c in chars:
                            add(rid, pick(c["rig"], j, n), DEPENDS_ON)
                        for p in props:
                            add(rid, pick(p["model"], j, n), DEPENDS_ON)
                    elif kind == "anim":
                        add(rid, pick(tasks["layout"], j, n), DEPENDS_ON)
                        for c in chars:
                            add(rid, pick(c["rig"], j, n), DEPENDS_ON)
                    elif kind == "fx":
                        add(rid, pick(tasks["anim"], j, n), DEPENDS_ON)
                        add(rid, pick(env["model"], j, n), DEPENDS_ON)
                    elif kind == "lighting":
                        add(rid, pick(tasks["anim"], j, n), DEPENDS_ON)
                        add(rid, pick(tasks["fx"], j, n), DEPENDS_ON)
                        add(rid, pick(env["lookdev"], j, n), DEPENDS_ON)
                        for c in chars:
                            add(rid, pick(c["lookdev"], j, n), DEPENDS_ON)
                    else:  # comp
                        add(rid, pick(tasks["lighting"], j, n), DEPENDS_ON)
                        add(rid, pick(tasks["fx"], j, n), DEPENDS_ON)
    return src, dst, typ


def _edges(shows: list[_Show], total: int, rng: random.Random) -> Iterator[tuple[int, int, int]]:
    """Exactly ``total`` distinct (source, target, type) edges, in order of source."""
    src, dst, typ = _structural_edges(shows, rng)
    structural = len(src)
    keep = None
    extra: dict[int, int] = {}
    if structural > total:  # a small edge budget: drop random pipeline edges
        keep = bytearray(structural)
        for i in rng.sample(range(structural), total):
            keep[i] = 1
    else:  # the rest: shot revisions use more assets of their show
        weights = [s.shot_range[1] - s.shot_range[0] for s in shows]
        ranges = [s.shot_range for s in shows]
        for _ in range(total - structural):
            lo, hi = rng.choices(ranges, weights)[0]
            rid = rng.randrange(lo, hi)
            extra[rid] = extra.get(rid, 0) + 1
    i = 0
    for show in shows:
        lo, hi = show.asset_range
        for rid in range(lo, show.shot_range[1]):
            targets = set()
            while i < structural and src[i] == rid:
                if keep is None or keep[i]:
                    targets.add(dst[i])
                    yield rid, dst[i], typ[i]
                i += 1
            wanted = extra.get(rid, 0)
            if wanted:
                wanted = min(wanted, hi - lo - len(targets))  # at most every asset of the show
                while wanted:
                    t = rng.randrange(lo, hi)
                    if t not in targets:
                        targets.add(t)
                        yield rid, t, DEPENDS_ON
                        wanted -= 1


# -- writing -------------------------------------------------------------------
def _stamp(i: int) -> str:
    return (EPOCH + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def generate(
    path: Path, revisions: int, edges: int, seed: int, log: Callable[[str], None] = print
) -> tuple[int, int]:
    """Write the studio graph to ``path`` (through a temporary file); return (shows, items)."""
    import splice

    rng = random.Random(seed)
    t0 = time.perf_counter()
    shows = _plan(revisions, rng)
    tmp = path.with_suffix(".tmp")
    for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        p.unlink(missing_ok=True)
    splice.connect(str(tmp), user="bench").close()  # splice makes the schema

    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -1000000")  # 1 GB
        conn.execute("PRAGMA temp_store = MEMORY")
        tables = ("items", "revisions", "tags", "tag_history", "edges")
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({','.join('?' * len(tables))})",
            tables,
        ).fetchall()
        conn.execute("BEGIN")
        for name, _ in indexes:  # faster to build them once the rows are in
            conn.execute(f'DROP INDEX "{name}"')

        n_rev = revisions
        stamps = [_stamp(i) for i in range(n_rev + 1)]
        conn.executemany(
            "INSERT INTO projects (id, name, description, metadata, created_at, author) VALUES (?,?,?,?,?,?)",
            [(s + 1, show.name, f"generated show {s + 1}", "{}", stamps[show.asset_range[0]], "bench")
             for s, show in enumerate(shows)],
        )
        space_rows = []
        for s, show in enumerate(shows):
            for sp in show.spaces:
                parent, _, name = sp.rpartition("/")
                space_rows.append((s + 1, sp, parent, name, "{}", stamps[show.asset_range[0]], "bench"))
        conn.executemany(
            "INSERT INTO spaces (project_id, path, parent_path, name, metadata, created_at, author)"
            " VALUES (?,?,?,?,?,?,?)",
            space_rows,
        )
        all_items = [item for show in shows for item in show.items]
        conn.executemany(
            "INSERT INTO items (id, project_id, path, parent_path, name, kind, metadata, created_at, author,"
            " last_number) VALUES (?,?,?,?,?,?,'{}',?,?,?)",
            ((n + 1, it.show + 1, it.path, it.parent, it.name, it.kind, stamps[it.first], "bench", it.count)
             for n, it in enumerate(all_items)),
        )

        def revision_rows() -> Iterator[tuple]:
            for n, it in enumerate(all_items, 1):
                published = it.first + it.count - 2  # the one before the newest
                for j in range(it.count):
                    rid = it.first + j
                    author = AUTHORS[rid % len(AUTHORS)]
                    meta = f'{{"artist":"{author}"}}'
                    yield (rid, n, j + 1, meta, stamps[rid], author, int(rid == published))

        conn.executemany(
            "INSERT INTO revisions (id, item_id, number, metadata, created_at, author, published)"
            " VALUES (?,?,?,?,?,?,?)",
            revision_rows(),
        )
        tag_rows = []
        for n, it in enumerate(all_items, 1):
            tag_rows.append((n, "latest", it.first + it.count - 1))
            if it.count > 1:
                tag_rows.append((n, "published", it.first + it.count - 2))
        conn.executemany("INSERT INTO tags (item_id, tag, revision_id) VALUES (?,?,?)", tag_rows)

        def history_rows() -> Iterator[tuple]:
            for n, it in enumerate(all_items, 1):
                for j in range(it.count):
                    rid = it.first + j
                    yield (n, rid, j + 1, "latest", stamps[rid], AUTHORS[rid % len(AUTHORS)])
                if it.count > 1:  # published a little after the next revision came
                    rid = it.first + it.count - 2
                    yield (n, rid, it.count - 1, "published", stamps[rid + 1][:-4] + "500Z", "supervisor")

        conn.executemany(
            "INSERT INTO tag_history (item_id, revision_id, revision_number, tag, action, at, author)"
            " VALUES (?,?,?,?,'tagged',?,?)",
            history_rows(),
        )
        t1 = time.perf_counter()
        conn.executemany(
            "INSERT INTO edges (source_id, target_id, edge_type, metadata, created_at, author)"
            " VALUES (?,?,?,'{}',?,?)",
            ((s, t, EDGE_TYPES[k], stamps[s], AUTHORS[s % len(AUTHORS)])
             for s, t, k in _edges(shows, edges, rng)),
        )
        t2 = time.perf_counter()
        for _, sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
        t3 = time.perf_counter()
        got = conn.execute("SELECT COUNT(*) FROM edges").fetchone()[0]
        if got != edges:
            log(f"  note: {got:,} edges (asked for {edges:,}: the shows have too few assets for more)")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA journal_mode = WAL")
        t4 = time.perf_counter()
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    conn.close()
    os.replace(tmp, path)
    log(
        f"  generated {len(shows)} shows, {len(all_items):,} items in {t4 - t0:.1f}s"
        f" (plan+rows {t1 - t0:.1f}s, edges {t2 - t1:.1f}s, indexes {t3 - t2:.1f}s, ANALYZE {t4 - t3:.1f}s)"
    )
    return len(shows), len(all_items)
