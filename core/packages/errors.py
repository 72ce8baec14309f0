"""The errors of asset packages; each is a :class:`~splice.errors.SpliceError` and registers its
``code`` (standard library only: the wire imports it to decode them)."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import AlreadyExistsError, ConflictError, NotFoundError, SpliceError, ValidationError


class VersionError(ValidationError):
    """A version does not fit the SemVer rules of asset packages."""

    code = "package_version"


class RequirementError(ValidationError):
    """A requirement does not fit the grammar (kref or PEP 508 name, specifier, group)."""

    code = "package_requirement"


class PackageNameError(ValidationError):
    """A distribution name is not one that a kref maps to."""

    code = "package_name"


class RepoError(SpliceError):
    """A repo is unknown, unreadable or not writable."""

    code = "package_repo"


class UnknownRepoError(RepoError, NotFoundError):
    """A repo name that no configuration defines."""

    code = "package_unknown_repo"


class PublishedVersionError(AlreadyExistsError):
    """A repo already holds this version of this package: it is never overwritten."""

    code = "package_published"


class BuildError(SpliceError):
    """The build backend failed to make a wheel."""

    code = "package_build"


class ResolutionError(ConflictError):
    """Requirements cannot all be met; ``chain`` lists the requirements that conflict."""

    code = "package_resolution"

    def __init__(self, message: str, chain: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.chain = list(chain)


class WorkspaceError(SpliceError):
    """A workspace is missing, malformed, or an operation on it failed."""

    code = "package_workspace"


class ToolError(SpliceError):
    """uv, pip or the build frontend is missing or failed."""

    code = "package_tool"
