"""Load USD files into Solaris (LOPs): a Reference LOP in ``/stage``."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from splice.errors import NotFoundError, ValidationError
from splice.pipeline import Container, Loader

SUFFIXES = (".usd", ".usda", ".usdc", ".usdz")
#: Houdini's Reference LOP (``reference::2.0`` since Houdini 19.0) and its first reference's
#: parameters (a multiparm: ``filepath1``, ``primpath1``), per SideFX's Reference LOP docs.
NODE_TYPE, FILE_PARM, PRIM_PARM = "reference::2.0", "filepath1", "primpath1"


def pick_file(path: Path, representation: str) -> Path:
    """The USD file: ``path`` itself, or the one USD file in the folder ``path``."""
    if path.is_file():
        return path
    found = sorted(p for p in path.glob("*") if p.suffix.lower() in SUFFIXES) if path.is_dir() else []
    if not found:
        raise NotFoundError(f"no {'/'.join(SUFFIXES)} file for {representation!r} at {path}")
    if len(found) > 1:
        raise ValidationError(f"{path} holds several files for {representation!r}: {[p.name for p in found]}")
    return found[0]


def _localized(file: Path, revision: object) -> Path:
    """The file Solaris opens: a copy with its krefs resolved and their files fetched when it
    refers to any (Houdini's USD has no ``kref://`` resolver unless a studio adds one)."""
    from splice.usd.load import localize_for

    return localize_for(file, revision)


class HoudiniUsdReferenceLoader(Loader):
    """A Reference LOP (``/stage/<namespace>_<name>``) referencing the file under the prim
    ``/<namespace>_<name>``: a fixed prim path, so an update to ``hero_v2.usd`` keeps it
    (the LOP's default, ``/`@sourcename```, would follow the file's name)."""

    kinds = ("model", "layout", "look", "animation", "pointcache", "rig")
    representations = ("usd", "usda", "usdc", "usdz")
    hosts = ("houdini",)

    def load(self, host, revision, representation, path, name, namespace):
        file = _localized(pick_file(Path(path), representation), revision)
        kref = str(revision.item_kref.with_revision(revision.number))
        container = Container(name, kref, self.name, representation, namespace)  # checked before any change
        label = re.sub(r"[^A-Za-z0-9_]", "_", f"{namespace}_{name}" if namespace else name)
        node = host.api.create_node("/stage", NODE_TYPE, label)
        host.api.set_parm(node, FILE_PARM, file.as_posix())
        host.api.set_parm(node, PRIM_PARM, f"/{label}")
        return host.write_container(replace(container, data={"node": node, "parm": FILE_PARM}))

    def _node(self, host, container: Container) -> str:
        node = container.data.get("node")
        if not isinstance(node, str) or not host.api.exists(node):
            raise NotFoundError(
                f"container {container.key!r}: its LOP {node!r} is gone; remove and load it again"
            )
        return node

    def update(self, host, container, revision, path):
        node = self._node(host, container)
        file = _localized(pick_file(Path(path), container.representation), revision)
        host.api.set_parm(node, FILE_PARM, file.as_posix())

    def switch(self, host, container, revision, path):
        self.update(host, container, revision, path)

    def remove(self, host, container):
        node = container.data.get("node")
        if isinstance(node, str) and host.api.exists(node):
            host.api.delete_node(node)
