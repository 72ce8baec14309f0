"""Resolving the krefs of a layer stack in one ``resolve_many``, and writing the result.

:func:`resolve_stack` walks the stack (:mod:`splice.usd.refs`), pins tag krefs to a time
when asked (``at``), resolves every distinct kref in ONE ``resolve_many``, and with
``fetch`` brings each artifact's files into the local checkouts
(``splice.files.resolve(fetch=True)``). A resolved file that is itself a USD layer with
krefs is walked and resolved in turn (one more ``resolve_many`` per level of nesting).
Every kref that selects nothing is reported at once, with where it is, before anything
is written.

:func:`write_copy` writes a resolved copy (the root at ``out``, other layers that needed
rewriting in ``<out stem>.layers/`` beside it) and never touches the originals;
:func:`apply_in_memory` rewrites the layers in this process's USD layer registry only
(a session or a farm job opens its stage after it), and :func:`write_in_place` saves a
farm job's own local copy of a stack.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..kref import Kref
from ..times import parse_time, to_stamp
from . import _pxr
from .errors import LayerError, UnresolvedKrefError
from .refs import Layer, Stack, Use, is_kref, is_layer_file, walk

if TYPE_CHECKING:
    from ..client import Client

__all__ = [
    "Resolution",
    "Resolved",
    "apply_in_memory",
    "at_stamp",
    "default_out",
    "pin",
    "resolve_stack",
    "resolve_uses",
    "write_copy",
    "write_in_place",
]

# krefs → the krefs to ask the store (a pin manifest's revisions); raises naming those it cannot
Select = Callable[[list[Kref]], Mapping[Kref, Kref]]
MAX_NESTING = 16  # levels of krefs inside resolved layers: deeper is a cycle in practice


@dataclass(frozen=True)
class Resolution:
    """What one authored kref became."""

    kref: Kref  # the kref asked of the store (pinned to ``at`` when given)
    location: str  # the artifact's location, as ``resolve_many`` answers
    path: str | None  # a local file: fetched, or the location when it is one

    @property
    def target(self) -> str:
        """What the rewritten layer points at: the local file, else the location."""
        return self.path or self.location


def at_stamp(at: str | None) -> str | None:
    """``at`` (``YYYYMMDDHHMM`` or ISO 8601) as the time a kref carries; ValidationError if bad."""
    return None if at is None else to_stamp(parse_time(at))


def pin(kref: Kref, at: str | None) -> Kref:
    """``kref`` pinned to time ``at``: a tag kref (no selector means ``latest``) gets
    ``time=at``; a revision number or a time already in the kref is kept."""
    p = kref.parts
    if at is None or p.revision is not None or p.time is not None:
        return kref
    return Kref.build(
        p.project, p.spaces, p.item_name, p.kind, tag=p.tag or "latest", time=at, artifact=p.artifact
    )


def _local_file(location: str) -> str | None:
    path = location[len("file://") :] if location.startswith("file://") else location
    if "://" in path or not os.path.isfile(path):
        return None
    return os.path.realpath(path)


def _problems(missing: dict[Kref, list[Use]]) -> list[str]:
    out = []
    for kref, uses in missing.items():
        more = f" and {len(uses) - 1} more place(s)" if len(uses) > 1 else ""
        out.append(f"{kref} ({uses[0].where()}{more})")
    return out


def resolve_uses(
    uses: list[Use], client: Client, at: str | None = None, fetch: bool = False, select: Select | None = None
) -> dict[str, Resolution]:
    """Every authored kref of ``uses`` → its :class:`Resolution`, in ONE ``resolve_many``
    (``at``: a stamp from :func:`at_stamp`; ``select``: the kref to ask for each authored one
    instead, e.g. a pin manifest's ``Pins.strict``). :class:`UnresolvedKrefError` names each
    kref that selects nothing and where it is."""
    asked: dict[str, Kref] = {}
    where: dict[Kref, list[Use]] = {}
    chosen = select(list(dict.fromkeys(u.kref for u in uses))) if select is not None else None
    for use in uses:
        kref = asked.setdefault(use.authored, chosen[use.kref] if chosen is not None else pin(use.kref, at))
        where.setdefault(kref, []).append(use)
    unique = list(where)
    if not unique:
        return {}
    locations = dict(zip(unique, client.resolve_many(unique), strict=True))
    missing = {k: where[k] for k, loc in locations.items() if loc is None}
    if missing:
        raise UnresolvedKrefError.listing(_problems(missing))
    paths = {k: _fetched(k, loc, client) if fetch else _local_file(loc) for k, loc in locations.items()}
    return {a: Resolution(k, locations[k], paths[k]) for a, k in asked.items()}  # type: ignore[arg-type]


def _fetched(kref: Kref, location: str, client: Client) -> str | None:
    from ..files.fetch import resolve

    return _local_file(resolve(kref, fetch=True, client=client))


@dataclass
class Resolved:
    """A walked, resolved stack: what each authored kref became, and which layers change."""

    stack: Stack
    resolutions: dict[str, Resolution] = field(default_factory=dict)
    rounds: int = 0  # resolve_many calls: 1, plus one per level of krefs inside resolved layers
    at: str | None = None

    @property
    def root(self) -> str:
        return self.stack.roots[0]

    def targets(self, layer: Layer) -> set[str]:
        """The walked layers ``layer`` points at, through local links or resolved krefs."""
        out = {t for t in layer.links.values() if t in self.stack.layers}
        for use in layer.uses:
            r = self.resolutions.get(use.authored)
            if r is not None and r.path is not None and r.path in self.stack.layers:
                out.add(r.path)
        return out

    def changed(self) -> set[str]:
        """The layers that must be rewritten: those with krefs, and those pointing at one that is."""
        changed = {p for p, layer in self.stack.layers.items() if layer.uses}
        grew = True
        while grew:
            grew = False
            for path, layer in self.stack.layers.items():
                if path not in changed and self.targets(layer) & changed:
                    changed.add(path)
                    grew = True
        return changed

    def local(self) -> set[str]:
        """The layers reached from the root through local links only (not through krefs)."""
        seen, todo = set(), [self.root]
        while todo:
            path = todo.pop()
            if path in seen:
                continue
            seen.add(path)
            todo += [t for t in self.stack.layers[path].links.values() if t in self.stack.layers]
        return seen

    def to_dict(self) -> dict[str, Any]:
        return {
            "layer": self.root,
            "at": self.at,
            "layers": list(self.stack.layers),
            "uses": [u.to_dict() for u in self.stack.uses],
            "resolved": {
                a: {"kref": str(r.kref), "location": r.location, "path": r.path}
                for a, r in self.resolutions.items()
            },
            "resolve_many_calls": self.rounds,
        }


def resolve_stack(
    layer: str | os.PathLike[str],
    client: Client,
    *,
    at: str | None = None,
    fetch: bool = False,
    follow: bool = True,
    select: Select | None = None,
) -> Resolved:
    """Walk the stack of ``layer`` and resolve its krefs (see the module). ``at``: pin every
    tag kref to that time (``YYYYMMDDHHMM`` or ISO 8601); ``fetch``: bring the files local;
    ``follow``: walk local sublayers/references/payloads and resolved layers too; ``select``:
    the kref to ask for each authored one (``splice usd resolve --pin``: the pinned revisions)."""
    stamp = at_stamp(at)
    result = Resolved(walk([layer], follow=follow), at=stamp)
    while True:
        pending = [u for u in result.stack.uses if u.authored not in result.resolutions]
        if not pending:
            return result
        if result.rounds >= MAX_NESTING:
            raise LayerError(
                f"krefs nest more than {MAX_NESTING} levels deep below {layer} (a layer that refers "
                f"to itself through a kref?): {', '.join(sorted({u.authored for u in pending})[:5])}"
            )
        result.rounds += 1
        got = resolve_uses(pending, client, stamp, fetch, select)
        result.resolutions.update(got)
        if not follow:
            return result
        nested = [r.path for r in got.values() if r.path and is_layer_file(r.path)]
        nested = [p for p in dict.fromkeys(nested) if p not in result.stack.layers]
        if nested:
            walk(nested, result.stack, follow=True)


def default_out(layer: str | os.PathLike[str]) -> Path:
    """``shot.usda`` → ``shot.resolved.usda`` beside it."""
    p = Path(layer)
    return p.with_name(f"{p.stem}.resolved{p.suffix}")


def _rewriter(resolved: Resolved, layer: Layer, dest: dict[str, str], anchor: bool) -> Callable[[str], str]:
    """The ``ModifyAssetPaths`` function for ``layer``: krefs → their targets (or the copies
    of those), local layer links → their copies, and (``anchor``: the copy is elsewhere)
    other relative paths → absolute, so they still find their files. Copies point at
    copies by relative paths, so a folder of them can move."""
    here = os.path.dirname(dest.get(layer.path, layer.path))

    def copied(path: str) -> str | None:
        moved = dest.get(path)
        if moved is None or moved == path:
            return None
        return "./" + Path(os.path.relpath(moved, here)).as_posix()

    def modify(asset: str) -> str:
        if is_kref(asset):
            r = resolved.resolutions.get(asset)
            if r is None:  # only in a deleted list-op item: nothing composes it
                return asset
            return (copied(r.path) if r.path else None) or r.target
        target = layer.links.get(asset)
        if target is not None:
            return copied(target) or (target if anchor else asset)
        if not anchor or not asset or "://" in asset or os.path.isabs(asset):
            return asset
        return layer.sdf.ComputeAbsolutePath(asset)

    return modify


def _copy_name(path: str) -> str:
    digest = hashlib.sha1(path.encode()).hexdigest()[:10]
    return f"{digest}_{Path(path).name}"


def write_copy(resolved: Resolved, out: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write the resolved stack: the root at ``out`` (default :func:`default_out`), every
    other layer that changes in ``<out stem>.layers/``; the originals are not touched.
    Returns the files written, the root first."""
    Sdf, UsdUtils = _pxr.modules()
    root = resolved.root
    target = Path(out) if out is not None else default_out(root)
    if target.suffix.lower() not in (".usd", ".usda", ".usdc"):
        raise LayerError(f"the resolved copy {target} must be a .usd, .usda or .usdc file")
    target = Path(os.path.abspath(target))
    if os.path.realpath(target) in resolved.stack.layers:
        raise LayerError(f"{target} is a layer of the stack: write the copy elsewhere (or resolve in place)")
    folder = target.with_name(f"{target.stem}.layers")
    changed = resolved.changed() | {root}
    dest = {p: str(target if p == root else folder / _copy_name(p)) for p in changed}
    copies = []
    for path in [root, *sorted(changed - {root})]:  # every copy made before any file is written
        layer = resolved.stack.layers[path]
        copy = Sdf.Layer.CreateAnonymous(Path(dest[path]).suffix)
        copy.TransferContent(layer.sdf)
        UsdUtils.ModifyAssetPaths(copy, _rewriter(resolved, layer, dest, anchor=True))
        copies.append((copy, Path(dest[path])))
    written = []
    for copy, where in copies:
        where.parent.mkdir(parents=True, exist_ok=True)
        if not copy.Export(str(where)):
            raise LayerError(f"USD could not write {where}")
        written.append(where)
    return written


def apply_in_memory(resolved: Resolved) -> list[Any]:
    """Rewrite the changed layers in this process's layer registry, saving nothing: a stage
    opened afterwards (``Usd.Stage.Open(root)``) composes the resolved paths. Returns the
    ``Sdf.Layer`` objects changed — keep them: the registry forgets a layer nobody holds."""
    _, UsdUtils = _pxr.modules()
    changed = resolved.changed()
    layers = []
    for path in changed:
        layer = resolved.stack.layers[path]
        UsdUtils.ModifyAssetPaths(layer.sdf, _rewriter(resolved, layer, {}, anchor=False))
        layers.append(layer.sdf)
    return layers


def write_in_place(resolved: Resolved) -> list[Path]:
    """Save the resolved paths into the local layers themselves (a farm job's own copy of a
    stack). Layers reached only through krefs (the file cache) are never written: those
    that change are copied to ``<root stem>.layers/`` beside the root instead."""
    Sdf, UsdUtils = _pxr.modules()
    root = resolved.root
    changed = resolved.changed() | {root}
    local = resolved.local()
    folder = Path(root).with_name(f"{Path(root).stem}.layers")
    dest = {p: (p if p in local else str(folder / _copy_name(p))) for p in changed}
    staged = []
    for path in sorted(changed, key=lambda p: p != root):
        layer = resolved.stack.layers[path]
        if path in local:
            copy = layer.sdf
        else:
            copy = Sdf.Layer.CreateAnonymous(Path(path).suffix)
            copy.TransferContent(layer.sdf)
        UsdUtils.ModifyAssetPaths(copy, _rewriter(resolved, layer, dest, anchor=path not in local))
        staged.append((copy, path))
    written = []
    for copy, path in staged:
        where = Path(dest[path])
        if path in local:
            ok = copy.Save()
        else:
            where.parent.mkdir(parents=True, exist_ok=True)
            ok = copy.Export(str(where))
        if not ok:
            raise LayerError(f"USD could not write {where}")
        written.append(where)
    return written
