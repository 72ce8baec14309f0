"""What changed between two manifests (two renders).

Entries pair by item and artifact. A pair whose revision differs is a ``revision`` change;
the same revision with another content hash or location is a ``content`` change (an
unpublished revision's files replaced, a plain file edited in place). What pairs with
nothing is ``added`` or ``removed`` (an item used by one render alone, or a second
revision of an item beside the first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..kref import Kref
from .manifest import Entry, Manifest

__all__ = ["Diff", "diff"]


@dataclass
class Diff:
    added: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    revision: list[tuple[Entry, Entry]] = field(default_factory=list)
    content: list[tuple[Entry, Entry]] = field(default_factory=list)
    same: int = 0
    store: tuple[str, str] | None = None  # the two stores, when they differ

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.revision or self.content)

    def to_dict(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "added": [str(e.kref) for e in self.added],
            "removed": [str(e.kref) for e in self.removed],
            "revision": [
                {"item": str(a.item), "artifact": a.artifact, "from": a.revision, "to": b.revision}
                for a, b in self.revision
            ],
            "content": [
                {
                    "kref": str(a.kref),
                    "from": a.hash,
                    "to": b.hash,
                    "from_location": a.location,
                    "to_location": b.location,
                }
                for a, b in self.content
            ],
            "same": self.same,
            "store": list(self.store) if self.store else None,
        }

    def lines(self) -> list[str]:
        out = [f"stores differ: {self.store[0]} → {self.store[1]}"] if self.store else []
        out += [f"+ {e.kref}" for e in self.added]
        out += [f"- {e.kref}" for e in self.removed]
        out += [f"~ {a.item}{_a(a)}: r{a.revision} → r{b.revision}" for a, b in self.revision]
        for a, b in self.content:
            where = f" ({a.location} → {b.location})" if a.location != b.location else ""
            out.append(f"≠ {a.kref}: content {a.hash} → {b.hash}{where}")
        out.append(f"{self.same} unchanged" if self.changed else f"no change ({self.same} entries)")
        return out


def _a(e: Entry) -> str:
    return f" a={e.artifact}" if e.artifact else ""


def diff(a: Manifest, b: Manifest) -> Diff:
    """What changed from ``a`` to ``b`` (see the module)."""
    result = Diff(store=(a.store, b.store) if a.store != b.store else None)
    left = _groups(a)
    right = _groups(b)
    for key in sorted(set(left) | set(right)):
        old, new = left.get(key, []), right.get(key, [])
        if len(old) == 1 and len(new) == 1:
            x, y = old[0], new[0]
            if x.revision != y.revision:
                result.revision.append((x, y))
            elif (x.hash, x.location) != (y.hash, y.location):
                result.content.append((x, y))
            else:
                result.same += 1
            continue
        by_rev_old = {e.revision: e for e in old}
        by_rev_new = {e.revision: e for e in new}
        for number in sorted(set(by_rev_old) | set(by_rev_new)):
            x, y = by_rev_old.get(number), by_rev_new.get(number)
            if x is None:
                result.added.append(y)  # type: ignore[arg-type]
            elif y is None:
                result.removed.append(x)
            elif (x.hash, x.location) != (y.hash, y.location):
                result.content.append((x, y))
            else:
                result.same += 1
    return result


def _groups(m: Manifest) -> dict[tuple[str, str], list[Entry]]:
    out: dict[tuple[str, str], list[Entry]] = {}
    for e in sorted(m.entries, key=Entry.sort_key):
        out.setdefault((str(Kref(e.item)), e.artifact or ""), []).append(e)
    return out
