"""Validate that a Maya instance written to Alembic holds transforms only.

AbcExport takes DAG transforms as ``-root``: a shape or a non-DAG node (a material, a
set) makes it fail. Members nested under another member are fine: the extractor keeps
the top-most ones.
"""

from __future__ import annotations

import pyblish.api


class ValidateMayaAlembicRoots(pyblish.api.InstancePlugin):
    """Every member of an instance exported to Alembic is a transform (or a joint)."""

    label = "Maya Alembic roots"
    order = pyblish.api.ValidatorOrder + 0.1  # after the members are known to exist
    hosts = ["maya"]
    families = ["model", "animation", "pointcache", "camera"]

    def process(self, instance: pyblish.api.Instance) -> None:
        from splice.pipeline.publish import PublishValidationError

        api = instance.context.data["splice.pipeline"].api
        members = instance.data.get("members") or []
        refused = [m for m in members if api.exists(m) and api.transform_path(m) is None]
        if refused:
            raise PublishValidationError(
                f"instance {instance.name!r}: {refused} are not transforms; Alembic exports transforms "
                "and what is under them (AbcExport refuses shapes and non-DAG nodes as roots)",
                fix="replace each shape by its transform (its parent) in the instance's set, and remove "
                "non-DAG nodes (materials, sets) from it",
            )
