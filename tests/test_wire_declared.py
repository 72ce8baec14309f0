"""The store API is declared once, in the Backend protocol: the wire table, the server's
routes and the remote engine's methods derive from it.

An extension protocol adds methods here — with no edit anywhere else they are served
(route, request model, role check) by a real server on loopback and forwarded by the
remote engine; every error class of splice comes back through them as itself.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pytest
import requests
from errors_support import error_classes

from splice import wire
from splice.backend import AttrKey, Backend, Kind, Text, read, stream, write
from splice.engines.remote import RemoteBackend
from splice.engines.sqlite import SQLiteBackend
from splice.errors import ERRORS_BY_CODE, SpliceError, ValidationError
from splice.kref import Kref
from splice.records import ItemQuery, Metadata

uvicorn = pytest.importorskip("uvicorn")


# -- an extension of the protocol, an engine that implements it, and its remote engine ----------
class CountingBackend(Backend, Protocol):
    @read
    def count_items(self, under: Kref, kind: Kind | None) -> int:
        """How many items are under a project or space (of one kind)."""

    @write("supervisor")
    def stamp(self, kref: Kref, key: AttrKey) -> Metadata:
        """Set ``key`` of a node to the writer's name; the whole new metadata."""

    @read
    def fail(self, code: Text) -> None:
        """Raise the error class registered for ``code``."""


class CountingSQLite(SQLiteBackend):
    def count_items(self, under: Kref, kind: str | None) -> int:
        return len(self.find_items(ItemQuery(under=under, kind=kind)))

    def stamp(self, kref: Kref, key: str) -> Metadata:
        return self.set_metadata(kref, {key: self.actor})

    def fail(self, code: str) -> None:
        raise ERRORS_BY_CODE[code](f"{code}: what went wrong, and what is allowed")


class CountingRemote(RemoteBackend, CountingBackend):
    """Nothing written here: the extension's methods are forwarded by themselves."""


# -- a real server on loopback, in a thread (so it serves the test's protocol and engine) --------
@dataclass
class Served:
    url: str
    admin: str  # tokens
    artist: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    from splice.server import stores
    from splice.server.app import create_app
    from splice.server.config import ServerConfig
    from splice.server.control import ControlStore
    from splice.server.local import HOST, free_port

    data = tmp_path_factory.mktemp("counting-server")
    engine_class, stores.engine_class = stores.engine_class, lambda url: CountingSQLite
    control = ControlStore(Path(data) / "control.db")
    control.add_tenant("t")
    tokens = {}
    for user, role in (("admin", "admin"), ("artist", "artist")):
        control.add_user("t", user)
        control.grant("t", user, role)
        tokens[user] = control.create_token("t", user)[1]
    control.close()
    app = create_app(ServerConfig.resolve(data_dir=str(data)), protocol=CountingBackend)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host=HOST, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:  # a condition, polled
        time.sleep(0.02)
    assert server.started, "the extension protocol's server did not start within 30 s"
    try:
        yield Served(f"http://{HOST}:{port}", tokens["admin"], tokens["artist"])
    finally:
        server.should_exit = True
        thread.join(15)
        stores.engine_class = engine_class


def remote(served: Served, token: str) -> CountingRemote:
    return CountingRemote(served.url, "admin", token=token, retries=0)


# -- the derivation ------------------------------------------------------------------------------
def test_every_backend_method_says_how_it_travels() -> None:
    declared = wire.calls(Backend)
    assert {n for n, (_fn, c) in declared.items() if c.kind not in ("read", "write")} == {
        "event_stream",
        "close",
    }
    assert list(wire.METHODS) == [n for n, (_fn, c) in declared.items() if c.kind in ("read", "write")]
    for name in declared:  # the remote engine leaves nothing as the protocol's empty body
        owner = next(k for k in RemoteBackend.__mro__ if name in vars(k))
        assert owner is RemoteBackend, name


def test_the_wire_table_reads_the_annotations() -> None:
    assert wire.METHODS["traverse"].params == (
        ("revision", "kref"),
        ("direction", "direction"),
        ("edge_types", "edge_types?"),
        ("max_depth", "depth"),
        ("limit", "limit?"),
    )
    assert wire.METHODS["batch_create_revisions"].call.retry_key == "idempotency_key"
    assert wire.METHODS["create_edge"].call.reads == ("target",)
    table = wire.methods(CountingBackend)
    assert list(table)[-3:] == ["count_items", "stamp", "fail"]
    assert table["count_items"].params == (("under", "kref"), ("kind", "kind?"))
    assert table["stamp"].call.role == "supervisor" and not table["stamp"].read
    forwarded = inspect.signature(CountingRemote.count_items)
    assert list(forwarded.parameters) == ["self", "under", "kind"]
    assert CountingRemote.count_items.__doc__ == CountingBackend.count_items.__doc__


def test_a_method_must_say_how_it_travels() -> None:
    class Unmarked(Backend, Protocol):
        def shout(self, kref: Kref) -> None: ...

    with pytest.raises(TypeError, match=r"Unmarked.shout.*@read"):
        wire.methods(Unmarked)

    class Untyped(Backend, Protocol):
        @read
        def shout(self, words: str) -> None: ...

    with pytest.raises(TypeError, match="no wire kind"):
        wire.methods(Untyped)

    class Streamed(Backend, Protocol):
        @stream
        def follow(self) -> None: ...

    with pytest.raises(TypeError, match="must implement follow"):
        type("RemoteStreamed", (RemoteBackend, Streamed), {})


def test_remote_calls_bind_their_arguments_as_the_protocol_says(served: Served) -> None:
    engine = remote(served, served.admin)
    try:
        with pytest.raises(TypeError, match="unexpected"):
            engine.count_items(Kref("kref://x"), None, extra=1)  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="missing"):
            engine.count_items(Kref("kref://x"))  # type: ignore[call-arg]
    finally:
        engine.close()


# -- served and forwarded -------------------------------------------------------------------------
def test_an_added_method_is_served_and_forwarded(served: Served) -> None:
    schema = requests.get(served.url + "/openapi.json", timeout=10).json()
    assert {"/api/v1/count_items", "/api/v1/stamp", "/api/v1/create_project"} <= set(schema["paths"])
    engine = remote(served, served.admin)
    try:
        engine.create_project("show", "", {})
        space = engine.create_space(Kref("kref://show"), "chars", {})
        engine.create_item(space.kref, "hero", "model", {})
        engine.create_item(space.kref, "hero", "rig", {})
        assert engine.count_items(Kref("kref://show"), None) == 2
        assert engine.count_items(under=Kref("kref://show"), kind="rig") == 1
        assert engine.stamp(Kref("kref://show/chars"), "checked_by") == {"checked_by": "admin"}
        with pytest.raises(ValidationError, match="kind"):
            engine.count_items(Kref("kref://show"), "Not A Kind!")
    finally:
        engine.close()


def test_an_added_method_is_checked_like_the_others(served: Served) -> None:
    headers = {"Authorization": f"Bearer {served.artist}"}
    r = requests.post(served.url + "/api/v1/count_items", json={"under": "kref://show", "extra": 1},
                      headers=headers, timeout=10)
    assert r.status_code == 422 and "extra" in r.json()["error"]["message"]
    r = requests.post(served.url + "/api/v1/stamp", json={"kref": "kref://show", "key": "k"},
                      headers=headers, timeout=10)
    assert r.status_code == 403 and "supervisor" in r.json()["error"]["message"]


# -- every error class of splice, through the server and back ---------------------------------------
@pytest.mark.parametrize("cls", error_classes(), ids=lambda c: c.__qualname__)
def test_every_error_comes_back_over_http_as_itself(served: Served, cls: type[SpliceError]) -> None:
    r = requests.post(served.url + "/api/v1/fail", json={"code": cls.code},
                      headers={"Authorization": f"Bearer {served.admin}"}, timeout=10)
    assert r.status_code == cls.status
    assert type(wire.error_from_body(r.json(), r.status_code)) is cls
    engine = remote(served, served.admin)
    try:
        with pytest.raises(cls) as caught:
            engine.fail(cls.code)
        assert type(caught.value) is cls
        assert str(caught.value) == f"{cls.code}: what went wrong, and what is allowed"
    finally:
        engine.close()
