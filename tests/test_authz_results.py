"""Results are authorised, not only requests: a viewer of project ``alpha`` never sees
anything of project ``bravo`` (krefs, edge metadata, authors), though ``bravo`` depends on
``alpha`` and ``alpha`` reaches ``bravo`` through edges, bundles and events; and the
metadata keys that configure a project for everyone need the role the server names.

A real server on loopback (SQLite, and PostgreSQL when ``pg_support`` gives a cluster).
Every ``@read`` method of the wire must have a call in ``READS``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from remote_support import ServerProcess

import splice
from splice import wire
from splice.errors import ForbiddenError
from splice.server.auth import config_role

SECRET = "bravo"  # in every name, author and metadata value of project bravo
HERO, RIG, ANIM, PROP = (f"kref://alpha/chars/{n}.model?r=1" for n in ("hero", "rig", "anim", "prop"))
GHOST = "kref://alpha/chars/ghost.model?r=1"
KIT = "kref://alpha/chars/kit.bundle"
LAYOUT = "kref://bravo/shots/layout.model?r=1"


@dataclass
class Studio:
    server: ServerProcess
    tokens: dict[str, str]  # user -> token: admin (tenant), watcher, painter, lead, owner

    def post(self, user: str, method: str, body: dict[str, Any]) -> requests.Response:
        return requests.post(
            f"{self.server.url}/api/v1/{method}",
            json=body,
            timeout=30,
            headers={"Authorization": f"Bearer {self.tokens[user]}"},
        )

    def ok(self, user: str, method: str, body: dict[str, Any]) -> Any:
        r = self.post(user, method, body)
        assert r.status_code == 200, (method, r.text)
        return r.json()["result"]


def _build(server: ServerProcess) -> Studio:
    """alpha: prop -> rig -> anim -> hero, and prop -> bravo/layout -> {hero, ghost};
    alpha's bundle kit holds hero and bravo's layout; bravo's bundle refs holds alpha's lonely."""
    tenant, admin = server.new_tenant()
    tokens = {"admin": admin}
    control = server.control
    try:
        for user, role in (
            ("watcher", "viewer"),
            ("painter", "artist"),
            ("lead", "supervisor"),
            ("owner", "admin"),
        ):
            control.add_user(tenant, user)
            control.grant(tenant, user, role, "alpha")
            tokens[user] = control.create_token(tenant, user)[1]
    finally:
        control.close()
    with splice.connect(server.url, token=admin, user="admin") as c:
        chars = c.create_project("alpha").create_space("chars")
        revs = {
            n: chars.create_item(n, "model").create_revision()
            for n in ("hero", "rig", "anim", "prop", "ghost")
        }
        chars.create_item("lonely", "model")
        revs["prop"].create_edge(revs["rig"], splice.DEPENDS_ON)
        revs["rig"].create_edge(revs["anim"], splice.DEPENDS_ON)
        revs["anim"].create_edge(revs["hero"], splice.DEPENDS_ON)
        kit = chars.create_bundle("kit")
        kit.add_member(c.get_item("kref://alpha/chars/hero.model"))
    with splice.connect(server.url, token=admin, user="bravo-writer") as c:
        shots = c.create_project("bravo", "bravo's show", {"note": "bravo-secret"}).create_space("shots")
        layout = shots.create_item("layout", "model", {"note": "bravo-item"}).create_revision(
            {"note": "bravo-rev"}
        )
        layout.create_artifact("scene", "/mnt/bravo/layout.usd")
        layout.create_edge(HERO, splice.DEPENDS_ON, {"why": "bravo-edge"})
        layout.create_edge(GHOST, splice.DEPENDS_ON, {"why": "bravo-edge"})
        shots.create_bundle("refs").add_member("kref://alpha/chars/lonely.model")
    with splice.connect(server.url, token=admin, user="admin") as c:  # alpha's own links to bravo
        c.get_revision(PROP).create_edge(LAYOUT, splice.DEPENDS_ON, {"why": "needs bravo"})
        c.get_item(KIT).add_member(LAYOUT, {"why": "a layout"})
    return Studio(server, tokens)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def studio(request: pytest.FixtureRequest) -> Iterator[Studio]:
    yield _build(request.getfixturevalue(f"remote_server_{request.param}"))


# -- every read method, as a viewer of alpha only ----------------------------------------------
READS: dict[str, dict[str, Any]] = {
    "get_project": {"name": "alpha"},
    "list_projects": {},
    "get_space": {"kref": "kref://alpha/chars"},
    "list_spaces": {"parent": "kref://alpha", "recursive": True},
    "get_item": {"kref": "kref://alpha/chars/hero.model"},
    "find_items": {"query": {}},
    "get_revision": {"kref": KIT + "?r=2"},
    "batch_get_revisions": {"krefs": [KIT + "?r=1", KIT + "?r=2"]},
    "list_revisions": {"item": KIT},
    "get_revision_by_time": {"item": KIT, "at": "2100-01-01T00:00:00Z"},
    "peek_next_revision": {"item": KIT},
    "tag_history": {"item": KIT},
    "was_tagged": {"revision": KIT + "?r=2", "tag": "latest"},
    "get_artifact": {"kref": HERO + "&a=none"},  # 404: nothing to leak either way
    "list_artifacts": {"revision": HERO},
    "resolve_many": {"krefs": [HERO]},
    "list_edges": {"revision": HERO, "direction": 1},
    "traverse": {"revision": PROP, "direction": 0, "max_depth": 5},
    "find_path": {"source": PROP, "target": HERO, "max_depth": 5},
    "list_bundle_members": {"bundle": KIT},
    "bundle_history": {"bundle": KIT},
    "get_attribute": {"kref": KIT + "?r=2", "key": "member"},
    "event_capabilities": {},
    "export_rows": {"krefs": ["kref://alpha"], "deep": True},
}
# where the store's unfiltered answer does hold bravo (the admin sees it): the leaks this closes
CROSSING = {
    "list_projects",
    "find_items",
    "get_revision",
    "batch_get_revisions",
    "list_revisions",
    "get_revision_by_time",
    "list_edges",
    "traverse",
    "find_path",
    "list_bundle_members",
    "bundle_history",
    "get_attribute",
    "export_rows",
}


def test_every_read_method_has_a_call() -> None:
    reads = {name for name, m in wire.METHODS.items() if m.read}
    assert set(READS) == reads, "add a call to READS for each read method (and to CROSSING if it can cross)"


@pytest.mark.parametrize("method", sorted(READS))
def test_a_viewer_of_alpha_sees_nothing_of_bravo(studio: Studio, method: str) -> None:
    r = studio.post("watcher", method, READS[method])
    assert r.status_code == (404 if method == "get_artifact" else 200), r.text
    assert SECRET not in r.text, r.text
    if method in CROSSING:
        assert SECRET in studio.post("admin", method, READS[method]).text


def test_traversal_is_cut_at_hidden_nodes(studio: Studio) -> None:
    """Nothing reached only through bravo is shown, and depths are those of visible paths."""
    body = {"revision": PROP, "direction": 0, "max_depth": 5}
    full = studio.ok("admin", "traverse", body)["nodes"]
    assert {n["revision_kref"]: n["depth"] for n in full}[HERO] == 2  # through bravo
    seen = studio.ok("watcher", "traverse", body)
    assert [(n["revision_kref"], n["depth"]) for n in seen["nodes"]] == [(RIG, 1), (ANIM, 2), (HERO, 3)]
    assert seen["truncated"] is False
    limited = studio.ok("watcher", "traverse", {**body, "limit": 2})
    assert [n["revision_kref"] for n in limited["nodes"]] == [RIG, ANIM] and limited["truncated"]
    typed = studio.ok("watcher", "traverse", {**body, "edge_types": ["USES"]})
    assert typed == {"nodes": [], "truncated": False}
    back = studio.ok("watcher", "traverse", {"revision": HERO, "direction": 1, "max_depth": 5})
    assert [(n["revision_kref"], n["depth"]) for n in back["nodes"]] == [(ANIM, 1), (RIG, 2), (PROP, 3)]


def test_paths_go_only_through_visible_nodes(studio: Studio) -> None:
    body = {"source": PROP, "target": HERO, "max_depth": 5}
    assert len(studio.ok("admin", "find_path", body)) == 2  # prop -> bravo's layout -> hero
    hops = studio.ok("watcher", "find_path", body)
    assert [h["revision_kref"] for h in hops] == [RIG, ANIM, HERO]
    assert studio.ok("watcher", "find_path", {**body, "max_depth": 2}) is None
    assert studio.ok("watcher", "find_path", {**body, "target": GHOST}) is None  # only via bravo
    assert studio.ok("admin", "find_path", {**body, "target": GHOST}) is not None


def test_edges_bundles_and_metadata_to_bravo_are_left_out(studio: Studio) -> None:
    outgoing = studio.ok("watcher", "list_edges", {"revision": PROP, "direction": 2})
    assert [(e["source_kref"], e["target_kref"]) for e in outgoing] == [(PROP, RIG)]
    members = studio.ok("watcher", "list_bundle_members", {"bundle": KIT})
    assert [m["item_kref"] for m in members] == ["kref://alpha/chars/hero.model"]
    batch = studio.ok("watcher", "batch_get_revisions", {"krefs": [KIT + "?r=2", HERO]})
    assert batch[0]["metadata"] == {"action": "added", "why": "a layout"}  # no 'member': bravo's
    assert batch[1]["kref"] == HERO
    assert studio.ok("watcher", "get_attribute", {"kref": KIT + "?r=2", "key": "member"}) is None


def test_events_of_bravo_or_naming_bravo_are_left_out(studio: Studio) -> None:
    params = {"from_beginning": "true", "timeout": "0"}
    url = studio.server.url + "/api/v1/events"
    for user, shown in (("watcher", False), ("admin", True)):
        r = requests.get(
            url, params=params, timeout=30, headers={"Authorization": f"Bearer {studio.tokens[user]}"}
        )
        assert r.status_code == 200 and (SECRET in r.text) is shown, r.text
        if not shown:
            assert "edge.created" in r.text and "bundle.member_added" in r.text  # alpha's own ones
    pulled = studio.ok(
        "watcher", "events/next", {"consumer_group": "w", "from_beginning": True, "limit": 500}
    )
    assert pulled and SECRET not in json.dumps(pulled)


def test_error_messages_name_no_hidden_node(studio: Studio) -> None:
    body = {"kref": "kref://alpha/chars/lonely.model", "force": False}
    r = studio.post("lead", "delete", body)  # lonely is a member of bravo's bundle
    assert r.status_code == 409, r.text
    assert SECRET not in r.text and "a project you may not view" in r.text
    assert SECRET in studio.post("admin", "delete", body).text


# -- configuration keys ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "role"),
    [
        ("files.store", "admin"),
        ("files.store.endpointurl", "admin"),
        ("files.stages", "admin"),
        ("launcher.config", "admin"),
        ("launcher.toml", "admin"),
        ("launcher.anything", "admin"),
        ("workfiles.root", "supervisor"),
        ("workfiles.template", "supervisor"),
        ("root", "supervisor"),
        ("packages", "supervisor"),
        ("files", None),
        ("rooted", None),
        ("comment", None),
        ("files.storex", None),
        ("package.requires", None),
    ],
)
def test_config_roles(key: str, role: str | None) -> None:
    assert config_role(key) == role


# (method, body with {key} in it): every write that can carry metadata; {n} keeps names unique
WRITES: list[tuple[str, dict[str, Any]]] = [
    ("set_metadata", {"kref": "kref://alpha", "metadata": {"{key}": "/srv/evil"}}),
    ("set_attribute", {"kref": "kref://alpha/chars", "key": "{key}", "value": "x"}),
    ("delete_attribute", {"kref": "kref://alpha", "key": "{key}"}),
    ("create_space", {"parent": "kref://alpha", "name": "fx{n}", "metadata": {"{key}": "x"}}),
    (
        "create_item",
        {"parent": "kref://alpha/chars", "name": "cmd{n}", "kind": "model", "metadata": {"{key}": "x"}},
    ),
    ("create_revision", {"item": "kref://alpha/chars/hero.model", "metadata": {"{key}": "x"}}),
    (
        "batch_create_revisions",
        {"specs": [{"item": "kref://alpha/chars/hero.model", "metadata": {"{key}": "x"}}]},
    ),
    (
        "batch_create_revisions",
        {
            "specs": [
                {
                    "item": "kref://alpha/chars/hero.model",
                    "artifacts": [{"name": "a", "location": "/x", "metadata": {"{key}": "x"}}],
                }
            ]
        },
    ),
    (
        "batch_create_revisions",
        {
            "specs": [
                {
                    "item": "kref://alpha/chars/rig.model",
                    "edges": [{"target": HERO, "edge_type": "USES{n}", "metadata": {"{key}": "x"}}],
                }
            ]
        },
    ),
    (
        "create_artifact",
        {"revision": HERO, "spec": {"name": "t{n}", "location": "/t", "metadata": {"{key}": "x"}}},
    ),
    ("create_edge", {"source": RIG, "target": HERO, "edge_type": "USES{n}", "metadata": {"{key}": "x"}}),
    (
        "add_bundle_member",
        {"bundle": KIT, "member": "kref://alpha/chars/rig{n}.model", "metadata": {"{key}": "x"}},
    ),
    ("emit_event", {"kref": HERO, "routing_key": "package.published", "metadata": {"{key}": "x"}}),
]
KEYS = {
    "files.store": ("admin", "owner"),
    "launcher.toml": ("admin", "owner"),
    "packages": ("supervisor", "lead"),
}
CASES = [(m, b, k) for m, b in WRITES for k in KEYS]


def _fill(body: dict[str, Any], key: str, n: int) -> dict[str, Any]:
    return json.loads(json.dumps(body).replace("{key}", key).replace("{n}", str(n)))


def _state(studio: Studio) -> str:
    """What the refused writes could have changed, as the admin sees it."""
    calls = [
        ("get_project", {"name": "alpha"}),
        ("list_spaces", {"parent": "kref://alpha", "recursive": True}),
        ("find_items", {"query": {"under": "kref://alpha"}}),
        ("list_revisions", {"item": "kref://alpha/chars/hero.model"}),
        ("list_revisions", {"item": "kref://alpha/chars/rig.model"}),
        ("list_artifacts", {"revision": HERO}),
        ("list_edges", {"revision": RIG, "direction": 2}),
        ("list_bundle_members", {"bundle": KIT}),
        ("get_space", {"kref": "kref://alpha/chars"}),
    ]
    return json.dumps([studio.ok("admin", m, b) for m, b in calls])


@pytest.mark.parametrize(
    ("method", "body", "key"), CASES, ids=[f"{m}-{i}-{k}" for i, (m, _, k) in enumerate(CASES)]
)
def test_config_keys_need_their_role(studio: Studio, method: str, body: dict[str, Any], key: str) -> None:
    role, allowed = KEYS[key]
    n = CASES.index((method, body, key))
    if method == "add_bundle_member":  # a fresh item to add
        studio.ok(
            "admin", "create_item", {"parent": "kref://alpha/chars", "name": f"rig{n}", "kind": "model"}
        )
    data = _fill(body, key, n)
    before = _state(studio)
    refused = ["painter"] + (["lead"] if role == "admin" else [])
    for user in refused:
        r = studio.post(user, method, data)
        assert r.status_code == 403, r.text
        message = r.json()["error"]["message"]
        assert repr(key) in message and f"the {role} role" in message and "'alpha'" in message, message
    assert _state(studio) == before, "a refused write changed something"
    r = studio.post(allowed, method, data)
    assert r.status_code == 200, r.text


def test_ordinary_metadata_stays_with_the_artist(studio: Studio) -> None:
    studio.ok("painter", "set_metadata", {"kref": "kref://alpha/chars", "metadata": {"comment": "fine"}})
    studio.ok(
        "painter",
        "create_revision",
        {"item": "kref://alpha/chars/hero.model", "metadata": {"package.requires": "{}", "rooted": "x"}},
    )


def test_the_sdk_gets_a_typed_error(studio: Studio) -> None:
    with splice.connect(studio.server.url, token=studio.tokens["painter"]) as c:
        project = c.get_project("alpha")
        with pytest.raises(ForbiddenError, match=r"'files\.stages'.*the admin role"):
            project.set_metadata(
                {"files.stages": '[{"name": "x", "deps": [], "out": "o", "cmd": "rm -rf ~"}]'}
            )
        assert "files.stages" not in c.get_project("alpha").metadata


# -- what a delete changes in other projects ---------------------------------------------------
def test_a_delete_that_changes_another_project_needs_a_role_there(studio: Studio) -> None:
    # bravo's layout depends on alpha's hero and its bundle holds alpha's lonely: a supervisor of
    # alpha alone may not take those from bravo, and learns no more of bravo than it may view
    for kref, force in ((HERO, False), ("kref://alpha/chars/lonely.model", True)):
        r = studio.post("lead", "delete", {"kref": kref, "force": force})
        assert r.status_code == 403, r.text
        assert "a project you may not view" in r.text and SECRET not in r.text
    assert studio.ok("admin", "get_revision", {"kref": HERO})["kref"] == HERO  # nothing was deleted
    edges = studio.ok("admin", "list_edges", {"revision": LAYOUT, "direction": 0})
    assert HERO in {e["target_kref"] for e in edges}
    held = studio.ok("admin", "list_bundle_members", {"bundle": "kref://bravo/shots/refs.bundle"})
    assert "kref://alpha/chars/lonely.model" in {m["item_kref"] for m in held}
    # what changes alpha alone stays the supervisor's to delete
    with splice.connect(studio.server.url, token=studio.tokens["admin"], user="admin") as c:
        c.get_space("kref://alpha/chars").create_item("scrap", "model").create_revision()
    studio.ok("lead", "delete", {"kref": "kref://alpha/chars/scrap.model?r=1", "force": False})
    studio.ok("lead", "delete", {"kref": "kref://alpha/chars/scrap.model", "force": True})

