"""Validate that a Maya instance has members and that they all still exist."""

from __future__ import annotations

import pyblish.api


class ValidateMayaMembers(pyblish.api.InstancePlugin):
    """An instance publishes its objectSet's members: there must be some, and all must exist."""

    label = "Maya instance members exist"
    order = pyblish.api.ValidatorOrder
    hosts = ["maya"]

    def process(self, instance: pyblish.api.Instance) -> None:
        from splice.pipeline.publish import PublishValidationError

        host = instance.context.data["splice.pipeline"]
        members = instance.data.get("members") or []
        if not members:
            raise PublishValidationError(
                f"instance {instance.name!r} has no members",
                fix="select the nodes to publish, remove the instance and create it again",
            )
        missing = [m for m in members if not host.api.exists(m)]
        if missing:
            raise PublishValidationError(
                f"instance {instance.name!r}: members {missing} no longer exist",
                fix="remove them from the instance's objectSet",
            )
