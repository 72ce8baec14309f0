""":class:`MemoryMaya`: an in-memory :class:`~.api.MayaScene`, for tests and for writing plug-ins
without Maya.

It models only what the adapter uses: named nodes with a type and a DAG parent, string
attributes and set members, fileInfo, the selection and file references. Scenes are saved as JSON (not a real
``.ma``), exports write small JSON files describing what Maya would have written, and every
call that builds or writes content is logged in :attr:`MemoryMaya.calls`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["MemoryMaya"]

FORMAT = "splice.memory-maya/1"
TRANSFORMS = ("transform", "joint")  # what AbcExport takes as a root (joint derives from transform)


class MemoryMaya:
    """A pretend Maya session holding one scene."""

    def __init__(self, version: str = "2025") -> None:
        self._version = version
        self.path: str | None = None
        self.nodes: dict[str, dict[str, Any]] = {}
        self.info: dict[str, str] = {}
        self.references: dict[str, dict[str, Any]] = {}
        self.selected: list[str] = []
        self.calls: list[tuple[Any, ...]] = []
        self.modified = False  # set by every call that changes the scene, cleared by save / open

    def version(self) -> str:
        return self._version

    def add_node(self, name: str, type: str = "transform", parent: str | None = None) -> str:
        """Create a plain node (what an artist would model), under the DAG node ``parent``
        when given; returns its unique name."""
        if parent is not None:
            self._node(parent)
        name = self._unique(name)
        self.nodes[name] = {"type": type, "attrs": {}, "members": [], "parent": parent}
        self.modified = True
        return name

    def _unique(self, name: str) -> str:
        if name not in self.nodes:
            return name
        stem = name.rstrip("0123456789")
        number = 1
        while f"{stem}{number}" in self.nodes:
            number += 1
        return f"{stem}{number}"

    def _node(self, name: str) -> dict[str, Any]:
        try:
            return self.nodes[name]
        except KeyError:
            raise RuntimeError(f"No object matches name: {name}") from None

    # -- the scene file ----------------------------------------------------------
    def scene_path(self) -> str | None:
        return self.path

    def save_scene(self, path: str) -> None:
        state = {"format": FORMAT, "nodes": self.nodes, "info": self.info, "references": self.references}
        Path(path).write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")
        self.path = path
        self.modified = False

    def open_scene(self, path: str) -> None:
        state = json.loads(Path(path).read_text(encoding="utf-8"))
        if state.get("format") != FORMAT:
            raise RuntimeError(f"{path} is not a scene this pretend Maya can open")
        self.nodes, self.info, self.references = state["nodes"], state["info"], state["references"]
        self.selected = []
        self.path = path
        self.modified = False

    def is_modified(self) -> bool:
        return self.modified

    # -- fileInfo ---------------------------------------------------------------
    def file_info(self, key: str) -> str | None:
        return self.info.get(key)

    def set_file_info(self, key: str, value: str) -> None:
        self.info[key] = value
        self.modified = True

    # -- nodes and sets -----------------------------------------------------------
    def exists(self, node: str) -> bool:
        return node in self.nodes

    def create_set(self, name: str, members: Sequence[str] = ()) -> str:
        for member in members:
            self._node(member)
        name = self.add_node(name, "objectSet")
        self.nodes[name]["members"] = list(members)
        return name

    def delete(self, nodes: Sequence[str]) -> None:
        for node in nodes:
            self._node(node)
        for node in nodes:
            del self.nodes[node]
            for other in self.nodes.values():
                if node in other["members"]:
                    other["members"].remove(node)
        self.modified = self.modified or bool(nodes)
        self.selected = [s for s in self.selected if s in self.nodes]

    def set_members(self, name: str) -> list[str]:
        return list(self._node(name)["members"])

    def add_to_set(self, name: str, members: Sequence[str]) -> None:
        node = self._node(name)
        for member in members:
            self._node(member)
            if member not in node["members"]:
                node["members"].append(member)
                self.modified = True

    def sets_with_attr(self, attr: str) -> list[str]:
        return [n for n, node in self.nodes.items() if node["type"] == "objectSet" and attr in node["attrs"]]

    def string_attr(self, node: str, attr: str) -> str | None:
        value = self._node(node)["attrs"].get(attr)
        return None if value is None else str(value)

    def set_string_attr(self, node: str, attr: str, value: str) -> None:
        self._node(node)["attrs"][attr] = value
        self.modified = True

    # -- selection ----------------------------------------------------------------
    def selection(self) -> list[str]:
        return list(self.selected)

    def select(self, nodes: Sequence[str]) -> None:
        for node in nodes:
            self._node(node)
        self.selected = list(nodes)

    # -- references and export ------------------------------------------------------
    def namespace_exists(self, namespace: str) -> bool:
        return any(n.startswith(f"{namespace}:") for n in self.nodes)

    def reference(self, path: str, namespace: str) -> str:
        if not Path(path).is_file():
            raise RuntimeError(f"File not found: {path}")
        ref = self.add_node(f"{namespace}RN", "reference")
        top = self.add_node(f"{namespace}:{Path(path).stem.split('.')[0]}")
        self.references[ref] = {"path": path, "namespace": namespace, "nodes": [top]}
        self.calls.append(("reference", path, namespace))
        return ref

    def _reference(self, reference_node: str) -> dict[str, Any]:
        try:
            return self.references[reference_node]
        except KeyError:
            raise RuntimeError(f"{reference_node} is not a reference node") from None

    def replace_reference(self, reference_node: str, path: str) -> None:
        self._reference(reference_node)["path"] = path
        self.modified = True
        self.calls.append(("replace_reference", reference_node, path))

    def remove_reference(self, reference_node: str) -> None:
        self.delete([*self._reference(reference_node)["nodes"], reference_node])
        del self.references[reference_node]
        self.calls.append(("remove_reference", reference_node))

    def reference_nodes(self, reference_node: str) -> list[str]:
        return list(self._reference(reference_node)["nodes"])

    def export_selected(self, path: str) -> None:
        Path(path).write_text(json.dumps({"exported": self.selected}), encoding="utf-8")
        self.calls.append(("export_selected", path, tuple(self.selected)))

    def transform_path(self, node: str) -> str | None:
        data = self.nodes.get(node)
        if data is None or data["type"] not in TRANSFORMS:
            return None
        parent = data.get("parent")
        above = (self.transform_path(parent) or "") if parent else ""
        return f"{above}|{node}"

    def export_alembic(self, path: str, roots: Sequence[str], start: int, end: int) -> None:
        paths = [self.transform_path(root.rsplit("|", 1)[-1]) for root in roots]  # names or DAG paths
        for root, full in zip(roots, paths, strict=True):
            if full is None:
                raise RuntimeError(f"AbcExport: {root} is not a valid root (a DAG transform)")
            if any(other and full.startswith(other + "|") for other in paths):
                raise RuntimeError(f"AbcExport: {root} is under another root")
        Path(path).write_text(json.dumps({"roots": list(roots), "frames": [start, end]}), encoding="utf-8")
        self.calls.append(("export_alembic", path, tuple(roots), start, end))

    # -- thumbnails ------------------------------------------------------------------
    interactive = False  # batch by default (mayapy, hython, nuke -t): no viewport to capture

    def capture_viewport(self, path: str, width: int, height: int) -> None:
        """A real PNG, when :attr:`interactive` (a session with a viewport)."""
        from splice.pipeline.thumbnails import write_png

        if not self.interactive:
            raise RuntimeError("batch mode: no viewport")
        self.calls.append(("capture_viewport", path, width, height))
        write_png(path, width, height, lambda x, y: (40, 90 + y // 2, 160))
