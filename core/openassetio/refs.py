"""Entity references of the splice manager, and splice's errors as batch element errors.

An entity reference is a kref (``kref://project/space/item.kind[?r=N|?t=TAG[&time=T]][&a=NAME]``)
or the *working reference* of a publish in progress: the kref it was preflighted to, then
``#publish=`` and a token (``kref://show/chars/hero.model#publish=5f1c…``). A working
reference names the revision to be: it can be registered, never read.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from openassetio.errors import BatchElementError

from ..errors import (
    AlreadyExistsError,
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    ImmutableError,
    KrefError,
    NotFoundError,
    ValidationError,
)
from ..kref import SCHEME, Kref

PREFIX = SCHEME
_WORKING = re.compile(r"#publish=([0-9a-f]{32})\Z")

Code = BatchElementError.ErrorCode


class ElementError(Exception):
    """One batch element's failure, with its OpenAssetIO error code."""

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code

    def batch_error(self) -> BatchElementError:
        return BatchElementError(self.code, str(self))


@dataclass(frozen=True, slots=True)
class Ref:
    """A parsed entity reference: its kref and, for a working reference, its token."""

    kref: Kref
    token: str | None = None

    @property
    def read_only(self) -> bool:
        """A fixed revision or a moment in history: publishing makes new revisions, so these
        can be read, never written."""
        return self.kref.revision is not None or self.kref.time is not None

    def check_readable(self) -> None:
        if self.token is not None:
            raise ElementError(
                Code.kEntityAccessError,
                f"{self.kref}#publish=… is the revision to be of a publish in progress: "
                "register it to read it",
            )

    def check_writable(self) -> None:
        if self.read_only:
            raise ElementError(
                Code.kEntityAccessError,
                f"{self.kref} selects a fixed revision, which is read-only: publish to "
                f"{self.kref.base} to make a new revision",
            )


def parse(text: str) -> Ref:
    """The :class:`Ref` of an entity reference string; :class:`ElementError` when it is malformed."""
    hit = _PARSED.get(text)
    if hit is not None:
        return hit
    token, kref_text = None, text
    if "#" in text:
        match = _WORKING.search(text)
        if match:
            token, kref_text = match.group(1), text[: match.start()]
    try:
        kref = Kref(kref_text)
    except KrefError as exc:
        raise ElementError(Code.kMalformedEntityReference, str(exc)) from None
    if not kref.is_item:
        raise ElementError(
            Code.kMalformedEntityReference,
            f"{kref} names a {'project' if kref.is_project else 'space'}: an entity is an item, "
            "kref://project/space/name.kind[?r=N|?t=TAG[&time=T]][&a=ARTIFACT]",
        )
    ref = Ref(kref, token)
    if len(_PARSED) < _PARSED_LIMIT:  # a host asks for the same references again and again
        _PARSED[text] = ref
    return ref


_PARSED: dict[str, Ref] = {}
_PARSED_LIMIT = 200_000


def working(kref: Kref) -> str:
    """A new working reference for the revision to be of ``kref`` (nothing is written)."""
    return f"{kref}#publish={secrets.token_hex(16)}"


def element_error(exc: BaseException) -> ElementError | None:
    """The batch element error of a splice error; ``None`` for failures of the whole batch
    (the store cannot be reached, a broken schema…), which are raised instead."""
    if isinstance(exc, ElementError):
        return exc
    if isinstance(exc, KrefError):
        return ElementError(Code.kMalformedEntityReference, str(exc))
    if isinstance(exc, NotFoundError):
        return ElementError(Code.kEntityResolutionError, str(exc))
    if isinstance(exc, (ImmutableError, AlreadyExistsError, ConflictError)):
        return ElementError(Code.kEntityAccessError, str(exc))
    if isinstance(exc, (AuthenticationError, ForbiddenError)):
        return ElementError(Code.kAuthError, str(exc))
    if isinstance(exc, ValidationError):
        return ElementError(Code.kInvalidTraitSet, str(exc))
    return None
