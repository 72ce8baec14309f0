"""Plain records that cross the :class:`~splice.backend.Backend` seam.

Engines return these; the SDK objects wrap them. They are frozen dataclasses
of plain values (strings, numbers, dicts, tuples, :class:`Kref`), so the remote
engine can send them as JSON (:func:`to_dict`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from .kref import Kref
from .times import to_stamp

Metadata = dict[str, str]


@dataclass(frozen=True, slots=True)
class ProjectRecord:
    kref: Kref
    name: str
    description: str
    metadata: Metadata
    created_at: str
    author: str


@dataclass(frozen=True, slots=True)
class SpaceRecord:
    kref: Kref
    name: str
    metadata: Metadata
    created_at: str
    author: str


@dataclass(frozen=True, slots=True)
class ItemRecord:
    kref: Kref
    name: str
    kind: str
    metadata: Metadata
    created_at: str
    author: str
    deprecated: bool


@dataclass(frozen=True, slots=True)
class RevisionRecord:
    kref: Kref  # always with r=N
    item_kref: Kref
    number: int
    metadata: Metadata
    created_at: str
    author: str
    tags: tuple[str, ...]
    published: bool
    deprecated: bool
    default_artifact: str | None


@dataclass(frozen=True, slots=True)
class ArtifactRecord:
    kref: Kref  # revision kref with a=NAME
    revision_kref: Kref
    name: str
    location: str
    metadata: Metadata
    created_at: str
    author: str


@dataclass(frozen=True, slots=True)
class EdgeRecord:
    source_kref: Kref
    target_kref: Kref
    edge_type: str
    metadata: Metadata
    created_at: str
    author: str


@dataclass(frozen=True, slots=True)
class TagEvent:
    """One entry of a tag's history: ``action`` is ``tagged`` or ``untagged``."""

    revision_kref: Kref
    tag: str
    action: str
    at: str
    author: str


@dataclass(frozen=True, slots=True)
class BundleMember:
    """An item in a bundle, as of a given bundle revision."""

    item_kref: Kref
    added_in_revision: int
    added_at: str
    added_by: str


@dataclass(frozen=True, slots=True)
class BundleChange:
    """One membership change: each is a new revision of the bundle."""

    revision_number: int
    action: str  # "added" | "removed"
    member_item_kref: Kref
    author: str
    created_at: str
    metadata: Metadata = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TraversalNode:
    """A revision reached by a traversal and its distance (1 = direct neighbour)."""

    revision_kref: Kref
    depth: int
    edge_type: str  # the type of the edge that first reached it


@dataclass(frozen=True, slots=True)
class PathHop:
    """One hop of a path: the revision reached and the edge type used."""

    revision_kref: Kref
    edge_type: str


@dataclass(frozen=True, slots=True)
class Event:
    """One change in the store, as streamed by ``event_stream``.

    ``cursor`` is opaque: pass it back to ``event_stream(cursor=…)`` to
    resume just after this event.
    """

    cursor: str
    routing_key: str
    kref: Kref
    action: str
    timestamp: datetime
    author: str
    metadata: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EventCapabilities:
    """What an engine's event stream really supports."""

    tier: str
    supports_realtime: bool
    supports_routing_filters: bool
    supports_kref_filters: bool
    supports_cursor: bool
    supports_replay: bool
    supports_consumer_groups: bool
    max_retention_hours: float | None  # None: kept for ever
    max_buffer_size: int | None  # None: no limit


@dataclass(frozen=True, slots=True)
class StoredRow:
    """One stored row of a table, as a replica copies it (``Backend.export_rows``): the
    store's own ``values`` in the order :data:`splice.engines.sql.export.COLUMNS` gives,
    its metadata apart (so a server leaves out what the caller may not view), ``kref`` the
    node it belongs to and ``other`` the far end of an edge or bundle change."""

    table: str
    kref: Kref
    other: Kref | None
    values: tuple[Any, ...]
    metadata: Metadata = field(default_factory=dict)


# -- requests ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ArtifactSpec:
    name: str
    location: str
    metadata: Metadata = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EdgeSpec:
    target: Kref
    edge_type: str
    metadata: Metadata = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RevisionSpec:
    """Everything one new revision carries, for :meth:`Backend.batch_create_revisions`."""

    item: Kref
    metadata: Metadata = field(default_factory=dict)
    artifacts: tuple[ArtifactSpec, ...] = ()
    edges: tuple[EdgeSpec, ...] = ()
    tags: tuple[str, ...] = ()
    default_artifact: str | None = None
    create_item: bool = False  # make the item first when it does not exist (same transaction)


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """Filters of ``search`` and ``get_items``; ``None`` means any."""

    under: Kref | None = None  # a project or space; searches below it, at any depth
    recursive: bool = True
    name: str | None = None  # exact name, or a glob with * and ?
    kind: str | None = None
    metadata: Metadata = field(default_factory=dict)  # every key must equal
    include_deprecated: bool = True
    limit: int | None = None


R = TypeVar("R")


def to_dict(record: Any) -> dict[str, Any]:
    """A record as plain JSON-ready values (times as UTC ISO 8601 stamps, as stored)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, datetime):
            value = to_stamp(value)
        elif dataclasses.is_dataclass(value):
            value = to_dict(value)
        elif isinstance(value, tuple):
            value = [to_dict(v) if dataclasses.is_dataclass(v) else v for v in value]
        out[f.name] = str(value) if isinstance(value, Kref) else value
    return out
