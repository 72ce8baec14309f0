"""The errors of :mod:`splice.pin` (listed in :data:`splice.errors.ERROR_MODULES`, so a
server that checks a manifest answers with them and a client decodes them as themselves).

Each error that is about several entries names every one of them (``problems``), not the
first alone: a farm job that refuses a manifest says everything that is wrong with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import ConflictError, NotFoundError, ValidationError

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["PinChangedError", "PinManifestError", "PinnedRevisionError", "UnpinnedKrefError"]


def _listed(problems: Sequence[str], limit: int = 10) -> str:
    shown = "; ".join(problems[:limit])
    more = f"; and {len(problems) - limit} more" if len(problems) > limit else ""
    return shown + more


class _Listing(Exception):
    """``problems``: one line per bad entry; :meth:`listing` makes the error from them."""

    what = ""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)

    @classmethod
    def listing(cls, problems: Sequence[str], where: str = "") -> Self:
        at = f"{where}: " if where else ""
        return cls(f"{at}{len(problems)} {cls.what}: {_listed(problems)}", problems)


class PinManifestError(ValidationError):
    """A file that is not a pin manifest (``splice-pin/1``), or one with a wrong value; the
    message names the file, the entry and the key."""

    code = "pin_manifest"


class PinnedRevisionError(_Listing, NotFoundError):
    """Revisions (or artifacts) a manifest names, or krefs being pinned select, that the
    store does not have: deleted, or never there. Names each one."""

    code = "pin_unknown"
    what = "pinned revision(s) or artifact(s) the store does not have (deleted, or never there)"


class PinChangedError(_Listing, ConflictError):
    """Pinned artifacts whose content is not what the manifest recorded (another content
    hash or location): the render would not be the same. Names each one."""

    code = "pin_changed"
    what = "pinned artifact(s) whose content changed since the manifest was made"


class UnpinnedKrefError(_Listing, NotFoundError):
    """krefs that must be pinned (``splice usd resolve --pin``) but that the manifest does not
    name, or names with several revisions to choose from. Names each one."""

    code = "pin_unpinned"
    what = "kref(s) the manifest does not pin"
