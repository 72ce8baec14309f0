"""A live local replica of a splice server (``splice.connect(url, replica=…)``).

A real ``splice serve`` on loopback over SQLite and over PostgreSQL, its own for this
module (the tests stop and restart it). The replica is filled from the server, answers
every read as the server does (time queries included), follows another client's writes
through the event stream, answers from its file while the server is away (saying so),
catches up from its cursor when it is back, and an apply that fails half-way leaves it
at its old cursor.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from replica_support import new_tenant, serve, wait_until

import splice
from splice import wire
from splice.backend import BOTH, INCOMING, OUTGOING
from splice.engines.replica import ReplicaBackend, StaleReadError
from splice.engines.replica_store import ReplicaStore
from splice.errors import EngineError, SpliceError, ValidationError
from splice.kref import Kref
from splice.records import ItemQuery
from splice.server.local import LocalServer
from splice.times import parse_time

pytestmark = pytest.mark.slow  # real servers stopped and started: about two minutes

pytest.importorskip("uvicorn")

HERO = "kref://show/assets/chars/hero.model"
VILLAIN = "kref://show/assets/chars/villain.model"
PROP = "kref://show/assets/chars/prop.model"
RIG = "kref://show/assets/chars/hero.rig"
ANIM = "kref://show/shots/sh010/anim.anim"
KIT = "kref://show/shots/kit.bundle"
WOOD = "kref://lib/tex/wood.texture"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    yield from serve(request, tmp_path_factory, "replica")


@pytest.fixture
def token(server: LocalServer) -> str:
    return new_tenant(server)[1]


@pytest.fixture
def origin(server: LocalServer, token: str) -> Iterator[splice.Client]:
    """A plain client of the server (no replica): the reference answers, and the other writer."""
    c = splice.Client.open(server.url, user="admin", token=token)
    yield c
    c.close()


def open_replica(server: LocalServer, token: str, tmp_path: Path, **options: Any) -> splice.Client:
    return splice.Client.open(
        server.url, user="admin", token=token, replica=tmp_path / "replica.db", **options
    )


def build_show(c: splice.Client) -> dict[str, list[str]]:
    """Spaces, items, revisions with artifacts, tags moved over time, edges within and
    across projects, a bundle with history, deprecation, metadata and a deleted revision.
    Returns the tag history stamps (for time queries)."""
    show = c.create_project("show", "the show")
    lib = c.create_project("lib")
    wood = lib.create_space("tex").create_item("wood", "texture").create_revision({"res": "4k"})
    wood.create_artifact("map", "/lib/wood_v1.exr")
    chars = show.create_space("assets").create_space("chars")
    shots = show.create_space("shots")
    revs: dict[str, list[Any]] = {}
    for name in ("hero", "villain", "prop"):
        item = chars.create_item(name, "model", {"dept": "model"})
        revs[name] = []
        for n in range(3):
            r = item.create_revision({"note": f"{name} v{n + 1}"})
            r.create_artifact("mesh", f"/show/{name}/v{n + 1}.abc")
            r.create_artifact("proxy", f"/show/{name}/v{n + 1}_proxy.abc")
            revs[name].append(r)
        revs[name][0].tag("approved")
        revs[name][1].tag("approved")  # moved: history remembers r1 held it
        revs[name][2].tag("review")
        revs[name][1].create_edge(wood, "DEPENDS_ON")
    revs["hero"][0].tag("published")
    revs["villain"][2].untag("review")
    revs["prop"][2].delete()
    c.get_item(PROP).set_deprecated(True)
    rig = chars.create_item("hero", "rig").create_revision()
    rig.create_edge(revs["hero"][1], "DEPENDS_ON")
    rig.create_artifact("rig", "/show/hero/rig_v1.ma")
    anim = shots.create_space("sh010").create_item("anim", "anim").create_revision()
    anim.create_edge(rig, "DEPENDS_ON", {"why": "animated"})
    anim.create_edge(revs["villain"][0], "REFERENCES")
    kit = shots.create_bundle("kit")
    kit.add_member(c.get_item(HERO))
    kit.add_member(c.get_item(VILLAIN))
    kit.add_member(c.get_item(WOOD))
    kit.remove_member(c.get_item(VILLAIN))
    c.get_item(HERO).set_attribute("owner", "ana")
    show.set_metadata({"fps": "24"})
    stamps = {}
    for kref in (HERO, VILLAIN, PROP):
        stamps[kref] = [e.at for e in c.backend.tag_history(Kref(kref), None)]
    return stamps


def read_calls(stamps: dict[str, list[str]]) -> list[tuple[str, dict[str, Any]]]:
    """A call of every read method, most of them several times."""
    K = Kref
    calls: list[tuple[str, dict[str, Any]]] = [
        ("get_project", {"name": "show"}),
        ("get_project", {"name": "nope"}),
        ("list_projects", {}),
        ("get_space", {"kref": K("kref://show/assets/chars")}),
        ("list_spaces", {"parent": K("kref://show"), "recursive": True}),
        ("list_spaces", {"parent": K("kref://show/assets"), "recursive": False}),
        ("find_items", {"query": ItemQuery()}),
        ("find_items", {"query": ItemQuery(under=K("kref://show"), kind="model", include_deprecated=False)}),
        ("find_items", {"query": ItemQuery(name="h*", metadata={"dept": "model"})}),
        ("bundle_history", {"bundle": K(KIT)}),
        ("list_bundle_members", {"bundle": K(KIT), "revision_number": None}),
        ("list_bundle_members", {"bundle": K(KIT), "revision_number": 2}),
        ("event_capabilities", {}),
    ]
    for item in (HERO, VILLAIN, PROP, RIG, ANIM, WOOD):
        calls += [
            ("get_item", {"kref": K(item)}),
            ("list_revisions", {"item": K(item)}),
            ("peek_next_revision", {"item": K(item)}),
            ("tag_history", {"item": K(item), "tag": None}),
            ("tag_history", {"item": K(item), "tag": "approved"}),
            ("get_attribute", {"kref": K(item), "key": "owner"}),
        ]
        for sel in ("", "?r=1", "?r=2", "?r=3", "?t=approved", "?t=published", "?t=review", "?r=9"):
            kref = K(item + sel)
            calls += [
                ("get_revision", {"kref": kref}),
                ("list_artifacts", {"revision": kref}),
                ("get_artifact", {"kref": K(item + (sel or "?t=latest") + "&a=proxy")}),
                ("list_edges", {"revision": kref, "edge_type": None, "direction": BOTH}),
                ("list_edges", {"revision": kref, "edge_type": "DEPENDS_ON", "direction": INCOMING}),
                (
                    "traverse",
                    {
                        "revision": kref,
                        "direction": OUTGOING,
                        "edge_types": None,
                        "max_depth": 5,
                        "limit": None,
                    },
                ),
                (
                    "traverse",
                    {
                        "revision": kref,
                        "direction": INCOMING,
                        "edge_types": ["DEPENDS_ON"],
                        "max_depth": 5,
                        "limit": 2,
                    },
                ),
                ("was_tagged", {"revision": kref, "tag": "approved", "at": None}),
            ]
        calls.append(
            ("find_path", {"source": K(ANIM), "target": K(WOOD), "edge_types": None, "max_depth": 6})
        )
    krefs = []
    for item, ats in stamps.items():
        for at in ats:
            for tag in ("approved", "review", "published", "latest"):
                krefs.append(K(f"{item}?t={tag}&time={at}"))
                calls.append(("get_revision_by_time", {"item": K(item), "at": parse_time(at), "tag": tag}))
            calls.append(("get_revision_by_time", {"item": K(item), "at": parse_time(at), "tag": None}))
            calls.append(
                ("was_tagged", {"revision": K(item + "?r=1"), "tag": "approved", "at": parse_time(at)})
            )
    krefs += [K(c[1]["kref"]) for c in calls if c[0] == "get_revision"]
    calls += [("resolve_many", {"krefs": krefs}), ("batch_get_revisions", {"krefs": krefs})]
    return calls


def answer(engine: Any, name: str, args: dict[str, Any]) -> Any:
    try:
        return ("ok", getattr(engine, name)(**args))
    except SpliceError as exc:
        return ("error", type(exc).__name__)


def test_every_read_answers_as_the_server(
    server: LocalServer, token: str, origin: splice.Client, tmp_path: Path
) -> None:
    stamps = build_show(origin)
    replica = open_replica(server, token, tmp_path)
    try:
        backend = replica.backend
        assert isinstance(backend, ReplicaBackend)
        calls = read_calls(stamps)
        covered = {name for name, _ in calls}
        assert covered == {n for n, m in wire.METHODS.items() if m.read} - {"export_rows"}
        local, far = backend.store.engine, origin.backend
        for name, args in calls:
            if name == "event_capabilities":
                continue  # the replica's is the server's (the file's says "embedded")
            assert answer(local, name, args) == answer(far, name, args), (name, args)
        # and the client itself answers from the file: no stale read, nothing behind
        status = backend.sync_status()
        assert status.online and status.current and status.behind_by_events == 0
        assert replica.resolve(HERO + "?t=approved&a=mesh") == "/show/hero/v2.abc"
        assert replica.get_event_capabilities() == origin.get_event_capabilities()
    finally:
        replica.close()


def test_another_clients_writes_arrive_through_the_stream(
    server: LocalServer, token: str, origin: splice.Client, tmp_path: Path
) -> None:
    build_show(origin)
    replica = open_replica(server, token, tmp_path)
    backend: ReplicaBackend = replica.backend  # type: ignore[assignment]
    local = backend.store.engine
    try:
        r4 = origin.get_item(HERO).create_revision({"note": "hero v4"})
        r4.create_artifact("mesh", "/show/hero/v4.abc")
        r4.tag("approved")
        origin.get_item(VILLAIN).delete(force=True)
        wait_until(
            backend,
            lambda: (
                local.resolve_many([Kref(HERO + "?t=approved")]) == ["/show/hero/v4.abc"]
                and not local.find_items(ItemQuery(name="villain"))
            ),
        )
        assert local.tag_history(Kref(HERO), "approved") == origin.backend.tag_history(Kref(HERO), "approved")
        # a write through the replica is read back at once (read-your-writes)
        r5 = replica.get_item(HERO).create_revision({"note": "mine"})
        assert replica.get_revision(HERO).number == r5.number == 5
        assert backend.sync_status().current
    finally:
        replica.close()


def test_offline_reads_then_catch_up_from_the_cursor(
    server: LocalServer, token: str, origin: splice.Client, tmp_path: Path
) -> None:
    build_show(origin)
    replica = open_replica(server, token, tmp_path, queue_writes=False)  # tests/test_offline.py queues
    strict = open_replica(server, token, tmp_path / "strict", strict=True)
    backend: ReplicaBackend = replica.backend  # type: ignore[assignment]
    try:
        expected = [replica.resolve(HERO + f"?r={n}&a=mesh") for n in (1, 2, 3)]
        server.stop()
        wait_until(backend, lambda: backend.syncer.online is False)
        for i in range(100):
            assert replica.resolve(HERO + f"?r={i % 3 + 1}&a=mesh") == expected[i % 3]
        status = backend.sync_status()
        assert status.stale_reads == 100 and status.online is False and status.stale_since is not None
        assert not status.current
        strict_backend: ReplicaBackend = strict.backend  # type: ignore[assignment]
        wait_until(strict_backend, lambda: strict_backend.syncer.online is False)  # its own follower
        with pytest.raises(StaleReadError, match="cannot be reached"):
            strict.get_revision(HERO)
        with pytest.raises(EngineError):
            replica.get_item(HERO).create_revision()  # without a queue, writes need the server
        server.start()
        cursor = int(status.cursor)
        for n in range(5):
            origin.get_item(RIG).create_revision({"n": str(n)}).tag("approved")
        wait_until(backend, lambda: backend.sync_status().current and backend.syncer.applied > cursor)
        replica.backend.sync()  # type: ignore[attr-defined]
        local = backend.store.engine
        for item in (RIG, HERO):
            assert local.list_revisions(Kref(item)) == origin.backend.list_revisions(Kref(item))
            # nothing applied twice: the history has each tag move once
            assert local.tag_history(Kref(item), None) == origin.backend.tag_history(Kref(item), None)
        assert replica.get_revision(RIG + "?t=approved").number == 6
    finally:
        strict.close()
        replica.close()


def test_a_failure_half_way_leaves_the_old_cursor(
    server: LocalServer, token: str, origin: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_show(origin)
    replica = open_replica(server, token, tmp_path, live=False)
    backend: ReplicaBackend = replica.backend  # type: ignore[assignment]
    local = backend.store.engine
    try:
        before_cursor = backend.store.state()["cursor"]
        before = local.list_revisions(Kref(HERO)), local.resolve_many([Kref(VILLAIN + "?t=approved")])
        origin.get_item(HERO).create_revision().tag("approved")
        origin.get_revision(VILLAIN + "?r=3").tag("approved")
        real, calls = ReplicaStore._insert, []

        def crash(self: ReplicaStore, conn: Any, rows: list) -> int:
            calls.append(len(rows))
            real(self, conn, rows[: len(rows) // 2])  # half of the batch is written, then…
            raise RuntimeError("killed during apply")

        monkeypatch.setattr(ReplicaStore, "_insert", crash)
        with pytest.raises(RuntimeError, match="killed"):
            backend.sync()
        assert calls and backend.store.state()["cursor"] == before_cursor
        assert (
            local.list_revisions(Kref(HERO)),
            local.resolve_many([Kref(VILLAIN + "?t=approved")]),
        ) == before
        monkeypatch.setattr(ReplicaStore, "_insert", real)
        backend.sync()
        assert backend.store.state()["cursor"] > before_cursor
        assert local.list_revisions(Kref(HERO)) == origin.backend.list_revisions(Kref(HERO))
        assert local.tag_history(Kref(VILLAIN), None) == origin.backend.tag_history(Kref(VILLAIN), None)
    finally:
        replica.close()


def test_a_viewer_replica_holds_nothing_it_may_not_view(
    server: LocalServer, token: str, origin: splice.Client, tmp_path: Path
) -> None:
    build_show(origin)
    tenant = _token_tenant(server, token)
    control = server.control
    try:
        control.add_user(tenant, "watcher")
        control.grant(tenant, "watcher", "viewer", "show")
        watcher_token = control.create_token(tenant, "watcher")[1]
    finally:
        control.close()
    viewer = splice.Client.open(server.url, user="watcher", token=watcher_token)
    replica = splice.Client.open(server.url, user="watcher", token=watcher_token, replica=tmp_path / "v.db")
    try:
        local = replica.backend.store.engine  # type: ignore[attr-defined]
        assert [p.name for p in local.list_projects()] == ["show"]
        for kref in (HERO + "?r=2", ANIM):
            for name, args in (
                ("list_edges", {"revision": Kref(kref), "edge_type": None, "direction": BOTH}),
                (
                    "traverse",
                    {
                        "revision": Kref(kref),
                        "direction": OUTGOING,
                        "edge_types": None,
                        "max_depth": 5,
                        "limit": None,
                    },
                ),
            ):
                assert answer(local, name, args) == answer(viewer.backend, name, args)
        assert [m.item_kref for m in local.list_bundle_members(Kref(KIT), None)] == [Kref(HERO)]
    finally:
        replica.close()
        viewer.close()


def _token_tenant(server: LocalServer, token: str) -> str:
    import requests

    body = requests.get(
        server.url + "/api/v1/whoami", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).json()
    return body.get("result", body)["tenant"]


def test_the_option_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="copies a splice server"):
        splice.Client.open(f"sqlite:///{tmp_path / 's.db'}", replica=True)
    with pytest.raises(ValidationError, match="replica must be"):
        splice.Client.open("http://127.0.0.1:9", token="x", replica=3)
    monkeypatch.setenv("SPLICE_REPLICA", "1")  # only servers are copied: a file opens as itself
    c = splice.Client.open(f"sqlite:///{tmp_path / 's.db'}")
    assert type(c.backend).__name__ == "SQLiteBackend"
    c.close()


def test_splice_sync_status_and_pull(
    server: LocalServer,
    token: str,
    origin: splice.Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    import json

    from splice.cli import main

    origin.create_project("show").create_space("assets").create_item("hero", "model").create_revision()
    monkeypatch.setenv("SPLICE_TOKEN", token)
    where = ["--db", server.url, "--user", "admin"]
    path = str(tmp_path / "cli.db")
    assert main([*where, "sync", "pull", "--replica", path]) == 0
    assert "online" in capsys.readouterr().out
    origin.get_item("kref://show/assets/hero.model").create_revision()
    assert main([*where, "--json", "sync", "status", "--replica", path]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["online"] is True and status["behind_by_events"] == 1  # revision.created
    assert main([*where, "--json", "sync", "pull", "--replica", path, "--full"]) == 0
    assert json.loads(capsys.readouterr().out)["behind_by_events"] == 0
    server.stop()
    assert main([*where, "sync", "status", "--replica", path]) == 0
    assert "offline" in capsys.readouterr().out
    assert main([*where, "sync", "pull", "--replica", path]) == 1
    assert "did not answer" in capsys.readouterr().err
