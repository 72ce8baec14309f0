""":class:`MayaHost`: the :class:`splice.pipeline.Host` of Maya, over :class:`~.api.MayaScene` only.

The Host logic is :class:`splice.pipeline.marked.MarkedHost`'s; this module says where Maya
keeps splice's records:

- context: JSON in the scene's ``fileInfo`` (``splice_context``), saved with the file;
- containers: one objectSet per container (``<namespace>_<name>_CON``) carrying the
  container as JSON in the string attribute ``splice_container``; the loader adds the
  nodes it built as members;
- instances: one objectSet per instance (``<name>_INST``), JSON in ``splice_instance``;
  the set's members (the selection when it was created) are what gets published.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from splice.pipeline import thumbnails
from splice.pipeline.marked import CONTAINER_KEY, CONTEXT_KEY, INSTANCE_KEY, MarkedHost, node_name

from .api import MayaScene

__all__ = ["CONTAINER_ATTR", "CONTEXT_KEY", "INSTANCE_ATTR", "SCENE_SUFFIXES", "MayaHost", "node_name"]

CONTAINER_ATTR = CONTAINER_KEY
INSTANCE_ATTR = INSTANCE_KEY
SCENE_SUFFIXES = (".ma", ".mb")


class MayaHost(MarkedHost[MayaScene]):
    """The splice host of a Maya session; ``api`` is the Maya it works on."""

    name = "maya"
    api_type = MayaScene
    scene_suffixes = SCENE_SUFFIXES

    def _scene_file(self) -> str | None:
        return self.api.scene_path()

    def _save_scene(self, path: str) -> None:
        self.api.save_scene(path)

    def _open_scene(self, path: str) -> None:
        self.api.open_scene(path)

    def _data(self, node: str | None, key: str) -> str | None:
        return self.api.file_info(key) if node is None else self.api.string_attr(node, key)

    def _set_data(self, node: str | None, key: str, value: str) -> None:
        if node is None:
            self.api.set_file_info(key, value)
        else:
            self.api.set_string_attr(node, key, value)

    def _marked(self, key: str) -> list[str]:
        return self.api.sets_with_attr(key)

    def _new_marker(self, key: str, ident: str, members: Sequence[str]) -> str:
        return self.api.create_set(self._marker_name(key, ident), members)

    def _delete(self, node: str) -> None:
        self.api.delete([node])

    def _members(self, node: str) -> list[str]:
        return self.api.set_members(node)

    def capture_thumbnail(self, path: Path) -> Path | None:
        """The active viewport, playblasted at the current frame (None in batch mode)."""
        return thumbnails.through(self, self.api.capture_viewport, path)
