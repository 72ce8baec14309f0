"""The small slice of Nuke the adapter needs: :class:`NukeScript`.

Everything in ``splice.hosts.nuke`` talks to Nuke through these operations only.
:mod:`splice.hosts.nuke.real` implements them with ``nuke``;
:mod:`splice.hosts.nuke.memory_api` implements them in memory. Nodes are named by their
full name (``Read1``, ``Group1.Read1``); JSON is kept in hidden string knobs (saved with
the .nk), on nodes or on the script's root.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, runtime_checkable

__all__ = ["KnobValue", "NukeScript"]

KnobValue = str | int | float


@runtime_checkable
class NukeScript(Protocol):
    """The Nuke operations splice uses (each one a ``nuke`` call or two)."""

    def version(self) -> str:
        """Nuke's version (``nuke.NUKE_VERSION_STRING``)."""
        ...

    # -- the script file -------------------------------------------------------------
    def script_path(self) -> str | None:
        """The open script's path, ``None`` while it is untitled."""
        ...

    def save_script(self, path: str) -> None:
        """Save the script as ``path``."""
        ...

    def open_script(self, path: str) -> None:
        """Replace the open script with ``path`` (unsaved changes are discarded)."""
        ...

    def is_modified(self) -> bool:
        """Whether the script changed since it was last saved or opened (``nuke.root().modified()``)."""
        ...

    # -- nodes and knobs -----------------------------------------------------------------
    def exists(self, name: str) -> bool:
        """Whether a node of this full name exists."""
        ...

    def node_class(self, name: str) -> str:
        """The node's class (``Read``, ``Write``…)."""
        ...

    def create_node(self, node_class: str, name: str, knobs: Mapping[str, KnobValue] = {}) -> str:
        """Create a node of ``node_class`` (named ``name``, made unique) with these knob values;
        returns its name. Nothing is connected to it."""
        ...

    def delete_node(self, name: str) -> None:
        """Delete the node."""
        ...

    def set_knobs(self, name: str, knobs: Mapping[str, KnobValue]) -> None:
        """Set knob values of the node (in the order given)."""
        ...

    def knob(self, name: str, knob: str) -> KnobValue:
        """A knob's value."""
        ...

    # -- splice data: hidden string knobs ------------------------------------------------
    def data(self, name: str | None, key: str) -> str | None:
        """The hidden string knob ``key`` of a node (``None``: of the root), ``None`` when absent."""
        ...

    def set_data(self, name: str | None, key: str, value: str) -> None:
        """Set the hidden string knob ``key`` of a node (``None``: of the root), adding it if needed."""
        ...

    def nodes_with_data(self, key: str) -> list[str]:
        """The nodes (in groups too) that carry the knob ``key``."""
        ...

    # -- selection and output ------------------------------------------------------------
    def selection(self) -> list[str]:
        """The selected nodes."""
        ...

    def select(self, names: Sequence[str]) -> None:
        """Select exactly ``names`` (none: clear the selection)."""
        ...

    def copy_selected(self, path: str) -> None:
        """Write the selected nodes to a .nk file (``nuke.nodeCopy``)."""
        ...

    def render(self, write: str, start: int, end: int) -> None:
        """Render the Write node ``write`` over frames start..end (``nuke.execute``)."""
        ...

    # -- media and the script's life -------------------------------------------------------
    def file_range(self, name: str, path: str) -> tuple[int, int]:
        """Point the Read node ``name`` at ``path`` as an artist typing it would
        (``File_Knob.fromUserText``: Nuke opens the file and sets its format and frame
        range) and return that range, ``(first, last)``."""
        ...

    def current_frame(self) -> int:
        """The script's current frame (``nuke.frame()``)."""
        ...

    def on_script_events(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when a script is created or cleared (File > New / Close), after
        one is opened, and before one is saved."""
        ...

    # -- thumbnails ------------------------------------------------------------------
    def capture_viewport(self, path: str, width: int, height: int) -> None:
        """Write what the active Viewer's input shows at the current frame to the PNG ``path``
        at ``width`` × ``height`` (rendered through a temporary Write node); RuntimeError saying
        why when there is none (no Viewer, e.g. ``nuke -t``)."""
        ...
