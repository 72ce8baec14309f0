"""Load Maya scenes and Alembic caches as file references, each in its own namespace.

The namespace is a valid Maya name made unique in the scene
(:func:`splice.hosts.maya.names.unique_namespace`): item names may hold ``-``, ``.`` or
non-ASCII letters, which Maya refuses in a namespace.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from splice.errors import NotFoundError, ValidationError
from splice.hosts.maya.names import unique_namespace
from splice.pipeline import Container, Loader

SUFFIXES = (".ma", ".mb", ".abc")


def pick_file(path: Path, representation: str) -> Path:
    """The file to reference: ``path`` itself, or the one scene/cache file in the folder ``path``."""
    if path.is_file():
        return path
    found = sorted(p for p in path.glob("*") if p.suffix.lower() in SUFFIXES) if path.is_dir() else []
    if not found:
        raise NotFoundError(f"no {'/'.join(SUFFIXES)} file for {representation!r} at {path}")
    if len(found) > 1:
        raise ValidationError(f"{path} holds several files for {representation!r}: {[p.name for p in found]}")
    return found[0]


class MayaReferenceLoader(Loader):
    """Reference the file into a new namespace; the container's set holds the referenced nodes."""

    kinds = ("model", "rig", "look", "layout", "animation", "pointcache", "camera")
    representations = ("ma", "mb", "abc")
    hosts = ("maya",)

    def load(self, host, revision, representation, path, name, namespace):
        file = pick_file(Path(path), representation)
        namespace = unique_namespace(host.api, namespace or name)
        kref = str(revision.item_kref.with_revision(revision.number))
        container = Container(name, kref, self.name, representation, namespace)  # checked before any change
        reference_node = host.api.reference(str(file), namespace)
        container = replace(container, data={"reference_node": reference_node})
        host.write_container(container)
        host.api.add_to_set(host.container_node(container.key), host.api.reference_nodes(reference_node))
        return container

    def _reference_node(self, container: Container) -> str:
        node = container.data.get("reference_node")
        if not isinstance(node, str):
            raise ValidationError(f"container {container.key!r} records no reference_node; reload it")
        return node

    def update(self, host, container, revision, path):
        file = pick_file(Path(path), container.representation)
        host.api.replace_reference(self._reference_node(container), str(file))

    def switch(self, host, container, revision, path):
        self.update(host, container, revision, path)

    def remove(self, host, container):
        node = self._reference_node(container)
        if host.api.exists(node):
            host.api.remove_reference(node)
