"""The scene inventory: what is loaded, what is outdated, and update / switch / remove.

The outdated check of a whole scene is ONE round trip: the krefs of every
container's loaded revision and of the revision it should have (by ``want``)
go to :meth:`splice.Client.batch_get_revisions` together. ``want`` is
``"latest"``, a tag name (``"published"``) or a revision number (``3``).

Operations change the scene through the host's container API only; given a
loader registry (see :func:`splice.pipeline.loader.discover_loaders`) they also let
the container's loader change the content. Everything is checked before the
first change, so bad input raises a typed error and leaves the scene as it was.

Each operation is two halves: ``prepare_update`` / ``prepare_switch`` do the store's work
(resolve the revisions in one round trip, choose the loader, fetch and verify the files) and
return a :class:`Plan` of :class:`Change` records without touching the scene, so a window can
run them off its UI thread; :func:`apply` then makes one change in the scene, calling only the
host and the loaders (a DCC's scene may be changed only from its main thread).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..constants import LATEST
from ..errors import NotFoundError, ValidationError
from ..kref import Kref, check_tag, to_kref
from . import hooks
from .interface import Container, Host
from .loader import Loader, discover_loaders, find_loader
from .loading import choose_loader, fetch, fetch_dependencies, representation_of

if TYPE_CHECKING:
    from ..client import Client
    from ..nodes import Revision

__all__ = [
    "Change",
    "InventoryEntry",
    "Loader",
    "Plan",
    "Status",
    "apply",
    "check",
    "discover_loaders",
    "ls",
    "outdated",
    "prepare_switch",
    "prepare_update",
    "remove",
    "switch",
    "update",
    "update_all",
]

log = logging.getLogger(__name__)

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
    current_krefs = [Kref(c.kref) for c in containers]  # parsed once: a scene may hold thousands
    wanted_krefs = [_want_kref(k.base, want) for k in current_krefs]  # bad `want` raises here
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


@dataclass(frozen=True)
class Change:
    """One container's change with the store's work done: the revision it will hold, the
    representation, the loader and its verified local files. :func:`apply` makes it.

    ``action``: ``update`` (the container's loader updates the content), ``switch`` (its
    loader switches the content to another item or representation) or ``reload`` (another
    loader serves the new representation, or the loader cannot switch: the old loader removes
    the content, ``loader`` loads the new one under the same name and namespace). Without
    loaders (``loader`` None) only the container record changes.
    """

    container: Container
    revision: Revision
    representation: str
    loader: Loader | None
    path: Path | None
    action: Literal["update", "switch", "reload"]
    old_loader: Loader | None = None
    restore: tuple[Revision, Path] | None = None  # reload: the old content, if the new fails

    @property
    def kref(self) -> str:
        return str(self.revision.item_kref.with_revision(self.revision.number))


@dataclass
class Plan:
    """What ``prepare_*`` found: the changes to apply, by container; ``unchanged`` (key → why
    there is nothing to do) and ``failed`` (key → the error) for the others."""

    changes: list[Change] = field(default_factory=list)
    unchanged: dict[str, str] = field(default_factory=dict)
    failed: dict[str, Exception] = field(default_factory=dict)

    def raise_failed(self) -> None:
        """Raise the first failure (a single-container operation's error)."""
        for exc in self.failed.values():
            raise exc


def _prepare_updates(
    host: Host,
    client: Client,
    planned: Sequence[tuple[InventoryEntry, Revision | None]],
    loaders: Loaders | None,
) -> Plan:
    plan = Plan()
    for entry, revision in planned:
        c = entry.container
        try:
            _usable(entry)
            loader = _loader(loaders, host, c, c.item_kref.kind)
            if entry.status == "current" or revision is None:
                plan.unchanged[c.key] = f"already current (r{c.revision})"
                continue
            path = _files(c, revision, loader, client)
            plan.changes.append(Change(c, revision, c.representation, loader, path, "update"))
        except Exception as exc:  # this container's; the others go on
            plan.failed[c.key] = exc
    return plan


def prepare_update(
    host: Host,
    client: Client,
    containers: Sequence[Container],
    want: Want = LATEST,
    loaders: Loaders | None = None,
) -> Plan:
    """The store's half of updating ``containers`` (already read from the scene) to what
    ``want`` selects: one round trip resolves them all, then each one's files are fetched.
    Safe off the UI thread: the host is not called. A bad ``want`` raises; a container that
    cannot be updated goes to ``failed``."""
    return _prepare_updates(host, client, _plan(client, containers, want), loaders)


def _serving(
    loaders: Loaders, host: Host, container: Container, kind: str, artifact: Any, name: str | None
) -> Loader:
    """The loader for ``artifact``: ``name``; else the container's own if it serves it; else the
    default one in this host (NotFoundError names the loaders there are)."""
    if name is not None:
        return choose_loader(loaders, kind, artifact, host, name)
    if container.loader in loaders:
        try:
            return choose_loader(loaders, kind, artifact, host, container.loader)
        except ValidationError:  # its loader does not serve the new representation: another does
            pass
    return choose_loader(loaders, kind, artifact, host)


def _switch_one(
    host: Host,
    client: Client,
    c: Container,
    revision: Revision,
    held: Revision | None,
    representation: str | None,
    loaders: Loaders | None,
    loader: str | None,
    artifacts: dict[str, list[Any]],
) -> Change | None:
    key = str(revision.kref)
    if key not in artifacts:  # one listing per revision, however many containers switch to it
        artifacts[key] = revision.get_artifacts()
    artifact = representation_of(revision, representation or c.representation, artifacts[key])
    kind = revision.item_kref.kind or ""
    chosen = _serving(loaders, host, c, kind, artifact, loader) if loaders is not None else None
    same_loader = chosen is None or chosen.name == c.loader
    held_now = str(revision.item_kref.with_revision(revision.number)) == c.kref
    if held_now and artifact.name == c.representation and same_loader:
        return None
    if chosen is None:
        return Change(c, revision, artifact.name, None, None, "switch")
    path = fetch(artifact, client=client)  # fetched and verified before the scene changes
    fetch_dependencies(revision, client=client)
    if same_loader and type(chosen).switch is not Loader.switch:
        return Change(c, revision, artifact.name, chosen, path, "switch")
    assert loaders is not None  # a loader was chosen from them
    old = type(chosen)() if same_loader else (find_loader(loaders, c.loader) if c.loader in loaders else None)
    restore = None
    if old is not None and held is not None:
        try:  # the old content's files, to put it back should the new loader fail
            old_artifact = representation_of(held, c.representation, held.get_artifacts())
            restore = (held, fetch(old_artifact, client=client))
        except Exception as exc:
            log.warning("%s: the files of %s cannot be fetched to restore it: %s", c.key, c.kref, exc)
    return Change(c, revision, artifact.name, chosen, path, "reload", old, restore)


def prepare_switch(
    host: Host,
    client: Client,
    containers: Sequence[Container],
    item: Kref | str | None = None,
    want: Want = LATEST,
    loaders: Loaders | None = None,
    *,
    representation: str | None = None,
    loader: str | None = None,
) -> Plan:
    """The store's half of switching ``containers`` (already read from the scene) to the
    revision of another ``item`` that ``want`` selects, and/or to another ``representation``
    (an artifact name or extension; default: the one each holds) loaded by ``loader`` (default:
    the container's own when it serves it, else the one this host would choose).

    Without ``item`` each container keeps its revision. Raises, before any store call, for bad
    input: nothing to switch to, not an item kref, an unknown selector, an item of another
    kind than a container's. Then ONE round trip resolves the revisions; a container that
    cannot switch (no such representation, no loader for it here) goes to ``failed``.
    """
    if item is None and representation is None and loader is None:
        raise ValidationError("switch needs an item (…/name.kind), a representation or a loader to switch to")
    if representation is not None and (not isinstance(representation, str) or not representation.strip()):
        raise ValidationError(
            f"representation must be an artifact name or a file extension, not {representation!r}"
        )
    if loader is not None and loaders is None:
        raise ValidationError(f"loader {loader!r} was named, but no loaders were given to choose from")
    for c in containers:
        if not isinstance(c, Container):
            raise ValidationError(f"containers must be Container records, not {type(c).__name__}")
    target: Kref | None = None
    wanted_kref: Kref | None = None
    if item is not None:
        target = to_kref(item, "item")
        if not target.is_item or target.base != target:
            raise ValidationError(f"switch needs an item kref (…/name.kind), not {target}")
        wanted_kref = _want_kref(target, want)  # a bad `want` raises here
        others = sorted({c.key for c in containers if c.item_kref.kind != target.kind})
        if others:
            kinds = sorted({str(c.item_kref.kind) for c in containers})
            raise ValidationError(
                f"switch keeps the kind: {target} is a {target.kind!r} item, but {', '.join(others)}"
                f" {'holds' if len(others) == 1 else 'hold'} {' / '.join(repr(k) for k in kinds)} content;"
                " choose an item of the same kind"
            )
    held_krefs = [Kref(c.kref) for c in containers]
    unique = list(dict.fromkeys([*([wanted_kref] if wanted_kref is not None else []), *held_krefs]))
    found = dict(zip(unique, client.batch_get_revisions(unique) if unique else [], strict=True))
    plan = Plan()
    artifacts: dict[str, list[Any]] = {}
    for c, held_kref in zip(containers, held_krefs, strict=True):
        held = found[held_kref]
        try:
            if wanted_kref is not None:
                revision = found[wanted_kref]
                if revision is None:
                    raise NotFoundError(f"no revision of {target} matches {_describe(want)}")
            elif held is None:
                raise NotFoundError(
                    f"{c.kref} no longer resolves: switch {c.key} to another item, or remove it"
                )
            else:
                revision = held
            change = _switch_one(host, client, c, revision, held, representation, loaders, loader, artifacts)
            if change is None:
                plan.unchanged[c.key] = f"already holds {c.kref} ({c.representation}, {c.loader})"
            else:
                plan.changes.append(change)
        except Exception as exc:  # this container's; the others go on
            plan.failed[c.key] = exc
    return plan


def _reload(host: Host, change: Change) -> Container:
    """Remove the old content, load the new by ``change.loader``; put the old back on failure."""
    old, loader, path = change.container, change.loader, change.path
    assert loader is not None and path is not None  # a reload has both (see _switch_one)
    if change.old_loader is not None:
        change.old_loader.remove(host, old)
    host.remove_container(old.key)
    made: Container | None = None
    try:
        made = loader.load(host, change.revision, change.representation, path, old.name, old.namespace)
        if not isinstance(made, Container):
            raise ValidationError(f"loader {loader.name!r} returned {type(made).__name__}, not a Container")
        return hooks.after_load(host, made, path)
    except Exception:
        _put_back(host, change, made)
        raise


def _put_back(host: Host, change: Change, made: Container | None) -> None:
    """After a failed reload: take out what the new loader built, load the old content again."""
    old = change.container
    try:
        if made is not None and change.loader is not None:
            change.loader.remove(host, made)
            host.remove_container(made.key)
        if change.old_loader is not None and change.restore is not None:
            revision, path = change.restore
            change.old_loader.load(host, revision, old.representation, path, old.name, old.namespace)
        host.write_container(old)  # the record as it was, its data included
    except Exception as exc:
        log.error("%s: the old content could not be put back after a failed switch: %s", old.key, exc)


def apply(host: Host, change: Change) -> Container:
    """Make ``change`` in the scene (on the host's thread: only the host and loaders are
    called, not the store); returns the container as written."""
    if change.action == "reload":
        return _reload(host, change)
    container = change.container
    if change.loader is not None and change.path is not None:
        if change.action == "update":
            change.loader.update(host, container, change.revision, change.path)
        else:
            target = dataclasses.replace(container, representation=change.representation)
            change.loader.switch(host, target, change.revision, change.path)
        container = host.read_container(container.key)  # keep what the loader wrote in its data
    new = dataclasses.replace(container, kref=change.kref, representation=change.representation)
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
    plan = prepare_update(host, client, [current], want, loaders)
    plan.raise_failed()
    return apply(host, plan.changes[0]) if plan.changes else current


def update_all(
    host: Host, client: Client, want: Want = LATEST, loaders: Loaders | None = None
) -> list[Container]:
    """Update every outdated container (one round trip for the check); returns those written.

    Containers that are missing or match nothing are left as they are (see :func:`check`).
    Every file is fetched before the first change; any failure raises first.
    """
    todo = [(e, r) for e, r in _plan(client, host.ls_containers(), want) if e.outdated and r is not None]
    plan = _prepare_updates(host, client, todo, loaders)
    plan.raise_failed()
    return [apply(host, change) for change in plan.changes]


def switch(
    host: Host,
    client: Client,
    container: Container | str,
    item: Kref | str | None = None,
    want: Want = LATEST,
    loaders: Loaders | None = None,
    *,
    representation: str | None = None,
    loader: str | None = None,
) -> Container:
    """Make a container hold the revision of another ``item`` (of the same kind) that ``want``
    selects, and/or another ``representation`` of it (see :func:`prepare_switch`): its loader
    switches the content, or, when another loader serves the new representation, the old
    content is removed and the new loaded under the same name and namespace. Bad input raises
    a typed error before the scene changes."""
    current = _read(host, container)
    plan = prepare_switch(
        host, client, [current], item, want, loaders, representation=representation, loader=loader
    )
    plan.raise_failed()
    return apply(host, plan.changes[0]) if plan.changes else current


def remove(host: Host, container: Container | str, loaders: Loaders | None = None) -> None:
    """Remove a container and (given loaders) its content."""
    current = _read(host, container)
    loader = _loader(loaders, host, current, current.item_kref.kind)
    if loader is not None:
        loader.remove(host, current)
    host.remove_container(current.key)
