"""Host adapters by name, for headless work (``splice publish SCENE --host blender``).

An adapter is a module registered in the ``splice.hosts`` entry-point group that offers
``open_scene(path) -> Host`` (open the scene in this process, headless), and the folders
``PLUGINS_DIR`` (its pyblish plug-ins) and ``LOADERS_DIR`` (its loaders; may be None).
splice registers ``memory`` (:class:`~splice.host.MemoryHost`) and ``blender`` (with the
``bpy`` module); a studio registers its own the same way.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from ..errors import NotFoundError, ValidationError
from .interface import Host

__all__ = ["ENTRY_POINT_GROUP", "Adapter", "adapter", "adapter_names"]

ENTRY_POINT_GROUP = "splice.hosts"


@dataclass(frozen=True)
class Adapter:
    name: str
    module: ModuleType

    @property
    def plugins_dir(self) -> Path | None:
        return getattr(self.module, "PLUGINS_DIR", None)

    @property
    def loaders_dir(self) -> Path | None:
        return getattr(self.module, "LOADERS_DIR", None)

    def open_scene(self, path: str | Path) -> Host:
        opener = getattr(self.module, "open_scene", None)
        if opener is None:
            raise ValidationError(f"host {self.name!r} ({self.module.__name__}) cannot open scenes headless")
        return opener(Path(path))


def adapter_names() -> list[str]:
    return sorted({ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)})


def adapter(name: str) -> Adapter:
    """The adapter registered as ``name``; NotFoundError names the registered ones."""
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            try:
                return Adapter(name, importlib.import_module(ep.value))
            except ImportError as exc:
                raise NotFoundError(f"host {name!r} cannot be used here: {exc}") from None
    raise NotFoundError(f"no host adapter {name!r}; registered: {adapter_names()}")
