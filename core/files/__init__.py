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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import StoreConfig, cache_dir, store_config
from .errors import ChecksumError, FileStoreError, SourceError
from .fetch import checkouts_dir, pull, resolve
from .hashing import Content, hash_path
from .publish import store, upload
from .records import Stored, select
from .sources import FileStatus, ingest, status
from .stages import Derived, Stage, derive

if TYPE_CHECKING:
    from ..client import Client
    from ..kref import Kref


def push(kref: Kref | str, *, progress: bool = False, client: Client | None = None) -> int:
    """Send what the store lacks of the files a kref selects (kept in the local cache by
    ``store(…, push=False)`` or an interrupted push); the number of objects sent."""
    from .. import default_client
    from .publish import push as push_items

    return push_items(select(client or default_client(), kref), progress)


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
