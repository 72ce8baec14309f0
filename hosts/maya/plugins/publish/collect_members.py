"""Collect the nodes each Maya instance publishes: the members of its objectSet."""

from __future__ import annotations

import pyblish.api


class CollectMayaMembers(pyblish.api.InstancePlugin):
    """``instance.data["members"]``: the nodes in the instance's objectSet."""

    label = "Maya instance members"
    order = pyblish.api.CollectorOrder
    hosts = ["maya"]

    def process(self, instance: pyblish.api.Instance) -> None:
        host = instance.context.data["splice.pipeline"]
        instance.data["members"] = host.instance_members(instance.name)
