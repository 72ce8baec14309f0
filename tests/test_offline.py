"""Offline work through a replica: writes queued durably with idempotency keys, replayed in
order when the server is back, refusals reported, nothing lost or made twice.

A real ``splice serve`` on loopback over PostgreSQL (and SQLite), its own for this module
(the tests stop and restart it). "Another client meanwhile" writes straight to the
tenant's store while the server is down (a farm job, an admin), so what it changed is
there, deterministically, before the replica can reconnect.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from replica_support import new_tenant, serve, wait_until

import splice
from splice.engines.replica import QueuedWriteError, ReplicaBackend
from splice.engines.replica_queue import WriteQueue
from splice.kref import Kref
from splice.records import ItemQuery
from splice.server.local import LocalServer

pytestmark = pytest.mark.slow  # real servers stopped and started, replays: about two minutes

pytest.importorskip("uvicorn")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the artist tools' test: before Qt starts

METAL = "kref://show/assets/metal.texture"
HERO = "kref://show/assets/hero.model"
CRATE = "kref://show/props/crate.model"


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    yield from serve(request, tmp_path_factory, "offline")


@pytest.fixture
def tenant(server: LocalServer) -> tuple[str, str]:
    return new_tenant(server)


@pytest.fixture
def origin(server: LocalServer, tenant: tuple[str, str]) -> Iterator[splice.Client]:
    c = splice.Client.open(server.url, user="admin", token=tenant[1])
    yield c
    c.close()


def direct(server: LocalServer, tenant: str) -> splice.Client:
    """Another client, on the tenant's store itself (the server is down)."""
    from splice.server.stores import tenant_url

    return splice.Client.open(tenant_url(server.db, tenant), user="bob")


def open_replica(server: LocalServer, token: str, path: Path, **options: Any) -> splice.Client:
    return splice.Client.open(server.url, user="admin", token=token, replica=path, **options)


def go_offline(server: LocalServer, backend: ReplicaBackend) -> None:
    server.stop()
    if backend.follower is not None:
        wait_until(backend, lambda: backend.syncer.online is False)
    else:
        with pytest.raises(splice.errors.EngineError):
            backend.sync()


def events_of(client: splice.Client, prefix: str) -> list[tuple[str, str]]:
    return [
        (e.routing_key, str(e.kref))
        for e in client.event_stream(from_beginning=True, timeout=0.5)
        if str(e.kref).startswith(prefix)
    ]


# -- the scenario -------------------------------------------------------------
def test_offline_publishes_land_once_in_order_and_a_conflict_is_reported(
    server: LocalServer,
    tenant: tuple[str, str],
    origin: splice.Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("dvc_data", reason="the files extra is not installed")
    import splice.files
    import splice.pipeline
    from splice.pipeline import Container, Context, Loader, MemoryHost, publish
    from splice.pipeline.memory import PLUGINS_DIR

    monkeypatch.setenv("SPLICE_FILE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("SPLICE_FILE_STORE", raising=False)
    monkeypatch.delenv("PYBLISHPLUGINPATH", raising=False)
    store = tmp_path / "store"
    show = origin.create_project("show", metadata={"files.store": str(store)})
    metal = show.create_space("assets").create_item("metal", "texture")
    image = tmp_path / "metal.exr"
    for n in (1, 2):
        image.write_text(f"EXR metal v{n}")
        splice.files.store(metal.create_revision(), "diffuse", image)
    origin.get_revision(METAL + "?r=1").tag("approved")
    show.create_space("props")

    class TextureLoader(Loader):
        kinds = ("texture",)
        representations = ("exr",)

        def load(self, host, revision, representation, path, name, namespace):
            host.content[f"{namespace}:{name}"] = {"image": str(path), "bytes": path.read_text()}
            kref = str(revision.item_kref.with_revision(revision.number))
            return host.write_container(Container(name, kref, self.name, representation, namespace))

    replica = open_replica(server, tenant[1], tmp_path / "replica.db")
    backend: ReplicaBackend = replica.backend  # type: ignore[assignment]
    try:
        hero_host, crate_host = MemoryHost(), MemoryHost()
        for host, name, space in ((hero_host, "hero", "assets"), (crate_host, "crate", "props")):
            host.set_context(Context("show", f"kref://show/{space}", "modeling"))
            host.content[name] = {"take": 0}
            splice.pipeline.create(host, "model", name, options={"members": [name]})
        # pulled while online: stays usable offline
        loaders = {"TextureLoader": TextureLoader}
        splice.pipeline.load(hero_host, METAL + "?r=1", loaders=loaders, client=replica)
        pulled = Path(_image(hero_host))
        reads = _reads(replica)
        expected = [read() for read in reads]
        stored_before = _all_objects(store)

        go_offline(server, backend)
        # 100 reads, answered by the replica
        for i in range(100):
            assert reads[i % len(reads)]() == expected[i % len(reads)]
        assert pulled.read_text() == "EXR metal v1"
        # 20 publishes through the pipeline: 19 of hero, one of crate (whose space goes meanwhile)
        reports = []
        for n in range(1, 21):
            host = crate_host if n == 10 else hero_host
            host.content["crate" if n == 10 else "hero"] = {"take": n}
            reports.append(publish.publish(host, replica, paths=[PLUGINS_DIR]))
        for report in reports:
            assert report.success and not report.revisions, report.to_text()
            assert report.to_text().startswith("Queued (offline): will publish when the server is back")
            assert len(report.queued) == 1
        # the files are in the local cache only, for now
        assert _all_objects(store) == stored_before
        assert len(_all_objects(tmp_path / "cache")) >= 20
        # a tag moved offline, and a write on the crate (which depends on its publish)
        with pytest.raises(QueuedWriteError, match="queued as write #21"):
            replica.get_revision(METAL + "?r=2").tag("approved")
        with pytest.raises(QueuedWriteError):
            replica.backend.set_attribute(Kref(CRATE), "status", "wip")
        status = backend.sync_status()
        assert (status.online, status.queued, status.refused) == (False, 22, 0)
        assert status.summary == "offline · 22 writes queued"

        # meanwhile, another client: moves the tag on, and deletes the crate's space
        bob = direct(server, tenant[0])
        try:
            bob.get_item(METAL).create_revision().tag("approved")
            bob.backend.delete(Kref("kref://show/props"), True)
        finally:
            bob.close()

        server.start()  # the replica notices, and replays by itself
        wait_until(backend, lambda: backend.queue.counts()[0] == 0)
        refused = {w.id: w for w in backend.queued_writes()}
        assert sorted(refused) == [10, 21, 22]
        assert refused[10].error_code == "not_found" and "props" in refused[10].error
        assert refused[21].error_code == "conflict"
        assert "was r1 when this was queued offline; it is r3 now (tagged by bob" in refused[21].error
        assert refused[22].error_code == "depends" and "write #10" in refused[22].error
        assert backend.sync_status().summary == "online · 3 refused"

        # every publish landed once, in order, numbered without gaps, files pushed
        assert len(_all_objects(store)) >= len(stored_before) + 19
        second = splice.Client.open(server.url, user="admin", token=tenant[1])
        try:
            revisions = second.get_item(HERO).get_revisions()
            assert [r.number for r in revisions] == list(range(1, 20))
            takes = [n for n in range(1, 21) if n != 10]
            for revision, take in zip(revisions, takes, strict=True):
                [path] = splice.files.pull(revision.kref, to=tmp_path / f"pull{take}", client=second)
                assert json.loads(path.read_text()) == {"hero": {"take": take}}
            created = [k for k, kref in events_of(second, HERO) if k == "revision.created"]
            assert len(created) == 19  # nothing made twice
            assert second.get_revision(METAL + "?t=approved").number == 3  # bob's decision stands
            # the replica reads what landed, too
            wait_until(backend, lambda: backend.sync_status().current)
            replica.backend.sync()  # type: ignore[attr-defined]
            assert [r.number for r in replica.get_item(HERO).get_revisions()] == list(range(1, 20))
        finally:
            second.close()
        assert backend.drop(22).id == 22
        assert [w.id for w in backend.queued_writes()] == [10, 21]
    finally:
        replica.close()


def _image(host: Any) -> str:
    [value] = [v for k, v in host.content.items() if isinstance(v, dict) and "image" in v]
    return value["image"]


def _reads(c: splice.Client) -> list[Callable[[], Any]]:
    b = c.backend
    return [
        lambda: c.resolve(METAL + "?r=1&a=diffuse"),
        lambda: c.resolve(METAL + "?t=approved&a=diffuse"),
        lambda: b.get_revision(Kref(METAL + "?r=2")),
        lambda: b.list_revisions(Kref(METAL)),
        lambda: b.tag_history(Kref(METAL), None),
        lambda: b.find_items(ItemQuery(under=Kref("kref://show"))),
        lambda: b.list_spaces(Kref("kref://show"), True),
        lambda: b.list_artifacts(Kref(METAL + "?r=1")),
        lambda: b.resolve_many([Kref(METAL + "?r=1"), Kref(METAL + "?r=2"), Kref(METAL + "?r=9")]),
        lambda: b.get_project("show"),
    ]


def _all_objects(store: Path) -> set[str]:
    return {p.name for p in store.rglob("*") if p.is_file()}


# -- a replay interrupted half-way -------------------------------------------------------
def test_a_replay_interrupted_half_way_then_resumed_makes_nothing_twice(
    server: LocalServer,
    tenant: tuple[str, str],
    origin: splice.Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    origin.create_project("show").create_space("assets").create_item("hero", "model").create_revision()
    replica = open_replica(server, tenant[1], tmp_path / "r.db", live=False, auto_push=False)
    backend: ReplicaBackend = replica.backend  # type: ignore[assignment]
    try:
        go_offline(server, backend)
        specs = [{"item": HERO, "metadata": {"take": str(n)}, "tags": ["wip"]} for n in range(2, 12)]
        for spec in specs:
            with pytest.raises(QueuedWriteError):
                replica.batch_create_revisions([spec])
        with pytest.raises(QueuedWriteError):
            replica.backend.set_attribute(Kref(HERO), "owner", "ana")
        server.start()
        real, calls = WriteQueue.done, []

        def killed_after_the_server_made_it(self: WriteQueue, write_id: int) -> None:
            calls.append(write_id)
            if len(calls) == 5:
                raise RuntimeError("killed before marking write done")
            real(self, write_id)

        monkeypatch.setattr(WriteQueue, "done", killed_after_the_server_made_it)
        with pytest.raises(RuntimeError, match="killed"):
            backend.push()
        assert [r.number for r in origin.get_item(HERO).get_revisions()] == [1, 2, 3, 4, 5, 6]
        assert backend.sync_status().queued == 7  # the 5th was made, and is still queued here
        monkeypatch.setattr(WriteQueue, "done", real)
        report = backend.push()
        assert len(report.landed) == 7 and not report.refused and report.left == 0
        assert report.landed[0].made == (f"{HERO}?r=6",)  # the stored answer of the first try
        revisions = origin.get_item(HERO).get_revisions()
        assert [(r.number, r.metadata.get("take")) for r in revisions] == [
            (1, None),
            *((n, str(n)) for n in range(2, 12)),
        ]
        created = [k for k, _ in events_of(origin, HERO) if k == "revision.created"]
        assert len(created) == 11
        assert origin.get_item(HERO).get_attribute("owner") == "ana"
        assert replica.get_revision(HERO + "?t=wip").number == 11  # the replica caught up
    finally:
        replica.close()


def test_the_artist_tools_say_offline_and_how_many_writes_wait(
    server: LocalServer, tenant: tuple[str, str], origin: splice.Client, tmp_path: Path, qtbot: Any
) -> None:
    pytest.importorskip("pytestqt")
    import splice.tools
    from splice.pipeline import MemoryHost

    origin.create_project("show").create_space("assets").create_item("hero", "model").create_revision()
    replica = open_replica(server, tenant[1], tmp_path / "r.db", live=False, auto_push=False)
    backend: ReplicaBackend = replica.backend  # type: ignore[assignment]
    try:
        window = splice.tools.show("loader", MemoryHost(), replica)
        qtbot.addWidget(window)
        base = window.windowTitle().split(" — ")[0]  # the window's own title, without a state
        go_offline(server, backend)
        for take in ("a", "b"):
            with pytest.raises(QueuedWriteError):
                replica.batch_create_revisions([{"item": HERO, "metadata": {"take": take}}])
        qtbot.waitUntil(lambda: window.windowTitle() == f"{base} — offline · 2 writes queued", timeout=10000)
        server.start()
        backend.push()
        qtbot.waitUntil(lambda: window.windowTitle() == base, timeout=10000)  # online, none queued: plain
        window.close()
    finally:
        replica.close()


# -- Idempotency-Key on the server -----------------------------------------------------------
def test_the_server_makes_a_keyed_write_once(
    server: LocalServer, tenant: tuple[str, str], origin: splice.Client
) -> None:
    origin.create_project("show").create_space("assets").create_item("hero", "model")
    url = server.url + "/api/v1/create_revision"
    auth = {"Authorization": f"Bearer {tenant[1]}"}

    def post(key: str, body: dict[str, Any]) -> requests.Response:
        return requests.post(url, json=body, headers={**auth, "Idempotency-Key": key}, timeout=30)

    body = {"item": HERO, "metadata": {"n": "1"}}
    first, again = post("k-1", body), post("k-1", body)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["result"]["number"] == 1
    assert "Idempotent-Replayed" not in first.headers and again.headers["Idempotent-Replayed"] == "true"
    other = post("k-1", {**body, "metadata": {"n": "2"}})
    assert other.status_code == 409 and "another write" in other.json()["error"]["message"]
    bad = post("x" * 300, body)
    assert bad.status_code == 422 and "printable ASCII" in bad.json()["error"]["message"]
    # a refused write stores nothing: sent again once possible, it is made
    missing = {"item": "kref://show/assets/villain.model", "metadata": {}}
    assert post("k-2", missing).status_code == 404
    origin.backend.create_item(Kref("kref://show/assets"), "villain", "model", {})
    assert post("k-2", missing).json()["result"]["number"] == 1
    # the same key at once from several threads: one write
    answers: list[int] = []
    threads = [
        threading.Thread(target=lambda: answers.append(post("k-3", body).json()["result"]["number"]))
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [2] * 6
    assert [r.number for r in origin.get_item(HERO).get_revisions()] == [1, 2]
    # the remote engine sends the key, and retries a keyed write as it retries a read
    remote = origin.backend
    made = remote.send("create_revision", body, idempotency_key="k-4")
    assert remote.send("create_revision", body, idempotency_key="k-4") == made and made.number == 3


# -- tags, dependents, files, the command line --------------------------------------------------
def test_a_store_away_keeps_the_publish_queued_and_the_cli_reports(
    server: LocalServer,
    tenant: tuple[str, str],
    origin: splice.Client,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    import splice.files
    from splice.cli import main
    from splice.files import records, upload
    from splice.files.config import StoreConfig

    monkeypatch.setenv("SPLICE_FILE_CACHE", str(tmp_path / "cache"))
    nas = tmp_path / "nas"
    nas.mkdir()
    origin.create_project("show", metadata={"files.store": str(nas)}).create_space("assets")
    origin.backend.create_item(Kref("kref://show/assets"), "hero", "model", {})
    origin.backend.create_item(Kref("kref://show/assets"), "prop", "model", {})
    path = tmp_path / "r.db"
    replica = open_replica(server, tenant[1], path, live=False, auto_push=False)
    backend: ReplicaBackend = replica.backend  # type: ignore[assignment]
    try:
        go_offline(server, backend)
        source = tmp_path / "hero.abc"
        source.write_text("mesh")
        meta = upload(StoreConfig(str(nas)), source, push=False)  # offline: the local cache only
        artifact = {
            "name": "mesh",
            "location": records.object_location(StoreConfig(str(nas)), meta["content_hash"]),
            "metadata": meta,
        }
        for spec in (
            {"item": HERO, "artifacts": [artifact]},
            {"item": HERO, "metadata": {"after": "the first"}},
            {"item": "kref://show/assets/prop.model", "metadata": {}},
        ):
            with pytest.raises(QueuedWriteError):
                replica.batch_create_revisions([spec])
    finally:
        replica.close()
    server.start()
    nas.rename(tmp_path / "nas.away")
    nas.write_text("not a folder: the NAS is not mounted")
    monkeypatch.setenv("SPLICE_TOKEN", tenant[1])
    where = ["--db", server.url, "--user", "admin"]
    assert main([*where, "sync", "push", "--replica", str(path)]) == 1
    out = capsys.readouterr().out
    assert "landed   #3 publish of kref://show/assets/prop.model -> kref://show/assets/prop.model?r=1" in out
    assert "kept     #1" in out and "kept     #2" in out and "2 still queued" in out
    assert main([*where, "sync", "status", "--replica", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 queued, 0 refused" in out and "last try: file_store" in out
    nas.unlink()
    (tmp_path / "nas.away").rename(nas)
    assert main([*where, "--json", "sync", "push", "--replica", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [w["id"] for w in report["landed"]] == [1, 2] and report["left"] == 0
    assert [r.number for r in origin.get_item(HERO).get_revisions()] == [1, 2]
    [pulled] = splice.files.pull(HERO + "?r=1", to=tmp_path / "pulled", client=origin)
    assert pulled.read_text() == "mesh"
    assert main([*where, "sync", "drop", "--replica", str(path), "1"]) == 1
    assert "no queued write #1" in capsys.readouterr().err
