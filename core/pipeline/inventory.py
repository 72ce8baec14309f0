"""The scene inventory: what is loaded, what is outdated, and update / switch / remove.

The outdated check of a whole scene is ONE round trip: the krefs of every
container's loaded revision and of the revision it should have (by ``want``)
go to :meth:`splice.Client.batch_get_revisions` together. ``want`` is
``"latest"``, a tag name (``"published"``) or a revision number (``3``).

Operations change the scene through the host's container API only; given a
loader registry (see :func:`splice.pipeline.loader.discover_loaders`) they also let
the container's loader change the content. Everything is checked before the
first change, so bad input raises a typed error and leaves the scene as it was.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..constants import LATEST
from ..errors import NotFoundError, ValidationError
from ..kref import Kref, check_tag, to_kref
from .interface import Container, Host
from .loader import Loader, discover_loaders, find_loader
from .loading import fetch, fetch_dependencies, representation_of

if TYPE_CHECKING:
    from ..client import Client
    from ..nodes import Revision

__all__ = [
    "InventoryEntry",
    "Loader",
    "Status",
    "check",
    "discover_loaders",
    "ls",
    "outdated",
    "remove",
    "switch",
    "update",
    "update_all",
]

Status = Literal["current", "outdated", "missing", "no-match"]
Want = str | int
Loaders = Mapping[str, type[Loader]]


@dataclass(frozen=True)
class InventoryEntry:
    """One container checked against ``want``.

    ``status`` is ``current`` (it has the wanted revision), ``outdated`` (another
    revision is wanted), ``missing`` (its own revision no longer resolves) or
    ``no-match`` (nothing matches ``want`` for its item, e.g. an untagged item);
    ``reason`` says why in words.
    """

    container: Container
    want: str
    current: int
    wanted: int | None
    wanted_kref: str | None
    status: Status
    reason: str

    @property
    def outdated(self) -> bool:
        return self.status == "outdated"

    def to_dict(self) -> dict[str, Any]:
        return {
            "container": self.container.to_dict(),
            "want": self.want,
            "current": self.current,
            "wanted": self.wanted,
            "wanted_kref": self.wanted_kref,
            "status": self.status,
            "reason": self.reason,
        }


def _want_kref(item: Kref, want: Want) -> Kref:
    """The kref selecting the revision of ``item`` that ``want`` names."""
    if isinstance(want, int) and not isinstance(want, bool) and want >= 1:
        return item.with_revision(want)
    if isinstance(want, str):
        try:
            return Kref(f"{item}?t={check_tag(want)}")
        except ValidationError:
            pass
    raise ValidationError(
        f"unknown selector {want!r}: want must be 'latest', a tag name (e.g. 'published')"
        " or a revision number (an int >= 1)"
    )


def _describe(want: Want) -> str:
    return f"r{want}" if isinstance(want, int) else repr(want)


def ls(host: Host) -> list[Container]:
    """Every container in the scene."""
    return host.ls_containers()


def _plan(
    client: Client, containers: Sequence[Container], want: Want
) -> list[tuple[InventoryEntry, Revision | None]]:
    for c in containers:
        if not isinstance(c, Container):
            raise ValidationError(f"containers must be Container records, not {type(c).__name__}")
    wanted_krefs = [_want_kref(c.item_kref, want) for c in containers]  # bad `want` raises here
    current_krefs = [Kref(c.kref) for c in containers]
    unique = list(dict.fromkeys([*current_krefs, *wanted_krefs]))
    found = dict(zip(unique, client.batch_get_revisions(unique) if unique else [], strict=True))
    plan: list[tuple[InventoryEntry, Revision | None]] = []
    for c, ck, wk in zip(containers, current_krefs, wanted_krefs, strict=True):
        wanted = found[wk]
        number = wanted.number if wanted is not None else None
        wanted_kref = str(wanted.item_kref.with_revision(wanted.number)) if wanted is not None else None
        status: Status
        if found[ck] is None:
            status, reason = "missing", f"{c.kref} no longer resolves (deleted, or never published here)"
        elif wanted is None:
            status, reason = "no-match", f"no revision of {c.item_kref} matches {_describe(want)}"
        elif number == c.revision:
            status, reason = "current", f"r{c.revision} is the revision {_describe(want)} selects"
        else:
            status, reason = "outdated", f"has r{c.revision}; {_describe(want)} selects r{number}"
        entry = InventoryEntry(c, str(want), c.revision, number, wanted_kref, status, reason)
        plan.append((entry, wanted))
    return plan


def check(host: Host, client: Client, want: Want = LATEST) -> list[InventoryEntry]:
    """Every container of the scene checked against ``want``, in ONE round trip."""
    return [entry for entry, _ in _plan(client, host.ls_containers(), want)]


def outdated(host: Host, client: Client, want: Want = LATEST) -> list[InventoryEntry]:
    """The containers that do not have the revision ``want`` selects (one round trip)."""
    return [e for e in check(host, client, want) if e.outdated]


def _read(host: Host, container: Container | str) -> Container:
    key = container.key if isinstance(container, Container) else container
    if not isinstance(key, str):
        raise ValidationError(f"container must be a Container or a container key, not {key!r}")
    return host.read_container(key)


def _loader(loaders: Loaders | None, host: Host, container: Container, kind: str | None) -> Loader | None:
    if loaders is None:
        return None
    loader = find_loader(loaders, container.loader)
    if not loader.serves(kind or "", container.representation, host.name):
        raise ValidationError(
            f"loader {loader.name!r} does not serve {container.representation!r} of a {kind!r} item in"
            f" {host.name!r} (kinds {list(loader.kinds)}, representations {list(loader.representations)},"
            f" hosts {list(loader.hosts)})"
        )
    return loader


def _usable(entry: InventoryEntry) -> None:
    if entry.status == "missing":
        raise NotFoundError(f"container {entry.container.key!r}: {entry.reason}; switch or remove it")
    if entry.status == "no-match":
        raise NotFoundError(f"container {entry.container.key!r}: {entry.reason}")


def _files(container: Container, revision: Revision, loader: Loader | None, client: Client) -> Path | None:
    """The local files of the container's representation in ``revision`` (given a loader)."""
    if loader is None:
        return None
    artifact = representation_of(revision, container.representation, revision.get_artifacts())
    path = fetch(artifact, client=client)
    fetch_dependencies(revision, client=client)
    return path


def _apply(
    host: Host, container: Container, revision: Revision, loader: Loader | None, path: Path | None
) -> Container:
    if loader is not None and path is not None:
        loader.update(host, container, revision, path)
        container = host.read_container(container.key)  # keep what the loader wrote in its data
    new = dataclasses.replace(container, kref=str(revision.item_kref.with_revision(revision.number)))
    return host.write_container(new)


def update(
    host: Host,
    client: Client,
    container: Container | str,
    want: Want = LATEST,
    loaders: Loaders | None = None,
) -> Container:
    """Bring one container to the revision ``want`` selects; returns the container as written."""
    current = _read(host, container)
    [(entry, revision)] = _plan(client, [current], want)
    _usable(entry)
    loader = _loader(loaders, host, current, current.item_kref.kind)
    if entry.status == "current" or revision is None:
        return current
    return _apply(host, current, revision, loader, _files(current, revision, loader, client))


def update_all(
    host: Host, client: Client, want: Want = LATEST, loaders: Loaders | None = None
) -> list[Container]:
    """Update every outdated container (one round trip for the check); returns those written.

    Containers that are missing or match nothing are left as they are (see :func:`check`).
    """
    todo = [(e, r) for e, r in _plan(client, host.ls_containers(), want) if e.outdated and r is not None]
    planned = [
        (e.container, r, _loader(loaders, host, e.container, e.container.item_kref.kind)) for e, r in todo
    ]
    fetched = [_files(c, r, loader, client) for c, r, loader in planned]  # every file before the first change
    return [_apply(host, c, r, loader, path) for (c, r, loader), path in zip(planned, fetched, strict=True)]


def switch(
    host: Host,
    client: Client,
    container: Container | str,
    item: Kref | str,
    want: Want = LATEST,
    loaders: Loaders | None = None,
) -> Container:
    """Make a container hold the revision of another ``item`` that ``want`` selects."""
    current = _read(host, container)
    target = to_kref(item, "item")
    if not target.is_item or target.base != target:
        raise ValidationError(f"switch needs an item kref (…/name.kind), not {target}")
    wanted_kref = _want_kref(target, want)
    [revision] = client.batch_get_revisions([wanted_kref])
    if revision is None:
        raise NotFoundError(f"no revision of {target} matches {_describe(want)}")
    loader = _loader(loaders, host, current, target.kind)
    path = _files(current, revision, loader, client)
    if loader is not None and path is not None:
        loader.switch(host, current, revision, path)
        current = host.read_container(current.key)  # keep what the loader wrote in its data
    new = dataclasses.replace(current, kref=str(revision.item_kref.with_revision(revision.number)))
    return host.write_container(new)


def remove(host: Host, container: Container | str, loaders: Loaders | None = None) -> None:
    """Remove a container and (given loaders) its content."""
    current = _read(host, container)
    loader = _loader(loaders, host, current, current.item_kref.kind)
    if loader is not None:
        loader.remove(host, current)
    host.remove_container(current.key)
