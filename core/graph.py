"""Results of graph traversal: dependencies, dependents, paths and impact."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .kref import Kref
from .records import TraversalNode

if TYPE_CHECKING:
    from .client import Client
    from .nodes import Revision


@dataclass(frozen=True)
class PathStep:
    """One hop of a path: the revision reached, the edge type used, its distance."""

    revision_kref: Kref
    edge_type: str
    depth: int


@dataclass(frozen=True)
class RevisionPath:
    """A path between two revisions; ``steps`` excludes the start."""

    steps: list[PathStep] = field(default_factory=list)
    total_depth: int = 0

    def __bool__(self) -> bool:
        return True  # an empty path (source == target) is still a path


@dataclass(frozen=True)
class ImpactedRevision:
    """A revision affected by a change, ``impact_depth`` hops away."""

    revision_kref: Kref
    item_kref: Kref
    impact_depth: int
    edge_type: str


class TraversalResult:
    """Revisions reached by ``get_all_dependencies`` / ``get_all_dependents``.

    ``revision_krefs`` are ordered by depth; ``depths`` gives each one's
    distance; ``truncated`` is true when ``limit`` cut the result short.
    """

    def __init__(self, nodes: list[TraversalNode], truncated: bool, client: Client) -> None:
        self.nodes = nodes
        self.revision_krefs: list[Kref] = [n.revision_kref for n in nodes]
        self.depths: dict[Kref, int] = {n.revision_kref: n.depth for n in nodes}
        self.total_count = len(nodes)
        self.truncated = truncated
        self._client = client

    def __iter__(self):
        return iter(self.revision_krefs)

    def __len__(self) -> int:
        return self.total_count

    def __repr__(self) -> str:
        return f"<TraversalResult count={self.total_count} truncated={self.truncated}>"

    def get_revisions(self) -> list[Revision]:
        """The full revisions, fetched in one batch."""
        return [r for r in self._client.batch_get_revisions(self.revision_krefs) if r is not None]
