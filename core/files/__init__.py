"""Asset files stored content-addressed through dvc: deduplicated, pulled on demand.

::

    import splice, splice.files

    rev = splice.get_item("kref://show/shots/sh010.plate").create_revision()
    splice.files.store(rev, "frames", "/renders/sh010/plate")   # one artifact, one object per frame
    splice.files.pull(rev.kref, to="/tmp/sh010")                # verified copies + a dvc project
    splice.files.resolve(f"{rev.kref}&a=frames")                # a local path, fetched once

A project's store is ``files.store`` in its metadata (a folder, or any dvc remote URL),
else ``$SPLICE_FILE_STORE``, else a per-user folder (:mod:`splice.files.config`). dvc is
imported only when a store is opened, never by ``import splice``.

The four functions that take a kref (:func:`pull`, :func:`resolve`, :func:`push`,
:func:`status`) are this package's facade: like ``splice.resolve``, they use splice's
default client unless given one. Below them, every function takes its client.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import fetch as _fetch
from . import sources as _sources
from .config import StoreConfig, cache_dir, store_config
from .errors import ChecksumError, FileStoreError, SourceError, TargetConflictError, TargetError
from .fetch import checkouts_dir
from .hashing import Content, hash_path
from .publish import store, upload
from .records import Stored, select
from .sources import FileStatus, ingest
from .stages import Derived, Stage, derive

if TYPE_CHECKING:
    from ..client import Client
    from ..kref import Kref


def _client(client: Client | None) -> Client:
    """``client``, else splice's default (the facade's, as ``splice.resolve`` uses)."""
    from .. import default_client

    return client if client is not None else default_client()


def pull(
    kref: Kref | str,
    to: str | os.PathLike[str] = ".",
    *,
    link: bool = False,
    progress: bool = False,
    dvc_files: bool = True,
    force: bool = False,
    clean: bool = False,
    client: Client | None = None,
) -> list[Path]:
    """:func:`splice.files.fetch.pull` with splice's default client unless given one."""
    return _fetch.pull(
        kref,
        to,
        link=link,
        progress=progress,
        dvc_files=dvc_files,
        force=force,
        clean=clean,
        client=_client(client),
    )


def resolve(
    kref: Kref | str, fetch: bool = True, *, progress: bool = False, client: Client | None = None
) -> str:
    """:func:`splice.files.fetch.resolve` with splice's default client unless given one."""
    return _fetch.resolve(kref, fetch, progress=progress, client=_client(client))


def status(kref: Kref | str, *, check_sources: bool = True, client: Client | None = None) -> list[FileStatus]:
    """:func:`splice.files.sources.status` with splice's default client unless given one."""
    return _sources.status(kref, check_sources=check_sources, client=_client(client))


def push(kref: Kref | str, *, progress: bool = False, client: Client | None = None) -> int:
    """Send what the store lacks of the files a kref selects (kept in the local cache by
    ``store(…, push=False)`` or an interrupted push); the number of objects sent."""
    from .publish import push as push_items

    return push_items(select(_client(client), kref), progress)


__all__ = [
    "ChecksumError",
    "Content",
    "Derived",
    "FileStatus",
    "FileStoreError",
    "SourceError",
    "Stage",
    "StoreConfig",
    "Stored",
    "TargetConflictError",
    "TargetError",
    "cache_dir",
    "checkouts_dir",
    "derive",
    "hash_path",
    "ingest",
    "pull",
    "push",
    "resolve",
    "status",
    "store",
    "store_config",
    "upload",
]
