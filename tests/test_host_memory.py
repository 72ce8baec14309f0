"""The host records and MemoryHost, the reference Host: context, scene file, containers,
instances and selection, with containers and instances surviving save and open."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from splice.errors import AlreadyExistsError, KrefError, NotFoundError, ValidationError
from splice.pipeline import Container, Context, Host, Instance, MemoryHost

HERO = "kref://show/assets/hero.model"


def _container(name: str = "hero", revision: int = 1, namespace: str = "chars") -> Container:
    return Container(
        name=name,
        namespace=namespace,
        kref=f"{HERO}?r={revision}",
        loader="ModelLoader",
        representation="mesh",
        data={"frames": [1001, 1100], "nested": {"a": 1}},
    )


def test_memory_host_is_a_host() -> None:
    host = MemoryHost()
    assert isinstance(host, Host)
    assert host.name == "memory" and host.version


def test_records_round_trip_through_json() -> None:
    records = [
        _container(),
        Instance(name="heroMain", kind="model", item=HERO, options={"lod": 2}, active=False),
        Context(project="show", space="kref://show/shots/sq010/sh010", task="anim"),
    ]
    for record in records:
        again = type(record).from_dict(json.loads(json.dumps(record.to_dict())))
        assert again == record


@pytest.mark.parametrize(
    "make",
    [
        lambda: Container(name="x", kref=HERO, loader="L", representation="mesh"),  # no revision
        lambda: Container(name="x", kref=f"{HERO}?t=published", loader="L", representation="mesh"),
        lambda: Container(name="", kref=f"{HERO}?r=1", loader="L", representation="mesh"),
        lambda: Container(name="x", kref=f"{HERO}?r=1", loader="L", representation="mesh", data=[1]),
        lambda: Instance(name="i", kind="rig", item=HERO),  # kind differs from the item's
        lambda: Instance(name="i", kind="model", item=f"{HERO}?r=2"),
        lambda: Context(project="show", space="kref://other/shots"),
        lambda: Container.from_dict({"name": "x", "kref": f"{HERO}?r=1", "loader": "L"}),
        lambda: Container.from_dict({**_container().to_dict(), "colour": "red"}),
    ],
)
def test_bad_records_raise_validation_errors(make) -> None:
    with pytest.raises(ValidationError) as info:
        make()
    assert str(info.value)


def test_a_bad_kref_is_a_kref_error() -> None:
    with pytest.raises(KrefError):
        Container(name="x", kref="kref://", loader="L", representation="mesh")


def test_containers_and_instances_round_trip_through_save_and_open(tmp_path: Path) -> None:
    host = MemoryHost()
    host.set_context(Context(project="show", space="kref://show/assets", task="model"))
    host.write_container(_container("hero", 1))
    host.write_container(_container("tree", 2, namespace=""))
    host.create_instance(Instance(name="heroMain", kind="model", item=HERO, options={"lod": 0}))
    host.set_selection(["hero_geo"])
    host.content["hero_geo"] = {"points": 8}
    path = host.save_file(tmp_path / "shot.json")
    assert host.current_file() == path

    other = MemoryHost()
    other.open_file(path)
    assert other.current_file() == path
    assert other.ls_containers() == host.ls_containers()
    assert [c.key for c in other.ls_containers()] == ["chars:hero", "tree"]
    assert other.read_container("chars:hero").data == {"frames": [1001, 1100], "nested": {"a": 1}}
    assert other.list_instances() == host.list_instances()
    assert other.get_context() == host.get_context()
    assert other.get_selection() == ["hero_geo"]
    assert other.content == {"hero_geo": {"points": 8}}

    # saving again without a path writes where the scene came from
    other.remove_container("tree")
    assert other.save_file() == path
    third = MemoryHost()
    third.open_file(path)
    assert [c.key for c in third.ls_containers()] == ["chars:hero"]


def test_instances_create_update_remove() -> None:
    host = MemoryHost()
    inst = Instance(name="heroMain", kind="model", item=HERO)
    host.create_instance(inst)
    with pytest.raises(AlreadyExistsError):
        host.create_instance(inst)
    host.update_instance(Instance(name="heroMain", kind="model", item=HERO, active=False))
    assert host.list_instances()[0].active is False
    host.remove_instance("heroMain")
    assert host.list_instances() == []
    with pytest.raises(NotFoundError):
        host.update_instance(inst)
    with pytest.raises(NotFoundError):
        host.remove_instance("heroMain")


def test_bad_scene_input_changes_nothing(tmp_path: Path) -> None:
    host = MemoryHost()
    host.write_container(_container())
    before = host.ls_containers()
    with pytest.raises(NotFoundError, match="no container 'nope'"):
        host.read_container("nope")
    with pytest.raises(NotFoundError):
        host.remove_container("nope")
    with pytest.raises(ValidationError, match="never saved"):
        host.save_file()
    with pytest.raises(NotFoundError, match="no scene file"):
        host.open_file(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "splice.memory-scene/1", "containers": [{"name": "x"}]}))
    with pytest.raises(ValidationError):
        host.open_file(bad)
    (tmp_path / "junk.json").write_text("{not json")
    with pytest.raises(ValidationError):
        host.open_file(tmp_path / "junk.json")
    assert host.ls_containers() == before and host.current_file() is None


def test_import_splice_does_not_import_the_host_framework() -> None:
    code = "import sys, splice; print('splice.pipeline' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
