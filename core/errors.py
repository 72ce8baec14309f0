"""The typed errors of splice.

Every error says what was wrong and what is allowed. All derive from
:class:`SpliceError`, so ``except splice.errors.SpliceError`` catches them all;
the remote engine turns a server's answer back into the same class by its
``code``.
"""

from __future__ import annotations


class SpliceError(Exception):
    """Base class of every error splice raises on purpose."""

    code = "error"


class ValidationError(SpliceError, ValueError):
    """An argument has the wrong type, form or value; nothing was written."""

    code = "validation"


class KrefError(ValidationError):
    """A kref does not fit the grammar ``kref://project[/space…][/item.kind][?query]``."""

    code = "kref"


class NotFoundError(SpliceError, LookupError):
    """The thing a kref or name points at does not exist."""

    code = "not_found"


class AlreadyExistsError(SpliceError):
    """A create call named something that already exists."""

    code = "already_exists"


class ImmutableError(SpliceError):
    """A write would change history: a published revision, its artifacts or its edges."""

    code = "immutable"


class ConflictError(SpliceError):
    """The write conflicts with the store's state (e.g. a non-empty space deleted without force)."""

    code = "conflict"


class SchemaError(SpliceError):
    """The store's schema is newer than this splice, or cannot be upgraded."""

    code = "schema"


class EngineError(SpliceError):
    """No engine serves the URL given to :func:`splice.connect`, or the engine failed."""

    code = "engine"


class AuthenticationError(SpliceError):
    """A splice server did not accept the credentials: no token, or an unknown or revoked one."""

    code = "unauthenticated"


class ForbiddenError(SpliceError):
    """A splice server refused the action: the caller's role is too small for it."""

    code = "forbidden"


ERRORS_BY_CODE: dict[str, type[SpliceError]] = {
    cls.code: cls
    for cls in (
        SpliceError,
        ValidationError,
        KrefError,
        NotFoundError,
        AlreadyExistsError,
        ImmutableError,
        ConflictError,
        SchemaError,
        EngineError,
        AuthenticationError,
        ForbiddenError,
    )
}
