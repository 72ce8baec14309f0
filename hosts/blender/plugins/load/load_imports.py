"""Import Alembic, USD and glTF files into a container collection (update re-imports)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import bpy

from splice.hosts.blender.lib import discard_holder, import_into, one_file, remove_content
from splice.hosts.blender.pipeline import BlenderHost
from splice.pipeline import Container, Loader


class _ImportLoader(Loader):
    """Run one import operator into the holder collection; update and switch re-import."""

    hosts = ("blender",)
    suffixes: tuple[str, ...] = ()

    def run(self, file: Path) -> Any:
        raise NotImplementedError

    def load(
        self, host: BlenderHost, revision: Any, representation: str, path: Path, name: str, namespace: str
    ) -> Container:
        file = one_file(Path(path), self.suffixes)
        holder = host.new_holder(name, namespace)
        try:
            import_into(holder, lambda: self.run(file))
        except BaseException:
            discard_holder(holder)
            raise
        kref = str(revision.item_kref.with_revision(revision.number))
        return host.write_container(Container(name, kref, self.name, representation, namespace))

    def update(self, host: BlenderHost, container: Container, revision: Any, path: Path) -> None:
        file = one_file(Path(path), self.suffixes)
        holder = host.holder(container.key)
        remove_content(holder)
        import_into(holder, lambda: self.run(file))

    def switch(self, host: BlenderHost, container: Container, revision: Any, path: Path) -> None:
        self.update(host, container, revision, path)

    def remove(self, host: BlenderHost, container: Container) -> None:
        remove_content(host.holder(container.key))


class AlembicLoader(_ImportLoader):
    """Alembic caches (``.abc``): models, animation, point caches, cameras."""

    kinds = ("model", "layout", "animation", "pointcache", "camera")
    representations = ("abc",)
    suffixes = (".abc",)

    def run(self, file: Path) -> Any:
        return bpy.ops.wm.alembic_import(filepath=str(file), as_background_job=False)


class USDLoader(_ImportLoader):
    """USD files (``.usd``, ``.usda``, ``.usdc``, ``.usdz``)."""

    kinds = ("model", "layout", "animation", "pointcache", "camera")
    representations = ("usd", "usda", "usdc", "usdz")
    suffixes = (".usd", ".usda", ".usdc", ".usdz")

    def run(self, file: Path) -> Any:
        return bpy.ops.wm.usd_import(filepath=str(file))

    # Blender's USD has no kref:// resolver: it imports a copy with the krefs resolved and
    # their files fetched first (splice.usd.localize); a file without krefs is used as it is.
    def load(
        self, host: BlenderHost, revision: Any, representation: str, path: Path, name: str, namespace: str
    ) -> Container:
        return super().load(host, revision, representation, _localized(path, revision), name, namespace)

    def update(self, host: BlenderHost, container: Container, revision: Any, path: Path) -> None:
        super().update(host, container, revision, _localized(path, revision))


def _localized(path: Path, revision: Any) -> Path:
    from splice.usd.load import localize_for

    return localize_for(one_file(Path(path), USDLoader.suffixes), revision)


class GLTFLoader(_ImportLoader):
    """glTF files (``.glb``, ``.gltf``)."""

    kinds = ("model", "animation")
    representations = ("gltf", "glb")
    suffixes = (".glb", ".gltf")

    def run(self, file: Path) -> Any:
        return bpy.ops.import_scene.gltf(filepath=str(file))
