"""Contract: tags, tag history, time-based lookups and the immutability of 'published'."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from model_support import dump, moment

import splice
from splice.errors import ImmutableError, NotFoundError, ValidationError

ITEM = "kref://show/chars/hero.model"


@pytest.fixture
def hero(client: splice.Client) -> splice.Item:
    return client.create_project("show").create_space("chars").create_item("hero", "model")


def _numbers_with(item: splice.Item, tag: str) -> list[int]:
    return [r.number for r in item.get_revisions() if tag in r.tags]


def _minute(stamp: str | datetime) -> str:
    """``YYYYMMDDHHMM`` (UTC) of a stored time or a datetime."""
    if isinstance(stamp, str):
        stamp = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return stamp.astimezone(timezone.utc).strftime("%Y%m%d%H%M")


# -- latest and unique tags ---------------------------------------------------
def test_latest_moves_by_itself(hero: splice.Item) -> None:
    r1 = hero.create_revision()
    assert r1.tags == ["latest"]
    assert r1.has_tag("latest")
    r2 = hero.create_revision()
    assert r2.has_tag("latest")
    assert not r1.has_tag("latest")
    assert _numbers_with(hero, "latest") == [2]
    assert hero.get_revision_by_tag("latest") == r2
    assert splice.get_revision(f"{ITEM}?t=latest") == r2
    assert splice.get_revision(ITEM) == r2


def test_latest_cannot_be_set_or_removed_by_hand(client: splice.Client, hero: splice.Item) -> None:
    r1 = hero.create_revision()
    r2 = hero.create_revision()
    before = dump(client)
    with pytest.raises(ValidationError, match="latest"):
        r1.tag("latest")
    with pytest.raises(ValidationError, match="latest"):
        r2.untag("latest")
    assert dump(client) == before


def test_a_tag_is_unique_per_item(client: splice.Client, hero: splice.Item) -> None:
    other = hero.get_space().create_item("villain", "model")
    o1 = other.create_revision()
    o1.tag("approved")
    _, r2, r3 = (hero.create_revision() for _ in range(3))

    r2.tag("approved")
    assert r2.has_tag("approved")
    assert hero.get_revision_by_tag("approved") == r2

    r3.tag("approved")
    assert r3.has_tag("approved")
    assert not r2.has_tag("approved")
    assert _numbers_with(hero, "approved") == [3]
    assert hero.get_revision_by_tag("approved") == r3
    assert splice.get_revision(f"{ITEM}?t=approved").number == 3
    # another item's tag of the same name stays where it was
    assert o1.has_tag("approved")
    assert other.get_revision_by_tag("approved") == o1


def test_a_revision_holds_many_tags(hero: splice.Item) -> None:
    rev = hero.create_revision()
    rev.tag("approved")
    rev.tag("delivered")
    rev.tag("milestone-alpha")
    assert sorted(rev.tags) == ["approved", "delivered", "latest", "milestone-alpha"]
    assert sorted(hero.get_revision(1).tags) == ["approved", "delivered", "latest", "milestone-alpha"]


def test_tagging_twice_is_harmless(client: splice.Client, hero: splice.Item) -> None:
    rev = hero.create_revision()
    rev.tag("approved")
    rev.tag("approved")
    assert _numbers_with(hero, "approved") == [1]
    assert [e.action for e in hero.get_tag_history("approved")] == ["tagged"]


@pytest.mark.parametrize("tag", ["", "two words", "approved\n", "a/b", "v1..2", "-x", 7])
def test_tag_names_must_fit_the_grammar(client: splice.Client, hero: splice.Item, tag: object) -> None:
    rev = hero.create_revision()
    before = dump(client)
    with pytest.raises(ValidationError, match="tag"):
        rev.tag(tag)  # type: ignore[arg-type]
    assert dump(client) == before
    assert rev.refresh().tags == ["latest"]


def test_untag(client: splice.Client, hero: splice.Item) -> None:
    rev = hero.create_revision()
    rev.tag("approved")
    rev.untag("approved")
    assert not rev.has_tag("approved")
    assert "approved" not in rev.tags
    assert hero.get_revision_by_tag("approved") is None
    with pytest.raises(NotFoundError):
        splice.get_revision(f"{ITEM}?t=approved")


def test_untag_of_a_tag_not_held_is_refused(client: splice.Client, hero: splice.Item) -> None:
    r1 = hero.create_revision()
    r2 = hero.create_revision()
    r2.tag("approved")
    before = dump(client)
    with pytest.raises(NotFoundError, match="approved"):
        r1.untag("approved")
    with pytest.raises(NotFoundError, match="nothing"):
        r2.untag("nothing")
    assert dump(client) == before
    assert r2.has_tag("approved")


def test_tag_of_missing_revision_is_refused(client: splice.Client, hero: splice.Item) -> None:
    hero.create_revision()
    gone = hero.create_revision()
    gone.delete()
    before = dump(client)
    with pytest.raises(NotFoundError, match="r=2"):
        gone.tag("approved")
    assert dump(client) == before
    assert hero.get_revision_by_tag("approved") is None


def test_has_tag_reads_the_store(hero: splice.Item) -> None:
    r1 = hero.create_revision()
    stale = splice.get_revision(f"{ITEM}?r=1")
    r1.tag("approved")
    assert stale.has_tag("approved")  # another handle on the same revision sees it
    hero.create_revision().tag("approved")
    assert not stale.has_tag("approved")


# -- history ------------------------------------------------------------------
def test_was_tagged_ever(hero: splice.Item) -> None:
    r1, r2, r3 = (hero.create_revision() for _ in range(3))
    r2.tag("approved")
    r3.tag("approved")  # takes it off r2
    assert r2.was_tagged("approved")
    assert r3.was_tagged("approved")
    assert not r1.was_tagged("approved")
    r3.untag("approved")
    assert r3.was_tagged("approved")
    assert not r3.has_tag("approved")
    assert r1.was_tagged("latest")


def test_was_tagged_at_a_time(hero: splice.Item) -> None:
    r1, r2 = hero.create_revision(), hero.create_revision()
    t0 = moment()
    r1.tag("approved")
    t1 = moment()
    r2.tag("approved")
    t2 = moment()
    r2.untag("approved")
    t3 = moment()

    assert [r1.was_tagged("approved", t) for t in (t0, t1, t2, t3)] == [False, True, False, False]
    assert [r2.was_tagged("approved", t) for t in (t0, t1, t2, t3)] == [False, False, True, False]
    # the same moments as ISO strings
    assert r1.was_tagged("approved", t1.isoformat())
    assert r2.was_tagged("approved", t2.isoformat().replace("+00:00", "Z"))
    assert not r2.was_tagged("approved", t3.isoformat())


def test_tag_history(client: splice.Client, hero: splice.Item) -> None:
    r1, r2 = hero.create_revision(), hero.create_revision()
    r1.tag("approved")
    r2.tag("approved")  # moves it off r1 (an engine may also log that as r1 'untagged')
    r2.untag("approved")
    r1.tag("delivered")

    history = hero.get_tag_history("approved")
    assert all(e.tag == "approved" for e in history)
    assert [(e.revision_kref, e.action) for e in history if e.action == "tagged"] == [
        (f"{ITEM}?r=1", "tagged"),
        (f"{ITEM}?r=2", "tagged"),
    ]
    assert (history[-1].revision_kref, history[-1].action) == (f"{ITEM}?r=2", "untagged")
    assert all(e.author == "tester" for e in history)
    assert [e.at for e in history] == sorted(e.at for e in history)

    everything = hero.get_tag_history()
    assert [e for e in everything if e.tag == "approved"] == history
    assert [(e.revision_kref, e.action) for e in everything if e.tag == "delivered"] == [
        (f"{ITEM}?r=1", "tagged")
    ]
    assert everything[-1].tag == "delivered"
    # latest moving with each new revision is history too
    assert [e.revision_kref for e in everything if e.tag == "latest" and e.action == "tagged"] == [
        f"{ITEM}?r=1",
        f"{ITEM}?r=2",
    ]
    assert hero.get_tag_history("nothing") == []


# -- get_revision_by_time -----------------------------------------------------
@pytest.fixture
def timeline(hero: splice.Item) -> dict[str, datetime]:
    """r1 published, then r2 approved and published, then r2 un-approved."""
    r1 = hero.create_revision({"v": "1"})
    r1.create_artifact("mesh", "/mnt/v1/mesh.fbx")
    t = {"before": moment()}
    r1.tag("published")
    t["r1"] = moment()
    r2 = hero.create_revision({"v": "2"})
    r2.create_artifact("mesh", "/mnt/v2/mesh.fbx")
    t["r2_created"] = moment()
    r2.tag("approved")
    r2.tag("published")
    t["r2"] = moment()
    r2.untag("approved")
    t["after"] = moment()
    return t


def _number(rev: splice.Revision | None) -> int | None:
    return rev.number if rev is not None else None


def test_revision_by_time_with_datetimes(hero: splice.Item, timeline: dict[str, datetime]) -> None:
    t = timeline
    assert _number(hero.get_revision_by_time(t["before"], "published")) is None
    assert _number(hero.get_revision_by_time(t["r1"], "published")) == 1
    assert _number(hero.get_revision_by_time(t["r2_created"], "published")) == 1
    assert _number(hero.get_revision_by_time(t["r2"], "published")) == 2
    assert _number(hero.get_revision_by_time(t["after"], "published")) == 2

    assert _number(hero.get_revision_by_time(t["r2_created"], "approved")) is None
    assert _number(hero.get_revision_by_time(t["r2"], "approved")) == 2
    assert _number(hero.get_revision_by_time(t["after"], "approved")) is None  # untagged by then

    # keyword form, as seed 000 writes it
    assert _number(hero.get_revision_by_time(time=t["r1"], tag="published")) == 1


def test_revision_by_time_without_tag_is_the_newest_then(hero: splice.Item, timeline) -> None:
    t = timeline
    assert hero.get_revision_by_time(t["before"]).number == 1
    assert hero.get_revision_by_time(t["r1"]).number == 1
    assert hero.get_revision_by_time(t["r2_created"]).number == 2
    assert hero.get_revision_by_time(t["before"] - timedelta(days=1)) is None
    assert _number(hero.get_revision_by_time(t["r1"], "latest")) == 1
    assert _number(hero.get_revision_by_time(t["after"], "latest")) == 2


def test_revision_by_time_with_iso_strings(hero: splice.Item, timeline: dict[str, datetime]) -> None:
    t = timeline
    assert hero.get_revision_by_time(t["r1"].isoformat(), "published").number == 1
    assert hero.get_revision_by_time(t["r2"].isoformat(), "published").number == 2
    z = t["r1"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert hero.get_revision_by_time(z, "published").number == 1
    # the same moment in another zone is the same moment
    tokyo = t["r1"].astimezone(timezone(timedelta(hours=9)))
    assert tokyo.isoformat().endswith("+09:00")
    assert hero.get_revision_by_time(tokyo.isoformat(), "published").number == 1
    assert hero.get_revision_by_time(tokyo, "published").number == 1
    assert hero.get_revision_by_time(t["before"].isoformat(), "published") is None


def test_revision_by_time_with_minutes_means_the_end_of_that_minute(hero: splice.Item) -> None:
    rev = hero.create_revision()
    rev.tag("approved")
    tagged_at = hero.get_tag_history("approved")[-1].at
    minute = _minute(tagged_at)
    # the tag was set during that minute, so at its end it was held
    assert hero.get_revision_by_time(minute, "approved").number == 1
    # a minute earlier it was not
    earlier = _minute(datetime.fromisoformat(tagged_at.replace("Z", "+00:00")) - timedelta(minutes=1))
    assert hero.get_revision_by_time(earlier, "approved") is None


def test_revision_by_time_later_in_the_same_minute_wins(hero: splice.Item) -> None:
    r1, r2 = hero.create_revision(), hero.create_revision()
    r1.tag("approved")
    r2.tag("approved")
    minute = _minute(hero.get_tag_history("approved")[-1].at)
    assert hero.get_revision_by_time(minute, "approved").number == 2


def test_revision_by_time_refuses_unreadable_times(client: splice.Client, hero: splice.Item) -> None:
    hero.create_revision().tag("approved")
    for bad in ("yesterday", "2024-13-45", "202413011330", "2024-06-01T25:00:00Z", ""):
        with pytest.raises(ValidationError, match="time"):
            hero.get_revision_by_time(bad, "approved")


def test_time_queries_answer_only_with_the_items_own_revisions(
    client: splice.Client, hero: splice.Item
) -> None:
    r1 = hero.create_revision()
    r1.tag("approved")
    t = moment()
    r1.delete()
    other = hero.get_space().create_item("villain", "model").create_revision()
    assert hero.get_revision_by_time(t, "approved") is None  # r1 is gone
    assert hero.get_revision_by_time(t, "latest") is None
    assert not other.was_tagged("approved")
    assert not other.was_tagged("approved", t)
    assert splice.batch_get_revisions([f"{ITEM}?t=approved&time={t.isoformat()}"]) == [None]


def test_a_new_item_does_not_inherit_the_history_of_a_deleted_one(
    client: splice.Client, hero: splice.Item
) -> None:
    rev = hero.create_revision()
    rev.tag("approved")
    t = moment()
    hero.delete(force=True)
    fresh = client.get_space("kref://show/chars").create_item("newcomer", "model")
    assert fresh.get_tag_history() == []
    r1 = fresh.create_revision()
    assert [(e.tag, e.action) for e in fresh.get_tag_history()] == [("latest", "tagged")]
    assert not r1.was_tagged("approved")
    # nothing of this item existed at t
    assert fresh.get_revision_by_time(t, "approved") is None
    assert fresh.get_revision_by_time(t, "latest") is None
    assert fresh.get_revision_by_time(t) is None


# -- time-based krefs ---------------------------------------------------------
def test_time_kref_through_get_revision_and_resolve(hero: splice.Item, timeline) -> None:
    t = timeline
    at_r1 = t["r1"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    at_r2 = t["r2"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert splice.get_revision(f"{ITEM}?t=published&time={at_r1}").number == 1
    assert splice.get_revision(f"{ITEM}?t=published&time={at_r2}").number == 2
    assert splice.resolve(f"{ITEM}?t=published&time={at_r1}") == "/mnt/v1/mesh.fbx"
    assert splice.resolve(f"{ITEM}?t=published&time={at_r1}&a=mesh") == "/mnt/v1/mesh.fbx"
    assert splice.resolve(f"{ITEM}?t=published&time={at_r2}&a=mesh") == "/mnt/v2/mesh.fbx"
    assert splice.get_artifact(f"{ITEM}?t=published&time={at_r1}&a=mesh").location == "/mnt/v1/mesh.fbx"

    at_before = t["before"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with pytest.raises(NotFoundError):
        splice.get_revision(f"{ITEM}?t=published&time={at_before}")
    with pytest.raises(NotFoundError):
        splice.resolve(f"{ITEM}?t=published&time={at_before}")

    assert splice.resolve_many(
        [
            f"{ITEM}?t=published&time={at_r1}",
            f"{ITEM}?t=published&time={at_before}",
            f"{ITEM}?t=published&time={at_r2}&a=mesh",
        ]
    ) == ["/mnt/v1/mesh.fbx", None, "/mnt/v2/mesh.fbx"]


def test_time_kref_forms(hero: splice.Item, timeline) -> None:
    t = timeline
    # ISO 8601 with an explicit offset, and t=latest for "the newest revision then"
    assert splice.get_revision(f"{ITEM}?t=published&time={t['r1'].isoformat()}").number == 1
    assert splice.get_revision(f"{ITEM}?t=latest&time={t['r1'].isoformat()}").number == 1
    assert splice.get_revision(f"{ITEM}?t=latest&time={t['r2_created'].isoformat()}").number == 2
    assert splice.get_revision(f"{ITEM}?t=approved&time={t['r2'].isoformat()}").number == 2
    with pytest.raises(NotFoundError):
        splice.get_revision(f"{ITEM}?t=approved&time={t['after'].isoformat()}")
    got = splice.batch_get_revisions(
        [
            f"{ITEM}?t=published&time={t['r1'].isoformat()}",
            f"{ITEM}?t=published&time={t['before'].isoformat()}",
            f"{ITEM}?t=published&time={t['after'].isoformat()}",
        ]
    )
    assert [r.number if r else None for r in got] == [1, None, 2]
    # a revision's own history answers the same way
    r1 = hero.get_revision(1)
    assert r1.was_tagged("published", t["r1"])
    assert not r1.was_tagged("published", t["r2"])
    minute = _minute(hero.get_tag_history("published")[-1].at)
    assert hero.get_revision(2).was_tagged("published", minute)


def test_time_kref_with_minutes(hero: splice.Item, timeline) -> None:
    minute = _minute(hero.get_tag_history("published")[-1].at)
    kref = f"{ITEM}?t=published&time={minute}"
    assert splice.get_revision(kref).number == 2
    assert splice.resolve(kref) == "/mnt/v2/mesh.fbx"
    long_ago = f"{ITEM}?t=published&time=202001011200"
    with pytest.raises(NotFoundError):
        splice.get_revision(long_ago)
    assert splice.resolve_many([long_ago]) == [None]


# -- published: immutable for good --------------------------------------------
@pytest.fixture
def published(client: splice.Client, hero: splice.Item) -> splice.Revision:
    """r1 of hero, with artifacts and edges both ways, published."""
    texture = hero.get_space().create_item("metal", "texture").create_revision()
    user = hero.get_space().create_item("hero", "rig").create_revision()
    rev = hero.create_revision({"artist": "jane"})
    rev.create_artifact("mesh", "/mnt/v1/mesh.fbx", {"format": "fbx"})
    rev.create_artifact("proxy", "/mnt/v1/proxy.abc")
    rev.create_edge(texture, splice.DEPENDS_ON)
    user.create_edge(rev, splice.DEPENDS_ON)
    rev.tag("published")
    return rev


def test_publishing_marks_the_revision(hero: splice.Item, published: splice.Revision) -> None:
    assert published.published is True
    assert published.has_tag("published")
    assert hero.get_revision(1).published is True
    assert hero.create_revision().published is False


def _refusals(client: splice.Client, rev: splice.Revision):
    texture = client.get_revision("kref://show/chars/metal.texture?r=1")
    other = client.get_item("kref://show/chars/metal.texture").create_revision()
    mesh = rev.get_artifact("mesh")
    return {
        "set_metadata": lambda: rev.set_metadata({"artist": "joe"}),
        "set_metadata_new_key": lambda: rev.set_metadata({"notes": "x"}),
        "set_attribute": lambda: rev.set_attribute("artist", "joe"),
        "delete_attribute": lambda: rev.delete_attribute("artist"),
        "module_set_attribute": lambda: splice.set_attribute(rev.kref, "artist", "joe"),
        "module_delete_attribute": lambda: splice.delete_attribute(rev.kref, "artist"),
        "create_artifact": lambda: rev.create_artifact("extra", "/mnt/v1/extra.fbx"),
        "artifact_set_metadata": lambda: mesh.set_metadata({"format": "obj"}),
        "artifact_set_attribute": lambda: mesh.set_attribute("format", "obj"),
        "artifact_delete_attribute": lambda: mesh.delete_attribute("format"),
        "artifact_delete": lambda: mesh.delete(),
        "set_default_artifact": lambda: rev.set_default_artifact("proxy"),
        "create_edge": lambda: rev.create_edge(other, splice.DEPENDS_ON),
        "delete_edge": lambda: rev.delete_edge(texture, splice.DEPENDS_ON),
        "edge_delete": lambda: rev.get_edges()[0].delete(),
        "delete": lambda: rev.delete(),
        "delete_force": lambda: rev.delete(force=True),
        "delete_item": lambda: rev.get_item().delete(force=True),
    }


REFUSED = [
    "set_metadata",
    "set_metadata_new_key",
    "set_attribute",
    "delete_attribute",
    "module_set_attribute",
    "module_delete_attribute",
    "create_artifact",
    "artifact_set_metadata",
    "artifact_set_attribute",
    "artifact_delete_attribute",
    "artifact_delete",
    "set_default_artifact",
    "create_edge",
    "delete_edge",
    "edge_delete",
    "delete",
    "delete_force",
    "delete_item",
]


@pytest.mark.parametrize("change", REFUSED)
def test_published_revision_refuses_changes(
    client: splice.Client, published: splice.Revision, change: str
) -> None:
    attempt = _refusals(client, published)[change]
    before = dump(client)
    with pytest.raises(ImmutableError, match="published"):
        attempt()
    assert dump(client) == before
    again = splice.get_revision(published.kref)
    assert again.metadata == {"artist": "jane"}
    assert sorted(again.get_locations()) == ["/mnt/v1/mesh.fbx", "/mnt/v1/proxy.abc"]
    assert again.get_artifact("mesh").metadata == {"format": "fbx"}
    assert [e.target_kref for e in again.get_edges()] == ["kref://show/chars/metal.texture?r=1"]


def test_published_revision_still_takes_tags(client: splice.Client, published: splice.Revision) -> None:
    published.tag("approved")
    published.tag("delivered")
    assert published.has_tag("approved")
    assert sorted(splice.get_revision(published.kref).tags) == [
        "approved",
        "delivered",
        "latest",
        "published",
    ]
    published.untag("delivered")  # other tags come and go as usual
    assert not published.has_tag("delivered")


def test_published_revision_still_takes_incoming_edges(
    client: splice.Client, published: splice.Revision
) -> None:
    comp = client.get_item("kref://show/chars/hero.model").get_space().create_item("sh010", "comp")
    comp.create_revision().create_edge(published, splice.DEPENDS_ON)
    assert len(published.get_edges(direction=splice.INCOMING)) == 2


def test_untag_published_is_refused(client: splice.Client, published: splice.Revision) -> None:
    before = dump(client)
    with pytest.raises(ImmutableError, match="published"):
        published.untag("published")
    assert dump(client) == before
    assert published.has_tag("published")
    assert splice.get_revision(published.kref).published is True


def test_published_stays_immutable_after_the_tag_moves_on(
    client: splice.Client, hero: splice.Item, published: splice.Revision
) -> None:
    r2 = hero.create_revision()
    r2.tag("published")
    old = splice.get_revision(published.kref)
    assert not old.has_tag("published")
    assert old.published is True
    assert old.was_tagged("published")
    before = dump(client)
    with pytest.raises(ImmutableError, match="published"):
        old.set_attribute("artist", "joe")
    with pytest.raises(ImmutableError, match="published"):
        old.delete()
    assert dump(client) == before


def test_unpublished_revisions_of_the_item_stay_mutable(
    hero: splice.Item, published: splice.Revision
) -> None:
    r2 = hero.create_revision({"artist": "joe"})
    r2.set_attribute("notes", "wip")
    r2.create_artifact("mesh", "/mnt/v2/mesh.fbx")
    assert r2.get_attribute("notes") == "wip"
    # the item itself is not the revision: its metadata may change
    hero.set_attribute("status", "approved")
    assert splice.get_item(hero.kref).metadata == {"status": "approved"}
