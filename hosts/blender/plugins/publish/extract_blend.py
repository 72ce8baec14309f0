"""Extract an instance's collection to a ``.blend`` library (artifact ``blend``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

import bpy
import pyblish.api

from splice.hosts.blender.lib import CONTENT_KINDS, filename, representations
from splice.hosts.blender.pipeline import INSTANCE_KEY, PUBLISHED_KEY


class ExtractBlend(pyblish.api.InstancePlugin):
    """Write the instance's collection, its objects and everything they use to one ``.blend``
    (``bpy.data.libraries.write``); loaders link or append that collection. The collection is
    marked ``splice_published`` there (not as an instance), and paths are written absolute."""

    order = pyblish.api.ExtractorOrder
    label = "Extract .blend"
    hosts: ClassVar[list[str]] = ["blender"]
    families: ClassVar[list[str]] = list(CONTENT_KINDS)

    def process(self, instance: pyblish.api.Instance) -> None:
        if "blend" not in representations(instance.data["kind"], instance.data.get("options", {})):
            return
        collection = bpy.data.collections[instance.data["collection"]]
        path = Path(instance.data["stagingDir"]) / filename(instance.name, ".blend")
        marker = collection.get(INSTANCE_KEY)
        del collection[INSTANCE_KEY]
        collection[PUBLISHED_KEY] = json.dumps({"item": instance.data["item"], "instance": instance.name})
        try:
            bpy.data.libraries.write(str(path), {collection}, path_remap="ABSOLUTE", fake_user=True)
        finally:
            del collection[PUBLISHED_KEY]
            if marker is not None:
                collection[INSTANCE_KEY] = marker
        instance.data.setdefault("representations", []).append(
            {"name": "blend", "path": str(path), "metadata": {"collection": collection.name}}
        )
        self.log.info("wrote %s (collection %r)", path, collection.name)
