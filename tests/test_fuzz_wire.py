"""Property tests of every wire method (hypothesis; profiles in ``fuzz_support``).

For each ``@read`` / ``@write`` method of the Backend protocol (:data:`splice.wire.METHODS`)
and the two event routes, generated bodies — values of the parameter's kind, JSON of any
shape, and the values at the edges (±2^63, huge floats, years 1 and 9999 with an offset,
long strings, NUL) — are sent

- to a real server on loopback: a typed 4xx (``{"error": {"code", "message"}}``) or a
  result, never a 5xx;
- through the embedded engine, as the server would run them (the wire's checks, then
  the engine): a result or a :class:`~splice.errors.SpliceError`, never another error.

A small studio is in both stores, so bodies reach real nodes; writes may change it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import fuzz_support as fz
import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from remote_support import ServerProcess

import splice
from splice import wire
from splice.engines.sqlite import SQLiteBackend
from splice.errors import SpliceError
from splice.validate import MAX_INT

HERO = "kref://show/chars/hero.model"
METAL = "kref://show/chars/metal.texture"
REVISIONS = [f"{HERO}?r=2", f"{HERO}?r=1", f"{HERO}?t=latest", f"{METAL}?r=1", f"{HERO}?r=1&a=mesh"]
ITEMS = [HERO, METAL]
CONTAINERS = ["kref://show", "kref://show/chars"]
BUNDLES = ["kref://show/kit.bundle"]
EDGE_KREFS = [
    "kref://other/x.model?r=1",
    f"{HERO}?r=3",
    f"{HERO}?r={MAX_INT}",
    f"{HERO}?r={MAX_INT + 1}",
    f"{HERO}?r={'9' * 5000}",
    f"{HERO}?t=latest&time=999912312359",
    f"{HERO}?t=latest&time=9999-12-31T23:59:59-01:00",
    f"{HERO}?t=latest&time=0001-01-01T00:00:00+01:00",
]
# the krefs a parameter of this name takes, so most bodies reach the store
KREFS_BY_NAME = {
    "revision": REVISIONS,
    "source": REVISIONS,
    "target": REVISIONS,
    "item": ITEMS,
    "member": ITEMS,
    "bundle": BUNDLES,
    "parent": CONTAINERS,
    "under": CONTAINERS,
}
ALL_KREFS = REVISIONS + ITEMS + CONTAINERS + BUNDLES


def build_studio(client: splice.Client) -> None:
    project = client.create_project("show")
    chars = project.create_space("chars")
    hero = chars.create_item("hero", "model")
    r1 = hero.create_revision({"artist": "jane"})
    r1.create_artifact("mesh", "/mnt/show/hero.fbx")
    r2 = hero.create_revision()
    m1 = chars.create_item("metal", "texture").create_revision()
    r2.create_edge(m1, splice.DEPENDS_ON)
    project.create_bundle("kit").add_member(hero)


# -- each parameter: a value its checks accept (naming real nodes), or a hostile one ----------------
_text = st.one_of(st.text(max_size=20), st.sampled_from(fz.EDGE_STRINGS))
_metadata = st.dictionaries(
    st.sampled_from(["artist", "notes", "files.store"]), st.text(max_size=12), max_size=2
)
_counts = st.integers(1, 5)
_edge_type = st.sampled_from(["DEPENDS_ON", "REFERENCED"])


def _artifact(name: st.SearchStrategy[Any], location: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries({"name": name, "location": location}, optional={"metadata": _metadata})


def _query(limit: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries(
        {},
        optional={
            "under": st.sampled_from(CONTAINERS),
            "recursive": st.booleans(),
            "name": st.sampled_from(["*", "h?ro", "hero"]),
            "kind": fz.kinds,
            "metadata": _metadata,
            "include_deprecated": st.booleans(),
            "limit": limit,
        },
    )


def _specs(item: st.SearchStrategy[Any], target: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    spec = st.fixed_dictionaries(
        {"item": item},
        optional={
            "metadata": _metadata,
            "artifacts": st.lists(
                _artifact(fz.artifact_names, st.just("/mnt/a.fbx")), max_size=2, unique_by=str
            ),
            "edges": st.lists(st.fixed_dictionaries({"target": target, "edge_type": _edge_type}), max_size=2),
            "tags": st.lists(fz.tags, max_size=2),
            "create_item": st.booleans(),
        },
    )
    return st.lists(spec, min_size=1, max_size=3)


def _valid(kind: str, name: str) -> st.SearchStrategy[Any]:
    """Values of ``kind`` that the wire's checks accept."""
    by_kind = {
        "kref": st.sampled_from(KREFS_BY_NAME.get(name, ALL_KREFS)),
        "krefs": st.lists(st.sampled_from(ALL_KREFS), max_size=4),
        "name": st.one_of(fz.names, st.sampled_from(["show", "chars"])),
        "item_name": fz.item_names,
        "kind": fz.kinds,
        "text": st.text(max_size=20),
        "metadata": _metadata,
        "bool": st.booleans(),
        "tag": st.one_of(fz.tags, st.sampled_from(["latest", "published"])),
        "edge_type": _edge_type,
        "edge_types": st.lists(_edge_type, max_size=2),
        "direction": st.integers(0, 2),
        "depth": _counts,
        "limit": _counts,
        "datetime": fz.times,
        "artifact_name": st.one_of(fz.artifact_names, st.just("mesh")),
        "attr_key": st.sampled_from(["artist", "notes"]),
        "attr_value": st.text(max_size=20),
        "key": st.text(min_size=1, max_size=20),
        "artifact_spec": _artifact(fz.artifact_names, st.sampled_from(["/mnt/a.fbx", "s3://b/a"])),
        "revision_specs": _specs(st.sampled_from(ITEMS), st.sampled_from(REVISIONS[:4])),
        "item_query": _query(_counts),
        "routing_key": st.sampled_from(["package.published", "review.noted"]),
    }
    return by_kind.get(kind, fz.json_values)  # a kind added since: any JSON still


# The values at each kind's edges: every one is tried on every parameter of its kind
# (test_every_parameter_at_its_edges); the generated bodies draw them too.
_NUMBERS = [MAX_INT + 1, 2**64, -MAX_INT - 2, 10**30, 0, -1, MAX_INT, 1e308, 1.5, "3", True]
_TIMES = [*fz.EDGE_TIMES, 0, "x" * 5000]
_ANY = ["", "\x00", "x" * 70_000, 2**64, -1.5, [], {}, True]
EDGES: dict[str, list[Any]] = {
    "kref": [*EDGE_KREFS, "", "kref://show\x00", 5],
    "krefs": [[k] for k in EDGE_KREFS] + ["kref://show", [None]],
    "direction": [3, *_NUMBERS],
    "depth": _NUMBERS,
    "limit": _NUMBERS,
    "datetime": _TIMES,
    "item_query": [{"limit": n} for n in _NUMBERS] + [{"under": k} for k in EDGE_KREFS] + [{"name": "\x00"}],
    "revision_specs": [[{"item": k}] for k in EDGE_KREFS]
    + [[{"item": HERO, "edges": [{"target": k, "edge_type": "DEPENDS_ON"}]}] for k in EDGE_KREFS[:5]]
    + [
        [{"item": HERO, "tags": ["x" * 70]}],
        [{"item": HERO, "artifacts": [{"name": "a", "location": "rel"}]}],
    ],
    "artifact_spec": [{"name": "a", "location": loc} for loc in ("rel/path", "ftp://x", "\x00", "s3://")],
    "edge_types": ["DEPENDS_ON", [5], ["depends_on"]],
}


def _hostile(kind: str) -> st.SearchStrategy[Any]:
    """Values of ``kind`` at its edges (mostly), or any JSON at all."""
    edges = st.sampled_from(EDGES.get(kind, []) + _ANY)
    return st.one_of(edges, edges, edges, fz.json_values)


_MISSING = object()


@st.composite
def bodies(draw: st.DrawFn, method: wire.Method) -> Any:
    """A body of ``method`` that its checks accept, with one or two parameters hostile or left
    out; now and then every parameter hostile, or a body that is not an object at all."""
    shape = draw(st.sampled_from(["one", "one", "one", "two", "all", "junk"]))
    if shape == "junk" or not method.params:
        return draw(fz.json_values)
    names = [name for name, _kind in method.params]
    if shape == "all":
        bad = set(names)
    else:
        bad = set(draw(st.lists(st.sampled_from(names), min_size=1, max_size=2 if shape == "two" else 1)))
    body = {}
    for name, kind in method.params:
        base = kind.rstrip("?")
        hostile = st.one_of(_hostile(base), _hostile(base), _hostile(base), st.just(_MISSING))
        value = draw(hostile if name in bad else _valid(base, name))
        if value is not _MISSING:
            body[name] = value
    if draw(st.integers(0, 9)) == 0:  # a field the protocol does not have
        body[draw(st.text(max_size=6))] = draw(fz.json_values)
    return body


# -- the two stores ---------------------------------------------------------------------------------
@dataclass
class Http:
    url: str
    headers: dict[str, str]

    def post(self, path: str, body: Any) -> requests.Response:
        data = json.dumps(body, ensure_ascii=False).encode()
        return requests.post(self.url + path, data=data, headers=self.headers, timeout=60)


@pytest.fixture(scope="module")
def http(remote_server_sqlite: ServerProcess) -> Http:
    token = remote_server_sqlite.new_tenant()[1]
    with splice.Client.open(remote_server_sqlite.url, user="admin", token=token) as client:
        build_studio(client)
    return Http(
        remote_server_sqlite.url, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    )


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteBackend]:
    engine = SQLiteBackend(f"sqlite:///{Path(tmp_path_factory.mktemp('fuzz')) / 'store.db'}", "admin")
    build_studio(splice.Client(engine))
    yield engine
    engine.close()


def _typed(response: requests.Response, what: str) -> None:
    assert response.status_code < 500, f"{what}: HTTP {response.status_code} {response.text[:500]}"
    if response.status_code >= 400:
        error = response.json().get("error", {})
        assert isinstance(error.get("code"), str) and error.get("message"), f"{what}: {response.text[:500]}"


def _short(body: Any) -> str:
    text = repr(body)
    return text if len(text) < 400 else text[:400] + "…"


# -- every wire method --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(wire.METHODS))
@given(data=st.data())
def test_any_body_is_a_result_or_a_typed_error(
    http: Http, embedded: SQLiteBackend, name: str, data: st.DataObject
) -> None:
    method = wire.METHODS[name]
    body = data.draw(bodies(method), label="body")
    _typed(http.post(method.path, body), f"POST {method.path} {_short(body)}")
    if not isinstance(body, dict):
        return  # the server's request model refuses it before the wire sees it
    try:  # as the server runs a call: the wire's checks, the engine, the answer's encoding
        args = wire.decode_args(method, body)
        wire.encode_result(method, getattr(embedded, name)(**args))
    except SpliceError:
        pass


# One body of each method that its checks accept: the base the edge sweep changes one value of.
BASE: dict[str, Any] = {
    "krefs": [f"{HERO}?r=1"],
    "name": "fuzzed",
    "item_name": "fuzzed",
    "kind": "model",
    "text": "",
    "metadata": {},
    "bool": False,
    "tag": "approved",
    "edge_type": "DEPENDS_ON",
    "edge_types": ["DEPENDS_ON"],
    "direction": 0,
    "depth": 3,
    "limit": 3,
    "datetime": "2030-01-01T00:00:00Z",
    "artifact_name": "mesh",
    "attr_key": "notes",
    "attr_value": "x",
    "key": "fuzz-key",
    "artifact_spec": {"name": "extra", "location": "/mnt/extra.fbx", "metadata": {}},
    "revision_specs": [{"item": HERO}],
    "item_query": {"limit": 3},
    "routing_key": "review.noted",
}


def _bases(method: wire.Method) -> list[dict[str, Any]]:
    """Bodies its checks accept: every optional parameter given, and every one null."""
    full = {
        name: KREFS_BY_NAME.get(name, ALL_KREFS)[0]
        if kind.rstrip("?") == "kref"
        else BASE.get(kind.rstrip("?"))
        for name, kind in method.params
    }
    bare = {name: None if kind.endswith("?") else full[name] for name, kind in method.params}
    return [full, bare] if bare != full else [full]


def _sweep(method: wire.Method) -> Iterator[dict[str, Any]]:
    for base in _bases(method):
        for name, kind in method.params:
            for value in EDGES.get(kind.rstrip("?"), []) + _ANY:
                yield {**base, name: value}


@pytest.mark.parametrize("name", list(wire.METHODS))
def test_every_parameter_at_its_edges(http: Http, embedded: SQLiteBackend, name: str) -> None:
    """Each value of :data:`EDGES` in each parameter of its kind, the others valid: every
    known edge is tried on every method, whatever the generated bodies drew."""
    method = wire.METHODS[name]
    for body in _sweep(method):
        _typed(http.post(method.path, body), f"POST {method.path} {_short(body)}")
        try:
            args = wire.decode_args(method, body)
            wire.encode_result(method, getattr(embedded, name)(**args))
        except SpliceError:
            pass


def test_every_method_is_fuzzed() -> None:
    assert len(wire.METHODS) > 40  # the parametrization above reads the protocol, not a list


# -- the event routes ----------------------------------------------------------------------------------
cursors = st.one_of(
    st.none(),
    st.sampled_from(
        ["0", "1", "3", str(MAX_INT), str(MAX_INT + 1), "9" * 5000, "-1", "1.0", "", "abc", "\x00"]
    ),
    st.text(max_size=6),
)
filters = st.one_of(st.none(), st.sampled_from(["revision.*", "#", "#.deleted", "*.*.*", "", "Bad.Key"]))
kref_filters = st.one_of(
    st.none(), st.sampled_from(["kref://show/**", "kref://**/*.model", "show", "kref://"])
)
groups = st.one_of(st.none(), st.sampled_from(["g", "g-2", "bad group", "", "x" * 200]))


@given(
    cursor=cursors,
    routing=filters,
    kref=kref_filters,
    group=groups,
    start=st.booleans(),
    limit=st.one_of(st.integers(0, 3), fz.edge_ints),
)
def test_event_routes_answer_typed(
    http: Http,
    embedded: SQLiteBackend,
    cursor: Any,
    routing: Any,
    kref: Any,
    group: Any,
    start: bool,
    limit: int,
) -> None:
    query = {
        "cursor": cursor,
        "routing_key_filter": routing,
        "kref_filter": kref,
        "consumer_group": group,
        "from_beginning": str(start).lower(),
        "timeout": "0",
    }
    query = {k: v for k, v in query.items() if v is not None}
    with requests.get(
        http.url + "/api/v1/events", params=query, headers=http.headers, stream=True, timeout=60
    ) as r:
        _typed(r, f"GET /events {query}")
        if r.status_code == 200:  # the stream ends (timeout 0) with no error event in it
            text = r.raw.read(1 << 20).decode()
            assert "event: error" not in text and "event: end" in text, text[-500:]
    if group is not None:
        body = {
            "consumer_group": group,
            "cursor": cursor,
            "routing_key_filter": routing,
            "kref_filter": kref,
            "from_beginning": start,
            "limit": limit,
            "timeout": 0,
        }
        _typed(http.post("/api/v1/events/next", body), f"POST /events/next {body}")
    try:
        stream = embedded.event_stream(routing, kref, cursor, start, group, 0.0)
        list(islice(stream, 5))
    except SpliceError:
        pass
