"""Registries of the host framework, each with the same three verbs (as pyblish's), and the
result of a discovery that survives a broken plug-in (as Rez's plug-in manager).

- loaders: :class:`~splice.pipeline.Loader` classes, beside those found in folders;
- creators: kinds that ``create`` offers beside :data:`~splice.pipeline.creators.KINDS`;
- plug-in paths: folders of pyblish plug-ins every publish reads;
- hooks: an item's load hook module, before the ``splice.assets`` entry points.

``register_x(thing)`` adds (again: nothing), ``deregister_x(thing)`` removes (absent:
nothing), ``registered_x()`` lists in registration order.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from .loader import Loader

__all__ = [
    "Discovered",
    "Failure",
    "Registry",
    "deregister_creator",
    "deregister_hook",
    "deregister_loader",
    "deregister_plugin_path",
    "register_creator",
    "register_hook",
    "register_loader",
    "register_plugin_path",
    "registered_creators",
    "registered_hooks",
    "registered_loaders",
    "registered_plugin_paths",
]

log = logging.getLogger(__name__)
T = TypeVar("T", bound=Hashable)
K = TypeVar("K")
V = TypeVar("V")


class Registry(Generic[T]):
    """An ordered set with register / deregister / registered."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[T, None] = {}

    def register(self, item: T) -> T:
        self._items[item] = None
        return item

    def deregister(self, item: T) -> None:
        self._items.pop(item, None)

    def registered(self) -> list[T]:
        return list(self._items)

    def clear(self) -> None:
        self._items.clear()


@dataclass(frozen=True)
class Failure:
    """A plug-in that could not be loaded: where it is and why."""

    source: str
    error: str

    def __str__(self) -> str:
        return f"{self.source}: {self.error}"


class Discovered(dict[K, V]):
    """What a discovery found, by name, and :attr:`failures`: the broken plug-ins it went past."""

    failures: list[Failure]

    def __init__(self) -> None:
        super().__init__()
        self.failures = []

    def fail(self, what: str, source: object, exc: BaseException) -> None:
        """Record a broken plug-in, with a warning naming it, and go on."""
        failure = Failure(str(source), f"{type(exc).__name__}: {exc}")
        self.failures.append(failure)
        log.warning("skipping the broken %s %s", what, failure)

    def summary(self) -> str:
        """One line per failure ('' when none)."""
        return "\n".join(str(f) for f in self.failures)


@dataclass
class _Registries:
    loaders: Registry[type[Loader]] = field(default_factory=lambda: Registry("loaders"))
    creators: Registry[str] = field(default_factory=lambda: Registry("creators"))
    plugin_paths: Registry[Path] = field(default_factory=lambda: Registry("plug-in paths"))
    hooks: dict[str, ModuleType] = field(default_factory=dict)


_REGISTRIES = _Registries()


def register_loader(loader: type[Loader]) -> type[Loader]:
    """Use ``loader`` (a Loader class) beside the loaders found in folders; usable as a decorator."""
    from .loader import Loader

    if not (isinstance(loader, type) and issubclass(loader, Loader)):
        from ..errors import ValidationError

        raise ValidationError(f"register_loader needs a Loader subclass, not {loader!r}")
    return _REGISTRIES.loaders.register(loader)


def deregister_loader(loader: type[Loader]) -> None:
    _REGISTRIES.loaders.deregister(loader)


def registered_loaders() -> list[type[Loader]]:
    return _REGISTRIES.loaders.registered()


def register_creator(kind: str) -> str:
    """Offer ``kind`` as a standard kind (no warning at publish)."""
    from ..kref import check_kind

    return _REGISTRIES.creators.register(check_kind(kind))


def deregister_creator(kind: str) -> None:
    _REGISTRIES.creators.deregister(kind)


def registered_creators() -> list[str]:
    return _REGISTRIES.creators.registered()


def register_plugin_path(path: str | Path) -> Path:
    """Read the pyblish plug-ins of folder ``path`` in every publish."""
    return _REGISTRIES.plugin_paths.register(Path(path).absolute())


def deregister_plugin_path(path: str | Path) -> None:
    _REGISTRIES.plugin_paths.deregister(Path(path).absolute())


def registered_plugin_paths() -> list[Path]:
    return _REGISTRIES.plugin_paths.registered()


def register_hook(item: str, module: ModuleType) -> ModuleType:
    """Use ``module`` as the load hook module of ``item`` (an item kref), before the asset
    packages' entry points."""
    from ..kref import to_kref

    _REGISTRIES.hooks[str(to_kref(item, "item").base)] = module
    return module


def deregister_hook(item: str, module: ModuleType | None = None) -> None:
    """Forget the hook of ``item`` (only when it is ``module``, when given)."""
    from ..kref import to_kref

    key = str(to_kref(item, "item").base)
    if module is None or _REGISTRIES.hooks.get(key) is module:
        _REGISTRIES.hooks.pop(key, None)


def registered_hooks() -> dict[str, ModuleType]:
    return dict(_REGISTRIES.hooks)
