"""Extract a render or review instance: render its Write node into the staging folder."""

from __future__ import annotations

from pathlib import Path

import pyblish.api

MOVIES = ("mov", "mp4")


class ExtractNukeRender(pyblish.api.InstancePlugin):
    """Render frames ``frameStart``..``frameEnd`` of the Write node to ``<stagingDir>/<name>/``
    (its own ``file`` knob is put back afterwards): ``<name>.%04d.<ext>`` for images, one
    ``<name>.<ext>`` for a movie (``mov``, ``mp4``: a review), never a frame pattern. The
    representation is that folder, named after the extension."""

    label = "Nuke render"
    order = pyblish.api.ExtractorOrder
    hosts = ["nuke"]
    families = ["render", "review"]

    def process(self, instance: pyblish.api.Instance) -> None:
        api = instance.context.data["splice.pipeline"].api
        write = instance.data["members"][0]
        start = int(instance.data.get("frameStart", 1))
        end = int(instance.data.get("frameEnd", start))
        original = str(api.knob(write, "file"))
        extension = Path(original).suffix.lstrip(".") or "exr"
        folder = Path(instance.data["stagingDir"]) / instance.name
        folder.mkdir(parents=True, exist_ok=True)
        frames = "" if extension.lower() in MOVIES else ".%04d"
        api.set_knobs(write, {"file": (folder / f"{instance.name}{frames}.{extension}").as_posix()})
        try:
            api.render(write, start, end)
        finally:
            api.set_knobs(write, {"file": original})
        metadata = {"frameStart": str(start), "frameEnd": str(end)}
        instance.data["representations"].append(
            {"name": extension, "path": str(folder), "metadata": metadata}
        )
