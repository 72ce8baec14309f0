"""Resolving krefs through a manifest: the revision a manifest pins for a kref.

A kref that moves (``?t=published``, no selector: latest, ``&time=``) resolves to the
revision the manifest pins for its item: the entry that was asked as this very kref,
else the item's one pinned revision. A kref with ``?r=N`` is kept: a revision number
does not move. The artifact (``a=``) the kref names is kept.

``$SPLICE_PIN`` names the manifest a launched DCC or a farm job resolves through
(:func:`from_env`): :func:`splice.pipeline.load` asks :func:`pinned` which kref to load.
Plain Python, no pydantic: it runs inside a DCC.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from ..kref import Kref
from .errors import UnpinnedKrefError
from .manifest import Entry, Manifest, read

__all__ = ["PIN_ENV", "Pins", "from_env", "pinned"]

PIN_ENV = "SPLICE_PIN"


class Pins:
    """A manifest indexed for resolving: by item, and by the krefs that were asked."""

    def __init__(self, manifest: Manifest) -> None:
        self.manifest = manifest
        self.items = manifest.by_item()
        self.asked: dict[str, Entry] = {}
        for entry in manifest.entries:
            for kref in entry.asked:
                self.asked.setdefault(_canonical(kref), entry)

    def entry(self, kref: Kref) -> Entry | None:
        """The entry the manifest pins for ``kref``; None when it names no (single) one."""
        hit = self.asked.get(str(kref)) or self.asked.get(str(_without_artifact(kref)))
        if hit is not None:
            return hit
        p = kref.parts
        entries = self.items.get(kref.base, [])
        if p.revision is not None:
            return next((e for e in entries if e.revision == p.revision), None)
        revisions = {e.revision for e in entries}
        if len(revisions) != 1:
            return None
        same = [e for e in entries if e.artifact == p.artifact] if p.artifact else entries
        return (same or entries)[0]

    def select(self, kref: Kref | str) -> Kref:
        """``kref`` with the pinned revision (its artifact kept); unchanged when its item is not
        pinned, or it names a revision number."""
        k = Kref(kref)
        if not k.is_item or k.revision is not None or k.base not in self.items:
            return k
        entry = self.entry(k)
        if entry is None:
            raise UnpinnedKrefError.listing([self._why(k)])
        pinned = entry.revision_kref
        return pinned.with_artifact(k.artifact) if k.artifact else pinned

    def strict(self, krefs: list[Kref]) -> dict[Kref, Kref]:
        """Each kref → its pinned kref; :class:`UnpinnedKrefError` names every kref the
        manifest does not pin (an item it does not name, a revision it does not hold)."""
        out: dict[Kref, Kref] = {}
        bad: list[str] = []
        for k in krefs:
            entry = self.entry(k) if k.is_item else None
            if entry is None:
                bad.append(self._why(k))
                continue
            pinned = entry.revision_kref
            out[k] = pinned.with_artifact(k.artifact) if k.artifact else pinned
        if bad:
            raise UnpinnedKrefError.listing(bad)
        return out

    def _why(self, k: Kref) -> str:
        entries = self.items.get(k.base, [])
        if not entries:
            return f"{k} (its item is not in the manifest)"
        held = ", ".join(f"r{r}" for r in sorted({e.revision for e in entries}))
        if k.revision is not None:
            return f"{k} (the manifest pins {held}, not r{k.revision})"
        return f"{k} (the manifest pins {held}: ask for one with ?r=N)"


def _canonical(text: str) -> str:
    try:
        return str(Kref(text))
    except Exception:
        return text


def _without_artifact(k: Kref) -> Kref:
    p = k.parts
    if p.artifact is None or p.item_name is None:
        return k
    return Kref.build(p.project, p.spaces, p.item_name, p.kind, revision=p.revision, tag=p.tag, time=p.time)


_cache: dict[str, tuple[float, Pins]] = {}


def from_env(environ: Mapping[str, str] | None = None) -> Pins | None:
    """The manifest ``$SPLICE_PIN`` names (read once per change of the file), or None."""
    path = (os.environ if environ is None else environ).get(PIN_ENV, "")
    if not path:
        return None
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        mtime = -1.0  # read() says what is wrong with the path
    hit = _cache.get(path)
    if hit is None or hit[0] != mtime:
        hit = (mtime, Pins(read(path)))
        _cache[path] = hit
    return hit[1]


def pinned(kref: Kref | str, environ: Mapping[str, str] | None = None) -> Kref:
    """``kref`` as ``$SPLICE_PIN`` pins it (unchanged without one, or for an item it does
    not name)."""
    pins = from_env(environ)
    return Kref(kref) if pins is None else pins.select(kref)
