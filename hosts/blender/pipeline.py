"""``BlenderHost``: the :class:`splice.pipeline.Host` protocol over a Blender scene.

Everything splice keeps in a scene is a JSON string in an ID custom property, so it is
saved with the ``.blend`` and survives a reopen:

- the context: ``scene["splice_context"]`` on the window's scene;
- a container: ``collection["splice_container"]`` on a local collection (its *holder*),
  which holds the content the loader built. A loader makes the holder with
  :meth:`BlenderHost.new_holder` (a collection named after the container's key) and
  finds it again with :meth:`BlenderHost.holder`;
- an instance: ``collection["splice_instance"]`` on a local collection; the objects
  of the collection (recursively) are its members.

Linked (library) collections are never read as holders or instances: a published
``.blend`` linked into a scene does not bring its instances along. This module imports
``bpy``; ``import splice.hosts.blender`` does not.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import bpy

from splice.errors import AlreadyExistsError, NotFoundError, ValidationError
from splice.pipeline.interface import Context, Instance
from splice.pipeline.marked import CONTAINER_KEY, CONTEXT_KEY, INSTANCE_KEY, MarkedHost

if TYPE_CHECKING:
    from splice.client import Client

__all__ = [
    "CONTAINER_KEY",
    "CONTEXT_KEY",
    "INSTANCE_KEY",
    "PUBLISHED_KEY",
    "BlenderHost",
    "apply_env_context",
    "install",
    "instance_members",
    "purge_orphans",
]

log = logging.getLogger(__name__)

PUBLISHED_KEY = "splice_published"  # the collection a published .blend holds
MAX_NAME = 63  # Blender's ID names are at most 63 bytes
_BLEND_MAGIC = (b"BLENDER", b"\x28\xb5\x2f\xfd", b"\x1f\x8b")  # plain, zstd, gzip


def _local_collections() -> list[bpy.types.Collection]:
    return [c for c in bpy.data.collections if c.library is None]


def _local(name: str) -> bpy.types.Collection | None:
    """The local collection ``name`` (a linked one of the same name is not it)."""
    return bpy.data.collections.get((name, None))


def instance_members(collection: bpy.types.Collection) -> list[bpy.types.Object]:
    """The objects of an instance collection and its child collections, sorted by name."""
    return sorted(collection.all_objects, key=lambda o: o.name)


def purge_orphans() -> None:
    """Delete data-blocks nothing uses any more (meshes, materials, libraries… of removed content)."""
    purge = getattr(bpy.data, "orphans_purge", None)
    if purge is not None:
        purge(do_local_ids=True, do_linked_ids=True, do_recursive=True)
    else:  # pragma: no cover - Blender before 3.0
        bpy.ops.outliner.orphans_purge(do_recursive=True)


# Blender's "unsaved changes" flag (``bpy.data.is_dirty``) is set by undo steps (the artist's
# edits through operators), not by changes made through the data API, as splice's records and
# loaders make them: those are tracked here, until the next save or open (Blender's own too).
_splice_edits = False


def _edited() -> None:
    global _splice_edits
    _splice_edits = True


@bpy.app.handlers.persistent
def _on_save_or_load(*_args: Any) -> None:
    global _splice_edits
    _splice_edits = False


def _watch_saves() -> None:
    """Clear splice's edits when Blender saves or opens a file (File > Save too), once."""
    for handlers in (bpy.app.handlers.save_post, bpy.app.handlers.load_post):
        if not any(getattr(f, "__name__", "") == _on_save_or_load.__name__ for f in handlers):
            handlers.append(_on_save_or_load)


@contextlib.contextmanager
def _stdout_to_stderr(enabled: bool) -> Iterator[None]:
    """Send what Blender prints to stdout ("Read blend: …", "Info: Saved …") to stderr, so a
    headless command's own output (``splice publish --json``) stays clean."""
    if not enabled:
        yield
        return
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


class BpyScene:
    """What :class:`~splice.pipeline.marked.MarkedHost` asks of Blender directly: the version and
    the selection (objects of the view layer); nodes are local collections."""

    def version(self) -> str:
        return str(bpy.app.version_string)

    def is_modified(self) -> bool:
        """Blender's own flag: edits made through operators since the last save or open. In
        background mode (``bpy`` as a module, ``blender -b``) Blender cannot tell: always True."""
        return bool(bpy.data.is_dirty)

    def exists(self, node: str, /) -> bool:
        return _local(node) is not None

    @staticmethod
    def layer() -> bpy.types.ViewLayer:
        layer = bpy.context.view_layer
        layer.update()  # objects linked since the last redraw are in the layer only once synced
        return layer

    def selection(self) -> list[str]:
        return sorted(o.name for o in self.layer().objects if o.select_get())

    def select(self, nodes: Sequence[str], /) -> None:
        layer_objects = self.layer().objects
        for obj in layer_objects:
            obj.select_set(False)
        for n in nodes:
            layer_objects[n].select_set(True)
        layer_objects.active = layer_objects[nodes[0]] if nodes else None


# MarkedHost, not MarkedHost[BpyScene]: typing's cache would keep this module (and bpy) alive
# past the bpy module's own shutdown, and the process then hangs at exit
class BlenderHost(MarkedHost):
    """The open Blender session as a splice host (see the module's docstring for the layout):
    :class:`~splice.pipeline.marked.MarkedHost` over collections' and the scene's custom properties.

    ``quiet``: Blender's own messages on opening and saving files go to stderr (headless use).
    """

    name = "blender"
    api: BpyScene
    api_type = BpyScene
    scene_suffixes = (".blend",)

    def __init__(self, quiet: bool = False, api: BpyScene | None = None) -> None:
        super().__init__(api or BpyScene())
        self.quiet = quiet
        if not bpy.app.background:  # with no window Blender cannot tell (is_dirty is always True),
            _watch_saves()  # and the bpy module hangs at exit with a Python handler left in save_post

    # -- primitives: records in custom properties -------------------------
    @staticmethod
    def _scene() -> bpy.types.Scene:
        scene = bpy.context.scene
        if scene is None:  # pragma: no cover - a window without a scene
            scene = bpy.data.scenes[0]
        return scene

    def _data(self, node: str | None, key: str) -> str | None:
        idblock = self._scene() if node is None else _local(node)
        raw = None if idblock is None else idblock.get(key)
        return raw if isinstance(raw, str) else None

    def _set_data(self, node: str | None, key: str, value: str) -> None:
        idblock = self._scene() if node is None else _local(node)
        if idblock is None:
            raise NotFoundError(f"no collection {node!r} in the scene")
        idblock[key] = value
        _edited()

    def _marked(self, key: str) -> list[str]:
        return [c.name for c in _local_collections() if key in c]

    def _marker_name(self, key: str, ident: str) -> str:
        return ident  # a holder or an instance collection is named after its record

    def _new_marker(self, key: str, ident: str, members: Sequence[str]) -> str:
        coll = _local(ident)
        if coll is None or key in coll:
            coll = self.new_holder(ident)
        return str(coll.name)

    def _delete(self, node: str) -> None:
        coll = _local(node)
        if coll is not None:
            bpy.data.collections.remove(coll)
            _edited()

    def _unmark(self, node: str, key: str) -> None:
        """Take the record off; a holder goes too once the loader emptied it (an instance's
        collection and objects stay)."""
        coll = _local(node)
        del coll[key]
        _edited()
        if key == CONTAINER_KEY and not coll.objects and not coll.children and INSTANCE_KEY not in coll:
            bpy.data.collections.remove(coll)

    def _members(self, node: str) -> list[str]:
        coll = _local(node)
        return [] if coll is None else [o.name for o in instance_members(coll)]

    # -- the scene file -----------------------------------------------------
    def _scene_file(self) -> str | None:
        return bpy.data.filepath or None

    def _checked_path(self, path: str | os.PathLike[str]) -> Path:
        target = Path(path).absolute()
        if target.suffix != ".blend":
            raise ValidationError(f"a Blender scene is saved to a .blend file, not {target.name!r}")
        return target

    def _save_scene(self, path: str) -> None:
        target = Path(path)
        if not target.parent.is_dir():
            raise NotFoundError(f"cannot save {target.name}: no folder {target.parent}")
        with _stdout_to_stderr(self.quiet):
            result = bpy.ops.wm.save_as_mainfile(filepath=path, check_existing=False)
        if "FINISHED" not in result:
            raise ValidationError(f"Blender did not save {target}: {sorted(result)}")
        _on_save_or_load()  # the handler's work, also when it was removed

    def open_file(self, path: str | os.PathLike[str]) -> None:
        source = Path(path).absolute()
        if not source.is_file():
            raise NotFoundError(f"no scene file at {source}")
        self._open_scene(str(source))

    def _open_scene(self, path: str) -> None:
        with open(path, "rb") as fh:
            head = fh.read(8)
        if not head.startswith(_BLEND_MAGIC):
            raise ValidationError(f"{path} is not a .blend file")
        try:
            with _stdout_to_stderr(self.quiet):
                bpy.ops.wm.open_mainfile(filepath=path)
        except RuntimeError as exc:
            raise ValidationError(f"Blender cannot open {path}: {exc}") from None
        _on_save_or_load()

    # -- containers: holders ------------------------------------------------
    def holder(self, key: str) -> bpy.types.Collection:
        """The collection holding the container ``key`` and its content."""
        return _local(self.container_node(key))

    @staticmethod
    def holder_name(name: str, namespace: str = "") -> str:
        """The collection name of a container's holder: its key (``namespace:name``)."""
        key = f"{namespace}:{name}" if namespace else name
        if len(key.encode("utf-8")) > MAX_NAME:
            raise ValidationError(f"container key {key!r} is longer than Blender's {MAX_NAME}-byte names")
        return key

    def new_holder(self, name: str, namespace: str = "") -> bpy.types.Collection:
        """A new, empty collection for the container ``namespace:name``, linked to the scene.

        AlreadyExistsError when a container of that key or a collection of that name exists.
        """
        key = self.holder_name(name, namespace)
        try:
            self.container_node(key)
        except NotFoundError:
            pass
        else:
            raise AlreadyExistsError(f"a container {key!r} is already in the scene")
        if bpy.data.collections.get(key) is not None:
            raise AlreadyExistsError(f"a collection named {key!r} already exists; pick another name")
        coll = bpy.data.collections.new(key)
        self._scene().collection.children.link(coll)
        _edited()
        return coll

    # -- instances: marked collections ----------------------------------------
    def instance_collection(self, name: str) -> bpy.types.Collection:
        """The collection marked as the instance ``name``."""
        return _local(self.instance_node(name))

    def create_instance(self, instance: Instance) -> Instance:
        """Mark the local collection named ``instance.name`` (made, and linked to the scene,
        when there is none) as the instance; the objects named in the ``members`` option
        (the creator's selection) are linked into it."""
        text = self._instance_json(instance)
        if instance.name in {i.name for i in self.list_instances()}:
            raise AlreadyExistsError(f"an instance named {instance.name!r} already exists")
        if len(instance.name.encode("utf-8")) > MAX_NAME:
            raise ValidationError(f"instance name {instance.name!r} is longer than {MAX_NAME} bytes")
        coll = bpy.data.collections.get(instance.name)
        if coll is not None and (coll.library is not None or INSTANCE_KEY in coll):
            raise AlreadyExistsError(f"collection {instance.name!r} is linked or already an instance")
        members = instance.options.get("members", [])
        if isinstance(members, str) or not isinstance(members, list):
            raise ValidationError(f"option 'members' must be a list of object names, not {members!r}")
        missing = [m for m in members if not isinstance(m, str) or bpy.data.objects.get(m) is None]
        if missing:
            raise NotFoundError(f"no object {missing} in the scene to make members of {instance.name!r}")
        if coll is None:
            coll = bpy.data.collections.new(instance.name)
            self._scene().collection.children.link(coll)
        for member in members:
            obj = bpy.data.objects[member]
            if obj.name not in coll.objects:
                coll.objects.link(obj)
        coll[INSTANCE_KEY] = text
        _edited()
        return instance

    # -- unsaved changes -------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        """Blender's own flag (``bpy.data.is_dirty``: the artist's edits) or a change splice made
        (a load, a creator, the context) since the last save or open."""
        return self.api.is_modified() or _splice_edits

    # -- selection: objects of the view layer -----------------------------------
    def set_selection(self, names: list[str]) -> None:
        """Select exactly the objects ``names`` (the first becomes the active object)."""
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise ValidationError("selection must be a list of object names")
        layer_objects = self.api.layer().objects
        missing = [n for n in names if layer_objects.get(n) is None]
        if missing:
            raise NotFoundError(
                f"no object {missing} in the view layer; it has {len(layer_objects)} objects"
                f" (e.g. {sorted(o.name for o in layer_objects)[:10]})"
            )
        self.api.select(list(names))

    # -- thumbnails ---------------------------------------------------------------
    thumbnail_note = ""

    def capture_thumbnail(self, path: Path) -> Path | None:
        """The 3D viewport rendered (:func:`capture_viewport`); None in background mode."""
        from splice.pipeline.thumbnails import through

        with _stdout_to_stderr(self.quiet):  # Blender prints "Saved: …"
            return through(self, capture_viewport, path)


def _view3d() -> tuple[Any, Any, Any] | None:
    """The first 3D viewport of an open window: (window, area, its main region)."""
    for window in bpy.context.window_manager.windows:
        for area in window.screen.areas:
            if area.type == "VIEW_3D":
                region = next((r for r in area.regions if r.type == "WINDOW"), None)
                if region is not None:
                    return window, area, region
    return None


def capture_viewport(path: str, width: int, height: int) -> None:
    """Write the 3D viewport, rendered as it shows (``render.opengl``), to the PNG ``path`` at
    ``width`` × ``height``; the scene's output settings are left as they were. RuntimeError
    without a viewport: ``bpy`` as a module or ``blender -b`` has no window, so no GPU context."""
    if bpy.app.background:
        raise RuntimeError("headless: no viewport")
    found = _view3d()
    if found is None:
        raise RuntimeError("no 3D viewport is open")
    window, area, region = found
    render = bpy.context.scene.render
    image = render.image_settings
    kept = (render.filepath, render.resolution_x, render.resolution_y, render.resolution_percentage)
    kept_image = (image.file_format, image.color_mode)
    try:
        render.filepath = path
        render.resolution_x, render.resolution_y, render.resolution_percentage = int(width), int(height), 100
        image.file_format, image.color_mode = "PNG", "RGB"
        with bpy.context.temp_override(window=window, area=area, region=region):
            result = bpy.ops.render.opengl(write_still=True, view_context=True)
    finally:
        render.filepath, render.resolution_x, render.resolution_y, render.resolution_percentage = kept
        image.file_format, image.color_mode = kept_image
    if "FINISHED" not in result:
        raise RuntimeError(f"Blender did not render the viewport: {sorted(result)}")


_env_context: Context | None = None


def _scene_ready() -> bool:
    """Whether scene data can be written (not while Blender runs its start-up scripts)."""
    try:
        return bpy.context.scene is not None and isinstance(bpy.data, bpy.types.BlendData)
    except AttributeError:  # bpy's restricted context during registration
        return False


def apply_env_context(host: BlenderHost | None = None) -> bool:
    """Give the open scene the launcher's context when it has none yet; whether it did."""
    if _env_context is None or not _scene_ready():
        return False
    host = host or BlenderHost()
    if host._data(None, CONTEXT_KEY) is not None:
        return False  # a saved scene keeps its own context
    host.set_context(_env_context)
    return True


@bpy.app.handlers.persistent
def _on_load_post(*_args: Any) -> None:
    apply_env_context()
    _on_save_or_load()  # the launcher's context on a scene just opened is not the artist's change


def install(
    api: BpyScene | None = None,
    environ: Mapping[str, str] | None = None,
    client: Client | None = None,
    *,
    ui: bool = True,
) -> BlenderHost:
    """Install a :class:`BlenderHost` as this process's host with ``client`` as its store (None:
    ``$SPLICE_URL`` when first needed), give the scene the context of ``SPLICE_CONTEXT`` /
    ``SPLICE_TASK`` when the launcher set it, and register the UI (``ui``).

    Run from Blender's start-up scripts, the scene cannot be written yet: the context goes
    to every scene loaded without one (a ``load_post`` handler), the start-up file included.
    """
    from splice.pipeline import current

    global _env_context
    env = os.environ if environ is None else environ
    context = current.context_from_env(env) if env.get("SPLICE_CONTEXT", "").strip() else None
    host = BlenderHost(api=api)
    current.install(host, client)
    _env_context = context
    if _env_context is not None:
        handlers = bpy.app.handlers.load_post
        for fn in [f for f in handlers if getattr(f, "__name__", "") == _on_load_post.__name__]:
            handlers.remove(fn)
        handlers.append(_on_load_post)
        if _scene_ready():
            host.set_context(_env_context)
    if ui:
        from . import ui as splice_ui

        splice_ui.register()
    return host
