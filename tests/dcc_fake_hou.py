"""A fake ``hou`` checked against ``types-houdini``, keeping a scene's state, for running
:class:`splice.hosts.houdini.real.HouScene` in the test process.

Nodes are fakes of the stub's classes (``ObjNode``, ``SopNode``, ``RopNode``, ``LopNode``,
``OpNode`` for the managers), so the adapter's ``isinstance`` checks see what Houdini
would give. It refuses what Houdini refuses: a node type that does not exist in the
parent's category, a parameter the node type lacks (``parm()`` gives None), a name
already taken; ``hipFile.load`` raises ``LoadWarning`` on a scene with warnings unless
told to ignore them; the Alembic ROP writes the frame range its parameters (or
``render(frame_range=…)``) say, and ``$FSTART``/``$FEND`` keyframes on ``f1``/``f2`` win
over a plain ``set()``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from dcc_stubs import Stubs, fake_module, read

# Node types per category, and the parameters the adapter uses, from SideFX's node
# documentation (sidefx.com/docs/houdini/nodes/{obj,sop,out,lop}/…, Houdini 20.5):
# obj/geo, obj/null; sop/alembic (fileName), sop/file (file), sop/box; out/alembic
# (use_sop_path, sop_path, filename, trange, f1 f2 f3), out/null; lop/reference::2.0
# (multiparm filepath#, primpath#), lop/sublayer.
NODE_TYPES: dict[str, dict[str, tuple[str, ...]]] = {
    "Object": {"geo": (), "null": (), "subnet": ()},
    "Sop": {"alembic": ("fileName",), "file": ("file",), "box": (), "null": ()},
    "Driver": {"alembic": ("use_sop_path", "sop_path", "filename", "trange", "f1", "f2", "f3"), "null": ()},
    "Lop": {"reference::2.0": ("filepath1", "primpath1"), "sublayer": ("filepath1",), "null": ()},
}
CLASSES = {"Object": "ObjNode", "Sop": "SopNode", "Driver": "RopNode", "Lop": "LopNode", "Manager": "OpNode"}
MANAGERS = {
    "/": "Manager",
    "/obj": "Object",
    "/out": "Driver",
    "/stage": "Lop",
}  # path -> children's category


@cache
def hou_stubs() -> Stubs:
    return Stubs("hou", read("hou-stubs", "__init__.pyi"))


class FakeParm:
    def __init__(self, name: str, state: FakeHou | None = None) -> None:
        self.name, self.state = name, state
        self.value: Any = {"trange": 0, "f1": 1, "f2": 240, "f3": 1}.get(name, "")
        self.keyed = name in ("f1", "f2")  # $FSTART / $FEND expression keyframes

    def set(self, value: Any, language: Any = None, follow_parm_reference: bool = True) -> None:
        if not self.keyed:  # with keyframes, set() changes a keyframe: the expression still wins
            self.value = value
        if self.state is not None:
            self.state.modified = True

    def rawValue(self) -> str:
        return str(self.value)

    def eval(self) -> Any:
        return {"f1": 1, "f2": 240}[self.name] if self.keyed else self.value

    def deleteAllKeyframes(self) -> None:
        self.keyed = False
        if self.state is not None:
            self.state.modified = True


class FakeGeometry:
    def __init__(self, sop: str) -> None:
        self.sop = sop

    def saveToFile(self, file_name: str) -> None:
        if "\\" in file_name:
            raise RuntimeError(f"Houdini paths use '/': {file_name}")
        Path(file_name).write_text(json.dumps({"sop": self.sop}), encoding="utf-8")


class FakeNode:
    """One node's state; :attr:`proxy` is what ``hou`` hands out."""

    def __init__(self, state: FakeHou, path: str, type_name: str, category: str) -> None:
        self.state, self._path, self.type_name, self.category = state, path, type_name, category
        params = NODE_TYPES.get(category, {}).get(type_name, ())
        self.parms = {name: FakeParm(name, state) for name in params}
        self.user: dict[str, str] = {}
        self.display: str | None = None
        self.proxy = state.stubs.wrap(CLASSES[category], self, path)

    @property
    def child_category(self) -> str:
        return MANAGERS.get(self._path) or ("Sop" if self.category == "Object" else self.category)

    def path(self) -> str:
        return self._path

    def node(self, node_path: str) -> Any:
        found = self.state.nodes.get(f"{self._path.rstrip('/')}/{node_path}")
        return None if found is None else found.proxy

    def createNode(self, node_type_name: str, node_name: str | None = None, **options: Any) -> Any:
        category = self.child_category
        if node_type_name not in NODE_TYPES.get(category, {}):
            self.state.stubs.refuse(f"no {category} node type {node_type_name!r} (under {self._path})")
        name = node_name or node_type_name.split("::")[0] + "1"
        path = f"{self._path.rstrip('/')}/{name}"
        if path in self.state.nodes:
            raise self.state.error("OperationFailed")(f"{path} exists")
        node = FakeNode(self.state, path, node_type_name, category)
        self.state.nodes[path] = node
        self.state.modified = True
        if self.category == "Object" and self.display is None:
            self.display = path
        return node.proxy

    def destroy(self, disable_safety_checks: bool = False) -> None:
        for path in [p for p in self.state.nodes if p == self._path or p.startswith(self._path + "/")]:
            del self.state.nodes[path]
        self.state.selected = [s for s in self.state.selected if s in self.state.nodes]
        self.state.modified = True

    def parm(self, parm_path: str) -> Any:
        parm = self.parms.get(parm_path)
        return None if parm is None else self.state.stubs.wrap("Parm", parm, f"{self._path}/{parm_path}")

    def userData(self, name: str) -> str | None:
        return self.user.get(name)

    def setUserData(self, name: str, value: str) -> None:
        self.user[name] = value
        self.state.modified = True

    def children(self) -> tuple[Any, ...]:
        prefix = self._path.rstrip("/") + "/"
        return tuple(
            n.proxy
            for p, n in self.state.nodes.items()
            if p.startswith(prefix) and "/" not in p[len(prefix) :]
        )

    def setSelected(
        self, on: bool, clear_all_selected: bool = False, show_asset_if_selected: bool = False
    ) -> None:
        if on and self._path not in self.state.selected:
            self.state.selected.append(self._path)

    def displayNode(self) -> Any:
        return None if self.display is None else self.state.nodes[self.display].proxy

    def geometry(self, output_index: int = 0) -> Any:
        return self.state.stubs.wrap("Geometry", FakeGeometry(self._path), self._path)

    def render(self, frame_range: Any = None, **options: Any) -> None:
        parms = self.parms
        if frame_range is None and parms["trange"].eval() != 1:
            frames = [self.state.frame, self.state.frame]  # trange 0: the current frame only
        elif frame_range is None:
            frames = [parms["f1"].eval(), parms["f2"].eval()]
        else:
            frames = [frame_range[0], frame_range[1]]
        if parms["use_sop_path"].eval() != 1 or parms["sop_path"].eval() not in self.state.nodes:
            raise self.state.error("OperationFailed")(f"{self._path}: no SOP to write")
        target = str(parms["filename"].eval())
        if "\\" in target:
            raise RuntimeError(f"Houdini paths use '/': {target}")
        trange, f1, f2 = parms["trange"].eval(), parms["f1"].eval(), parms["f2"].eval()
        settings = {"sop": parms["sop_path"].eval(), "frames": frames, "parms": [trange, f1, f2]}
        Path(target).write_text(json.dumps(settings), encoding="utf-8")

    def to_dict(self) -> dict[str, Any]:
        parms = {n: p.value for n, p in self.parms.items()}
        return {"type": self.type_name, "category": self.category, "parms": parms, "user": self.user}


class FakeHipFile:
    def __init__(self, state: FakeHou) -> None:
        self.state = state

    def hasUnsavedChanges(self) -> bool:
        return self.state.modified

    def isNewFile(self) -> bool:
        return self.state.hip is None

    def path(self) -> str:
        return self.state.hip or "untitled.hip"

    def save(self, file_name: str | None = None, save_to_recent_files: bool = True) -> None:
        target = file_name or self.path()
        if "\\" in target:
            raise RuntimeError(f"Houdini paths use '/': {target}")
        nodes = {p: n.to_dict() for p, n in self.state.nodes.items() if p not in MANAGERS}
        Path(target).write_text(json.dumps({"fake-hou": nodes}), encoding="utf-8")
        self.state.hip, self.state.modified = target, False

    def load(
        self, file_name: str, suppress_save_prompt: bool = False, ignore_load_warnings: bool = False
    ) -> None:
        saved = json.loads(Path(file_name).read_text(encoding="utf-8"))["fake-hou"]
        self.state.reset_scene()
        for path, data in saved.items():
            node = FakeNode(self.state, path, data["type"], data["category"])
            for name, value in data["parms"].items():
                node.parms[name].value = value
            node.user = data["user"]
            self.state.nodes[path] = node
        self.state.hip, self.state.modified = file_name, False
        if self.state.load_warnings and not ignore_load_warnings:
            raise self.state.error("LoadWarning")(f"{file_name}: {self.state.load_warnings}")


class FakeHou:
    """The state behind the fake ``hou``: one scene."""

    def __init__(self, stubs: Stubs, version: tuple[int, int, int] = (20, 5, 370)) -> None:
        self.stubs, self.version = stubs, version
        self.hip: str | None = None
        self.frame = 1
        self.load_warnings = ""  # e.g. "missing asset": hipFile.load raises LoadWarning
        self.nodes: dict[str, FakeNode] = {}
        self.selected: list[str] = []
        self.modified = False  # hipFile.hasUnsavedChanges: set by every change, cleared by save / load
        self.reset_scene()

    def reset_scene(self) -> None:
        self.nodes = {path: FakeNode(self, path, "manager", "Manager") for path in MANAGERS}
        self.selected = []

    def error(self, name: str) -> type[Exception]:
        return self.stubs.fake_class(name)

    def add(self, path: str, type_name: str) -> str:
        """Build a node as an artist would (through the checked ``createNode``)."""
        parent, _, name = path.rpartition("/")
        return str(self.nodes[parent or "/"].proxy.createNode(type_name, node_name=name).path())

    # -- hou functions ----------------------------------------------------------------
    def node(self, path: str) -> Any:
        found = self.nodes.get(path)
        return None if found is None else found.proxy

    def selectedNodes(self, include_hidden: bool = False) -> tuple[Any, ...]:
        return tuple(self.nodes[p].proxy for p in self.selected)

    def clearAllSelected(self) -> None:
        self.selected = []

    def applicationVersion(self, include_patch: bool = False) -> tuple[int, int, int]:
        return self.version

    def applicationVersionString(self) -> str:
        return ".".join(map(str, self.version))


@contextmanager
def installed(
    monkeypatch: pytest.MonkeyPatch, version: tuple[int, int, int] = (20, 5, 370), *, op_node: bool = True
) -> Iterator[FakeHou]:
    """``hou`` in ``sys.modules`` is the fake while the block runs (``op_node=False``: a
    build without ``hou.OpNode``, as before Houdini 20.0)."""
    stubs = hou_stubs()
    stubs.reset()
    state = FakeHou(stubs, version)
    extras: dict[str, Any] = {"hipFile": stubs.wrap("hipFile", FakeHipFile(state), "hipFile")}
    if not op_node:
        extras["OpNode"] = None
    monkeypatch.setitem(sys.modules, "hou", fake_module("hou", stubs, state, extras))
    yield state
