"""The host framework: what every DCC adapter implements, and what the core builds on it.

- :mod:`splice.host.interface` — the :class:`Host` protocol and its plain records
  (:class:`Context`, :class:`Container`, :class:`Instance`).
- :mod:`splice.host.memory` — :class:`MemoryHost`, the in-memory reference host.
- :mod:`splice.host.inventory` — the scene inventory (outdated check in one round
  trip, update, switch, remove) and the :class:`Loader` base class.

Nothing here imports a DCC module, and ``import splice`` does not import this package.
"""

from __future__ import annotations

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
from .memory import MemoryHost

__all__ = [
    "Container",
    "Context",
    "Host",
    "Instance",
    "InventoryEntry",
    "Loader",
    "MemoryHost",
    "check",
    "discover_loaders",
    "ls",
    "outdated",
    "remove",
    "switch",
    "update",
    "update_all",
]
