"""Placing verified files: copy (or hard-link) an object next to its destination under a
temporary name, check its md5, then rename it into place. A file whose content does not
match its hash is never placed, and no half-written file is ever visible."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .errors import ChecksumError
from .hashing import CHUNK, check_relpath

Progress = Callable[[int], None]


def _tmp(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.splice-tmp")


def copy_hashing(src: str, tmp: Path, progress: Progress | None) -> str:
    digest = hashlib.md5()
    with open(src, "rb") as fin, open(tmp, "wb") as fout:
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
        os.replace(tmp, dest)
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
    Every good file is placed; bad ones raise one :class:`ChecksumError` at the end."""
    targets = [(dest / check_relpath(rel) if rel else dest, md5, src) for rel, md5, src in objects]
    errors: list[ChecksumError] = []

    def one(item: tuple[Path, str, str]) -> Path | None:
        target, md5, src = item
        try:
            return place_one(src, md5, target, link, progress)
        except ChecksumError as exc:
            errors.append(exc)
            return None

    with ThreadPoolExecutor(max_workers=jobs or min(4, os.cpu_count() or 1)) as pool:
        placed = [p for p in pool.map(one, targets) if p is not None]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ChecksumError(str(errors[0]) + more, tuple(o for e in errors for o in e.objects))
    return placed
