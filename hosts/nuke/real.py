""":class:`NukeApi`: :class:`~.api.NukeScript` over ``nuke``, the adapter's only contact with Nuke.

``nuke`` is imported when a :class:`NukeApi` is made (inside Nuke), never when this
module is imported. Every method is one or two documented ``nuke`` calls, kept that small
on purpose. Nuke does not run in the test suite; the tests run this class over a fake
``nuke`` whose every call is checked against ``types-nuke`` (names, arguments, node
classes), and ``splice.hosts.nuke.selfcheck`` runs it inside Nuke.

Supported: Nuke 15 and 16 (Python 3.10 / 3.11; splice needs 3.10, Nuke 14's is 3.9).
File paths go to knobs with ``/`` on every OS, as Nuke writes them.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nuke

from .api import KnobValue

__all__ = ["MINIMUM_VERSION", "NukeApi", "nuke_path"]

MINIMUM_VERSION = 15


def nuke_path(path: str) -> str:
    """``path`` with ``/`` separators (Nuke's own on every OS; ``\\`` is a TCL escape in knobs)."""
    return str(path).replace("\\", "/")


class NukeApi:
    """The open Nuke script, through ``nuke``."""

    def __init__(self) -> None:
        if importlib.util.find_spec("nuke") is None:  # outside Nuke
            raise ImportError("NukeApi runs inside Nuke: the nuke module is not importable")
        import nuke

        if int(nuke.NUKE_VERSION_MAJOR) < MINIMUM_VERSION:
            raise ImportError(
                f"splice supports Nuke {MINIMUM_VERSION} and later, not {nuke.NUKE_VERSION_STRING}"
            )

    def _node(self, name: str | None) -> nuke.Node:
        import nuke

        if name is None:
            return nuke.root()
        node = nuke.toNode(name)
        if node is None:
            raise ValueError(f"no node named {name}")
        return node

    def version(self) -> str:
        import nuke

        return str(nuke.NUKE_VERSION_STRING)

    # -- the script file --------------------------------------------------------------
    def script_path(self) -> str | None:
        import nuke

        name = str(nuke.root().name())
        return None if name in ("", "Root") else name  # an untitled script is named "Root"

    def save_script(self, path: str) -> None:
        import nuke

        nuke.scriptSaveAs(nuke_path(path), overwrite=1)

    def open_script(self, path: str) -> None:
        import nuke

        nuke.scriptClear()  # an empty script opens in place, not in a new window
        nuke.scriptOpen(nuke_path(path))

    def is_modified(self) -> bool:
        import nuke

        return bool(nuke.root().modified())

    # -- nodes and knobs -----------------------------------------------------------------
    def exists(self, name: str) -> bool:
        import nuke

        return nuke.toNode(name) is not None

    def node_class(self, name: str) -> str:
        return str(self._node(name).Class())

    def create_node(self, node_class: str, name: str, knobs: Mapping[str, KnobValue] = {}) -> str:
        import nuke

        unique, number = name, 1
        while nuke.toNode(unique) is not None:
            number += 1
            unique = f"{name}{number}"
        with nuke.root():
            node = getattr(nuke.nodes, node_class)()  # nuke.nodes: no auto-connect, no panel
        node.setName(unique)
        self.set_knobs(node.fullName(), knobs)
        return str(node.fullName())

    def delete_node(self, name: str) -> None:
        import nuke

        nuke.delete(self._node(name))

    def set_knobs(self, name: str, knobs: Mapping[str, KnobValue]) -> None:
        node = self._node(name)
        for knob, value in knobs.items():
            node[knob].setValue(value)

    def knob(self, name: str, knob: str) -> KnobValue:
        value: KnobValue = self._node(name)[knob].value()
        return value

    # -- splice data ------------------------------------------------------------------------
    def data(self, name: str | None, key: str) -> str | None:
        knob = self._node(name).knobs().get(key)
        return None if knob is None else str(knob.value())

    def set_data(self, name: str | None, key: str, value: str) -> None:
        import nuke

        node = self._node(name)
        if key not in node.knobs():
            knob = nuke.String_Knob(key, key)
            knob.setFlag(nuke.INVISIBLE)
            node.addKnob(knob)
        node[key].setValue(value)

    def nodes_with_data(self, key: str) -> list[str]:
        import nuke

        return [n.fullName() for n in nuke.allNodes(recurseGroups=True) if key in n.knobs()]

    # -- selection and output ------------------------------------------------------------
    def selection(self) -> list[str]:
        import nuke

        return [n.fullName() for n in nuke.selectedNodes()]

    def select(self, names: Sequence[str]) -> None:
        import nuke

        nodes = [self._node(n) for n in names]  # all found before the selection changes
        for node in nuke.selectedNodes():
            node.setSelected(False)
        for node in nodes:
            node.setSelected(True)

    def copy_selected(self, path: str) -> None:
        import nuke

        nuke.nodeCopy(nuke_path(path))

    def render(self, write: str, start: int, end: int) -> None:
        import nuke

        nuke.execute(self._node(write), int(start), int(end))

    # -- media and the script's life -------------------------------------------------------
    def file_range(self, name: str, path: str) -> tuple[int, int]:
        node = self._node(name)
        node["file"].fromUserText(nuke_path(path))  # type: ignore[attr-defined]  # a File_Knob
        return int(node["first"].value()), int(node["last"].value())

    def current_frame(self) -> int:
        import nuke

        return int(nuke.frame())

    def on_script_events(self, callback: Callable[[], None]) -> None:
        import nuke

        nuke.addOnCreate(callback, nodeClass="Root")  # a new or cleared script gets a new Root
        nuke.addOnScriptLoad(callback)
        nuke.addOnScriptSave(callback)  # runs before the file is written

    # -- thumbnails -------------------------------------------------------------------
    def capture_viewport(self, path: str, width: int, height: int) -> None:
        import nuke

        viewer = nuke.activeViewer() if nuke.GUI else None
        if viewer is None:
            raise RuntimeError("no active Viewer (nuke -t has none)")
        source = viewer.node().input(viewer.activeInput() or 0)
        if source is None:
            raise RuntimeError("the active Viewer shows nothing")
        frame = int(nuke.frame())
        with nuke.root():
            resize = nuke.nodes.Reformat(type="to box", box_width=int(width), box_height=int(height))
            resize["box_fixed"].setValue(True)
            resize.setInput(0, source)
            write = nuke.nodes.Write(file=nuke_path(path), file_type="png")
            write.setInput(0, resize)
        try:
            nuke.execute(write, frame, frame)
        finally:  # the script is left as it was
            nuke.delete(write)
            nuke.delete(resize)
