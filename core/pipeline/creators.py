"""Creators: mark scene content for publishing as an instance of a kind.

An instance names the item its publish makes a revision of; by default
``<context space>/<name>.<kind>``. Kinds are the studio's usual ones (:data:`KINDS`);
others are allowed (a warning at publish), as items of any kind are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ValidationError
from ..kref import Kref, check_item_name, check_kind
from .interface import Host, Instance

__all__ = ["KINDS", "create"]

KINDS = (
    "model",
    "rig",
    "look",
    "animation",
    "pointcache",
    "camera",
    "layout",
    "render",
    "review",
    "workfile",
)


def create(
    host: Host,
    kind: str,
    name: str,
    *,
    item: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> Instance:
    """Mark content as instance ``name`` of ``kind`` (options: ``members``,
    ``representations``, ``tags``, ``frameStart``/``frameEnd``, ``files``, ``comment``…)."""
    check_kind(kind)
    check_item_name(name)
    if item is None:
        context = host.get_context()
        if context.space is None:
            raise ValidationError(
                f"no space in the scene's context to create {name}.{kind} in: set the context "
                "(a shot or asset space) or give the instance's item kref"
            )
        item = str(Kref(context.space).child(f"{name}.{kind}"))
    return host.create_instance(Instance(name, kind, item, dict(options or {})))
