"""The representations an instance asks for can be written by this Blender.

Alembic and USD are build options (Debian's Blender has neither), glTF an add-on that may
be disabled: a missing one is refused here, before anything is exported, with what this
Blender can write instead — never an "operator not found" from the extractor.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

import bpy
import pyblish.api

from splice.hosts.blender.lib import CONTENT_KINDS, PublishValidationError, RepairAction, representations


def missing_exporters() -> dict[str, str]:
    """Representation → why this Blender cannot write it."""
    build = bpy.app.build_options
    missing = {}
    if not getattr(build, "alembic", False):
        missing["abc"] = "was built without Alembic"
    if not getattr(build, "usd", False):
        missing["usd"] = "was built without USD"
    if "io_scene_gltf2" not in bpy.context.preferences.addons:
        missing["gltf"] = "has the glTF add-on (io_scene_gltf2) disabled"
    return missing


class ValidateExporters(pyblish.api.InstancePlugin):
    """Every representation asked for has its exporter in this Blender."""

    order = pyblish.api.ValidatorOrder
    label = "Exporters available"
    hosts: ClassVar[list[str]] = ["blender"]
    families: ClassVar[list[str]] = list(CONTENT_KINDS)
    actions: ClassVar[list[type]] = [RepairAction]

    def process(self, instance: pyblish.api.Instance) -> None:
        missing = missing_exporters()
        wanted = representations(instance.data["kind"], instance.data.get("options", {}))
        cannot = [name for name in wanted if name in missing]
        if not cannot:
            return
        version = bpy.app.version_string
        why = "; ".join(f"{name}: this Blender ({version}) {missing[name]}" for name in cannot)
        keep = [name for name in wanted if name not in missing]
        raise PublishValidationError(
            f"instance {instance.name!r} asks for {cannot}, which this Blender cannot write ({why})",
            fix=(
                f"publish only {keep} (repair does it for this instance)"
                if keep
                else "choose representations this Blender can write in Create…"
            )
            + ", or publish from a Blender that has the exporter",
        )

    @classmethod
    def repair(cls, instance: pyblish.api.Instance) -> None:
        """Keep the representations this Blender can write (when any is left)."""
        missing = missing_exporters()
        wanted = representations(instance.data["kind"], instance.data.get("options", {}))
        keep = [name for name in wanted if name not in missing]
        if not keep:
            return  # nothing left to publish: the artist has to choose
        host = instance.context.data["splice.pipeline"]
        record = next(i for i in host.list_instances() if i.name == instance.name)
        host.update_instance(replace(record, options={**record.options, "representations": keep}))
        instance.data.setdefault("options", {})["representations"] = keep
