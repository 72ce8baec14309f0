"""Extract a Houdini instance's geometry as ``.bgeo.sc`` (the SOP's cooked geometry)."""

from __future__ import annotations

from pathlib import Path

import pyblish.api


class ExtractHoudiniBgeo(pyblish.api.InstancePlugin):
    """Save the output SOP's geometry to ``<name>.bgeo.sc`` (representation ``bgeo``)."""

    label = "bgeo.sc"
    order = pyblish.api.ExtractorOrder
    hosts = ["houdini"]
    families = ["model", "layout"]

    def process(self, instance: pyblish.api.Instance) -> None:
        from splice.pipeline.publish import wants_representation

        if not wants_representation(instance, "bgeo"):
            return  # the artist chose other representations
        api = instance.context.data["splice.pipeline"].api
        path = Path(instance.data["stagingDir"]) / f"{instance.name}.bgeo.sc"
        sop = instance.data["outputSops"][0]
        api.save_geometry(sop, path.as_posix())
        instance.data["representations"].append({"name": "bgeo", "path": str(path), "metadata": {"sop": sop}})
