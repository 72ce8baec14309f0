"""Every public call validates its input: a typed error that names the problem, and no write.

Each case runs against the same small studio and checks three things: the error's
class (from :mod:`splice.errors`), that its message names what was wrong, and that
the store is exactly as before (same event log length, same content).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import pytest

import splice
from splice.errors import (
    AlreadyExistsError,
    ConflictError,
    ImmutableError,
    KrefError,
    NotFoundError,
    SpliceError,
    ValidationError,
)

HERO = "kref://show/chars/heroes/hero.model"
METAL = "kref://show/chars/metal.texture"
PLATE = "kref://show/plate.comp"


@dataclass
class World:
    client: splice.Client
    project: splice.Project
    chars: splice.Space
    heroes: splice.Space
    hero: splice.Item
    metal: splice.Item
    r1: splice.Revision  # hero r1, artifact "mesh"
    r2: splice.Revision  # hero r2, DEPENDS_ON metal r1
    m1: splice.Revision  # metal r1
    mesh: splice.Artifact
    kit: splice.Bundle  # holds hero
    inner: splice.Bundle  # held by kit
    plate: splice.Item
    pub: splice.Revision  # plate r1, published, artifact "exr", DEPENDS_ON metal r1
    exr: splice.Artifact
    gone_space: splice.Space  # deleted after creation
    gone_item: splice.Item  # deleted after creation
    gone_rev: splice.Revision  # deleted after creation


@pytest.fixture
def world(client: splice.Client) -> World:
    project = client.create_project("show", "the show", {"client": "acme"})
    chars = project.create_space("chars", {"dept": "model"})
    heroes = chars.create_space("heroes")
    hero = heroes.create_item("hero", "model")
    metal = chars.create_item("metal", "texture")
    r1 = hero.create_revision({"artist": "jane"})
    mesh = r1.create_artifact("mesh", "/mnt/show/hero_v1.fbx")
    r2 = hero.create_revision()
    m1 = metal.create_revision()
    r2.create_edge(m1, splice.DEPENDS_ON)
    kit = project.create_bundle("kit")
    inner = project.create_bundle("inner")
    kit.add_member(hero)
    kit.add_member(inner)
    plate = project.create_item("plate", "comp")
    pub = plate.create_revision({"notes": "final"})
    exr = pub.create_artifact("exr", "s3://bucket/plate.exr")
    pub.create_edge(m1, splice.DEPENDS_ON)
    pub.tag("published")
    gone_space = project.create_space("gone")
    gone_item = chars.create_item("gone", "model")
    gone_rev = metal.create_revision()
    gone_space.delete()
    gone_item.delete()
    gone_rev.delete()
    return World(client, project, chars, heroes, hero, metal, r1, r2, m1, mesh, kit, inner,
                 plate, pub, exr, gone_space, gone_item, gone_rev)


def event_count(client: splice.Client) -> int:
    return sum(1 for _ in client.event_stream(from_beginning=True, timeout=0))


def snapshot(client: splice.Client) -> list[tuple[Any, ...]]:
    """Everything the SDK can read back, in a stable order."""
    out: list[tuple[Any, ...]] = []
    for p in client.get_projects():
        out.append(("project", str(p.kref), p.description, p.metadata))
        out.extend(("space", str(s.kref), s.metadata) for s in p.get_spaces(recursive=True))
        for item in client.search(under=p.kref):
            out.append(("item", str(item.kref), item.metadata, item.deprecated,
                        item.peek_next_revision()))
            out.extend(("tag", str(t.revision_kref), t.tag, t.action, t.at)
                       for t in item.get_tag_history())
            if isinstance(item, splice.Bundle):
                out.extend(("member", str(m.item_kref), m.added_in_revision)
                           for m in item.get_members())
                out.extend(("change", c.revision_number, c.action, str(c.member_item_kref))
                           for c in item.get_history())
            for r in item.get_revisions():
                out.append(("revision", str(r.kref), r.metadata, tuple(r.tags), r.published,
                            r.deprecated, r.default_artifact))
                out.extend(("artifact", str(a.kref), a.location, a.metadata)
                           for a in r.get_artifacts())
                out.extend(("edge", str(e.source_kref), str(e.target_kref), e.edge_type, e.metadata)
                           for e in r.get_edges())
    return out


def assert_refused(
    client: splice.Client, call: Callable[[], object], error: type[SpliceError], *names: str
) -> SpliceError:
    """``call`` raises exactly ``error`` (or a subclass), its message names each of
    ``names`` (case-insensitive), and nothing in the store changed."""
    events, content = event_count(client), snapshot(client)
    with pytest.raises(SpliceError) as info:
        result = call()
        # streams validate when made or, at the latest, on the first read
        if hasattr(result, "__next__"):
            next(result, None)  # type: ignore[call-overload]
    assert isinstance(info.value, error), (
        f"expected {error.__name__}, got {type(info.value).__name__}: {info.value}"
    )
    message = str(info.value)
    for name in names:
        assert name.lower() in message.lower(), f"message {message!r} does not name {name!r}"
    try:
        after_events, after_content = event_count(client), snapshot(client)
    except SpliceError as exc:
        pytest.fail(f"the refused call wrote something the store cannot read back: {exc!r}")
    assert after_events == events, "a refused call wrote events"
    assert after_content == content, "a refused call changed the store"
    return info.value


def case(fn: Callable[[World], object], error: type[SpliceError], *names: str, id: str):
    return pytest.param(fn, error, names, id=id)


WRONG_TYPES = [
    case(lambda w: w.client.create_project(3), KrefError, "project name", "int", id="project-name-int"),
    case(lambda w: w.client.create_project(None), KrefError, "project name", "NoneType",
         id="project-name-none"),
    case(lambda w: w.client.create_project("new", 5), ValidationError, "description", "int",
         id="project-description-int"),
    case(lambda w: w.client.create_project("new", "", ["a"]), ValidationError, "metadata", "list",
         id="project-metadata-list"),
    case(lambda w: w.client.get_project(3), KrefError, "project name", "int", id="get-project-int"),
    case(lambda w: w.project.create_space(5), KrefError, "space name", "int", id="space-name-int"),
    case(lambda w: w.project.create_space("new", "dept=model"), ValidationError, "metadata", "str",
         id="space-metadata-str"),
    case(lambda w: w.project.get_space(5), ValidationError, "space name", id="get-space-int"),
    case(lambda w: w.chars.create_item(4, "model"), KrefError, "item name", "int",
         id="item-name-int"),
    case(lambda w: w.chars.create_item("new", ["model"]), KrefError, "kind", "list",
         id="item-kind-list"),
    case(lambda w: w.chars.create_item("new", "model", [("a", "b")]), ValidationError, "metadata",
         "list", id="item-metadata-list"),
    case(lambda w: w.hero.create_revision({"frame": 1}), ValidationError, "'frame'", "int",
         id="revision-metadata-int-value"),
    case(lambda w: w.hero.create_revision({"frame": None}), ValidationError, "'frame'", "NoneType",
         id="revision-metadata-none-value"),
    case(lambda w: w.hero.create_revision({"frame": b"1"}), ValidationError, "'frame'", "bytes",
         id="revision-metadata-bytes-value"),
    case(lambda w: w.hero.create_revision({"frames": ["1", "2"]}), ValidationError, "'frames'",
         "list", id="revision-metadata-list-value"),
    case(lambda w: w.hero.create_revision({1: "a"}), ValidationError, "keys", "int",
         id="revision-metadata-int-key"),
    case(lambda w: w.hero.create_revision({"": "a"}), ValidationError, "key", "''",
         id="revision-metadata-empty-key"),
    case(lambda w: w.hero.create_revision(["artist", "jane"]), ValidationError, "metadata", "list",
         id="revision-metadata-list"),
    case(lambda w: w.hero.create_revision("artist=jane"), ValidationError, "metadata", "str",
         id="revision-metadata-str"),
    case(lambda w: w.hero.get_revision("1"), ValidationError, "revision number", "'1'",
         id="get-revision-str"),
    case(lambda w: w.hero.get_revision(1.0), ValidationError, "revision number", "1.0",
         id="get-revision-float"),
    case(lambda w: w.hero.get_revision(True), ValidationError, "revision number", "True",
         id="get-revision-bool"),
    case(lambda w: w.r2.create_artifact(1, "/mnt/x"), KrefError, "artifact name", "int",
         id="artifact-name-int"),
    case(lambda w: w.r2.create_artifact("cache", 5), ValidationError, "location", "int",
         id="artifact-location-int"),
    case(lambda w: w.r2.create_artifact("cache", PurePosixPath("/mnt/x")), ValidationError,
         "location", "PurePosixPath", id="artifact-location-path-object"),
    case(lambda w: w.r2.create_artifact("cache", "/mnt/x", {"size": 10}), ValidationError, "'size'",
         "int", id="artifact-metadata-int"),
    case(lambda w: w.r1.create_edge(5, splice.DEPENDS_ON), KrefError, "target_revision", "int",
         id="edge-target-int"),
    case(lambda w: w.r1.create_edge(w.m1, 5), ValidationError, "edge type", "5",
         id="edge-type-int"),
    case(lambda w: w.r1.create_edge(w.m1, splice.DEPENDS_ON, {"usage": 1}), ValidationError,
         "'usage'", "int", id="edge-metadata-int"),
    case(lambda w: w.r1.tag(5), KrefError, "tag", "int", id="tag-int"),
    case(lambda w: w.hero.set_metadata(["status"]), ValidationError, "metadata", "list",
         id="set-metadata-list"),
    case(lambda w: w.hero.set_metadata({"status": 2}), ValidationError, "'status'", "int",
         id="set-metadata-int-value"),
    case(lambda w: w.hero.set_attribute("status", 1), ValidationError, "value", "int",
         id="set-attribute-int-value"),
    case(lambda w: w.hero.set_attribute(1, "x"), ValidationError, "keys", "int",
         id="set-attribute-int-key"),
    case(lambda w: w.client.set_attribute(HERO, "status", None), ValidationError, "NoneType",
         id="client-set-attribute-none"),
    case(lambda w: w.client.get_attribute(HERO, ["status"]), ValidationError, "list",
         id="client-get-attribute-list-key"),
    case(lambda w: w.project.delete(force="yes"), ValidationError, "force", "'yes'",
         id="delete-force-str"),
    case(lambda w: w.hero.set_deprecated("yes"), ValidationError, "deprecated", "'yes'",
         id="set-deprecated-str"),
    case(lambda w: w.project.get_spaces(recursive=1), ValidationError, "recursive",
         id="get-spaces-recursive-int"),
    case(lambda w: w.client.search(name=3), ValidationError, "name", "int", id="search-name-int"),
    case(lambda w: w.client.search(kind=3), KrefError, "kind", "int", id="search-kind-int"),
    case(lambda w: w.client.search(metadata=["a"]), ValidationError, "metadata", "list",
         id="search-metadata-list"),
    case(lambda w: w.client.search(metadata={"a": 1}), ValidationError, "'a'", "int",
         id="search-metadata-int"),
    case(lambda w: w.client.search(recursive="yes"), ValidationError, "recursive",
         id="search-recursive-str"),
    case(lambda w: w.client.search(under=5), KrefError, "int", id="search-under-int"),
    case(lambda w: w.client.resolve(5), KrefError, "int", id="resolve-int"),
    case(lambda w: w.client.get_item(None), KrefError, "NoneType", id="get-item-none"),
    case(lambda w: w.client.get_revision(["kref://show/plate.comp"]), KrefError, "list",
         id="get-revision-list"),
    case(lambda w: w.client.resolve_many(f"{HERO}?r=1"), ValidationError, "list",
         id="resolve-many-str-not-list"),
    case(lambda w: w.client.batch_get_revisions(f"{HERO}?r=1"), ValidationError, "list",
         id="batch-get-revisions-str-not-list"),
    case(lambda w: w.client.resolve_many([HERO, 5]), KrefError, "int", id="resolve-many-int-entry"),
    case(lambda w: w.client.batch_create_revisions({"item": HERO}), ValidationError, "list",
         id="batch-dict-not-list"),
    case(lambda w: w.client.batch_create_revisions(["kref://show/plate.comp"]), ValidationError,
         "revisions[0]", "str", id="batch-entry-str"),
    case(lambda w: w.client.batch_create_revisions([{"item": HERO, "tags": "approved"}]),
         ValidationError, "tags", "list", id="batch-tags-str-not-list"),
    case(lambda w: w.client.batch_create_revisions(
        [{"item": HERO, "artifacts": {"name": "a", "location": "/x"}}]),
         ValidationError, "artifacts", "list", id="batch-artifacts-dict-not-list"),
    case(lambda w: w.client.batch_create_revisions([{"item": HERO}], idempotency_key=5),
         ValidationError, "idempotency_key", "int", id="batch-key-int"),
    case(lambda w: w.client.batch_create_revisions([{"item": HERO, "metadata": {"a": 1}}]),
         ValidationError, "'a'", "int", id="batch-metadata-int"),
    case(lambda w: w.kit.get_members("1"), ValidationError, "revision_number", "'1'",
         id="get-members-str"),
    case(lambda w: w.kit.add_member(5), KrefError, "member", "int", id="add-member-int"),
    case(lambda w: w.client.event_stream(routing_key_filter=5, timeout=0), ValidationError,
         "routing key filter", id="event-stream-routing-int"),
    case(lambda w: w.client.event_stream(kref_filter=["kref://show/**"], timeout=0),
         ValidationError, "kref filter", id="event-stream-kref-filter-list"),
    case(lambda w: w.client.event_stream(cursor=5, timeout=0), ValidationError, "cursor",
         id="event-stream-cursor-int"),
    case(lambda w: w.client.event_stream(timeout="1"), ValidationError, "timeout", "'1'",
         id="event-stream-timeout-str"),
    case(lambda w: w.client.event_stream(from_beginning="yes", timeout=0), ValidationError,
         "from_beginning", id="event-stream-from-beginning-str"),
    case(lambda w: w.client.event_stream(consumer_group=5, timeout=0), KrefError,
         "consumer group", "int", id="event-stream-group-int"),
    case(lambda w: splice.connect(5), ValidationError, "url", "int", id="connect-int"),
]


GRAMMAR = [
    case(lambda w: w.client.create_project("a.b"), KrefError, "'a.b'", id="project-name-dot"),
    case(lambda w: w.client.create_project(""), KrefError, "project name", "''",
         id="project-name-empty"),
    case(lambda w: w.client.create_project("a/b"), KrefError, "'a/b'", id="project-name-slash"),
    case(lambda w: w.client.create_project("sci fi"), KrefError, "'sci fi'",
         id="project-name-space"),
    case(lambda w: w.client.create_project("kref://x"), KrefError, "'kref://x'",
         id="project-name-kref"),
    case(lambda w: w.client.create_project("-x"), KrefError, "'-x'", id="project-name-dash-first"),
    # a trailing newline must not slip through a '$' in a pattern
    case(lambda w: w.client.create_project("x\n"), KrefError, "x\\n", id="project-name-newline"),
    case(lambda w: w.project.create_space("s\n"), KrefError, "s\\n", id="space-name-newline"),
    case(lambda w: w.chars.create_item("hero\n", "model"), KrefError, "hero\\n",
         id="item-name-newline"),
    case(lambda w: w.chars.create_item("new", "model\n"), KrefError, "model\\n",
         id="kind-newline"),
    case(lambda w: w.r2.tag("approved\n"), KrefError, "approved\\n", id="tag-newline"),
    case(lambda w: w.r2.create_artifact("mesh\n", "/mnt/x"), KrefError, "mesh\\n",
         id="artifact-name-newline"),
    case(lambda w: w.r1.create_edge(w.m1, "DEPENDS_ON\n"), ValidationError, "DEPENDS_ON\\n",
         id="edge-type-newline"),
    case(lambda w: w.client.create_project("x\ty"), KrefError, "x\\ty", id="project-name-tab"),
    case(lambda w: w.project.create_space(".."), KrefError, "'..'", id="space-name-dotdot"),
    case(lambda w: w.project.create_space("a b"), KrefError, "'a b'", id="space-name-space"),
    case(lambda w: w.project.create_space("v1.0"), KrefError, "'v1.0'", id="space-name-dot"),
    case(lambda w: w.project.create_space("a/b"), KrefError, "'a/b'", id="space-name-slash"),
    case(lambda w: w.chars.create_item("hero", "Model"), KrefError, "'Model'", id="kind-upper"),
    case(lambda w: w.chars.create_item("hero", "3d"), KrefError, "'3d'", id="kind-digit-first"),
    case(lambda w: w.chars.create_item("hero", "mo-del"), KrefError, "'mo-del'", id="kind-dash"),
    case(lambda w: w.chars.create_item("hero", ""), KrefError, "kind", "''", id="kind-empty"),
    case(lambda w: w.chars.create_item("hero", "bundle"), ValidationError, "bundle",
         "create_bundle", id="kind-bundle-reserved"),
    case(lambda w: w.chars.create_item("a/b", "model"), KrefError, "'a/b'", id="item-name-slash"),
    case(lambda w: w.chars.create_item("a..b", "model"), KrefError, "'a..b'",
         id="item-name-dotdot"),
    case(lambda w: w.chars.create_item(".hidden", "model"), KrefError, "'.hidden'",
         id="item-name-dot-first"),
    case(lambda w: w.chars.create_item("hero.", "model"), KrefError, "'hero.'",
         id="item-name-dot-last"),
    case(lambda w: w.chars.create_item("", "model"), KrefError, "item name", "''",
         id="item-name-empty"),
    case(lambda w: w.chars.create_item("he ro", "model"), KrefError, "'he ro'",
         id="item-name-space"),
    case(lambda w: w.project.create_bundle("a/b"), KrefError, "'a/b'", id="bundle-name-slash"),
    case(lambda w: w.r2.create_artifact("a/b", "/mnt/x"), KrefError, "'a/b'",
         id="artifact-name-slash"),
    case(lambda w: w.r2.create_artifact("a..b", "/mnt/x"), KrefError, "'a..b'",
         id="artifact-name-dotdot"),
    case(lambda w: w.r1.create_edge(w.m1, "depends_on"), ValidationError, "'depends_on'",
         id="edge-type-lower"),
    case(lambda w: w.r1.create_edge(w.m1, "1DEP"), ValidationError, "'1DEP'",
         id="edge-type-digit-first"),
    case(lambda w: w.r1.create_edge(w.m1, "DEPENDS-ON"), ValidationError, "'DEPENDS-ON'",
         id="edge-type-dash"),
    case(lambda w: w.r1.create_edge(w.m1, "A" * 51), ValidationError, "edge type", "50",
         id="edge-type-too-long"),
    case(lambda w: w.r1.create_edge(w.m1, ""), ValidationError, "edge type", "''",
         id="edge-type-empty"),
    case(lambda w: w.r1.get_edges("uses"), ValidationError, "'uses'", id="edge-filter-lower"),
    case(lambda w: w.r1.get_all_dependencies(3, ["DEPENDS_ON", "bad"]), ValidationError, "'bad'",
         id="traversal-filter-list-entry"),
    case(lambda w: w.r1.tag("a b"), KrefError, "'a b'", id="tag-space"),
    case(lambda w: w.r1.tag(""), KrefError, "tag", "''", id="tag-empty"),
    case(lambda w: w.r1.tag("latest"), ValidationError, "latest", id="tag-latest-by-hand"),
    case(lambda w: w.r2.untag("latest"), ValidationError, "latest", id="untag-latest"),
    case(lambda w: w.client.search(kind="Model"), KrefError, "'Model'", id="search-kind-upper"),
    case(lambda w: w.chars.get_item("x", "Model"), KrefError, "'Model'",
         id="get-item-kind-upper"),
    case(lambda w: w.client.get_item("kref://show/../x.model"), KrefError, "'..'",
         id="get-item-dotdot"),
    case(lambda w: w.client.get_space(HERO), ValidationError, "space", id="get-space-of-item"),
    case(lambda w: w.client.get_item("kref://show/chars"), ValidationError, "no item",
         id="get-item-of-space"),
    case(lambda w: w.client.get_bundle(HERO), ValidationError, "not a bundle",
         id="get-bundle-of-model"),
    case(lambda w: w.client.resolve("kref://show"), ValidationError, "no item",
         id="resolve-project"),
    case(lambda w: w.hero.set_attribute("", "x"), ValidationError, "key", "''",
         id="attribute-key-empty"),
    case(lambda w: w.hero.set_attribute("a\nb", "x"), ValidationError, "key", "control",
         id="attribute-key-control"),
    case(lambda w: w.client.event_stream(consumer_group="a b", timeout=0), KrefError, "'a b'",
         id="consumer-group-name"),
]


BAD_LOCATIONS = [
    ("hero.fbx", "absolute"),
    ("relative/hero.fbx", "absolute"),
    ("~/hero.fbx", "absolute"),
    ("./hero.fbx", "absolute"),
    ("http://cdn/hero.fbx", "'http'"),
    ("https://cdn/hero.fbx", "'https'"),
    ("ftp://nas/hero.fbx", "'ftp'"),
    ("javascript:alert(1)", "absolute"),
    ("s3://", "'s3'"),
    ("file://", "'file'"),
    ("", "empty"),
    ("   ", "empty"),
    ("/mnt/hero\n.fbx", "control"),
    ("/mnt/hero\x00.fbx", "control"),
]


@pytest.mark.parametrize(("location", "names"), BAD_LOCATIONS, ids=[repr(b[0]) for b in BAD_LOCATIONS])
def test_bad_locations_are_refused(world: World, location: str, names: str) -> None:
    err = assert_refused(world.client, lambda: world.r2.create_artifact("cache", location),
                         ValidationError, names)
    assert repr(location) in str(err) or "location" in str(err)
    # the batch path checks them the same way
    assert_refused(world.client, lambda: world.client.batch_create_revisions(
        [{"item": HERO, "artifacts": [{"name": "cache", "location": location}]}]),
        ValidationError, names)


@pytest.mark.parametrize(
    "location",
    [
        "file:///mnt/show/hero.fbx",
        "smb://studio-nas/projects/hero.fbx",
        "nfs://filer/vol/hero.fbx",
        "s3://bucket/show/hero.fbx",
        "gs://bucket/show/hero.fbx",
        "/mnt/show/hero.fbx",
        "C:\\show\\hero.fbx",
        "\\\\studio-nas\\show\\hero.fbx",
    ],
)
def test_good_locations_are_accepted(world: World, location: str) -> None:
    artifact = world.r2.create_artifact("cache", location)
    assert artifact.location == location
    assert world.client.resolve(f"{HERO}?r=2&a=cache") == location


MISSING = [
    case(lambda w: w.client.get_project("nope"), NotFoundError, "'nope'", id="project"),
    case(lambda w: w.client.get_space("kref://show/nope"), NotFoundError, "kref://show/nope",
         id="space"),
    case(lambda w: w.client.get_space("kref://nope/chars"), NotFoundError, "nope",
         id="space-in-missing-project"),
    case(lambda w: w.client.get_item("kref://show/chars/nope.model"), NotFoundError, "nope.model",
         id="item"),
    case(lambda w: w.client.get_item("kref://show/chars/heroes/hero.rig"), NotFoundError,
         "hero.rig", id="item-other-kind"),
    case(lambda w: w.hero.get_revision(99), NotFoundError, "r=99", id="revision-number"),
    case(lambda w: w.client.get_revision(f"{HERO}?t=approved"), NotFoundError, "t=approved",
         id="revision-tag"),
    case(lambda w: w.client.resolve(f"{HERO}?r=1&a=nope"), NotFoundError, "nope",
         id="resolve-artifact"),
    case(lambda w: w.client.resolve(f"{HERO}?r=2"), NotFoundError, "r=2",
         id="resolve-revision-without-artifacts"),
    case(lambda w: w.r1.get_artifact("nope"), NotFoundError, "nope", id="artifact"),
    case(lambda w: w.gone_space.create_space("x"), NotFoundError, "kref://show/gone",
         id="parent-space-of-space"),
    case(lambda w: w.gone_space.create_item("x", "model"), NotFoundError, "kref://show/gone",
         id="parent-space-of-item"),
    case(lambda w: w.gone_space.create_bundle("x"), NotFoundError, "kref://show/gone",
         id="parent-space-of-bundle"),
    case(lambda w: w.client.get_space("kref://show/nope/deeper"), NotFoundError,
         "kref://show/nope/deeper", id="nested-space"),
    case(lambda w: w.gone_item.create_revision(), NotFoundError, "gone.model",
         id="item-of-revision"),
    case(lambda w: w.gone_rev.create_artifact("x", "/mnt/x"), NotFoundError,
         "metal.texture?r=2", id="revision-of-artifact"),
    case(lambda w: w.gone_rev.tag("approved"), NotFoundError, "metal.texture?r=2",
         id="revision-of-tag"),
    case(lambda w: w.r1.create_edge(f"{METAL}?r=99", splice.DEPENDS_ON), NotFoundError, "r=99",
         id="edge-target"),
    case(lambda w: w.r1.create_edge(w.gone_rev, splice.DEPENDS_ON), NotFoundError,
         "metal.texture?r=2", id="edge-target-deleted"),
    case(lambda w: w.gone_rev.create_edge(w.r1, splice.DEPENDS_ON), NotFoundError,
         "metal.texture?r=2", id="edge-source-deleted"),
    case(lambda w: w.r1.delete_edge(w.m1, splice.DEPENDS_ON), NotFoundError, "DEPENDS_ON",
         id="edge-to-delete"),
    case(lambda w: w.r1.untag("approved"), NotFoundError, "'approved'", id="tag-to-remove"),
    case(lambda w: w.r1.set_default_artifact("nope"), NotFoundError, "'nope'",
         id="default-artifact"),
    case(lambda w: w.kit.add_member("kref://show/chars/nope.model"), NotFoundError, "nope.model",
         id="bundle-member-to-add"),
    case(lambda w: w.kit.remove_member(METAL), NotFoundError, "metal.texture",
         id="bundle-member-to-remove"),
    case(lambda w: w.client.set_attribute("kref://show/chars/nope.model", "a", "b"), NotFoundError,
         "nope.model", id="attribute-node"),
    case(lambda w: w.client.get_attribute("kref://nope", "a"), NotFoundError, "nope",
         id="attribute-project"),
    case(lambda w: w.client.search(under="kref://show/nope"), NotFoundError, "kref://show/nope",
         id="search-under"),
    case(lambda w: w.gone_item.delete(), NotFoundError, "gone.model", id="delete-twice"),
    case(lambda w: w.client.batch_create_revisions(
        [{"item": HERO}, {"item": "kref://show/chars/nope.model"}]), NotFoundError, "nope.model",
         id="batch-second-item"),
    case(lambda w: w.client.batch_create_revisions(
        [{"item": HERO, "edges": [{"target": f"{METAL}?r=99", "edge_type": "DEPENDS_ON"}]}]),
         NotFoundError, "r=99", id="batch-edge-target"),
]


DUPLICATES = [
    case(lambda w: w.client.create_project("show"), AlreadyExistsError, "'show'", id="project"),
    case(lambda w: w.project.create_space("chars"), AlreadyExistsError, "kref://show/chars",
         id="space"),
    case(lambda w: w.chars.create_space("heroes"), AlreadyExistsError, "heroes", id="nested-space"),
    case(lambda w: w.heroes.create_item("hero", "model"), AlreadyExistsError, "hero.model",
         id="item"),
    case(lambda w: w.project.create_bundle("kit"), AlreadyExistsError, "kit.bundle", id="bundle"),
    case(lambda w: w.r1.create_artifact("mesh", "/mnt/other.fbx"), AlreadyExistsError, "'mesh'",
         id="artifact"),
    case(lambda w: w.r2.create_edge(w.m1, splice.DEPENDS_ON), AlreadyExistsError, "DEPENDS_ON",
         id="edge"),
    case(lambda w: w.kit.add_member(w.hero), AlreadyExistsError, "hero.model", id="bundle-member"),
    case(lambda w: w.client.batch_create_revisions(
        [{"item": HERO, "artifacts": [{"name": "a", "location": "/x"},
                                      {"name": "a", "location": "/y"}]}]),
         ValidationError, "twice", id="batch-artifact-twice"),
]


IMMUTABLE = [
    case(lambda w: w.pub.set_metadata({"notes": "changed"}), ImmutableError, "published",
         id="revision-metadata"),
    case(lambda w: w.pub.set_attribute("notes", "changed"), ImmutableError, "published",
         id="revision-attribute"),
    case(lambda w: w.pub.delete_attribute("notes"), ImmutableError, "published",
         id="revision-attribute-delete"),
    case(lambda w: w.pub.create_artifact("extra", "/mnt/x"), ImmutableError, "published",
         id="artifact-add"),
    case(lambda w: w.exr.set_metadata({"size": "1"}), ImmutableError, "published",
         id="artifact-metadata"),
    case(lambda w: w.exr.delete(), ImmutableError, "published", id="artifact-delete"),
    case(lambda w: w.pub.set_default_artifact("exr"), ImmutableError, "published",
         id="default-artifact"),
    case(lambda w: w.pub.create_edge(w.r1, splice.DEPENDS_ON), ImmutableError, "published",
         id="edge-add"),
    case(lambda w: w.pub.delete_edge(w.m1, splice.DEPENDS_ON), ImmutableError, "published",
         id="edge-delete"),
    case(lambda w: w.pub.delete(), ImmutableError, "published", id="revision-delete"),
    case(lambda w: w.plate.delete(force=True), ImmutableError, "published", id="item-delete"),
    case(lambda w: w.project.delete(force=True), ImmutableError, "published",
         id="project-delete"),
    case(lambda w: w.pub.untag("published"), ImmutableError, "published", id="untag-published"),
    case(lambda w: w.m1.delete(), ImmutableError, "published", id="dependency-of-published"),
]


CONFLICTS = [
    case(lambda w: w.project.delete(), ConflictError, "kref://show", "force", id="project"),
    case(lambda w: w.chars.delete(), ConflictError, "kref://show/chars", "force", id="space"),
    case(lambda w: w.hero.delete(), ConflictError, "hero.model", "force", id="item"),
]


BAD_VALUES = [
    case(lambda w: w.r2.get_edges(direction=3), ValidationError, "direction", "3",
         id="direction-3"),
    case(lambda w: w.r2.get_edges(direction=-1), ValidationError, "direction", "-1",
         id="direction-negative"),
    case(lambda w: w.r2.get_edges(direction="out"), ValidationError, "direction", "'out'",
         id="direction-str"),
    case(lambda w: w.r2.get_edges(direction=None), ValidationError, "direction", "None",
         id="direction-none"),
    case(lambda w: w.r2.get_edges(direction=True), ValidationError, "direction", "True",
         id="direction-bool"),
    case(lambda w: w.r2.get_all_dependencies(0), ValidationError, "max_depth", "0",
         id="deps-depth-0"),
    case(lambda w: w.r2.get_all_dependencies(-1), ValidationError, "max_depth", "-1",
         id="deps-depth-negative"),
    case(lambda w: w.r2.get_all_dependencies("2"), ValidationError, "max_depth", "'2'",
         id="deps-depth-str"),
    case(lambda w: w.r2.get_all_dependencies(2.5), ValidationError, "max_depth", "2.5",
         id="deps-depth-float"),
    case(lambda w: w.r2.get_all_dependencies(None), ValidationError, "max_depth", "None",
         id="deps-depth-none"),
    case(lambda w: w.m1.get_all_dependents(0), ValidationError, "max_depth", "0",
         id="dependents-depth-0"),
    case(lambda w: w.m1.get_all_dependents(-5), ValidationError, "max_depth", "-5",
         id="dependents-depth-negative"),
    case(lambda w: w.r2.find_path_to(w.m1, max_depth=0), ValidationError, "max_depth", "0",
         id="path-depth-0"),
    case(lambda w: w.m1.analyze_impact(max_depth=0), ValidationError, "max_depth", "0",
         id="impact-depth-0"),
    case(lambda w: w.m1.get_all_dependents(3, limit=0), ValidationError, "limit", "0",
         id="limit-0"),
    case(lambda w: w.m1.get_all_dependents(3, limit=-1), ValidationError, "limit", "-1",
         id="limit-negative"),
    case(lambda w: w.m1.get_all_dependents(3, limit="5"), ValidationError, "limit", "'5'",
         id="limit-str"),
    case(lambda w: w.m1.get_all_dependents(3, limit=1.5), ValidationError, "limit", "1.5",
         id="limit-float"),
    case(lambda w: w.m1.get_all_dependents(3, limit=True), ValidationError, "limit", "True",
         id="limit-bool"),
    case(lambda w: w.m1.analyze_impact(limit=0), ValidationError, "limit", "0",
         id="impact-limit-0"),
    case(lambda w: w.client.search(limit=0), ValidationError, "limit", "0", id="search-limit-0"),
    case(lambda w: w.client.search(limit=-3), ValidationError, "limit", "-3",
         id="search-limit-negative"),
    case(lambda w: w.kit.get_members(0), ValidationError, "revision_number", "0",
         id="members-revision-0"),
    case(lambda w: w.hero.get_revision(0), ValidationError, "revision number", "0",
         id="revision-0"),
    case(lambda w: w.hero.get_revision(-1), ValidationError, "revision number", "-1",
         id="revision-negative"),
    case(lambda w: w.hero.get_revision_by_time("yesterday"), ValidationError, "'yesterday'",
         id="time-word"),
    case(lambda w: w.hero.get_revision_by_time("202413011200", "published"), ValidationError,
         "'202413011200'", id="time-month-13"),
    case(lambda w: w.hero.get_revision_by_time("202402301200"), ValidationError,
         "'202402301200'", id="time-feb-30"),
    case(lambda w: w.hero.get_revision_by_time("2024-06-01 25:00"), ValidationError,
         "'2024-06-01 25:00'", id="time-hour-25"),
    case(lambda w: w.hero.get_revision_by_time(20240601), ValidationError, "time", "int",
         id="time-int"),
    case(lambda w: w.hero.get_revision_by_time(None), ValidationError, "time", "NoneType",
         id="time-none"),
    case(lambda w: w.r1.was_tagged("latest", "soon"), ValidationError, "'soon'",
         id="was-tagged-time"),
    case(lambda w: w.client.get_revision(f"{HERO}?t=published&time=notatime"), KrefError,
         "'notatime'", id="kref-time"),
    case(lambda w: w.kit.add_member(w.kit), ValidationError, "itself", id="bundle-holds-itself"),
    case(lambda w: w.inner.add_member(w.kit), ValidationError, "itself",
         id="bundle-holds-itself-nested"),
    case(lambda w: w.kit.create_revision(), ValidationError, "bundle", "add_member",
         id="bundle-revision-by-hand"),
    case(lambda w: w.r1.create_edge(w.r1, splice.DEPENDS_ON), ValidationError, "itself",
         id="edge-to-itself"),
    case(lambda w: w.client.event_stream(routing_key_filter="Revision.*", timeout=0),
         ValidationError, "'Revision'", id="routing-filter-upper"),
    case(lambda w: w.client.event_stream(routing_key_filter="revision..created", timeout=0),
         ValidationError, "routing key filter", id="routing-filter-empty-word"),
    case(lambda w: w.client.event_stream(routing_key_filter="revision.cre*", timeout=0),
         ValidationError, "'cre*'", id="routing-filter-partial-wildcard"),
    case(lambda w: w.client.event_stream(kref_filter="show/**", timeout=0), ValidationError,
         "kref://", id="kref-filter-no-scheme"),
    case(lambda w: w.client.event_stream(cursor="abc", timeout=0), ValidationError, "'abc'",
         id="cursor-word"),
    case(lambda w: w.client.event_stream(cursor="-1", timeout=0), ValidationError, "'-1'",
         id="cursor-negative"),
    case(lambda w: w.client.event_stream(timeout=-1), ValidationError, "timeout", "-1",
         id="timeout-negative"),
]


def _run(world: World, fn: Callable[[World], object], error: type[SpliceError],
         names: tuple[str, ...]) -> None:
    assert_refused(world.client, lambda: fn(world), error, *names)


@pytest.mark.parametrize(("fn", "error", "names"), WRONG_TYPES)
def test_wrong_types(world: World, fn, error, names) -> None:
    _run(world, fn, error, names)


@pytest.mark.parametrize(("fn", "error", "names"), GRAMMAR)
def test_names_kinds_edge_types_tags_out_of_grammar(world: World, fn, error, names) -> None:
    _run(world, fn, error, names)


@pytest.mark.parametrize(("fn", "error", "names"), MISSING)
def test_missing_things(world: World, fn, error, names) -> None:
    _run(world, fn, error, names)


@pytest.mark.parametrize(("fn", "error", "names"), DUPLICATES)
def test_duplicates(world: World, fn, error, names) -> None:
    _run(world, fn, error, names)


@pytest.mark.parametrize(("fn", "error", "names"), IMMUTABLE)
def test_published_revisions_are_immutable(world: World, fn, error, names) -> None:
    _run(world, fn, error, names)


@pytest.mark.parametrize(("fn", "error", "names"), CONFLICTS)
def test_conflicts(world: World, fn, error, names) -> None:
    _run(world, fn, error, names)


@pytest.mark.parametrize(("fn", "error", "names"), BAD_VALUES)
def test_bad_values(world: World, fn, error, names) -> None:
    _run(world, fn, error, names)


def test_module_level_functions_validate_too(world: World) -> None:
    c = world.client
    assert_refused(c, lambda: splice.create_project("a b"), KrefError, "'a b'")
    assert_refused(c, lambda: splice.create_project("show"), AlreadyExistsError, "'show'")
    assert_refused(c, lambda: splice.get_project("nope"), NotFoundError, "'nope'")
    assert_refused(c, lambda: splice.get_item("kref://show//x.model"), KrefError, "empty")
    assert_refused(c, lambda: splice.resolve(f"{HERO}?x=1"), KrefError, "'x'")
    assert_refused(c, lambda: splice.set_attribute(HERO, "k", 1), ValidationError, "int")
    assert_refused(c, lambda: splice.search(limit=0), ValidationError, "limit")
    assert_refused(c, lambda: splice.batch_create_revisions([{"nope": 1}]), ValidationError,
                   "'nope'")
    assert_refused(c, lambda: splice.event_stream(cursor="x", timeout=0), ValidationError,
                   "cursor")


def test_a_failed_batch_writes_nothing_and_burns_no_numbers(world: World) -> None:
    before = world.hero.peek_next_revision()
    metal_before = world.metal.peek_next_revision()
    assert_refused(world.client, lambda: world.client.batch_create_revisions([
        {"item": HERO, "artifacts": [{"name": "mesh", "location": "/mnt/a.fbx"}]},
        {"item": METAL, "tags": ["approved"]},
        {"item": HERO, "edges": [{"target": f"{PLATE}?r=7", "edge_type": "DEPENDS_ON"}]},
    ]), NotFoundError, "r=7")
    assert world.hero.peek_next_revision() == before
    assert world.metal.peek_next_revision() == metal_before
    assert world.hero.get_revision_by_tag("approved") is None
    assert world.metal.get_revision_by_tag("approved") is None
    # the same batch, fixed, goes through and gets the numbers the failed one did not use
    made = world.client.batch_create_revisions([
        {"item": HERO, "artifacts": [{"name": "mesh", "location": "/mnt/a.fbx"}]},
        {"item": METAL, "tags": ["approved"]},
    ])
    assert [r.number for r in made] == [before, metal_before]


def test_idempotency_key_reused_for_another_batch_is_a_conflict(world: World) -> None:
    first = world.client.batch_create_revisions([{"item": HERO}], idempotency_key="job-42")
    again = world.client.batch_create_revisions([{"item": HERO}], idempotency_key="job-42")
    assert [r.kref for r in again] == [r.kref for r in first]
    assert_refused(world.client, lambda: world.client.batch_create_revisions(
        [{"item": METAL}], idempotency_key="job-42"), ConflictError, "job-42")


def test_forced_delete_is_all_or_nothing(world: World) -> None:
    # chars holds hero (deletable) and metal, a dependency of the published plate:
    # the forced delete must fail as a whole, leaving hero and its events alone
    assert_refused(world.client, lambda: world.chars.delete(force=True), ImmutableError,
                   "published")
    assert world.client.get_item(HERO).get_revision(1).get_artifact("mesh").location == (
        "/mnt/show/hero_v1.fbx"
    )


def test_errors_carry_codes_and_one_base_class() -> None:
    codes = {
        KrefError: "kref", ValidationError: "validation", NotFoundError: "not_found",
        AlreadyExistsError: "already_exists", ImmutableError: "immutable",
        ConflictError: "conflict",
    }
    for cls, code in codes.items():
        assert issubclass(cls, SpliceError)
        assert cls.code == code
    assert issubclass(KrefError, ValidationError)
    assert issubclass(NotFoundError, LookupError)
    assert re.match(r"^\w+$", splice.errors.SchemaError.code)
