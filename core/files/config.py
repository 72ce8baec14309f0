"""Where a project's files are stored, and the local cache.

The store of a project is read from the project's metadata:

- ``files.store``: a folder (an absolute path, ``file://…``) or any dvc remote URL
  (``s3://bucket/prefix``, ``ssh://host/path``, ``gs://…``, ``azure://…``, ``http(s)://…``,
  ``webdav(s)://…``). Without it: ``$SPLICE_FILE_STORE`` (``{project}`` in it is replaced by
  the project's name), else ``<per-user data folder>/splice/files/<project>``.
- ``files.store.<option>``: dvc remote options (``endpointurl``, ``region``, ``profile``,
  ``user``, ``port``, ``keyfile`` …), as ``dvc remote modify`` names them. Secrets stay in
  the usual places (``AWS_*`` variables, ``~/.aws``, ``~/.ssh``), never in metadata.

The local cache (dvc cache layout, shared by every project of a user) is
``$SPLICE_FILE_CACHE``, else ``<per-user cache folder>/splice/dvc-cache``. A folder store
needs no cache: it is read and written in place.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import FileStoreError

STORE_KEY = "files.store"
OPTION_PREFIX = "files.store."
STORE_ENV = "SPLICE_FILE_STORE"
CACHE_ENV = "SPLICE_FILE_CACHE"
# the URL schemes dvc has remotes for (each but the local one needs its dvc-<scheme> package)
REMOTE_SCHEMES = (
    "file",
    "s3",
    "ssh",
    "sftp",
    "gs",
    "gcs",
    "azure",
    "http",
    "https",
    "webdav",
    "webdavs",
    "hdfs",
    "oss",
)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


@dataclass(frozen=True)
class StoreConfig:
    """A file store: its URL (a local folder is an absolute path) and dvc remote options."""

    url: str
    options: dict[str, str] = field(default_factory=dict)

    @property
    def is_local(self) -> bool:
        return _SCHEME.match(self.url) is None

    def __str__(self) -> str:
        return self.url


def check_store_url(url: object) -> str:
    """An absolute folder path, or a URL of a dvc remote scheme; ``file://`` becomes a path."""
    if not isinstance(url, str) or not url.strip():
        raise FileStoreError(f"file store must be a folder path or a remote URL, not {url!r}")
    match = _SCHEME.match(url)
    if match is None:
        if not (os.path.isabs(url) or _WINDOWS_DRIVE.match(url)):
            raise FileStoreError(f"file store {url!r} must be an absolute folder path or a remote URL")
        return os.path.normpath(url)
    scheme = match.group(1).lower()
    if scheme not in REMOTE_SCHEMES or len(url) == len(match.group(0)):
        raise FileStoreError(
            f"file store {url!r}: scheme {scheme!r} is not supported; use an absolute folder path or "
            + ", ".join(f"{s}://" for s in REMOTE_SCHEMES)
        )
    if scheme == "file":
        return check_store_url(url[len("file://") :])
    return url


def store_config(project_name: str, metadata: dict[str, str] | None = None) -> StoreConfig:
    """The store of a project, from its metadata, ``$SPLICE_FILE_STORE`` or the default folder."""
    meta = metadata or {}
    url = meta.get(STORE_KEY) or os.environ.get(STORE_ENV)
    if url:
        url = url.replace("{project}", project_name)
    else:
        from platformdirs import user_data_dir

        url = os.path.join(user_data_dir("splice", appauthor=False), "files", project_name)
    options = {k[len(OPTION_PREFIX) :]: v for k, v in meta.items() if k.startswith(OPTION_PREFIX)}
    return StoreConfig(check_store_url(url), options)


def cache_dir() -> Path:
    """The per-user local cache of objects fetched from remote stores."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("splice", appauthor=False)) / "dvc-cache"
