""":class:`MarkedHost`: the whole :class:`~splice.pipeline.Host` protocol over marker nodes.

A DCC adapter whose scene keeps splice's records as JSON strings on nodes (Maya
objectSets with a string attribute, Houdini nodes' user data, Nuke nodes' hidden
knobs, Blender collections' custom properties) subclasses :class:`MarkedHost` and
supplies a few primitives: read and write a string on a node or on the scene, list the
nodes carrying a key, create and delete a marker node, and the scene file's path /
save / open. Everything else is here, once:

- the context: :data:`CONTEXT_KEY` on the scene (``node=None``);
- a container: a marker node carrying :data:`CONTAINER_KEY` (``Container.to_dict()``);
- an instance: a marker node carrying :data:`INSTANCE_KEY`, remembering its members
  (the selection at creation) — by default as JSON in :data:`MEMBERS_KEY`.

Records are found by their key, never by node name, so a renamed marker keeps its
record; one record is first looked up where splice puts it (:meth:`_marker_name`, one
call), and the markers are scanned only when it is not there. A marker whose JSON is
unreadable is skipped with a warning; of two markers holding the same record, the first
by name wins. Errors are :class:`~splice.pipeline.memory.MemoryHost`'s: a missing record
raises ``NotFoundError`` naming those that exist, a wrong type or non-JSON data
``ValidationError``, a taken instance name ``AlreadyExistsError``; every check runs
before the first change. Nothing here imports a DCC.
"""

from __future__ import annotations

import json
import logging
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from ..errors import AlreadyExistsError, NotFoundError, ValidationError
from .interface import Container, Context, Instance

__all__ = [
    "CONTAINER_KEY",
    "CONTEXT_KEY",
    "INSTANCE_KEY",
    "MEMBERS_KEY",
    "MarkedHost",
    "SceneApi",
    "node_name",
    "to_json",
]

CONTEXT_KEY = "splice_context"
CONTAINER_KEY = "splice_container"
INSTANCE_KEY = "splice_instance"
MEMBERS_KEY = "splice_members"


class SceneApi(Protocol):
    """What every DCC interface offers and :class:`MarkedHost` uses directly."""

    def version(self) -> str: ...

    def exists(self, node: str, /) -> bool: ...

    def selection(self) -> list[str]: ...

    def select(self, nodes: Sequence[str], /) -> None: ...


A = TypeVar("A", bound=SceneApi)
R = TypeVar("R", Container, Instance)


def node_name(text: str, suffix: str = "") -> str:
    """A node name valid in Maya, Houdini and Nuke made of ``text`` (``chars:hero`` → ``chars_hero_CON``)."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return f"{'_' if base[:1].isdigit() else ''}{base}{suffix}"


def to_json(record: Any) -> str:
    """A record (``to_dict()``) or plain data as JSON text; ValidationError when it is not JSON data."""
    try:
        return json.dumps(record.to_dict() if hasattr(record, "to_dict") else record, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{type(record).__name__} data must be JSON data: {exc}") from None


@dataclass(frozen=True)
class _Kind(Generic[R]):
    key: str  # the data key its markers carry
    parse: Callable[[Any], R]
    ident: Callable[[R], str]
    missing: str  # the NotFoundError message: {ident} {noun} {found}


_CONTAINERS = _Kind(
    CONTAINER_KEY,
    Container.from_dict,
    lambda c: c.key,
    "no container {ident!r} in the {noun}; containers: {found}",
)
_INSTANCES = _Kind(
    INSTANCE_KEY, Instance.from_dict, lambda i: i.name, "no instance {ident!r}; instances: {found}"
)


class MarkedHost(ABC, Generic[A]):
    """A :class:`~splice.pipeline.Host` keeping its records on marker nodes of the DCC ``api``.

    Subclasses set :attr:`name`, :attr:`api_type` and :attr:`scene_suffixes` and implement
    the abstract primitives; they may override :attr:`marker_suffixes` and
    :meth:`_marker_name` (where a new marker goes) and :meth:`_members`. Nodes are
    whatever strings the DCC names them by (names, paths).
    """

    name: ClassVar[str]  # the host's name (``maya``)
    api_type: ClassVar[type]  # the DCC interface ``api`` must be (a runtime-checkable Protocol)
    scene_suffixes: ClassVar[tuple[str, ...]]  # lower case, with the dot
    scene_noun: ClassVar[str] = "scene"  # what the DCC calls its file (Nuke: "script")
    marker_suffixes: ClassVar[dict[str, str]] = {CONTAINER_KEY: "_CON", INSTANCE_KEY: "_INST"}
    log: ClassVar[logging.Logger]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.log = logging.getLogger(cls.__module__)  # warnings under the adapter's name

    def __init__(self, api: A) -> None:
        if not isinstance(api, self.api_type):
            raise ValidationError(
                f"{type(self).__name__} needs a {self.api_type.__name__}, not {type(api).__name__}"
            )
        self.api = api

    # -- primitives each adapter supplies ------------------------------------------
    @abstractmethod
    def _scene_file(self) -> str | None:
        """The open scene's path, ``None`` while it is untitled."""

    @abstractmethod
    def _save_scene(self, path: str) -> None:
        """Save the scene as ``path`` (its suffix already checked)."""

    @abstractmethod
    def _open_scene(self, path: str) -> None:
        """Open the existing file ``path``, replacing the scene."""

    @abstractmethod
    def _data(self, node: str | None, key: str) -> str | None:
        """The string ``key`` kept on ``node`` (``None``: on the scene), ``None`` when absent."""

    @abstractmethod
    def _set_data(self, node: str | None, key: str, value: str) -> None:
        """Keep the string ``value`` as ``key`` on ``node`` (``None``: on the scene)."""

    @abstractmethod
    def _marked(self, key: str) -> list[str]:
        """The marker nodes carrying ``key`` (:data:`CONTAINER_KEY` or :data:`INSTANCE_KEY`)."""

    @abstractmethod
    def _new_marker(self, key: str, ident: str, members: Sequence[str]) -> str:
        """Create a marker node for the record ``ident`` of ``key`` at :meth:`_marker_name` (the
        DCC may make the name unique) and return its name. For an instance, keep ``members``
        (the selection) so that :meth:`_members` gives them back."""

    @abstractmethod
    def _delete(self, node: str) -> None:
        """Delete a marker node."""

    def _unmark(self, node: str, key: str) -> None:
        """Take the record ``key`` off ``node`` (here: delete the marker node)."""
        self._delete(node)

    def _is_marker(self, node: str) -> bool:
        """Whether ``node`` exists as a marker node (the fast lookup of :meth:`_find`)."""
        return self.api.exists(node)

    def _marker_name(self, key: str, ident: str) -> str:
        """Where a new marker of the record ``ident`` goes, and where it is looked up first."""
        return node_name(ident, self.marker_suffixes[key])

    def _members(self, node: str) -> list[str]:
        """The members an instance marker keeps: here, JSON in :data:`MEMBERS_KEY`."""
        raw = self._data(node, MEMBERS_KEY) or "[]"
        try:
            members = json.loads(raw)
        except ValueError:
            members = None
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            self.log.warning("%s: unreadable %s %r", node, MEMBERS_KEY, raw)
            return []
        return members

    def _keep_members(self, node: str, members: Sequence[str]) -> None:
        """Keep an instance's members as JSON in :data:`MEMBERS_KEY` (for :meth:`_new_marker`)."""
        self._set_data(node, MEMBERS_KEY, to_json(list(members)))

    # -- identity and context ----------------------------------------------------------
    @property
    def version(self) -> str:
        return self.api.version()

    def get_context(self) -> Context:
        raw = self._data(None, CONTEXT_KEY)
        if not raw:
            return Context()
        try:
            return Context.from_dict(json.loads(raw))
        except (ValueError, ValidationError) as exc:
            self.log.warning(
                "ignoring the unreadable splice context %r of the %s: %s", CONTEXT_KEY, self.scene_noun, exc
            )
            return Context()

    def set_context(self, context: Context) -> None:
        if not isinstance(context, Context):
            raise ValidationError(f"context must be a Context, not {type(context).__name__}")
        self._set_data(None, CONTEXT_KEY, to_json(context))

    # -- the scene file -------------------------------------------------------------------
    def current_file(self) -> Path | None:
        path = self._scene_file()
        return Path(path) if path else None

    def _checked_path(self, path: str | os.PathLike[str]) -> Path:
        target = Path(path)
        if target.suffix.lower() not in self.scene_suffixes:
            *others, last = self.scene_suffixes
            allowed = f"{', '.join(others)} or {last}" if others else last
            raise ValidationError(
                f"a {self.name.capitalize()} {self.scene_noun} file ends in {allowed}, not {target.name!r}"
            )
        return target

    def save_file(self, path: str | os.PathLike[str] | None = None) -> Path:
        if path is None:
            current = self.current_file()
            if current is None:
                raise ValidationError("the scene was never saved: give save_file a path")
            path = current
        target = self._checked_path(path)
        self._save_scene(str(target))
        return target

    def open_file(self, path: str | os.PathLike[str]) -> None:
        source = self._checked_path(path)
        if not source.is_file():
            raise NotFoundError(f"no {self.name.capitalize()} {self.scene_noun} at {source}")
        self._open_scene(str(source))

    # -- records on markers ---------------------------------------------------------------
    def _record(self, node: str, kind: _Kind[R]) -> R | None:
        """The record ``node`` holds; None when it holds none or an unreadable one."""
        raw = self._data(node, kind.key)
        if raw is None:
            return None
        try:
            return kind.parse(json.loads(raw))
        except (ValueError, ValidationError) as exc:
            self.log.warning("ignoring %s: its %s is unreadable: %s", node, kind.key, exc)
            return None

    def _records(self, kind: _Kind[R]) -> dict[str, tuple[str, R]]:
        """Every readable record of ``kind`` by its identity, with its marker (one scan)."""
        found: dict[str, tuple[str, R]] = {}
        for node in sorted(self._marked(kind.key)):
            record = self._record(node, kind)
            if record is None:
                continue
            ident = kind.ident(record)
            if ident in found:
                self.log.warning("ignoring %s: %s already holds %r", node, found[ident][0], ident)
                continue
            found[ident] = (node, record)
        return found

    def _find(self, kind: _Kind[R], ident: object) -> tuple[str, R]:
        """The record ``ident`` and its marker: first where splice puts it (one lookup, so
        updating one record of a big scene does not scan them all), else by a scan."""
        if isinstance(ident, str):
            node = self._marker_name(kind.key, ident)
            record = self._record(node, kind) if self._is_marker(node) else None
            if record is not None and kind.ident(record) == ident:
                return node, record
            # a renamed or new marker: parse only the records whose text holds the name
            needle = json.dumps(ident.rsplit(":", 1)[-1])[1:-1]
            for node in sorted(self._marked(kind.key)):  # by name: the first holding it wins
                raw = self._data(node, kind.key)
                record = self._record(node, kind) if raw is not None and needle in raw else None
                if record is not None and kind.ident(record) == ident:
                    return node, record
        found = self._records(kind)
        if not isinstance(ident, str) or ident not in found:
            raise NotFoundError(kind.missing.format(ident=ident, noun=self.scene_noun, found=sorted(found)))
        return found[ident]

    # -- containers -------------------------------------------------------------------------
    def ls_containers(self) -> list[Container]:
        found = self._records(_CONTAINERS)
        return [found[key][1] for key in sorted(found)]

    def container_node(self, key: str) -> str:
        """The marker node holding the container ``key`` (loaders may add their nodes to it)."""
        return self._find(_CONTAINERS, key)[0]

    def write_container(self, container: Container) -> Container:
        if not isinstance(container, Container):
            raise ValidationError(f"container must be a Container, not {type(container).__name__}")
        text = to_json(container)
        try:
            node = self._find(_CONTAINERS, container.key)[0]
        except NotFoundError:
            node = self._new_marker(CONTAINER_KEY, container.key, ())
        self._set_data(node, CONTAINER_KEY, text)
        return container

    def read_container(self, key: str) -> Container:
        return self._find(_CONTAINERS, key)[1]

    def remove_container(self, key: str) -> None:
        self._unmark(self.container_node(key), CONTAINER_KEY)

    # -- instances ----------------------------------------------------------------------------
    def list_instances(self) -> list[Instance]:
        found = self._records(_INSTANCES)
        return [found[name][1] for name in sorted(found)]

    def instance_node(self, name: str) -> str:
        """The marker node holding the instance ``name``."""
        return self._find(_INSTANCES, name)[0]

    def instance_members(self, name: str) -> list[str]:
        """The nodes the instance ``name`` publishes (the selection when it was created)."""
        return self._members(self._find(_INSTANCES, name)[0])

    @staticmethod
    def _instance_json(instance: object) -> str:
        if not isinstance(instance, Instance):
            raise ValidationError(f"instance must be an Instance, not {type(instance).__name__}")
        return to_json(instance)

    def create_instance(self, instance: Instance) -> Instance:
        """Mark the selected nodes for publishing as ``instance``."""
        text = self._instance_json(instance)
        if instance.name in self._records(_INSTANCES):
            raise AlreadyExistsError(f"an instance named {instance.name!r} already exists")
        node = self._new_marker(INSTANCE_KEY, instance.name, self.api.selection())
        self._set_data(node, INSTANCE_KEY, text)
        return instance

    def update_instance(self, instance: Instance) -> Instance:
        text = self._instance_json(instance)
        self._set_data(self._find(_INSTANCES, instance.name)[0], INSTANCE_KEY, text)
        return instance

    def remove_instance(self, name: str) -> None:
        self._unmark(self._find(_INSTANCES, name)[0], INSTANCE_KEY)

    # -- selection ------------------------------------------------------------------------------
    def get_selection(self) -> list[str]:
        return self.api.selection()

    def set_selection(self, names: list[str]) -> None:
        if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
            raise ValidationError("selection must be a list of node names")
        missing = [n for n in names if not self.api.exists(n)]
        if missing:
            raise NotFoundError(f"no nodes {missing} in the {self.scene_noun}; the selection is unchanged")
        self.api.select(list(names))

    # -- unsaved changes --------------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        """Whether the scene changed since it was last saved or opened: the DCC's own flag
        (``api.is_modified()``). An interface without one cannot tell: True, so that nothing
        that asks before replacing the scene (Workfiles' Open) loses work unasked."""
        query = getattr(self.api, "is_modified", None)
        return bool(query()) if callable(query) else True

    # -- thumbnails -------------------------------------------------------------------------------
    thumbnail_note = ""  # why the last capture_thumbnail returned None

    def capture_thumbnail(self, path: Path) -> Path | None:
        """None here: an adapter that can capture its viewport overrides this."""
        self.thumbnail_note = f"{self.name} does not capture thumbnails"
        return None
