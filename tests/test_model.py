"""Contract: projects, spaces, items, revisions, artifacts, metadata and search."""

from __future__ import annotations

from datetime import datetime

import pytest
from model_support import dump, events

import splice
from splice.errors import (
    AlreadyExistsError,
    KrefError,
    NotFoundError,
    ValidationError,
)


@pytest.fixture
def show(client: splice.Client) -> splice.Project:
    return client.create_project("show", "A test show", {"client": "acme"})


@pytest.fixture
def hero(show: splice.Project) -> splice.Item:
    return show.create_space("chars").create_item("hero", "model")


def _set(items: list[splice.Item]) -> set[str]:
    """Krefs of a search result (the order of results is not part of the contract)."""
    return {str(i.kref) for i in items}


# -- projects -----------------------------------------------------------------
def test_project_is_created_with_its_fields(client: splice.Client) -> None:
    project = client.create_project("sci-fi-short", "Sci-fi short film VFX assets", {"fps": "24"})
    assert project.name == "sci-fi-short"
    assert project.description == "Sci-fi short film VFX assets"
    assert project.kref == "kref://sci-fi-short"
    assert isinstance(project.kref, splice.Kref)
    assert project.metadata == {"fps": "24"}
    assert project.author == "tester"
    datetime.fromisoformat(project.created_at.replace("Z", "+00:00"))

    again = client.get_project("sci-fi-short")
    assert again == project
    assert (again.name, again.description, again.metadata) == (
        project.name,
        project.description,
        {"fps": "24"},
    )
    assert client.get_project("kref://sci-fi-short") == project


def test_module_level_project_functions_use_the_default_client(client: splice.Client) -> None:
    made = splice.create_project(name="zeta", description="last")
    splice.create_project("alpha")
    assert [p.name for p in splice.get_projects()] == ["alpha", "zeta"]
    assert splice.get_project("zeta") == made
    assert [p.name for p in client.get_projects()] == ["alpha", "zeta"]


def test_duplicate_project_is_refused_and_changes_nothing(
    client: splice.Client, show: splice.Project
) -> None:
    before = dump(client)
    with pytest.raises(AlreadyExistsError, match="show"):
        client.create_project("show", "another")
    assert dump(client) == before
    assert client.get_project("show").description == "A test show"


def test_missing_project_is_not_found(client: splice.Client) -> None:
    with pytest.raises(NotFoundError, match="nowhere"):
        client.get_project("nowhere")


def test_project_set_metadata_merges_and_persists(client: splice.Client, show: splice.Project) -> None:
    merged = show.set_metadata({"fps": "24"})
    assert merged == {"client": "acme", "fps": "24"}
    assert show.metadata == merged
    assert client.get_project("show").metadata == {"client": "acme", "fps": "24"}


# -- spaces -------------------------------------------------------------------
def test_spaces_nest_to_any_depth(client: splice.Client, show: splice.Project) -> None:
    chain = [show.create_space("shots")]
    for name in ("sq010", "sh010", "lighting", "passes", "beauty"):
        chain.append(chain[-1].create_space(name))
    deepest = chain[-1]
    assert deepest.kref == "kref://show/shots/sq010/sh010/lighting/passes/beauty"
    assert deepest.path == "/show/shots/sq010/sh010/lighting/passes/beauty"
    assert deepest.name == "beauty"
    assert deepest.get_project() == show

    # reachable by kref, by relative path, and step by step
    assert splice.get_space("kref://show/shots/sq010/sh010/lighting/passes/beauty") == deepest
    assert show.get_space("shots/sq010/sh010/lighting/passes/beauty") == deepest
    assert chain[1].get_space("sh010/lighting") == chain[3]

    # walk back up: each parent in turn, then None at the top
    walked = []
    node: splice.Space | None = deepest
    while node is not None:
        walked.append(node)
        node = node.get_parent_space()
    assert walked == list(reversed(chain))

    # items live at any depth too
    item = deepest.create_item("sh010_beauty", "render")
    assert item.kref == "kref://show/shots/sq010/sh010/lighting/passes/beauty/sh010_beauty.render"
    assert item.get_space() == deepest


def test_child_spaces_are_direct_children_only(client: splice.Client, show: splice.Project) -> None:
    chars = show.create_space("chars")
    props = show.create_space("props")
    heroes = chars.create_space("heroes")
    villains = chars.create_space("villains")
    heroes.create_space("robots")

    assert sorted(s.path for s in chars.get_child_spaces()) == ["/show/chars/heroes", "/show/chars/villains"]
    assert [s.name for s in heroes.get_child_spaces()] == ["robots"]
    assert villains.get_child_spaces() == []
    assert {str(s.kref) for s in show.get_spaces()} == {chars.kref, props.kref}
    assert sorted(s.path for s in show.get_spaces(recursive=True)) == [
        "/show/chars",
        "/show/chars/heroes",
        "/show/chars/heroes/robots",
        "/show/chars/villains",
        "/show/props",
    ]
    assert chars.get_parent_space() is None
    assert heroes.get_parent_space() == chars


def test_same_space_name_under_different_parents(show: splice.Project) -> None:
    a = show.create_space("a").create_space("common")
    b = show.create_space("b").create_space("common")
    assert a.kref != b.kref
    assert (a.path, b.path) == ("/show/a/common", "/show/b/common")


def test_space_metadata_at_creation_and_after(client: splice.Client, show: splice.Project) -> None:
    space = show.create_space("chars", metadata={"supervisor": "mika"})
    assert space.metadata == {"supervisor": "mika"}
    space.set_metadata({"department": "modeling"})
    assert client.get_space("kref://show/chars").metadata == {"supervisor": "mika", "department": "modeling"}


def test_duplicate_space_is_refused_and_changes_nothing(client: splice.Client, show: splice.Project) -> None:
    show.create_space("chars")
    before = dump(client)
    with pytest.raises(AlreadyExistsError, match="kref://show/chars"):
        show.create_space("chars")
    assert dump(client) == before


def test_space_under_missing_parent_is_refused(client: splice.Client, show: splice.Project) -> None:
    with pytest.raises(NotFoundError, match="nowhere"):
        client.get_space("kref://show/nowhere")
    with pytest.raises(NotFoundError, match="elsewhere"):
        client.get_space("kref://elsewhere/chars")
    ghost = show.create_space("ghost")
    ghost.delete()
    before = dump(client)
    with pytest.raises(NotFoundError, match="ghost"):
        ghost.create_space("child")
    assert dump(client) == before


# -- items --------------------------------------------------------------------
def test_item_is_created_and_found(client: splice.Client, show: splice.Project) -> None:
    chars = show.create_space("chars")
    item = chars.create_item(item_name="hero-robot", kind="model", metadata={"status": "wip"})
    assert (item.name, item.item_name, item.kind) == ("hero-robot", "hero-robot", "model")
    assert item.kref == "kref://show/chars/hero-robot.model"
    assert item.metadata == {"status": "wip"}
    assert item.author == "tester"
    assert item.deprecated is False
    assert item.get_space() == chars
    assert item.get_project() == show

    assert chars.get_item("hero-robot", "model") == item
    assert splice.get_item("kref://show/chars/hero-robot.model") == item
    # a revision kref names the same item
    assert splice.get_item("kref://show/chars/hero-robot.model?r=3") == item
    # items directly under the project
    top = show.create_item("notes", "doc")
    assert top.kref == "kref://show/notes.doc"
    assert top.get_space() is None
    assert show.get_item("notes", "doc") == top


def test_same_name_different_kind_are_different_items(show: splice.Project) -> None:
    chars = show.create_space("chars")
    model = chars.create_item("hero", "model")
    rig = chars.create_item("hero", "rig")
    assert model != rig
    assert chars.get_item("hero", "rig").kind == "rig"


def test_duplicate_item_is_refused_and_changes_nothing(client: splice.Client, hero: splice.Item) -> None:
    before = dump(client)
    with pytest.raises(AlreadyExistsError, match=r"hero\.model"):
        hero.get_space().create_item("hero", "model")
    assert dump(client) == before


def test_missing_item_is_not_found(client: splice.Client, show: splice.Project) -> None:
    show.create_space("chars")
    with pytest.raises(NotFoundError, match=r"ghost\.model"):
        show.get_space("chars").get_item("ghost", "model")
    with pytest.raises(NotFoundError, match=r"ghost\.model"):
        splice.get_item("kref://show/chars/ghost.model")


def test_kind_bundle_is_reserved_for_create_bundle(client: splice.Client, show: splice.Project) -> None:
    chars = show.create_space("chars")
    before = dump(client)
    with pytest.raises(ValidationError, match="create_bundle"):
        chars.create_item("pack", "bundle")
    with pytest.raises(ValidationError, match="bundle"):
        show.create_item("pack", "bundle")
    assert dump(client) == before
    bundle = chars.create_bundle("pack")
    assert isinstance(bundle, splice.Bundle)
    assert bundle.kind == "bundle"
    assert isinstance(splice.get_item("kref://show/chars/pack.bundle"), splice.Bundle)


def test_get_items_filters(client: splice.Client, show: splice.Project) -> None:
    chars = show.create_space("chars")
    heroes = chars.create_space("heroes")
    robot = chars.create_item("robot", "model", {"status": "approved"})
    robot_rig = chars.create_item("robot", "rig", {"status": "wip"})
    rover = chars.create_item("rover", "model", {"status": "wip"})
    alien = chars.create_item("alien", "model")
    deep = heroes.create_item("robot-b", "model", {"status": "approved"})

    assert _set(chars.get_items()) == _set([alien, robot, robot_rig, rover])
    assert _set(chars.get_items(name_filter="ro*")) == _set([robot, robot_rig, rover])
    assert _set(chars.get_items(name_filter="r?ver")) == _set([rover])
    assert _set(chars.get_items(name_filter="robot")) == _set([robot, robot_rig])
    assert _set(chars.get_items(kind_filter="model")) == _set([alien, robot, rover])
    assert _set(chars.get_items(name_filter="ro*", kind_filter="model")) == _set([robot, rover])
    assert _set(chars.get_items(metadata_filter={"status": "wip"})) == _set([robot_rig, rover])
    assert _set(chars.get_items(recursive=True, name_filter="robot*")) == _set([deep, robot, robot_rig])
    approved = chars.get_items(recursive=True, metadata_filter={"status": "approved"})
    assert _set(approved) == _set([deep, robot])
    assert _set(heroes.get_items()) == _set([deep])
    assert _set(chars.get_items(name_filter="nothing*")) == _set([])

    rover.set_deprecated()
    assert _set(chars.get_items(kind_filter="model", include_deprecated=False)) == _set([alien, robot])
    assert rover in chars.get_items(kind_filter="model")


# -- revisions ----------------------------------------------------------------
def test_revisions_are_numbered_from_one(client: splice.Client, hero: splice.Item) -> None:
    assert hero.get_revisions() == []
    assert hero.get_latest_revision() is None
    assert hero.peek_next_revision() == 1

    r1 = hero.create_revision()
    r2 = hero.create_revision(metadata={"artist": "jane", "render_engine": "arnold"})
    r3 = hero.create_revision({"notes": "Added facial rigging for dialogue"})

    assert [r.number for r in (r1, r2, r3)] == [1, 2, 3]
    assert r2.kref == "kref://show/chars/hero.model?r=2"
    assert r2.item_kref == hero.kref
    assert r2.get_item() == hero
    assert r1.metadata == {}
    assert r2.metadata == {"artist": "jane", "render_engine": "arnold"}
    assert r3.author == "tester"
    assert r1.created_at <= r2.created_at <= r3.created_at
    assert hero.peek_next_revision() == 4

    assert [r.number for r in hero.get_revisions()] == [1, 2, 3]
    assert hero.get_revision(2) == r2
    assert hero.get_revision(2).metadata == {"artist": "jane", "render_engine": "arnold"}
    latest = hero.get_latest_revision()
    assert latest is not None and latest.number == 3
    assert splice.get_revision("kref://show/chars/hero.model").number == 3
    assert splice.get_revision("kref://show/chars/hero.model?r=1") == r1


def test_peek_next_revision_writes_nothing(client: splice.Client, hero: splice.Item) -> None:
    hero.create_revision()
    before = dump(client)
    assert hero.peek_next_revision() == 2
    assert hero.peek_next_revision() == 2
    assert dump(client) == before
    assert hero.create_revision().number == 2


def test_revision_numbers_are_per_item(show: splice.Project) -> None:
    chars = show.create_space("chars")
    a = chars.create_item("a", "model")
    b = chars.create_item("b", "model")
    a.create_revision()
    a.create_revision()
    assert b.create_revision().number == 1
    assert a.create_revision().number == 3


def test_missing_revision_is_not_found(hero: splice.Item) -> None:
    hero.create_revision()
    with pytest.raises(NotFoundError, match="r=7"):
        hero.get_revision(7)
    with pytest.raises(NotFoundError, match="r=7"):
        splice.get_revision("kref://show/chars/hero.model?r=7")


def test_revision_on_missing_item_is_refused(client: splice.Client, hero: splice.Item) -> None:
    hero.delete()
    before = dump(client)
    with pytest.raises(NotFoundError, match=r"hero\.model"):
        hero.create_revision()
    assert dump(client) == before


def test_revision_metadata_set_after_creation(client: splice.Client, hero: splice.Item) -> None:
    rev = hero.create_revision({"artist": "jane"})
    assert rev.set_metadata({"notes": "fixed"}) == {"artist": "jane", "notes": "fixed"}
    assert rev.set_metadata({"artist": "joe"}) == {"artist": "joe", "notes": "fixed"}
    assert hero.get_revision(1).metadata == {"artist": "joe", "notes": "fixed"}


def test_deprecation_of_items_and_revisions(client: splice.Client, hero: splice.Item) -> None:
    r1 = hero.create_revision()
    r2 = hero.create_revision()
    r1.set_deprecated()
    assert r1.deprecated is True
    assert hero.get_revision(1).deprecated is True
    assert hero.get_revision(2).deprecated is False
    assert [r.number for r in hero.get_revisions()] == [1, 2]  # still listed
    r1.set_deprecated(False)
    assert hero.get_revision(1).deprecated is False
    assert r2.deprecated is False

    hero.set_deprecated(True)
    assert hero.deprecated is True
    assert splice.get_item(hero.kref).deprecated is True
    assert client.search(kind="model", include_deprecated=False) == []
    assert client.search(kind="model") == [hero]
    hero.set_deprecated(False)
    assert splice.get_item(hero.kref).deprecated is False
    assert client.search(kind="model", include_deprecated=False) == [hero]


# -- artifacts ----------------------------------------------------------------
def test_artifacts_of_a_revision(client: splice.Client, hero: splice.Item) -> None:
    rev = hero.create_revision()
    mesh = rev.create_artifact(
        name="hero_robot_v3.fbx",
        location="smb://studio-nas/projects/scifi/hero_robot_v3.fbx",
        metadata={"format": "fbx"},
    )
    proxy = rev.create_artifact("proxy", "/mnt/projects/scifi/hero_proxy.abc")
    assert mesh.name == "hero_robot_v3.fbx"
    assert mesh.location == "smb://studio-nas/projects/scifi/hero_robot_v3.fbx"
    assert mesh.metadata == {"format": "fbx"}
    assert mesh.kref == "kref://show/chars/hero.model?r=1&a=hero_robot_v3.fbx"
    assert mesh.revision_kref == rev.kref
    assert mesh.get_revision() == rev
    assert mesh.author == "tester"

    assert rev.get_artifact("proxy") == proxy
    assert rev.get_artifact("proxy").location == "/mnt/projects/scifi/hero_proxy.abc"
    assert sorted(a.name for a in rev.get_artifacts()) == ["hero_robot_v3.fbx", "proxy"]
    assert sorted(rev.get_locations()) == [
        "/mnt/projects/scifi/hero_proxy.abc",
        "smb://studio-nas/projects/scifi/hero_robot_v3.fbx",
    ]
    assert splice.get_artifact("kref://show/chars/hero.model?r=1&a=proxy") == proxy
    assert splice.resolve("kref://show/chars/hero.model?r=1&a=proxy") == "/mnt/projects/scifi/hero_proxy.abc"

    with pytest.raises(NotFoundError, match="nope"):
        rev.get_artifact("nope")


def test_first_artifact_is_the_default_until_changed(client: splice.Client, hero: splice.Item) -> None:
    rev = hero.create_revision()
    assert rev.default_artifact is None
    with pytest.raises(NotFoundError):
        splice.get_artifact(rev.kref)
    rev.create_artifact("mesh", "/mnt/a/mesh.fbx")
    rev.create_artifact("cache", "/mnt/a/cache.abc")
    assert hero.get_revision(1).default_artifact == "mesh"
    assert splice.get_artifact(rev.kref).name == "mesh"
    assert splice.resolve(rev.kref) == "/mnt/a/mesh.fbx"
    assert splice.resolve(hero.kref) == "/mnt/a/mesh.fbx"  # latest revision, default artifact

    rev.set_default_artifact("cache")
    assert rev.default_artifact == "cache"
    assert hero.get_revision(1).default_artifact == "cache"
    assert splice.resolve(rev.kref) == "/mnt/a/cache.abc"

    before = dump(client)
    with pytest.raises(NotFoundError, match="missing"):
        rev.set_default_artifact("missing")
    assert dump(client) == before


def test_duplicate_artifact_is_refused_and_changes_nothing(client: splice.Client, hero: splice.Item) -> None:
    rev = hero.create_revision()
    rev.create_artifact("mesh", "/mnt/a/mesh.fbx")
    before = dump(client)
    with pytest.raises(AlreadyExistsError, match="mesh"):
        rev.create_artifact("mesh", "/mnt/b/other.fbx")
    assert dump(client) == before
    assert splice.resolve(rev.kref) == "/mnt/a/mesh.fbx"


def test_same_artifact_name_in_different_revisions(hero: splice.Item) -> None:
    r1 = hero.create_revision()
    r2 = hero.create_revision()
    r1.create_artifact("mesh", "/mnt/v1/mesh.fbx")
    r2.create_artifact("mesh", "/mnt/v2/mesh.fbx")
    assert splice.resolve("kref://show/chars/hero.model?r=1&a=mesh") == "/mnt/v1/mesh.fbx"
    assert splice.resolve("kref://show/chars/hero.model?a=mesh") == "/mnt/v2/mesh.fbx"


@pytest.mark.parametrize(
    "location",
    [
        "file:///mnt/studio/projects/hero.fbx",
        "smb://studio-nas/projects/scifi/hero_robot_v3.fbx",
        "nfs://filer01/export/show/hero.fbx",
        "s3://studio-bucket/show/hero.fbx",
        "gs://studio-bucket/show/hero.fbx",
        "/mnt/projects/scifi/hero.fbx",
    ],
)
def test_location_schemes_allowed(hero: splice.Item, location: str) -> None:
    rev = hero.create_revision()
    assert rev.create_artifact("mesh", location).location == location
    assert splice.resolve(rev.kref) == location


@pytest.mark.parametrize(
    "location",
    [
        "http://example.com/hero.fbx",
        "https://example.com/hero.fbx",
        "ftp://filer/hero.fbx",
        "relative/path/hero.fbx",
        "hero.fbx",
        "",
    ],
)
def test_location_schemes_refused(client: splice.Client, hero: splice.Item, location: str) -> None:
    rev = hero.create_revision()
    before = dump(client)
    with pytest.raises(ValidationError, match=r"location.*(s3://|absolute path|empty)"):
        rev.create_artifact("mesh", location)
    assert dump(client) == before
    assert rev.get_artifacts() == []


# -- metadata and attributes on every node ------------------------------------
NODE_TYPES = ["project", "space", "item", "bundle", "revision", "artifact"]


def _node(kind: str, show: splice.Project):
    chars = show.create_space("chars")
    item = chars.create_item("hero", "model")
    rev = item.create_revision()
    art = rev.create_artifact("mesh", "/mnt/a/mesh.fbx")
    return {
        "project": show,
        "space": chars,
        "item": item,
        "bundle": chars.create_bundle("pack"),
        "revision": rev,
        "artifact": art,
    }[kind]


def _reload(client: splice.Client, kind: str, kref: splice.Kref):
    return {
        "project": lambda: client.get_project(kref),
        "space": lambda: client.get_space(kref),
        "item": lambda: client.get_item(kref),
        "bundle": lambda: client.get_bundle(kref),
        "revision": lambda: client.get_revision(kref),
        "artifact": lambda: client.get_artifact(kref),
    }[kind]()


@pytest.mark.parametrize("kind", NODE_TYPES)
def test_set_metadata_on_every_node_type(client: splice.Client, show: splice.Project, kind: str) -> None:
    node = _node(kind, show)
    base = dict(node.metadata)
    merged = node.set_metadata({"department": "modeling", "status": "wip"})
    assert merged == {**base, "department": "modeling", "status": "wip"}
    node.set_metadata({"status": "approved"})
    assert _reload(client, kind, node.kref).metadata == {
        **base,
        "department": "modeling",
        "status": "approved",
    }
    assert node.metadata == {**base, "department": "modeling", "status": "approved"}


@pytest.mark.parametrize("kind", NODE_TYPES)
def test_attributes_on_every_node_type(client: splice.Client, show: splice.Project, kind: str) -> None:
    node = _node(kind, show)
    assert node.get_attribute("department") is None
    node.set_attribute("department", "modeling")
    node.set_attribute("old_field", "x")
    assert node.get_attribute("department") == "modeling"
    assert node.metadata["department"] == "modeling"
    assert _reload(client, kind, node.kref).metadata["department"] == "modeling"

    node.set_attribute("department", "lighting")  # overwrite
    assert node.get_attribute("department") == "lighting"

    assert node.delete_attribute("old_field") is True
    assert node.delete_attribute("old_field") is False
    assert node.get_attribute("old_field") is None
    assert "old_field" not in node.metadata
    assert "old_field" not in _reload(client, kind, node.kref).metadata
    assert _reload(client, kind, node.kref).metadata["department"] == "lighting"


@pytest.mark.parametrize("kind", NODE_TYPES)
def test_attributes_by_kref_at_module_level(client: splice.Client, show: splice.Project, kind: str) -> None:
    kref = _node(kind, show).kref
    assert splice.get_attribute(kref, "priority") is None
    splice.set_attribute(kref, "priority", "high")
    assert splice.get_attribute(kref, "priority") == "high"
    assert splice.get_attribute(str(kref), "priority") == "high"
    assert _reload(client, kind, kref).metadata["priority"] == "high"
    assert splice.delete_attribute(kref, "priority") is True
    assert splice.delete_attribute(kref, "priority") is False
    assert splice.get_attribute(kref, "priority") is None
    assert "priority" not in _reload(client, kind, kref).metadata


def test_attributes_by_tag_kref_reach_the_tagged_revision(client: splice.Client, hero: splice.Item) -> None:
    hero.create_revision()
    hero.create_revision().tag("approved")
    hero.create_revision()
    splice.set_attribute("kref://show/chars/hero.model?t=approved", "review", "ok")
    assert hero.get_revision(2).metadata == {"review": "ok"}
    assert hero.get_revision(3).metadata == {}
    assert splice.get_attribute("kref://show/chars/hero.model?r=2", "review") == "ok"


def test_attribute_of_missing_node_is_not_found(client: splice.Client, hero: splice.Item) -> None:
    hero.create_revision()
    before = dump(client)
    for kref in (
        "kref://show/props",
        "kref://show/chars/ghost.model",
        "kref://show/chars/hero.model?r=9",
        "kref://show/chars/hero.model?r=1&a=nope",
        "kref://other",
    ):
        with pytest.raises(NotFoundError):
            splice.set_attribute(kref, "k", "v")
        with pytest.raises(NotFoundError):
            splice.get_attribute(kref, "k")
    assert dump(client) == before


def test_metadata_values_must_be_strings(client: splice.Client, hero: splice.Item) -> None:
    rev = hero.create_revision()
    before = dump(client)
    with pytest.raises(ValidationError, match="string"):
        rev.set_metadata({"frames": 100})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="string"):
        rev.set_attribute("frames", 100)  # type: ignore[arg-type]
    assert dump(client) == before


def test_metadata_update_emits_one_event(client: splice.Client, hero: splice.Item) -> None:
    rev = hero.create_revision()
    n = len(events(client))
    rev.set_attribute("status", "approved")
    new = events(client)[n:]
    assert [(key, kref) for key, kref, _ in new] == [("revision.updated", "kref://show/chars/hero.model?r=1")]


# -- search -------------------------------------------------------------------
@pytest.fixture
def library(client: splice.Client) -> dict[str, splice.Item]:
    show = client.create_project("show")
    other = client.create_project("other")
    chars = show.create_space("chars")
    heroes = chars.create_space("heroes")
    env = show.create_space("env")
    return {
        "robot": chars.create_item("robot", "model", {"status": "approved", "lod": "0"}),
        "robot_rig": chars.create_item("robot", "rig", {"status": "wip"}),
        "android": heroes.create_item("android", "model", {"status": "approved", "lod": "1"}),
        "city": env.create_item("city", "model", {"status": "approved", "lod": "0"}),
        "sky": env.create_item("sky", "texture"),
        "bundle": chars.create_bundle("robot-pack"),
        "elsewhere": other.create_item("robot", "model", {"status": "approved"}),
    }


def test_search_by_name_glob(client: splice.Client, library: dict[str, splice.Item]) -> None:
    lib = library
    assert _set(splice.search("robot")) == _set([lib["elsewhere"], lib["robot"], lib["robot_rig"]])
    assert _set(splice.search(name="rob*")) == _set(
        [lib["elsewhere"], lib["robot"], lib["robot_rig"], lib["bundle"]]
    )
    assert _set(splice.search(name="*oid")) == _set([lib["android"]])
    assert _set(splice.search(name="c?ty")) == _set([lib["city"]])
    assert _set(splice.search(name="ROBOT")) == _set([])


def test_search_by_kind(client: splice.Client, library: dict[str, splice.Item]) -> None:
    lib = library
    assert _set(splice.search(kind="texture")) == _set([lib["sky"]])
    assert _set(splice.search(kind="rig")) == _set([lib["robot_rig"]])
    bundles = splice.search(kind="bundle")
    assert bundles == [lib["bundle"]]
    assert isinstance(bundles[0], splice.Bundle)
    assert _set(splice.search(name="robot", kind="model")) == _set([lib["elsewhere"], lib["robot"]])


def test_search_by_metadata(client: splice.Client, library: dict[str, splice.Item]) -> None:
    lib = library
    assert _set(splice.search(metadata={"status": "wip"})) == _set([lib["robot_rig"]])
    assert _set(splice.search(metadata={"status": "approved", "lod": "0"})) == _set(
        [lib["city"], lib["robot"]]
    )
    assert _set(splice.search(kind="model", metadata={"lod": "1"})) == _set([lib["android"]])
    assert _set(splice.search(metadata={"status": "nope"})) == _set([])
    # a key that is absent does not match
    assert _set(splice.search(metadata={"lod": "0", "missing": "x"})) == _set([])


def test_search_under_a_project_or_space(client: splice.Client, library: dict[str, splice.Item]) -> None:
    lib = library
    assert _set(splice.search("robot", under="kref://other")) == _set([lib["elsewhere"]])
    models = [lib["android"], lib["robot"], lib["city"]]
    assert _set(splice.search(kind="model", under="kref://show")) == _set(models)
    in_chars = [lib["android"], lib["robot"], lib["robot_rig"], lib["bundle"]]
    assert _set(splice.search(under="kref://show/chars")) == _set(in_chars)
    assert _set(splice.search(under="kref://show/chars", recursive=False)) == _set(in_chars[1:])
    heroes = client.get_space("kref://show/chars/heroes")
    assert splice.search(under=heroes.kref) == [lib["android"]]
    with pytest.raises(NotFoundError, match="nowhere"):
        splice.search(under="kref://show/nowhere")


def test_search_limit(client: splice.Client, library: dict[str, splice.Item]) -> None:
    everything = splice.search()
    assert len(everything) == len(library)
    assert splice.search(limit=2) == everything[:2]
    models = splice.search(kind="model", limit=1)
    assert len(models) == 1 and models[0].kind == "model"
    assert splice.search(name="sky", limit=5) == [library["sky"]]


def test_search_kind_must_fit_the_grammar(client: splice.Client, library: dict[str, splice.Item]) -> None:
    with pytest.raises(KrefError, match="Model"):
        splice.search(kind="Model")
