"""A model's objects have their transforms applied (location 0, rotation 0, scale 1)."""

from __future__ import annotations

from typing import ClassVar

import bpy
import pyblish.api
from mathutils import Matrix

from splice.hosts.blender.lib import PublishValidationError, RepairAction

_TOLERANCE = 1e-5


def _unapplied(instance: pyblish.api.Instance) -> list[bpy.types.Object]:
    identity = Matrix.Identity(4)
    out = []
    for name in instance.data.get("members", []):
        obj = bpy.data.objects.get(name)
        if obj is None or obj.type not in {"MESH", "CURVE", "EMPTY"}:
            continue
        basis = obj.matrix_basis
        if any(abs(basis[r][c] - identity[r][c]) > _TOLERANCE for r in range(4) for c in range(4)):
            out.append(obj)
    return out


class ValidateTransformsApplied(pyblish.api.InstancePlugin):
    """Studio rule: a published model is modelled in place, its transforms applied, so that
    whoever loads it places it with their own transform."""

    order = pyblish.api.ValidatorOrder
    label = "Transforms applied"
    hosts: ClassVar[list[str]] = ["blender"]
    families: ClassVar[list[str]] = ["model"]
    actions: ClassVar[list[type]] = [RepairAction]

    def process(self, instance: pyblish.api.Instance) -> None:
        bad = _unapplied(instance)
        if bad:
            raise PublishValidationError(
                f"objects with unapplied transforms: {[o.name for o in bad]}",
                fix="apply them (Object > Apply > All Transforms) or run Repair",
            )

    @classmethod
    def repair(cls, instance: pyblish.api.Instance) -> None:
        """Apply location, rotation and scale to the geometry, parents before children,
        keeping every child where it is. Data shared by several objects is left alone."""
        todo = _unapplied(instance)

        def depth(obj: bpy.types.Object) -> int:
            return 0 if obj.parent is None else 1 + depth(obj.parent)

        for obj in sorted(todo, key=depth):
            basis = obj.matrix_basis.copy()
            if obj.data is not None:
                if obj.data.users > 1 or obj.data.library is not None:
                    continue
                obj.data.transform(basis)
            for child in obj.children:
                child.matrix_parent_inverse = basis @ child.matrix_parent_inverse
            obj.matrix_basis = Matrix.Identity(4)
