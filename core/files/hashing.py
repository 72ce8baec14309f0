"""Content hashes as dvc computes them: a file's md5, a folder's ``<md5>.dir``.

A folder's hash is the md5 of its listing, ``[{"md5": …, "relpath": …}, …]`` sorted by
relative path and written by ``json.dumps(…, sort_keys=True)`` — byte for byte what dvc
writes in its cache as the ``.dir`` object, so dvc itself can read what splice stores.
Hashing runs on a few threads (``hashlib`` releases the GIL), with no dvc import.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError

CHUNK = 1 << 20
DIR_SUFFIX = ".dir"
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Entry:
    """One file: its path relative to the stored folder (``""`` for a single file)."""

    relpath: str
    md5: str
    size: int


@dataclass(frozen=True)
class Content:
    """What a stored file or folder is made of."""

    oid: str  # "<md5>" for a file, "<md5>.dir" for a folder
    size: int
    entries: tuple[Entry, ...]
    dir_bytes: bytes | None = None  # the .dir object of a folder

    @property
    def is_dir(self) -> bool:
        return self.oid.endswith(DIR_SUFFIX)

    @property
    def nfiles(self) -> int:
        return len(self.entries)


def md5_file(path: str | os.PathLike[str], progress: Progress | None = None) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if progress is not None:
                progress(len(chunk))
    return digest.hexdigest()


def dir_listing(entries: list[Entry] | tuple[Entry, ...]) -> bytes:
    """The ``.dir`` object of a folder's entries (dvc's exact bytes)."""
    rows = sorted(({"md5": e.md5, "relpath": e.relpath} for e in entries), key=lambda r: r["relpath"])
    return json.dumps(rows, sort_keys=True).encode("utf-8")


def parse_listing(data: bytes, oid: str) -> tuple[tuple[str, str], ...]:
    """``(relpath, md5)`` pairs of a ``.dir`` object, checked against its hash and to stay
    inside their folder."""
    from .errors import ChecksumError

    if hashlib.md5(data).hexdigest() + DIR_SUFFIX != oid:
        raise ChecksumError(f"the folder listing {oid} is corrupt (its md5 does not match); nothing placed")
    try:
        rows = json.loads(data)
        pairs = tuple((str(r["relpath"]), str(r["md5"])) for r in rows)
    except (ValueError, TypeError, KeyError) as exc:
        raise SourceError(f"the folder listing {oid} is not a dvc .dir object: {exc}") from None
    for relpath, _ in pairs:
        check_relpath(relpath)
    return pairs


def check_relpath(relpath: str) -> str:
    """A relative POSIX path that stays inside its folder (no ``..``, no absolute path)."""
    parts = relpath.split("/")
    if not relpath or relpath.startswith("/") or "\\" in relpath or any(p in ("", ".", "..") for p in parts):
        raise SourceError(f"path {relpath!r} escapes its folder: relative paths without '..' only")
    return relpath


def walk(root: Path) -> Iterator[tuple[str, Path]]:
    """``(relpath, path)`` of every file below ``root``; links must stay inside it."""
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        for name in list(dirnames):
            if (here / name).is_symlink():
                _inside(here / name, real_root)
                dirnames.remove(name)  # a link to a folder inside: its files are stored from there
        dirnames.sort()
        for name in sorted(filenames):
            path = here / name
            if path.is_symlink():
                _inside(path, real_root)
            yield path.relative_to(root).as_posix(), path


def _inside(path: Path, real_root: Path) -> None:
    target = path.resolve()
    if target != real_root and real_root not in target.parents:
        raise SourceError(
            f"{path} links to {target}, outside {real_root}: a stored folder must hold its files"
        )


def hash_path(path: str | os.PathLike[str], progress: Progress | None = None, jobs: int = 0) -> Content:
    """The content of a file or folder: its hash, size and (for a folder) each file's hash."""
    source = Path(path)
    if not source.exists():
        raise SourceError(f"{source} does not exist: store an existing file or folder")
    if source.is_file():
        size = source.stat().st_size
        md5 = md5_file(source, progress)
        return Content(md5, size, (Entry("", md5, size),))
    if not source.is_dir():
        raise SourceError(f"{source} is neither a regular file nor a folder")
    files = list(walk(source))
    if not files:
        raise SourceError(f"{source} is an empty folder: nothing to store")
    workers = jobs or min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        digests = list(pool.map(lambda item: md5_file(item[1], progress), files))
    entries = tuple(Entry(rel, md5, p.stat().st_size) for (rel, p), md5 in zip(files, digests, strict=True))
    listing = dir_listing(entries)
    oid = hashlib.md5(listing).hexdigest() + DIR_SUFFIX
    return Content(oid, sum(e.size for e in entries), entries, listing)


def total_size(path: str | os.PathLike[str]) -> int:
    """Bytes below a file or folder (for a progress bar's total), without hashing."""
    source = Path(path)
    if source.is_file():
        return source.stat().st_size
    return sum(p.stat().st_size for _, p in walk(source)) if source.is_dir() else 0
