"""The typed errors of splice.

Every error says what was wrong and what is allowed. All derive from
:class:`SpliceError`, so ``except splice.errors.SpliceError`` catches them all.
Each class declares its wire ``code`` and the HTTP ``status`` a server answers it
with (a subclass that declares no status keeps its base's); declaring a ``code``
registers the class, and the remote engine turns a server's answer back into it.

    SpliceError                          error                 400
    ├── ValidationError (ValueError)     validation            422  nothing was written
    │   ├── KrefError                    kref
    │   │   └── BadKrefError             usd_bad_kref               splice.usd
    │   ├── VersionError                 package_version            splice.packages
    │   ├── RequirementError             package_requirement        splice.packages
    │   ├── PackageNameError             package_name               splice.packages
    │   ├── SourceError                  file_source                splice.files
    │   ├── LayerError                   usd_layer                  splice.usd
    │   ├── PinManifestError             pin_manifest               splice.pin
    │   └── ConfigError                  launcher_config            splice.launcher
    ├── NotFoundError (LookupError)      not_found             404
    │   ├── UnknownRepoError             package_unknown_repo       splice.packages (a RepoError too)
    │   ├── UnresolvedKrefError          usd_unresolved             splice.usd
    │   ├── PinnedRevisionError          pin_unknown                splice.pin
    │   ├── UnpinnedKrefError            pin_unpinned               splice.pin
    │   └── AppNotFoundError             app_not_found              splice.launcher
    ├── AlreadyExistsError               already_exists        409
    │   └── PublishedVersionError        package_published          splice.packages
    ├── ImmutableError                   immutable             409
    ├── ConflictError                    conflict              409
    │   ├── ResolutionError              package_resolution         splice.packages
    │   ├── TargetConflictError          file_conflict              splice.files (a TargetError too)
    │   └── PinChangedError              pin_changed                splice.pin
    ├── SchemaError                      schema                503
    ├── EngineError                      engine                503
    │   └── StaleReadError               replica_stale              splice.engines.replica
    ├── AuthenticationError              unauthenticated       401
    ├── ForbiddenError                   forbidden             403
    ├── ClientClosedError                client_closed              splice.client
    ├── RepoError                        package_repo               splice.packages
    ├── BuildError                       package_build              splice.packages
    ├── WorkspaceError                   package_workspace          splice.packages
    ├── ToolError                        package_tool               splice.packages
    ├── FileStoreError                   file_store                 splice.files
    │   └── ChecksumError                checksum                   splice.files
    ├── TargetError                      file_target                splice.files
    ├── LaunchError                      launch_failed              splice.launcher
    ├── HookError                        hook                       splice.pipeline.hooks
    ├── UsdUnavailableError              usd_unavailable            splice.usd
    ├── PublishValidationError           publish_validation    422  splice.pipeline.publish
    ├── QueuedWriteError                 replica_queued             splice.engines.replica
    ├── QtMissingError                   qt_missing                 splice.tools.hosting
    └── CliError                         cli                        the command line

The classes outside this module register when their module is imported;
:func:`error_class` imports :data:`ERROR_MODULES` the first time a code is unknown,
so a process that never imported them still decodes them. ``PublishValidationError``
(raised inside pyblish, under pyblish's import), ``QtMissingError`` (the artist's
windows) and ``CliError`` never leave their process and are not among them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import ClassVar

__all__ = [
    "ERRORS_BY_CODE",
    "AlreadyExistsError",
    "AuthenticationError",
    "ConflictError",
    "EngineError",
    "ForbiddenError",
    "ImmutableError",
    "KrefError",
    "NotFoundError",
    "SchemaError",
    "SpliceError",
    "ValidationError",
    "error_class",
]

ERRORS_BY_CODE: dict[str, type[SpliceError]] = {}
"""Every error class by its ``code``; filled by the classes themselves."""

# Modules of error classes that ``import splice`` does not load; none imports dvc, uv, pyblish
# or Qt, so decoding an error stays cheap (~60 ms, once per process).
ERROR_MODULES = (
    "splice.packages.errors",
    "splice.files.errors",
    "splice.launcher.errors",
    "splice.pipeline.hooks",
    "splice.usd.errors",
    "splice.pin.errors",
    "splice.engines.replica_errors",
)
_imported = False


class SpliceError(Exception):
    """Base class of every error splice raises on purpose."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:  # a subclass without its own code travels as its base
            _register(cls)


def _register(cls: type[SpliceError]) -> None:
    taken = ERRORS_BY_CODE.get(cls.code)
    same = taken is not None and (taken.__module__, taken.__qualname__) == (cls.__module__, cls.__qualname__)
    if taken is not None and not same:  # a module imported again may register anew
        raise TypeError(f"error code {cls.code!r} of {cls.__qualname__} is taken by {taken.__qualname__}")
    ERRORS_BY_CODE[cls.code] = cls


_register(SpliceError)


def error_class(code: str) -> type[SpliceError]:
    """The class registered for ``code``, else :class:`SpliceError`."""
    global _imported
    found = ERRORS_BY_CODE.get(code)
    if found is None and not _imported:
        import importlib

        _imported = True
        for module in ERROR_MODULES:
            importlib.import_module(module)
        found = ERRORS_BY_CODE.get(code)
    return found or SpliceError


class ValidationError(SpliceError, ValueError):
    """An argument has the wrong type, form or value; nothing was written."""

    code = "validation"
    status = 422


class KrefError(ValidationError):
    """A kref does not fit the grammar ``kref://project[/space…][/item.kind][?query]``."""

    code = "kref"


class NotFoundError(SpliceError, LookupError):
    """The thing a kref or name points at does not exist."""

    code = "not_found"
    status = 404


class AlreadyExistsError(SpliceError):
    """A create call named something that already exists."""

    code = "already_exists"
    status = 409


class ImmutableError(SpliceError):
    """A write would change history: a published revision, its artifacts or its edges."""

    code = "immutable"
    status = 409


class ConflictError(SpliceError):
    """The write conflicts with the store's state (e.g. a non-empty space deleted without force)."""

    code = "conflict"
    status = 409


class SchemaError(SpliceError):
    """The store's schema is newer than this splice, or cannot be upgraded."""

    code = "schema"
    status = 503


class EngineError(SpliceError):
    """No engine serves the URL given to :func:`splice.connect`, or the engine failed."""

    code = "engine"
    status = 503


class AuthenticationError(SpliceError):
    """A splice server did not accept the credentials: no token, or an unknown or revoked one."""

    code = "unauthenticated"
    status = 401


class ForbiddenError(SpliceError):
    """A splice server refused the action: the caller's role is too small for it."""

    code = "forbidden"
    status = 403
