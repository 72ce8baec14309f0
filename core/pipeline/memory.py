""":class:`MemoryHost`: a complete host whose scene is plain data, saved as a JSON file.

It is the reference implementation of :class:`splice.pipeline.Host`: the tests, headless
publishing and every adapter's author read it to see what each method must do.
Scene content is a mapping of names to JSON data (``content``), which loaders fill.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import AlreadyExistsError, NotFoundError, ValidationError
from .interface import Container, Context, Instance

__all__ = ["PLUGINS_DIR", "SCENE_FORMAT", "MemoryHost", "open_scene"]

SCENE_FORMAT = "splice.memory-scene/1"
PLUGINS_DIR = Path(__file__).parent / "plugins" / "memory"  # its pyblish plug-ins
LOADERS_DIR: Path | None = None  # MemoryHost ships no loaders: tests bring their own


class MemoryHost:
    """A host with its scene in memory, saved to and opened from a JSON file."""

    def __init__(self, name: str = "memory", version: str = __version__) -> None:
        self._name = name
        self._version = version
        self._file: Path | None = None
        self._reset()
        self._saved = self._state()  # a new scene has nothing to save

    def _reset(self) -> None:
        self._context = Context()
        self._containers: dict[str, Container] = {}
        self._instances: dict[str, Instance] = {}
        self._selection: list[str] = []
        self.content: dict[str, Any] = {}

    @property
    def name(self) -> str:
        return self._name

    @property
    def version(self) -> str:
        return self._version

    # -- context ----------------------------------------------------------
    def get_context(self) -> Context:
        return self._context

    def set_context(self, context: Context) -> None:
        if not isinstance(context, Context):
            raise ValidationError(f"context must be a Context, not {type(context).__name__}")
        self._context = context

    # -- the scene file -----------------------------------------------------
    def current_file(self) -> Path | None:
        return self._file

    def _scene(self) -> dict[str, Any]:
        return {
            "format": SCENE_FORMAT,
            "context": self._context.to_dict(),
            "containers": [c.to_dict() for c in self.ls_containers()],
            "instances": [i.to_dict() for i in self.list_instances()],
            "selection": list(self._selection),
            "content": self.content,
        }

    def _state(self) -> str:
        """What a save keeps, as text: context, containers, instances and content (the
        selection aside: selecting changes no scene, as in a DCC)."""
        scene = self._scene()
        del scene["selection"]
        return json.dumps(scene, sort_keys=True, default=repr)

    def has_unsaved_changes(self) -> bool:
        """Whether the context, containers, instances or content differ from what was last
        saved or opened (a change undone by hand is no change)."""
        return self._state() != self._saved

    def save_file(self, path: str | os.PathLike[str] | None = None) -> Path:
        if path is None:
            if self._file is None:
                raise ValidationError("the scene was never saved: give save_file a path")
            target = self._file
        else:
            target = Path(path)
        text = json.dumps(self._scene(), indent=2, sort_keys=True)  # fails before anything is written
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
        self._file = target
        self._saved = self._state()
        return target

    def open_file(self, path: str | os.PathLike[str]) -> None:
        source = Path(path)
        try:
            raw = json.loads(source.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NotFoundError(f"no scene file at {source}") from None
        except (OSError, ValueError) as exc:
            raise ValidationError(f"{source} is not a readable {SCENE_FORMAT} scene: {exc}") from None
        if not isinstance(raw, dict) or raw.get("format") != SCENE_FORMAT:
            raise ValidationError(f"{source} is not a {SCENE_FORMAT} scene")
        # parse everything before replacing the open scene
        context = Context.from_dict(raw.get("context", {}))
        containers = [Container.from_dict(c) for c in raw.get("containers", [])]
        instances = [Instance.from_dict(i) for i in raw.get("instances", [])]
        selection = raw.get("selection", [])
        content = raw.get("content", {})
        if not isinstance(selection, list) or not all(isinstance(s, str) for s in selection):
            raise ValidationError(f"{source}: selection must be a list of names")
        if not isinstance(content, dict):
            raise ValidationError(f"{source}: content must be a mapping")
        self._reset()
        self._context = context
        self._containers = {c.key: c for c in containers}
        self._instances = {i.name: i for i in instances}
        self._selection = selection
        self.content = content
        self._file = source
        self._saved = self._state()

    # -- containers ---------------------------------------------------------
    def ls_containers(self) -> list[Container]:
        return [self._containers[k] for k in sorted(self._containers)]

    def write_container(self, container: Container) -> Container:
        if not isinstance(container, Container):
            raise ValidationError(f"container must be a Container, not {type(container).__name__}")
        self._containers[container.key] = container
        return container

    def read_container(self, key: str) -> Container:
        try:
            return self._containers[key]
        except (KeyError, TypeError):
            raise NotFoundError(
                f"no container {key!r} in the scene; containers: {sorted(self._containers)}"
            ) from None

    def remove_container(self, key: str) -> None:
        self.read_container(key)
        del self._containers[key]

    # -- instances ----------------------------------------------------------
    def list_instances(self) -> list[Instance]:
        return [self._instances[k] for k in sorted(self._instances)]

    def _instance(self, instance: object) -> Instance:
        if not isinstance(instance, Instance):
            raise ValidationError(f"instance must be an Instance, not {type(instance).__name__}")
        return instance

    def create_instance(self, instance: Instance) -> Instance:
        if self._instance(instance).name in self._instances:
            raise AlreadyExistsError(f"an instance named {instance.name!r} already exists")
        self._instances[instance.name] = instance
        return instance

    def update_instance(self, instance: Instance) -> Instance:
        if self._instance(instance).name not in self._instances:
            raise NotFoundError(f"no instance {instance.name!r}; instances: {sorted(self._instances)}")
        self._instances[instance.name] = instance
        return instance

    def remove_instance(self, name: str) -> None:
        if name not in self._instances:
            raise NotFoundError(f"no instance {name!r}; instances: {sorted(self._instances)}")
        del self._instances[name]

    # -- selection ----------------------------------------------------------
    def get_selection(self) -> list[str]:
        return list(self._selection)

    def set_selection(self, names: list[str]) -> None:
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise ValidationError("selection must be a list of names")
        self._selection = list(names)

    # -- thumbnails -----------------------------------------------------------
    viewport = False  # a pretend viewport to capture: off, as in a headless publish
    thumbnail_note = ""

    def capture_thumbnail(self, path: Path) -> Path | None:
        """With :attr:`viewport` on, a real PNG of :data:`~splice.pipeline.thumbnails.SIZE`
        whose colour comes from the scene's content (another scene, another picture)."""
        from .thumbnails import SIZE, write_png

        if not self.viewport:
            self.thumbnail_note = "headless: no viewport"
            return None
        self.thumbnail_note = ""
        seed = json.dumps(self.content, sort_keys=True, default=str).encode("utf-8")
        r, g, b = hashlib.sha256(seed).digest()[:3]
        width, height = SIZE
        return write_png(path, width, height, lambda x, y: (r * x // width, g * y // height, b))


def open_scene(path: str | os.PathLike[str]) -> MemoryHost:
    """A MemoryHost with the scene file at ``path`` open (headless publishing)."""
    host = MemoryHost()
    host.open_file(path)
    return host
