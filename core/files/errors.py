"""The errors of :mod:`splice.files`; each derives from :class:`splice.errors.SpliceError` and
registers its ``code`` (standard library only: the wire imports it to decode them)."""

from __future__ import annotations

from ..errors import ConflictError, SpliceError, ValidationError


class FileStoreError(SpliceError):
    """The file store cannot do what was asked: not reachable, a dvc plug-in missing,
    an object absent from both the store and the local cache."""

    code = "file_store"


class ChecksumError(FileStoreError):
    """A file's content does not match the hash splice recorded; it was not placed."""

    code = "checksum"

    def __init__(self, message: str, objects: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.objects = objects  # the paths of the bad objects


class SourceError(ValidationError):
    """A file or folder to store or ingest is missing, unreadable or escapes its root."""

    code = "file_source"


class TargetError(SpliceError):
    """The folder files are pulled into cannot take them: not writable, full, a name too long
    for its file system."""

    code = "file_target"


class TargetConflictError(TargetError, ConflictError):
    """Something is in the way of a pull: a file where a folder goes (or the reverse), a
    symbolic link (never written through), a file with other content that splice does not hold,
    or files beside a pulled folder that are not part of the revision. Nothing was written;
    ``conflicts`` lists ``(path, what is there)``."""

    code = "file_conflict"

    def __init__(self, message: str, conflicts: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.conflicts = conflicts
