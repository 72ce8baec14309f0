"""Contract: batch writes in one transaction (idempotent by key) and batch reads in order."""

from __future__ import annotations

import pytest
from model_support import dump, events

import splice
from splice.errors import ConflictError, NotFoundError, ValidationError

MODEL = "kref://show/assets/hero.model"
RIG = "kref://show/assets/hero.rig"
TEXTURE = "kref://show/assets/metal.texture"


@pytest.fixture
def assets(client: splice.Client) -> splice.Space:
    space = client.create_project("show").create_space("assets")
    space.create_item("hero", "model")
    space.create_item("hero", "rig")
    texture = space.create_item("metal", "texture").create_revision({"res": "4k"})
    texture.create_artifact("diffuse", "/mnt/tex/metal_v1.exr")
    return space


def _publish_specs() -> list[dict]:
    return [
        {
            "item": MODEL,
            "metadata": {"artist": "jane"},
            "artifacts": [
                {"name": "mesh", "location": "/mnt/hero/v1/mesh.fbx", "metadata": {"format": "fbx"}},
                {"name": "proxy", "location": "s3://bucket/hero/v1/proxy.abc"},
            ],
            "edges": [{"target": f"{TEXTURE}?r=1", "edge_type": "DEPENDS_ON", "metadata": {"usage": "body"}}],
            "tags": ["approved"],
            "default_artifact": "proxy",
        },
        {
            "item": MODEL,
            "metadata": {"artist": "jane", "notes": "second pass"},
            "artifacts": [{"name": "mesh", "location": "/mnt/hero/v2/mesh.fbx"}],
            # an edge to a revision made earlier in the same batch
            "edges": [{"target": f"{MODEL}?r=1", "edge_type": "DERIVED_FROM"}],
            "tags": ["published"],
        },
        {
            "item": RIG,
            "artifacts": [{"name": "rig", "location": "file:///mnt/hero/rig_v1.ma"}],
            "edges": [{"target": f"{MODEL}?t=published", "edge_type": "DEPENDS_ON"}],
        },
    ]


# -- batch_create_revisions ---------------------------------------------------
def test_batch_creates_revisions_with_artifacts_edges_and_tags(client: splice.Client, assets) -> None:
    n_events = len(events(client))
    made = splice.batch_create_revisions(_publish_specs())

    assert [str(r.kref) for r in made] == [f"{MODEL}?r=1", f"{MODEL}?r=2", f"{RIG}?r=1"]
    assert all(isinstance(r, splice.Revision) for r in made)
    r1, r2, rig = (splice.get_revision(r.kref) for r in made)

    assert r1.metadata == {"artist": "jane"}
    assert r2.metadata == {"artist": "jane", "notes": "second pass"}
    assert r1.get_artifact("mesh").metadata == {"format": "fbx"}
    assert sorted(r1.get_locations()) == ["/mnt/hero/v1/mesh.fbx", "s3://bucket/hero/v1/proxy.abc"]
    assert r1.default_artifact == "proxy"
    assert splice.resolve(r1.kref) == "s3://bucket/hero/v1/proxy.abc"
    assert r2.default_artifact == "mesh"
    assert splice.resolve(f"{RIG}?r=1") == "file:///mnt/hero/rig_v1.ma"

    [e1] = r1.get_edges()
    assert (e1.target_kref, e1.edge_type, e1.metadata) == (f"{TEXTURE}?r=1", "DEPENDS_ON", {"usage": "body"})
    assert [(e.target_kref, e.edge_type) for e in r2.get_edges()] == [(f"{MODEL}?r=1", "DERIVED_FROM")]
    assert [e.target_kref for e in rig.get_edges()] == [f"{MODEL}?r=2"]  # t=published resolved in the batch

    assert "approved" in r1.tags
    assert sorted(r2.tags) == ["latest", "published"]
    assert r2.published is True
    assert rig.tags == ["latest"]
    assert rig.get_all_dependencies().depths == {
        f"{MODEL}?r=2": 1,
        f"{MODEL}?r=1": 2,
        f"{TEXTURE}?r=1": 3,
    }

    new = events(client)[n_events:]
    keys = [key for key, _, _ in new]
    assert keys.count("revision.created") == 3
    assert keys.count("artifact.added") == 4
    assert keys.count("edge.created") == 3
    assert keys.count("revision.tagged") == 2


def test_batch_accepts_spec_objects(client: splice.Client, assets) -> None:
    spec = splice.RevisionSpec(
        item=splice.Kref(MODEL),
        metadata={"artist": "jane"},
        artifacts=(splice.ArtifactSpec("mesh", "/mnt/hero/mesh.fbx", {"format": "fbx"}),),
        edges=(splice.EdgeSpec(splice.Kref(f"{TEXTURE}?r=1"), splice.DEPENDS_ON),),
        tags=("approved",),
    )
    [rev] = client.batch_create_revisions([spec])
    assert rev.number == 1
    assert rev.get_artifact("mesh").metadata == {"format": "fbx"}
    assert [e.target_kref for e in rev.get_edges()] == [f"{TEXTURE}?r=1"]
    assert rev.has_tag("approved")


def test_empty_batch_writes_nothing(client: splice.Client, assets) -> None:
    before = dump(client)
    assert splice.batch_create_revisions([]) == []
    assert dump(client) == before


@pytest.mark.parametrize(
    "third",
    [
        pytest.param(
            {"item": RIG, "edges": [{"target": f"{TEXTURE}?r=9", "edge_type": "DEPENDS_ON"}]}, id="edge"
        ),
        pytest.param({"item": "kref://show/assets/ghost.model"}, id="item"),
        pytest.param({"item": RIG, "tags": ["latest"]}, id="tag"),
        pytest.param({"item": "kref://show/assets/hero.model?r=1", "tags": ["published"]}, id="ok-then-4th"),
    ],
)
def test_failure_in_a_later_spec_writes_nothing_at_all(client: splice.Client, assets, third: dict) -> None:
    specs = [*_publish_specs()[:2], third]
    if third.get("tags") == ["published"]:
        # the third spec is fine: the 4th fails (an edge to a revision that does not exist)
        specs.append({"item": RIG, "edges": [{"target": f"{RIG}?r=5", "edge_type": "DEPENDS_ON"}]})
    before = dump(client)
    with pytest.raises((NotFoundError, ValidationError)):
        client.batch_create_revisions(specs)
    assert dump(client) == before
    model = client.get_item(MODEL)
    assert model.get_revisions() == []
    assert model.peek_next_revision() == 1  # no number was used up
    assert client.get_item(RIG).get_revisions() == []
    assert client.get_revision(f"{TEXTURE}?r=1").get_edges(direction=splice.INCOMING) == []
    assert [key for key, _, _ in events(client)] == [key for key, _, _ in before["events"]]


def test_create_item_makes_missing_items_in_the_same_transaction(client: splice.Client, assets) -> None:
    made = client.batch_create_revisions(
        [
            {"item": "kref://show/assets/villain.model", "create_item": True, "tags": ["approved"]},
            {"item": MODEL, "create_item": True},  # exists already: just a revision
        ]
    )
    assert [r.kref for r in made] == ["kref://show/assets/villain.model?r=1", f"{MODEL}?r=1"]
    assert client.get_item("kref://show/assets/villain.model").kind == "model"
    keys = [key for key, kref, _ in events(client) if "villain" in kref]
    assert keys[:2] == ["item.created", "revision.created"]


def test_create_item_is_undone_with_a_failed_batch(client: splice.Client, assets) -> None:
    before = dump(client)
    specs = [
        {"item": "kref://show/assets/villain.model", "create_item": True},
        {"item": RIG, "edges": [{"target": f"{TEXTURE}?r=9", "edge_type": "DEPENDS_ON"}]},
    ]
    with pytest.raises(NotFoundError, match="r=9"):
        client.batch_create_revisions(specs)
    assert dump(client) == before
    with pytest.raises(NotFoundError):
        client.get_item("kref://show/assets/villain.model")


def test_create_item_needs_an_existing_space(client: splice.Client, assets) -> None:
    before = dump(client)
    with pytest.raises(NotFoundError, match="space kref://show/nowhere does not exist"):
        client.batch_create_revisions([{"item": "kref://show/nowhere/x.model", "create_item": True}])
    with pytest.raises(ValidationError, match="create_item"):
        client.batch_create_revisions([{"item": "kref://show/assets/x.model", "create_item": "yes"}])
    assert dump(client) == before


def test_failure_message_names_the_problem(client: splice.Client, assets) -> None:
    specs = [*_publish_specs()[:2], {"item": RIG, "edges": [{"target": f"{TEXTURE}?r=9", "edge_type": "X"}]}]
    with pytest.raises(NotFoundError, match="r=9"):
        client.batch_create_revisions(specs)


def test_idempotency_key_resent_returns_the_same_revisions(client: splice.Client, assets) -> None:
    first = client.batch_create_revisions(_publish_specs(), idempotency_key="publish-0001")
    before = dump(client)
    again = client.batch_create_revisions(_publish_specs(), idempotency_key="publish-0001")
    assert [r.kref for r in again] == [r.kref for r in first]
    assert [r.metadata for r in again] == [r.metadata for r in first]
    assert dump(client) == before
    assert [r.number for r in client.get_item(MODEL).get_revisions()] == [1, 2]

    # a new key makes new revisions
    third = client.batch_create_revisions([{"item": MODEL}], idempotency_key="publish-0002")
    assert third[0].number == 3


def test_idempotency_key_across_clients(client: splice.Client, engine_url: str, assets) -> None:
    first = client.batch_create_revisions([{"item": MODEL}], idempotency_key="k-1")
    other = splice.Client.open(engine_url, user="tester")
    try:
        again = other.batch_create_revisions([{"item": MODEL}], idempotency_key="k-1")
    finally:
        other.close()
    assert [r.kref for r in again] == [r.kref for r in first]
    assert len(client.get_item(MODEL).get_revisions()) == 1


def test_idempotency_does_not_depend_on_key_order_of_dicts(client: splice.Client, assets) -> None:
    sent = [{"item": MODEL, "metadata": {"artist": "jane", "notes": "v1"}}]
    resent = [{"metadata": {"notes": "v1", "artist": "jane"}, "item": MODEL}]  # the same payload
    first = client.batch_create_revisions(sent, idempotency_key="k-order")
    before = dump(client)
    again = client.batch_create_revisions(resent, idempotency_key="k-order")
    assert [r.kref for r in again] == [r.kref for r in first]
    assert dump(client) == before


def test_same_key_with_another_payload_is_refused(client: splice.Client, assets) -> None:
    client.batch_create_revisions([{"item": MODEL, "metadata": {"v": "1"}}], idempotency_key="k-2")
    before = dump(client)
    with pytest.raises(ConflictError, match="k-2"):
        client.batch_create_revisions([{"item": MODEL, "metadata": {"v": "2"}}], idempotency_key="k-2")
    with pytest.raises(ConflictError, match="k-2"):
        client.batch_create_revisions([{"item": RIG}], idempotency_key="k-2")
    assert dump(client) == before


def test_resending_after_a_revision_of_the_batch_was_deleted(client: splice.Client, assets) -> None:
    [r1, _] = client.batch_create_revisions([{"item": MODEL}, {"item": RIG}], idempotency_key="k-gone")
    r1.delete()
    before = dump(client)
    # the first answer cannot be given again, and the batch must not be made twice either
    with pytest.raises((ConflictError, NotFoundError), match="k-gone"):
        client.batch_create_revisions([{"item": MODEL}, {"item": RIG}], idempotency_key="k-gone")
    assert dump(client) == before


def test_resending_never_answers_with_someone_elses_revision(client: splice.Client, assets) -> None:
    [made] = client.batch_create_revisions([{"item": MODEL}], idempotency_key="k-reused")
    made.delete()
    unrelated = client.get_item(TEXTURE).create_revision()
    before = dump(client)
    try:
        again = client.batch_create_revisions([{"item": MODEL}], idempotency_key="k-reused")
    except (ConflictError, NotFoundError):
        again = None
    assert again is None or [r.item_kref for r in again] == [MODEL]
    assert again is None or unrelated.kref not in [r.kref for r in again]
    assert dump(client) == before


def test_a_failed_batch_does_not_use_up_its_key(client: splice.Client, assets) -> None:
    bad = [{"item": MODEL}, {"item": RIG, "edges": [{"target": f"{RIG}?r=3", "edge_type": "DEPENDS_ON"}]}]
    with pytest.raises(NotFoundError):
        client.batch_create_revisions(bad, idempotency_key="k-3")
    good = [{"item": MODEL}, {"item": RIG}]
    made = client.batch_create_revisions(good, idempotency_key="k-3")
    assert [str(r.kref) for r in made] == [f"{MODEL}?r=1", f"{RIG}?r=1"]


def test_bundles_are_refused_in_batches(client: splice.Client, assets) -> None:
    assets.create_bundle("pack")
    before = dump(client)
    with pytest.raises(ValidationError, match="add_member"):
        client.batch_create_revisions([{"item": MODEL}, {"item": "kref://show/assets/pack.bundle"}])
    assert dump(client) == before


def test_batch_can_publish(client: splice.Client, assets) -> None:
    [rev] = client.batch_create_revisions([{"item": MODEL, "tags": ["published", "approved"]}])
    assert rev.published is True
    assert sorted(rev.tags) == ["approved", "latest", "published"]


# -- batch reads --------------------------------------------------------------
@pytest.fixture
def published(client: splice.Client, assets) -> list[splice.Revision]:
    return client.batch_create_revisions(_publish_specs())


def test_batch_get_revisions_in_order_with_none_for_misses(client: splice.Client, published) -> None:
    krefs = [
        f"{RIG}?r=1",
        f"{MODEL}?r=9",  # no such revision
        f"{MODEL}?t=approved",
        "kref://show/assets/ghost.model",  # no such item
        MODEL,  # latest
        f"{MODEL}?t=nothing",  # no such tag
        f"{MODEL}?r=1",
        splice.Kref(f"{TEXTURE}?r=1"),
        "kref://nowhere/x.model?r=1",  # no such project
    ]
    got = splice.batch_get_revisions(krefs)
    assert len(got) == len(krefs)
    assert [str(r.kref) if r else None for r in got] == [
        f"{RIG}?r=1",
        None,
        f"{MODEL}?r=1",
        None,
        f"{MODEL}?r=2",
        None,
        f"{MODEL}?r=1",
        f"{TEXTURE}?r=1",
        None,
    ]
    assert got[2].metadata == {"artist": "jane"}
    assert got[7].metadata == {"res": "4k"}
    assert splice.batch_get_revisions([]) == []


def test_resolve_many_in_order_with_none_for_misses(client: splice.Client, published) -> None:
    krefs = [
        f"{MODEL}?r=1&a=mesh",
        f"{MODEL}?r=1",  # default artifact
        f"{MODEL}?t=published&a=mesh",
        f"{MODEL}?r=1&a=nothing",  # no such artifact
        MODEL,  # latest, default
        f"{TEXTURE}?r=2",  # no such revision
        f"{RIG}?t=latest&a=rig",
        "kref://show/assets/ghost.model",  # no such item
        f"{MODEL}?t=approved&a=proxy",
        f"{MODEL}?r=1&a=mesh",  # repeated
    ]
    assert splice.resolve_many(krefs) == [
        "/mnt/hero/v1/mesh.fbx",
        "s3://bucket/hero/v1/proxy.abc",
        "/mnt/hero/v2/mesh.fbx",
        None,
        "/mnt/hero/v2/mesh.fbx",
        None,
        "file:///mnt/hero/rig_v1.ma",
        None,
        "s3://bucket/hero/v1/proxy.abc",
        "/mnt/hero/v1/mesh.fbx",
    ]
    assert splice.resolve_many([]) == []
    # each answer is what resolve gives alone
    for kref, location in zip(krefs, splice.resolve_many(krefs), strict=True):
        if location is not None:
            assert splice.resolve(kref) == location
        else:
            with pytest.raises(NotFoundError):
                splice.resolve(kref)


def test_resolve_many_of_a_revision_without_artifacts(client: splice.Client, published) -> None:
    client.get_item(MODEL).create_revision()
    assert splice.resolve_many([MODEL, f"{MODEL}?r=2"]) == [None, "/mnt/hero/v2/mesh.fbx"]


def test_resolve_many_refuses_bad_krefs_before_reading(client: splice.Client, published) -> None:
    with pytest.raises(splice.errors.KrefError):
        splice.resolve_many([f"{MODEL}?r=1", "kref://show/../x.model"])
    with pytest.raises(ValidationError, match="item"):
        splice.resolve_many([f"{MODEL}?r=1", "kref://show/assets"])
