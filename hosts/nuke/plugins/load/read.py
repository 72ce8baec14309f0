"""Load image sequences and movies as a Read node."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from splice.errors import NotFoundError, ValidationError
from splice.host import Container, Loader

IMAGES = ("exr", "dpx", "png", "jpg", "jpeg", "tif", "tiff")
MOVIES = ("mov", "mp4")
_FRAME = re.compile(r"^(?P<head>.*?)(?P<frame>\d+)(?P<tail>\.[A-Za-z0-9]+)$")


def sequence(path: Path) -> tuple[str, int, int]:
    """What a Read node reads at ``path``: ``(file, first, last)``. A folder holding one image
    sequence (``sh010.1001.exr``…) gives ``(…/sh010.%04d.exr, 1001, 1100)``; one file gives
    itself, frame 1 to 1."""
    if path.is_file():
        return str(path), 1, 1
    files = sorted(p for p in path.glob("*") if p.suffix.lstrip(".").lower() in IMAGES + MOVIES)
    if not files:
        raise NotFoundError(f"no image or movie files at {path}")
    if len(files) == 1:
        return str(files[0]), 1, 1
    matches = [_FRAME.match(p.name) for p in files]
    heads = {(m["head"], m["tail"], len(m["frame"])) for m in matches if m}
    if None in matches or len(heads) != 1:
        raise ValidationError(f"{path} holds more than one sequence: {[p.name for p in files][:5]}…")
    (head, tail, width), frames = heads.pop(), [int(m["frame"]) for m in matches if m]
    return str(path / f"{head}%0{width}d{tail}"), min(frames), max(frames)


def _knobs(path: Path) -> dict[str, str | int]:
    file, first, last = sequence(path)
    return {"file": file, "first": first, "last": last, "origfirst": first, "origlast": last}


class NukeReadLoader(Loader):
    """A Read node (``<namespace>_<name>``) reading the sequence or movie."""

    kinds = ("render", "review")
    representations = IMAGES + MOVIES
    hosts = ("nuke",)

    def load(self, host, revision, representation, path, name, namespace):
        knobs = _knobs(Path(path))
        kref = str(revision.item_kref.with_revision(revision.number))
        container = Container(name, kref, self.name, representation, namespace)  # checked before any change
        label = re.sub(r"[^A-Za-z0-9_]", "_", f"{namespace}_{name}" if namespace else name)
        node = host.api.create_node("Read", label, knobs)
        return host.write_container(replace(container, data={"node": node}))

    def _node(self, host, container: Container) -> str:
        node = container.data.get("node")
        if not isinstance(node, str) or not host.api.exists(node):
            raise NotFoundError(f"container {container.key!r}: its Read node {node!r} is gone; load it again")
        return node

    def update(self, host, container, revision, path):
        node = self._node(host, container)
        host.api.set_knobs(node, _knobs(Path(path)))

    def switch(self, host, container, revision, path):
        self.update(host, container, revision, path)

    def remove(self, host, container):
        node = container.data.get("node")
        if isinstance(node, str) and host.api.exists(node):
            host.api.delete_node(node)
