"""The small slice of Houdini the adapter needs: :class:`HoudiniScene`.

Everything in ``splice.hosts.houdini`` talks to Houdini through these operations only.
:mod:`splice.hosts.houdini.real` implements them with ``hou``;
:mod:`splice.hosts.houdini.memory_api` implements them in memory. Nodes are named by
their path (``/obj/hero_geo``); JSON is kept in node user data (saved with the .hip).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

__all__ = ["HoudiniScene"]


@runtime_checkable
class HoudiniScene(Protocol):
    """The Houdini operations splice uses (each one a ``hou`` call or two)."""

    def version(self) -> str:
        """Houdini's version (``hou.applicationVersionString()``)."""
        ...

    # -- the scene file (hou.hipFile) -----------------------------------------------
    def hip_path(self) -> str | None:
        """The open .hip file's path, ``None`` for a new, never saved scene."""
        ...

    def save_hip(self, path: str) -> None:
        """Save the scene as ``path``."""
        ...

    def load_hip(self, path: str) -> None:
        """Load ``path``, discarding unsaved changes of the open scene."""
        ...

    def is_modified(self) -> bool:
        """Whether the scene changed since it was last saved or loaded
        (``hou.hipFile.hasUnsavedChanges()``)."""
        ...

    # -- nodes ------------------------------------------------------------------------
    def exists(self, path: str) -> bool:
        """Whether a node exists at ``path``."""
        ...

    def create_node(self, parent: str, type: str, name: str) -> str:
        """Create a node of ``type`` under ``parent`` (named ``name``, made unique); returns its path."""
        ...

    def delete_node(self, path: str) -> None:
        """Destroy the node (and its children)."""
        ...

    def set_parm(self, path: str, parm: str, value: str | int | float) -> None:
        """Set a parameter of the node."""
        ...

    def parm(self, path: str, parm: str) -> str | int | float:
        """A parameter's raw (unexpanded) value."""
        ...

    # -- user data ----------------------------------------------------------------------
    def user_data(self, path: str, key: str) -> str | None:
        """The node's user data ``key`` (``None`` when unset); ``/`` is the scene's root node."""
        ...

    def set_user_data(self, path: str, key: str, value: str) -> None:
        """Set the node's user data ``key``."""
        ...

    def children_with_user_data(self, parent: str, key: str) -> list[str]:
        """The children of ``parent`` that carry the user data ``key``."""
        ...

    # -- selection ------------------------------------------------------------------------
    def selection(self) -> list[str]:
        """The selected nodes."""
        ...

    def select(self, paths: Sequence[str]) -> None:
        """Select exactly ``paths`` (none: clear the selection)."""
        ...

    # -- geometry output ----------------------------------------------------------------------
    def output_sop(self, path: str) -> str | None:
        """The SOP whose geometry ``path`` stands for: a SOP itself, an object's display SOP; else None."""
        ...

    def save_geometry(self, sop: str, path: str) -> None:
        """Write the SOP's cooked geometry to ``path`` (``.bgeo.sc``…)."""
        ...

    def export_alembic(self, sop: str, path: str, start: int, end: int) -> None:
        """Write the SOP's geometry over frames start..end to an Alembic file (through an Alembic ROP)."""
        ...

    # -- thumbnails ------------------------------------------------------------------
    def capture_viewport(self, path: str, width: int, height: int) -> None:
        """Write what the Scene Viewer shows at the current frame to the PNG ``path`` at
        ``width`` × ``height`` (a one-frame flipbook); RuntimeError saying why when there is
        none (hython: no UI)."""
        ...
