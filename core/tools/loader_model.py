"""The Loader's data, with no Qt: project → spaces → items (by kind, searched, fetched lazily
per space) → an item's revisions → a revision's representations and the loaders serving
them in this host, and its thumbnail; which revision a tag pointed to at a time; what the
scene has loaded; and loading one or many.

The view (:mod:`splice.tools.loader`) calls :meth:`LoaderModel.prepare` off the UI thread
(store queries, file fetches) and :meth:`LoaderModel.load` on it (the scene changes there:
DCCs are not thread-safe). A failed load is reported in :class:`LoadReport`, never raised.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import NotFoundError, SpliceError, ValidationError
from ..kref import to_kref
from ..pipeline.thumbnails import ARTIFACT as THUMBNAIL

if TYPE_CHECKING:
    from ..client import Client
    from ..nodes import Artifact
    from ..pipeline.interface import Container, Host
    from ..pipeline.loader import Loader, LoaderSource

__all__ = [
    "ItemRow",
    "LoadReport",
    "LoadRequest",
    "LoaderModel",
    "RepresentationRow",
    "RevisionRow",
    "SpaceRow",
]


@dataclass(frozen=True)
class SpaceRow:
    kref: str
    name: str
    parent: str | None  # the parent space's kref; None at the project's top


@dataclass(frozen=True)
class ItemRow:
    kref: str
    name: str
    kind: str
    deprecated: bool = False


@dataclass(frozen=True)
class RevisionRow:
    kref: str
    number: int
    tags: tuple[str, ...]
    time: str  # "YYYY-MM-DD HH:MM" (UTC, as stored)
    artist: str  # metadata "artist", else the author
    comment: str  # metadata "comment"
    published: bool = False


@dataclass(frozen=True)
class RepresentationRow:
    name: str
    extension: str
    loaders: tuple[str, ...]  # the loaders that serve it in this host
    default: str | None  # the one load() would choose; None: not loadable here
    default_of_revision: bool = False


@dataclass(frozen=True)
class LoadRequest:
    """One item to load: at a revision number, or a tag (optionally as it was at ``time``),
    else the latest; a representation (artifact name or extension) and a loader, else the
    defaults."""

    item: str
    revision: int | None = None
    tag: str | None = None
    time: str | None = None
    representation: str | None = None
    loader: str | None = None

    @property
    def kref(self) -> str:
        base = str(to_kref(self.item, "item").base)
        if self.revision is not None:
            return f"{base}?r={int(self.revision)}"
        if self.tag:
            return f"{base}?t={self.tag}" + (f"&time={self.time}" if self.time else "")
        return base


@dataclass
class LoadReport:
    loaded: list[Container] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (kref, message)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        parts = []
        if self.loaded:
            parts.append(f"Loaded {len(self.loaded)}: " + ", ".join(c.key for c in self.loaded))
        for kref, message in self.errors:
            parts.append(f"{kref}: {message}")
        return " · ".join(parts) if parts else "Nothing to load."


def _extension(artifact: Artifact) -> str:
    filename = artifact.metadata.get("filename") or artifact.location.rstrip("/").rsplit("/", 1)[-1]
    suffix = Path(filename).suffix
    return suffix[1:].lower() if suffix else ""


def _time(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return stamp or ""


class LoaderModel:
    """What the Loader shows, over a client and a host.

    ``loaders``: a mapping from :func:`splice.pipeline.discover_loaders`, or sources to
    discover from (an adapter's ``LOADERS_DIR``); by default ``$SPLICE_LOADER_PATH`` and the
    registered ones. Items are fetched once per space (then searched and filtered here);
    :meth:`forget` drops what was fetched.
    """

    def __init__(
        self,
        host: Host,
        client: Client,
        loaders: Mapping[str, type[Loader]] | Iterable[LoaderSource] | None = None,
    ) -> None:
        from ..pipeline.loading import loaders_for

        self.host = host
        self.client = client
        self.loaders: dict[str, type[Loader]] = (
            dict(loaders) if isinstance(loaders, Mapping) else loaders_for(*(loaders or ()))
        )
        self._items: dict[str, list[ItemRow]] = {}

    # -- browsing ------------------------------------------------------------------------
    def projects(self) -> list[str]:
        return sorted(p.name for p in self.client.get_projects())

    def spaces(self, project: str) -> list[SpaceRow]:
        """Every space of ``project``, parents before children."""
        rows = []
        for space in sorted(
            self.client.get_project(project).get_spaces(recursive=True), key=lambda s: str(s.kref)
        ):
            parent = space.kref.parent
            rows.append(
                SpaceRow(
                    str(space.kref),
                    space.name,
                    str(parent) if parent is not None and parent.is_space else None,
                )
            )
        return rows

    def fetched(self, space: str) -> bool:
        return str(space) in self._items

    def forget(self, space: str | None = None) -> None:
        if space is None:
            self._items.clear()
        else:
            self._items.pop(str(space), None)

    def fetch_items(self, space: str) -> list[ItemRow]:
        """The items directly in ``space`` (one listing call, the first time only)."""
        key = str(space)
        if key not in self._items:
            found = self.client.search(under=key, recursive=False)
            self._items[key] = sorted(
                (ItemRow(str(i.kref), i.item_name, i.kind, i.deprecated) for i in found),
                key=lambda r: (r.kind, r.name),
            )
        return self._items[key]

    def items(self, space: str, search: str = "", kind: str | None = None) -> list[ItemRow]:
        """The items of ``space`` of ``kind`` (None: all) whose name contains ``search`` (any
        case; ``*`` and ``?`` glob)."""
        text = search.strip().lower()
        pattern = text if any(c in text for c in "*?[") else f"*{text}*"
        return [
            row
            for row in self.fetch_items(space)
            if (kind is None or row.kind == kind)
            and (not text or fnmatch.fnmatchcase(row.name.lower(), pattern))
        ]

    def kinds(self, space: str) -> list[str]:
        return sorted({row.kind for row in self.fetch_items(space)})

    def revisions(self, item: str) -> list[RevisionRow]:
        """The item's revisions, newest first."""
        revisions = self.client.get_item(item).get_revisions()
        rows = [
            RevisionRow(
                str(r.kref),
                r.number,
                tuple(sorted(r.tags)),
                _time(r.created_at),
                r.metadata.get("artist") or r.author,
                r.metadata.get("comment", ""),
                r.published,
            )
            for r in revisions
        ]
        return sorted(rows, key=lambda r: -r.number)

    def tags(self, items: Sequence[str]) -> list[str]:
        """The tags any revision of ``items`` carries (for "load by tag")."""
        found = {"latest"}
        for item in items:
            for row in self.revisions(item):
                found.update(row.tags)
        return sorted(found)

    def representations(self, revision: str) -> list[RepresentationRow]:
        """The revision's artifacts, each with the loaders that serve it in this host (not
        its thumbnail: a picture of it, not content to load)."""
        from ..pipeline.loading import choose_loader

        rev = self.client.get_revision(revision)
        kind = rev.item_kref.kind or ""
        rows = []
        for artifact in sorted(rev.get_artifacts(), key=lambda a: a.name):
            if artifact.name == THUMBNAIL:
                continue
            names = {artifact.name, _extension(artifact)} - {""}
            serving = sorted(
                cls.name
                for cls in self.loaders.values()
                if any(cls.serves(kind, n, self.host.name) for n in names)
            )
            default = choose_loader(self.loaders, kind, artifact, self.host).name if serving else None
            rows.append(
                RepresentationRow(
                    artifact.name,
                    _extension(artifact),
                    tuple(serving),
                    default,
                    artifact.name == rev.default_artifact,
                )
            )
        return rows

    def thumbnail(self, revision: str) -> Path | None:
        """A local path to the revision's thumbnail (a PNG fetched and verified through
        :mod:`splice.files` into the local cache, once); None when it has none. Slow: call it
        off the UI thread."""
        from ..pipeline.loading import fetch

        rev = self.client.get_revision(revision)
        artifact = next((a for a in rev.get_artifacts() if a.name == THUMBNAIL), None)
        return None if artifact is None else fetch(artifact, client=self.client)

    # -- as it was at a time ---------------------------------------------------------------
    @staticmethod
    def as_of(text: str | None) -> str | None:
        """A time an artist typed, as krefs store it (``?t=TAG&time=…``); None for none.

        ``YYYYMMDDHHMM`` (the end of that minute, UTC) or ISO 8601 (``2024-06-01T13:30:45Z``;
        without an offset: UTC); anything else raises ValidationError saying so."""
        from ..times import parse_time, to_stamp

        text = (text or "").strip()
        if not text:
            return None
        try:
            return to_stamp(parse_time(text))
        except ValidationError as exc:
            raise ValidationError(f"as it was at: {exc}") from None

    def tagged_at(self, item: str, tag: str, time: str) -> int | None:
        """The number of the revision of ``item`` that held ``tag`` at ``time`` (``latest``:
        the newest then); None when none did."""
        try:
            return self.client.get_revision(LoadRequest(item, tag=tag, time=time).kref).number
        except NotFoundError:
            return None

    # -- the scene -----------------------------------------------------------------------
    def loaded(self) -> dict[str, list[Container]]:
        """What the scene holds, by item kref."""
        out: dict[str, list[Container]] = {}
        for container in self.host.ls_containers():
            out.setdefault(str(container.item_kref), []).append(container)
        return out

    # -- loading -------------------------------------------------------------------------
    def prepare(self, requests: Sequence[LoadRequest]) -> dict[str, str]:
        """The slow half of loading, safe off the UI thread: resolve each request, check a
        loader serves it, fetch and verify its files (and what the scene file refers to)
        into the cache, where :meth:`load` then finds them. Returns ``{kref: error}`` for
        those that cannot load; nothing in the scene changes."""
        from ..pipeline.loading import choose_loader, fetch, fetch_dependencies, representation_of

        errors: dict[str, str] = {}
        for request in requests:
            kref = request.kref
            try:
                revision = self.client.get_revision(kref)
                artifact = representation_of(revision, request.representation, revision.get_artifacts())
                choose_loader(
                    self.loaders, revision.item_kref.kind or "", artifact, self.host, request.loader
                )
                fetch(artifact, client=self.client)
                fetch_dependencies(revision, client=self.client)
            except SpliceError as exc:
                errors[kref] = str(exc)
            except Exception as exc:  # reported, never raised into the host
                errors[kref] = f"{type(exc).__name__}: {exc}"
        return errors

    def load(self, requests: Sequence[LoadRequest], skip: Mapping[str, str] | None = None) -> LoadReport:
        """Load each request into the host (on the host's thread); ``skip``: the errors
        :meth:`prepare` found, reported and not tried. Each failure is reported and leaves
        the scene as it was for that item; the others still load."""
        import splice.pipeline

        report = LoadReport()
        if not requests:
            report.errors.append(("", "select at least one item to load"))
            return report
        for request in requests:
            kref = request.kref
            if skip and kref in skip:
                report.errors.append((kref, skip[kref]))
                continue
            try:
                container = splice.pipeline.load(
                    self.host,
                    kref,
                    request.representation,
                    loaders=self.loaders,
                    loader=request.loader,
                    client=self.client,
                )
            except SpliceError as exc:
                report.errors.append((kref, str(exc)))
            except Exception as exc:  # reported, never raised into the host
                report.errors.append((kref, f"{type(exc).__name__}: {exc}"))
            else:
                report.loaded.append(container)
        return report

    def requests(
        self,
        items: Sequence[str],
        *,
        revision: int | None = None,
        tag: str | None = None,
        time: str | None = None,
        representation: str | None = None,
        loader: str | None = None,
    ) -> list[LoadRequest]:
        """One request per item, all at the same selector (a number or a tag, else latest)."""
        if revision is not None and tag:
            raise ValidationError("load by revision number or by tag, not both")
        if time and not tag:
            raise ValidationError("as it was at a time needs a tag: load by tag (latest: the newest then)")
        return [LoadRequest(i, revision, tag, time, representation, loader) for i in items]
