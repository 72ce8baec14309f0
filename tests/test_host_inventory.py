"""The scene inventory on MemoryHost, on every engine: the outdated check of a whole scene
in ONE backend round trip, update / switch / remove through discovered loaders, and bad
input that raises typed errors and leaves the scene as it was."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import splice
from splice.errors import NotFoundError, ValidationError
from splice.pipeline import Container, Loader, MemoryHost, discover_loaders, inventory

LOADER_MODULE = '''
from splice.pipeline import Container, Loader


class ModelLoader(Loader):
    """Keeps what it built in host.content, so tests can see what it did."""

    kinds = ("model",)
    representations = ("mesh",)
    hosts = ("memory",)

    def load(self, host, revision, representation, path, name, namespace):
        host.content[name] = {"item": str(revision.item_kref), "revision": revision.number, "path": str(path)}
        kref = str(revision.item_kref.with_revision(revision.number))
        return host.write_container(Container(name, kref, self.name, representation, namespace))

    def update(self, host, container, revision, path):
        host.content[container.name].update(revision=revision.number, path=str(path))

    def switch(self, host, container, revision, path):
        host.content[container.name] = {
            "item": str(revision.item_kref), "revision": revision.number, "path": str(path)
        }

    def remove(self, host, container):
        del host.content[container.name]


class _Helper(Loader):
    """Private: not discovered."""
'''


@pytest.fixture
def loaders(tmp_path: Path) -> dict[str, type[Loader]]:
    folder = tmp_path / "loaders"
    folder.mkdir()
    (folder / "models.py").write_text(textwrap.dedent(LOADER_MODULE))
    return discover_loaders([folder])


def _mesh_file(folder: Path, name: str, number: int) -> str:
    """A real local file per revision: loaders are given the path of what they load."""
    path = folder / f"{name}_v{number}.mesh"
    path.write_text(f"{name} r{number}\n")
    return str(path)


@pytest.fixture
def scene(client: splice.Client, loaders, tmp_path: Path) -> MemoryHost:
    """hero r1..r3 (r2 published), tree r1..r2, rock r1; the scene holds hero r1, tree r2, rock r1."""
    space = client.create_project("show").create_space("assets")
    items = {}
    for name, count in (("hero", 3), ("tree", 2), ("rock", 1)):
        item = space.create_item(name, "model")
        revisions = [item.create_revision() for _ in range(count)]
        for number, revision in enumerate(revisions, 1):
            revision.create_artifact("mesh", _mesh_file(tmp_path, name, number))
        items[name] = revisions
    items["hero"][1].tag("published")
    items["rock"][0].tag("published")
    host = MemoryHost()
    loader = loaders["ModelLoader"]()
    for name, number in (("hero", 1), ("tree", 2), ("rock", 1)):
        revision = items[name][number - 1]
        loader.load(host, revision, "mesh", Path(revision.get_artifact("mesh").location), name, "env")
    return host


@pytest.fixture
def calls(client: splice.Client, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many krefs each backend.batch_get_revisions call carried."""
    seen: list[int] = []
    real = client.backend.batch_get_revisions

    def counting(krefs):
        seen.append(len(krefs))
        return real(krefs)

    monkeypatch.setattr(client.backend, "batch_get_revisions", counting)
    return seen


def _status(entries) -> dict[str, tuple[str, int, int | None]]:
    return {e.container.name: (e.status, e.current, e.wanted) for e in entries}


def test_discovery_finds_public_loader_subclasses(loaders) -> None:
    assert list(loaders) == ["ModelLoader"]
    cls = loaders["ModelLoader"]
    assert cls.serves("model", "mesh", "memory") and not cls.serves("rig", "mesh", "memory")
    assert discover_loaders(["splice.pipeline.loader"]) == {}  # the base class is not a loader


@pytest.mark.parametrize(
    ("want", "expected"),
    [
        ("latest", {"hero": ("outdated", 1, 3), "tree": ("current", 2, 2), "rock": ("current", 1, 1)}),
        ("published", {"hero": ("outdated", 1, 2), "tree": ("no-match", 2, None), "rock": ("current", 1, 1)}),
        (1, {"hero": ("current", 1, 1), "tree": ("outdated", 2, 1), "rock": ("current", 1, 1)}),
    ],
)
def test_outdated_check_is_one_round_trip(scene, client, calls, want, expected) -> None:
    entries = inventory.check(scene, client, want)
    assert len(calls) == 1  # ONE backend call for the whole scene
    assert _status(entries) == expected
    hero = next(e for e in entries if e.container.name == "hero")
    assert hero.reason and hero.wanted_kref == f"kref://show/assets/hero.model?r={expected['hero'][2]}"
    outdated = [e.container.name for e in inventory.outdated(scene, client, want)]
    assert outdated == [n for n, s in expected.items() if s[0] == "outdated"]


def test_a_big_scene_is_still_one_round_trip(client, calls) -> None:
    item = client.create_project("big").create_space("set").create_item("pebble", "model")
    first, _ = item.create_revision(), item.create_revision()
    host = MemoryHost()
    for i in range(200):
        host.write_container(Container(f"pebble{i:03}", str(first.kref), "ModelLoader", "mesh"))
    entries = inventory.check(host, client, "latest")
    assert len(calls) == 1 and all(e.status == "outdated" and e.wanted == 2 for e in entries)


def test_update_to_latest_tag_and_revision(scene, client, loaders) -> None:
    updated = inventory.update(scene, client, "env:hero", "published", loaders)
    assert updated.revision == 2 and scene.read_container("env:hero").revision == 2
    assert scene.content["hero"]["revision"] == 2
    assert Path(scene.content["hero"]["path"]).name == "hero_v2.mesh"
    assert inventory.update(scene, client, "env:hero", "latest", loaders).revision == 3
    assert inventory.update(scene, client, "env:hero", 1, loaders).revision == 1
    assert scene.content["hero"]["revision"] == 1
    # without loaders only the container changes
    assert inventory.update(scene, client, scene.read_container("env:hero")).revision == 3
    assert scene.content["hero"]["revision"] == 1


def test_update_all_updates_every_outdated_container(scene, client, loaders, calls) -> None:
    written = inventory.update_all(scene, client, "latest", loaders)
    assert [c.name for c in written] == ["hero"] and len(calls) == 1
    assert inventory.outdated(scene, client) == []


def test_switch_to_another_item(scene, client, loaders) -> None:
    switched = inventory.switch(scene, client, "env:hero", "kref://show/assets/tree.model", "latest", loaders)
    assert switched.kref == "kref://show/assets/tree.model?r=2" and switched.key == "env:hero"
    assert scene.content["hero"]["item"] == "kref://show/assets/tree.model"
    assert scene.content["hero"]["revision"] == 2
    assert Path(scene.content["hero"]["path"]).read_text() == "tree r2\n"  # the loader got its files


def test_remove(scene, loaders) -> None:
    inventory.remove(scene, "env:rock", loaders)
    assert "rock" not in scene.content
    assert [c.name for c in inventory.ls(scene)] == ["hero", "tree"]


def _snapshot(host: MemoryHost):
    return host.ls_containers(), {k: dict(v) for k, v in host.content.items()}


@pytest.mark.parametrize("want", ["no such tag!", 0, -1, 2.5, True, None])
def test_an_unknown_selector_is_refused_before_any_call(scene, client, loaders, calls, want) -> None:
    before = _snapshot(scene)
    for call in (
        lambda: inventory.check(scene, client, want),
        lambda: inventory.update(scene, client, "env:hero", want, loaders),
        lambda: inventory.update_all(scene, client, want, loaders),
        lambda: inventory.switch(scene, client, "env:hero", "kref://show/assets/tree.model", want),
    ):
        with pytest.raises(ValidationError, match="unknown selector"):
            call()
    assert calls == [] and _snapshot(scene) == before


def test_a_container_whose_kref_no_longer_resolves(scene, client, loaders) -> None:
    client.get_item("kref://show/assets/tree.model").delete(force=True)
    before = _snapshot(scene)
    statuses = _status(inventory.check(scene, client))
    assert statuses["tree"] == ("missing", 2, None)
    with pytest.raises(NotFoundError, match="no longer resolves"):
        inventory.update(scene, client, "env:tree", "latest", loaders)
    assert [c.name for c in inventory.update_all(scene, client, "latest", loaders)] == ["hero"]
    assert scene.read_container("env:tree") == before[0][2]
    # switching away is how an artist repairs it
    inventory.switch(scene, client, "env:tree", "kref://show/assets/rock.model", "latest", loaders)
    assert scene.read_container("env:tree").kref == "kref://show/assets/rock.model?r=1"


def test_other_bad_input_changes_nothing(scene, client, loaders) -> None:
    before = _snapshot(scene)
    with pytest.raises(NotFoundError, match="no container"):
        inventory.update(scene, client, "env:nope", "latest", loaders)
    with pytest.raises(NotFoundError, match="matches 'published'"):
        inventory.update(scene, client, "env:tree", "published", loaders)
    with pytest.raises(NotFoundError, match="no loader named 'ModelLoader'"):
        inventory.update(scene, client, "env:hero", "latest", {})
    with pytest.raises(NotFoundError, match="no revision"):
        inventory.switch(scene, client, "env:hero", "kref://show/assets/ghost.model", "latest", loaders)
    with pytest.raises(ValidationError, match="item kref"):
        inventory.switch(scene, client, "env:hero", "kref://show/assets", "latest", loaders)
    with pytest.raises(ValidationError, match=r"switch keeps the kind: .*hero.rig is a 'rig' item"):
        rig = client.get_space("kref://show/assets").create_item("hero", "rig")
        rig.create_revision()
        inventory.switch(scene, client, "env:hero", "kref://show/assets/hero.rig", "latest", loaders)
    with pytest.raises(NotFoundError, match="no loader module"):
        discover_loaders(["/nonexistent/loaders"])
    assert _snapshot(scene) == before


def test_discovery_from_module_names_files_and_bad_sources(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "studio_loaders.py").write_text(textwrap.dedent(LOADER_MODULE))
    assert list(discover_loaders([tmp_path / "studio_loaders.py"])) == ["ModelLoader"]
    monkeypatch.syspath_prepend(str(tmp_path))
    assert list(discover_loaders("studio_loaders")) == ["ModelLoader"]
    with pytest.raises(NotFoundError, match="no loader module 'no_such_loaders'"):
        discover_loaders(["no_such_loaders"])
    twice = "from splice.pipeline import Loader\n\n\nclass ModelLoader(Loader):\n    pass\n"
    (tmp_path / "twice.py").write_text(twice)
    with pytest.raises(ValidationError, match="two loaders are named 'ModelLoader'"):
        discover_loaders([tmp_path / "studio_loaders.py", tmp_path / "twice.py"])


MORE_LOADERS = """
from splice.pipeline import Container, Loader


class CacheLoader(Loader):
    \"\"\"Serves the abc representation of models; it cannot switch (remove + load instead).\"\"\"

    kinds = ("model",)
    representations = ("abc",)
    hosts = ("memory",)

    def load(self, host, revision, representation, path, name, namespace):
        if "fail" in path.read_text():
            raise RuntimeError("cannot read this cache")
        host.content[name] = {"cache": path.read_text(), "revision": revision.number}
        kref = str(revision.item_kref.with_revision(revision.number))
        made = Container(name, kref, self.name, representation, namespace, {"by": "cache"})
        return host.write_container(made)

    def remove(self, host, container):
        del host.content[container.name]
"""


@pytest.fixture
def more(loaders, tmp_path: Path, client: splice.Client) -> dict[str, type[Loader]]:
    """ModelLoader and CacheLoader; hero r3 has a mesh and an abc, tree r2 too (hero r2: a mesh only)."""
    folder = tmp_path / "more_loaders"
    folder.mkdir()
    (folder / "caches.py").write_text(MORE_LOADERS)
    for name, number in (("hero", 3), ("tree", 2)):
        revision = client.get_revision(f"kref://show/assets/{name}.model?r={number}")
        cache = tmp_path / f"{name}_v{number}.abc"
        cache.write_text(f"{name} cache r{number}")
        revision.create_artifact("abc", str(cache))
        revision.create_artifact("lod", _mesh_file(tmp_path, f"{name}_lod", number))
    return {**loaders, **discover_loaders([folder])}


def test_switch_the_representation_with_the_same_loader(scene, client, more) -> None:
    inventory.update(scene, client, "env:hero", "latest", more)
    switched = inventory.switch(scene, client, "env:hero", representation="lod", loaders=more)
    assert switched.representation == "lod" and switched.kref.endswith("hero.model?r=3")
    assert switched.loader == "ModelLoader" and Path(scene.content["hero"]["path"]).name == "hero_lod_v3.mesh"


def test_switch_to_a_representation_another_loader_serves_reloads_in_the_namespace(
    scene, client, more
) -> None:
    switched = inventory.switch(scene, client, "env:tree", representation="abc", loaders=more)
    assert (switched.key, switched.loader, switched.representation) == ("env:tree", "CacheLoader", "abc")
    assert switched.kref == "kref://show/assets/tree.model?r=2" and switched.data == {"by": "cache"}
    assert scene.content["tree"] == {"cache": "tree cache r2", "revision": 2}
    # and back: CacheLoader cannot switch, so the ModelLoader loads the mesh again
    back = inventory.switch(scene, client, "env:tree", representation="mesh", loaders=more)
    assert (back.loader, back.representation) == ("ModelLoader", "mesh")
    assert Path(scene.content["tree"]["path"]).name == "tree_v2.mesh"
    # another item and its abc together: one call
    both = inventory.switch(scene, client, "env:tree", "kref://show/assets/hero.model", loaders=more,
                            representation="abc")  # fmt: skip
    assert both.kref.endswith("hero.model?r=3") and scene.content["tree"]["cache"] == "hero cache r3"


def test_a_switch_that_cannot_be_made_changes_nothing(scene, client, more, tmp_path: Path) -> None:
    before = _snapshot(scene)
    with pytest.raises(NotFoundError, match="has no representation 'usd'; it has"):
        inventory.switch(scene, client, "env:tree", representation="usd", loaders=more)
    tree = client.get_revision("kref://show/assets/tree.model?r=2")
    (tmp_path / "tree.txt").write_text("notes")
    tree.create_artifact("notes", str(tmp_path / "tree.txt"))
    with pytest.raises(NotFoundError, match="no loader serves 'notes'"):
        inventory.switch(scene, client, "env:tree", representation="notes", loaders=more)
    with pytest.raises(ValidationError, match="switch needs an item"):
        inventory.switch(scene, client, "env:tree", loaders=more)
    with pytest.raises(NotFoundError, match="no loader named 'Nope'"):
        inventory.switch(scene, client, "env:tree", representation="abc", loaders=more, loader="Nope")
    assert _snapshot(scene) == before
    # the new loader fails half-way: the old content is put back as it was
    bad = client.get_revision("kref://show/assets/hero.model?r=3")
    (tmp_path / "bad.abc").write_text("fail")
    bad.create_artifact("broken", str(tmp_path / "bad.abc"))
    with pytest.raises(RuntimeError, match="cannot read this cache"):
        inventory.switch(scene, client, "env:hero", "kref://show/assets/hero.model", loaders=more,
                         representation="broken", loader="CacheLoader")  # fmt: skip
    assert _snapshot(scene) == before


def test_prepare_then_apply_does_the_store_work_first(scene, client, more, calls) -> None:
    containers = scene.ls_containers()
    plan = inventory.prepare_update(scene, client, containers, "latest", more)
    assert len(calls) == 1 and scene.content["hero"]["revision"] == 1  # the scene is untouched
    assert [c.container.key for c in plan.changes] == ["env:hero"]
    assert plan.unchanged == {"env:tree": "already current (r2)", "env:rock": "already current (r1)"}
    assert [inventory.apply(scene, c).revision for c in plan.changes] == [3]
    switch = inventory.prepare_switch(scene, client, containers, "kref://show/assets/tree.model", 1, more)
    assert len(calls) == 2 and not switch.failed and not switch.unchanged
    assert sorted(c.container.key for c in switch.changes) == ["env:hero", "env:rock", "env:tree"]
    assert scene.content["rock"]["item"] == "kref://show/assets/rock.model"  # still nothing applied
