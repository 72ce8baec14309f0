"""Placing verified files: copy (or hard-link) an object next to its destination under a
temporary name, check its md5, then rename it into place. A file whose content does not
match its hash is never placed, and no half-written file is ever visible.

Writes stay inside the folder they are placed in: :func:`check_target` looks at what is
already there before anything is written (a symbolic link is never written through, a file
where a folder goes or the reverse is a conflict, so are files beside a pulled folder that
are not part of it), and :func:`place_all` refuses a path that leaves its folder through a
link that appeared since. The rename replaces a link at the leaf itself, never its target.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ChecksumError, SourceError, TargetConflictError, TargetError
from .hashing import CHUNK, check_relpath, md5_file

Progress = Callable[[int], None]
MAX_NAME_BYTES = 255  # NAME_MAX of the common file systems
_SHOWN = 5  # conflicts named in an error's message (all are in its ``conflicts``)


def check_part(name: str, what: str = "file name") -> str:
    """A name that can be placed as one path component on any common file system."""
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:  # a POSIX name that is not UTF-8 (surrogate-escaped)
        raise SourceError(f"{what} {name!r} is not valid UTF-8: rename it") from None
    if name in ("", ".", "..") or any(c in name for c in "/\\\x00") or size > MAX_NAME_BYTES:
        raise SourceError(
            f"{what} {name!r} cannot be placed: 1 to {MAX_NAME_BYTES} bytes of UTF-8, "
            "not '.' or '..', without '/', '\\' or NUL"
        )
    return name


def check_placeable(relpath: str) -> str:
    """A relative POSIX path inside its folder whose every part can be placed."""
    for part in check_relpath(relpath).split("/"):
        check_part(part, f"path {relpath!r}: name")
    return relpath


def _tmp(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.splice-tmp")


def copy_hashing(src: str, tmp: Path, progress: Progress | None) -> str:
    digest = hashlib.md5()
    with open(src, "rb") as fin, open(tmp, "xb") as fout:  # "x": never through a link at tmp
        while chunk := fin.read(CHUNK):
            digest.update(chunk)
            fout.write(chunk)
            if progress is not None:
                progress(len(chunk))
    return digest.hexdigest()


def _link_hashing(src: str, tmp: Path, progress: Progress | None) -> str:
    try:
        os.link(src, tmp)
    except OSError:  # another device, or no hard links there: copy instead
        return copy_hashing(src, tmp, progress)
    digest = hashlib.md5()
    with open(tmp, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if progress is not None:
                progress(len(chunk))
    return digest.hexdigest()


def place_one(src: str, md5: str, dest: Path, link: bool = False, progress: Progress | None = None) -> Path:
    """Put object ``src`` at ``dest`` if its content hashes to ``md5``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp(dest)
    try:
        actual = (_link_hashing if link else copy_hashing)(src, tmp, progress)
        if actual != md5:
            raise ChecksumError(
                f"{dest.name}: the stored object {src} has md5 {actual}, splice recorded {md5}; "
                "the file was not placed (the object is corrupt: re-push it from a good copy)",
                (src,),
            )
        if not link:
            os.chmod(tmp, 0o644)
        os.replace(tmp, dest)  # a link at dest is replaced, not followed
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def place_all(
    objects: list[tuple[str, str, str]],  # (relpath or "", md5, object path)
    dest: Path,
    link: bool = False,
    progress: Progress | None = None,
    jobs: int = 0,
) -> list[Path]:
    """Place a file (relpath ``""``) at ``dest``, or a folder's files below ``dest``.
    Every good file is placed; bad ones raise one :class:`ChecksumError` at the end. A
    folder reached through a symbolic link at or below ``dest`` is refused."""
    anchor = Path(os.path.realpath(dest.parent)) / dest.name  # links above dest: the caller's
    targets = [(anchor / check_placeable(rel) if rel else anchor, md5, src) for rel, md5, src in objects]
    errors: list[ChecksumError] = []
    checked: set[Path] = set()

    def one(item: tuple[Path, str, str]) -> Path | None:
        target, md5, src = item
        try:
            if target.parent not in checked:
                target.parent.mkdir(parents=True, exist_ok=True)
                if os.path.realpath(target.parent) != os.fspath(target.parent):
                    raise TargetConflictError(
                        f"{target.parent} leads through a symbolic link: splice never writes through "
                        "one; nothing more was placed",
                        ((os.fspath(target.parent), "a path through a symbolic link"),),
                    )
                checked.add(target.parent)
            return place_one(src, md5, target, link, progress)
        except ChecksumError as exc:
            errors.append(exc)
            return None
        except OSError as exc:
            if src in (exc.filename, exc.filename2):
                raise  # the object: the caller knows what a missing one means
            raise TargetError(f"cannot write {target}: {exc.strerror or exc}") from None

    with ThreadPoolExecutor(max_workers=jobs or min(4, os.cpu_count() or 1)) as pool:
        placed = [p for p in pool.map(one, targets) if p is not None]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ChecksumError(str(errors[0]) + more, tuple(o for e in errors for o in e.objects))
    return placed


# -- what is in the way, before anything is written -------------------------------------------
@dataclass(frozen=True)
class Wanted:
    """One file or folder to place at ``dest``: its files as ``(relpath or "", md5)``;
    ``held(md5)`` says whether splice holds that content (a file with it may be replaced)."""

    dest: Path
    files: tuple[tuple[str, str], ...]
    is_dir: bool
    held: Callable[[str], bool] = lambda md5: False


@dataclass
class Plan:
    """What :func:`check_target` found: files already in place, paths to remove first."""

    root: Path
    skip: set[Path] = field(default_factory=set)
    remove: list[Path] = field(default_factory=list)

    def apply(self) -> None:
        """Remove what is in the way (a link itself, never what it points to)."""
        done: set[Path] = set()
        for path in sorted(self.remove, key=lambda p: len(p.parts)):
            if path in done or any(p in done for p in path.parents):
                continue
            try:
                if stat.S_ISDIR(os.lstat(path).st_mode):
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise TargetError(f"cannot remove {path}: {exc.strerror or exc}") from None
            done.add(path)


def _kind(path: Path) -> tuple[str | None, str]:
    """``(kind, description)`` of what is at ``path``, never following a link."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None, "nothing"
    if stat.S_ISLNK(mode):
        try:
            to = os.readlink(path)
        except OSError:
            to = "?"
        return "link", f"a symbolic link (to {to})"
    if stat.S_ISDIR(mode):
        return "folder", "a folder"
    if stat.S_ISREG(mode):
        return "file", "a file"
    return "other", "a special file (a pipe, socket or device)"


def check_target(
    root: Path,
    wanted: Iterable[Wanted],
    sidecars: Iterable[Path] = (),
    *,
    force: bool = False,
    clean: bool = False,
) -> Plan:
    """Look at ``root`` (a resolved path: no links in it) before anything is placed there and
    return the :class:`Plan`; raise :class:`TargetConflictError` naming everything in the way.

    In the way: anything but a folder where a folder goes; a link, a folder or a special file
    where a file goes; a file with other content that splice does not hold (a local change);
    files and folders inside a pulled folder that are not part of it. ``force`` replaces what
    is in the way (extra files stay); ``clean`` also removes the extra files, so a pulled
    folder holds exactly its files. ``sidecars`` are files splice writes beside (``.dvc``
    files): a file there is replaced, anything else is in the way."""
    plan = Plan(root)
    conflicts: list[tuple[str, str]] = []
    replace = force or clean
    base = root  # the target, or the nearest of its parents that exists: a folder
    while _kind(base)[0] is None and base.parent != base:
        base = base.parent
    kind, what = _kind(base)
    if kind != "folder":
        raise TargetConflictError(
            f"cannot pull into {root}: {base} is {what}, not a folder; nothing was written",
            ((os.fspath(base), what),),
        )
    kind = _kind(root)[0]
    state: dict[Path, str | None] = {root: kind}  # what is there, as far as it matters
    files: dict[Path, str | None] = {}  # file -> md5 (None: a sidecar, replaced as it is)
    held: dict[Path, Callable[[str], bool]] = {}
    folders: set[Path] = set()
    items = list(wanted)
    for item in items:
        if item.is_dir:
            folders.add(item.dest)
        for rel, md5 in item.files:
            path = item.dest / check_placeable(rel) if rel else item.dest
            files[path] = md5
            held[path] = item.held
            folders.update(_between(root, path))
    for path in sidecars:
        files[path] = None
        folders.update(_between(root, path))

    def in_the_way(path: Path, what: str, goes: str) -> None:
        if replace:
            plan.remove.append(path)
            state[path] = None
        else:
            conflicts.append((os.fspath(path), f"{what}; {goes} goes there"))
            state[path] = "blocked"

    for path in sorted(folders | set(files), key=lambda p: len(p.parts)):
        if state.get(path.parent) != "folder":
            state[path] = None  # nothing there (or already reported): nothing below to check
            continue
        kind, what = _kind(path)
        state[path] = kind
        if path in files:
            if kind == "file" or kind is None:
                continue
            in_the_way(path, what, "a file")
        elif kind not in (None, "folder"):
            in_the_way(path, what, "a folder")

    # files already there: the same content stays, other content is replaced only if splice
    # holds it (else it is a local change, kept unless forced)
    existing = [(p, md5) for p, md5 in files.items() if md5 is not None and state.get(p) == "file"]
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        digests = list(pool.map(lambda pair: _md5_or_none(pair[0]), existing))
    for (path, md5), actual in zip(existing, digests, strict=True):
        if actual == md5:
            plan.skip.add(path)
        elif not replace and (actual is None or not held[path](actual)):
            conflicts.append(
                (os.fspath(path), "a file with other content that splice does not hold (a local change?)")
            )

    for item in items:
        if item.is_dir and state.get(item.dest) == "folder":
            for path, what in _extras(item.dest, files, folders):
                if clean:
                    plan.remove.append(path)
                elif not force:
                    conflicts.append((os.fspath(path), f"{what}, not part of the revision"))
    if conflicts:
        shown = "; ".join(f"{p}: {w}" for p, w in conflicts[:_SHOWN])
        more = f"; and {len(conflicts) - _SHOWN} more" if len(conflicts) > _SHOWN else ""
        raise TargetConflictError(
            f"cannot pull into {root}: {len(conflicts)} path(s) in the way, nothing was written: "
            f"{shown}{more}. Move them, or pull with force (--force: replace what is in the way) or "
            "clean (--clean: also remove what is not part of the revision)",
            tuple(conflicts),
        )
    return plan


def _between(root: Path, path: Path) -> Iterator[Path]:
    """The folders below ``root`` that lead to ``path``."""
    folder = path.parent
    while folder != root and folder != folder.parent:
        yield folder
        folder = folder.parent


def _md5_or_none(path: Path) -> str | None:
    try:
        return md5_file(path)
    except OSError:  # unreadable: not splice's to replace
        return None


def _extras(folder: Path, files: dict[Path, str | None], folders: set[Path]) -> list[tuple[Path, str]]:
    """What is inside ``folder`` that is not one of ``files`` or on the way to one (a folder
    of extras is named once); links are not followed."""
    out: list[tuple[Path, str]] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return out
    for entry in entries:
        path = Path(entry.path)
        if path in files:
            continue
        if path in folders:
            if entry.is_dir(follow_symlinks=False):
                out.extend(_extras(path, files, folders))
            continue  # anything else there was reported as in the way
        out.append((path, _kind(path)[1]))
    return out
