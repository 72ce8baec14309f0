"""Collect the nodes each Nuke instance publishes: the selection when it was created."""

from __future__ import annotations

import pyblish.api


class CollectNukeMembers(pyblish.api.InstancePlugin):
    """``instance.data["members"]``: the node names the instance remembers."""

    label = "Nuke instance members"
    order = pyblish.api.CollectorOrder
    hosts = ["nuke"]

    def process(self, instance: pyblish.api.Instance) -> None:
        host = instance.context.data["splice.pipeline"]
        instance.data["members"] = host.instance_members(instance.name)
