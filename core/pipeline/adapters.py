"""Host adapters by name, for headless work (``splice publish SCENE --host blender``).

An adapter is a module registered in the ``splice.hosts`` entry-point group that offers
``open_scene(path) -> Host`` (open the scene in this process, headless), and the folders
``PLUGINS_DIR`` (its pyblish plug-ins) and ``LOADERS_DIR`` (its loaders; may be None).
splice registers ``memory`` (:class:`~splice.pipeline.MemoryHost`) and ``blender`` (with the
``bpy`` module); a studio registers its own the same way.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Generic, NamedTuple, Protocol, TypeVar

from ..errors import NotFoundError, ValidationError
from .interface import Host
from .registry import Discovered

if TYPE_CHECKING:
    from ..client import Client

__all__ = [
    "ENTRY_POINT_GROUP",
    "SCENE_HOSTS",
    "Adapter",
    "Folders",
    "Installer",
    "adapter",
    "adapter_for_scene",
    "adapter_names",
    "discover_adapters",
    "folders",
]

ENTRY_POINT_GROUP = "splice.hosts"
A = TypeVar("A")
H = TypeVar("H", bound=Host)


class Folders(NamedTuple):
    """An adapter package's folders: its pyblish plug-ins, loaders and start-up files."""

    package: Path
    plugins: Path
    loaders: Path
    startup: Path


def folders(init_file: str) -> Folders:
    """The folders of the adapter package whose ``__init__.py`` is ``init_file``."""
    package = Path(init_file).resolve().parent
    plugins = package / "plugins"
    return Folders(package, plugins / "publish", plugins / "load", package / "startup")


class _MakeHost(Protocol[A, H]):
    def __call__(self, api: A | None, /) -> H: ...


class Installer(Generic[A, H]):
    """``install`` and ``open_scene`` of an adapter, the same in every one: ``make_host(api)``
    builds the host over the DCC (``api`` None: the real one, imported only then); ``after(host,
    environ)`` is what the adapter adds once installed (Nuke's script callbacks, Blender's UI)."""

    def __init__(
        self, make_host: _MakeHost[A, H], after: Callable[[H, Mapping[str, str] | None], None] | None = None
    ) -> None:
        self.make_host, self.after = make_host, after

    def install(
        self, api: A | None = None, environ: Mapping[str, str] | None = None, client: Client | None = None
    ) -> H:
        """Install the host (over the DCC unless ``api`` is given) as this process's host, with
        ``client`` as its store (None: ``$SPLICE_URL`` when first needed), and give the scene the
        launcher's context (``SPLICE_CONTEXT`` / ``SPLICE_TASK``) when set."""
        from .current import install_from_env

        host = install_from_env(self.make_host(api), environ, client)  # a bad context raises first
        if self.after is not None:
            self.after(host, environ)
        return host

    def open_scene(
        self, path: str | os.PathLike[str], api: A | None = None, client: Client | None = None
    ) -> H:
        """Headless use (``splice publish SCENE --host …``): install the host and open ``path``."""
        host = self.install(api, client=client)
        host.open_file(path)
        return host


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
        try:
            return opener(Path(path))
        except ImportError as exc:  # the application's module (bpy, maya…) is not in this Python
            if (exc.name or "").startswith("splice"):
                raise
            hint = f"; {_EXTRAS[self.name]}" if self.name in _EXTRAS else ""
            raise NotFoundError(f"host {self.name!r} cannot open scenes here: {exc}{hint}") from None


def discover_adapters() -> Discovered[str, Adapter]:
    """Every registered adapter that imports here, by name; ``failures``: those that do not
    (each with a warning), the others still found."""
    found: Discovered[str, Adapter] = Discovered()
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            found.setdefault(ep.name, Adapter(ep.name, importlib.import_module(ep.value)))
        except Exception as exc:  # a broken adapter: the others still load
            found.fail("host adapter", f"{ep.name} ({ep.value})", exc)
    return found


def adapter_names() -> list[str]:
    return sorted({ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)})


SCENE_HOSTS = {
    ".blend": "blender",
    ".ma": "maya",
    ".mb": "maya",
    ".hip": "houdini",
    ".hipnc": "houdini",
    ".hiplc": "houdini",
    ".nk": "nuke",
    ".scene": "memory",
    ".json": "memory",
}
"""Which adapter opens a scene file, by its extension (``--host`` chooses another)."""

_EXTRAS = {
    "blender": "pip install 'splice[blender]' (Blender as a Python module, bpy)",
    "maya": "run splice with Maya's own Python: mayapy -m splice …",
    "houdini": "run splice with Houdini's own Python: hython -m splice …",
    "nuke": "run splice in Nuke's own Python (nuke -t, calling splice.cli.main([...]))",
}
"""What to do when an adapter's application is not importable here."""


def adapter_for_scene(path: str | os.PathLike[str]) -> Adapter:
    """The adapter that opens ``path``, by its extension (:data:`SCENE_HOSTS`)."""
    suffix = Path(path).suffix.lower()
    name = SCENE_HOSTS.get(suffix)
    if name is None:
        known = ", ".join(f"{ext} ({host})" for ext, host in SCENE_HOSTS.items())
        raise ValidationError(
            f"cannot tell which application opens {os.fspath(path)!r} (extension {suffix or 'none'!r}):"
            f" known: {known}; or name it with --host {{{','.join(adapter_names())}}}"
        )
    return adapter(name)


def adapter(name: str) -> Adapter:
    """The adapter registered as ``name``; NotFoundError names the registered ones."""
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == name:
            try:
                return Adapter(name, importlib.import_module(ep.value))
            except ImportError as exc:
                hint = f"; {_EXTRAS[name]}" if name in _EXTRAS else ""
                raise NotFoundError(f"host {name!r} cannot be used here: {exc}{hint}") from None
    raise NotFoundError(f"no host adapter {name!r}; registered: {adapter_names()}")
