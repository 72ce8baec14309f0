"""Collect the nodes each Houdini instance publishes and the SOP whose geometry is written."""

from __future__ import annotations

import pyblish.api


class CollectHoudiniMembers(pyblish.api.InstancePlugin):
    """``instance.data["members"]``: the node paths selected when the instance was made;
    ``instance.data["outputSops"]``: the SOP each of them stands for (None when none)."""

    label = "Houdini instance members"
    order = pyblish.api.CollectorOrder
    hosts = ["houdini"]

    def process(self, instance: pyblish.api.Instance) -> None:
        host = instance.context.data["splice.pipeline"]
        members = host.instance_members(instance.name)
        instance.data["members"] = members
        instance.data["outputSops"] = [
            host.api.output_sop(m) if host.api.exists(m) else None for m in members
        ]
