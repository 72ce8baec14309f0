"""Extract a Houdini instance as an Alembic cache through an Alembic ROP."""

from __future__ import annotations

from pathlib import Path

import pyblish.api


class ExtractHoudiniAlembic(pyblish.api.InstancePlugin):
    """Write the output SOP over ``frameStart``..``frameEnd`` (a model: one frame) to ``<name>.abc``."""

    label = "Alembic"
    order = pyblish.api.ExtractorOrder
    hosts = ["houdini"]
    families = ["model", "animation", "pointcache"]

    def process(self, instance: pyblish.api.Instance) -> None:
        from splice.pipeline.publish import wants_representation

        if not wants_representation(instance, "abc"):
            return  # the artist chose other representations
        api = instance.context.data["splice.pipeline"].api
        start = int(instance.data.get("frameStart", 1))
        end = int(instance.data.get("frameEnd", start))
        path = Path(instance.data["stagingDir"]) / f"{instance.name}.abc"
        sop = instance.data["outputSops"][0]
        api.export_alembic(sop, path.as_posix(), start, end)
        metadata = {"sop": sop, "frameStart": str(start), "frameEnd": str(end)}
        instance.data["representations"].append({"name": "abc", "path": str(path), "metadata": metadata})
