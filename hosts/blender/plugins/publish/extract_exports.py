"""Extract an instance's objects through Blender's exporters: Alembic, USD, glTF (binary)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import bpy
import pyblish.api

from splice.hosts.blender.lib import REPRESENTATIONS, filename, maintained_selection, representations

_ANIMATED = {"animation", "pointcache", "camera"}


def frame_range(instance: pyblish.api.Instance) -> tuple[int, int]:
    """The instance's frameStart/frameEnd (animated kinds: else the scene's range); else the
    current frame."""
    scene = bpy.context.scene
    if instance.data["kind"] in _ANIMATED or "frameStart" in instance.data:
        return (
            int(instance.data.get("frameStart", scene.frame_start)),
            int(instance.data.get("frameEnd", scene.frame_end)),
        )
    return scene.frame_current, scene.frame_current


class _Export(pyblish.api.InstancePlugin):
    """Select the members, run one exporter, add the representation."""

    order = pyblish.api.ExtractorOrder
    hosts: ClassVar[list[str]] = ["blender"]
    representation = ""

    def export(self, path: Path, instance: pyblish.api.Instance) -> Any:
        raise NotImplementedError

    def process(self, instance: pyblish.api.Instance) -> None:
        wanted = representations(instance.data["kind"], instance.data.get("options", {}))
        if self.representation not in wanted:
            return
        suffix = REPRESENTATIONS[self.representation][0]
        path = Path(instance.data["stagingDir"]) / filename(instance.name, suffix)
        with maintained_selection(instance.data["members"]):
            result = self.export(path, instance)
        if "FINISHED" not in result or not path.is_file():
            raise RuntimeError(f"{self.label}: Blender's exporter did not write {path} ({sorted(result)})")
        first, last = frame_range(instance)
        instance.data.setdefault("representations", []).append(
            {
                "name": self.representation,
                "path": str(path),
                "metadata": {"frameStart": str(first), "frameEnd": str(last)},
            }
        )
        self.log.info("wrote %s", path)


class ExtractAlembic(_Export):
    """The selected members to Alembic (``.abc``), over the instance's frame range."""

    label = "Extract Alembic"
    families: ClassVar[list[str]] = list(REPRESENTATIONS["abc"][1])
    representation = "abc"

    def export(self, path: Path, instance: pyblish.api.Instance) -> Any:
        first, last = frame_range(instance)
        return bpy.ops.wm.alembic_export(
            filepath=str(path), selected=True, start=first, end=last, as_background_job=False
        )


class ExtractUSD(_Export):
    """The selected members to USD (``.usd``) with their materials."""

    label = "Extract USD"
    families: ClassVar[list[str]] = list(REPRESENTATIONS["usd"][1])
    representation = "usd"

    def export(self, path: Path, instance: pyblish.api.Instance) -> Any:
        first, last = frame_range(instance)
        scene = bpy.context.scene
        saved = scene.frame_start, scene.frame_end
        scene.frame_start, scene.frame_end = first, last  # the USD exporter takes the scene's range
        try:
            return bpy.ops.wm.usd_export(
                filepath=str(path),
                selected_objects_only=True,
                export_animation=instance.data["kind"] in _ANIMATED,
                export_materials=True,
            )
        finally:
            scene.frame_start, scene.frame_end = saved


class ExtractGLTF(_Export):
    """The selected members to binary glTF (``.glb``)."""

    label = "Extract glTF"
    families: ClassVar[list[str]] = list(REPRESENTATIONS["gltf"][1])
    representation = "gltf"

    def export(self, path: Path, instance: pyblish.api.Instance) -> Any:
        return bpy.ops.export_scene.gltf(filepath=str(path), export_format="GLB", use_selection=True)
