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

This protocol is also the one declaration of the store API on the wire
(:mod:`splice.wire`): the server's routes, their request models and the remote
engine's methods are derived from its signatures. The aliases below say what a
``str`` or ``int`` parameter holds (the server checks it as the SDK does), and
each method says how it travels: ``@read``, ``@write(role)``, ``@stream`` or ``@local``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Annotated, Protocol, TypeVar, runtime_checkable

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
    StoredRow,
    TagEvent,
    TraversalNode,
)

# Edge directions, as in seed 000.
OUTGOING = 0
INCOMING = 1
BOTH = 2

# -- what a str or int parameter holds: its wire kind (splice.wire checks each) ----------
Name = Annotated[str, "name"]  # a project or space name
ItemName = Annotated[str, "item_name"]
Kind = Annotated[str, "kind"]  # an item kind: model, rig, bundle…
Text = Annotated[str, "text"]
Tag = Annotated[str, "tag"]
EdgeType = Annotated[str, "edge_type"]
EdgeTypes = Sequence[EdgeType]
ArtifactName = Annotated[str, "artifact_name"]
AttrKey = Annotated[str, "attr_key"]
AttrValue = Annotated[str, "attr_value"]
IdempotencyKey = Annotated[str, "key"]
RoutingKey = Annotated[str, "routing_key"]
Direction = Annotated[int, "direction"]  # OUTGOING, INCOMING or BOTH
Depth = Annotated[int, "depth"]  # a positive number of hops
Limit = Annotated[int, "limit"]  # a positive count
RevisionNumber = Annotated[int, "limit"]
# traverse's answer; on the wire an object of these two names
Traversal = Annotated[tuple[list[TraversalNode], bool], ("nodes", "truncated")]
# export_rows' answer: the event cursor the rows are as of, and the rows
Export = Annotated[tuple[str, list[StoredRow]], ("cursor", "rows")]


# -- how a method travels -------------------------------------------------------------
class Call:
    """How a Backend method travels: ``read`` and ``write`` are ``POST /api/v1/<name>``
    (reads are retried and allowed to viewers; a write needs ``role`` on the projects of
    its krefs except those in ``reads``, and is retried only when it carries ``retry_key``);
    ``stream`` has routes of its own; ``local`` stays on each side."""

    __slots__ = ("kind", "reads", "retry_key", "role")

    def __init__(
        self, kind: str, role: str = "viewer", reads: tuple[str, ...] = (), retry_key: str | None = None
    ) -> None:  # a plain class: a dataclass would cost `import splice` ~0.5 ms
        self.kind, self.role, self.reads, self.retry_key = kind, role, reads, retry_key

    def __repr__(self) -> str:
        return f"Call({self.kind!r}, role={self.role!r}, reads={self.reads!r}, retry_key={self.retry_key!r})"


CALL_ATTR = "__splice_call__"
F = TypeVar("F", bound=Callable[..., object])


def _mark(call: Call) -> Callable[[F], F]:
    def mark(fn: F) -> F:
        setattr(fn, CALL_ATTR, call)
        return fn

    return mark


read = _mark(Call("read"))
stream = _mark(Call("stream"))
local = _mark(Call("local"))


def write(role: str, *, reads: tuple[str, ...] = (), retry_key: str | None = None) -> Callable[[F], F]:
    """A write that needs ``role`` (artist, supervisor, admin) on the projects it touches."""
    return _mark(Call("write", role, reads, retry_key))


@runtime_checkable
class Backend(Protocol):
    """What an engine implements. Krefs in, records out."""

    url: str
    actor: str

    # -- projects --------------------------------------------------------
    @write("admin")
    def create_project(self, name: Name, description: Text, metadata: Metadata) -> ProjectRecord:
        """Create a project; :class:`AlreadyExistsError` if the name is taken."""

    @read
    def get_project(self, name: Name) -> ProjectRecord:
        """A project by name; :class:`NotFoundError` if there is none."""

    @read
    def list_projects(self) -> list[ProjectRecord]:
        """All projects, by name."""

    # -- spaces ----------------------------------------------------------
    @write("artist")
    def create_space(self, parent: Kref, name: Name, metadata: Metadata) -> SpaceRecord:
        """Create a space under a project or space kref."""

    @read
    def get_space(self, kref: Kref) -> SpaceRecord:
        """A space by kref."""

    @read
    def list_spaces(self, parent: Kref, recursive: bool) -> list[SpaceRecord]:
        """Spaces directly under ``parent`` (or at any depth), by path."""

    # -- items -----------------------------------------------------------
    @write("artist")
    def create_item(self, parent: Kref, name: ItemName, kind: Kind, metadata: Metadata) -> ItemRecord:
        """Create an item (a bundle when ``kind == 'bundle'``) under a project or space."""

    @read
    def get_item(self, kref: Kref) -> ItemRecord:
        """An item by kref (its query, if any, is ignored)."""

    @read
    def find_items(self, query: ItemQuery) -> list[ItemRecord]:
        """Items matching every filter of ``query``, by kref."""

    # -- revisions -------------------------------------------------------
    @write("artist")
    def create_revision(self, item: Kref, metadata: Metadata) -> RevisionRecord:
        """Create the next revision of an item; it becomes ``latest``."""

    @write("artist", retry_key="idempotency_key")
    def batch_create_revisions(
        self, specs: Sequence[RevisionSpec], idempotency_key: IdempotencyKey | None
    ) -> list[RevisionRecord]:
        """Create every revision of ``specs`` with its artifacts, edges and tags in ONE
        transaction. Re-sent with the same ``idempotency_key`` and the same specs, return
        the revisions made the first time and write nothing."""

    @read
    def get_revision(self, kref: Kref) -> RevisionRecord:
        """The revision a kref selects: ``r=N``, ``t=TAG``, ``t=TAG&time=T``, or the latest."""

    @read
    def batch_get_revisions(self, krefs: Sequence[Kref]) -> list[RevisionRecord | None]:
        """:meth:`get_revision` for many krefs at once; ``None`` where nothing matches."""

    @read
    def list_revisions(self, item: Kref) -> list[RevisionRecord]:
        """All revisions of an item, oldest first."""

    @read
    def get_revision_by_time(self, item: Kref, at: datetime, tag: Tag | None) -> RevisionRecord | None:
        """The revision that held ``tag`` at ``at`` or, without a tag, the newest one then."""

    @read
    def peek_next_revision(self, item: Kref) -> int:
        """The number the next revision of the item will get."""

    @write("artist")
    def tag_revision(self, revision: Kref, tag: Tag) -> RevisionRecord:
        """Put ``tag`` on a revision, taking it off any other revision of the item."""

    @write("artist")
    def untag_revision(self, revision: Kref, tag: Tag) -> RevisionRecord:
        """Take ``tag`` off a revision."""

    @read
    def tag_history(self, item: Kref, tag: Tag | None) -> list[TagEvent]:
        """Every tag / untag of the item (of one tag, when given), oldest first."""

    @read
    def was_tagged(self, revision: Kref, tag: Tag, at: datetime | None) -> bool:
        """Whether the revision ever held ``tag`` (or held it at ``at``)."""

    @write("supervisor")
    def set_deprecated(self, kref: Kref, deprecated: bool) -> None:
        """Mark an item or revision deprecated (or not)."""

    @write("artist")
    def set_default_artifact(self, revision: Kref, name: ArtifactName) -> RevisionRecord:
        """Choose the artifact that ``resolve`` gives when the kref has no ``a=``."""

    # -- artifacts -------------------------------------------------------
    @write("artist")
    def create_artifact(self, revision: Kref, spec: ArtifactSpec) -> ArtifactRecord:
        """Add an artifact to a revision (the first one becomes its default)."""

    @read
    def get_artifact(self, kref: Kref) -> ArtifactRecord:
        """An artifact by revision kref with ``a=NAME``."""

    @read
    def list_artifacts(self, revision: Kref) -> list[ArtifactRecord]:
        """The artifacts of a revision, by name."""

    @read
    def resolve_many(self, krefs: Sequence[Kref]) -> list[str | None]:
        """The location of each kref's artifact (the default one without ``a=``), one
        round trip for all; ``None`` where a kref selects nothing."""

    # -- edges and traversal --------------------------------------------
    @write("artist", reads=("target",))
    def create_edge(
        self, source: Kref, target: Kref, edge_type: EdgeType, metadata: Metadata
    ) -> EdgeRecord:
        """Link two revisions; both must exist."""

    @read
    def list_edges(
        self, revision: Kref, edge_type: EdgeType | None, direction: Direction
    ) -> list[EdgeRecord]:
        """Edges of a revision in a direction (``OUTGOING``, ``INCOMING``, ``BOTH``)."""

    @write("supervisor")
    def delete_edge(self, source: Kref, target: Kref, edge_type: EdgeType) -> None:
        """Remove one edge."""

    @read
    def traverse(
        self,
        revision: Kref,
        direction: Direction,
        edge_types: EdgeTypes | None,
        max_depth: Depth,
        limit: Limit | None,
    ) -> Traversal:
        """Revisions reachable along edges (OUTGOING: dependencies, INCOMING: dependents)
        up to ``max_depth`` hops, each once at its smallest depth; ``(nodes, truncated)``.
        Runs inside the engine (recursive SQL for SQL engines)."""

    @read
    def find_path(
        self, source: Kref, target: Kref, edge_types: EdgeTypes | None, max_depth: Depth
    ) -> list[PathHop] | None:
        """The shortest path along outgoing edges from source to target, or ``None``."""

    # -- bundles ---------------------------------------------------------
    @write("artist", reads=("member",))
    def add_bundle_member(self, bundle: Kref, member: Kref, metadata: Metadata) -> BundleChange:
        """Add an item to a bundle: a new bundle revision."""

    @write("artist", reads=("member",))
    def remove_bundle_member(self, bundle: Kref, member: Kref, metadata: Metadata) -> BundleChange:
        """Remove an item from a bundle: a new bundle revision."""

    @read
    def list_bundle_members(self, bundle: Kref, revision_number: RevisionNumber | None) -> list[BundleMember]:
        """Members now, or as of a bundle revision."""

    @read
    def bundle_history(self, bundle: Kref) -> list[BundleChange]:
        """Every membership change, oldest first."""

    # -- metadata and deletion, for any node -----------------------------
    @write("artist")
    def set_metadata(self, kref: Kref, metadata: Metadata) -> Metadata:
        """Merge keys into a node's metadata; return the whole new map."""

    @write("artist")
    def set_attribute(self, kref: Kref, key: AttrKey, value: AttrValue) -> None:
        """Set one metadata key of a node."""

    @read
    def get_attribute(self, kref: Kref, key: AttrKey) -> str | None:
        """One metadata key of a node, or ``None``."""

    @write("artist")
    def delete_attribute(self, kref: Kref, key: AttrKey) -> bool:
        """Remove one metadata key; ``True`` if it was there."""

    @write("supervisor")
    def delete(self, kref: Kref, force: bool) -> None:
        """Delete a node. Without ``force`` a project, space or item must be empty."""

    # -- replicas --------------------------------------------------------
    @read
    def export_rows(
        self, krefs: Sequence[Kref], deep: bool, after: Kref | None, limit: Limit | None
    ) -> Export:
        """The stored rows of nodes, for a replica, and the event cursor they are as of (or
        newer). An item kref (or a kref of anything in it) gives the item whole: its
        revisions, artifacts, tags, tag history, bundle changes and the edges from or to its
        revisions. A project or space kref gives its own row and, when ``deep``, every space
        and item under it. Items come in path order, ``limit`` at a time after the item
        ``after``; a node that does not exist gives no rows; no krefs: the cursor alone."""

    # -- events ----------------------------------------------------------
    @stream
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

    @write("artist")
    def emit_event(self, kref: Kref, routing_key: RoutingKey, metadata: Metadata) -> Event:
        """Append an application event (``package.published``) about an existing node, in
        its own transaction; the routing key is checked by the SDK (not a core namespace)."""

    @read
    def event_capabilities(self) -> EventCapabilities:
        """What this engine's stream supports."""

    @local
    def close(self) -> None:
        """Release connections."""


__all__ = [
    "BOTH",
    "INCOMING",
    "OUTGOING",
    "ArtifactName",
    "ArtifactSpec",
    "AttrKey",
    "AttrValue",
    "Backend",
    "Call",
    "Depth",
    "Direction",
    "EdgeType",
    "EdgeTypes",
    "Export",
    "IdempotencyKey",
    "ItemName",
    "Kind",
    "Limit",
    "Name",
    "RevisionNumber",
    "RoutingKey",
    "Tag",
    "Text",
    "Traversal",
    "local",
    "read",
    "stream",
    "write",
]
