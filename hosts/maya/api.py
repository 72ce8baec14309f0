"""The small slice of Maya the adapter needs: :class:`MayaScene`.

Everything in ``splice.hosts.maya`` (the host, the plug-ins, the loader) talks to Maya
through these few operations only. :mod:`splice.hosts.maya.real` implements them with
``maya.cmds``; :mod:`splice.hosts.maya.memory_api` implements them in memory for tests
and for writing plug-ins without Maya. Node names are Maya's (short unique) names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

__all__ = ["MayaScene"]


@runtime_checkable
class MayaScene(Protocol):
    """The Maya operations splice uses (each one a ``maya.cmds`` call or two)."""

    def version(self) -> str:
        """Maya's version (``cmds.about(version=True)``)."""
        ...

    # -- the scene file (cmds.file) ------------------------------------------
    def scene_path(self) -> str | None:
        """The open scene's path, ``None`` while it is untitled."""
        ...

    def save_scene(self, path: str) -> None:
        """Rename the scene to ``path`` and save it (``.ma`` ascii, ``.mb`` binary)."""
        ...

    def open_scene(self, path: str) -> None:
        """Open ``path``, discarding unsaved changes of the open scene."""
        ...

    def is_modified(self) -> bool:
        """Whether the scene changed since it was last saved or opened (``cmds.file(query=True,
        modified=True)``)."""
        ...

    # -- scene-level data (cmds.fileInfo) --------------------------------------
    def file_info(self, key: str) -> str | None:
        """The fileInfo value of ``key``, ``None`` when unset."""
        ...

    def set_file_info(self, key: str, value: str) -> None:
        """Set the fileInfo ``key`` (saved with the scene)."""
        ...

    # -- nodes, sets and string attributes -------------------------------------
    def exists(self, node: str) -> bool:
        """Whether a node of this name exists."""
        ...

    def create_set(self, name: str, members: Sequence[str] = ()) -> str:
        """Create an objectSet (Maya makes the name unique); returns its name."""
        ...

    def delete(self, nodes: Sequence[str]) -> None:
        """Delete these nodes."""
        ...

    def set_members(self, name: str) -> list[str]:
        """The members of an objectSet."""
        ...

    def add_to_set(self, name: str, members: Sequence[str]) -> None:
        """Add nodes to an objectSet."""
        ...

    def sets_with_attr(self, attr: str) -> list[str]:
        """The objectSets that carry the attribute ``attr``."""
        ...

    def string_attr(self, node: str, attr: str) -> str | None:
        """The value of a string attribute, ``None`` when the node has no such attribute."""
        ...

    def set_string_attr(self, node: str, attr: str, value: str) -> None:
        """Set a string attribute, adding it first when the node lacks it."""
        ...

    # -- selection -------------------------------------------------------------
    def selection(self) -> list[str]:
        """The selected nodes, in selection order."""
        ...

    def select(self, nodes: Sequence[str]) -> None:
        """Select exactly ``nodes`` (none: clear the selection)."""
        ...

    # -- references and export ---------------------------------------------------
    def namespace_exists(self, namespace: str) -> bool:
        """Whether the namespace is in use."""
        ...

    def reference(self, path: str, namespace: str) -> str:
        """Reference ``path`` into ``namespace``; returns the reference node."""
        ...

    def replace_reference(self, reference_node: str, path: str) -> None:
        """Point a reference node at another file (its namespace and edits stay)."""
        ...

    def remove_reference(self, reference_node: str) -> None:
        """Remove a reference and the nodes it brought in."""
        ...

    def reference_nodes(self, reference_node: str) -> list[str]:
        """The nodes a reference brought in."""
        ...

    def export_selected(self, path: str) -> None:
        """Export the selection to ``path`` (``.ma`` ascii or ``.mb`` binary)."""
        ...

    def transform_path(self, node: str) -> str | None:
        """The full DAG path (``|grp|body``) of a transform (or a joint); ``None`` for a shape,
        a non-DAG node or a missing one: what AbcExport accepts as a root."""
        ...

    def export_alembic(self, path: str, roots: Sequence[str], start: int, end: int) -> None:
        """Write ``roots`` (transforms, none under another) and their children to an Alembic
        file over frames start..end (AbcExport)."""
        ...

    # -- thumbnails ------------------------------------------------------------------
    def capture_viewport(self, path: str, width: int, height: int) -> None:
        """Write what the active viewport shows at the current frame to the PNG ``path`` at
        ``width`` × ``height`` (a one-frame ``cmds.playblast``); RuntimeError saying why when
        there is none (batch mode)."""
        ...
