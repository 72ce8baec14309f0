"""The one seam: every read and write of splice goes through a :class:`Backend`.

The SDK objects, the CLI and (later) the server and hosts are written once
against this protocol; engines (SQLite, PostgreSQL, remote HTTP, a studio's
own) implement it. ``docs/engines.md`` says how to write and plug in an engine.

Rules every engine keeps (the contract suite in ``tests/`` checks them):

- Arguments arrive as :class:`~splice.kref.Kref` and plain values already
  checked for type and grammar by the SDK; the engine checks what needs the
  store (existence, uniqueness, immutability) and raises the typed errors of
  :mod:`splice.errors`.
- Each write is one transaction, together with the events it emits; a write
  that fails changes nothing.
- Revision numbers of an item are unique and gapless under concurrent
  writers; the ``latest`` tag follows the newest revision by itself.
- ``published`` revisions refuse changes to metadata, artifacts, outgoing
  edges and deletion (:class:`~splice.errors.ImmutableError`).
- Tags are unique per item and every tag / untag is kept in history.
- The engine is bound to one actor (the ``author`` of what it writes).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from .kref import Kref
from .records import (
    ArtifactRecord,
    ArtifactSpec,
    BundleChange,
    BundleMember,
    EdgeRecord,
    Event,
    EventCapabilities,
    ItemQuery,
    ItemRecord,
    Metadata,
    PathHop,
    ProjectRecord,
    RevisionRecord,
    RevisionSpec,
    SpaceRecord,
    TagEvent,
    TraversalNode,
)

# Edge directions, as in seed 000.
OUTGOING = 0
INCOMING = 1
BOTH = 2


@runtime_checkable
class Backend(Protocol):
    """What an engine implements. Krefs in, records out."""

    url: str
    actor: str

    # -- projects --------------------------------------------------------
    def create_project(self, name: str, description: str, metadata: Metadata) -> ProjectRecord:
        """Create a project; :class:`AlreadyExistsError` if the name is taken."""

    def get_project(self, name: str) -> ProjectRecord:
        """A project by name; :class:`NotFoundError` if there is none."""

    def list_projects(self) -> list[ProjectRecord]:
        """All projects, by name."""

    # -- spaces ----------------------------------------------------------
    def create_space(self, parent: Kref, name: str, metadata: Metadata) -> SpaceRecord:
        """Create a space under a project or space kref."""

    def get_space(self, kref: Kref) -> SpaceRecord:
        """A space by kref."""

    def list_spaces(self, parent: Kref, recursive: bool) -> list[SpaceRecord]:
        """Spaces directly under ``parent`` (or at any depth), by path."""

    # -- items -----------------------------------------------------------
    def create_item(self, parent: Kref, name: str, kind: str, metadata: Metadata) -> ItemRecord:
        """Create an item (a bundle when ``kind == 'bundle'``) under a project or space."""

    def get_item(self, kref: Kref) -> ItemRecord:
        """An item by kref (its query, if any, is ignored)."""

    def find_items(self, query: ItemQuery) -> list[ItemRecord]:
        """Items matching every filter of ``query``, by kref."""

    # -- revisions -------------------------------------------------------
    def create_revision(self, item: Kref, metadata: Metadata) -> RevisionRecord:
        """Create the next revision of an item; it becomes ``latest``."""

    def batch_create_revisions(
        self, specs: Sequence[RevisionSpec], idempotency_key: str | None
    ) -> list[RevisionRecord]:
        """Create every revision of ``specs`` with its artifacts, edges and tags in ONE
        transaction. Re-sent with the same ``idempotency_key`` and the same specs, return
        the revisions made the first time and write nothing."""

    def get_revision(self, kref: Kref) -> RevisionRecord:
        """The revision a kref selects: ``r=N``, ``t=TAG``, ``t=TAG&time=T``, or the latest."""

    def batch_get_revisions(self, krefs: Sequence[Kref]) -> list[RevisionRecord | None]:
        """:meth:`get_revision` for many krefs at once; ``None`` where nothing matches."""

    def list_revisions(self, item: Kref) -> list[RevisionRecord]:
        """All revisions of an item, oldest first."""

    def get_revision_by_time(self, item: Kref, at: datetime, tag: str | None) -> RevisionRecord | None:
        """The revision that held ``tag`` at ``at`` or, without a tag, the newest one then."""

    def peek_next_revision(self, item: Kref) -> int:
        """The number the next revision of the item will get."""

    def tag_revision(self, revision: Kref, tag: str) -> RevisionRecord:
        """Put ``tag`` on a revision, taking it off any other revision of the item."""

    def untag_revision(self, revision: Kref, tag: str) -> RevisionRecord:
        """Take ``tag`` off a revision."""

    def tag_history(self, item: Kref, tag: str | None) -> list[TagEvent]:
        """Every tag / untag of the item (of one tag, when given), oldest first."""

    def was_tagged(self, revision: Kref, tag: str, at: datetime | None) -> bool:
        """Whether the revision ever held ``tag`` (or held it at ``at``)."""

    def set_deprecated(self, kref: Kref, deprecated: bool) -> None:
        """Mark an item or revision deprecated (or not)."""

    def set_default_artifact(self, revision: Kref, name: str) -> RevisionRecord:
        """Choose the artifact that ``resolve`` gives when the kref has no ``a=``."""

    # -- artifacts -------------------------------------------------------
    def create_artifact(self, revision: Kref, spec: ArtifactSpec) -> ArtifactRecord:
        """Add an artifact to a revision (the first one becomes its default)."""

    def get_artifact(self, kref: Kref) -> ArtifactRecord:
        """An artifact by revision kref with ``a=NAME``."""

    def list_artifacts(self, revision: Kref) -> list[ArtifactRecord]:
        """The artifacts of a revision, by name."""

    def resolve_many(self, krefs: Sequence[Kref]) -> list[str | None]:
        """The location of each kref's artifact (the default one without ``a=``), one
        round trip for all; ``None`` where a kref selects nothing."""

    # -- edges and traversal --------------------------------------------
    def create_edge(self, source: Kref, target: Kref, edge_type: str, metadata: Metadata) -> EdgeRecord:
        """Link two revisions; both must exist."""

    def list_edges(self, revision: Kref, edge_type: str | None, direction: int) -> list[EdgeRecord]:
        """Edges of a revision in a direction (``OUTGOING``, ``INCOMING``, ``BOTH``)."""

    def delete_edge(self, source: Kref, target: Kref, edge_type: str) -> None:
        """Remove one edge."""

    def traverse(
        self,
        revision: Kref,
        direction: int,
        edge_types: Sequence[str] | None,
        max_depth: int,
        limit: int | None,
    ) -> tuple[list[TraversalNode], bool]:
        """Revisions reachable along edges (OUTGOING: dependencies, INCOMING: dependents)
        up to ``max_depth`` hops, each once at its smallest depth; ``(nodes, truncated)``.
        Runs inside the engine (recursive SQL for SQL engines)."""

    def find_path(
        self, source: Kref, target: Kref, edge_types: Sequence[str] | None, max_depth: int
    ) -> list[PathHop] | None:
        """The shortest path along outgoing edges from source to target, or ``None``."""

    # -- bundles ---------------------------------------------------------
    def add_bundle_member(self, bundle: Kref, member: Kref, metadata: Metadata) -> BundleChange:
        """Add an item to a bundle: a new bundle revision."""

    def remove_bundle_member(self, bundle: Kref, member: Kref, metadata: Metadata) -> BundleChange:
        """Remove an item from a bundle: a new bundle revision."""

    def list_bundle_members(self, bundle: Kref, revision_number: int | None) -> list[BundleMember]:
        """Members now, or as of a bundle revision."""

    def bundle_history(self, bundle: Kref) -> list[BundleChange]:
        """Every membership change, oldest first."""

    # -- metadata and deletion, for any node -----------------------------
    def set_metadata(self, kref: Kref, metadata: Metadata) -> Metadata:
        """Merge keys into a node's metadata; return the whole new map."""

    def set_attribute(self, kref: Kref, key: str, value: str) -> None:
        """Set one metadata key of a node."""

    def get_attribute(self, kref: Kref, key: str) -> str | None:
        """One metadata key of a node, or ``None``."""

    def delete_attribute(self, kref: Kref, key: str) -> bool:
        """Remove one metadata key; ``True`` if it was there."""

    def delete(self, kref: Kref, force: bool) -> None:
        """Delete a node. Without ``force`` a project, space or item must be empty."""

    # -- events ----------------------------------------------------------
    def event_stream(
        self,
        routing_key_filter: str | None,
        kref_filter: str | None,
        cursor: str | None,
        from_beginning: bool,
        consumer_group: str | None,
        timeout: float | None,
    ) -> Iterator[Event]:
        """Events in commit order, filtered; see :func:`splice.event_stream`."""

    def emit_event(self, kref: Kref, routing_key: str, metadata: dict[str, str]) -> Event:
        """Append an application event (``package.published``) about an existing node, in
        its own transaction; the routing key is checked by the SDK (not a core namespace)."""

    def event_capabilities(self) -> EventCapabilities:
        """What this engine's stream supports."""

    def close(self) -> None:
        """Release connections."""


__all__ = ["BOTH", "INCOMING", "OUTGOING", "ArtifactSpec", "Backend"]
