"""The splice server over real HTTP on loopback: auth on every route, tenants, roles,
bad input, first start, tokens, live events and resuming them across a restart.

Every ``/api/`` route of the app must have a sample request in ``SAMPLES``; a route
without one fails ``test_every_route_has_a_sample``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from remote_support import ServerProcess

import splice
from splice.errors import AuthenticationError, ForbiddenError, ValidationError

H = "kref://show/chars/hero.model"
P = "kref://show/chars/prop.model"
B = "kref://show/chars/kit.bundle"
ROLE_BELOW = {"viewer": "nobody", "artist": "viewer", "supervisor": "artist", "admin": "supervisor"}


@dataclass
class Sample:
    """A request to a route: ``role`` it needs (None: any token), and whether another tenant's
    token must get 404 (``cross="404"``) or just an answer about its own tenant (``"own"``)."""

    body: dict[str, Any] = field(default_factory=dict)
    role: str | None = "viewer"
    cross: str = "404"  # or "refused": another tenant gets a 4xx about its own (empty) repo


def rpc(body: dict[str, Any], role: str | None = "viewer", cross: str = "404") -> Sample:
    return Sample(body, role, cross)


SAMPLES: dict[tuple[str, str], Sample] = {
    ("POST", "/api/v1/create_project"): rpc({"name": "other"}, "admin", "own"),
    ("POST", "/api/v1/get_project"): rpc({"name": "show"}),
    ("POST", "/api/v1/list_projects"): rpc({}, None, "own"),
    ("POST", "/api/v1/create_space"): rpc({"parent": "kref://show", "name": "fx"}, "artist"),
    ("POST", "/api/v1/get_space"): rpc({"kref": "kref://show/chars"}),
    ("POST", "/api/v1/list_spaces"): rpc({"parent": "kref://show", "recursive": True}),
    ("POST", "/api/v1/create_item"): rpc({"parent": "kref://show/chars", "name": "x", "kind": "model"},
                                         "artist"),
    ("POST", "/api/v1/get_item"): rpc({"kref": H}),
    ("POST", "/api/v1/find_items"): rpc({"query": {"under": "kref://show"}}, "viewer", "own"),
    # a project another tenant lacks: no rows (a replica reads "gone"), never 404
    ("POST", "/api/v1/export_rows"): rpc({"krefs": ["kref://show"], "deep": True}, "viewer", "own"),
    ("POST", "/api/v1/create_revision"): rpc({"item": H}, "artist"),
    ("POST", "/api/v1/batch_create_revisions"): rpc({"specs": [{"item": H}]}, "artist"),
    ("POST", "/api/v1/get_revision"): rpc({"kref": H + "?r=1"}),
    ("POST", "/api/v1/batch_get_revisions"): rpc({"krefs": [H + "?r=1"]}, "viewer", "own"),
    ("POST", "/api/v1/list_revisions"): rpc({"item": H}),
    ("POST", "/api/v1/get_revision_by_time"): rpc({"item": H, "at": "2100-01-01T00:00:00Z"}),
    ("POST", "/api/v1/peek_next_revision"): rpc({"item": H}),
    ("POST", "/api/v1/tag_revision"): rpc({"revision": H + "?r=1", "tag": "review"}, "artist"),
    ("POST", "/api/v1/untag_revision"): rpc({"revision": H + "?r=1", "tag": "review"}, "artist"),
    ("POST", "/api/v1/tag_history"): rpc({"item": H}),
    ("POST", "/api/v1/was_tagged"): rpc({"revision": H + "?r=1", "tag": "latest"}),
    ("POST", "/api/v1/set_deprecated"): rpc({"kref": H, "deprecated": True}, "supervisor"),
    ("POST", "/api/v1/set_default_artifact"): rpc({"revision": H + "?r=1", "name": "mesh"}, "artist"),
    ("POST", "/api/v1/create_artifact"): rpc(
        {"revision": H + "?r=1", "spec": {"name": "tex", "location": "/mnt/t.png"}}, "artist"),
    ("POST", "/api/v1/get_artifact"): rpc({"kref": H + "?r=1&a=mesh"}),
    ("POST", "/api/v1/list_artifacts"): rpc({"revision": H + "?r=1"}),
    ("POST", "/api/v1/resolve_many"): rpc({"krefs": [H + "?r=1"]}, "viewer", "own"),
    ("POST", "/api/v1/create_edge"): rpc(
        {"source": P + "?r=1", "target": H + "?r=1", "edge_type": "DEPENDS_ON"}, "artist"),
    ("POST", "/api/v1/list_edges"): rpc({"revision": H + "?r=2", "direction": 0}),
    ("POST", "/api/v1/delete_edge"): rpc(
        {"source": H + "?r=2", "target": H + "?r=1", "edge_type": "DEPENDS_ON"}, "supervisor"),
    ("POST", "/api/v1/traverse"): rpc({"revision": H + "?r=2", "direction": 0, "max_depth": 3}),
    ("POST", "/api/v1/find_path"): rpc({"source": H + "?r=2", "target": H + "?r=1", "max_depth": 3}),
    ("POST", "/api/v1/add_bundle_member"): rpc({"bundle": B, "member": P}, "artist"),
    ("POST", "/api/v1/remove_bundle_member"): rpc({"bundle": B, "member": H}, "artist"),
    ("POST", "/api/v1/list_bundle_members"): rpc({"bundle": B}),
    ("POST", "/api/v1/bundle_history"): rpc({"bundle": B}),
    ("POST", "/api/v1/set_metadata"): rpc({"kref": H, "metadata": {"a": "b"}}, "artist"),
    ("POST", "/api/v1/set_attribute"): rpc({"kref": H, "key": "a", "value": "b"}, "artist"),
    ("POST", "/api/v1/emit_event"): rpc(
        {"kref": H, "routing_key": "package.published", "metadata": {"repo": "review"}}, "artist"
    ),
    ("POST", "/api/v1/get_attribute"): rpc({"kref": H, "key": "k"}),
    ("POST", "/api/v1/delete_attribute"): rpc({"kref": H, "key": "k"}, "artist"),
    ("POST", "/api/v1/delete"): rpc({"kref": P, "force": True}, "supervisor"),
    ("POST", "/api/v1/event_capabilities"): rpc({}, None, "own"),
    ("GET", "/api/v1/events"): rpc({"from_beginning": "true", "timeout": "0"}, None, "own"),
    ("POST", "/api/v1/events/next"): rpc({"consumer_group": "g", "from_beginning": True, "limit": 50},
                                         None, "own"),
    ("GET", "/api/v1/whoami"): rpc({}, None, "own"),
    ("POST", "/api/v1/admin/users/list"): rpc({}, "admin", "own"),
    ("POST", "/api/v1/admin/users/add"): rpc({"name": "newbie"}, "admin", "own"),
    ("POST", "/api/v1/admin/tokens/create"): rpc({"user": "viewer"}, "admin"),
    ("POST", "/api/v1/admin/tokens/revoke"): rpc({"token": "{token_id}"}, "admin"),
    ("POST", "/api/v1/admin/tokens/list"): rpc({}, "admin", "own"),
    ("POST", "/api/v1/admin/roles/grant"): rpc({"user": "viewer", "role": "artist"}, "admin"),
    ("POST", "/api/v1/admin/roles/revoke"): rpc({"user": "viewer"}, "admin"),
    # the package index (path parameters filled in from PATH_PARAMS)
    ("GET", "/simple/{repo}/"): rpc({}),
    ("GET", "/simple/{repo}/{name}/"): rpc({}),
    ("GET", "/packages/{repo}/files/{file}"): rpc({}),
    ("POST", "/api/v1/packages/{repo}"): rpc({}, "artist", "refused"),
    ("POST", "/api/v1/packages/{repo}/promote"): rpc(
        {"name": "show-chars-hero-model", "version": "1.0.0", "to": "blessed"}, "supervisor"),
}
PATH_PARAMS = {"repo": "review", "name": "show-chars-hero-model",
               "file": "show_chars_hero_model-1.0.0-py3-none-any.whl"}


def api_routes() -> set[tuple[str, str]]:
    """Every (verb, path) under /api of the app, read from the app itself."""
    import tempfile

    from splice.server.app import create_app
    from splice.server.config import ServerConfig

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(ServerConfig.resolve(data_dir=tmp))
        paths = app.openapi()["paths"]
        app.state.control.close()
    prefixes = ("/api/", "/simple/", "/packages/")
    return {(verb.upper(), path) for path, ops in paths.items() if path.startswith(prefixes) for verb in ops}


def test_every_route_has_a_sample() -> None:
    routes = api_routes()
    missing = routes - set(SAMPLES)
    assert not missing, f"routes without a sample in SAMPLES (add one, with its role): {sorted(missing)}"
    assert not set(SAMPLES) - routes, "SAMPLES names routes the app does not have"


# -- a tenant with a small project and one token per role -----------------------------------------
@dataclass
class World:
    server: ServerProcess
    tokens: dict[str, str]  # role (or 'nobody') -> token of tenant A
    other: str  # an admin token of tenant B
    token_id: str  # a token id of tenant A (never really revoked by these tests)

    def call(self, verb: str, path: str, body: dict[str, Any] | None = None, token: str | None = None,
             headers: dict[str, str] | None = None, **kw: Any) -> requests.Response:
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"Bearer {token}"
        url = self.server.url + path.format_map(PATH_PARAMS)
        if verb == "GET":
            return requests.get(url, params=body, headers=h, timeout=30, **kw)
        return requests.post(url, json=body, headers=h, timeout=30, **kw)


@pytest.fixture(scope="module")
def world(remote_server_sqlite: ServerProcess) -> World:
    server = remote_server_sqlite
    tenant, admin = server.new_tenant()
    control = server.control
    tokens = {"admin": admin}
    try:
        for role in ("viewer", "artist", "supervisor"):
            control.add_user(tenant, role)
            control.grant(tenant, role, role)
            tokens[role] = control.create_token(tenant, role)[1]
        control.add_user(tenant, "nobody")
        token_id, tokens["nobody"] = control.create_token(tenant, "nobody")
    finally:
        control.close()
    c = splice.connect(server.url, token=admin, user="admin")
    try:
        chars = c.create_project("show").create_space("chars")
        hero = chars.create_item("hero", "model")
        hero.set_attribute("k", "v")
        r1 = hero.create_revision()
        r1.create_artifact("mesh", "/mnt/hero_v1.fbx")
        r2 = hero.create_revision()
        r2.create_artifact("mesh", "/mnt/hero_v2.fbx")
        r2.create_edge(r1, splice.DEPENDS_ON)
        chars.create_item("prop", "model").create_revision()
        chars.create_bundle("kit").add_member(hero)
    finally:
        c.close()
    _tenant_b, other = server.new_tenant()
    return World(server, tokens, other, token_id)


def _body(world: World, sample: Sample) -> dict[str, Any]:
    text = json.dumps(sample.body).replace("{token_id}", world.token_id)
    return json.loads(text)


ROUTES = sorted(SAMPLES)


@pytest.mark.parametrize(("verb", "path"), ROUTES, ids=[f"{v} {p}" for v, p in ROUTES])
def test_without_a_token_401(world: World, verb: str, path: str) -> None:
    r = world.call(verb, path, _body(world, SAMPLES[(verb, path)]))
    assert r.status_code == 401, r.text
    assert r.json()["error"]["code"] == "unauthenticated"
    bad = world.call(verb, path, _body(world, SAMPLES[(verb, path)]), token="spl_not-a-real-token")
    assert bad.status_code == 401, bad.text


@pytest.mark.parametrize(("verb", "path"), ROUTES, ids=[f"{v} {p}" for v, p in ROUTES])
def test_another_tenant_gets_404_never_the_data(world: World, verb: str, path: str) -> None:
    sample = SAMPLES[(verb, path)]
    r = world.call(verb, path, _body(world, sample), token=world.other)
    if sample.cross == "404":
        assert r.status_code == 404, r.text
        assert r.json()["error"]["code"] == "not_found"  # its message may quote the request only
    elif sample.cross == "refused":
        assert 400 <= r.status_code < 500 and r.status_code not in (401, 403), r.text
    else:
        assert r.status_code in (200, 404), r.text
        assert "kref://show" not in r.text
    assert "/mnt/hero" not in r.text and world.token_id not in r.text


@pytest.mark.parametrize(("verb", "path"), [r for r in ROUTES if SAMPLES[r].role],
                         ids=[f"{v} {p}" for v, p in ROUTES if SAMPLES[(v, p)].role])
def test_too_small_a_role_403(world: World, verb: str, path: str) -> None:
    sample = SAMPLES[(verb, path)]
    below = ROLE_BELOW[sample.role]  # type: ignore[index]
    r = world.call(verb, path, _body(world, sample), token=world.tokens[below])
    assert r.status_code == 403, r.text
    assert f"the {sample.role} role" in r.json()["error"]["message"]


def test_samples_are_valid_for_the_role_they_name(world: World) -> None:
    """The 403s above come from roles, not from bad samples: reads pass with their role."""
    for (verb, path), sample in SAMPLES.items():
        if sample.role == "viewer" and verb == "POST":
            r = world.call(verb, path, _body(world, sample), token=world.tokens["viewer"])
            assert r.status_code == 200, (path, r.text)


def test_users_without_a_role_see_no_project(world: World) -> None:
    r = world.call("POST", "/api/v1/list_projects", {}, token=world.tokens["nobody"])
    assert r.json() == {"result": []}
    r = world.call("POST", "/api/v1/list_projects", {}, token=world.tokens["viewer"])
    assert [p["name"] for p in r.json()["result"]] == ["show"]


# -- roles ------------------------------------------------------------------------------------
@pytest.mark.parametrize("tag", ["published", "approved", "delivered"])
def test_protected_tags_need_a_supervisor(remote_server_sqlite: ServerProcess, tag: str) -> None:
    server = remote_server_sqlite
    tenant, admin = server.new_tenant()
    control = server.control
    try:
        for role in ("artist", "supervisor"):
            control.add_user(tenant, role)
            control.grant(tenant, role, role, "show")
        artist = control.create_token(tenant, "artist")[1]
        supervisor = control.create_token(tenant, "supervisor")[1]
    finally:
        control.close()
    with splice.connect(server.url, token=admin, user="admin") as c:
        c.create_project("show").create_item("hero", "model").create_revision()
    with splice.connect(server.url, token=artist, user="artist") as c:
        rev = c.get_revision(H.replace("/chars", "") + "?r=1")
        rev.tag("wip")  # an ordinary tag is fine
        with pytest.raises(ForbiddenError, match="supervisor"):
            rev.tag(tag)
        with pytest.raises(ForbiddenError, match="supervisor"):
            c.batch_create_revisions([{"item": "kref://show/hero.model", "tags": [tag]}])
        with pytest.raises(ForbiddenError, match="supervisor"):
            rev.set_deprecated()
    with splice.connect(server.url, token=supervisor, user="supervisor") as c:
        rev = c.get_revision("kref://show/hero.model?r=1")
        rev.tag(tag)
        assert rev.has_tag(tag)
        with pytest.raises(ForbiddenError, match="admin"):
            c.create_project("another")


def test_act_as(world: World) -> None:
    r = world.call("POST", "/api/v1/set_attribute", {"kref": H, "key": "who", "value": "x"},
                   token=world.tokens["artist"], headers={"X-Splice-Act-As": "jane"})
    assert r.status_code == 403 and "X-Splice-Act-As" in r.text
    with splice.connect(world.server.url, token=world.tokens["admin"], user="farm-jane") as c:
        assert c.backend.actor == "farm-jane"
        rev = c.get_item(H).create_revision()
        assert rev.author == "farm-jane"
    with pytest.raises(ValidationError, match="act as"):
        splice.connect(world.server.url, token=world.tokens["artist"], user="someone-else")


# -- bad input --------------------------------------------------------------------------------
def _post_raw(world: World, path: str, data: bytes) -> requests.Response:
    return requests.post(world.server.url + path, data=data, timeout=30, headers={
        "Authorization": f"Bearer {world.tokens['admin']}", "Content-Type": "application/json"})


@pytest.mark.parametrize(("path", "data", "names"), [
    ("/api/v1/get_item", b'{"kref": ', "JSON"),
    ("/api/v1/get_item", b"\xff\xfe", "body"),
    ("/api/v1/get_item", b"[1, 2]", "body"),
    ("/api/v1/get_item", b"", "body"),
    ("/api/v1/get_item", b'{"kref": 7}', "kref"),
    ("/api/v1/get_item", b'{"kref": "kref://show/../x"}', "kref"),
    ("/api/v1/get_item", b'{"kref": "' + H.encode() + b'", "extra": 1}', "extra"),
    ("/api/v1/list_spaces", b'{"parent": "kref://show", "recursive": 1}', "recursive"),
    ("/api/v1/traverse", b'{"revision": "' + H.encode() + b'?r=2", "direction": 0, "max_depth": "3"}',
     "max_depth"),
    ("/api/v1/traverse", b'{"revision": "' + H.encode() + b'?r=2", "direction": 5, "max_depth": 3}',
     "direction"),
    ("/api/v1/set_metadata", b'{"kref": "' + H.encode() + b'", "metadata": {"a": 1}}', "metadata"),
    ("/api/v1/batch_create_revisions", b'{"specs": [{"item": "' + H.encode() + b'", "bogus": 1}]}',
     "bogus"),
    ("/api/v1/batch_create_revisions", b'{"specs": [{"metadata": {}}]}', "item"),
    ("/api/v1/create_artifact", b'{"revision": "' + H.encode() + b'?r=1", "spec": {"name": "a", '
     b'"location": "relative/path"}}', "location"),
    ("/api/v1/tag_revision", b'{"revision": "' + H.encode() + b'?r=1", "tag": "no spaces"}', "tag"),
    ("/api/v1/create_edge", b'{"source": "' + H.encode() + b'?r=2", "target": "' + H.encode()
     + b'?r=1", "edge_type": "lower"}', "edge type"),
    ("/api/v1/get_revision_by_time", b'{"item": "' + H.encode() + b'", "at": "yesterday"}', "time"),
    ("/api/v1/events/next", b'{"consumer_group": "a b"}', "consumer group"),
    ("/api/v1/events/next", b'{"consumer_group": "g", "limit": 100000}', "limit"),
])
def test_bad_input_is_a_4xx_naming_the_problem(world: World, path: str, data: bytes, names: str) -> None:
    r = _post_raw(world, path, data)
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    message = r.json()["error"]["message"]
    assert names.lower() in message.lower(), message


@pytest.mark.parametrize("params", [
    {"routing_key_filter": "Bad.Key"}, {"kref_filter": "show/**"}, {"cursor": "abc"},
    {"timeout": "-1"}, {"from_beginning": "maybe"}, {"consumer_group": "a b"}, {"bogus": "1"},
])
def test_bad_stream_parameters_are_4xx(world: World, params: dict[str, str]) -> None:
    r = world.call("GET", "/api/v1/events", params, token=world.tokens["admin"])
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] in ("validation", "kref")


def test_oversized_bodies_are_413(world: World) -> None:
    big = b'{"krefs": [' + b",".join([b'"' + H.encode() + b'"'] * 600_000) + b"]}"
    assert len(big) > 16 * 1024 * 1024
    r = _post_raw(world, "/api/v1/resolve_many", big)
    assert r.status_code == 413, r.text[:200]

    def chunks():  # no Content-Length: counted as it arrives
        for i in range(0, len(big), 1 << 20):
            yield big[i:i + (1 << 20)]

    r = requests.post(world.server.url + "/api/v1/resolve_many", data=chunks(), timeout=60,
                      headers={"Authorization": f"Bearer {world.tokens['admin']}"})
    assert r.status_code == 413, r.text[:200]


def test_unknown_routes_and_verbs_are_4xx(world: World) -> None:
    r = world.call("POST", "/api/v1/no_such_method", {}, token=world.tokens["admin"])
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = world.call("GET", "/api/v1/get_item", {}, token=world.tokens["admin"])
    assert r.status_code == 405


def test_health_and_docs_need_no_token(world: World) -> None:
    assert requests.get(world.server.url + "/health", timeout=10).json()["status"] == "ok"
    schema = requests.get(world.server.url + "/openapi.json", timeout=10).json()
    assert "/api/v1/batch_create_revisions" in schema["paths"]
    assert requests.get(world.server.url + "/docs", timeout=10).status_code == 200


# -- tokens and first start ----------------------------------------------------------------------
def test_token_revoke_works_at_once(world: World) -> None:
    admin = world.tokens["admin"]
    made = world.call("POST", "/api/v1/admin/tokens/create", {"user": "viewer", "label": "t"}, token=admin)
    token = made.json()["result"]["token"]
    assert token.startswith("spl_")
    assert world.call("GET", "/api/v1/whoami", token=token).json()["result"]["user"] == "viewer"
    listed = world.call("POST", "/api/v1/admin/tokens/list", {"user": "viewer"}, token=admin).json()
    assert token not in json.dumps(listed)  # secrets are never shown again
    r = world.call("POST", "/api/v1/admin/tokens/revoke", {"token": token}, token=admin)
    assert r.status_code == 200
    assert world.call("GET", "/api/v1/whoami", token=token).status_code == 401
    with pytest.raises(AuthenticationError):
        splice.connect(world.server.url, token=token)


@pytest.mark.slow
def test_first_start_prints_the_admin_token_once(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "fresh")
    try:
        first = server.start()
        lines = [line for line in first.splitlines() if "admin token" in line]
        assert len(lines) == 1, first
        token = lines[0].rsplit(" ", 1)[1]
        me = requests.get(server.url + "/api/v1/whoami", timeout=10,
                          headers={"Authorization": f"Bearer {token}"}).json()["result"]
        assert (me["user"], me["tenant"], me["admin"]) == ("admin", "default", True)
        assert (tmp_path / "fresh" / "control.db").exists()
        again = server.restart()
        assert "admin token" not in again and token not in again
        with splice.connect(server.url, token=token, user="admin") as c:
            c.create_project("show")
        assert (tmp_path / "fresh" / "tenants" / "default.db").exists()
    finally:
        server.stop()


def test_cli_admin_tools(tmp_path: Path) -> None:
    from splice.cli import main

    data = str(tmp_path / "srv")
    assert main(["tenant", "add", "studio", "--data-dir", data]) == 0
    assert main(["token", "create", "--user", "ann", "--tenant", "studio", "--role", "artist",
                 "--data-dir", data]) == 0
    from splice.server.control import ControlStore

    control = ControlStore(Path(data) / "control.db")
    [info] = control.list_tokens("studio")
    assert main(["token", "revoke", info.id, "--data-dir", data]) == 0
    assert control.list_tokens("studio")[0].revoked_at is not None
    assert main(["role", "grant", "ann", "supervisor", "--project", "show", "--tenant", "studio",
                 "--data-dir", data]) == 0
    assert control.list_users("studio")[0]["roles"] == {"*": "artist", "show": "supervisor"}
    assert main(["user", "add", "bad name", "--tenant", "studio", "--data-dir", data]) == 1


def test_tenant_urls() -> None:
    from splice.server.stores import tenant_url

    assert tenant_url("/srv/splice", "acme") == "sqlite:////srv/splice/tenants/acme.db"
    assert tenant_url("/srv/splice/main.db", "default") == "sqlite:////srv/splice/main.db"
    assert tenant_url("/srv/splice/main.db", "acme") == "sqlite:////srv/splice/tenants/acme.db"
    assert tenant_url("postgresql://u@db:5432/splice?sslmode=require", "acme") == (
        "postgresql://u@db:5432/splice?sslmode=require&schema=tenant_acme")


# -- live events --------------------------------------------------------------------------------
def _sse_messages(lines: Any, count: int) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for raw in lines:
        if raw == "":
            if current:
                out.append(current)
                current = {}
                if len(out) >= count:
                    return out
            continue
        if raw.startswith(":"):
            continue
        key, _, value = raw.partition(":")
        current[key] = value.lstrip(" ")
    return out


def test_sse_live_delivery_and_resume_by_last_event_id(world: World) -> None:
    admin = world.tokens["admin"]
    headers = {"Authorization": f"Bearer {admin}"}
    url = world.server.url + "/api/v1/events"
    with requests.get(url, params={"routing_key_filter": "space.*", "timeout": "5"}, headers=headers,
                      stream=True, timeout=10) as live:
        lines = live.iter_lines(chunk_size=None, decode_unicode=True)
        [opened] = _sse_messages(lines, 1)
        assert opened["event"] == "open" and opened["id"]
        for name in ("live1", "live2"):
            world.call("POST", "/api/v1/create_space", {"parent": "kref://show", "name": name}, token=admin)
        got = _sse_messages(lines, 2)
    events = [json.loads(m["data"]) for m in got]
    assert [e["kref"] for e in events] == ["kref://show/live1", "kref://show/live2"]
    assert [m["id"] for m in got] == [e["cursor"] for e in events]
    # resume just after the first one, as a browser does after a drop
    with requests.get(url, params={"routing_key_filter": "space.*", "timeout": "0"}, stream=True,
                      headers={**headers, "Last-Event-ID": got[0]["id"]}, timeout=10) as again:
        rest = _sse_messages(again.iter_lines(chunk_size=None, decode_unicode=True), 3)
    assert [m.get("event", "message") for m in rest] == ["open", "message", "end"]
    assert json.loads(rest[1]["data"])["kref"] == "kref://show/live2"


def test_events_are_only_of_visible_projects(world: World) -> None:
    """A viewer of one project does not see another project's events."""
    server = world.server
    tenant, admin = server.new_tenant()
    control = server.control
    try:
        control.add_user(tenant, "ann")
        control.grant(tenant, "ann", "viewer", "mine")
        ann = control.create_token(tenant, "ann")[1]
    finally:
        control.close()
    with splice.connect(server.url, token=admin, user="admin") as c:
        c.create_project("mine").create_space("a")
        c.create_project("secret").create_space("b")
    with splice.connect(server.url, token=ann, user="ann") as c:
        seen = {e.kref.project for e in c.event_stream(from_beginning=True, timeout=0)}
        assert seen == {"mine"}
        assert [p.name for p in c.get_projects()] == ["mine"]
        assert [i.name for i in c.search()] == []


@pytest.mark.slow
def test_remote_stream_resumes_after_a_server_restart(tmp_path: Path) -> None:
    """Kill the server mid-stream, write while it is down, start it again: the SDK's
    stream reconnects from its cursor and gets every event once."""
    from splice.engines.sqlite import SQLiteBackend

    server = ServerProcess(tmp_path / "srv")
    server.start()
    try:
        tenant, token = server.new_tenant()
        client = splice.connect(server.url, token=token, user="tester")
        show = client.create_project("show")
        stream = client.event_stream(routing_key_filter="space.created", timeout=30)
        show.create_space("s0")
        show.create_space("s1")
        got = [str(next(stream).kref) for _ in range(2)]
        server.kill()
        # written while the server is down, straight into the tenant's store
        store = SQLiteBackend(f"sqlite:///{tmp_path / 'srv' / 'tenants' / f'{tenant}.db'}", "offline")
        store.create_space(splice.Kref("kref://show"), "s2", {})
        store.close()
        server.start()
        show.create_space("s3")
        got += [str(next(stream).kref) for _ in range(2)]
        assert got == [f"kref://show/s{i}" for i in range(4)]
        stream.close()
        # nothing more, nothing twice
        assert [str(e.kref) for e in client.event_stream(routing_key_filter="space.created",
                                                         from_beginning=True, timeout=0)] == got
        client.close()
    finally:
        server.stop()


def test_remote_stream_from_now_survives_a_dropped_connection(world: World) -> None:
    """A stream "from now" that saw no event yet still resumes from where it opened."""
    with splice.connect(world.server.url, token=world.tokens["admin"], user="admin") as c:
        stream = c.event_stream(routing_key_filter="space.created", timeout=10)
        stream._drop()  # the connection drops before any event  # type: ignore[attr-defined]
        c.get_project("show").create_space("while-away")
        assert str(next(stream).kref) == "kref://show/while-away"
        stream.close()
