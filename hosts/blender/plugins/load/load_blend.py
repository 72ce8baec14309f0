"""Load a published ``.blend``: link its collection (the default) or append it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import bpy

from splice.errors import NotFoundError
from splice.hosts.blender.lib import MANAGED_KEY, one_file, remove_content
from splice.hosts.blender.lib import discard_holder as _discard
from splice.hosts.blender.pipeline import PUBLISHED_KEY, BlenderHost, purge_orphans
from splice.pipeline import Container, Loader

KINDS = ("model", "rig", "look", "layout", "animation", "pointcache", "camera")


def _collection_name(revision: Any, representation: str, file: Path) -> str:
    """The published collection in ``file``: the artifact's ``collection`` metadata, else the
    file's only top-level collection marked ``splice_published``."""
    try:
        name = revision.get_artifact(representation).metadata.get("collection")
    except Exception:
        name = None
    if name:
        return str(name)
    with bpy.data.libraries.load(str(file), link=False) as (data_from, _):
        names = list(data_from.collections)
    if len(names) == 1:
        return names[0]
    raise ValueError(f"{file} holds collections {names}; its artifact does not say which was published")


def _read(file: Path, collection: str, link: bool) -> bpy.types.Collection:
    """Link or append the collection ``collection`` of ``file``."""
    before = set(bpy.data.libraries)
    with bpy.data.libraries.load(str(file), link=link) as (data_from, data_to):
        if collection not in data_from.collections:
            have = list(data_from.collections)
            raise NotFoundError(f"{file} has no collection {collection!r}; it has {have}")
        data_to.collections = [collection]
    coll = data_to.collections[0]
    if coll is None:
        raise ValueError(f"Blender could not read collection {collection!r} from {file}")
    if not link:  # appended: the library Blender read it from is left with nothing linked
        for library in set(bpy.data.libraries) - before:
            if not _has_linked_data(library):
                bpy.data.libraries.remove(library)
    return coll


_DATA = (
    "objects",
    "collections",
    "meshes",
    "materials",
    "images",
    "node_groups",
    "curves",
    "armatures",
    "actions",
    "cameras",
    "lights",
    "worlds",
    "textures",
)


def _has_linked_data(library: bpy.types.Library) -> bool:
    return any(idblock.library == library for attr in _DATA for idblock in getattr(bpy.data, attr))


def _instancer(holder: bpy.types.Collection) -> bpy.types.Object:
    for obj in holder.objects:
        if obj.instance_type == "COLLECTION" and obj.instance_collection is not None:
            return obj
    raise LookupError(f"container collection {holder.name!r} has no collection instance in it")


class _BlendLoader(Loader):
    """What the two .blend loaders serve (not a loader itself: its name starts with ``_``)."""

    kinds = KINDS
    representations = ("blend",)
    hosts = ("blender",)
    priority = 10  # linking is the default for .blend files; append on request


class BlendLinkLoader(_BlendLoader):
    """Link the published collection (read-only, as File > Link does): the holder collection gets
    an empty instancing it. Update points the library at the new file and reloads it, or links
    the new file when another container shares the library or already links that file."""

    def load(
        self, host: BlenderHost, revision: Any, representation: str, path: Path, name: str, namespace: str
    ) -> Container:
        file = one_file(Path(path), (".blend",))
        collection = _collection_name(revision, representation, file)
        holder = host.new_holder(name, namespace)
        try:
            self._instance(holder, _read(file, collection, link=True), holder.name)
        except BaseException:
            _discard(holder)
            raise
        kref = str(revision.item_kref.with_revision(revision.number))
        return host.write_container(Container(name, kref, self.name, representation, namespace))

    @staticmethod
    def _instance(holder: bpy.types.Collection, linked: bpy.types.Collection, key: str) -> bpy.types.Object:
        empty = bpy.data.objects.new(key, None)
        empty.instance_type = "COLLECTION"
        empty.instance_collection = linked
        holder.objects.link(empty)
        linked.library[MANAGED_KEY] = key
        return empty

    def update(self, host: BlenderHost, container: Container, revision: Any, path: Path) -> None:
        holder = host.holder(container.key)
        empty = _instancer(holder)
        file = one_file(Path(path), (".blend",))
        collection = _collection_name(revision, container.representation, file)
        library = empty.instance_collection.library
        shared = [
            o
            for o in bpy.data.objects
            if o != empty and o.instance_collection is not None and o.instance_collection.library == library
        ]
        target = file.resolve()
        others = [lib for lib in bpy.data.libraries if lib != library]
        taken = any(Path(bpy.path.abspath(lib.filepath)).resolve() == target for lib in others)
        if library is not None and not shared and not taken and empty.instance_collection.name == collection:
            library.filepath = str(file)
            library.reload()
        else:
            self._relink(empty, file, collection, container.key)

    def switch(self, host: BlenderHost, container: Container, revision: Any, path: Path) -> None:
        holder = host.holder(container.key)
        empty = _instancer(holder)
        file = one_file(Path(path), (".blend",))
        collection = _collection_name(revision, container.representation, file)
        self._relink(empty, file, collection, container.key)

    @staticmethod
    def _relink(empty: bpy.types.Object, file: Path, collection: str, key: str) -> None:
        """Point the instancer at ``collection`` of ``file``; drop the old library when unused."""
        old = empty.instance_collection.library.name if empty.instance_collection.library else None
        linked = _read(file, collection, link=True)
        empty.instance_collection = linked
        linked.library[MANAGED_KEY] = key
        purge_orphans()
        _drop_unused([old] if old else [])

    def remove(self, host: BlenderHost, container: Container) -> None:
        holder = host.holder(container.key)
        names = {
            o.instance_collection.library.name
            for o in holder.objects
            if o.instance_collection and o.instance_collection.library
        }
        remove_content(holder)
        _drop_unused(names)


def _drop_unused(names: Iterable[str]) -> None:
    """Remove the libraries ``names`` that no local collection instance uses any more."""
    for name in names:
        library = bpy.data.libraries.get(name)
        if library is not None and not _library_used(library):
            bpy.data.libraries.remove(library)


def _library_used(library: bpy.types.Library) -> bool:
    """Whether anything local still uses data of ``library`` (another container's instance)."""
    return any(
        o.instance_collection is not None and o.instance_collection.library == library
        for o in bpy.data.objects
        if o.library is None
    )


class BlendLocalLoader(_BlendLoader):
    """Append the published collection (local, editable copies, as File > Append does) into the
    holder collection. (Named so that the link loader, sorted first, stays the default.)"""

    def load(
        self, host: BlenderHost, revision: Any, representation: str, path: Path, name: str, namespace: str
    ) -> Container:
        file = one_file(Path(path), (".blend",))
        collection = _collection_name(revision, representation, file)
        holder = host.new_holder(name, namespace)
        try:
            self._adopt(holder, _read(file, collection, link=False))
        except BaseException:
            _discard(holder)
            raise
        kref = str(revision.item_kref.with_revision(revision.number))
        return host.write_container(Container(name, kref, self.name, representation, namespace))

    @staticmethod
    def _adopt(holder: bpy.types.Collection, appended: bpy.types.Collection) -> None:
        if PUBLISHED_KEY in appended:
            del appended[PUBLISHED_KEY]
        holder.children.link(appended)

    def update(self, host: BlenderHost, container: Container, revision: Any, path: Path) -> None:
        file = one_file(Path(path), (".blend",))
        collection = _collection_name(revision, container.representation, file)
        holder = host.holder(container.key)
        remove_content(holder)
        self._adopt(holder, _read(file, collection, link=False))

    switch = update

    def remove(self, host: BlenderHost, container: Container) -> None:
        remove_content(host.holder(container.key))
