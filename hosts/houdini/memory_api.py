""":class:`MemoryHoudini`: an in-memory :class:`~.api.HoudiniScene`, for tests and for writing
plug-ins without Houdini.

It models only what the adapter uses: nodes by path with a type, parameters and user
data, the selection, and a display SOP per geometry object. Scenes are saved as JSON
(not a real .hip); geometry and Alembic output are small JSON files describing what
Houdini would have written; every call that writes content is logged in ``calls``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["MemoryHoudini"]

FORMAT = "splice.memory-houdini/1"
ROOTS = ("/", "/obj", "/out", "/stage")


class MemoryHoudini:
    """A pretend Houdini session holding one scene."""

    def __init__(self, version: str = "20.5.370") -> None:
        self._version = version
        self.path: str | None = None
        self.nodes: dict[str, dict[str, Any]] = {}
        self.selected: list[str] = []
        self.calls: list[tuple[Any, ...]] = []
        for root in ROOTS:
            self.nodes[root] = {"type": "root", "parms": {}, "data": {}}
        self.modified = False  # set by every call that changes the scene, cleared by save / load

    def version(self) -> str:
        return self._version

    def add_node(self, path: str, type: str = "geo") -> str:
        """Create a node by its full path (what an artist would build); returns its path."""
        parent, _, name = path.rpartition("/")
        return self.create_node(parent or "/", type, name)

    def _node(self, path: str) -> dict[str, Any]:
        try:
            return self.nodes[path]
        except KeyError:
            raise RuntimeError(f"Invalid node path: {path}") from None

    # -- the scene file --------------------------------------------------------------
    def hip_path(self) -> str | None:
        return self.path

    def save_hip(self, path: str) -> None:
        Path(path).write_text(json.dumps({"format": FORMAT, "nodes": self.nodes}, sort_keys=True), "utf-8")
        self.path = path
        self.modified = False

    def load_hip(self, path: str) -> None:
        state = json.loads(Path(path).read_text(encoding="utf-8"))
        if state.get("format") != FORMAT:
            raise RuntimeError(f"{path} is not a scene this pretend Houdini can load")
        self.nodes, self.selected, self.path = state["nodes"], [], path
        self.modified = False

    def is_modified(self) -> bool:
        return self.modified

    # -- nodes -------------------------------------------------------------------------
    def exists(self, path: str) -> bool:
        return path in self.nodes

    def create_node(self, parent: str, type: str, name: str) -> str:
        self._node(parent)
        base = parent.rstrip("/") + "/" + name
        path, number = base, 1
        while path in self.nodes:
            number += 1
            path = f"{base}{number}"
        self.nodes[path] = {"type": type, "parms": {}, "data": {}}
        self.modified = True
        parent_node = self.nodes[parent]
        if parent_node["type"] == "geo":
            parent_node.setdefault("display", path)
        return path

    def delete_node(self, path: str) -> None:
        self._node(path)
        for other in [p for p in self.nodes if p == path or p.startswith(path + "/")]:
            del self.nodes[other]
        self.modified = True
        self.selected = [s for s in self.selected if s in self.nodes]

    def set_parm(self, path: str, parm: str, value: str | int | float) -> None:
        self._node(path)["parms"][parm] = value
        self.modified = True

    def parm(self, path: str, parm: str) -> str | int | float:
        return self._node(path)["parms"][parm]

    # -- user data ------------------------------------------------------------------------
    def user_data(self, path: str, key: str) -> str | None:
        return self._node(path)["data"].get(key)

    def set_user_data(self, path: str, key: str, value: str) -> None:
        self._node(path)["data"][key] = value
        self.modified = True

    def children_with_user_data(self, parent: str, key: str) -> list[str]:
        prefix = parent.rstrip("/") + "/"
        return [
            p
            for p, node in self.nodes.items()
            if p.startswith(prefix) and "/" not in p[len(prefix) :] and key in node["data"]
        ]

    # -- selection -----------------------------------------------------------------------
    def selection(self) -> list[str]:
        return list(self.selected)

    def select(self, paths: Sequence[str]) -> None:
        for path in paths:
            self._node(path)
        self.selected = list(paths)

    # -- geometry output -------------------------------------------------------------------
    def output_sop(self, path: str) -> str | None:
        node = self._node(path)
        if node["type"] == "geo":
            return node.get("display")
        parent = self.nodes.get(path.rpartition("/")[0], {})
        return path if parent.get("type") == "geo" else None  # a SOP: a node inside a geometry object

    def save_geometry(self, sop: str, path: str) -> None:
        self._node(sop)
        Path(path).write_text(json.dumps({"sop": sop}), encoding="utf-8")
        self.calls.append(("save_geometry", sop, path))

    def export_alembic(self, sop: str, path: str, start: int, end: int) -> None:
        self._node(sop)
        Path(path).write_text(json.dumps({"sop": sop, "frames": [start, end]}), encoding="utf-8")
        self.calls.append(("export_alembic", sop, path, start, end))

    # -- thumbnails ------------------------------------------------------------------
    interactive = False  # batch by default (mayapy, hython, nuke -t): no viewport to capture

    def capture_viewport(self, path: str, width: int, height: int) -> None:
        """A real PNG, when :attr:`interactive` (a session with a viewport)."""
        from splice.pipeline.thumbnails import write_png

        if not self.interactive:
            raise RuntimeError("hython has no UI: no viewport")
        self.calls.append(("capture_viewport", path, width, height))
        write_png(path, width, height, lambda x, y: (200, 120 + y // 3, 40))
