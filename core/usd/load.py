"""Before a DCC opens a USD file: its krefs resolved, their files fetched, a copy USD can read.

A DCC's USD has no ``kref://`` resolver (:doc:`docs/usd.md` says why and how a studio adds
one), so a loader hands it :func:`localize`'s file instead of the published one: every kref
of the stack resolved now and its files fetched (``splice.files.resolve(fetch=True)``),
written once into the file cache under a name made from what the krefs selected — a second
load of the same selection opens the same file, a new ``published`` revision a new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from . import _pxr
from .errors import UsdUnavailableError
from .refs import is_layer_file, walk
from .resolve import resolve_stack, write_copy

if TYPE_CHECKING:
    from ..client import Client

__all__ = ["localize", "localize_for", "native_resolver", "resolved_dir"]


def resolved_dir() -> Path:
    """Where resolved copies go: ``usd-resolved`` beside splice's checkouts."""
    from ..files.fetch import checkouts_dir

    return checkouts_dir().with_name("usd-resolved")


def native_resolver() -> bool:
    """Whether this process's USD resolves ``kref://`` itself (a studio's C++ resolver
    registered for the scheme, docs/usd.md): then a DCC opens the published file as it is."""
    try:
        _pxr.modules()  # finds the DCC's own pxr too
        from pxr import Ar
    except (UsdUnavailableError, ImportError):
        return False
    return "kref" in (s.lower() for s in Ar.GetRegisteredURISchemes())


def localize_for(path: str | os.PathLike[str], revision: object) -> Path:
    """:func:`localize` for a loader: with the client ``revision`` was read through (the one
    ``splice.pipeline.load`` was given), else the installed host's. A file whose stack holds
    no kref is the file itself, asked of no store."""
    file = Path(path)
    if not is_layer_file(file) or native_resolver() or not walk([file]).krefs():
        return file
    client = getattr(revision, "_client", None)
    if client is None:
        from ..pipeline import current

        client = current.client()
    return localize(path, client)


def localize(path: str | os.PathLike[str], client: Client, *, at: str | None = None) -> Path:
    """``path`` itself when its stack holds no krefs (or it is not a layer splice rewrites);
    else a resolved copy of it in :func:`resolved_dir`, the files of every kref fetched first.
    Typed errors (a kref that selects nothing, a store that cannot be reached) come before
    anything is written or loaded."""
    file = Path(path)
    if not is_layer_file(file) or native_resolver():
        return file
    resolved = resolve_stack(file, client, at=at, fetch=True)
    if not resolved.resolutions:
        return file
    key = json.dumps(
        [resolved.root, sorted((a, r.target) for a, r in resolved.resolutions.items())], sort_keys=True
    )
    final = resolved_dir() / hashlib.sha1(key.encode()).hexdigest()[:16]
    out = final / file.name
    if out.is_file():
        return out
    staging = final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}.splice-tmp")
    try:
        write_copy(resolved, staging / file.name)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(staging, final)
        except OSError:
            if not out.is_file():  # not another process's identical copy: a real failure
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
