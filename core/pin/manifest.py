"""The pin manifest: what a render used, exactly, as one JSON document (``splice-pin/1``).

::

    {
      "format": "splice-pin/1",
      "store": "sqlite:////srv/show.db",        # where it was pinned (no credentials)
      "cursor": "4711",                         # the store's event log position then
      "store_time": "2026-06-01T12:00:00.000000Z",  # the time of that event
      "at": null,                               # --at TIME: tags were read as of then
      "sources": [{"type": "scene", "path": "/shots/sh010.blend"}],
      "entries": [
        {"kref": "kref://show/assets/hero.model?r=3&a=usd", "item": "kref://show/assets/hero.model",
         "revision": 3, "artifact": "usd", "asked": ["kref://show/assets/hero.model?t=published"],
         "location": "/srv/files/…", "hash": "md5:0f3c…", "size": 1234,
         "created_at": "2026-05-30T09:12:44.120391Z"}
      ]
    }

The same input gives the same bytes: entries sorted by item, revision and artifact, keys in a
fixed order, and no wall-clock time (``store_time`` is the store's, read at ``cursor``).
This module is plain Python (json, no pydantic): a DCC reads manifests through it
(``$SPLICE_PIN``); :mod:`splice.pin.schema` is the same document as a pydantic model, for
the JSON Schema (``docs/schemas/pin.json``) and ``splice pin check``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import KrefError
from ..kref import Kref
from .errors import PinManifestError

__all__ = ["FORMAT", "Entry", "Manifest", "read", "write"]

FORMAT = "splice-pin/1"
_SOURCE_TYPES = ("scene", "usd", "workspace", "kref")


@dataclass(frozen=True)
class Entry:
    """One pinned revision (and artifact): ``kref`` is ``item?r=N[&a=NAME]``."""

    item: Kref
    revision: int
    artifact: str | None
    asked: tuple[str, ...] = ()  # the krefs as the sources wrote them (?t=published, …)
    location: str | None = None
    hash: str | None = None  # "md5:<oid>" (a folder: "md5:<oid>.dir"); None: not known
    size: int | None = None
    created_at: str | None = None

    @property
    def kref(self) -> Kref:
        k = self.item.with_revision(self.revision)
        return k.with_artifact(self.artifact) if self.artifact else k

    @property
    def revision_kref(self) -> Kref:
        return self.item.with_revision(self.revision)

    def sort_key(self) -> tuple[str, int, str]:
        return (str(self.item), self.revision, self.artifact or "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kref": str(self.kref),
            "item": str(self.item),
            "revision": self.revision,
            "artifact": self.artifact,
            "asked": sorted(self.asked),
            "location": self.location,
            "hash": self.hash,
            "size": self.size,
            "created_at": self.created_at,
        }


@dataclass
class Manifest:
    """A pin manifest; :meth:`to_json` is its deterministic text."""

    store: str = ""
    cursor: str = ""
    store_time: str | None = None
    at: str | None = None
    sources: list[dict[str, str]] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "store": self.store,
            "cursor": self.cursor,
            "store_time": self.store_time,
            "at": self.at,
            "sources": [dict(sorted(s.items())) for s in self.sources],
            "entries": [e.to_dict() for e in sorted(self.entries, key=Entry.sort_key)],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def by_item(self) -> dict[Kref, list[Entry]]:
        out: dict[Kref, list[Entry]] = {}
        for e in sorted(self.entries, key=Entry.sort_key):
            out.setdefault(e.item, []).append(e)
        return out

    @classmethod
    def from_dict(cls, data: Any, where: str = "the manifest") -> Manifest:
        """Read a manifest's JSON data; :class:`PinManifestError` names the key that is wrong."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            got = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise PinManifestError(f"{where} is not a pin manifest: format must be {FORMAT!r}, got {got!r}")
        unknown = sorted(set(data) - {"format", "store", "cursor", "store_time", "at", "sources", "entries"})
        if unknown:
            raise PinManifestError(f"{where}: unknown key(s) {unknown}")
        entries = data.get("entries")
        if not isinstance(entries, list):
            raise PinManifestError(f"{where}: entries must be a list of pinned revisions")
        sources = data.get("sources", [])
        if not isinstance(sources, list) or not all(_is_source(s) for s in sources):
            raise PinManifestError(
                f"{where}: sources must be a list of objects with a type ({', '.join(_SOURCE_TYPES)})"
                " and string values"
            )
        return cls(
            store=_text(data.get("store", ""), where, "store"),
            cursor=_text(data.get("cursor", ""), where, "cursor"),
            store_time=_optional_text(data.get("store_time"), where, "store_time"),
            at=_optional_text(data.get("at"), where, "at"),
            sources=[dict(s) for s in sources],
            entries=[_entry(e, f"{where}: entries[{i}]") for i, e in enumerate(entries)],
        )


def _is_source(s: Any) -> bool:
    return (
        isinstance(s, dict) and s.get("type") in _SOURCE_TYPES and all(isinstance(v, str) for v in s.values())
    )


def _text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str):
        raise PinManifestError(f"{where}: {key} must be a string, got {value!r}")
    return value


def _optional_text(value: Any, where: str, key: str) -> str | None:
    return None if value is None else _text(value, where, key)


def _entry(data: Any, where: str) -> Entry:
    if not isinstance(data, dict):
        raise PinManifestError(f"{where} must be an object with kref, item, revision, artifact…")
    try:
        item = Kref(_text(data.get("item"), where, "item"))
        kref = Kref(_text(data.get("kref"), where, "kref"))
    except KrefError as exc:
        raise PinManifestError(f"{where}: {exc}") from None
    revision = data.get("revision")
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 1:
        raise PinManifestError(f"{where}: revision must be a whole number >= 1, got {revision!r}")
    if not item.is_item or item.base != item:
        raise PinManifestError(f"{where}: item must be an item kref (…/name.kind), got {item}")
    artifact = _optional_text(data.get("artifact"), where, "artifact")
    asked = data.get("asked", [])
    if not isinstance(asked, list) or not all(isinstance(a, str) for a in asked):
        raise PinManifestError(f"{where}: asked must be a list of krefs")
    size = data.get("size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        raise PinManifestError(f"{where}: size must be a whole number of bytes or null, got {size!r}")
    try:
        entry = Entry(
            item,
            revision,
            artifact,
            tuple(asked),
            _optional_text(data.get("location"), where, "location"),
            _optional_text(data.get("hash"), where, "hash"),
            size,
            _optional_text(data.get("created_at"), where, "created_at"),
        )
        if entry.kref != kref:  # the kref is derived: a hand-edited one that disagrees is a mistake
            raise PinManifestError(
                f"{where}: kref {kref} does not match item, revision and artifact ({entry.kref})"
            )
    except KrefError as exc:
        raise PinManifestError(f"{where}: {exc}") from None
    return entry


def read(path: str | os.PathLike[str]) -> Manifest:
    """The manifest in ``path``; :class:`PinManifestError` when it is not one."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PinManifestError(
            f"cannot read the pin manifest {os.fspath(path)}: {exc.strerror or exc}"
        ) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise PinManifestError(f"{os.fspath(path)} is not a pin manifest (JSON): {exc}") from None
    return Manifest.from_dict(data, os.fspath(path))


def write(manifest: Manifest, path: str | os.PathLike[str]) -> Path:
    """Write ``manifest`` to ``path`` (its folder made when missing); the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(manifest.to_json(), encoding="utf-8")
    return target
