"""The actions of every DCC's splice menu — Load, Publish, Inventory — on the installed host.

Each adapter's ``menu.py`` keeps what is its DCC's own (the menu, the kref prompt, the
message dialog) and calls these with ``tell(title, text)``, its way of showing a
result. They work on :func:`splice.host.current.current` and the store of
``splice.default_client()`` (or ``client``); pyblish and the store are imported only when an
action runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .current import current

if TYPE_CHECKING:
    from ..client import Client
    from .interface import Container
    from .inventory import InventoryEntry
    from .publish import PublishReport

__all__ = ["Tell", "inventory", "load", "publish"]

Tell = Callable[[str, str], None]
"""``tell(title, text)``: show the artist an action's result (``title``: ``load``, ``publish``…)."""


def load(kref: str | None, loaders_dir: Path, tell: Tell, client: Client | None = None) -> Container | None:
    """Load ``kref`` (as typed: surrounding blanks are ignored; empty: nothing) through the
    loader of ``loaders_dir`` (and ``$SPLICE_LOADER_PATH``) that serves it."""
    from .loading import load as load_kref
    from .loading import loaders_for

    kref = (kref or "").strip()
    if not kref:
        return None
    container = load_kref(current(), kref, loaders=loaders_for(loaders_dir), client=client)
    tell("load", f"loaded {container.kref} as {container.key}")
    return container


def publish(plugins_dir: Path, tell: Tell, client: Client | None = None) -> PublishReport:
    """Publish the scene's instances with splice's plug-ins and those of ``plugins_dir``."""
    from .publish import publish as run

    report = run(current(), client, paths=[plugins_dir])
    tell("publish", report.to_text())
    return report


def inventory(tell: Tell, noun: str = "scene", client: Client | None = None) -> list[InventoryEntry]:
    """Tell each container's status against the latest revision (one round trip)."""
    from .. import default_client
    from . import inventory as inv

    entries = inv.check(current(), client or default_client(), "latest")
    lines = [f"{e.container.key}: {e.status} (r{e.current} → {e.wanted})" for e in entries]
    tell("inventory", "\n".join(lines) or f"no containers in the {noun}")
    return entries
