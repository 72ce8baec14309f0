"""Validate the frame range of Maya instances that write animation."""

from __future__ import annotations

import pyblish.api


class ValidateMayaFrameRange(pyblish.api.InstancePlugin):
    """``frameStart`` and ``frameEnd`` are whole numbers, start ≤ end (when given)."""

    label = "Maya frame range"
    order = pyblish.api.ValidatorOrder
    hosts = ["maya"]
    families = ["animation", "pointcache", "camera"]

    def process(self, instance: pyblish.api.Instance) -> None:
        from splice.pipeline.publish import PublishValidationError

        start, end = instance.data.get("frameStart", 1), instance.data.get("frameEnd", 1)
        if not all(isinstance(f, int) and not isinstance(f, bool) for f in (start, end)) or start > end:
            raise PublishValidationError(
                f"instance {instance.name!r} has the frame range {start!r}..{end!r}",
                fix="set the instance options frameStart and frameEnd to whole frames, start ≤ end",
            )
