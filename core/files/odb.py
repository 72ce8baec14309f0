"""Object stores in dvc's layout (``<root>/files/md5/ab/cdef…``), through dvc-data.

Every write is atomic: a folder store writes a temporary file and renames it; object
stores (S3 …) show an object only once its upload completed. A folder's ``.dir``
object is written after its files, so a visible ``.dir`` means the whole folder is there.
dvc is imported here only, when a store is opened.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .config import StoreConfig, cache_dir
from .errors import FileStoreError
from .hashing import Content

OBJECTS = ("files", "md5")  # dvc 3's object folder below a cache or remote root


def open_store(config: StoreConfig) -> Any:
    """The store's object database (a dvc-data ``HashFileDB``)."""
    if config.is_local:
        return _local_odb(Path(config.url))
    try:
        from dvc.config import ConfigError
        from dvc.fs import get_cloud_fs
        from dvc_data.hashfile.db import HashFileDB

        cls, conf, fs_path = get_cloud_fs(None, url=config.url, **config.options)
        fs = cls(**conf)
    except ImportError as exc:  # e.g. "ssh is supported, but requires 'dvc-ssh' to be installed"
        raise FileStoreError(f"file store {config.url}: {exc}") from None
    except ConfigError as exc:
        raise FileStoreError(f"file store {config.url}: {exc}") from None
    return HashFileDB(fs, fs.join(fs_path, *OBJECTS))


def open_cache() -> Any:
    """The per-user local cache (objects fetched from remote stores, or not pushed yet)."""
    return _local_odb(cache_dir())


def _local_odb(root: Path) -> Any:
    from dvc_data.hashfile.db.local import LocalHashFileDB
    from dvc_objects.fs.local import LocalFileSystem

    path = root.joinpath(*OBJECTS)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileStoreError(f"cannot create the file store folder {path}: {exc.strerror}") from None
    return LocalHashFileDB(LocalFileSystem(), os.fspath(path))


def is_local(odb: Any) -> bool:
    return getattr(odb.fs, "protocol", None) == "local" or type(odb.fs).__name__ == "LocalFileSystem"


def missing(odb: Any, oids: Iterable[str], jobs: int | None = None) -> set[str]:
    """The oids the store does not hold."""
    wanted = set(oids)
    if not wanted:
        return set()
    if is_local(odb):
        return {oid for oid in wanted if not os.path.exists(odb.oid_to_path(oid))}
    return wanted - set(odb.oids_exist(list(wanted), jobs=jobs))


def upload(odb: Any, content: Content, source: Path, callback: Any = None, jobs: int | None = None) -> int:
    """Put a file's or folder's objects the store lacks into it; the number written."""
    from dvc_objects.fs.local import LocalFileSystem
    from fsspec.callbacks import DEFAULT_CALLBACK

    paths: dict[str, str] = {}
    for entry in content.entries:
        paths.setdefault(entry.md5, os.fspath(source / entry.relpath if entry.relpath else source))
    todo = missing(odb, list(paths) + ([content.oid] if content.is_dir else []), jobs)
    files = sorted(oid for oid in todo if oid in paths)
    if files:
        failures: list[str] = []
        odb.add(
            [paths[o] for o in files],
            LocalFileSystem(),
            files,
            check_exists=False,
            callback=callback or DEFAULT_CALLBACK,
            jobs=jobs,
            on_error=lambda oid, exc: failures.append(f"{oid}: {exc}"),
        )
        if failures:
            raise FileStoreError(f"{len(failures)} object(s) could not be stored: {failures[0]}")
    if content.is_dir and content.oid in todo:
        assert content.dir_bytes is not None
        odb.add_bytes(content.oid, content.dir_bytes)
    return len(files) + (1 if content.is_dir and content.oid in todo else 0)


def transfer(src: Any, dest: Any, oid: str, callback: Any = None, jobs: int | None = None) -> int:
    """Copy a file's or folder's objects (``shallow=False``: every file of a folder) that
    ``dest`` lacks; the number copied."""
    from dvc_data.hashfile.hash_info import HashInfo
    from dvc_data.hashfile.transfer import transfer as dvc_transfer
    from fsspec.callbacks import DEFAULT_CALLBACK

    try:
        result = dvc_transfer(
            src, dest, [HashInfo("md5", oid)], jobs=jobs, shallow=False, callback=callback or DEFAULT_CALLBACK
        )
    except FileNotFoundError as exc:
        raise FileStoreError(f"object {oid} is missing from {_where(src)}: {exc}") from None
    except Exception as exc:  # dvc's own errors (missing objects, network) name the object
        if type(exc).__module__.startswith(("dvc", "botocore", "aiobotocore")):
            raise FileStoreError(
                f"could not copy {oid} from {_where(src)} to {_where(dest)}: {exc}"
            ) from None
        raise
    if result.failed:
        raise FileStoreError(
            f"{len(result.failed)} object(s) of {oid} could not be copied from {_where(src)} "
            f"to {_where(dest)} (missing or unreadable); nothing of them was placed"
        )
    return len(result.transferred)


def read_listing(odb: Any, oid: str) -> bytes:
    """The bytes of a ``.dir`` object."""
    try:
        with odb.fs.open(odb.oid_to_path(oid), "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise FileStoreError(f"folder listing {oid} is missing from {_where(odb)}") from None


def _where(odb: Any) -> str:
    try:
        return str(odb.fs.unstrip_protocol(odb.path))
    except Exception:
        return str(odb.path)
