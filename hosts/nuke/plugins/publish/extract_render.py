"""Extract a render or review instance: render its Write node into the staging folder."""

from __future__ import annotations

from pathlib import Path

import pyblish.api


class ExtractNukeRender(pyblish.api.InstancePlugin):
    """Render frames ``frameStart``..``frameEnd`` of the Write node to ``<stagingDir>/<name>/``
    (its own ``file`` knob is put back afterwards); the representation is the frames' folder,
    named after their extension (``exr``…)."""

    label = "Nuke render"
    order = pyblish.api.ExtractorOrder
    hosts = ["nuke"]
    families = ["render", "review"]

    def process(self, instance: pyblish.api.Instance) -> None:
        api = instance.context.data["splice.host"].api
        write = instance.data["members"][0]
        start = int(instance.data.get("frameStart", 1))
        end = int(instance.data.get("frameEnd", start))
        original = str(api.knob(write, "file"))
        extension = Path(original).suffix.lstrip(".") or "exr"
        folder = Path(instance.data["stagingDir"]) / instance.name
        folder.mkdir(parents=True, exist_ok=True)
        api.set_knobs(write, {"file": str(folder / f"{instance.name}.%04d.{extension}")})
        try:
            api.render(write, start, end)
        finally:
            api.set_knobs(write, {"file": original})
        metadata = {"frameStart": str(start), "frameEnd": str(end)}
        instance.data["representations"].append(
            {"name": extension, "path": str(folder), "metadata": metadata}
        )
