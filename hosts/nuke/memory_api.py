""":class:`MemoryNuke`: an in-memory :class:`~.api.NukeScript`, for tests and for writing
plug-ins without Nuke.

It models only what the adapter uses: nodes by name with a class and knobs, hidden data
knobs on nodes and on the root, the selection, the current frame, and the script
callbacks (:meth:`MemoryNuke.clear_script` is File > Close). Scripts are saved as JSON
(not a real .nk); copied nodes are a JSON file; a render writes one small file per frame
where the Write node's ``file`` knob (``name.%04d.exr`` or ``name.####.exr``) points, or
one "movie" (``name.mov``: JSON naming its frame range, which :meth:`file_range` reads
back, as Nuke reads a movie's header). Every call that writes content is logged in ``calls``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .api import KnobValue

__all__ = ["MemoryNuke", "frame_path", "is_sequence"]

FORMAT = "splice.memory-nuke/1"


def frame_path(pattern: str, frame: int) -> str:
    """The file of ``frame`` in a sequence pattern: ``a.%04d.exr`` / ``a.####.exr`` → ``a.1001.exr``."""
    padded = re.sub(r"#+", lambda m: f"{frame:0{len(m.group())}d}", pattern)
    return re.sub(r"%0?(\d*)d", lambda m: f"{frame:0{int(m.group(1) or 1)}d}", padded)


def is_sequence(pattern: str) -> bool:
    """Whether ``pattern`` names frames (``%04d`` or ``####``) rather than one file."""
    return frame_path(pattern, 0) != pattern


class MemoryNuke:
    """A pretend Nuke session holding one script."""

    def __init__(self, version: str = "15.1v3") -> None:
        self._version = version
        self.path: str | None = None
        self.nodes: dict[str, dict[str, Any]] = {}
        self.root: dict[str, str] = {}
        self.selected: list[str] = []
        self.frame = 1
        self.callbacks: list[Callable[[], None]] = []
        self.calls: list[tuple[Any, ...]] = []
        self.modified = False  # set by every call that changes the script, cleared by save / open / close

    def version(self) -> str:
        return self._version

    def add_node(self, name: str, node_class: str = "Blur", **knobs: KnobValue) -> str:
        """Create a node (what an artist would build); returns its name."""
        return self.create_node(node_class, name, knobs)

    def _node(self, name: str) -> dict[str, Any]:
        try:
            return self.nodes[name]
        except KeyError:
            raise ValueError(f"no node named {name}") from None

    # -- the script file --------------------------------------------------------------
    def script_path(self) -> str | None:
        return self.path

    def save_script(self, path: str) -> None:
        self._run_callbacks()  # Nuke's onScriptSave runs before the file is written
        state = {"format": FORMAT, "nodes": self.nodes, "root": self.root}
        Path(path).write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
        self.path = path
        self.modified = False

    def open_script(self, path: str) -> None:
        state = json.loads(Path(path).read_text(encoding="utf-8"))
        if state.get("format") != FORMAT:
            raise RuntimeError(f"{path} is not a script this pretend Nuke can open")
        self.nodes, self.root, self.selected, self.path = state["nodes"], state["root"], [], path
        self.modified = False
        self._run_callbacks()  # a callback that changes the script leaves it modified, as in Nuke

    def clear_script(self) -> None:
        """File > Close (``nuke.scriptClear``): an empty, untitled script with a new root."""
        self.nodes, self.root, self.selected, self.path = {}, {}, [], None
        self.modified = False
        self._run_callbacks()

    def is_modified(self) -> bool:
        return self.modified

    def _run_callbacks(self) -> None:
        for callback in self.callbacks:
            callback()

    # -- nodes and knobs -----------------------------------------------------------------
    def exists(self, name: str) -> bool:
        return name in self.nodes

    def node_class(self, name: str) -> str:
        return str(self._node(name)["class"])

    def create_node(self, node_class: str, name: str, knobs: Mapping[str, KnobValue] = {}) -> str:
        unique, number = name, 1
        while unique in self.nodes:
            number += 1
            unique = f"{name}{number}"
        self.nodes[unique] = {"class": node_class, "knobs": dict(knobs), "data": {}}
        self.modified = True
        return unique

    def delete_node(self, name: str) -> None:
        self._node(name)
        del self.nodes[name]
        self.selected = [s for s in self.selected if s != name]
        self.modified = True

    def set_knobs(self, name: str, knobs: Mapping[str, KnobValue]) -> None:
        self._node(name)["knobs"].update(knobs)
        self.modified = True

    def knob(self, name: str, knob: str) -> KnobValue:
        return self._node(name)["knobs"][knob]

    # -- splice data ------------------------------------------------------------------------
    def data(self, name: str | None, key: str) -> str | None:
        return (self.root if name is None else self._node(name)["data"]).get(key)

    def set_data(self, name: str | None, key: str, value: str) -> None:
        (self.root if name is None else self._node(name)["data"])[key] = value
        self.modified = True

    def nodes_with_data(self, key: str) -> list[str]:
        return [n for n, node in self.nodes.items() if key in node["data"]]

    # -- selection and output ------------------------------------------------------------
    def selection(self) -> list[str]:
        return list(self.selected)

    def select(self, names: Sequence[str]) -> None:
        for name in names:
            self._node(name)
        self.selected = list(names)

    def copy_selected(self, path: str) -> None:
        copied = {n: self.nodes[n] for n in self.selected}
        Path(path).write_text(json.dumps(copied, sort_keys=True), encoding="utf-8")
        self.calls.append(("copy_selected", path, tuple(self.selected)))

    def render(self, write: str, start: int, end: int) -> None:
        node = self._node(write)
        if node["class"] != "Write":
            raise RuntimeError(f"{write} is not a Write node")
        pattern = str(node["knobs"]["file"])
        if not is_sequence(pattern):  # a movie: one file holding every frame
            Path(pattern).parent.mkdir(parents=True, exist_ok=True)
            Path(pattern).write_text(json.dumps({"frames": [start, end]}), encoding="utf-8")
            self.calls.append(("render", write, pattern, start, end))
            return
        for frame in range(start, end + 1):
            target = Path(frame_path(pattern, frame))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"{write} frame {frame}\n", encoding="utf-8")
        self.calls.append(("render", write, pattern, start, end))

    # -- media and the script's life -------------------------------------------------------
    def file_range(self, name: str, path: str) -> tuple[int, int]:
        try:
            first, last = json.loads(Path(path).read_text(encoding="utf-8"))["frames"]
        except (OSError, ValueError, KeyError, TypeError):
            first, last = 1, 1  # a still, or a file this pretend Nuke cannot read: one frame
        knobs = {"file": path, "first": first, "last": last, "origfirst": first, "origlast": last}
        self.set_knobs(name, knobs)
        return int(first), int(last)

    def current_frame(self) -> int:
        return self.frame

    def on_script_events(self, callback: Callable[[], None]) -> None:
        self.callbacks.append(callback)

    # -- thumbnails ------------------------------------------------------------------
    interactive = False  # batch by default (mayapy, hython, nuke -t): no viewport to capture

    def capture_viewport(self, path: str, width: int, height: int) -> None:
        """A real PNG, when :attr:`interactive` (a session with a viewport)."""
        from splice.pipeline.thumbnails import write_png

        if not self.interactive:
            raise RuntimeError("no Viewer (nuke -t): no viewport")
        self.calls.append(("capture_viewport", path, width, height))
        write_png(path, width, height, lambda x, y: (60 + x // 3, 60, 60))
