"""Load image sequences, movies and single images as a Read node.

A sequence's range comes from its files' frame numbers; a movie's from Nuke itself, which
reads the file's header when the path is given as an artist would type it
(``File_Knob.fromUserText``); a single image is one frame, at the script's current frame.
Paths go to the ``file`` knob with ``/``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from splice.errors import NotFoundError, ValidationError
from splice.pipeline import Container, Loader

IMAGES = ("exr", "dpx", "png", "jpg", "jpeg", "tif", "tiff")
MOVIES = ("mov", "mp4")
_FRAME = re.compile(r"^(?P<head>.*?)(?P<frame>\d+)(?P<tail>\.[A-Za-z0-9]+)$")


def sequence(path: Path) -> tuple[str, int | None, int | None]:
    """What a Read node reads at ``path``: ``(file, first, last)``. A folder holding one image
    sequence (``sh010.1001.exr``…) gives ``(…/sh010.%04d.exr, 1001, 1100)``; one file (a
    movie, a still, or a folder holding just one) gives ``(file, None, None)``: its range
    is Nuke's to read."""
    if path.is_file():
        return path.as_posix(), None, None
    files = sorted(p for p in path.glob("*") if p.suffix.lstrip(".").lower() in IMAGES + MOVIES)
    if not files:
        raise NotFoundError(f"no image or movie files at {path}")
    if len(files) == 1:
        return files[0].as_posix(), None, None
    matches = [_FRAME.match(p.name) for p in files]
    heads = {(m["head"], m["tail"], len(m["frame"])) for m in matches if m}
    if None in matches or len(heads) != 1:
        raise ValidationError(f"{path} holds more than one sequence: {[p.name for p in files][:5]}…")
    (head, tail, width), frames = heads.pop(), [int(m["frame"]) for m in matches if m]
    return (path / f"{head}%0{width}d{tail}").as_posix(), min(frames), max(frames)


def _range(first: int, last: int) -> dict[str, int]:
    return {"first": first, "last": last, "origfirst": first, "origlast": last}


def read_into(api, node: str, path: Path) -> None:
    """Point the Read node at what ``path`` holds, with its real frame range."""
    file, first, last = sequence(path)
    if first is not None and last is not None:
        api.set_knobs(node, {"file": file, **_range(first, last)})
    elif Path(file).suffix.lstrip(".").lower() in MOVIES:
        api.set_knobs(node, _range(*api.file_range(node, file)))  # Nuke reads the movie's range
    else:
        frame = api.current_frame()  # a still: one frame, where the artist is
        api.set_knobs(node, {"file": file, **_range(frame, frame)})


class NukeReadLoader(Loader):
    """A Read node (``<namespace>_<name>``) reading the sequence, movie or image."""

    kinds = ("render", "review")
    representations = IMAGES + MOVIES
    hosts = ("nuke",)

    def load(self, host, revision, representation, path, name, namespace):
        sequence(Path(path))  # a missing or mixed folder is refused before any change
        kref = str(revision.item_kref.with_revision(revision.number))
        container = Container(name, kref, self.name, representation, namespace)  # checked before any change
        label = re.sub(r"[^A-Za-z0-9_]", "_", f"{namespace}_{name}" if namespace else name)
        node = host.api.create_node("Read", label)
        try:
            read_into(host.api, node, Path(path))
        except Exception:
            host.api.delete_node(node)  # a file Nuke cannot read leaves the script as it was
            raise
        return host.write_container(replace(container, data={"node": node}))

    def _node(self, host, container: Container) -> str:
        node = container.data.get("node")
        if not isinstance(node, str) or not host.api.exists(node):
            raise NotFoundError(f"container {container.key!r}: its Read node {node!r} is gone; load it again")
        return node

    def update(self, host, container, revision, path):
        read_into(host.api, self._node(host, container), Path(path))

    def switch(self, host, container, revision, path):
        self.update(host, container, revision, path)

    def remove(self, host, container):
        node = container.data.get("node")
        if isinstance(node, str) and host.api.exists(node):
            host.api.delete_node(node)
