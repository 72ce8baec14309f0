"""What every SQL engine does, written once, one module per concern.

:class:`SQLBackend` implements the whole :class:`~splice.backend.Backend` in SQL
that SQLite and PostgreSQL both run. It is assembled from one class per concern:

- ``nodes.py``       projects, spaces, items
- ``revisions.py``   revisions, one at a time or as a batch
- ``tags.py``        tags and their history
- ``artifacts.py``   artifacts, default artifacts, ``resolve_many``
- ``edges.py``       edges between revisions
- ``traversal.py``   dependencies, dependents, paths (recursive SQL)
- ``bundles.py``     bundle members, as bundle revisions
- ``metadata.py``    metadata of any node
- ``deletion.py``    deleting any node, keeping history
- ``events.py``      the event stream; ``consumers.py`` its consumer groups
- ``export.py``      the stored rows of nodes, for a replica to copy
- ``base.py``        what they share: the write's events, lookups by kref
- ``dialect.py``     the hooks an engine fills in: all that differs per database

An engine (``splice.engines.sqlite``, ``splice.engines.postgres``) subclasses
``SQLBackend`` and implements the hooks of :class:`~.dialect.SQLDialect` only.
"""

from __future__ import annotations

import copy

from .artifacts import Artifacts
from .bundles import Bundles
from .consumers import ConsumerGroups
from .deletion import Deletion
from .edges import Edges
from .events import Events
from .export import Export
from .metadata import NodeMetadata
from .nodes import Nodes
from .revisions import Revisions
from .tags import Tags
from .traversal import Traversal

__all__ = ["SQLBackend"]


class SQLBackend(
    Deletion,
    Bundles,
    Revisions,
    Nodes,
    Tags,
    Artifacts,
    Edges,
    Traversal,
    NodeMetadata,
    Events,
    ConsumerGroups,
    Export,
):
    """The engine-independent part of splice's SQL engines."""

    def with_actor(self, actor: str) -> SQLBackend:
        """This engine writing as ``actor`` and sharing its connections (the server makes
        one per request for the caller). Never close such a view."""
        view = copy.copy(self)
        view.actor = actor
        return view
