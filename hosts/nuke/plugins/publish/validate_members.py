"""Validate Nuke instances: members exist; a render or review instance is one Write node."""

from __future__ import annotations

import pyblish.api


class ValidateNukeMembers(pyblish.api.InstancePlugin):
    """An instance has members and they all exist."""

    label = "Nuke instance members exist"
    order = pyblish.api.ValidatorOrder
    hosts = ["nuke"]

    def process(self, instance: pyblish.api.Instance) -> None:
        from splice.pipeline.publish import PublishValidationError

        api = instance.context.data["splice.pipeline"].api
        members = instance.data.get("members") or []
        missing = [m for m in members if not api.exists(m)]
        if not members or missing:
            problem = f"members {missing} no longer exist" if missing else "no members"
            raise PublishValidationError(
                f"instance {instance.name!r} has {problem}",
                fix="select the nodes to publish, delete the instance's NoOp node and create it again",
            )


class ValidateNukeWrite(pyblish.api.InstancePlugin):
    """A render or review instance renders exactly one Write node."""

    label = "Nuke Write node"
    order = pyblish.api.ValidatorOrder + 0.1
    hosts = ["nuke"]
    families = ["render", "review"]

    def process(self, instance: pyblish.api.Instance) -> None:
        from splice.pipeline.publish import PublishValidationError

        api = instance.context.data["splice.pipeline"].api
        members = [m for m in instance.data.get("members") or [] if api.exists(m)]
        writes = [m for m in members if api.node_class(m) == "Write"]
        if len(writes) != 1 or len(members) != 1:
            raise PublishValidationError(
                f"instance {instance.name!r} must hold one Write node, not {members}",
                fix="select only the Write node to render and create the instance again",
            )
