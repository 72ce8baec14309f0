"""The revisions a USD file's krefs select, as ``DEPENDS_ON`` edges of its publish.

One edge per selected revision (however many prims refer to it), its metadata naming the
first place (``{"usd": "reference", "layer": "layout.usda", "prim": "/World/hero"}``), the
kref as written, how many places use it, and the artifacts used as ``representations`` —
the key :func:`splice.pipeline.loading.fetch_dependencies` reads, so loading the published
layer elsewhere fetches those files first, as it does for a ``.blend``'s libraries.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .errors import UnresolvedKrefError
from .refs import Use, walk

if TYPE_CHECKING:
    from ..client import Client

__all__ = ["dependencies"]


def _layer_name(layer: str, base: str) -> str:
    try:
        rel = os.path.relpath(layer, base)
    except ValueError:  # another drive
        return os.path.basename(layer)
    return os.path.basename(layer) if rel.startswith("..") else rel.replace(os.sep, "/")


def dependencies(files: Iterable[str | os.PathLike[str]], client: Client) -> list[dict[str, Any]]:
    """Edge specs (``{"target", "edge_type", "metadata"}``) to every revision the krefs of
    ``files`` (and the local layers they link to) select now, in ONE ``batch_get_revisions``
    and ONE ``resolve_many`` (which checks the artifacts exist). :class:`UnresolvedKrefError`
    names each kref that selects nothing, and where."""
    roots = [os.path.realpath(f) for f in files]
    if not roots:
        return []
    stack = walk(roots)
    by_kref: dict[str, list[Use]] = {}
    for use in stack.uses:
        by_kref.setdefault(use.kref, []).append(use)
    krefs = list(by_kref)
    if not krefs:
        return []
    revisions = client.batch_get_revisions(krefs)
    locations = client.resolve_many(krefs)
    missing = [
        f"{k} ({by_kref[k][0].where()}{' and more' if len(by_kref[k]) > 1 else ''})"
        + ("" if rev is None else f": revision {rev.number} has no artifact {k.artifact!r}")
        for k, rev, loc in zip(krefs, revisions, locations, strict=True)
        if rev is None or loc is None
    ]
    if missing:
        raise UnresolvedKrefError.listing(missing)
    base = os.path.dirname(roots[0])
    edges: dict[str, dict[str, Any]] = {}
    for kref, revision in zip(krefs, revisions, strict=True):
        assert revision is not None
        target = str(revision.kref)
        uses = by_kref[kref]
        artifact = kref.artifact or revision.default_artifact
        edge = edges.get(target)
        if edge is None:
            first = uses[0]
            meta = {"usd": first.field, "layer": _layer_name(first.layer, base), "kref": first.authored}
            if first.prim:
                meta["prim"] = first.prim
            if first.attribute:
                meta["attribute"] = first.attribute
            meta["uses"] = "0"
            meta["representations"] = ""
            edge = edges[target] = {"target": target, "edge_type": "DEPENDS_ON", "metadata": meta}
        meta = edge["metadata"]
        meta["uses"] = str(int(meta["uses"]) + len(uses))
        names = {n for n in meta["representations"].split(",") if n} | ({artifact} if artifact else set())
        meta["representations"] = ",".join(sorted(names))
    return list(edges.values())
