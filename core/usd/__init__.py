"""krefs inside USD layers, without a C++ asset resolver (docs/usd.md).

::

    import splice, splice.usd

    client = splice.connect()
    stack = splice.usd.walk(["shot.usda"])                      # every kref, and where it is
    resolved = splice.usd.resolve_stack("shot.usda", client, at="202606011200", fetch=True)
    splice.usd.write_copy(resolved, "shot.resolved.usda")        # the original is not touched
    splice.usd.localize(path, client)                            # what a loader hands the DCC

Needs USD's Python bindings: the ``usd`` extra (``usd-core``) or a DCC's own ``pxr``;
``import splice.usd`` itself does not import them (``import splice`` never imports this).
"""

from __future__ import annotations

from .deps import dependencies
from .errors import BadKrefError, LayerError, UnresolvedKrefError, UsdUnavailableError
from .load import localize, native_resolver, resolved_dir
from .refs import LAYER_SUFFIXES, USD_SUFFIXES, Layer, Stack, Use, is_kref, is_layer_file, walk
from .resolve import (
    Resolution,
    Resolved,
    apply_in_memory,
    at_stamp,
    default_out,
    pin,
    resolve_stack,
    resolve_uses,
    write_copy,
    write_in_place,
)

__all__ = [
    "LAYER_SUFFIXES",
    "USD_SUFFIXES",
    "BadKrefError",
    "Layer",
    "LayerError",
    "Resolution",
    "Resolved",
    "Stack",
    "UnresolvedKrefError",
    "UsdUnavailableError",
    "Use",
    "apply_in_memory",
    "at_stamp",
    "default_out",
    "dependencies",
    "is_kref",
    "is_layer_file",
    "localize",
    "native_resolver",
    "pin",
    "resolve_stack",
    "resolve_uses",
    "resolved_dir",
    "walk",
    "write_copy",
    "write_in_place",
]
