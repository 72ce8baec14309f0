"""The asset's own code finishing a build: hooks in the asset's package.

An asset package (see :mod:`splice.packages`) registers its module in the
``splice.assets`` entry-point group under its distribution name. When that package is
installed (the shot's workspace), loading one of the item's revisions calls the
module's ``on_load_<host>(host, container, path)`` (``on_load_blender``…), else its
``on_load(host, container, path)``: custom set-up, rig connections, shaders. A hook may
return a dict, kept in the container's data under ``hook``.
"""

from __future__ import annotations

import dataclasses
import importlib
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import SpliceError
from ..kref import Kref
from .interface import Container, Host

__all__ = ["ENTRY_POINT_GROUP", "HookError", "after_load", "asset_module"]

ENTRY_POINT_GROUP = "splice.assets"


class HookError(SpliceError):
    """An asset package's hook raised; the load it finished was undone."""

    code = "hook"


def asset_module(item: Kref | str) -> ModuleType | None:
    """The installed asset package module of ``item`` (an item kref), or ``None``."""
    from ..packages.names import dist_name, normalize
    from .registry import registered_hooks

    registered = registered_hooks().get(str(Kref(item).base))
    if registered is not None:
        return registered
    wanted = normalize(dist_name(Kref(item).base))
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if normalize(ep.name) == wanted:
            return importlib.import_module(ep.value)
    return None


def _hook(module: ModuleType, host: Host) -> Any:
    return getattr(module, f"on_load_{host.name}", None) or getattr(module, "on_load", None)


def after_load(host: Host, container: Container, path: Path) -> Container:
    """Run the asset package's load hook for ``container`` (if any) and record it there."""
    module = asset_module(container.item_kref)
    if module is None:
        return container
    hook = _hook(module, host)
    if hook is None:
        return container
    try:
        result = hook(host, container, path)
    except Exception as exc:
        raise HookError(f"{module.__name__}.{hook.__name__} failed on {container.key}: {exc}") from exc
    record = {
        "module": module.__name__,
        "revision": getattr(module, "REVISION", None),
        "function": hook.__name__,
    }
    if isinstance(result, dict):
        record["result"] = result
    current = host.read_container(container.key)
    return host.write_container(dataclasses.replace(current, data={**current.data, "hook": record}))
