"""The scene is metric with a unit scale of 1.0: one Blender unit is one metre."""

from __future__ import annotations

from typing import ClassVar

import bpy
import pyblish.api

from splice.hosts.blender.lib import CONTENT_KINDS, PublishValidationError, RepairAction


class ValidateSceneUnits(pyblish.api.InstancePlugin):
    """Studio rule: metric units, unit scale 1.0, so every DCC reads a published file at the
    same size."""

    order = pyblish.api.ValidatorOrder
    label = "Scene units"
    hosts: ClassVar[list[str]] = ["blender"]
    families: ClassVar[list[str]] = list(CONTENT_KINDS)
    actions: ClassVar[list[type]] = [RepairAction]

    def process(self, instance: pyblish.api.Instance) -> None:
        units = bpy.context.scene.unit_settings
        if units.system != "METRIC" or abs(units.scale_length - 1.0) > 1e-6:
            raise PublishValidationError(
                f"scene units are {units.system.lower()} with unit scale {units.scale_length:g};"
                " the studio works in metric at scale 1.0",
                fix="set Scene Properties > Units to Metric, Unit Scale 1.0 (or run Repair)",
            )

    @classmethod
    def repair(cls, instance: pyblish.api.Instance) -> None:
        units = bpy.context.scene.unit_settings
        units.system = "METRIC"
        units.scale_length = 1.0
