"""A fake ``maya.cmds`` checked against ``maya-stubs``, keeping a scene's state, for running
:class:`splice.hosts.maya.real.CmdsScene` in the test process.

It models what the adapter's flows need (nodes with a type and a DAG parent, string
attributes, objectSets, fileInfo, the selection, file references, plug-ins, scene and
export files written as JSON) and refuses what Maya refuses: a node type or file type
that does not exist, a string attribute set without ``type="string"``, a reference
(re)loaded as the wrong file type, an Alembic root that is not a transform or is nested
under another root, AbcExport before its plug-in is loaded.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from dcc_stubs import Stubs, fake_module, read

# AbcExport is a plug-in's command, so maya-stubs does not have it. Its flags, from
# Autodesk's "Alembic Cache export options" / `AbcExport -help` (Maya 2024-2026):
# -jobArg/-j (repeatable), -verbose/-v, -help/-h, -jobArgsHelp/-jah.
ABC_EXPORT_STUB = """
def AbcExport(
    *, jobArg: Multiuse[str] = ..., verbose: bool = ..., help: bool = ..., jobArgsHelp: bool = ...
) -> None: ...
"""

# Node types the adapter names, with those their `ls -type` includes (derived types):
# Maya 2025 Node Reference (help.autodesk.com/view/MAYAUL/2025/ENU/?guid=Maya_NodesIndex):
# transform, joint (derives from transform), mesh, objectSet, reference, camera, time.
NODE_TYPES = {
    "transform": {"transform", "joint"},
    "joint": {"joint"},
    "mesh": {"mesh"},
    "camera": {"camera"},
    "objectSet": {"objectSet"},
    "reference": {"reference"},
    "time": {"time"},
}
DAG_TYPES = {"transform", "joint", "mesh", "camera"}
# `file -type`: the translators of Maya's File > Export dialogs ("mayaAscii", "mayaBinary";
# "Alembic" once AbcImport/AbcExport is loaded). The suffix each one reads.
FILE_TYPES = {"mayaAscii": ".ma", "mayaBinary": ".mb", "Alembic": ".abc"}
PLUGINS = {"AbcImport", "AbcExport"}


@cache
def cmds_stubs() -> Stubs:
    return Stubs("maya.cmds", [*read("maya-stubs", "cmds/__init__.pyi"), ABC_EXPORT_STUB])


class FakeCmds:
    """The state behind the fake ``maya.cmds``."""

    def __init__(self, stubs: Stubs, version: str = "2025") -> None:
        self.stubs = stubs
        self._version = version
        self.nodes: dict[str, dict[str, Any]] = {}
        self.info: dict[str, str] = {}
        self.references: dict[str, dict[str, Any]] = {}
        self.selected: list[str] = []
        self.scene: str = ""
        self.plugins: set[str] = set()
        self.add("time1", "time")  # every scene has non-DAG nodes of its own
        self.modified = False  # `file -q -modified`: set by every change, cleared by save / open

    # -- helpers the tests use -------------------------------------------------------
    def add(self, name: str, type: str = "transform", parent: str | None = None) -> str:
        if type not in NODE_TYPES:
            self.stubs.refuse(f"node type {type!r} does not exist")
        name = self._unique(name)
        self.nodes[name] = {"type": type, "parent": parent, "attrs": {}, "members": []}
        self.modified = True
        return name

    def _unique(self, name: str) -> str:
        stem, number = name.rstrip("0123456789"), 1
        while name in self.nodes:
            name = f"{stem}{number}"
            number += 1
        return name

    def _find(self, name: str) -> str:
        if name in self.nodes:
            return name
        for node in self.nodes:
            if self.long(node) == name:
                return node
        raise RuntimeError(f"No object matches name: {name}")

    def long(self, node: str) -> str:
        data = self.nodes[node]
        if data["type"] not in DAG_TYPES:
            return node
        return f"{self.long(data['parent']) if data['parent'] else ''}|{node}"

    def _is(self, node: str, types: Any) -> bool:
        wanted = [types] if isinstance(types, str) else list(types)
        for type in wanted:
            if type not in NODE_TYPES:
                self.stubs.refuse(f"node type {type!r} does not exist")
        return any(self.nodes[node]["type"] in NODE_TYPES[t] for t in wanted)

    # -- maya.cmds ---------------------------------------------------------------------
    def about(self, **flags: Any) -> Any:
        return self._version if flags.get("version") else flags.get("batch", False) and True

    def file(self, path: str = "", **flags: Any) -> Any:
        kind = flags.get("type")
        if kind is not None and kind not in FILE_TYPES:
            self.stubs.refuse(f"file type {kind!r} does not exist")
        if kind == "Alembic" and not {"AbcImport", "AbcExport"} & self.plugins:
            raise RuntimeError('Invalid file type specified: "Alembic" (load the AbcImport plug-in)')
        if flags.get("query") and flags.get("sceneName"):
            return self.scene
        if flags.get("query") and flags.get("modified"):
            return self.modified
        if "rename" in flags:
            self.scene = flags["rename"]
            return self.scene
        if flags.get("save"):
            return self._save(self.scene, kind)
        if flags.get("open"):
            return self._open(path)
        if flags.get("reference"):
            return self._reference(path, flags["namespace"], kind)
        if "loadReference" in flags:
            return self._reload(flags["loadReference"], path, kind)
        if flags.get("removeReference"):
            return self._remove(flags["referenceNode"])
        if flags.get("exportSelected"):
            self._check_type(path, kind or "mayaAscii")
            Path(path).write_text(json.dumps({"exported": self.selected}), encoding="utf-8")
            return path
        raise NotImplementedError(f"the fake cmds.file does not model {sorted(flags)}")

    def _check_type(self, path: str, kind: str) -> None:
        if "\\" in path:
            raise RuntimeError(f"Maya paths use '/': {path}")
        if Path(path).suffix.lower() != FILE_TYPES[kind]:
            raise RuntimeError(f"{path} is not a {kind} file")

    def _save(self, path: str, kind: str | None) -> str:
        self._check_type(path, kind or "mayaAscii")
        state = {"nodes": self.nodes, "info": self.info, "references": self.references}
        Path(path).write_text(json.dumps({"fake-maya": state}), encoding="utf-8")
        self.modified = False
        return path

    def _open(self, path: str) -> str:
        state = json.loads(Path(path).read_text(encoding="utf-8"))["fake-maya"]
        self.nodes, self.info, self.references = state["nodes"], state["info"], state["references"]
        self.selected, self.scene, self.modified = [], path, False
        return path

    def _file_kind(self, path: str, kind: str | None) -> str:
        # without -type Maya reads the file as its own scene type: an .abc would not load
        self._check_type(path, kind or "mayaAscii")
        if not Path(path).is_file():
            raise RuntimeError(f"File not found: {path}")
        return kind or "mayaAscii"

    def _reference(self, path: str, namespace: str, kind: str | None) -> str:
        kind = self._file_kind(path, kind)
        if not namespace.replace("_", "a").isalnum() or namespace[0].isdigit() or not namespace.isascii():
            raise RuntimeError(f"Invalid namespace: {namespace!r}")
        ref = self.add(f"{namespace}RN", "reference")
        top = self.add(f"{namespace}:{Path(path).stem.split('.')[0]}")
        self.references[ref] = {"path": path, "namespace": namespace, "nodes": [top], "type": kind}
        return path

    def _reload(self, ref: str, path: str, kind: str | None) -> str:
        if ref not in self.references:
            raise RuntimeError(f"{ref} is not a reference node")
        self.references[ref].update(path=path, type=self._file_kind(path, kind))
        self.modified = True
        return path

    def _remove(self, ref: str) -> None:
        for node in [*self.references.pop(ref)["nodes"], ref]:
            self.nodes.pop(node, None)
        self.modified = True

    def fileInfo(self, key: str, value: str | None = None, **flags: Any) -> Any:
        if flags.get("query"):
            return [self.info[key]] if key in self.info else []
        self.info[key] = str(value)
        self.modified = True
        return None

    def objExists(self, name: str) -> bool:
        try:
            self._find(name)
        except RuntimeError:
            return False
        return True

    def sets(self, *members: str, **flags: Any) -> Any:
        if flags.get("query"):
            found = self.nodes[self._find(members[0])]["members"]
            return list(found) or None  # Maya gives None for an empty set
        if "addElement" in flags:
            target = self.nodes[self._find(flags["addElement"])]["members"]
            target.extend(self._find(m) for m in members if self._find(m) not in target)
            self.modified = True
            return None
        name = self.add(flags.get("name", "set"), "objectSet")
        if not flags.get("empty"):
            self.nodes[name]["members"] = list(self.selected)
        return name

    def delete(self, *nodes: str) -> None:
        for node in [self._find(n) for n in nodes]:
            self.nodes.pop(node)
            self.modified = True
            for other in self.nodes.values():
                if node in other["members"]:
                    other["members"].remove(node)
        self.selected = [s for s in self.selected if s in self.nodes]

    def ls(self, *names: str, **flags: Any) -> list[str]:
        if flags.get("selection"):
            found = list(self.selected)
        elif names:
            found = [self._find(n) for n in names if self.objExists(n)]
        else:
            found = list(self.nodes)
        if "type" in flags:
            found = [n for n in found if self._is(n, flags["type"])]
        return [self.long(n) for n in found] if flags.get("long") else found

    def attributeQuery(self, attr: str, **flags: Any) -> bool:
        return attr in self.nodes[self._find(flags["node"])]["attrs"]

    def _plug(self, plug: str) -> tuple[dict[str, Any], str]:
        node, _, attr = plug.rpartition(".")
        attrs = self.nodes[self._find(node)]["attrs"]
        if attr not in attrs:
            raise ValueError(f"No object matches name: {plug}")
        return attrs, attr

    def getAttr(self, plug: str, **flags: Any) -> Any:
        attrs, attr = self._plug(plug)
        return attrs[attr]["value"]

    def addAttr(self, node: str, **flags: Any) -> None:
        attrs = self.nodes[self._find(node)]["attrs"]
        if flags["longName"] in attrs:
            raise RuntimeError(f"Found a matching attribute named {flags['longName']!r}")
        attrs[flags["longName"]] = {"dataType": flags.get("dataType"), "value": None}
        self.modified = True

    def setAttr(self, plug: str, *values: Any, **flags: Any) -> None:
        attrs, attr = self._plug(plug)
        if attrs[attr]["dataType"] == "string" and flags.get("type") != "string":
            raise RuntimeError(f"Error while parsing arguments: {plug} is a string attribute (type='string')")
        attrs[attr]["value"] = values[0]
        self.modified = True

    def select(self, *nodes: str, **flags: Any) -> None:
        if flags.get("clear"):
            self.selected = []
            return
        self.selected = [self._find(n) for n in nodes]

    def namespace(self, **flags: Any) -> bool:
        wanted = flags["exists"].lstrip(":")
        return any(n.startswith(f"{wanted}:") for n in self.nodes)

    def loadPlugin(self, *names: str, **flags: Any) -> list[str]:
        for name in names:
            if name not in PLUGINS:
                raise RuntimeError(f"Plug-in, {name!r}, was not found on MAYA_PLUG_IN_PATH")
        self.plugins.update(names)
        return list(names)

    def referenceQuery(self, target: str, **flags: Any) -> Any:
        if flags.get("referenceNode"):
            for ref, data in self.references.items():
                if target in (ref, data["path"]) or target in data["nodes"]:
                    return ref
            raise RuntimeError(f"{target} is not from a reference")
        if flags.get("nodes"):
            nodes = self.references[target]["nodes"]
            return [self.long(n) for n in nodes] if flags.get("dagPath") else list(nodes)
        raise NotImplementedError(f"the fake referenceQuery does not model {sorted(flags)}")

    def AbcExport(self, jobArg: str | list[str] = "", **flags: Any) -> None:
        if "AbcExport" not in self.plugins:
            raise RuntimeError("Cannot find procedure AbcExport (load the AbcExport plug-in)")
        for job in [jobArg] if isinstance(jobArg, str) else jobArg:
            self._abc_job(shlex.split(job))

    def _abc_job(self, words: list[str]) -> None:
        roots, frames, path = [], None, None
        for index, word in enumerate(words):
            if word == "-root":
                roots.append(words[index + 1])
            elif word == "-frameRange":
                frames = [int(words[index + 1]), int(words[index + 2])]
            elif word == "-file":
                path = words[index + 1]
        for root in roots:
            if not self.objExists(root) or not self._is(self._find(root), "transform"):
                raise RuntimeError(f"AbcExport: {root} is not a valid root (a DAG transform)")
            for other in roots:
                if other != root and root.startswith(other + "|"):
                    raise RuntimeError(f"AbcExport: {root} is a descendant of the root {other}")
        if path is None or "\\" in path:
            raise RuntimeError(f"AbcExport: -file must be a path with '/': {path}")
        Path(path).write_text(json.dumps({"roots": roots, "frames": frames}), encoding="utf-8")


@contextmanager
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCmds]:
    """``maya`` and ``maya.cmds`` in ``sys.modules`` are the fake while the block runs."""
    import types

    stubs = cmds_stubs()
    stubs.reset()
    state = FakeCmds(stubs)
    cmds = fake_module("maya.cmds", stubs, state)
    maya = types.ModuleType("maya")
    maya.cmds = cmds  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "maya", maya)
    monkeypatch.setitem(__import__("sys").modules, "maya.cmds", cmds)
    yield state
