""":class:`HoudiniHost`: the :class:`splice.pipeline.Host` of Houdini, over :class:`~.api.HoudiniScene` only.

The Host logic is :class:`splice.pipeline.marked.MarkedHost`'s; this module says where
Houdini keeps splice's records:

- context: JSON in the user data ``splice_context`` of the root node ``/`` (saved with the .hip);
- containers: one ``null`` object per container in ``/obj`` (``<namespace>_<name>_CON``)
  with the container as JSON in its user data ``splice_container``; the loader builds its
  content in its own nodes and records their paths in the container's data;
- instances: one ``null`` ROP per instance in ``/out`` (named after it), JSON in
  ``splice_instance``, the selection when it was created in ``splice_members``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from splice.pipeline import thumbnails
from splice.pipeline.marked import (
    CONTAINER_KEY,
    CONTEXT_KEY,
    INSTANCE_KEY,
    MEMBERS_KEY,
    MarkedHost,
    node_name,
)

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
    "node_name",
]

CONTAINERS_PARENT = "/obj"
INSTANCES_PARENT = "/out"
SCENE_SUFFIXES = (".hip", ".hipnc", ".hiplc")
_PARENTS = {CONTAINER_KEY: CONTAINERS_PARENT, INSTANCE_KEY: INSTANCES_PARENT}


class HoudiniHost(MarkedHost[HoudiniScene]):
    """The splice host of a Houdini session; ``api`` is the Houdini it works on. Nodes are paths."""

    name = "houdini"
    api_type = HoudiniScene
    scene_suffixes = SCENE_SUFFIXES
    marker_suffixes: ClassVar[dict[str, str]] = {CONTAINER_KEY: "_CON", INSTANCE_KEY: ""}

    def _scene_file(self) -> str | None:
        return self.api.hip_path()

    def _save_scene(self, path: str) -> None:
        self.api.save_hip(path)

    def _open_scene(self, path: str) -> None:
        self.api.load_hip(path)

    def _data(self, node: str | None, key: str) -> str | None:
        return self.api.user_data("/" if node is None else node, key)

    def _set_data(self, node: str | None, key: str, value: str) -> None:
        self.api.set_user_data("/" if node is None else node, key, value)

    def _marked(self, key: str) -> list[str]:
        return self.api.children_with_user_data(_PARENTS[key], key)

    def _marker_name(self, key: str, ident: str) -> str:
        return f"{_PARENTS[key]}/{node_name(ident, self.marker_suffixes[key])}"

    def _new_marker(self, key: str, ident: str, members: Sequence[str]) -> str:
        node = self.api.create_node(_PARENTS[key], "null", node_name(ident, self.marker_suffixes[key]))
        if key == INSTANCE_KEY:
            self._keep_members(node, members)
        return node

    def _delete(self, node: str) -> None:
        self.api.delete_node(node)

    def capture_thumbnail(self, path: Path) -> Path | None:
        """The Scene Viewer, flipbooked at the current frame (None in hython)."""
        return thumbnails.through(self, self.api.capture_viewport, path)
