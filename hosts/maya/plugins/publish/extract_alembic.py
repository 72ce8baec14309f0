"""Extract a Maya instance as an Alembic cache (``AbcExport``) of its members."""

from __future__ import annotations

from pathlib import Path

import pyblish.api


def top_most(paths: list[str]) -> list[str]:
    """The DAG paths of ``paths`` that are under none of the others, in their order
    (AbcExport refuses a root nested under another root; the top one brings the rest)."""
    return [p for p in paths if not any(p.startswith(other + "|") for other in paths if other != p)]


class ExtractMayaAlembic(pyblish.api.InstancePlugin):
    """Write the instance's top-most transforms over ``frameStart``..``frameEnd`` (a model:
    one frame) to ``<name>.abc``."""

    label = "Alembic"
    order = pyblish.api.ExtractorOrder
    hosts = ["maya"]
    families = ["model", "animation", "pointcache", "camera"]

    def process(self, instance: pyblish.api.Instance) -> None:
        from splice.pipeline.publish import wants_representation

        if not wants_representation(instance, "abc"):
            return  # the artist chose other representations
        api = instance.context.data["splice.pipeline"].api
        start = int(instance.data.get("frameStart", 1))
        end = int(instance.data.get("frameEnd", start))
        path = Path(instance.data["stagingDir"]) / f"{instance.name}.abc"
        paths = [api.transform_path(m) for m in instance.data["members"]]
        roots = top_most([p for p in dict.fromkeys(paths) if p is not None])  # the validator refused the rest
        api.export_alembic(path.as_posix(), roots, start, end)
        metadata = {"frameStart": str(start), "frameEnd": str(end)}
        instance.data["representations"].append({"name": "abc", "path": str(path), "metadata": metadata})
