"""Collect the members of each Blender instance: the objects of its marked collection."""

from __future__ import annotations

from typing import ClassVar

import pyblish.api

from splice.hosts.blender.pipeline import BlenderHost, instance_members


class CollectBlenderMembers(pyblish.api.InstancePlugin):
    """``instance.data["members"]`` (and the instance's list): the names of the objects of the
    instance's collection and its child collections; ``"collection"``: the collection's name."""

    order = pyblish.api.CollectorOrder
    label = "Blender instance members"
    hosts: ClassVar[list[str]] = ["blender"]
    families: ClassVar[list[str]] = ["*"]

    def process(self, instance: pyblish.api.Instance) -> None:
        host = instance.context.data.get("splice.pipeline")
        if not isinstance(host, BlenderHost):
            host = BlenderHost()
        collection = host.instance_collection(instance.data.get("name", instance.name))
        members = [o.name for o in instance_members(collection)]
        instance.data["collection"] = collection.name
        instance.data["members"] = members
        instance[:] = members
        self.log.info("%s: %d objects in collection %r", instance.name, len(members), collection.name)
