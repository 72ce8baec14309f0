"""The SDK objects of seed 000: Project, Space, Item, Bundle, Revision, Artifact, Edge.

Each wraps a record from the engine and the :class:`~splice.client.Client`
that made it. They never touch storage themselves: every call goes through
the client's :class:`~splice.backend.Backend`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import validate
from .backend import OUTGOING
from .constants import BUNDLE_KIND
from .errors import NotFoundError, ValidationError
from .graph import ImpactedRevision, PathStep, RevisionPath, TraversalResult
from .kref import Kref, check_artifact_name, check_item_name, check_kind, check_name, check_tag, to_kref
from .records import (
    ArtifactRecord,
    ArtifactSpec,
    BundleChange,
    BundleMember,
    EdgeRecord,
    ItemQuery,
    ItemRecord,
    ProjectRecord,
    RevisionRecord,
    SpaceRecord,
    TagEvent,
    to_dict,
)
from .times import parse_time

if TYPE_CHECKING:
    from .client import Client

DEFAULT_MAX_DEPTH = 10


def _edge_types(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [validate.edge_type(value)]
    return [validate.edge_type(v) for v in value]


def _depth(value: object) -> int:
    return validate.positive_int(value, "max_depth")  # type: ignore[return-value]


class _Node:
    """What every node has: a kref, metadata, attributes, deletion."""

    _record: Any

    def __init__(self, record: Any, client: Client) -> None:
        self._record = record
        self._client = client

    @property
    def kref(self) -> Kref:
        return self._record.kref

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self._record.metadata)

    @property
    def created_at(self) -> str:
        return self._record.created_at

    @property
    def author(self) -> str:
        return self._record.author

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.kref == self.kref  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, str(self.kref)))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.kref}>"

    def to_dict(self) -> dict[str, Any]:
        """The node's fields as plain JSON-ready values."""
        return to_dict(self._record)

    def set_metadata(self, metadata: dict[str, str]) -> dict[str, str]:
        """Merge keys into the metadata (other keys stay); return the whole new map."""
        merged = self._client.backend.set_metadata(self.kref, validate.metadata(metadata))
        self._record = dataclasses.replace(self._record, metadata=merged)
        return dict(merged)

    def set_attribute(self, key: str, value: str) -> None:
        """Set one metadata key."""
        self._client.set_attribute(self.kref, key, value)
        self._record = dataclasses.replace(self._record, metadata={**self._record.metadata, key: value})

    def get_attribute(self, key: str) -> str | None:
        """One metadata key, read from the store; ``None`` if absent."""
        return self._client.get_attribute(self.kref, key)

    def delete_attribute(self, key: str) -> bool:
        """Remove one metadata key; ``True`` if it was there."""
        found = self._client.delete_attribute(self.kref, key)
        meta = dict(self._record.metadata)
        meta.pop(key, None)
        self._record = dataclasses.replace(self._record, metadata=meta)
        return found

    def delete(self, force: bool = False) -> None:
        """Delete this node. Containers and items must be empty unless ``force``."""
        self._client.backend.delete(self.kref, validate.flag(force, "force"))


class _Container(_Node):
    """Projects and spaces hold spaces, items and bundles."""

    def create_space(self, name: str, metadata: dict[str, str] | None = None) -> Space:
        record = self._client.backend.create_space(
            self.kref, check_name(name, "space name"), validate.metadata(metadata)
        )
        return Space(record, self._client)

    def get_space(self, name: str) -> Space:
        """A space below this one by name, or by relative path (``"chars/heroes"``)."""
        if not isinstance(name, str) or not name:
            raise ValidationError(f"space name must be a non-empty string, not {name!r}")
        return self._client.get_space(f"{self.kref}/{name.strip('/')}")

    def get_spaces(self, recursive: bool = False) -> list[Space]:
        records = self._client.backend.list_spaces(self.kref, validate.flag(recursive, "recursive"))
        return [Space(r, self._client) for r in records]

    def create_item(self, item_name: str, kind: str, metadata: dict[str, str] | None = None) -> Item:
        check_item_name(item_name)
        if check_kind(kind) == BUNDLE_KIND:
            raise ValidationError("kind 'bundle' is reserved: use create_bundle(name)")
        record = self._client.backend.create_item(self.kref, item_name, kind, validate.metadata(metadata))
        return Item(record, self._client)

    def get_item(self, item_name: str, kind: str) -> Item:
        check_item_name(item_name)
        check_kind(kind)
        return self._client.get_item(f"{self.kref}/{item_name}.{kind}")

    def get_items(
        self,
        name_filter: str | None = None,
        kind_filter: str | None = None,
        *,
        recursive: bool = False,
        metadata_filter: dict[str, str] | None = None,
        include_deprecated: bool = True,
    ) -> list[Item]:
        """Items here (or below, with ``recursive``); ``name_filter`` may use ``*`` and ``?``."""
        return self._client.search(
            name=name_filter,
            kind=kind_filter,
            metadata=metadata_filter,
            under=self.kref,
            recursive=recursive,
            include_deprecated=include_deprecated,
        )

    def create_bundle(self, name: str, metadata: dict[str, str] | None = None) -> Bundle:
        check_item_name(name)
        record = self._client.backend.create_item(self.kref, name, BUNDLE_KIND, validate.metadata(metadata))
        return Bundle(record, self._client)

    def get_bundle(self, name: str) -> Bundle:
        check_item_name(name)
        return self._client.get_bundle(f"{self.kref}/{name}.{BUNDLE_KIND}")

    def get_bundles(self) -> list[Bundle]:
        return [b for b in self.get_items(kind_filter=BUNDLE_KIND) if isinstance(b, Bundle)]


class Project(_Container):
    """The top-level container of a production: ``kref://name``."""

    _record: ProjectRecord

    @property
    def name(self) -> str:
        return self._record.name

    @property
    def description(self) -> str:
        return self._record.description


class Space(_Container):
    """A folder of a project (``characters``, ``shots/sq010``), nested to any depth."""

    _record: SpaceRecord

    @property
    def name(self) -> str:
        return self._record.name

    @property
    def path(self) -> str:
        """``/project/space/…``, as seed 000 writes it."""
        return "/" + self.kref.path

    def get_child_spaces(self) -> list[Space]:
        return self.get_spaces(recursive=False)

    def get_parent_space(self) -> Space | None:
        """The space holding this one; ``None`` directly under the project."""
        parent = self.kref.parent
        return self._client.get_space(parent) if parent is not None and parent.is_space else None

    def get_project(self) -> Project:
        return self._client.get_project(self.kref.project)


class Item(_Node):
    """One asset: a name and a kind (``kref://show/chars/hero.model``)."""

    _record: ItemRecord

    @property
    def name(self) -> str:
        return self._record.name

    @property
    def item_name(self) -> str:
        return self._record.name

    @property
    def kind(self) -> str:
        return self._record.kind

    @property
    def deprecated(self) -> bool:
        return self._record.deprecated

    def get_space(self) -> Space | None:
        parent = self.kref.parent
        return self._client.get_space(parent) if parent is not None and parent.is_space else None

    def get_project(self) -> Project:
        return self._client.get_project(self.kref.project)

    def create_revision(self, metadata: dict[str, str] | None = None) -> Revision:
        record = self._client.backend.create_revision(self.kref, validate.metadata(metadata))
        return Revision(record, self._client)

    def get_revisions(self) -> list[Revision]:
        return [Revision(r, self._client) for r in self._client.backend.list_revisions(self.kref)]

    def get_revision(self, number: int) -> Revision:
        validate.positive_int(number, "revision number")
        return self._client.get_revision(self.kref.with_revision(number))

    def get_latest_revision(self) -> Revision | None:
        """The newest revision, or ``None`` before the first one."""
        try:
            return self._client.get_revision(self.kref.base)
        except NotFoundError:
            return None

    def get_revision_by_tag(self, tag: str) -> Revision | None:
        """The revision holding ``tag`` now, or ``None``."""
        try:
            return self._client.get_revision(Kref(f"{self.kref.base}?t={check_tag(tag)}"))
        except NotFoundError:
            return None

    def get_revision_by_time(self, time: datetime | str, tag: str | None = None) -> Revision | None:
        """The revision that held ``tag`` at ``time`` (without a tag: the newest then)."""
        moment = parse_time(time)
        record = self._client.backend.get_revision_by_time(
            self.kref, moment, check_tag(tag) if tag is not None else None
        )
        return Revision(record, self._client) if record is not None else None

    def peek_next_revision(self) -> int:
        return self._client.backend.peek_next_revision(self.kref)

    def get_tag_history(self, tag: str | None = None) -> list[TagEvent]:
        """Every tag and untag of this item's revisions, oldest first."""
        return self._client.backend.tag_history(self.kref, check_tag(tag) if tag is not None else None)

    def set_deprecated(self, deprecated: bool = True) -> None:
        self._client.backend.set_deprecated(self.kref, validate.flag(deprecated, "deprecated"))
        self._record = dataclasses.replace(self._record, deprecated=deprecated)


class Bundle(Item):
    """An item of kind ``bundle`` that groups other items; each change is a revision."""

    def add_member(self, item: Item | Kref | str, metadata: dict[str, str] | None = None) -> BundleChange:
        member = to_kref(item, "member")
        return self._client.backend.add_bundle_member(self.kref, member.base, validate.metadata(metadata))

    def remove_member(self, item: Item | Kref | str, metadata: dict[str, str] | None = None) -> BundleChange:
        member = to_kref(item, "member")
        return self._client.backend.remove_bundle_member(self.kref, member.base, validate.metadata(metadata))

    def get_members(self, revision_number: int | None = None) -> list[BundleMember]:
        """Members now, or as they were at a bundle revision."""
        validate.positive_int(revision_number, "revision_number", allow_none=True)
        return self._client.backend.list_bundle_members(self.kref, revision_number)

    def get_history(self) -> list[BundleChange]:
        """Every membership change: who added or removed what, and when."""
        return self._client.backend.bundle_history(self.kref)


class Revision(_Node):
    """One iteration of an item: ``kref://show/chars/hero.model?r=3``."""

    _record: RevisionRecord

    @property
    def number(self) -> int:
        return self._record.number

    @property
    def item_kref(self) -> Kref:
        return self._record.item_kref

    @property
    def tags(self) -> list[str]:
        return list(self._record.tags)

    @property
    def published(self) -> bool:
        return self._record.published

    @property
    def deprecated(self) -> bool:
        return self._record.deprecated

    @property
    def default_artifact(self) -> str | None:
        return self._record.default_artifact

    def refresh(self) -> Revision:
        """Re-read this revision (tags move when other revisions are tagged)."""
        self._record = self._client.backend.get_revision(self.kref)
        return self

    def get_item(self) -> Item:
        return self._client.get_item(self.item_kref)

    # -- artifacts --------------------------------------------------------
    def create_artifact(self, name: str, location: str, metadata: dict[str, str] | None = None) -> Artifact:
        spec = ArtifactSpec(
            check_artifact_name(name), validate.location(location), validate.metadata(metadata)
        )
        record = self._client.backend.create_artifact(self.kref, spec)
        if self._record.default_artifact is None:
            self._record = dataclasses.replace(self._record, default_artifact=name)
        return Artifact(record, self._client)

    def get_artifact(self, name: str) -> Artifact:
        return self._client.get_artifact(self.kref.with_artifact(name))

    def get_artifacts(self) -> list[Artifact]:
        return [Artifact(r, self._client) for r in self._client.backend.list_artifacts(self.kref)]

    def get_locations(self) -> list[str]:
        return [a.location for a in self.get_artifacts()]

    def set_default_artifact(self, name: str) -> None:
        check_artifact_name(name)
        self._record = self._client.backend.set_default_artifact(self.kref, name)

    # -- tags -------------------------------------------------------------
    def tag(self, tag: str) -> None:
        """Put a tag on this revision; it leaves the item's other revisions."""
        self._record = self._client.backend.tag_revision(self.kref, check_tag(tag))

    def untag(self, tag: str) -> None:
        self._record = self._client.backend.untag_revision(self.kref, check_tag(tag))

    def has_tag(self, tag: str) -> bool:
        """Whether the revision holds ``tag`` now (read from the store)."""
        self.refresh()
        return check_tag(tag) in self._record.tags

    def was_tagged(self, tag: str, time: datetime | str | None = None) -> bool:
        """Whether it ever held ``tag`` or, given a time, held it then."""
        moment = parse_time(time) if time is not None else None
        return self._client.backend.was_tagged(self.kref, check_tag(tag), moment)

    def set_deprecated(self, deprecated: bool = True) -> None:
        self._client.backend.set_deprecated(self.kref, validate.flag(deprecated, "deprecated"))
        self._record = dataclasses.replace(self._record, deprecated=deprecated)

    # -- edges and traversal ---------------------------------------------
    def create_edge(
        self, target_revision: Revision | Kref | str, edge_type: str, metadata: dict[str, str] | None = None
    ) -> Edge:
        target = to_kref(target_revision, "target_revision")
        record = self._client.backend.create_edge(
            self.kref, target, validate.edge_type(edge_type), validate.metadata(metadata)
        )
        return Edge(record, self._client)

    def get_edges(self, edge_type_filter: str | None = None, direction: int = OUTGOING) -> list[Edge]:
        if isinstance(direction, bool) or not isinstance(direction, int) or direction not in (0, 1, 2):
            raise ValidationError(
                f"direction must be OUTGOING (0), INCOMING (1) or BOTH (2), not {direction!r}"
            )
        etype = validate.edge_type(edge_type_filter) if edge_type_filter is not None else None
        return [Edge(r, self._client) for r in self._client.backend.list_edges(self.kref, etype, direction)]

    def delete_edge(self, target_revision: Revision | Kref | str, edge_type: str) -> None:
        target = to_kref(target_revision, "target_revision")
        self._client.backend.delete_edge(self.kref, target, validate.edge_type(edge_type))

    def _traverse(self, direction: int, max_depth: int, edge_type_filter, limit) -> TraversalResult:
        limit = validate.positive_int(limit, "limit", allow_none=True)
        nodes, truncated = self._client.backend.traverse(
            self.kref, direction, _edge_types(edge_type_filter), _depth(max_depth), limit
        )
        return TraversalResult(nodes, truncated, self._client)

    def get_all_dependencies(
        self,
        max_depth: int = DEFAULT_MAX_DEPTH,
        edge_type_filter: str | Sequence[str] | None = None,
        limit: int | None = None,
    ) -> TraversalResult:
        """Everything this revision depends on, transitively (outgoing edges)."""
        return self._traverse(0, max_depth, edge_type_filter, limit)

    def get_all_dependents(
        self,
        max_depth: int = DEFAULT_MAX_DEPTH,
        edge_type_filter: str | Sequence[str] | None = None,
        limit: int | None = None,
    ) -> TraversalResult:
        """Everything that depends on this revision, transitively (incoming edges)."""
        return self._traverse(1, max_depth, edge_type_filter, limit)

    def find_path_to(
        self,
        target: Revision | Kref | str,
        edge_type_filter: str | Sequence[str] | None = None,
        max_depth: int = DEFAULT_MAX_DEPTH,
    ) -> RevisionPath | None:
        """The shortest path along outgoing edges to ``target``, or ``None``."""
        hops = self._client.backend.find_path(
            self.kref, to_kref(target, "target"), _edge_types(edge_type_filter), _depth(max_depth)
        )
        if hops is None:
            return None
        steps = [PathStep(h.revision_kref, h.edge_type, i + 1) for i, h in enumerate(hops)]
        return RevisionPath(steps, len(steps))

    def analyze_impact(
        self,
        edge_type_filter: str | Sequence[str] | None = None,
        max_depth: int = DEFAULT_MAX_DEPTH,
        limit: int | None = None,
    ) -> list[ImpactedRevision]:
        """What a change to this revision would affect: its dependents, nearest first."""
        result = self.get_all_dependents(max_depth, edge_type_filter, limit)
        return [
            ImpactedRevision(n.revision_kref, n.revision_kref.base, n.depth, n.edge_type)
            for n in result.nodes
        ]


class Artifact(_Node):
    """A file of a revision, by location (files stay where they are)."""

    _record: ArtifactRecord

    @property
    def name(self) -> str:
        return self._record.name

    @property
    def location(self) -> str:
        return self._record.location

    @property
    def revision_kref(self) -> Kref:
        return self._record.revision_kref

    def get_revision(self) -> Revision:
        return self._client.get_revision(self.revision_kref)


class Edge:
    """A typed relationship from one revision to another."""

    def __init__(self, record: EdgeRecord, client: Client) -> None:
        self._record = record
        self._client = client

    source_kref = property(lambda self: self._record.source_kref)
    target_kref = property(lambda self: self._record.target_kref)
    edge_type = property(lambda self: self._record.edge_type)
    metadata = property(lambda self: dict(self._record.metadata))
    created_at = property(lambda self: self._record.created_at)
    author = property(lambda self: self._record.author)

    def __repr__(self) -> str:
        return f"<Edge {self.source_kref} -{self.edge_type}-> {self.target_kref}>"

    def to_dict(self) -> dict[str, Any]:
        """The edge's fields as plain JSON-ready values."""
        return to_dict(self._record)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Edge) and (other.source_kref, other.target_kref, other.edge_type) == (
            self.source_kref,
            self.target_kref,
            self.edge_type,
        )

    def __hash__(self) -> int:
        return hash((str(self.source_kref), str(self.target_kref), self.edge_type))

    def delete(self, force: bool = False) -> None:
        self._client.backend.delete_edge(self.source_kref, self.target_kref, self.edge_type)


def item_from_record(record: ItemRecord, client: Client) -> Item:
    return (Bundle if record.kind == BUNDLE_KIND else Item)(record, client)


__all__ = [
    "Artifact",
    "Bundle",
    "Edge",
    "Item",
    "ItemQuery",
    "Project",
    "Revision",
    "Space",
    "item_from_record",
]
