"""An instance has objects (in the view layer when an exporter needs them), and asks for
representations its kind can have."""

from __future__ import annotations

from typing import ClassVar

import bpy
import pyblish.api

from splice.hosts.blender.lib import CONTENT_KINDS, REPRESENTATIONS, PublishValidationError, representations


class ValidateNotEmpty(pyblish.api.InstancePlugin):
    """An instance's collection holds at least one object."""

    order = pyblish.api.ValidatorOrder
    label = "Instance is not empty"
    hosts: ClassVar[list[str]] = ["blender"]
    families: ClassVar[list[str]] = list(CONTENT_KINDS)

    def process(self, instance: pyblish.api.Instance) -> None:
        if not instance.data.get("members"):
            name = instance.data.get("collection", instance.name)
            raise PublishValidationError(
                f"instance {instance.name!r} has no objects: its collection {name!r} is empty",
                fix=f"move the objects to publish into the collection {name!r}, or remove the instance",
            )


class ValidateRepresentations(pyblish.api.InstancePlugin):
    """The ``representations`` option names artifacts the extractors write for this kind."""

    order = pyblish.api.ValidatorOrder
    label = "Representations"
    hosts: ClassVar[list[str]] = ["blender"]
    families: ClassVar[list[str]] = list(CONTENT_KINDS)

    def process(self, instance: pyblish.api.Instance) -> None:
        kind = instance.data["kind"]
        try:
            wanted = representations(kind, instance.data.get("options", {}))
        except ValueError as exc:
            raise PublishValidationError(str(exc), fix="set it to a list such as ['blend', 'abc']") from None
        allowed = [name for name, (_, kinds) in REPRESENTATIONS.items() if kind in kinds]
        bad = [w for w in wanted if w not in allowed]
        if bad or not wanted:
            raise PublishValidationError(
                f"instance {instance.name!r} asks for representations {wanted}; a {kind} can have {allowed}",
                fix=f"set the instance's 'representations' option to some of {allowed}",
            )


class ValidateMembersInViewLayer(pyblish.api.InstancePlugin):
    """Blender's exporters write what is selected, and only objects of the view layer can be:
    when Alembic, USD or glTF is wanted, every member is in the view layer (its collection
    not excluded)."""

    order = pyblish.api.ValidatorOrder
    label = "Members in the view layer"
    hosts: ClassVar[list[str]] = ["blender"]
    families: ClassVar[list[str]] = list(CONTENT_KINDS)

    def process(self, instance: pyblish.api.Instance) -> None:
        wanted = set(representations(instance.data["kind"], instance.data.get("options", {})))
        if not wanted & {"abc", "usd", "gltf"}:
            return
        layer = bpy.context.view_layer
        layer.update()
        outside = [m for m in instance.data.get("members", []) if layer.objects.get(m) is None]
        if outside:
            raise PublishValidationError(
                f"objects {outside} are not in the view layer {layer.name!r}, so they cannot be exported"
                f" to {sorted(wanted & {'abc', 'usd', 'gltf'})}",
                fix="tick their collection in the outliner (include it in the view layer)",
            )
