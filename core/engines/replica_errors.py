"""The replica's errors: a read it may not answer because its copy may be out of date, and
a write it queued because the server cannot be reached."""

from __future__ import annotations

from typing import Any

from ..errors import EngineError, SpliceError


class StaleReadError(EngineError):
    """A ``strict`` replica cannot reach its server and will not answer from a copy that
    may be out of date: reconnect, or open it without ``strict``."""

    code = "replica_stale"


class QueuedWriteError(SpliceError):
    """The server cannot be reached, so the write was queued in the replica (durably, with
    an idempotency key) and will be sent when it is back: nothing is lost, and nothing
    is written yet. ``write`` is the queued write (``.id``, ``.what``, ``.key``); a
    publish reports it as queued. Do not retry it: it is already queued."""

    code = "replica_queued"

    def __init__(self, message: str, write: Any = None) -> None:
        super().__init__(message)
        self.write = write
