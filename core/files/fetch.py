"""Pulling stored artifacts: fetch their objects (a folder store is read in place; other
stores go through the local cache), verify every file and place it."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ValidationError
from ..kref import Kref
from . import dvcfiles, odb
from .config import cache_dir
from .errors import ChecksumError, FileStoreError, SourceError, TargetError
from .folder import FolderStore
from .hashing import parse_listing
from .place import Wanted, check_part, check_target, place_all
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


@dataclass(frozen=True)
class Fetched:
    """A stored artifact's files, local: ``(relpath or "", md5, object path)`` in ``source``
    (its folder store, or the local cache)."""

    item: Stored
    files: list[tuple[str, str, str]]
    source: FolderStore
    in_cache: bool

    def held(self, md5: str) -> bool:
        return os.path.isfile(self.source.oid_to_path(md5))


def objects(item: Stored, progress: bool = False) -> Fetched:
    """The files of a stored artifact, fetching into the local cache what is not local yet."""
    store = odb.open_store(item.store)
    if isinstance(store, FolderStore) and _complete(store, item.oid):
        source = store
    else:
        source = odb.open_cache()
        if not _complete(source, item.oid):
            odb.transfer(store, source, item.oid, callback(progress, f"fetching {item.filename}"))
    pairs = parse_listing(odb.read_listing(source, item.oid), item.oid) if item.is_dir else (("", item.oid),)
    files = [(rel, md5, source.oid_to_path(md5)) for rel, md5 in pairs]
    return Fetched(item, files, source, source is not store)


def _filename(item: Stored) -> str:
    try:
        return check_part(item.filename)
    except SourceError as exc:
        raise SourceError(f"{item.artifact.kref}: {exc}; it cannot be pulled") from None


def _place(
    fetched: Fetched, dest: Path, link: bool, progress: bool, skip: AbstractSet[Path] = frozenset()
) -> None:
    item = fetched.item
    todo, done = [], []  # done: already in place with the right content
    for f in fetched.files:
        (done if (dest / f[0] if f[0] else dest) in skip else todo).append(f)
    with Bar(progress, item.size, f"placing {item.filename}") as bar:
        if done:
            bar.update(sum(os.path.getsize(f[2]) for f in done))
        try:
            place_all(todo, dest, link, bar.update)
        except FileNotFoundError as exc:
            raise FileStoreError(f"{item.artifact.kref}: an object is missing: {exc.filename}") from None
        except ChecksumError as exc:
            if fetched.in_cache:  # drop bad copies from the cache: the next pull fetches them again
                for path in exc.objects:
                    Path(path).unlink(missing_ok=True)
            raise


def _sidecars(root: Path, names: list[str]) -> list[Path]:
    """The files ``dvc_files`` writes beside the pulled ones; no artifact may be one of them."""
    paths = [root / ".dvc" / "config", root / ".dvcignore", *(root / f"{n}.dvc" for n in names)]
    taken = sorted({n for n in names if root / n in paths or n == ".dvc"})
    if taken:
        raise ValidationError(
            f"an artifact is placed as {taken[0]!r}, where splice writes its dvc files: pull "
            "with dvc_files=False (--no-dvc)"
        )
    return paths


def pull(
    kref: Kref | str,
    to: str | os.PathLike[str] = ".",
    *,
    link: bool = False,
    progress: bool = False,
    dvc_files: bool = True,
    force: bool = False,
    clean: bool = False,
    client: Client,
) -> list[Path]:
    """Fetch the files of a revision (or of one artifact, ``a=NAME``) and place each
    artifact at ``to/<filename>``; return those paths.

    Every file's md5 is checked before it is placed; a mismatch raises
    :class:`~splice.files.errors.ChecksumError` and that file is not placed. ``link``
    hard-links from the cache or folder store instead of copying (such files must not be
    edited in place). ``dvc_files`` also writes ``.dvc/config`` and ``<filename>.dvc``, so
    ``dvc status`` / ``dvc pull`` work in ``to`` without splice.

    Nothing is written outside ``to``, and nothing through a symbolic link inside it. What
    is in the way (a file where a folder goes or the reverse, a link, a file with other
    content that splice does not hold, files inside a pulled folder that are not part of
    the revision) raises :class:`~splice.files.errors.TargetConflictError` naming each,
    before anything is written. ``force`` replaces what is in the way (a link itself, never
    what it points to) and keeps the extra files; ``clean`` also removes those, so each
    pulled folder holds exactly the revision's files. Files already in place with the right
    content are not copied again.
    """
    for flag, value in (("force", force), ("clean", clean)):
        if not isinstance(value, bool):
            raise ValidationError(f"{flag} must be True or False, not {value!r}")
    items = select(client, kref)
    names = [_filename(i) for i in items]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValidationError(
            f"{kref}: several artifacts are named {dupes[0]!r} on disk; pull them "
            "one at a time (…&a=NAME) into different folders"
        )
    try:
        folder = Path(to).resolve()  # a link at or above ``to`` is the caller's; none below is followed
    except (OSError, RuntimeError, ValueError) as exc:
        raise ValidationError(f"pull folder {to!r}: {exc}") from None
    sidecars = _sidecars(folder, names) if dvc_files else []
    fetched = [objects(item, progress) for item in items]  # into the cache: nothing in ``to`` yet
    wanted = [
        Wanted(folder / name, tuple((rel, md5) for rel, md5, _ in f.files), f.item.is_dir, f.held)
        for f, name in zip(fetched, names, strict=True)
    ]
    plan = check_target(folder, wanted, sidecars, force=force, clean=clean)
    plan.apply()
    placed = []
    for f, name in zip(fetched, names, strict=True):
        _place(f, folder / name, link, progress, plan.skip)
        placed.append(folder / name)
        if dvc_files:
            _dvc_write(dvcfiles.write_dvc_file, folder, name, f.item.oid, f.item.size, f.item.nfiles)
    if dvc_files:
        _dvc_write(dvcfiles.write_config, folder, items[0].store)
    return placed


def _dvc_write(write: Callable[..., Any], folder: Path, *args: Any) -> None:
    try:
        write(folder, *args)
    except OSError as exc:
        raise TargetError(f"cannot write the dvc files in {folder}: {exc.strerror or exc}") from None


def checkouts_dir() -> Path:
    """Where :func:`resolve` places files: one read-only-by-convention folder per content hash."""
    return cache_dir().parent / "checkouts"


def resolve(kref: Kref | str, fetch: bool = True, *, progress: bool = False, client: Client) -> str:
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
        _place(objects(item, progress), staging / name, False, progress)
        staging.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(staging, final)
        except OSError:
            if not final.is_dir():
                raise
            # the same content is here already: another process won the race, or another
            # artifact holds these bytes under another name (added beside it)
            if not (final / name).exists():
                try:
                    os.rename(staging / name, final / name)
                except OSError:
                    if not (final / name).exists():
                        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return os.fspath(final / name)
