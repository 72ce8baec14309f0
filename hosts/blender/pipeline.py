"""``BlenderHost``: the :class:`splice.host.Host` protocol over a Blender scene.

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
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bpy

from splice.errors import AlreadyExistsError, NotFoundError, ValidationError
from splice.host.interface import Container, Context, Instance

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

CONTEXT_KEY = "splice_context"
CONTAINER_KEY = "splice_container"
INSTANCE_KEY = "splice_instance"
PUBLISHED_KEY = "splice_published"  # the collection a published .blend holds
MAX_NAME = 63  # Blender's ID names are at most 63 bytes
_BLEND_MAGIC = (b"BLENDER", b"\x28\xb5\x2f\xfd", b"\x1f\x8b")  # plain, zstd, gzip


def _local_collections() -> list[bpy.types.Collection]:
    return [c for c in bpy.data.collections if c.library is None]


def _record(idblock: Any, key: str) -> dict[str, Any] | None:
    raw = idblock.get(key)
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        value = None
    if not isinstance(value, dict):
        kind = type(idblock).__name__.lower()
        log.warning("ignoring %s %r: its %s is not a JSON record", kind, idblock.name, key)
        return None
    return value


def _marked(key: str) -> Iterator[tuple[bpy.types.Collection, dict[str, Any]]]:
    """Local collections carrying a ``key`` record, sorted by collection name; the first
    collection wins when a duplicated collection copied a record."""
    for coll in sorted(_local_collections(), key=lambda c: c.name):
        raw = _record(coll, key)
        if raw is not None:
            yield coll, raw


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


class BlenderHost:
    """The open Blender session as a splice host (see the module's docstring for the layout).

    ``quiet``: Blender's own messages on opening and saving files go to stderr (headless use).
    """

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    @property
    def name(self) -> str:
        return "blender"

    @property
    def version(self) -> str:
        return str(bpy.app.version_string)

    # -- context ----------------------------------------------------------
    @staticmethod
    def _scene() -> bpy.types.Scene:
        scene = bpy.context.scene
        if scene is None:  # pragma: no cover - a window without a scene
            scene = bpy.data.scenes[0]
        return scene

    def get_context(self) -> Context:
        raw = _record(self._scene(), CONTEXT_KEY)
        if raw is None:
            return Context()
        try:
            return Context.from_dict(raw)
        except ValidationError:
            return Context()

    def set_context(self, context: Context) -> None:
        if not isinstance(context, Context):
            raise ValidationError(f"context must be a Context, not {type(context).__name__}")
        self._scene()[CONTEXT_KEY] = json.dumps(context.to_dict(), sort_keys=True)

    # -- the scene file -----------------------------------------------------
    def current_file(self) -> Path | None:
        return Path(bpy.data.filepath) if bpy.data.filepath else None

    def save_file(self, path: str | os.PathLike[str] | None = None) -> Path:
        if path is None:
            if not bpy.data.filepath:
                raise ValidationError("the scene was never saved: give save_file a path")
            target = Path(bpy.data.filepath)
        else:
            target = Path(path).absolute()
        if target.suffix != ".blend":
            raise ValidationError(f"a Blender scene is saved to a .blend file, not {target.name!r}")
        if not target.parent.is_dir():
            raise NotFoundError(f"cannot save {target.name}: no folder {target.parent}")
        with _stdout_to_stderr(self.quiet):
            result = bpy.ops.wm.save_as_mainfile(filepath=str(target), check_existing=False)
        if "FINISHED" not in result:
            raise ValidationError(f"Blender did not save {target}: {sorted(result)}")
        return target

    def open_file(self, path: str | os.PathLike[str]) -> None:
        source = Path(path).absolute()
        if not source.is_file():
            raise NotFoundError(f"no scene file at {source}")
        with open(source, "rb") as fh:
            head = fh.read(8)
        if not head.startswith(_BLEND_MAGIC):
            raise ValidationError(f"{source} is not a .blend file")
        try:
            with _stdout_to_stderr(self.quiet):
                bpy.ops.wm.open_mainfile(filepath=str(source))
        except RuntimeError as exc:
            raise ValidationError(f"Blender cannot open {source}: {exc}") from None

    # -- containers ---------------------------------------------------------
    def _containers(self) -> dict[str, tuple[bpy.types.Collection, Container]]:
        found: dict[str, tuple[bpy.types.Collection, Container]] = {}
        for coll, raw in _marked(CONTAINER_KEY):
            try:
                container = Container.from_dict(raw)
            except ValidationError as exc:  # a hand-edited, broken record is not a container
                log.warning("ignoring collection %r: its %s is unreadable: %s", coll.name, CONTAINER_KEY, exc)
                continue
            found.setdefault(container.key, (coll, container))
        return found

    def ls_containers(self) -> list[Container]:
        found = self._containers()
        return [found[k][1] for k in sorted(found)]

    def read_container(self, key: str) -> Container:
        return self._holder(key)[1]

    def _find(self, key: str) -> tuple[bpy.types.Collection, Container] | None:
        """The holder of ``key`` and its container, as :meth:`_containers` would pick it."""
        coll = bpy.data.collections.get(key)  # fast path: a holder is named after its key
        raw = _record(coll, CONTAINER_KEY) if coll is not None and coll.library is None else None
        if raw is not None:
            try:
                container = Container.from_dict(raw)
            except ValidationError:
                container = None
            if container is not None and container.key == key:
                return coll, container
        # a renamed holder: parse only the records whose text holds the end of the name
        part = json.dumps(key.rsplit(":", 1)[-1])[1:-1]
        for coll in sorted(_local_collections(), key=lambda c: c.name):
            text = coll.get(CONTAINER_KEY)
            if not isinstance(text, str) or part not in text:
                continue
            raw = _record(coll, CONTAINER_KEY)
            try:
                container = Container.from_dict(raw)
            except ValidationError:
                continue
            if container.key == key:
                return coll, container
        return None

    def _holder(self, key: object) -> tuple[bpy.types.Collection, Container]:
        found = self._find(key) if isinstance(key, str) else None
        if found is None:
            have = sorted(self._containers())
            raise NotFoundError(f"no container {key!r} in the scene; containers: {have}")
        return found

    def holder(self, key: str) -> bpy.types.Collection:
        """The collection holding the container ``key`` and its content."""
        return self._holder(key)[0]

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
        if self._find(key) is not None:
            raise AlreadyExistsError(f"a container {key!r} is already in the scene")
        if bpy.data.collections.get(key) is not None:
            raise AlreadyExistsError(f"a collection named {key!r} already exists; pick another name")
        coll = bpy.data.collections.new(key)
        self._scene().collection.children.link(coll)
        return coll

    def write_container(self, container: Container) -> Container:
        if not isinstance(container, Container):
            raise ValidationError(f"container must be a Container, not {type(container).__name__}")
        text = json.dumps(container.to_dict(), sort_keys=True)  # fails before anything changes
        try:
            coll = self._holder(container.key)[0]
        except NotFoundError:
            coll = bpy.data.collections.get(self.holder_name(container.name, container.namespace))
            if coll is None or coll.library is not None or _record(coll, CONTAINER_KEY) is not None:
                coll = self.new_holder(container.name, container.namespace)
        coll[CONTAINER_KEY] = text
        return container

    def remove_container(self, key: str) -> None:
        """Remove the record; the holder collection goes too once the loader emptied it."""
        coll, _ = self._holder(key)
        del coll[CONTAINER_KEY]
        if not coll.objects and not coll.children and INSTANCE_KEY not in coll:
            bpy.data.collections.remove(coll)

    # -- instances ----------------------------------------------------------
    def _instances(self) -> dict[str, tuple[bpy.types.Collection, Instance]]:
        found: dict[str, tuple[bpy.types.Collection, Instance]] = {}
        for coll, raw in _marked(INSTANCE_KEY):
            try:
                instance = Instance.from_dict(raw)
            except ValidationError as exc:
                log.warning("ignoring collection %r: its %s is unreadable: %s", coll.name, INSTANCE_KEY, exc)
                continue
            found.setdefault(instance.name, (coll, instance))
        return found

    def list_instances(self) -> list[Instance]:
        found = self._instances()
        return [found[k][1] for k in sorted(found)]

    def instance_collection(self, name: str) -> bpy.types.Collection:
        """The collection marked as the instance ``name``."""
        found = self._instances()
        if name not in found:
            raise NotFoundError(f"no instance {name!r}; instances: {sorted(found)}")
        return found[name][0]

    @staticmethod
    def _check(instance: object) -> Instance:
        if not isinstance(instance, Instance):
            raise ValidationError(f"instance must be an Instance, not {type(instance).__name__}")
        return instance

    def create_instance(self, instance: Instance) -> Instance:
        """Mark the local collection named ``instance.name`` (made, and linked to the scene,
        when there is none) as the instance; the objects named in the ``members`` option
        (the creator's selection) are linked into it."""
        text = json.dumps(self._check(instance).to_dict(), sort_keys=True)
        if instance.name in self._instances():
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
        return instance

    def update_instance(self, instance: Instance) -> Instance:
        text = json.dumps(self._check(instance).to_dict(), sort_keys=True)
        self.instance_collection(instance.name)[INSTANCE_KEY] = text
        return instance

    def remove_instance(self, name: str) -> None:
        """Unmark the instance; its collection and objects stay in the scene."""
        del self.instance_collection(name)[INSTANCE_KEY]

    # -- selection ----------------------------------------------------------
    @staticmethod
    def _layer() -> bpy.types.ViewLayer:
        layer = bpy.context.view_layer
        layer.update()  # objects linked since the last redraw are in the layer only once synced
        return layer

    def get_selection(self) -> list[str]:
        return sorted(o.name for o in self._layer().objects if o.select_get())

    def set_selection(self, names: list[str]) -> None:
        """Select exactly the objects ``names`` (the first becomes the active object)."""
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise ValidationError("selection must be a list of object names")
        layer_objects = self._layer().objects
        missing = [n for n in names if layer_objects.get(n) is None]
        if missing:
            raise NotFoundError(
                f"no object {missing} in the view layer; it has {len(layer_objects)} objects"
                f" (e.g. {sorted(o.name for o in layer_objects)[:10]})"
            )
        for obj in layer_objects:
            obj.select_set(False)
        for n in names:
            layer_objects[n].select_set(True)
        layer_objects.active = layer_objects[names[0]] if names else None


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
    if _record(host._scene(), CONTEXT_KEY) is not None:
        return False  # a saved scene keeps its own context
    host.set_context(_env_context)
    return True


@bpy.app.handlers.persistent
def _on_load_post(*_args: Any) -> None:
    apply_env_context()


def install(register_ui: bool = True) -> BlenderHost:
    """Install a :class:`BlenderHost` as this process's host, give the scene the context of
    ``SPLICE_CONTEXT`` / ``SPLICE_TASK`` when the launcher set it, and register the UI.

    Run from Blender's start-up scripts, the scene cannot be written yet: the context goes
    to every scene loaded without one (a ``load_post`` handler), the start-up file included.
    """
    from splice.host import current

    global _env_context
    host = BlenderHost()
    current.install(host)
    _env_context = current.context_from_env() if os.environ.get("SPLICE_CONTEXT", "").strip() else None
    if _env_context is not None:
        handlers = bpy.app.handlers.load_post
        for fn in [f for f in handlers if getattr(f, "__name__", "") == _on_load_post.__name__]:
            handlers.remove(fn)
        handlers.append(_on_load_post)
        if _scene_ready():
            host.set_context(_env_context)
    if register_ui:
        from . import ui

        ui.register()
    return host
