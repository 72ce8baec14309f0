"""Naming convention of a model's objects: ``<name>_GEO`` meshes, ``_CRV`` curves, ``_GRP`` empties."""

from __future__ import annotations

import re
from typing import ClassVar

import bpy
import pyblish.api

from splice.hosts.blender.lib import PublishValidationError, RepairAction

SUFFIX = {"MESH": "_GEO", "CURVE": "_CRV", "EMPTY": "_GRP"}
RULE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*_(GEO|CRV|GRP)$")


def expected(obj: bpy.types.Object) -> str | None:
    """The conforming name for ``obj`` (``Cube.001`` mesh: ``Cube_001_GEO``); None for a type a
    model may not hold."""
    suffix = SUFFIX.get(obj.type)
    if suffix is None:
        return None
    body = re.sub(r"_(GEO|CRV|GRP)$", "", obj.name, flags=re.IGNORECASE)
    body = re.sub(r"[^A-Za-z0-9]+", "_", body).strip("_") or "object"
    if not body[0].isalpha():
        body = "obj_" + body
    return body + suffix


def _wrong(instance: pyblish.api.Instance) -> list[bpy.types.Object]:
    out = []
    for name in instance.data.get("members", []):
        obj = bpy.data.objects.get(name)
        if obj is not None and (
            obj.type not in SUFFIX or not RULE.match(obj.name) or not obj.name.endswith(SUFFIX[obj.type])
        ):
            out.append(obj)
    return out


class ValidateNaming(pyblish.api.InstancePlugin):
    """Studio rule: in a model every mesh is ``<name>_GEO``, curve ``<name>_CRV`` and empty
    ``<name>_GRP``; ``<name>`` is letters and digits in ``_``-separated words, starting with a
    letter (no spaces, no Blender ``.001`` suffixes). Other object types (cameras, lights,
    armatures) do not belong in a model."""

    order = pyblish.api.ValidatorOrder
    label = "Naming convention"
    hosts: ClassVar[list[str]] = ["blender"]
    families: ClassVar[list[str]] = ["model"]
    actions: ClassVar[list[type]] = [RepairAction]

    def process(self, instance: pyblish.api.Instance) -> None:
        wrong = _wrong(instance)
        if wrong:
            details = [f"{o.name} ({o.type.lower()}) -> {expected(o) or 'not in a model'}" for o in wrong]
            raise PublishValidationError(
                "objects break the naming convention <name>_GEO / _CRV / _GRP: " + "; ".join(details),
                fix="rename them as shown (Repair renames meshes, curves and empties whose new name is free);"
                " move other object types out of the model",
            )

    @classmethod
    def repair(cls, instance: pyblish.api.Instance) -> None:
        members = list(instance.data.get("members", []))
        for obj in _wrong(instance):
            new = expected(obj)
            if new is None or bpy.data.objects.get(new) is not None:
                continue  # not safe: another object has that name, or the type does not belong
            old = obj.name
            obj.name = new
            members[members.index(old)] = obj.name
        instance.data["members"] = members
        instance[:] = members
