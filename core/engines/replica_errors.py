"""The replica's error: a read it may not answer because its copy may be out of date."""

from __future__ import annotations

from ..errors import EngineError


class StaleReadError(EngineError):
    """A ``strict`` replica cannot reach its server and will not answer from a copy that
    may be out of date: reconnect, or open it without ``strict``."""

    code = "replica_stale"
