""":class:`HoudiniHost`: the :class:`splice.host.Host` of Houdini, over :class:`~.api.HoudiniScene` only.

- context: JSON in the user data ``splice_context`` of the root node ``/`` (saved with the .hip);
- containers: one ``null`` object per container in ``/obj`` (``<namespace>_<name>_CON``)
  with the container as JSON in its user data ``splice_container``; the loader builds its
  content in its own nodes and records their paths in the container's data;
- instances: one ``null`` ROP per instance in ``/out`` (named after it), JSON in
  ``splice_instance``, the selection when it was created in ``splice_members``.

Records are found by their user data, not their node names, so renaming keeps them. A
node whose JSON is unreadable is skipped with a warning, never fatal.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from splice.errors import AlreadyExistsError, NotFoundError, ValidationError
from splice.host import Container, Context, Instance

from .api import HoudiniScene

__all__ = [
    "CONTAINERS_PARENT",
    "CONTAINER_KEY",
    "CONTEXT_KEY",
    "INSTANCES_PARENT",
    "INSTANCE_KEY",
    "MEMBERS_KEY",
    "SCENE_SUFFIXES",
    "HoudiniHost",
]

log = logging.getLogger(__name__)

CONTEXT_KEY = "splice_context"
CONTAINER_KEY = "splice_container"
INSTANCE_KEY = "splice_instance"
MEMBERS_KEY = "splice_members"
CONTAINERS_PARENT = "/obj"
INSTANCES_PARENT = "/out"
SCENE_SUFFIXES = (".hip", ".hipnc", ".hiplc")

R = TypeVar("R", Container, Instance)


def node_name(text: str, suffix: str = "") -> str:
    """A valid Houdini node name made of ``text`` (``chars:hero`` → ``chars_hero_CON``)."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return f"{'_' if base[:1].isdigit() else ''}{base}{suffix}"


def _json(record: Any) -> str:
    try:
        return json.dumps(record.to_dict() if hasattr(record, "to_dict") else record, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{type(record).__name__} data must be JSON data: {exc}") from None


class HoudiniHost:
    """The splice host of a Houdini session; ``api`` is the Houdini it works on."""

    def __init__(self, api: HoudiniScene) -> None:
        if not isinstance(api, HoudiniScene):
            raise ValidationError(f"HoudiniHost needs a HoudiniScene, not {type(api).__name__}")
        self.api = api

    @property
    def name(self) -> str:
        return "houdini"

    @property
    def version(self) -> str:
        return self.api.version()

    # -- context ----------------------------------------------------------
    def get_context(self) -> Context:
        raw = self.api.user_data("/", CONTEXT_KEY)
        if not raw:
            return Context()
        try:
            return Context.from_dict(json.loads(raw))
        except (ValueError, ValidationError) as exc:
            log.warning("ignoring the unreadable splice context in the user data of /: %s", exc)
            return Context()

    def set_context(self, context: Context) -> None:
        if not isinstance(context, Context):
            raise ValidationError(f"context must be a Context, not {type(context).__name__}")
        self.api.set_user_data("/", CONTEXT_KEY, _json(context))

    # -- the scene file -----------------------------------------------------
    def current_file(self) -> Path | None:
        path = self.api.hip_path()
        return Path(path) if path else None

    @staticmethod
    def _scene_path(path: str | os.PathLike[str]) -> Path:
        target = Path(path)
        if target.suffix.lower() not in SCENE_SUFFIXES:
            allowed = ", ".join(SCENE_SUFFIXES)
            raise ValidationError(f"a Houdini scene file ends in one of {allowed}, not {target.name!r}")
        return target

    def save_file(self, path: str | os.PathLike[str] | None = None) -> Path:
        if path is None:
            current = self.current_file()
            if current is None:
                raise ValidationError("the scene was never saved: give save_file a path")
            path = current
        target = self._scene_path(path)
        self.api.save_hip(str(target))
        return target

    def open_file(self, path: str | os.PathLike[str]) -> None:
        source = self._scene_path(path)
        if not source.is_file():
            raise NotFoundError(f"no Houdini scene at {source}")
        self.api.load_hip(str(source))

    # -- records in user data ---------------------------------------------------
    def _record(self, node: str, key: str, parse: Callable[[Any], R]) -> R | None:
        """The record ``node`` holds in ``key``; None when it holds none or an unreadable one."""
        raw = self.api.user_data(node, key)
        if raw is None:
            return None
        try:
            return parse(json.loads(raw))
        except (ValueError, ValidationError) as exc:
            log.warning("ignoring %s: its %s is unreadable: %s", node, key, exc)
            return None

    def _records(
        self, parent: str, key: str, parse: Callable[[Any], R], ident: Callable[[R], str]
    ) -> dict[str, tuple[str, R]]:
        found: dict[str, tuple[str, R]] = {}
        for node in sorted(self.api.children_with_user_data(parent, key)):
            record = self._record(node, key, parse)
            if record is None:
                continue
            if ident(record) in found:
                log.warning("ignoring %s: %s already holds %r", node, found[ident(record)][0], ident(record))
                continue
            found[ident(record)] = (node, record)
        return found

    def _containers(self) -> dict[str, tuple[str, Container]]:
        return self._records(CONTAINERS_PARENT, CONTAINER_KEY, Container.from_dict, lambda c: c.key)

    def _instances(self) -> dict[str, tuple[str, Instance]]:
        return self._records(INSTANCES_PARENT, INSTANCE_KEY, Instance.from_dict, lambda i: i.name)

    # -- containers ---------------------------------------------------------
    def ls_containers(self) -> list[Container]:
        found = self._containers()
        return [found[key][1] for key in sorted(found)]

    def _container(self, key: object) -> tuple[str, Container]:
        """The container ``key`` and its node: first where write_container puts it (one lookup,
        so updating a container of a big scene does not scan them all), else by a scan."""
        if isinstance(key, str):
            node = f"{CONTAINERS_PARENT}/{node_name(key, '_CON')}"
            record = self._record(node, CONTAINER_KEY, Container.from_dict) if self.api.exists(node) else None
            if record is not None and record.key == key:
                return node, record
        found = self._containers()
        if not isinstance(key, str) or key not in found:
            raise NotFoundError(f"no container {key!r} in the scene; containers: {sorted(found)}")
        return found[key]

    def container_node(self, key: str) -> str:
        """The path of the node holding the container ``key``."""
        return self._container(key)[0]

    def write_container(self, container: Container) -> Container:
        if not isinstance(container, Container):
            raise ValidationError(f"container must be a Container, not {type(container).__name__}")
        text = _json(container)
        try:
            node = self._container(container.key)[0]
        except NotFoundError:
            node = self.api.create_node(CONTAINERS_PARENT, "null", node_name(container.key, "_CON"))
        self.api.set_user_data(node, CONTAINER_KEY, text)
        return container

    def read_container(self, key: str) -> Container:
        return self._container(key)[1]

    def remove_container(self, key: str) -> None:
        self.api.delete_node(self.container_node(key))

    # -- instances ----------------------------------------------------------
    def list_instances(self) -> list[Instance]:
        found = self._instances()
        return [found[name][1] for name in sorted(found)]

    def _instance_node(self, name: object) -> str:
        if isinstance(name, str):
            node = f"{INSTANCES_PARENT}/{node_name(name)}"
            record = self._record(node, INSTANCE_KEY, Instance.from_dict) if self.api.exists(node) else None
            if record is not None and record.name == name:
                return node
        found = self._instances()
        if not isinstance(name, str) or name not in found:
            raise NotFoundError(f"no instance {name!r}; instances: {sorted(found)}")
        return found[name][0]

    def instance_members(self, name: str) -> list[str]:
        """The node paths the instance ``name`` publishes (the selection when it was created)."""
        raw = self.api.user_data(self._instance_node(name), MEMBERS_KEY) or "[]"
        try:
            members = json.loads(raw)
        except ValueError:
            members = None
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            log.warning("instance %r: unreadable %s %r", name, MEMBERS_KEY, raw)
            return []
        return members

    @staticmethod
    def _check(instance: object) -> Instance:
        if not isinstance(instance, Instance):
            raise ValidationError(f"instance must be an Instance, not {type(instance).__name__}")
        return instance

    def create_instance(self, instance: Instance) -> Instance:
        """Mark the selected nodes for publishing as ``instance`` (a ``null`` ROP in /out)."""
        text = _json(self._check(instance))
        if instance.name in self._instances():
            raise AlreadyExistsError(f"an instance named {instance.name!r} already exists")
        members = _json(self.api.selection())
        node = self.api.create_node(INSTANCES_PARENT, "null", node_name(instance.name))
        self.api.set_user_data(node, MEMBERS_KEY, members)
        self.api.set_user_data(node, INSTANCE_KEY, text)
        return instance

    def update_instance(self, instance: Instance) -> Instance:
        text = _json(self._check(instance))
        self.api.set_user_data(self._instance_node(instance.name), INSTANCE_KEY, text)
        return instance

    def remove_instance(self, name: str) -> None:
        self.api.delete_node(self._instance_node(name))

    # -- selection ----------------------------------------------------------
    def get_selection(self) -> list[str]:
        return self.api.selection()

    def set_selection(self, names: list[str]) -> None:
        if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
            raise ValidationError("selection must be a list of node paths")
        missing = [n for n in names if not self.api.exists(n)]
        if missing:
            raise NotFoundError(f"no nodes {missing} in the scene; the selection is unchanged")
        self.api.select(list(names))
