"""The errors of :mod:`splice.usd` (no ``pxr`` needed). Listed in
:data:`splice.errors.ERROR_MODULES`, so a server that reads layers (a pin manifest, an
OpenAssetIO manager) can answer with them and a client decodes them as themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import KrefError, NotFoundError, SpliceError, ValidationError


class UsdUnavailableError(SpliceError):
    """No USD Python bindings (``pxr``) here: neither ``usd-core`` nor the DCC's own."""

    code = "usd_unavailable"


class LayerError(ValidationError):
    """A file that is not a USD layer, or that USD cannot read."""

    code = "usd_layer"


def _listed(problems: Sequence[str], limit: int = 10) -> str:
    shown = "; ".join(problems[:limit])
    more = f"; and {len(problems) - limit} more" if len(problems) > limit else ""
    return shown + more


class BadKrefError(KrefError):
    """Asset paths that start with ``kref://`` but are not krefs; ``problems``: each, where
    (:meth:`listing` makes one from them)."""

    code = "usd_bad_kref"

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)

    @classmethod
    def listing(cls, problems: Sequence[str]) -> BadKrefError:
        return cls(f"{len(problems)} asset path(s) are not valid krefs: {_listed(problems)}", problems)


class UnresolvedKrefError(NotFoundError):
    """Krefs in a layer stack that select nothing; ``problems``: each kref and where it is.
    Raised before anything is written."""

    code = "usd_unresolved"

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)

    @classmethod
    def listing(cls, problems: Sequence[str]) -> UnresolvedKrefError:
        what = f"{len(problems)} kref(s) in the layer stack select nothing (nothing was written)"
        return cls(f"{what}: {_listed(problems)}", problems)
