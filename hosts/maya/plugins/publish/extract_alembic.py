"""Extract a Maya instance as an Alembic cache (``AbcExport``) of its members."""

from __future__ import annotations

from pathlib import Path

import pyblish.api


class ExtractMayaAlembic(pyblish.api.InstancePlugin):
    """Write the instance's members over ``frameStart``..``frameEnd`` (a model: one frame) to
    ``<name>.abc``."""

    label = "Alembic"
    order = pyblish.api.ExtractorOrder
    hosts = ["maya"]
    families = ["model", "animation", "pointcache", "camera"]

    def process(self, instance: pyblish.api.Instance) -> None:
        api = instance.context.data["splice.host"].api
        start = int(instance.data.get("frameStart", 1))
        end = int(instance.data.get("frameEnd", start))
        path = Path(instance.data["stagingDir"]) / f"{instance.name}.abc"
        api.export_alembic(str(path), instance.data["members"], start, end)
        metadata = {"frameStart": str(start), "frameEnd": str(end)}
        instance.data["representations"].append({"name": "abc", "path": str(path), "metadata": metadata})
