"""Publishing a revision's package to a repo, promoting it between repos, and the
``package.published`` event.

Publishing freezes the revision first (it is tagged ``published``, so the store
and the wheel can never disagree), builds its wheel, and adds it to the repo;
a version the repo already holds is refused before anything is built.

The events: publishing emits ``package.published`` and promoting
``package.promoted`` on the revision's kref (:meth:`splice.Client.emit_event`),
with the publication as metadata (``repo``, ``name``, ``version``, ``kref``,
``revision``, ``file``, ``sha256``, ``at``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..constants import PUBLISHED
from ..nodes import Revision
from ..records import Event
from .build import build_revision
from .errors import PublishedVersionError, RepoError
from .repos import Published, Repo
from .spec import package_info

ROUTING_KEY = "package.published"


def publish(revision: Revision, repo: Repo, code: Path | None = None) -> Published:
    """Freeze the revision, build its wheel, add it to ``repo``; emit ``package.published``."""
    info = package_info(revision)
    existing = repo.find(info.name, info.pep440)
    if existing is not None:
        raise PublishedVersionError(
            f"repo {repo.name!r} already holds {info.name} {info.pep440} ({existing.file}): "
            "published versions are never overwritten; bump the version"
        )
    repo.check_publishable()  # an index, or a folder that cannot be written: before any change
    with tempfile.TemporaryDirectory(prefix="splice-publish-") as tmp:
        wheel = build_revision(revision, Path(tmp) / "dist", code)
        if not revision.published:
            revision.tag(PUBLISHED)
        entry = repo.publish(wheel, str(info.revision_kref), info.number)
    _announce(revision, repo, entry, "published")
    return entry


def promote(name: str, version: str, source: Repo, target: Repo) -> Published:
    """Copy a published wheel, byte for byte, from ``source`` to ``target``."""
    entry = source.find(name, version)
    if entry is None or source.kind != "folder":
        held = ", ".join(source.versions(name)) if source.kind == "folder" else "?"  # type: ignore[union-attr]
        raise RepoError(f"repo {source.name!r} holds no {name} {version} (it holds: {held or 'none'})")
    path = source.files / entry.file  # type: ignore[union-attr]
    from .repos import sha256_of

    if sha256_of(path) != entry.sha256:
        raise RepoError(f"{path} does not match the sha256 recorded when it was published: not promoted")
    return target.publish(path, entry.kref, entry.revision)


def announce_promotion(revision: Revision, target: Repo, entry: Published) -> None:
    _announce(revision, target, entry, "promoted")


def _announce(revision: Revision, repo: Repo, entry: Published, action: str) -> None:
    payload = {"repo": repo.name, **{k: str(v) for k, v in entry.as_dict().items()}}
    revision._client.emit_event(revision.kref, f"package.{action}", payload)


def package_events(client: Any, **stream_options: Any) -> Iterator[Event]:
    """Every ``package.*`` event (published, promoted); options as :func:`published_events`."""
    return client.event_stream("package.*", **stream_options)


def published_events(client: Any, **stream_options: Any) -> Iterator[Event]:
    """The ``package.published`` events; takes :meth:`splice.Client.event_stream`'s options
    (``from_beginning``, ``cursor``, ``timeout``…)."""
    return client.event_stream(ROUTING_KEY, **stream_options)
