"""A fake ``nuke`` checked against ``types-nuke``, keeping a script's state, for running
:class:`splice.hosts.nuke.real.NukeApi` in the test process.

It refuses what Nuke refuses: a node class that does not exist (``nuke.nodes.Bogus``), a
knob the node class lacks (``node["bogus"]`` raises NameError, as in Nuke), a non-integer
in an integer knob. A Read's ``file`` knob set with ``fromUserText`` reads the file's
range (a "movie" here is JSON naming its frames; a still is frame 1), as Nuke reads a
movie's header. Script callbacks run where Nuke runs them: onScriptSave before writing,
onScriptClose then the Root's onCreate on ``scriptClear``, onScriptLoad after ``scriptOpen``.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from dcc_stubs import Stubs, fake_module, read

# Node classes and the knobs the adapter uses, from the Nuke 15 Reference Guide
# (learn.foundry.com/nuke/content/reference_guide/…: Image > Read, Image > Write,
# Other > NoOp, Filter > Blur) and the Python reference for Root; every node also has
# the common knobs below.
COMMON = ("name", "label", "xpos", "ypos", "selected", "disable")
NODE_CLASSES: dict[str, tuple[str, ...]] = {
    "Read": ("file", "first", "last", "origfirst", "origlast", "before", "after", "format", "colorspace"),
    "Write": ("file", "file_type", "first", "last", "use_limit", "colorspace"),
    "NoOp": (),
    "Blur": ("size", "channels"),
    "Root": ("first_frame", "last_frame", "fps", "format"),
}
INT_KNOBS = {"first", "last", "origfirst", "origlast", "first_frame", "last_frame", "xpos", "ypos"}
MOVIES = (".mov", ".mp4")


@cache
def nuke_stubs() -> Stubs:
    return Stubs("nuke", read("nuke-stubs", "_nuke.pyi", "callbacks.pyi"))


class FakeKnob:
    def __init__(self, owner: FakeNode | None, name: str, value: Any = "") -> None:
        self.owner, self.name, self._value = owner, name, value
        self.flags: set[int] = set()

    def setValue(self, *args: Any, **kwargs: Any) -> bool:
        value = args[0]
        if self.name in INT_KNOBS and not isinstance(value, int):
            raise TypeError(f"{self.name}: int expected, not {value!r}")
        if self.name == "file" and "\\" in str(value):
            raise ValueError(f"Nuke paths use '/': {value}")
        self._value = value
        if self.owner is not None:
            self.owner.state.modified = True
        return True

    def value(self, *args: Any, **kwargs: Any) -> Any:
        return self._value

    getValue = value

    def setFlag(self, flag: int) -> None:
        self.flags.add(flag)

    def fromUserText(self, text: str) -> None:
        """Nuke parses a trailing ``first-last`` and opens the file for its format and range."""
        match = re.match(r"^(?P<file>.*?)(?: (?P<first>-?\d+)-(?P<last>-?\d+))?$", text)
        assert match is not None and self.owner is not None
        self.setValue(match["file"])
        if match["first"]:
            first, last = int(match["first"]), int(match["last"])
        elif Path(match["file"]).suffix.lower() in MOVIES:
            first, last = json.loads(Path(match["file"]).read_text(encoding="utf-8"))["frames"]
        else:
            first = last = 1
        for knob, value in (("first", first), ("last", last), ("origfirst", first), ("origlast", last)):
            self.owner.knobs_[knob]._value = value


def _knob_class(name: str) -> str:
    return "File_Knob" if name == "file" else "Int_Knob" if name in INT_KNOBS else "String_Knob"


class FakeNode:
    def __init__(self, state: FakeNuke, node_class: str, name: str) -> None:
        self.state, self.node_class, self.name_ = state, node_class, name
        self.knobs_ = {
            k: FakeKnob(self, k, 0 if k in INT_KNOBS else "") for k in (*COMMON, *NODE_CLASSES[node_class])
        }
        self.proxy = state.stubs.wrap("Root" if node_class == "Root" else "Node", self, name)

    def knob_proxy(self, name: str) -> Any:
        return self.state.stubs.wrap(_knob_class(name), self.knobs_[name], f"{self.name_}.{name}")

    def Class(self) -> str:
        return self.node_class

    def name(self) -> str:
        return self.name_ if self.node_class != "Root" else (self.state.script or "Root")

    def fullName(self) -> str:
        return self.name_

    def setName(self, name: str, uncollide: bool = False, updateExpressions: bool = False) -> None:
        if name in self.state.nodes:
            raise ValueError(f"{name} exists")
        self.state.nodes[name] = self.state.nodes.pop(self.name_)
        self.name_ = name
        self.state.modified = True

    def knobs(self) -> dict[str, Any]:
        return {name: self.knob_proxy(name) for name in self.knobs_}

    def __getitem__(self, name: str) -> Any:
        if name not in self.knobs_:
            raise NameError(f"knob {name} does not exist")
        return self.knob_proxy(name)

    def addKnob(self, knob: Any) -> None:
        impl = knob._impl
        impl.owner = self
        self.knobs_[impl.name] = impl
        self.state.modified = True

    def modified(self) -> bool:  # Root.modified(): whether the script changed since saved or opened
        return self.state.modified

    def setSelected(self, selected: bool) -> None:
        self.state.selected = [s for s in self.state.selected if s != self.name_] + (
            [self.name_] if selected else []
        )

    def __enter__(self) -> Any:
        return self.proxy

    def __exit__(self, *exc: Any) -> None:
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"class": self.node_class, "knobs": {k: v._value for k, v in self.knobs_.items()}}


class FakeNodes:
    """``nuke.nodes``: one constructor per node class; unknown classes and knobs are refused."""

    def __init__(self, state: FakeNuke) -> None:
        self.state = state

    def __getattr__(self, node_class: str) -> Callable[..., Any]:
        if node_class not in NODE_CLASSES or node_class == "Root":
            self.state.stubs.refuse(f"no node class {node_class!r}")

        def construct(**knobs: Any) -> Any:
            number = 1
            while f"{node_class}{number}" in self.state.nodes:
                number += 1
            node = FakeNode(self.state, node_class, f"{node_class}{number}")
            self.state.nodes[node.name_] = node
            self.state.modified = True
            for knob, value in knobs.items():
                node[knob].setValue(value)
            return node.proxy

        return construct


class FakeNuke:
    """The state behind the fake ``nuke``: one script and its callbacks."""

    INVISIBLE = 0x400
    GUI = False

    def __init__(self, stubs: Stubs, version: str = "15.1v3") -> None:
        self.stubs, self.NUKE_VERSION_STRING = stubs, version
        self.NUKE_VERSION_MAJOR = int(version.split(".")[0])
        self.callbacks: dict[str, list[Callable[[], Any]]] = {
            "create": [],
            "load": [],
            "save": [],
            "close": [],
        }
        self.current = 1
        self.nodes: dict[str, FakeNode] = {}
        self.selected: list[str] = []
        self.script: str | None = None
        self.modified = False  # Root.modified(): set by every change, cleared by save / open / clear
        self._root = FakeNode(self, "Root", "root")

    def add(self, node_class: str, **knobs: Any) -> str:
        return str(FakeNodes(self).__getattr__(node_class)(**knobs).fullName())

    def _run(self, event: str) -> None:
        for callback in self.callbacks[event]:
            callback()

    # -- nuke functions ---------------------------------------------------------------
    def root(self) -> Any:
        return self._root.proxy

    def toNode(self, s: str) -> Any:
        return self.nodes[s].proxy if s in self.nodes else None

    def delete(self, n: Any) -> None:
        del self.nodes[n._impl.name_]
        self.selected = [s for s in self.selected if s in self.nodes]
        self.modified = True

    def allNodes(self, *args: Any, **kwargs: Any) -> list[Any]:
        return [n.proxy for n in self.nodes.values()]

    def selectedNodes(self, *args: Any) -> list[Any]:
        return [self.nodes[s].proxy for s in self.selected]

    def nodeCopy(self, s: str) -> None:
        Path(s).write_text(json.dumps({n: self.nodes[n].to_dict() for n in self.selected}), encoding="utf-8")

    def execute(self, nameOrNode: Any, start: int, end: int, *args: Any, **kwargs: Any) -> None:
        node = nameOrNode._impl if hasattr(nameOrNode, "_impl") else self.nodes[nameOrNode]
        pattern = str(node.knobs_["file"]._value)
        if node.node_class != "Write" or not pattern:
            raise RuntimeError(f"{node.name_} cannot be executed")
        if Path(pattern).suffix.lower() in MOVIES:
            Path(pattern).write_text(json.dumps({"frames": [start, end]}), encoding="utf-8")
            return
        for frame in range(start, end + 1):
            Path(pattern.replace("%04d", f"{frame:04d}")).write_text(f"frame {frame}", encoding="utf-8")

    def scriptSaveAs(self, filename: str | None = None, overwrite: int | bool = 0) -> None:
        self._run("save")
        root = {k: v._value for k, v in self._root.knobs_.items() if k not in NODE_CLASSES["Root"] + COMMON}
        state = {"nodes": {n: node.to_dict() for n, node in self.nodes.items()}, "root": root}
        Path(str(filename)).write_text(json.dumps({"fake-nuke": state}), encoding="utf-8")
        self.script, self.modified = filename, False

    def scriptClear(self, *args: Any, **kwargs: Any) -> None:
        self._run("close")
        self.nodes, self.selected, self.script = {}, [], None
        self._root = FakeNode(self, "Root", "root")
        self.modified = False
        self._run("create")  # a new Root: onCreate(nodeClass="Root")

    def scriptOpen(self, filename: str | None = None) -> None:
        state = json.loads(Path(str(filename)).read_text(encoding="utf-8"))["fake-nuke"]
        for name, data in state["nodes"].items():
            node = FakeNode(self, data["class"], name)
            for knob, value in data["knobs"].items():
                node.knobs_.setdefault(knob, FakeKnob(node, knob))._value = value
            self.nodes[name] = node
        for knob, value in state["root"].items():
            self._root.knobs_[knob] = FakeKnob(self._root, knob, value)
        self.script, self.modified = filename, False
        self._run("load")

    def frame(self, f: int | None = None) -> int:
        return self.current

    def _register(
        self, event: str, call: Any, args: Any = (), kwargs: Any = None, nodeClass: str = "*"
    ) -> None:
        if event == "create" and nodeClass != "Root":
            return
        self.callbacks[event].append(lambda: call(*args, **(kwargs or {})))

    def addOnCreate(self, call: Any, args: Any = (), kwargs: Any = None, nodeClass: str = "*") -> None:
        self._register("create", call, args, kwargs, nodeClass)

    def addOnScriptLoad(self, call: Any, args: Any = (), kwargs: Any = None, nodeClass: str = "*") -> None:
        self._register("load", call, args, kwargs, nodeClass)

    def addOnScriptSave(self, call: Any, args: Any = (), kwargs: Any = None, nodeClass: str = "*") -> None:
        self._register("save", call, args, kwargs, nodeClass)

    def addOnScriptClose(self, call: Any, args: Any = (), kwargs: Any = None, nodeClass: str = "*") -> None:
        self._register("close", call, args, kwargs, nodeClass)


@contextmanager
def installed(monkeypatch: pytest.MonkeyPatch, version: str = "15.1v3") -> Iterator[FakeNuke]:
    """``nuke`` in ``sys.modules`` is the fake while the block runs."""
    stubs = nuke_stubs()
    stubs.reset()
    state = FakeNuke(stubs, version)

    def string_knob(name: str, label: str = "", *args: Any) -> Any:  # nuke.String_Knob(name, label)
        return stubs.wrap("String_Knob", FakeKnob(None, name), name)

    extras = {"nodes": FakeNodes(state), "String_Knob": string_knob}
    monkeypatch.setitem(sys.modules, "nuke", fake_module("nuke", stubs, state, extras))
    yield state
