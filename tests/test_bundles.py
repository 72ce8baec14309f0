"""Contract: bundles, whose every membership change is a new bundle revision."""

from __future__ import annotations

import pytest
from model_support import dump, moment

import splice
from splice.errors import AlreadyExistsError, NotFoundError, ValidationError


@pytest.fixture
def assets(client: splice.Client) -> splice.Space:
    space = client.create_project("show").create_space("assets")
    space.create_item("hero", "model")
    space.create_item("hero", "rig")
    space.create_item("metal", "texture")
    return space


def _members(bundle: splice.Bundle, revision_number: int | None = None) -> list[str]:
    return sorted(str(m.item_kref) for m in bundle.get_members(revision_number))


MODEL = "kref://show/assets/hero.model"
RIG = "kref://show/assets/hero.rig"
TEXTURE = "kref://show/assets/metal.texture"


def test_create_and_get_bundles(client: splice.Client, assets: splice.Space) -> None:
    project = client.get_project("show")
    release = project.create_bundle("release-bundle", metadata={"show": "ep01"})
    char = assets.create_bundle("character-bundle")
    assert isinstance(release, splice.Bundle)
    assert release.kind == "bundle"
    assert release.kref == "kref://show/release-bundle.bundle"
    assert release.metadata == {"show": "ep01"}
    assert char.kref == "kref://show/assets/character-bundle.bundle"
    assert project.get_bundle("release-bundle") == release
    assert assets.get_bundle("character-bundle") == char
    assert splice.get_bundle("kref://show/assets/character-bundle.bundle") == char
    assert assets.get_bundles() == [char]
    assert char.get_members() == []
    assert char.get_history() == []
    assert char.get_revisions() == []

    with pytest.raises(ValidationError, match="not a bundle"):
        splice.get_bundle(MODEL)
    with pytest.raises(AlreadyExistsError, match="character-bundle"):
        assets.create_bundle("character-bundle")


def test_each_change_is_a_new_bundle_revision(client: splice.Client, assets: splice.Space) -> None:
    bundle = assets.create_bundle("pack")
    model, rig = assets.get_item("hero", "model"), assets.get_item("hero", "rig")

    added = bundle.add_member(model)
    assert (added.revision_number, added.action, added.member_item_kref) == (1, "added", MODEL)
    assert bundle.add_member(rig).revision_number == 2
    removed = bundle.remove_member(model)
    assert (removed.revision_number, removed.action, removed.member_item_kref) == (3, "removed", MODEL)
    assert bundle.add_member(model).revision_number == 4  # back again

    assert [r.number for r in bundle.get_revisions()] == [1, 2, 3, 4]
    assert bundle.get_latest_revision().number == 4
    assert bundle.peek_next_revision() == 5
    assert _members(bundle) == [MODEL, RIG]


def test_members_at_any_past_revision(client: splice.Client, assets: splice.Space) -> None:
    bundle = assets.create_bundle("pack")
    bundle.add_member(MODEL)  # r1
    bundle.add_member(assets.get_item("hero", "rig"))  # r2
    bundle.add_member(splice.Kref(TEXTURE))  # r3
    bundle.remove_member(MODEL)  # r4
    bundle.remove_member(TEXTURE)  # r5
    bundle.add_member(MODEL)  # r6

    assert _members(bundle, 1) == [MODEL]
    assert _members(bundle, 2) == [MODEL, RIG]
    assert _members(bundle, 3) == [MODEL, RIG, TEXTURE]
    assert _members(bundle, 4) == [RIG, TEXTURE]
    assert _members(bundle, 5) == [RIG]
    assert _members(bundle, 6) == [MODEL, RIG]
    assert _members(bundle) == [MODEL, RIG]

    [rig] = [m for m in bundle.get_members(3) if m.item_kref == RIG]
    assert rig.added_in_revision == 2
    assert rig.added_by == "tester"


def test_history_says_who_did_what_when(client: splice.Client, engine_url: str, assets: splice.Space) -> None:
    bundle = assets.create_bundle("pack")
    t0 = moment()
    bundle.add_member(MODEL, metadata={"why": "first cut"})
    bundle.add_member(RIG)
    bundle.remove_member(MODEL)
    t1 = moment()

    history = bundle.get_history()
    assert [(h.revision_number, h.action, h.member_item_kref) for h in history] == [
        (1, "added", MODEL),
        (2, "added", RIG),
        (3, "removed", MODEL),
    ]
    assert all(h.author == "tester" for h in history)
    stamps = [h.created_at for h in history]
    assert stamps == sorted(stamps)
    assert all(t0.strftime("%Y-%m-%dT%H:%M:%S") <= s[:19] <= t1.strftime("%Y-%m-%dT%H:%M:%S") for s in stamps)
    assert history[0].metadata.get("why") == "first cut"
    assert isinstance(history[0].member_item_kref, splice.Kref)

    # another writer is recorded as such
    other = splice.Client.open(engine_url, user="someone-else")
    try:
        other.get_bundle(bundle.kref).add_member(TEXTURE)
        assert bundle.get_history()[-1].author == "someone-else"
        assert bundle.get_history()[-1].action == "added"
    finally:
        other.close()


def test_bundle_revisions_are_made_by_membership_changes_only(
    client: splice.Client, assets: splice.Space
) -> None:
    bundle = assets.create_bundle("pack")
    before = dump(client)
    with pytest.raises(ValidationError, match="add_member"):
        bundle.create_revision()
    assert dump(client) == before


def test_bundle_cannot_contain_itself(client: splice.Client, assets: splice.Space) -> None:
    bundle = assets.create_bundle("pack")
    bundle.add_member(MODEL)
    before = dump(client)
    with pytest.raises(ValidationError, match="itself"):
        bundle.add_member(bundle)
    with pytest.raises(ValidationError, match="itself"):
        bundle.add_member(bundle.kref)
    assert dump(client) == before


def test_bundle_cannot_contain_itself_through_nested_bundles(
    client: splice.Client, assets: splice.Space
) -> None:
    outer = assets.create_bundle("outer")
    middle = assets.create_bundle("middle")
    inner = assets.create_bundle("inner")
    outer.add_member(middle)
    middle.add_member(inner)
    inner.add_member(MODEL)

    before = dump(client)
    with pytest.raises(ValidationError, match="itself"):
        middle.add_member(outer)  # outer > middle > outer
    with pytest.raises(ValidationError, match="itself"):
        inner.add_member(outer)  # outer > middle > inner > outer
    with pytest.raises(ValidationError, match="itself"):
        inner.add_member(middle)
    assert dump(client) == before

    # sharing without a cycle is fine
    other = assets.create_bundle("other")
    other.add_member(inner)
    outer.add_member(other)
    assert _members(outer) == ["kref://show/assets/middle.bundle", "kref://show/assets/other.bundle"]


def test_cycle_check_uses_current_membership(client: splice.Client, assets: splice.Space) -> None:
    a = assets.create_bundle("a")
    b = assets.create_bundle("b")
    a.add_member(b)
    a.remove_member(b)
    b.add_member(a)  # a no longer holds b, so this is no cycle
    assert _members(b) == ["kref://show/assets/a.bundle"]
    with pytest.raises(ValidationError, match="itself"):
        a.add_member(b)


def test_duplicate_member_is_refused(client: splice.Client, assets: splice.Space) -> None:
    bundle = assets.create_bundle("pack")
    bundle.add_member(MODEL)
    before = dump(client)
    with pytest.raises(AlreadyExistsError, match="hero"):
        bundle.add_member(MODEL)
    with pytest.raises(AlreadyExistsError, match="hero"):
        bundle.add_member(f"{MODEL}?r=1")  # a revision kref names the same item
    assert dump(client) == before


def test_removing_a_non_member_is_refused(client: splice.Client, assets: splice.Space) -> None:
    bundle = assets.create_bundle("pack")
    bundle.add_member(MODEL)
    bundle.remove_member(MODEL)
    before = dump(client)
    with pytest.raises(NotFoundError, match="not a member"):
        bundle.remove_member(MODEL)
    with pytest.raises(NotFoundError, match="not a member"):
        bundle.remove_member(RIG)
    assert dump(client) == before


def test_missing_member_item_is_refused(client: splice.Client, assets: splice.Space) -> None:
    bundle = assets.create_bundle("pack")
    before = dump(client)
    with pytest.raises(NotFoundError, match="ghost"):
        bundle.add_member("kref://show/assets/ghost.model")
    assert dump(client) == before


def test_members_across_spaces_and_projects(client: splice.Client, assets: splice.Space) -> None:
    other = client.create_project("library").create_item("tree", "model")
    bundle = client.get_project("show").create_bundle("release")
    bundle.add_member(other)
    bundle.add_member(MODEL)
    assert _members(bundle) == ["kref://library/tree.model", MODEL]


def test_deleting_a_member_item(client: splice.Client, assets: splice.Space) -> None:
    bundle = assets.create_bundle("pack")
    bundle.add_member(MODEL)
    bundle.add_member(RIG)
    model = splice.get_item(MODEL)

    before = dump(client)
    with pytest.raises(splice.errors.ConflictError, match="pack"):
        model.delete()
    assert dump(client) == before

    model.delete(force=True)
    assert _members(bundle) == [RIG]
    assert _members(bundle, 2) == [MODEL, RIG]  # the past stays as it was
    assert bundle.get_history()[-1].action == "removed"
    assert bundle.get_history()[-1].member_item_kref == MODEL
