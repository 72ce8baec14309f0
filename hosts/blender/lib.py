"""Helpers the Blender plug-ins and loaders share: representations per kind, selection,
the files a member uses, importing into a holder collection. Imports ``bpy``."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import bpy

from splice.errors import NotFoundError, ValidationError
from splice.pipeline.publish import PublishValidationError, RepairAction

from . import DEFAULT_REPRESENTATIONS, REPRESENTATIONS

__all__ = [
    "CONTENT_KINDS",
    "DEFAULT_REPRESENTATIONS",
    "MANAGED_KEY",
    "REPRESENTATIONS",
    "PublishValidationError",
    "RepairAction",
    "discard_holder",
    "filename",
    "import_into",
    "maintained_selection",
    "member_images",
    "member_libraries",
    "one_file",
    "remove_content",
    "representations",
]

CONTENT_KINDS = list(DEFAULT_REPRESENTATIONS)
#: the custom property marking data-blocks a splice loader made (images, libraries): their
#: paths point into splice's file cache and are managed by the inventory, not by the artist
MANAGED_KEY = "splice_container"


def filename(instance_name: str, suffix: str) -> str:
    """A file name for an instance's extract (``chars:hero`` → ``chars_hero.abc``)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", instance_name) + suffix


def representations(kind: str, options: dict[str, Any]) -> list[str]:
    """The artifact names to extract for an instance of ``kind`` with ``options``."""
    wanted = options.get("representations", DEFAULT_REPRESENTATIONS.get(kind, []))
    if isinstance(wanted, str) or not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
        raise ValidationError(f"option 'representations' must be a list of names, not {wanted!r}")
    return list(dict.fromkeys(wanted))


@contextlib.contextmanager
def maintained_selection(names: Iterable[str]) -> Iterator[list[bpy.types.Object]]:
    """Select exactly the objects ``names`` (the first active) and restore the selection after."""
    layer = bpy.context.view_layer
    layer.update()  # objects linked since the last redraw are in the layer only once synced
    before = [o.name for o in layer.objects if o.select_get()]
    active = layer.objects.active.name if layer.objects.active else None
    objects = []
    for name in names:
        obj = layer.objects.get(name)
        if obj is None:
            raise NotFoundError(f"object {name!r} is not in the view layer {layer.name!r} (excluded?)")
        objects.append(obj)
    try:
        for o in layer.objects:
            o.select_set(False)
        for o in objects:
            o.select_set(True)
        layer.objects.active = objects[0] if objects else None
        yield objects
    finally:
        for o in layer.objects:
            o.select_set(o.name in before)
        layer.objects.active = layer.objects.get(active) if active else None


def member_images(objects: Iterable[bpy.types.Object]) -> list[bpy.types.Image]:
    """The images the objects' materials use (image texture nodes), each once, by name."""
    found: dict[str, bpy.types.Image] = {}
    for obj in objects:
        for slot in getattr(obj, "material_slots", ()):
            mat = slot.material
            if mat is None or not mat.use_nodes or mat.node_tree is None:
                continue
            for node in mat.node_tree.nodes:
                image = getattr(node, "image", None)
                if image is not None:
                    found.setdefault(image.name, image)
    return [found[k] for k in sorted(found)]


def member_libraries(objects: Iterable[bpy.types.Object]) -> list[bpy.types.Library]:
    """The libraries (linked ``.blend`` files) the objects come from or instance, by name."""
    found: dict[str, bpy.types.Library] = {}
    for obj in objects:
        for idblock in (obj, obj.data, obj.instance_collection):
            lib = getattr(idblock, "library", None) if idblock is not None else None
            if lib is not None:
                found.setdefault(lib.name, lib)
    return [found[k] for k in sorted(found)]


def one_file(path: Path, suffixes: tuple[str, ...]) -> Path:
    """``path`` itself, or the one file with one of ``suffixes`` in the folder ``path``."""
    if path.is_file():
        return path
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
        if len(found) == 1:
            return found[0]
        raise ValidationError(f"{path} holds {len(found)} files of {list(suffixes)}; a loader needs one")
    raise NotFoundError(f"no file at {path}")


def _layer_collection(layer: bpy.types.LayerCollection, coll: bpy.types.Collection) -> Any:
    if layer.collection == coll:
        return layer
    for child in layer.children:
        found = _layer_collection(child, coll)
        if found is not None:
            return found
    return None


def import_into(holder: bpy.types.Collection, run: Callable[[], Any]) -> list[bpy.types.Object]:
    """Run an import operator with ``holder`` as the active collection, then move every object
    it made into ``holder`` only; returns the new objects."""
    layer = bpy.context.view_layer
    before = set(bpy.data.objects)
    active_layer = layer.active_layer_collection
    found = _layer_collection(layer.layer_collection, holder)
    if found is not None:
        layer.active_layer_collection = found
    try:
        result = run()
    finally:
        layer.active_layer_collection = active_layer
    if isinstance(result, set) and "FINISHED" not in result:
        raise ValidationError(f"the import did not finish: {sorted(result)}")
    new = sorted((o for o in bpy.data.objects if o not in before), key=lambda o: o.name)
    for obj in new:
        for coll in list(obj.users_collection):
            if coll != holder:
                coll.objects.unlink(obj)
        if holder not in obj.users_collection:
            holder.objects.link(obj)
    return new


def remove_content(holder: bpy.types.Collection) -> None:
    """Delete the objects and local child collections of ``holder`` (not ``holder`` itself;
    linked child collections are unlinked), then purge the data nothing uses any more."""
    from .pipeline import purge_orphans

    def clear(coll: bpy.types.Collection) -> None:
        for child in list(coll.children):
            if child.library is None:
                clear(child)
                bpy.data.collections.remove(child)
            else:
                coll.children.unlink(child)
        for obj in list(coll.objects):
            if obj.library is None:
                bpy.data.objects.remove(obj, do_unlink=True)
            else:
                coll.objects.unlink(obj)

    clear(holder)
    purge_orphans()


def discard_holder(holder: bpy.types.Collection) -> None:
    """Undo a load that failed half-way: the holder, what is in it, and orphaned data."""
    remove_content(holder)
    bpy.data.collections.remove(holder)
    from .pipeline import purge_orphans

    purge_orphans()


def relpath(path: str) -> str:
    """``path`` relative to the saved scene (``//…``); ValidationError for an unsaved scene."""
    if not bpy.data.filepath:
        raise ValidationError("save the scene first: paths are made relative to the .blend file")
    absolute = bpy.path.abspath(path)
    try:
        return bpy.path.relpath(absolute)
    except ValueError:  # another drive (Windows)
        raise ValidationError(f"{absolute} cannot be made relative to {bpy.data.filepath}") from None


def is_absolute(path: str) -> bool:
    return not path.startswith("//") and os.path.isabs(path)
