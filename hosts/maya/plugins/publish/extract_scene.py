"""Extract a Maya instance as a Maya ASCII scene (``.ma``) of its members."""

from __future__ import annotations

from pathlib import Path

import pyblish.api


class ExtractMayaScene(pyblish.api.InstancePlugin):
    """Export the instance's members (selected, then the selection put back) to ``<name>.ma``."""

    label = "Maya ASCII"
    order = pyblish.api.ExtractorOrder
    hosts = ["maya"]
    families = ["model", "rig", "look", "layout"]

    def process(self, instance: pyblish.api.Instance) -> None:
        from splice.pipeline.publish import wants_representation

        if not wants_representation(instance, "ma"):
            return  # the artist chose other representations
        api = instance.context.data["splice.pipeline"].api
        path = Path(instance.data["stagingDir"]) / f"{instance.name}.ma"
        before = [n for n in api.selection() if api.exists(n)]
        api.select(instance.data["members"])
        try:
            api.export_selected(str(path))
        finally:
            api.select(before)
        instance.data["representations"].append({"name": "ma", "path": str(path), "metadata": {}})
