""":class:`NukeHost`: the :class:`splice.pipeline.Host` of Nuke, over :class:`~.api.NukeScript` only.

The Host logic is :class:`splice.pipeline.marked.MarkedHost`'s; this module says where Nuke
keeps splice's records:

- context: JSON in the hidden root knob ``splice_context`` (saved with the .nk);
- containers: one ``NoOp`` node per container (``<namespace>_<name>_CON``) with the
  container as JSON in its hidden knob ``splice_container``; the loader builds its own
  nodes (a Read node) and records their names in the container's data;
- instances: one ``NoOp`` node per instance (``<name>_INST``), JSON in ``splice_instance``,
  the selection when it was created in ``splice_members``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from splice.pipeline import thumbnails
from splice.pipeline.marked import (
    CONTAINER_KEY,
    CONTEXT_KEY,
    INSTANCE_KEY,
    MEMBERS_KEY,
    MarkedHost,
    node_name,
)

from .api import NukeScript

__all__ = [
    "CONTAINER_KEY",
    "CONTEXT_KEY",
    "INSTANCE_KEY",
    "MARKER_CLASS",
    "MEMBERS_KEY",
    "SCENE_SUFFIXES",
    "NukeHost",
    "keep_launcher_context",
    "node_name",
]

MARKER_CLASS = "NoOp"
SCENE_SUFFIXES = (".nk",)


class NukeHost(MarkedHost[NukeScript]):
    """The splice host of a Nuke session; ``api`` is the Nuke it works on."""

    name = "nuke"
    api_type = NukeScript
    scene_suffixes = SCENE_SUFFIXES
    scene_noun = "script"

    def _scene_file(self) -> str | None:
        return self.api.script_path()

    def _save_scene(self, path: str) -> None:
        self.api.save_script(path)

    def _open_scene(self, path: str) -> None:
        self.api.open_script(path)

    def _data(self, node: str | None, key: str) -> str | None:
        return self.api.data(node, key)

    def _set_data(self, node: str | None, key: str, value: str) -> None:
        self.api.set_data(node, key, value)

    def _marked(self, key: str) -> list[str]:
        return self.api.nodes_with_data(key)

    def _new_marker(self, key: str, ident: str, members: Sequence[str]) -> str:
        node = self.api.create_node(MARKER_CLASS, self._marker_name(key, ident))
        if key == INSTANCE_KEY:
            self._keep_members(node, members)
        return node

    def _delete(self, node: str) -> None:
        self.api.delete_node(node)

    def capture_thumbnail(self, path: Path) -> Path | None:
        """The active Viewer's input, rendered at the current frame (None in nuke -t)."""
        return thumbnails.through(self, self.api.capture_viewport, path)


def keep_launcher_context(host: NukeHost, environ: Mapping[str, str] | None = None) -> None:
    """Give a script that has no context the launcher's (``SPLICE_CONTEXT``): Nuke calls this
    when a script is created, cleared, opened or saved (``NukeScript.on_script_events``),
    since a new script's root has none. A script's own context is kept. Never raises into Nuke."""
    from splice.pipeline.current import apply_env_context

    try:
        if host.get_context().project is None:
            apply_env_context(host, environ)
    except Exception as exc:  # a callback must not break File > Open
        print(f"splice: could not give the script the launcher's context: {exc!r}")
