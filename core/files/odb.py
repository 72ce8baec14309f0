"""Object stores in dvc's layout (``<root>/files/md5/ab/cdef…``).

Two kinds: a folder (a NAS, the default store, the local cache), read and written in
pure Python (:class:`~splice.files.folder.FolderStore`); and a dvc remote (S3, SSH,
cloud…), a :class:`RemoteStore`, reached through dvc-data. Where dvc is not installed —
inside a DCC, whose Python gets only splice's light runtime — a remote's transfers run
beside it, in the Python that launched the DCC (:mod:`splice.files.beside`).

Every write is atomic: a folder store writes a temporary file and renames it; object
stores (S3 …) show an object only once its upload completed. A folder's ``.dir``
object is written after its files, so a visible ``.dir`` means the whole folder is there.
dvc is imported here only, when a remote store is used.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .config import StoreConfig, cache_dir
from .errors import FileStoreError
from .folder import OBJECTS, FolderStore
from .hashing import Content, parse_listing

IN_BESIDE = "SPLICE_FILES_BESIDE_CHILD"  # set in the beside process: it must not delegate again


class RemoteStore:
    """A dvc remote: ``db`` is its dvc-data ``HashFileDB`` (opened on first use)."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self._db: Any = None

    def __repr__(self) -> str:
        return f"RemoteStore({self.config.url!r})"

    @property
    def db(self) -> Any:
        if self._db is None:
            self._db = _open_dvc(self.config)
        return self._db


def dvc_here() -> bool:
    """Whether this Python can run dvc itself (else remote transfers run beside it)."""
    if importlib.util.find_spec("dvc_data") is not None and importlib.util.find_spec("dvc") is not None:
        return True
    if os.environ.get(IN_BESIDE):
        raise FileStoreError(
            "dvc is not installed in the Python that runs remote transfers: pip install 'splice[files]' there"
        )
    return False


def open_store(config: StoreConfig) -> FolderStore | RemoteStore:
    """The store's objects: a folder, or a dvc remote (opened now where dvc runs here, so
    that a bad store fails before anything is hashed)."""
    if config.is_local:
        return FolderStore(config.url)
    store = RemoteStore(config)
    if dvc_here():
        store.db  # noqa: B018 -- fail early on a bad URL or a missing dvc-<scheme>
    return store


def open_cache() -> FolderStore:
    """The per-user local cache (objects fetched from remote stores, or not pushed yet)."""
    return FolderStore(cache_dir())


def is_local(store: Any) -> bool:
    return isinstance(store, FolderStore)


def missing(store: FolderStore | RemoteStore, oids: Iterable[str], jobs: int | None = None) -> set[str]:
    """The oids the store does not hold."""
    wanted = set(oids)
    if not wanted:
        return set()
    if isinstance(store, FolderStore):
        return store.missing(wanted)
    if not dvc_here():
        from .beside import call

        return set(call("missing", store=describe(store), oids=sorted(wanted))["missing"])
    return wanted - set(store.db.oids_exist(list(wanted), jobs=jobs))


def upload(
    store: FolderStore | RemoteStore,
    content: Content,
    source: Path,
    callback: Any = None,
    jobs: int | None = None,
) -> int:
    """Put a file's or folder's objects the store lacks into it; the number written."""
    if isinstance(store, RemoteStore) and not dvc_here():
        cache = open_cache()  # stored locally first, then sent from there by dvc, beside
        upload(cache, content, source)
        return transfer(cache, store, content.oid, callback, jobs)
    paths: dict[str, str] = {}
    for entry in content.entries:
        paths.setdefault(entry.md5, os.fspath(source / entry.relpath if entry.relpath else source))
    todo = missing(store, list(paths) + ([content.oid] if content.is_dir else []), jobs)
    files = sorted(oid for oid in todo if oid in paths)
    if isinstance(store, FolderStore):
        for oid in files:
            store.add_file(oid, paths[oid])
    elif files:
        _dvc_add(store.db, [paths[o] for o in files], files, callback, jobs)
    if content.is_dir and content.oid in todo:
        assert content.dir_bytes is not None
        if isinstance(store, FolderStore):
            store.add_bytes(content.oid, content.dir_bytes)
        else:
            store.db.add_bytes(content.oid, content.dir_bytes)
    return len(files) + (1 if content.is_dir and content.oid in todo else 0)


def transfer(
    src: FolderStore | RemoteStore,
    dest: FolderStore | RemoteStore,
    oid: str,
    callback: Any = None,
    jobs: int | None = None,
) -> int:
    """Copy a file's or folder's objects (every file of a folder) that ``dest`` lacks; the
    number copied."""
    if isinstance(src, FolderStore) and isinstance(dest, FolderStore):
        return _folder_transfer(src, dest, oid)
    if not dvc_here():
        from .beside import call

        return int(call("transfer", src=describe(src), dest=describe(dest), oid=oid)["transferred"])
    return _dvc_transfer(src, dest, oid, callback, jobs)


def read_listing(store: FolderStore | RemoteStore, oid: str) -> bytes:
    """The bytes of a ``.dir`` object."""
    if isinstance(store, FolderStore):
        return store.read(oid)
    try:
        with store.db.fs.open(store.db.oid_to_path(oid), "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise FileStoreError(f"folder listing {oid} is missing from {where(store)}") from None


def where(store: FolderStore | RemoteStore) -> str:
    return str(store.root) if isinstance(store, FolderStore) else store.config.url


def describe(store: FolderStore | RemoteStore) -> dict[str, Any]:
    """The store as plain data (for the beside process); :func:`from_description` reverses it."""
    if isinstance(store, FolderStore):
        return {"folder": str(store.root)}
    return {"url": store.config.url, "options": dict(store.config.options)}


def from_description(data: dict[str, Any]) -> FolderStore | RemoteStore:
    if "folder" in data:
        return FolderStore(data["folder"])
    return open_store(
        StoreConfig(str(data["url"]), {str(k): str(v) for k, v in data.get("options", {}).items()})
    )


# -- folder to folder, in pure Python ---------------------------------------------------
def _folder_transfer(src: FolderStore, dest: FolderStore, oid: str) -> int:
    if src.missing([oid]):
        raise FileStoreError(f"object {oid} is missing from {src.root}")
    files = [md5 for _, md5 in parse_listing(src.read(oid), oid)] if oid.endswith(".dir") else [oid]
    todo = sorted(dest.missing(files))
    for md5 in todo:
        if src.missing([md5]):
            raise FileStoreError(
                f"object {md5} of {oid} is missing from {src.root}; nothing of it was placed"
            )
        dest.add_file(md5, src.oid_to_path(md5))  # checks every md5 on the way
    if oid.endswith(".dir") and dest.missing([oid]):
        dest.add_bytes(oid, src.read(oid))  # the listing last: its presence means complete
        return len(todo) + 1
    return len(todo)


# -- through dvc -----------------------------------------------------------------------
def _open_dvc(config: StoreConfig) -> Any:
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


def _dvc_db(store: FolderStore | RemoteStore) -> Any:
    if isinstance(store, RemoteStore):
        return store.db
    from dvc_data.hashfile.db.local import LocalHashFileDB
    from dvc_objects.fs.local import LocalFileSystem

    return LocalHashFileDB(LocalFileSystem(), store.path)


def _dvc_add(db: Any, paths: list[str], oids: list[str], callback: Any, jobs: int | None) -> None:
    from dvc_objects.fs.local import LocalFileSystem
    from fsspec.callbacks import DEFAULT_CALLBACK

    failures: list[str] = []
    db.add(
        paths,
        LocalFileSystem(),
        oids,
        check_exists=False,
        callback=callback or DEFAULT_CALLBACK,
        jobs=jobs,
        on_error=lambda oid, exc: failures.append(f"{oid}: {exc}"),
    )
    if failures:
        raise FileStoreError(f"{len(failures)} object(s) could not be stored: {failures[0]}")


def _dvc_transfer(
    src: FolderStore | RemoteStore, dest: FolderStore | RemoteStore, oid: str, callback: Any, jobs: int | None
) -> int:
    from dvc_data.hashfile.hash_info import HashInfo
    from dvc_data.hashfile.transfer import transfer as dvc_transfer
    from fsspec.callbacks import DEFAULT_CALLBACK

    try:
        result = dvc_transfer(
            _dvc_db(src),
            _dvc_db(dest),
            [HashInfo("md5", oid)],
            jobs=jobs,
            shallow=False,
            callback=callback or DEFAULT_CALLBACK,
        )
    except FileNotFoundError as exc:
        raise FileStoreError(f"object {oid} is missing from {where(src)}: {exc}") from None
    except Exception as exc:  # dvc's own errors (missing objects, network) name the object
        if type(exc).__module__.startswith(("dvc", "botocore", "aiobotocore")):
            raise FileStoreError(f"could not copy {oid} from {where(src)} to {where(dest)}: {exc}") from None
        raise
    if result.failed:
        raise FileStoreError(
            f"{len(result.failed)} object(s) of {oid} could not be copied from {where(src)} "
            f"to {where(dest)} (missing or unreadable); nothing of them was placed"
        )
    return len(result.transferred)
