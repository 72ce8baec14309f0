"""Making a manifest: the asked krefs → the exact revisions, artifacts and content hashes.

Every distinct kref goes to the store in ONE ``batch_get_revisions`` (tags read as of
``at`` when given); then each pinned artifact is read once (its location and the content
hash ``splice.files`` recorded when it stored the files; a plain local file or folder is
hashed here, the same way). Every kref that selects nothing is named at once, before
anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import NotFoundError
from ..kref import Kref
from ..times import parse_time, to_stamp
from ..usd.resolve import pin as at_time  # tags (and latest) as of a time; a=NAME kept; no pxr
from .errors import PinnedRevisionError
from .manifest import Entry, Manifest
from .sources import Asked, Source

if TYPE_CHECKING:
    from ..client import Client
    from ..nodes import Artifact

__all__ = ["at_time", "content_hash", "make", "store_position", "store_url"]


def store_url(client: Client) -> str:
    """Where the store is, without credentials: no ``user:password@``, no query parameter
    that holds a secret; an embedded SQLite file as its absolute path."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    backend = client.backend
    url = str(getattr(backend, "url", "") or "")
    path = getattr(backend, "path", None)  # SQLite's file (a replica's is its copy: the server counts)
    if path is not None and not url.startswith(("http://", "https://")):
        return "sqlite:///" + Path(os.path.abspath(path)).as_posix()
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]  # a manifest is shared; credentials are not
    query = [(k, v) for k, v in parse_qsl(parts.query) if not any(s in k.lower() for s in _SECRETS)]
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query), fragment=""))


_SECRETS = ("password", "token", "secret", "key")


def store_position(client: Client) -> tuple[str, str | None]:
    """The store's event cursor and the time of the event there (None: an empty log)."""
    cursor, _ = client.backend.export_rows([], False, None, None)
    if int(cursor) < 1:
        return cursor, None
    for event in client.event_stream(cursor=str(int(cursor) - 1), timeout=0):
        return cursor, to_stamp(event.timestamp)
    return cursor, None


def content_hash(artifact: Artifact) -> tuple[str | None, int | None]:
    """``("md5:<oid>", size)``: recorded for stored files, hashed here for a local file or
    folder; ``(None, None)`` for a location splice cannot read (a URL)."""
    from ..files import records

    stored = records.stored(artifact)
    if stored is not None:
        return f"md5:{stored.oid}", stored.size
    location = artifact.location
    path = location[len("file://") :] if location.startswith("file://") else location
    if "://" in path or not os.path.exists(path):
        return None, None
    from ..files.hashing import hash_path

    content = hash_path(path)
    return f"md5:{content.oid}", content.size


def make(client: Client, sources: Sequence[Source], at: str | None = None) -> Manifest:
    """The manifest of ``sources`` (see the module); ``at``: YYYYMMDDHHMM or ISO 8601."""
    stamp = to_stamp(parse_time(at)) if at is not None else None
    cursor, store_time = store_position(client)  # first: what is read next is at least this new
    asked: dict[Kref, list[Asked]] = {}
    for source in sources:
        for a in source.asked:
            asked.setdefault(at_time(a.kref, stamp), []).append(a)
    unique = list(asked)
    revisions = dict(zip(unique, client.batch_get_revisions(unique) if unique else [], strict=True))
    missing = [f"{k} selects no revision" for k, r in revisions.items() if r is None]
    if missing:
        raise PinnedRevisionError.listing(missing, "nothing was pinned")
    # (item, revision, artifact) → the krefs that asked for it
    wanted: dict[tuple[Kref, int, str | None], set[str]] = {}
    for k, rev in revisions.items():
        assert rev is not None
        for a in asked[k]:
            name = a.artifact or k.artifact or rev.default_artifact
            wanted.setdefault((rev.item_kref, rev.number, name), set()).add(str(a.kref))
    created = {(r.item_kref, r.number): r.created_at for r in revisions.values() if r is not None}
    entries, problems = [], []
    for (item, number, name), krefs in wanted.items():
        entry = Entry(item, number, name, tuple(sorted(krefs)), created_at=created[(item, number)])
        if name is not None:
            try:
                artifact = client.get_artifact(item.with_revision(number).with_artifact(name))
            except NotFoundError:
                problems.append(
                    f"{entry.kref} (asked as {', '.join(sorted(krefs))}) has no artifact {name!r}"
                )
                continue
            digest, size = content_hash(artifact)
            entry = Entry(item, number, name, entry.asked, artifact.location, digest, size, entry.created_at)
        entries.append(entry)
    if problems:
        raise PinnedRevisionError.listing(problems, "nothing was pinned")
    return Manifest(
        store=store_url(client),
        cursor=cursor,
        store_time=store_time,
        at=stamp,
        sources=[s.record for s in sources],
        entries=entries,
    )
