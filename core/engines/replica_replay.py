"""Replaying a replica's queued writes to its server: in order, one at a time, each with
its idempotency key.

- A write the server makes leaves the queue; sent again after a crash (made, not yet
  marked), the server answers it from its store of keys and makes nothing.
- A write the server refuses (a conflict, a permission, a node deleted meanwhile) is
  marked ``refused`` with the server's error and the replay goes on. A later write on a
  node that a refused write was to make (a publish's item, a space) is not sent blindly:
  it is refused too, naming the write it depends on. ``splice sync drop ID`` discards a
  refused write; ``splice sync retry ID`` queues it again.
- A tag moved offline carries what the replica saw (``expect``): when someone has moved
  that tag since, the move is refused as a conflict, saying who moved it where, rather
  than undoing their decision.
- A publish's files stored offline are in the local cache: they are pushed to their store
  before the revision is written. A store that cannot be reached keeps that write (and
  what depends on it) queued; the rest goes on.
- The server away (or the token refused) stops the replay; everything left stays queued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import AuthenticationError, ConflictError, EngineError, NotFoundError, SchemaError, SpliceError
from ..kref import Kref
from .replica_queue import QueuedWrite, WriteQueue, depends_on

MAX_TRIES = 3  # an unexpected server error is refused after this many tries
_STOP = (EngineError, AuthenticationError, SchemaError)  # not the write's fault: try again later


class _Held(Exception):
    """This write cannot be sent now (its files' store is away): keep it and its dependents."""


@dataclass(frozen=True)
class Landed:
    """A queued write the server made: what it made (krefs), if the answer names any."""

    write: QueuedWrite
    made: tuple[str, ...]


@dataclass
class ReplayReport:
    """What a replay did: ``landed`` in order, ``refused`` (with the server's reason),
    ``held`` (kept for later: their store is away), ``left`` still queued, and ``stopped``:
    why it stopped early (the server away), or None."""

    landed: list[Landed] = field(default_factory=list)
    refused: list[QueuedWrite] = field(default_factory=list)
    held: list[QueuedWrite] = field(default_factory=list)
    left: int = 0
    stopped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "landed": [{**x.write.to_dict(), "made": list(x.made)} for x in self.landed],
            "refused": [w.to_dict() for w in self.refused],
            "held": [w.to_dict() for w in self.held],
            "left": self.left,
            "stopped": self.stopped,
        }


def replay(queue: WriteQueue, server: Any) -> ReplayReport:
    """Send every queued write to ``server`` (a RemoteBackend), oldest first."""
    report = ReplayReport()
    refused = queue.refused()
    held: list[QueuedWrite] = []
    for write in queue.pending():
        blocker = depends_on(write, refused)
        if blocker is not None:
            queue.refuse(
                write.id,
                "depends",
                f"not sent: it depends on write #{blocker.id} ({blocker.what}), which the server "
                f"refused ({blocker.error_code}: {blocker.error})",
            )
            refused.append(_now(queue, write))
            report.refused.append(refused[-1])
            continue
        if depends_on(write, held) is not None:
            report.held.append(write)
            held.append(write)
            continue
        try:
            _check_expect(server, write)
            if write.method == "batch_create_revisions":
                _push_objects(write)
            result = server.send(write.method, write.args, idempotency_key=write.key)
        except _Held as exc:
            queue.failed(write.id, "file_store", str(exc))
            held.append(_now(queue, write))
            report.held.append(held[-1])
            continue
        except _STOP as exc:
            queue.failed(write.id, exc.code, str(exc))
            report.stopped = f"{type(exc).__name__}: {exc}"
            break
        except SpliceError as exc:
            if type(exc) is SpliceError and queue.failed(write.id, exc.code, str(exc)) < MAX_TRIES:
                held.append(_now(queue, write))  # an unexpected server error: try again later
                report.held.append(held[-1])
                continue
            queue.refuse(write.id, exc.code, str(exc))
            refused.append(_now(queue, write))
            report.refused.append(refused[-1])
            continue
        queue.done(write.id)
        report.landed.append(Landed(write, _made(result)))
    report.left = queue.counts()[0]
    return report


def _now(queue: WriteQueue, write: QueuedWrite) -> QueuedWrite:
    return queue.get(write.id) or write


def _made(result: Any) -> tuple[str, ...]:
    items = result if isinstance(result, list) else [result]
    return tuple(str(r.kref) for r in items if getattr(r, "kref", None) is not None)


# -- a tag moved meanwhile ---------------------------------------------------------------
def _check_expect(server: Any, write: QueuedWrite) -> None:
    """Refuse a tag move when the tag is no longer where the replica saw it offline (and
    not already where this write puts it: a replay interrupted after the move)."""
    expect = write.expect
    if not expect:
        return
    item, tag = Kref(expect["item"]), expect["tag"]
    try:
        now = server.get_revision(Kref(f"{item}?t={tag}")).number
    except NotFoundError:
        now = None
    done = now == expect.get("target") if write.method == "tag_revision" else now is None
    if now == expect.get("number") or done:
        return
    history = [e for e in server.tag_history(item, tag)]
    last = history[-1] if history else None
    by = f" ({last.action} by {last.author} at {last.at})" if last is not None else ""
    seen = f"r{expect['number']}" if expect.get("number") is not None else "on no revision"
    where = f"r{now}" if now is not None else "on no revision"
    raise ConflictError(
        f"tag {tag!r} of {item} was {seen} when this was queued offline; it is {where} now{by}: "
        "not moved, so as not to undo that; do it again if you still mean it (splice sync retry ID)"
    )


# -- a publish's files -------------------------------------------------------------------
def _push_objects(write: QueuedWrite) -> None:
    """Send the objects of the publish's stored artifacts that their store lacks, from the
    local cache (where a publish made offline put them)."""
    wanted = []
    for spec in write.args.get("specs", []):
        for artifact in spec.get("artifacts", []):
            meta = artifact.get("metadata") or {}
            if meta.get("content_hash") and meta.get("store"):
                wanted.append((meta["content_hash"], meta["store"], meta.get("store_options")))
    if not wanted:
        return
    import json

    from ..files import odb
    from ..files.config import StoreConfig
    from ..files.errors import FileStoreError

    cache = None
    try:
        for oid, url, options in wanted:
            store = odb.open_store(StoreConfig(url, json.loads(options) if options else {}))
            if not odb.missing(store, [oid]):
                continue
            cache = cache or odb.open_cache()
            odb.transfer(cache, store, oid)
    except (FileStoreError, OSError) as exc:
        raise _Held(f"the files of this publish could not be pushed to their store: {exc}") from None
