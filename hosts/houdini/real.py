""":class:`HouScene`: :class:`~.api.HoudiniScene` over ``hou``, the adapter's only contact with Houdini.

``hou`` is imported when a :class:`HouScene` is made (inside Houdini or hython), never
when this module is imported. Not exercised by the test suite (Houdini cannot run
there): every method is one or two documented ``hou`` calls, kept that small on purpose.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import hou

__all__ = ["HouScene"]


class HouScene:
    """The open Houdini scene, through ``hou``."""

    def __init__(self) -> None:
        if importlib.util.find_spec("hou") is None:  # outside Houdini
            raise ImportError("HouScene runs inside Houdini: the hou module is not importable")

    def _node(self, path: str) -> hou.OpNode:
        import hou

        node = hou.node(path)
        if not isinstance(node, hou.OpNode):
            raise hou.OperationFailed(f"no node at {path}")
        return node

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

        hou.hipFile.save(file_name=path)

    def load_hip(self, path: str) -> None:
        import hou

        hou.hipFile.load(path, suppress_save_prompt=True)

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
        geometry.saveToFile(path)

    def export_alembic(self, sop: str, path: str, start: int, end: int) -> None:
        import hou

        rop = self._node("/out").createNode("alembic")  # the Alembic ROP, removed when done
        try:
            for name, value in (("use_sop_path", 1), ("sop_path", sop), ("filename", path), ("trange", 1)):
                self._parm(rop, name).set(value)  # trange 1: render the frame range f1..f2
            for name, value in (("f1", start), ("f2", end), ("f3", 1)):
                self._parm(rop, name).set(value)
            if not isinstance(rop, hou.RopNode):
                raise hou.OperationFailed(f"{rop.path()} is not a ROP")
            rop.render()
        finally:
            rop.destroy()
