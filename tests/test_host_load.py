"""Loading on MemoryHost, on every engine: a kref (number, tag, tag at a time, latest) → the
representation → verified files from the store → the loader → a container; the asset
package's own hook; and bad input that leaves the scene as it was and says what is missing."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from host_support import TEXTURE, Show, make_show

import splice
import splice.files
import splice.pipeline
from splice.errors import AlreadyExistsError, NotFoundError, ValidationError
from splice.files import ChecksumError
from splice.pipeline import MemoryHost, inventory
from splice.pipeline.hooks import HookError

HERO = "kref://show/assets/hero.model"


@pytest.fixture
def show(client: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Show:
    show = make_show(client, tmp_path, monkeypatch)
    item = client.get_space("kref://show/assets").create_item("hero", "model")
    for number in (1, 2, 3):
        revision = item.create_revision({"package.version": f"1.{number}.0"} if number == 1 else {})
        path = tmp_path / f"hero_v{number}.json"
        path.write_text(json.dumps({"hero": {"version": number}}))
        splice.files.store(revision, "json", path)
        proxy = tmp_path / f"hero_v{number}_proxy.abc"
        proxy.write_text(f"ABC {number}")
        splice.files.store(revision, "proxy", proxy)
        if number == 2:
            revision.tag("approved")
    return show


def _scene(host: MemoryHost) -> tuple:
    return ([c.to_dict() for c in host.ls_containers()], json.dumps(host.content, sort_keys=True))


def test_load_latest_builds_content_from_verified_files(show: Show) -> None:
    host = show.host()
    container = splice.pipeline.load(host, HERO, loaders=show.loaders, client=show.client)
    assert container.to_dict() == {
        "name": "hero",
        "namespace": "hero_01",
        "kref": f"{HERO}?r=3",
        "loader": "JsonLoader",
        "representation": "json",
        "data": {},
    }
    assert host.ls_containers() == [container]
    assert host.content["hero_01:hero"] == {"hero": {"version": 3}}


@pytest.mark.parametrize(
    ("kref", "number"),
    [(f"{HERO}?r=1", 1), (f"{HERO}?t=approved", 2), (f"{HERO}?t=latest", 3), (f"{HERO}?r=2&a=json", 2)],
)
def test_load_by_number_tag_and_artifact(show: Show, kref: str, number: int) -> None:
    host = show.host()
    container = splice.pipeline.load(host, kref, loaders=show.loaders, client=show.client)
    assert container.revision == number and host.content[container.key] == {"hero": {"version": number}}


def test_load_a_tag_as_it_was_at_a_time(show: Show) -> None:
    before = show.client.get_revision(f"{HERO}?t=approved")
    time.sleep(0.01)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    time.sleep(0.01)
    show.client.get_revision(f"{HERO}?r=3").tag("approved")
    host = show.host()
    then = splice.pipeline.load(
        host, f"{HERO}?t=approved&time={stamp}", loaders=show.loaders, client=show.client
    )
    now = splice.pipeline.load(host, f"{HERO}?t=approved", loaders=show.loaders, client=show.client)
    assert (then.revision, now.revision) == (before.number, 3) == (2, 3)


def test_namespaces_are_made_unique_and_a_taken_one_is_refused(show: Show) -> None:
    host = show.host()
    first = splice.pipeline.load(host, HERO, loaders=show.loaders, client=show.client)
    second = splice.pipeline.load(host, HERO, loaders=show.loaders, client=show.client)
    assert (first.namespace, second.namespace) == ("hero_01", "hero_02")
    before = _scene(host)
    with pytest.raises(AlreadyExistsError, match="hero_01:hero"):
        splice.pipeline.load(host, HERO, namespace="hero_01", loaders=show.loaders, client=show.client)
    assert _scene(host) == before


def test_representation_by_extension_picks_a_loader_serving_it(show: Show) -> None:
    host = show.host()
    container = splice.pipeline.load(host, f"{TEXTURE}?r=1", "exr", loaders=show.loaders, client=show.client)
    assert (container.loader, container.representation) == ("TextureLoader", "diffuse")
    loaded = host.content[container.key]
    assert loaded["bytes"] == "EXR metal v1" and Path(loaded["image"]).name == "metal_diffuse.exr"


def test_loaders_come_from_the_loader_path(show: Show, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = show.root / "loaders"
    monkeypatch.setenv("SPLICE_LOADER_PATH", f"/nonexistent{':'}{folder}")
    container = splice.pipeline.load(show.host(), HERO, client=show.client)
    assert container.loader == "JsonLoader"


@pytest.mark.parametrize(
    ("kref", "representation", "error", "message"),
    [
        (f"{HERO}?r=9", None, NotFoundError, "r=9"),
        (f"{HERO}?t=nope", None, NotFoundError, "nope"),
        ("kref://show/assets/ghost.model", None, NotFoundError, "ghost"),
        (HERO, "usd", NotFoundError, "no representation 'usd'; it has ['json (.json)', 'proxy (.abc)']"),
        (HERO, "proxy", NotFoundError, "no loader serves 'proxy' (abc, proxy) of a 'model' item in 'memory'"),
        ("kref://show/assets", None, ValidationError, "item or revision kref"),
        (f"{HERO}?r=1&a=json", "proxy", ValidationError, "names artifact 'json'"),
    ],
)
def test_bad_loads_leave_the_scene_unchanged_and_say_what_is_missing(
    show: Show, kref: str, representation: str | None, error: type, message: str
) -> None:
    host = show.host()
    splice.pipeline.load(host, f"{HERO}?r=1", loaders=show.loaders, client=show.client)
    before = _scene(host)
    with pytest.raises(error) as info:
        splice.pipeline.load(host, kref, representation, loaders=show.loaders, client=show.client)
    assert message in str(info.value)
    assert _scene(host) == before


def test_a_missing_or_corrupt_file_is_not_loaded(show: Show) -> None:
    host = show.host()
    plain = show.client.get_revision(f"{HERO}?r=1").get_item().create_revision()
    plain.create_artifact("json", str(show.root / "gone.json"))
    with pytest.raises(NotFoundError, match=r"gone\.json is missing"):
        splice.pipeline.load(host, str(plain.kref), loaders=show.loaders, client=show.client)
    # corrupt the stored object of r1's json: the checksum refuses it
    meta = show.client.get_revision(f"{HERO}?r=1").get_artifact("json").metadata
    oid = meta["content_hash"]
    obj = show.store / "files" / "md5" / oid[:2] / oid[2:]
    obj.chmod(0o644)
    obj.write_text('{"hero": "tampered"}')
    with pytest.raises(ChecksumError):
        splice.pipeline.load(host, f"{HERO}?r=1", loaders=show.loaders, client=show.client)
    assert host.ls_containers() == [] and host.content == {}


def test_inventory_update_hands_the_loader_the_new_files(show: Show) -> None:
    host = show.host()
    container = splice.pipeline.load(host, f"{HERO}?r=1", loaders=show.loaders, client=show.client)
    [entry] = inventory.outdated(host, show.client, "latest")
    assert (entry.current, entry.wanted) == (1, 3)
    inventory.update(host, show.client, container.key, "latest", show.loaders)
    assert host.content[container.key] == {"hero": {"version": 3}}
    assert host.read_container(container.key).revision == 3


HOOKS = """
def on_load_memory(host, container, path):
    host.content[container.key]["rigged"] = True
    return {"controls": 12}


def on_load(host, container, path):
    raise AssertionError("the host-specific hook wins")
"""


@pytest.fixture
def hero_package(show: Show, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """hero r1's asset package, built as a real wheel with the asset's hooks and installed."""
    from splice.packages.build import build_revision

    pytest.importorskip("hatchling")
    code = tmp_path / "hero_hooks.py"
    code.write_text(HOOKS)
    wheel = build_revision(show.client.get_revision(f"{HERO}?r=1"), tmp_path / "wheels", code=code)
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "uv", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    monkeypatch.syspath_prepend(str(site))
    yield site
    for name in [m for m in sys.modules if m.startswith("splice_assets")]:
        del sys.modules[name]


def test_the_asset_packages_hook_finishes_the_build(show: Show, hero_package: Path) -> None:
    host = show.host()
    container = splice.pipeline.load(host, f"{HERO}?r=1", loaders=show.loaders, client=show.client)
    assert host.content[container.key]["rigged"] is True
    hook = container.data["hook"]
    assert (hook["function"], hook["revision"], hook["result"]) == ("on_load_memory", 1, {"controls": 12})
    assert host.read_container(container.key).data["hook"] == hook


def test_a_failing_hook_undoes_the_load(show: Show, hero_package: Path) -> None:
    host = MemoryHost("maya")  # no on_load_maya: the generic on_load runs, and raises
    loaders = {name: type(name, (cls,), {"hosts": ()}) for name, cls in show.loaders.items()}
    with pytest.raises(HookError, match="the host-specific hook wins"):
        splice.pipeline.load(host, f"{HERO}?r=1", loaders=loaders, client=show.client)
    assert host.ls_containers() == [] and host.content == {}


def test_a_loader_folder_given_twice_is_read_once(show: Show, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = show.root / "loaders"
    monkeypatch.setenv("SPLICE_LOADER_PATH", str(folder))  # as the launcher sets it, and the adapter adds it
    loaders = splice.pipeline.loaders_for(folder, folder / ".")
    assert sorted(loaders) == ["JsonLoader", "TextureLoader"]


PRIORITY = """
from splice.pipeline import Container, Loader


class AppendJson(Loader):
    representations = ("json",)
    hosts = ("memory",)

    def load(self, host, revision, representation, path, name, namespace):
        kref = str(revision.item_kref.with_revision(revision.number))
        return host.write_container(Container(name, kref, self.name, representation, namespace))


class LinkJson(AppendJson):
    priority = 10
"""


def test_priority_picks_the_default_loader_before_names(show: Show) -> None:
    (show.root / "priority").mkdir()
    (show.root / "priority" / "p.py").write_text(PRIORITY)
    loaders = splice.pipeline.discover_loaders([show.root / "priority"])
    assert splice.pipeline.load(show.host(), HERO, loaders=loaders, client=show.client).loader == "LinkJson"


KEEPING = '''
from splice.pipeline import Container, Loader
import dataclasses


class KeepingLoader(Loader):
    """Writes what it built into the container's data on load and on update."""

    representations = ("json",)

    def load(self, host, revision, representation, path, name, namespace):
        kref = str(revision.item_kref.with_revision(revision.number))
        data = {"built_from": path.name}
        return host.write_container(Container(name, kref, self.name, representation, namespace, data))

    def update(self, host, container, revision, path):
        host.write_container(dataclasses.replace(container, data={"built_from": path.name}))
'''


def test_what_a_loader_writes_on_update_is_kept(show: Show) -> None:
    (show.root / "keeping").mkdir()
    (show.root / "keeping" / "k.py").write_text(KEEPING)
    loaders = splice.pipeline.discover_loaders([show.root / "keeping"])
    host = show.host()
    container = splice.pipeline.load(host, f"{HERO}?r=1", loaders=loaders, client=show.client)
    assert container.data == {"built_from": "hero_v1.json"}
    updated = inventory.update(host, show.client, container.key, "latest", loaders)
    assert updated.revision == 3 and updated.data == {"built_from": "hero_v3.json"}
