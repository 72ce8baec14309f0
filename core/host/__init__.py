"""The host framework: what every DCC adapter implements, and what the core builds on it.

- :mod:`splice.host.interface` — the :class:`Host` protocol and its plain records
  (:class:`Context`, :class:`Container`, :class:`Instance`).
- :mod:`splice.host.current` — the host installed in this process, the launcher's context.
- :mod:`splice.host.memory` — :class:`MemoryHost`, the in-memory reference host.
- :mod:`splice.host.marked` — :class:`~splice.host.marked.MarkedHost`, the Host over JSON
  on marker nodes that DCC adapters subclass (imported on use).
- :mod:`splice.host.actions` — the Load / Publish / Inventory actions of DCC menus.
- :mod:`splice.host.loading` — :func:`load`: kref → representation → files → loader → hook.
- :mod:`splice.host.inventory` — the scene inventory (outdated check in one round
  trip, update, switch, remove).
- :mod:`splice.host.creators` — :func:`create`: mark content for publishing.
- :mod:`splice.host.publish` — publishing with pyblish (imported on use).

Nothing here imports a DCC module, and ``import splice`` does not import this package.
"""

from __future__ import annotations

from .creators import KINDS, create
from .current import context_from_env, install, is_installed, uninstall
from .interface import Container, Context, Host, Instance
from .inventory import (
    InventoryEntry,
    Loader,
    check,
    discover_loaders,
    ls,
    outdated,
    remove,
    switch,
    update,
    update_all,
)
from .loading import load, loaders_for
from .memory import MemoryHost

__all__ = [
    "KINDS",
    "Container",
    "Context",
    "Host",
    "Instance",
    "InventoryEntry",
    "Loader",
    "MemoryHost",
    "check",
    "context_from_env",
    "create",
    "discover_loaders",
    "install",
    "is_installed",
    "load",
    "loaders_for",
    "ls",
    "outdated",
    "remove",
    "switch",
    "uninstall",
    "update",
    "update_all",
]
