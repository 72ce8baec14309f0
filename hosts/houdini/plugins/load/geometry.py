"""Load Alembic caches and .bgeo files into a geometry object: an Alembic SOP or a File SOP."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from splice.errors import NotFoundError, ValidationError
from splice.pipeline import Container, Loader

#: representation -> (file suffixes, SOP type, the SOP's file parameter)
READERS = {
    "abc": ((".abc",), "alembic", "fileName"),
    "bgeo": ((".bgeo.sc", ".bgeo", ".bgeo.gz"), "file", "file"),
}


def pick_file(path: Path, representation: str) -> Path:
    """The file to read: ``path`` itself, or the one file of the representation in the folder ``path``."""
    if path.is_file():
        return path
    suffixes = READERS[representation][0]
    found = sorted(p for p in path.glob("*") if p.name.endswith(suffixes)) if path.is_dir() else []
    if not found:
        raise NotFoundError(f"no {'/'.join(suffixes)} file for {representation!r} at {path}")
    if len(found) > 1:
        raise ValidationError(f"{path} holds several files for {representation!r}: {[p.name for p in found]}")
    return found[0]


class HoudiniGeometryLoader(Loader):
    """A ``geo`` object in /obj (``<namespace>_<name>``) reading the file with one SOP."""

    kinds = ("model", "animation", "pointcache", "layout")
    representations = tuple(READERS)
    hosts = ("houdini",)

    def load(self, host, revision, representation, path, name, namespace):
        file = pick_file(Path(path), representation)
        _, sop_type, parm = READERS[representation]
        kref = str(revision.item_kref.with_revision(revision.number))
        container = Container(name, kref, self.name, representation, namespace)  # checked before any change
        label = re.sub(r"[^A-Za-z0-9_]", "_", f"{namespace}_{name}" if namespace else name)
        node = host.api.create_node("/obj", "geo", label)
        sop = host.api.create_node(node, sop_type, "import")
        host.api.set_parm(sop, parm, file.as_posix())  # "\\" is an escape in a Houdini string
        return host.write_container(replace(container, data={"node": node, "sop": sop, "parm": parm}))

    def _sop(self, host, container: Container) -> tuple[str, str]:
        sop, parm = container.data.get("sop"), container.data.get("parm")
        if not isinstance(sop, str) or not isinstance(parm, str) or not host.api.exists(sop):
            raise NotFoundError(
                f"container {container.key!r}: its SOP {sop!r} is gone; remove and load it again"
            )
        return sop, parm

    def update(self, host, container, revision, path):
        sop, parm = self._sop(host, container)
        host.api.set_parm(sop, parm, pick_file(Path(path), container.representation).as_posix())

    def switch(self, host, container, revision, path):
        self.update(host, container, revision, path)

    def remove(self, host, container):
        node = container.data.get("node")
        if isinstance(node, str) and host.api.exists(node):
            host.api.delete_node(node)
