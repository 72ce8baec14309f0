"""Contract: deleting artifacts, revisions, items, spaces and projects."""

from __future__ import annotations

import pytest
from model_support import dump, events

import splice
from splice.errors import ConflictError, ImmutableError, NotFoundError

ITEM = "kref://show/chars/hero.model"


@pytest.fixture
def show(client: splice.Client) -> splice.Project:
    return client.create_project("show")


@pytest.fixture
def hero(show: splice.Project) -> splice.Item:
    return show.create_space("chars").create_item("hero", "model")


def _new_events(client: splice.Client, since: int) -> list[tuple[str, str]]:
    return [(key, kref) for key, kref, _ in events(client)[since:]]


# -- artifacts ----------------------------------------------------------------
def test_delete_artifact(client: splice.Client, hero: splice.Item) -> None:
    rev = hero.create_revision()
    rev.create_artifact("mesh", "/mnt/a/mesh.fbx")
    rev.create_artifact("proxy", "/mnt/a/proxy.abc")
    n = len(events(client))

    rev.get_artifact("proxy").delete()
    assert [a.name for a in rev.get_artifacts()] == ["mesh"]
    assert rev.get_locations() == ["/mnt/a/mesh.fbx"]
    with pytest.raises(NotFoundError, match="proxy"):
        rev.get_artifact("proxy")
    assert splice.resolve_many([f"{ITEM}?r=1&a=proxy"]) == [None]
    assert _new_events(client, n) == [("artifact.deleted", f"{ITEM}?r=1&a=proxy")]

    before = dump(client)
    with pytest.raises(NotFoundError, match="proxy"):
        splice.get_artifact(f"{ITEM}?r=1&a=proxy").delete()
    assert dump(client) == before


def test_deleting_the_default_artifact_picks_another(client: splice.Client, hero: splice.Item) -> None:
    rev = hero.create_revision()
    rev.create_artifact("mesh", "/mnt/a/mesh.fbx")
    rev.create_artifact("cache", "/mnt/a/cache.abc")
    assert splice.resolve(rev.kref) == "/mnt/a/mesh.fbx"
    rev.get_artifact("mesh").delete()
    assert hero.get_revision(1).default_artifact == "cache"
    assert splice.resolve(rev.kref) == "/mnt/a/cache.abc"
    rev.get_artifact("cache").delete()
    assert hero.get_revision(1).default_artifact is None
    assert splice.resolve_many([rev.kref]) == [None]
    with pytest.raises(NotFoundError):
        splice.resolve(rev.kref)


# -- revisions ----------------------------------------------------------------
def test_delete_latest_revision_moves_latest_back(client: splice.Client, hero: splice.Item) -> None:
    r1, r2, r3 = (hero.create_revision({"n": str(i)}) for i in (1, 2, 3))
    r3.create_artifact("mesh", "/mnt/v3/mesh.fbx")
    r2.create_artifact("mesh", "/mnt/v2/mesh.fbx")
    r3.tag("approved")

    r3.delete()
    assert [r.number for r in hero.get_revisions()] == [1, 2]
    assert hero.get_latest_revision().number == 2
    assert hero.get_revision(2).has_tag("latest")
    assert splice.resolve(ITEM) == "/mnt/v2/mesh.fbx"
    assert hero.get_revision_by_tag("approved") is None  # its tags went with it
    with pytest.raises(NotFoundError, match="r=3"):
        hero.get_revision(3)
    assert splice.batch_get_revisions([f"{ITEM}?r=3"]) == [None]
    # numbers are never reused: r=3 keeps meaning the deleted revision
    assert hero.peek_next_revision() == 4
    assert hero.create_revision().number == 4
    assert hero.get_latest_revision().number == 4

    r1.delete()  # not the latest: latest stays
    assert hero.get_latest_revision().number == 4
    assert [r.number for r in hero.get_revisions()] == [2, 4]


def test_deleting_every_revision_leaves_no_latest(client: splice.Client, hero: splice.Item) -> None:
    hero.create_revision().delete()
    assert hero.get_revisions() == []
    assert hero.get_latest_revision() is None
    with pytest.raises(NotFoundError):
        splice.get_revision(ITEM)


def test_deleted_revision_takes_its_edges_and_artifacts(client: splice.Client, show: splice.Project) -> None:
    chars = show.create_space("chars")
    a = chars.create_item("a", "model").create_revision()
    b = chars.create_item("b", "model").create_revision()
    c = chars.create_item("c", "model").create_revision()
    a.create_edge(b, splice.DEPENDS_ON)
    b.create_edge(c, splice.DEPENDS_ON)
    b.create_artifact("mesh", "/mnt/b.fbx")

    b.delete()
    assert a.get_edges() == []
    assert c.get_edges(direction=splice.INCOMING) == []
    assert a.get_all_dependencies().revision_krefs == []
    assert c.get_all_dependents().revision_krefs == []
    assert splice.resolve_many(["kref://show/chars/b.model?r=1&a=mesh"]) == [None]


def test_tag_history_survives_a_deleted_revision(client: splice.Client, hero: splice.Item) -> None:
    hero.create_revision()
    r2 = hero.create_revision()
    r2.tag("approved")
    r2.delete()
    history = hero.get_tag_history("approved")
    assert (history[0].revision_kref, history[0].action) == (f"{ITEM}?r=2", "tagged")
    assert (history[-1].revision_kref, history[-1].action) == (f"{ITEM}?r=2", "untagged")


# -- items --------------------------------------------------------------------
def test_delete_empty_item(client: splice.Client, hero: splice.Item) -> None:
    n = len(events(client))
    hero.delete()
    with pytest.raises(NotFoundError, match=r"hero\.model"):
        splice.get_item(ITEM)
    assert splice.search(name="hero") == []
    assert _new_events(client, n) == [("item.deleted", ITEM)]


def test_item_with_revisions_needs_force(client: splice.Client, hero: splice.Item) -> None:
    rev = hero.create_revision()
    rev.create_artifact("mesh", "/mnt/a/mesh.fbx")
    before = dump(client)
    with pytest.raises(ConflictError, match=r"(?=.*not empty)(?=.*force)"):
        hero.delete()
    assert dump(client) == before

    hero.delete(force=True)
    with pytest.raises(NotFoundError):
        splice.get_item(ITEM)
    assert splice.batch_get_revisions([f"{ITEM}?r=1"]) == [None]
    assert splice.resolve_many([ITEM]) == [None]


def test_an_item_name_can_be_reused_after_deletion(client: splice.Client, hero: splice.Item) -> None:
    hero.create_revision()
    hero.create_revision()
    hero.delete(force=True)
    again = client.get_space("kref://show/chars").create_item("hero", "model")
    assert again.get_revisions() == []
    assert again.create_revision().number == 1


# -- spaces -------------------------------------------------------------------
def test_delete_empty_space(client: splice.Client, show: splice.Project) -> None:
    space = show.create_space("props")
    space.delete()
    with pytest.raises(NotFoundError, match="props"):
        client.get_space("kref://show/props")
    assert show.get_spaces() == []


def test_non_empty_space_needs_force(client: splice.Client, show: splice.Project) -> None:
    chars = show.create_space("chars")
    heroes = chars.create_space("heroes")
    deep = heroes.create_space("robots").create_item("r2", "model")
    deep.create_revision().create_artifact("mesh", "/mnt/r2.fbx")
    env = show.create_space("env")
    tree = env.create_item("tree", "model")
    tree.create_revision()
    only_space = show.create_space("empty-parent")
    only_space.create_space("child")

    for node in (chars, heroes, only_space):
        before = dump(client)
        with pytest.raises(ConflictError, match=r"(?=.*not empty)(?=.*force)"):
            node.delete()
        assert dump(client) == before

    chars.delete(force=True)
    for kref in ("kref://show/chars", "kref://show/chars/heroes", "kref://show/chars/heroes/robots"):
        with pytest.raises(NotFoundError):
            client.get_space(kref)
    with pytest.raises(NotFoundError):
        splice.get_item(deep.kref)
    assert splice.search(name="r2") == []
    # the sibling is untouched
    assert splice.get_item(tree.kref).get_latest_revision().number == 1
    assert sorted(s.name for s in show.get_spaces()) == ["empty-parent", "env"]


def test_force_delete_of_a_space_emits_deletion_events(client: splice.Client, show: splice.Project) -> None:
    chars = show.create_space("chars")
    item = chars.create_space("heroes").create_item("r2", "model")
    item.create_revision()
    n = len(events(client))
    chars.delete(force=True)
    new = _new_events(client, n)
    assert ("space.deleted", "kref://show/chars") in new
    assert ("space.deleted", "kref://show/chars/heroes") in new
    assert ("item.deleted", "kref://show/chars/heroes/r2.model") in new
    assert ("revision.deleted", "kref://show/chars/heroes/r2.model?r=1") in new


# -- projects -----------------------------------------------------------------
def test_delete_projects(client: splice.Client) -> None:
    empty = client.create_project("empty")
    full = client.create_project("full")
    full.create_space("chars").create_item("hero", "model").create_revision()
    keep = client.create_project("keep")
    keep.create_item("notes", "doc").create_revision()

    empty.delete()
    before = dump(client)
    with pytest.raises(ConflictError, match=r"(?=.*not empty)(?=.*force)"):
        full.delete()
    assert dump(client) == before

    full.delete(force=True)
    assert [p.name for p in client.get_projects()] == ["keep"]
    with pytest.raises(NotFoundError, match="full"):
        client.get_project("full")
    assert splice.search(under="kref://keep")[0].get_latest_revision().number == 1
    # the name is free again
    assert client.create_project("full").get_spaces() == []


# -- published content blocks deletion ----------------------------------------
@pytest.fixture
def with_published(client: splice.Client, show: splice.Project) -> splice.Revision:
    chars = show.create_space("chars")
    heroes = chars.create_space("heroes")
    item = heroes.create_item("hero", "model")
    item.create_revision()
    rev = item.create_revision()
    rev.create_artifact("mesh", "/mnt/v2/mesh.fbx")
    rev.tag("published")
    heroes.create_item("other", "model").create_revision()
    return rev


def test_published_content_blocks_deletion(client: splice.Client, with_published: splice.Revision) -> None:
    item = with_published.get_item()
    heroes = item.get_space()
    chars = heroes.get_parent_space()
    project = chars.get_project()
    attempts = {
        "revision": lambda: with_published.delete(),
        "artifact": lambda: with_published.get_artifact("mesh").delete(),
        "item": lambda: item.delete(force=True),
        "space": lambda: heroes.delete(force=True),
        "parent space": lambda: chars.delete(force=True),
        "project": lambda: project.delete(force=True),
    }
    for what, attempt in attempts.items():
        before = dump(client)
        with pytest.raises(ImmutableError, match="published") as info:
            attempt()
        assert dump(client) == before, what
        assert "r=2" in str(info.value), what
    assert client.get_revision(with_published.kref).get_locations() == ["/mnt/v2/mesh.fbx"]
    # unpublished revisions of the same item may still go
    item.get_revision(1).delete()
    assert [r.number for r in item.get_revisions()] == [2]


def test_a_dependency_of_a_published_revision_cannot_be_deleted(
    client: splice.Client, show: splice.Project
) -> None:
    chars = show.create_space("chars")
    texture = chars.create_item("metal", "texture").create_revision()
    model = chars.create_item("hero", "model").create_revision()
    model.create_edge(texture, splice.DEPENDS_ON)
    model.tag("published")

    before = dump(client)
    with pytest.raises(ImmutableError, match="published"):
        texture.delete()
    with pytest.raises(ImmutableError, match="published"):
        texture.get_item().delete(force=True)
    assert dump(client) == before
    assert [e.target_kref for e in model.get_edges()] == [texture.kref]
