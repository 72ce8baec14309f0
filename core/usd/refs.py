"""Walking a layer stack for the krefs it refers to, and where each is.

A layer is read with ``Sdf`` alone (no stage is composed, so no resolver is asked about
``kref://``): its sublayers, the references and payloads of every prim and variant, and
asset-valued attributes (default and time samples). A pass of
``UsdUtils.ModifyAssetPaths`` over a copy then catches what that walk does not name a
place for (value clips, asset-valued metadata): those are listed as ``other``.

Local layers the stack links to (sublayers, references, payloads that are files, not
krefs) are walked too: a layout's local set file may hold krefs of its own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import KrefError
from ..kref import Kref
from . import _pxr
from .errors import BadKrefError, LayerError

__all__ = ["LAYER_SUFFIXES", "USD_SUFFIXES", "Layer", "Stack", "Use", "is_kref", "is_layer_file", "walk"]

SCHEME = "kref://"
LAYER_SUFFIXES = (".usd", ".usda", ".usdc")  # layers splice can rewrite; .usdz packages are read-only
USD_SUFFIXES = (*LAYER_SUFFIXES, ".usdz")
FIELDS = ("sublayer", "reference", "payload", "attribute", "other")


def is_kref(path: str) -> bool:
    return path.startswith(SCHEME)


def is_layer_file(path: str | os.PathLike[str]) -> bool:
    """A local USD layer file splice can read and rewrite (``.usd``, ``.usda``, ``.usdc``)."""
    p = Path(path)
    return p.suffix.lower() in LAYER_SUFFIXES and p.is_file()


@dataclass(frozen=True)
class Use:
    """One asset path that is a kref, and where it is."""

    kref: Kref
    authored: str  # as the layer writes it (the key for rewriting)
    layer: str  # the layer file
    field: str  # one of FIELDS
    prim: str | None = None  # the prim (or variant) path; None for a sublayer
    attribute: str | None = None
    time: float | None = None  # a time sample's time

    def where(self) -> str:
        """``reference of /World/hero in layout.usda`` — for messages."""
        at = self.prim or ""
        if self.attribute:
            at += f".{self.attribute}"
        if self.time is not None:
            at += f" at time {self.time:g}"
        return f"{self.field}{' of ' + at if at else ''} in {self.layer}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kref": str(self.kref),
            "authored": self.authored,
            "layer": self.layer,
            "field": self.field,
            "prim": self.prim,
            "attribute": self.attribute,
            "time": self.time,
        }


@dataclass
class Layer:
    """A layer read from disk: its krefs, and the local layers it links to."""

    path: str
    sdf: Any  # Sdf.Layer
    uses: list[Use] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # authored → absolute path of a local layer


@dataclass
class Stack:
    """The layers reached from one or more roots, in the order they were walked."""

    roots: list[str] = field(default_factory=list)
    layers: dict[str, Layer] = field(default_factory=dict)

    @property
    def uses(self) -> list[Use]:
        return [u for layer in self.layers.values() for u in layer.uses]

    def krefs(self) -> list[str]:
        """The distinct authored krefs, in the order first met."""
        return list(dict.fromkeys(u.authored for u in self.uses))


def _absolute(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(os.fspath(path))


def open_layer(path: str | os.PathLike[str]) -> Any:
    """The ``Sdf.Layer`` of a file; :class:`LayerError` when it is not one USD can read."""
    Sdf, _ = _pxr.modules()
    real = _absolute(path)
    if not os.path.isfile(real):
        raise LayerError(f"no USD layer at {path}: the file does not exist")
    if Path(real).suffix.lower() not in USD_SUFFIXES:
        raise LayerError(f"{path} is not a USD layer: expected one of {', '.join(USD_SUFFIXES)}")
    try:
        layer = Sdf.Layer.FindOrOpen(real)
    except Exception as exc:  # pxr raises Tf.ErrorException for a file it cannot parse
        raise LayerError(f"USD cannot read {path}: {_tf_message(exc)}") from None
    if layer is None:
        raise LayerError(f"USD cannot read {path}")
    return layer


def _tf_message(exc: Exception) -> str:
    """The parser's own words from a ``Tf.ErrorException`` (without USD's source file and line)."""
    text = " ".join(str(exc).split())
    text = re.sub(r"Error in '[^']*' at line \d+ in file \S+ : ", "", text)
    return text.strip(" '") or type(exc).__name__


def _list_items(list_op: Any) -> Iterator[Any]:
    """The items a list op adds (explicit, prepended, appended, added); deleted ones are no use."""
    yield from list_op.explicitItems
    yield from list_op.prependedItems
    yield from list_op.appendedItems
    yield from list_op.addedItems


def _scan(layer: Layer, bad: list[str]) -> None:
    """Fill ``layer.uses`` and ``layer.links`` from its ``Sdf.Layer``."""
    Sdf, UsdUtils = _pxr.modules()
    sdf = layer.sdf
    asset_types = (Sdf.ValueTypeNames.Asset, Sdf.ValueTypeNames.AssetArray)
    seen: set[str] = set()

    def add(
        fieldname: str,
        authored: str,
        prim: str | None = None,
        attr: str | None = None,
        time: float | None = None,
    ) -> None:
        if not authored:
            return
        if not is_kref(authored):
            if fieldname in ("sublayer", "reference", "payload") and "://" not in authored:
                target = sdf.ComputeAbsolutePath(authored)
                if is_layer_file(target):
                    layer.links[authored] = _absolute(target)
            return
        seen.add(authored)
        kref = _kref(authored, bad, layer.path, fieldname, prim)
        if kref is not None:
            layer.uses.append(Use(kref, authored, layer.path, fieldname, prim, attr, time))

    for sub in sdf.subLayerPaths:
        add("sublayer", sub)
    paths: list[Any] = []
    sdf.Traverse(Sdf.Path.absoluteRootPath, paths.append)
    for path in sorted(paths, key=str):
        if path.IsPrimPath() or path.IsPrimVariantSelectionPath():
            spec = sdf.GetPrimAtPath(path)
            if spec is None:
                continue
            where = str(path)
            # GetInfo's list op is a plain value: ~30x faster to read than the spec's list proxies
            if spec.hasReferences:
                for ref in _list_items(spec.GetInfo("references")):
                    add("reference", ref.assetPath, where)
            if spec.hasPayloads:
                for payload in _list_items(spec.GetInfo("payload")):
                    add("payload", payload.assetPath, where)
        elif path.IsPropertyPath():
            spec = sdf.GetAttributeAtPath(path)
            if spec is None or spec.typeName not in asset_types:
                continue
            prim, name = str(path.GetPrimOrPrimVariantSelectionPath()), path.name
            for value in _asset_values(spec.default):
                add("attribute", value, prim, name)
            for time in sdf.ListTimeSamplesForPath(path):
                for value in _asset_values(sdf.QueryTimeSample(path, time)):
                    add("attribute", value, prim, name, time)
    # what the walk did not place (clips, asset-valued metadata): ModifyAssetPaths sees everything
    others: list[str] = []

    def record(asset: str) -> str:
        if is_kref(asset) and asset not in seen:
            others.append(asset)
        return asset

    probe = Sdf.Layer.CreateAnonymous(Path(layer.path).suffix)
    probe.TransferContent(sdf)
    UsdUtils.ModifyAssetPaths(probe, record)
    for authored in dict.fromkeys(others):
        add("other", authored)


def _kref(authored: str, bad: list[str], layer: str, fieldname: str, prim: str | None) -> Kref | None:
    try:
        return Kref(authored)
    except KrefError as exc:
        bad.append(f"{authored!r} ({fieldname}{' of ' + prim if prim else ''} in {layer}): {exc}")
        return None


def _asset_values(value: Any) -> Iterable[str]:
    """The paths of an ``Sdf.AssetPath`` or an array of them."""
    if value is None:
        return ()
    if hasattr(value, "path"):
        return (value.path,)
    try:
        return [v.path for v in value]
    except TypeError:
        return ()


def walk(roots: Iterable[str | os.PathLike[str]], stack: Stack | None = None, follow: bool = True) -> Stack:
    """The layers reached from ``roots`` and the krefs in them (``follow``: through local
    sublayers, references and payloads too). Adds to ``stack`` when given. Every asset path
    that starts with ``kref://`` but is not a kref is reported at once (:class:`BadKrefError`)."""
    stack = stack if stack is not None else Stack()
    todo = [_absolute(r) for r in roots]
    for r in todo:
        if r not in stack.roots:
            stack.roots.append(r)
    bad: list[str] = []
    while todo:
        path = todo.pop(0)
        if path in stack.layers:
            continue
        layer = Layer(path, open_layer(path))
        _scan(layer, bad)
        stack.layers[path] = layer
        if follow:
            todo += [t for t in layer.links.values() if t not in stack.layers]
    if bad:
        raise BadKrefError.listing(bad)
    return stack
