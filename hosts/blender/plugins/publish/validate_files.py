"""External files (images, linked libraries) the instance uses exist and are relative to the scene."""

from __future__ import annotations

import os
from typing import ClassVar

import bpy
import pyblish.api

from splice.hosts.blender.lib import (
    CONTENT_KINDS,
    MANAGED_KEY,
    PublishValidationError,
    RepairAction,
    is_absolute,
    member_images,
    member_libraries,
    relpath,
)


def _members(instance: pyblish.api.Instance) -> list[bpy.types.Object]:
    return [o for o in (bpy.data.objects.get(n) for n in instance.data.get("members", [])) if o is not None]


def _external(instance: pyblish.api.Instance) -> list[bpy.types.ID]:
    """Images read from files and libraries, minus the ones splice loaded (they live in
    splice's file cache and are kept by the inventory)."""
    members = _members(instance)
    images = [
        i for i in member_images(members) if i.source in {"FILE", "SEQUENCE", "MOVIE"} and not i.packed_file
    ]
    found: list[bpy.types.ID] = [*images, *member_libraries(members)]
    return [idblock for idblock in found if idblock.library is None and MANAGED_KEY not in idblock]


def _problems(instance: pyblish.api.Instance) -> tuple[list[str], list[bpy.types.ID]]:
    missing, absolute = [], []
    for idblock in _external(instance):
        path = idblock.filepath
        if not path or not os.path.exists(bpy.path.abspath(path)):
            missing.append(f"{idblock.name} ({path or 'no path'})")
        elif is_absolute(path):
            absolute.append(idblock)
    return missing, absolute


class ValidateExternalFiles(pyblish.api.InstancePlugin):
    """Every image and library the instance uses is on disk, by a path relative to the scene
    (``//textures/wood.png``) so the scene can move between machines and folders."""

    order = pyblish.api.ValidatorOrder
    label = "External files"
    hosts: ClassVar[list[str]] = ["blender"]
    families: ClassVar[list[str]] = list(CONTENT_KINDS)
    actions: ClassVar[list[type]] = [RepairAction]

    def process(self, instance: pyblish.api.Instance) -> None:
        missing, absolute = _problems(instance)
        messages = []
        if missing:
            messages.append(f"missing files: {missing}")
        if absolute:
            messages.append(f"absolute paths: {[f'{i.name} ({i.filepath})' for i in absolute]}")
        if messages:
            raise PublishValidationError(
                "; ".join(messages),
                fix="relink or pack missing files (File > External Data); make paths relative"
                " (File > External Data > Make Paths Relative, or Repair) after saving the scene",
            )

    @classmethod
    def repair(cls, instance: pyblish.api.Instance) -> None:
        """Make absolute paths relative to the saved scene (missing files stay for the artist)."""
        for idblock in _problems(instance)[1]:
            idblock.filepath = relpath(idblock.filepath)
