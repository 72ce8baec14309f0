"""splice: an open, self-hostable asset pipeline for VFX, animation and AI studios.

The SDK follows seed 000 name for name::

    import splice

    project = splice.create_project("sci-fi-short", "Sci-fi short film VFX assets")
    hero = project.create_space("characters").create_item("hero-robot", "model")
    revision = hero.create_revision(metadata={"artist": "jane"})
    revision.create_artifact("mesh", "/mnt/projects/scifi/hero_robot_v1.fbx")
    revision.tag("published")
    splice.resolve("kref://sci-fi-short/characters/hero-robot.model?t=published")

Module-level functions use the client made by :func:`connect` (``$SPLICE_URL``
or the per-user embedded store when never called).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from . import errors
from .backend import BOTH, INCOMING, OUTGOING, Backend
from .client import Client, connect, default_client, disconnect
from .graph import ImpactedRevision, PathStep, RevisionPath, TraversalResult
from .kref import Kref
from .nodes import Artifact, Bundle, Edge, Item, Project, Revision, Space
from .records import (
    ArtifactSpec,
    BundleChange,
    BundleMember,
    EdgeSpec,
    Event,
    EventCapabilities,
    RevisionSpec,
    TagEvent,
)

__version__ = "0.1.0"

# Edge types of seed 000; any name matching ^[A-Z][A-Z0-9_]{0,49}$ is accepted too.
DEPENDS_ON = "DEPENDS_ON"
DERIVED_FROM = "DERIVED_FROM"
REFERENCED = "REFERENCED"
CONTAINS = "CONTAINS"
CREATED_FROM = "CREATED_FROM"
SUPERSEDES = "SUPERSEDES"
BELONGS_TO = "BELONGS_TO"


def create_project(name: str, description: str = "", metadata: Mapping[str, str] | None = None) -> Project:
    """Create a project (``kref://name``)."""
    return default_client().create_project(name, description, metadata)


def get_projects() -> list[Project]:
    """Every project, by name."""
    return default_client().get_projects()


def get_project(name: str) -> Project:
    """A project by name or kref."""
    return default_client().get_project(name)


def get_space(kref: Kref | str) -> Space:
    """A space by kref."""
    return default_client().get_space(kref)


def get_item(kref: Kref | str) -> Item:
    """An item (or bundle) by kref."""
    return default_client().get_item(kref)


def get_bundle(kref: Kref | str) -> Bundle:
    """A bundle by kref."""
    return default_client().get_bundle(kref)


def get_revision(kref: Kref | str) -> Revision:
    """The revision a kref selects (``?r=N``, ``?t=TAG``, ``?t=TAG&time=T``, or latest)."""
    return default_client().get_revision(kref)


def get_artifact(kref: Kref | str) -> Artifact:
    """An artifact by kref (``…&a=NAME``, or the default one)."""
    return default_client().get_artifact(kref)


def resolve(kref: Kref | str) -> str:
    """The location of the artifact a kref selects."""
    return default_client().resolve(kref)


def resolve_many(krefs: Iterable[Kref | str]) -> list[str | None]:
    """Locations of many krefs in one round trip; ``None`` where nothing matches."""
    return default_client().resolve_many(krefs)


def batch_get_revisions(krefs: Iterable[Kref | str]) -> list[Revision | None]:
    """Many revisions in one round trip; ``None`` where nothing matches."""
    return default_client().batch_get_revisions(krefs)


def batch_create_revisions(
    revisions: Sequence[Mapping[str, Any] | RevisionSpec], idempotency_key: str | None = None
) -> list[Revision]:
    """Create revisions with artifacts, edges and tags in one transaction (idempotent by key)."""
    return default_client().batch_create_revisions(revisions, idempotency_key)


def search(
    name: str | None = None,
    kind: str | None = None,
    metadata: Mapping[str, str] | None = None,
    *,
    under: Kref | str | None = None,
    recursive: bool = True,
    include_deprecated: bool = True,
    limit: int | None = None,
) -> list[Item]:
    """Items by name glob, kind and metadata, anywhere or below a project or space."""
    return default_client().search(
        name,
        kind,
        metadata,
        under=under,
        recursive=recursive,
        include_deprecated=include_deprecated,
        limit=limit,
    )


def set_attribute(kref: Kref | str, key: str, value: str) -> None:
    """Set one metadata key of any node by kref."""
    default_client().set_attribute(kref, key, value)


def get_attribute(kref: Kref | str, key: str) -> str | None:
    """One metadata key of any node by kref, or ``None``."""
    return default_client().get_attribute(kref, key)


def delete_attribute(kref: Kref | str, key: str) -> bool:
    """Remove one metadata key of any node by kref."""
    return default_client().delete_attribute(kref, key)


def event_stream(
    routing_key_filter: str | None = None,
    kref_filter: str | None = None,
    cursor: str | None = None,
    from_beginning: bool = False,
    consumer_group: str | None = None,
    timeout: float | None = None,
) -> Iterator[Event]:
    """Stream events; see :meth:`Client.event_stream`."""
    return default_client().event_stream(
        routing_key_filter, kref_filter, cursor, from_beginning, consumer_group, timeout
    )


def emit_event(kref: Kref | str, routing_key: str, metadata: Mapping[str, str] | None = None) -> Event:
    """Record an application event about a node (e.g. ``package.published``)."""
    return default_client().emit_event(kref, routing_key, metadata)


def get_event_capabilities() -> EventCapabilities:
    """What the connected engine's event stream supports."""
    return default_client().get_event_capabilities()


__all__ = [
    "BELONGS_TO",
    "BOTH",
    "CONTAINS",
    "CREATED_FROM",
    "DEPENDS_ON",
    "DERIVED_FROM",
    "INCOMING",
    "OUTGOING",
    "REFERENCED",
    "SUPERSEDES",
    "Artifact",
    "ArtifactSpec",
    "Backend",
    "Bundle",
    "BundleChange",
    "BundleMember",
    "Client",
    "Edge",
    "EdgeSpec",
    "Event",
    "EventCapabilities",
    "ImpactedRevision",
    "Item",
    "Kref",
    "PathStep",
    "Project",
    "Revision",
    "RevisionPath",
    "RevisionSpec",
    "Space",
    "TagEvent",
    "TraversalResult",
    "batch_create_revisions",
    "batch_get_revisions",
    "connect",
    "create_project",
    "delete_attribute",
    "disconnect",
    "emit_event",
    "errors",
    "event_stream",
    "get_artifact",
    "get_attribute",
    "get_bundle",
    "get_event_capabilities",
    "get_item",
    "get_project",
    "get_projects",
    "get_revision",
    "get_space",
    "resolve",
    "resolve_many",
    "search",
    "set_attribute",
]
