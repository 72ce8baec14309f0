"""Extract a Nuke instance's nodes as a .nk script (``nuke.nodeCopy``)."""

from __future__ import annotations

from pathlib import Path

import pyblish.api


class ExtractNukeScript(pyblish.api.InstancePlugin):
    """Write the instance's nodes (selected, then the selection put back) to ``<name>.nk``."""

    label = "Nuke script"
    order = pyblish.api.ExtractorOrder
    hosts = ["nuke"]
    families = ["workfile", "layout", "look"]

    def process(self, instance: pyblish.api.Instance) -> None:
        api = instance.context.data["splice.pipeline"].api
        path = Path(instance.data["stagingDir"]) / f"{instance.name}.nk"
        before = [n for n in api.selection() if api.exists(n)]
        api.select(instance.data["members"])
        try:
            api.copy_selected(str(path))
        finally:
            api.select(before)
        instance.data["representations"].append({"name": "nk", "path": str(path), "metadata": {}})
