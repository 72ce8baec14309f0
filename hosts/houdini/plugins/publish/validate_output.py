"""Validate that a Houdini instance points at exactly one node with geometry to write."""

from __future__ import annotations

import pyblish.api


class ValidateHoudiniOutput(pyblish.api.InstancePlugin):
    """One member, which is a SOP or a geometry object with a display SOP."""

    label = "Houdini output SOP"
    order = pyblish.api.ValidatorOrder
    hosts = ["houdini"]
    families = ["model", "animation", "pointcache", "layout"]

    def process(self, instance: pyblish.api.Instance) -> None:
        from splice.pipeline.publish import PublishValidationError

        members, sops = instance.data.get("members") or [], instance.data.get("outputSops") or []
        if len(members) != 1:
            raise PublishValidationError(
                f"instance {instance.name!r} must hold exactly one node, not {members}",
                fix="select the one SOP (or geometry object) to publish and create the instance again",
            )
        if sops[0] is None:
            raise PublishValidationError(
                f"instance {instance.name!r}: {members[0]} is missing or has no geometry to write",
                fix="point the instance at a SOP, or a geometry object with a display SOP",
            )
