"""The host framework: what every DCC adapter implements, and what the core builds on it.

- :mod:`splice.pipeline.interface` — the :class:`Host` protocol and its plain records
  (:class:`Context`, :class:`Container`, :class:`Instance`).
- :mod:`splice.pipeline.current` — the host installed in this process, its store, the launcher's context.
- :mod:`splice.pipeline.registry` — register / deregister / registered of loaders, creators,
  plug-in paths and hooks; :class:`~splice.pipeline.registry.Discovered` (what a discovery found
  and the broken plug-ins it went past).
- :mod:`splice.pipeline.adapters` — adapters by name, and the ``install`` / ``open_scene`` all share.
- :mod:`splice.pipeline.menus` — the entries of every DCC's splice menu over its dialogs.
- :mod:`splice.pipeline.memory` — :class:`MemoryHost`, the in-memory reference host.
- :mod:`splice.pipeline.marked` — :class:`~splice.pipeline.marked.MarkedHost`, the Host over JSON
  on marker nodes that DCC adapters subclass (imported on use).
- :mod:`splice.pipeline.actions` — the Load / Publish / Inventory actions of DCC menus.
- :mod:`splice.pipeline.loading` — :func:`load`: kref → representation → files → loader → hook.
- :mod:`splice.pipeline.inventory` — the scene inventory (outdated check in one round
  trip, update, switch, remove).
- :mod:`splice.pipeline.creators` — :func:`create`: mark content for publishing.
- :mod:`splice.pipeline.publish` — publishing with pyblish (imported on use).

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
from .registry import (
    deregister_creator,
    deregister_hook,
    deregister_loader,
    deregister_plugin_path,
    register_creator,
    register_hook,
    register_loader,
    register_plugin_path,
    registered_creators,
    registered_hooks,
    registered_loaders,
    registered_plugin_paths,
)

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
    "deregister_creator",
    "deregister_hook",
    "deregister_loader",
    "deregister_plugin_path",
    "discover_loaders",
    "install",
    "is_installed",
    "load",
    "loaders_for",
    "ls",
    "outdated",
    "register_creator",
    "register_hook",
    "register_loader",
    "register_plugin_path",
    "registered_creators",
    "registered_hooks",
    "registered_loaders",
    "registered_plugin_paths",
    "remove",
    "switch",
    "uninstall",
    "update",
    "update_all",
]
