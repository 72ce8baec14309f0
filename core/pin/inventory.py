"""The scene inventory against a manifest: each container's revision beside the one the
manifest pins for its item (``splice inventory SCENE --want manifest:FILE``).

The check is ONE ``batch_get_revisions`` (the containers' revisions and the pinned ones).
Updating goes through :func:`splice.pipeline.inventory.prepare_update` and ``apply``, one
call per pinned revision number (containers pinned to the same number share it): every
file is fetched and verified before the first change to the scene.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..kref import Kref
from ..pipeline.interface import Container, Host
from ..pipeline.inventory import InventoryEntry, Status, apply, prepare_update
from .select import Pins

if TYPE_CHECKING:
    from ..client import Client
    from ..pipeline.loader import Loader

__all__ = ["check", "update"]


def _pinned(pins: Pins, c: Container) -> int | None:
    """The revision the manifest pins for the container: its own when the manifest holds it
    (a scene may load two revisions of one item), else the item's one pinned revision."""
    entries = pins.items.get(Kref(c.kref).base, [])
    numbers = {e.revision for e in entries}
    if c.revision in numbers:
        return c.revision
    return numbers.pop() if len(numbers) == 1 else None


def check(host: Host, client: Client, pins: Pins) -> list[InventoryEntry]:
    """Every container of the scene checked against the manifest (one round trip)."""
    containers = host.ls_containers()
    wanted = [_pinned(pins, c) for c in containers]
    krefs = [Kref(c.kref) for c in containers]
    asked = [k.base.with_revision(n) for k, n in zip(krefs, wanted, strict=True) if n is not None]
    unique = list(dict.fromkeys([*krefs, *asked]))
    found = dict(zip(unique, client.batch_get_revisions(unique) if unique else [], strict=True))
    out = []
    for c, k, number in zip(containers, krefs, wanted, strict=True):
        status: Status
        pinned_kref = str(k.base.with_revision(number)) if number is not None else None
        if found[k] is None:
            status, reason = "missing", f"{c.kref} no longer resolves (deleted, or never published here)"
        elif number is None:
            held = sorted(e.revision for e in pins.items.get(k.base, []))
            status = "no-match"
            reason = (
                f"the manifest pins {', '.join(f'r{n}' for n in held)} of {k.base}"
                if held
                else (f"{k.base} is not in the manifest")
            )
        elif found[k.base.with_revision(number)] is None:
            status, reason = "no-match", f"the pinned {pinned_kref} is not in the store (deleted?)"
        elif number == c.revision:
            status, reason = "current", f"r{c.revision} is the pinned revision"
        else:
            status, reason = "outdated", f"has r{c.revision}; the manifest pins r{number}"
        out.append(InventoryEntry(c, "manifest", c.revision, number, pinned_kref, status, reason))
    return out


def update(
    host: Host, client: Client, pins: Pins, loaders: Mapping[str, type[Loader]] | None = None
) -> list[Container]:
    """Move every container the manifest pins elsewhere to the pinned revision; returns
    those written. Nothing changes in the scene unless every file was fetched."""
    by_number: dict[int, list[Container]] = {}
    for entry in check(host, client, pins):
        if entry.outdated and entry.wanted is not None:
            by_number.setdefault(entry.wanted, []).append(entry.container)
    plans = [prepare_update(host, client, cs, n, loaders) for n, cs in sorted(by_number.items())]
    for plan in plans:
        plan.raise_failed()
    return [apply(host, change) for plan in plans for change in plan.changes]
