"""A folder in dvc's object layout (``<root>/files/md5/ab/cdef…``), read and written in
pure Python.

A folder store (a NAS share, the default per-user store) and the local cache need
nothing of dvc: an object is a file named by its md5, copied next to its place under a
temporary name, its md5 checked while copying, and renamed into place (two writers of
the same object both write the same bytes; the last rename wins, and no reader ever sees
half a file). That keeps dvc out of a DCC's Python; dvc itself reads these folders as
its own cache or remote.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from pathlib import Path

from .errors import FileStoreError
from .place import Progress, copy_hashing

OBJECTS = ("files", "md5")  # dvc 3's object folder below a cache or remote root


class FolderStore:
    """The objects of a store or cache folder ``root``."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.path = str(self.root.joinpath(*OBJECTS))
        try:
            os.makedirs(self.path, exist_ok=True)
        except OSError as exc:
            raise FileStoreError(f"cannot create the file store folder {self.path}: {exc.strerror}") from None

    def __repr__(self) -> str:
        return f"FolderStore({str(self.root)!r})"

    def oid_to_path(self, oid: str) -> str:
        return os.path.join(self.path, oid[:2], oid[2:])

    def missing(self, oids: Iterable[str]) -> set[str]:
        return {oid for oid in oids if not os.path.exists(self.oid_to_path(oid))}

    def add_file(self, oid: str, source: str, progress: Progress | None = None) -> None:
        """Copy ``source`` in as object ``oid``; refused if its content is not ``oid``
        (the file changed since it was hashed)."""
        dest = Path(self.oid_to_path(oid))
        tmp = self._tmp(dest)
        try:
            actual = copy_hashing(source, tmp, progress)
            if actual != oid:
                raise FileStoreError(
                    f"{source} changed while it was being stored (md5 {actual}, hashed as {oid}): "
                    "nothing was recorded; store it again once it is written"
                )
            os.replace(tmp, dest)
        except OSError as exc:
            raise FileStoreError(f"cannot store {source} in {self.root}: {exc.strerror or exc}") from None
        finally:
            tmp.unlink(missing_ok=True)

    def add_bytes(self, oid: str, data: bytes) -> None:
        dest = Path(self.oid_to_path(oid))
        tmp = self._tmp(dest)
        try:
            tmp.write_bytes(data)
            os.replace(tmp, dest)
        except OSError as exc:
            raise FileStoreError(f"cannot write object {oid} in {self.root}: {exc.strerror or exc}") from None
        finally:
            tmp.unlink(missing_ok=True)

    def read(self, oid: str) -> bytes:
        try:
            with open(self.oid_to_path(oid), "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            raise FileStoreError(f"object {oid} is missing from {self.root}") from None

    def _tmp(self, dest: Path) -> Path:
        dest.parent.mkdir(parents=True, exist_ok=True)
        return dest.with_name(f"{dest.name}.{uuid.uuid4().hex[:12]}.tmp")
