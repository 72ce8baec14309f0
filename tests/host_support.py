"""Helpers of the host tests: a show with a file store, a loader for MemoryHost, a texture."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

import splice
import splice.pipeline
from splice.pipeline import Context, Loader, MemoryHost, discover_loaders

pytest.importorskip("dvc_data", reason="the files extra is not installed (pip install 'splice[files]')")

TEXTURE = "kref://show/assets/metal.texture"
HERO = "kref://show/assets/hero.model"

LOADERS = '''
import json

from splice.pipeline import Container, Loader


class JsonLoader(Loader):
    """Reads a published JSON file into host.content under the container's name."""

    representations = ("json",)
    hosts = ("memory",)

    def load(self, host, revision, representation, path, name, namespace):
        host.content[f"{namespace}:{name}"] = json.loads(path.read_text())
        kref = str(revision.item_kref.with_revision(revision.number))
        return host.write_container(Container(name, kref, self.name, representation, namespace))

    def update(self, host, container, revision, path):
        host.content[container.key] = json.loads(path.read_text())

    def switch(self, host, container, revision, path):
        host.content[container.key] = json.loads(path.read_text())

    def remove(self, host, container):
        del host.content[container.key]


class TextureLoader(Loader):
    """Records the image's path and bytes, as a shader would reference it."""

    kinds = ("texture",)
    representations = ("exr", "png")

    def load(self, host, revision, representation, path, name, namespace):
        host.content[f"{namespace}:{name}"] = {"image": str(path), "bytes": path.read_text()}
        kref = str(revision.item_kref.with_revision(revision.number))
        return host.write_container(Container(name, kref, self.name, representation, namespace))

    def remove(self, host, container):
        del host.content[container.key]
'''


@dataclass
class Show:
    client: splice.Client
    store: Path
    root: Path
    loaders: dict[str, type[Loader]]

    def host(self, task: str = "modeling") -> MemoryHost:
        host = MemoryHost()
        host.set_context(Context("show", "kref://show/assets", task))
        return host

    def objects(self) -> set[str]:
        """Every object file in the store (content-addressed)."""
        return {str(p.relative_to(self.store)) for p in self.store.rglob("*") if p.is_file()}


def make_show(client: splice.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Show:
    """Project ``show`` (store in tmp) with space ``assets`` and texture ``metal`` r1 (an .exr
    stored in the store), and the loaders of :data:`LOADERS`."""
    monkeypatch.setenv("SPLICE_FILE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("SPLICE_FILE_STORE", raising=False)
    monkeypatch.delenv("PYBLISHPLUGINPATH", raising=False)
    monkeypatch.delenv("SPLICE_LOADER_PATH", raising=False)
    store = tmp_path / "store"
    project = client.create_project("show", metadata={"files.store": str(store)})
    texture = project.create_space("assets").create_item("metal", "texture").create_revision()
    image = tmp_path / "metal_diffuse.exr"
    image.write_text("EXR metal v1")
    import splice.files

    splice.files.store(texture, "diffuse", image)
    folder = tmp_path / "loaders"
    folder.mkdir()
    (folder / "memory_loaders.py").write_text(textwrap.dedent(LOADERS))
    return Show(client, store, tmp_path, discover_loaders([folder]))


def scene_with_hero(
    show: Show, host: MemoryHost | None = None, members: list[str] | None = None
) -> MemoryHost:
    """A scene that loaded the texture and models ``hero`` (marked as a model instance)."""
    host = host or show.host()
    splice.pipeline.load(host, f"{TEXTURE}?t=latest", loaders=show.loaders, client=show.client)
    host.content["hero"] = {"mesh": "cube", "faces": 6}
    options = {"members": ["hero"] if members is None else members, "tags": ["approved"]}
    splice.pipeline.create(host, "model", "hero", options=options)
    return host


def read_json(path: Path) -> object:
    return json.loads(Path(path).read_text())
