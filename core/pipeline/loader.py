"""Loaders: plain classes that build scene content from a revision, discovered from modules or paths.

A loader declares what it serves (``kinds``, ``representations``, ``hosts``; empty
means any) and implements ``load``, ``update``, ``remove`` and ``switch``. Like
pyblish plugins, loaders are found by :func:`discover_loaders`: every subclass of
:class:`Loader` defined in the given modules is one (a class may also be registered:
:func:`splice.pipeline.registry.register_loader`). A loader file that cannot be imported
is recorded in the result's ``failures``, with a warning, and the others are read.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, ClassVar

from ..errors import NotFoundError, ValidationError
from .registry import Discovered

if TYPE_CHECKING:
    from ..nodes import Revision
    from .interface import Container, Host

__all__ = ["Loader", "LoaderSource", "add_loader", "discover_loaders", "find_loader"]

_MODULE_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
LoaderSource = str | os.PathLike[str] | ModuleType


class Loader:
    """Base class of loaders; subclass it and override the four methods."""

    name: ClassVar[str] = ""
    kinds: ClassVar[tuple[str, ...]] = ()
    representations: ClassVar[tuple[str, ...]] = ()
    hosts: ClassVar[tuple[str, ...]] = ()
    priority: ClassVar[int] = 0  # among loaders serving the same thing, the highest is the default

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("name"):
            cls.name = cls.__name__

    @classmethod
    def serves(cls, kind: str, representation: str, host: str) -> bool:
        """Whether this loader loads ``representation`` of a ``kind`` item in ``host``."""
        return (
            (not cls.kinds or kind in cls.kinds)
            and (not cls.representations or representation in cls.representations)
            and (not cls.hosts or host in cls.hosts)
        )

    def load(
        self, host: Host, revision: Revision, representation: str, path: Path, name: str, namespace: str
    ) -> Container:
        """Build content from ``path`` (the local, verified files of ``representation`` of
        ``revision``) and write its container (``Container(name, revision.kref, self.name,
        representation, namespace)``)."""
        raise NotImplementedError(f"{type(self).__name__} does not load")

    def update(self, host: Host, container: Container, revision: Revision, path: Path) -> None:
        """Bring the content of ``container`` to ``revision``, whose files of the container's
        representation are at ``path`` (the inventory rewrites the container)."""
        raise NotImplementedError(f"{type(self).__name__} does not update")

    def remove(self, host: Host, container: Container) -> None:
        """Remove the content of ``container`` (the inventory removes the container)."""
        raise NotImplementedError(f"{type(self).__name__} does not remove")

    def switch(self, host: Host, container: Container, revision: Revision, path: Path) -> None:
        """Replace the content of ``container`` with ``revision`` of another item (files at
        ``path``)."""
        raise NotImplementedError(f"{type(self).__name__} does not switch")


def _module_from_path(path: Path) -> ModuleType:
    name = f"splice_loaders_{abs(hash(str(path.resolve())))}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ValidationError(f"{path} is not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _modules(source: LoaderSource, found: Discovered[str, type[Loader]]) -> list[ModuleType]:
    """The modules of ``source``; a file that cannot be imported is recorded in ``found``."""
    if isinstance(source, ModuleType):
        return [source]
    if isinstance(source, str) and _MODULE_NAME.fullmatch(source) and not Path(source).exists():
        try:
            return [importlib.import_module(source)]
        except ImportError as exc:
            raise NotFoundError(f"no loader module {source!r} can be imported: {exc}") from None
    path = Path(source)
    if path.is_dir():
        files = [p for p in sorted(path.glob("*.py")) if not p.name.startswith("_")]
    elif path.is_file():
        files = [path]
    else:
        raise NotFoundError(f"no loader module or folder at {path}")
    modules = []
    for file in files:
        try:
            modules.append(_module_from_path(file))
        except Exception as exc:  # a broken loader file: the others still load
            found.fail("loader file", file, exc)
    return modules


def _source_key(source: str | os.PathLike[str]) -> object:
    path = Path(source)
    return path.resolve() if path.exists() else source


def discover_loaders(sources: Iterable[LoaderSource]) -> Discovered[str, type[Loader]]:
    """Every :class:`Loader` subclass defined in ``sources`` (module names, module
    objects, ``.py`` files or folders of them), by name; ``failures`` lists the loader
    files that could not be imported. Two loaders of one name raise :class:`ValidationError`."""
    if isinstance(sources, (str, os.PathLike, ModuleType)):
        sources = [sources]
    found: Discovered[str, type[Loader]] = Discovered()
    seen: set[object] = set()
    for source in sources:
        key = source if isinstance(source, ModuleType) else _source_key(source)
        if key in seen:  # the same folder given twice (an adapter's, also on $SPLICE_LOADER_PATH)
            continue
        seen.add(key)
        for module in _modules(source, found):
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if not issubclass(cls, Loader) or cls is Loader or cls.__module__ != module.__name__:
                    continue
                if inspect.isabstract(cls) or cls.__name__.startswith("_"):
                    continue
                add_loader(found, cls)
    return found


def add_loader(found: dict[str, type[Loader]], cls: type[Loader]) -> None:
    """Add ``cls`` to ``found`` by its name; ValidationError when another loader has it."""
    if cls.name in found and found[cls.name] is not cls:
        raise ValidationError(f"two loaders are named {cls.name!r}: {found[cls.name]} and {cls}")
    found[cls.name] = cls


def find_loader(loaders: Mapping[str, type[Loader]], name: str) -> Loader:
    """An instance of the loader called ``name``; NotFoundError names those there are."""
    try:
        return loaders[name]()
    except KeyError:
        raise NotFoundError(f"no loader named {name!r}; loaders: {sorted(loaders)}") from None
