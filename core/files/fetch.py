"""Pulling stored artifacts: fetch their objects (a folder store is read in place; other
stores go through the local cache), verify every file and place it."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from ..kref import Kref
from . import dvcfiles, odb
from .config import cache_dir
from .errors import ChecksumError, FileStoreError
from .hashing import parse_listing
from .place import place_all
from .progress import Bar, callback
from .records import Stored, select, stored

if TYPE_CHECKING:
    from ..client import Client


def _complete(db: Any, oid: str) -> bool:
    if odb.missing(db, [oid]):
        return False
    if not oid.endswith(".dir"):
        return True
    pairs = parse_listing(odb.read_listing(db, oid), oid)
    return not odb.missing(db, {md5 for _, md5 in pairs})


def objects(item: Stored, progress: bool = False) -> tuple[list[tuple[str, str, str]], bool]:
    """``(relpath, md5, local object path)`` of every file of a stored artifact, fetching
    into the local cache what is not local yet; and whether they are in the cache."""
    store = odb.open_store(item.store)
    if odb.is_local(store) and _complete(store, item.oid):
        source = store
    else:
        source = odb.open_cache()
        if not _complete(source, item.oid):
            odb.transfer(store, source, item.oid, callback(progress, f"fetching {item.filename}"))
    pairs = parse_listing(odb.read_listing(source, item.oid), item.oid) if item.is_dir else (("", item.oid),)
    return [(rel, md5, source.oid_to_path(md5)) for rel, md5 in pairs], source is not store


def _filename(item: Stored) -> str:
    name = item.filename
    if not name or name in (".", "..") or "/" in name or "\\" in name:
        raise ValidationError(f"{item.artifact.kref}: filename {name!r} escapes the pull folder")
    return name


def _place(item: Stored, dest: Path, link: bool, progress: bool) -> list[Path]:
    found, in_cache = objects(item, progress)
    with Bar(progress, item.size, f"placing {item.filename}") as bar:
        try:
            return place_all(found, dest, link, bar.update)
        except FileNotFoundError as exc:
            raise FileStoreError(f"{item.artifact.kref}: an object is missing: {exc.filename}") from None
        except ChecksumError as exc:
            if in_cache:  # drop bad copies from the cache: the next pull fetches them again
                for path in exc.objects:
                    Path(path).unlink(missing_ok=True)
            raise


def pull(
    kref: Kref | str,
    to: str | os.PathLike[str] = ".",
    *,
    link: bool = False,
    progress: bool = False,
    dvc_files: bool = True,
    client: Client,
) -> list[Path]:
    """Fetch the files of a revision (or of one artifact, ``a=NAME``) and place each
    artifact at ``to/<filename>``; return those paths.

    Every file's md5 is checked before it is placed; a mismatch raises
    :class:`~splice.files.errors.ChecksumError` and that file is not placed. ``link``
    hard-links from the cache or folder store instead of copying (such files must not be
    edited in place). ``dvc_files`` also writes ``.dvc/config`` and ``<filename>.dvc``, so
    ``dvc status`` / ``dvc pull`` work in ``to`` without splice.
    """
    items = select(client, kref)
    names = [_filename(i) for i in items]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValidationError(
            f"{kref}: several artifacts are named {dupes[0]!r} on disk; pull them "
            "one at a time (…&a=NAME) into different folders"
        )
    folder = Path(to).absolute()
    placed = []
    for item, name in zip(items, names, strict=True):
        _place(item, folder / name, link, progress)
        placed.append(folder / name)
        if dvc_files:
            dvcfiles.write_dvc_file(folder, name, item.oid, item.size, item.nfiles)
    if dvc_files:
        dvcfiles.write_config(folder, items[0].store)
    return placed


def checkouts_dir() -> Path:
    """Where :func:`resolve` places files: one read-only-by-convention folder per content hash."""
    return cache_dir().parent / "checkouts"


def resolve(
    kref: Kref | str, fetch: bool = True, *, progress: bool = False, client: Client
) -> str:
    """The artifact's location; with ``fetch`` (and stored files), a local path to its
    verified files, fetched once per content hash into :func:`checkouts_dir`."""
    c = client
    if not fetch:
        return c.resolve(kref)
    artifact = c.get_artifact(kref)
    item = stored(artifact)
    if item is None:
        return artifact.location
    name = _filename(item)
    final = checkouts_dir() / item.oid.replace(".dir", "_dir")
    if (final / name).exists():
        return os.fspath(final / name)
    staging = final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}.splice-tmp")
    try:
        _place(item, staging / name, False, progress)
        staging.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(staging, final)
        except OSError:
            if not (final / name).exists():  # not another process winning the race
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return os.fspath(final / name)
