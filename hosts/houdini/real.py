""":class:`HouScene`: :class:`~.api.HoudiniScene` over ``hou``, the adapter's only contact with Houdini.

``hou`` is imported when a :class:`HouScene` is made (inside Houdini or hython), never
when this module is imported. Every method is one or two documented ``hou`` calls, kept
that small on purpose. Houdini does not run in the test suite; the tests run this class
over a fake ``hou`` whose every call is checked against ``types-houdini`` (names,
arguments, types, node types), and ``splice.hosts.houdini.selfcheck`` runs it in Houdini.

Supported: Houdini 20.0, 20.5 and 21.0 (their Python 3.10/3.11 builds; splice needs
Python 3.10, so 19.5, whose Pythons are 3.7 and 3.9, cannot run it). Node classes are
taken as ``hou.OpNode`` where it exists (20.0+: ``hou.node()`` is typed ``hou.Node``, the
base of OpNode and APEX nodes) and ``hou.Node`` before it, so nothing here names a class
an older build lacks.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import hou

__all__ = ["MINIMUM_VERSION", "HouScene", "houdini_path"]

MINIMUM_VERSION = (20, 0)


def houdini_path(path: str) -> str:
    """``path`` with ``/`` separators: a ``\\`` in a Houdini string parameter is an escape."""
    return str(path).replace("\\", "/")


def _op_node_class() -> Any:
    import hou

    return getattr(hou, "OpNode", None) or hou.Node  # OpNode: Houdini 20.0+


class HouScene:
    """The open Houdini scene, through ``hou``."""

    def __init__(self) -> None:
        if importlib.util.find_spec("hou") is None:  # outside Houdini
            raise ImportError("HouScene runs inside Houdini: the hou module is not importable")
        import hou

        found = tuple(hou.applicationVersion())[:2]
        if found < MINIMUM_VERSION:
            raise ImportError(
                f"splice supports Houdini {MINIMUM_VERSION[0]}.{MINIMUM_VERSION[1]} and later, "
                f"not {hou.applicationVersionString()}"
            )

    def _node(self, path: str) -> hou.OpNode:
        import hou

        node = hou.node(path)
        if node is None or not isinstance(node, _op_node_class()):
            raise hou.OperationFailed(f"no node at {path}")
        return node  # type: ignore[return-value]  # checked above (OpNode, or Node before 20.0)

    def _parm(self, node: hou.OpNode, name: str) -> hou.Parm:
        import hou

        parm = node.parm(name)
        if parm is None:
            raise hou.OperationFailed(f"{node.path()} has no parameter {name!r}")
        return parm

    def version(self) -> str:
        import hou

        return str(hou.applicationVersionString())

    # -- the scene file --------------------------------------------------------------
    def hip_path(self) -> str | None:
        import hou

        return None if hou.hipFile.isNewFile() else str(hou.hipFile.path())

    def save_hip(self, path: str) -> None:
        import hou

        hou.hipFile.save(file_name=houdini_path(path))

    def load_hip(self, path: str) -> None:
        import hou

        # a missing asset or texture raises hou.LoadWarning after the scene is loaded: not an error here
        hou.hipFile.load(houdini_path(path), suppress_save_prompt=True, ignore_load_warnings=True)

    def is_modified(self) -> bool:
        import hou

        return bool(hou.hipFile.hasUnsavedChanges())

    # -- nodes -------------------------------------------------------------------------
    def exists(self, path: str) -> bool:
        import hou

        return hou.node(path) is not None

    def create_node(self, parent: str, type: str, name: str) -> str:
        parent_node = self._node(parent)
        unique, number = name, 1
        while parent_node.node(unique) is not None:
            number += 1
            unique = f"{name}{number}"
        return str(parent_node.createNode(type, node_name=unique).path())

    def delete_node(self, path: str) -> None:
        self._node(path).destroy()

    def set_parm(self, path: str, parm: str, value: str | int | float) -> None:
        self._parm(self._node(path), parm).set(value)

    def parm(self, path: str, parm: str) -> str | int | float:
        return self._parm(self._node(path), parm).rawValue()

    # -- user data ------------------------------------------------------------------------
    def user_data(self, path: str, key: str) -> str | None:
        value = self._node(path).userData(key)
        return None if value is None else str(value)

    def set_user_data(self, path: str, key: str, value: str) -> None:
        self._node(path).setUserData(key, value)

    def children_with_user_data(self, parent: str, key: str) -> list[str]:
        return [c.path() for c in self._node(parent).children() if c.userData(key) is not None]

    # -- selection -----------------------------------------------------------------------
    def selection(self) -> list[str]:
        import hou

        return [n.path() for n in hou.selectedNodes()]

    def select(self, paths: Sequence[str]) -> None:
        import hou

        nodes = [self._node(p) for p in paths]  # all found before the selection changes
        hou.clearAllSelected()
        for node in nodes:
            node.setSelected(True)

    # -- geometry output -------------------------------------------------------------------
    def output_sop(self, path: str) -> str | None:
        import hou

        node = self._node(path)
        if isinstance(node, hou.SopNode):
            return str(node.path())
        display = node.displayNode() if isinstance(node, hou.ObjNode) else None
        return None if display is None else str(display.path())

    def save_geometry(self, sop: str, path: str) -> None:
        import hou

        node = self._node(sop)
        if not isinstance(node, hou.SopNode):
            raise hou.OperationFailed(f"{sop} is not a SOP")
        geometry = node.geometry()
        if geometry is None:
            raise hou.OperationFailed(f"{sop} has no geometry (it failed to cook)")
        geometry.saveToFile(houdini_path(path))

    def export_alembic(self, sop: str, path: str, start: int, end: int) -> None:
        import hou

        rop = self._node("/out").createNode("alembic")  # the Alembic ROP, removed when done
        try:
            if not isinstance(rop, hou.RopNode):
                raise hou.OperationFailed(f"{rop.path()} is not a ROP")
            # trange 1 = "Render Frame Range" (0 renders the current frame only), set first
            settings = (
                ("use_sop_path", 1),
                ("sop_path", sop),
                ("filename", houdini_path(path)),
                ("trange", 1),
            )
            for name, value in settings:
                self._parm(rop, name).set(value)
            for name, value in (("f1", start), ("f2", end), ("f3", 1)):
                parm = self._parm(rop, name)
                parm.deleteAllKeyframes()  # f1/f2 hold $FSTART/$FEND keyframes: set() alone keeps them
                parm.set(value)
            rop.render(frame_range=(start, end, 1))  # the range again: render() otherwise reads the parms
        finally:
            rop.destroy()

    # -- thumbnails -------------------------------------------------------------------
    def capture_viewport(self, path: str, width: int, height: int) -> None:
        import hou

        if not hou.isUIAvailable():
            raise RuntimeError("hython has no UI: no viewport")
        viewer = hou.ui.paneTabOfType(hou.paneTabType.SceneViewer)
        if viewer is None:
            raise RuntimeError("no Scene Viewer pane is open")
        frame = hou.frame()
        settings = viewer.flipbookSettings().stash()  # a copy: the artist's settings stay as they are
        settings.frameRange((frame, frame))
        settings.output(houdini_path(path))
        settings.outputToMPlay(False)
        settings.useResolution(True)
        settings.resolution((int(width), int(height)))
        viewer.flipbook(viewer.curViewport(), settings)
