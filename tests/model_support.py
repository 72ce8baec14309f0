"""Helpers of the data-model contract tests: whole-store snapshots and moments in time.

Everything here reads through the public SDK only, so it works on every engine.
A refused write must leave :func:`dump` unchanged: no node, metadata, tag, tag
history entry, edge, bundle change, revision number or event may appear, move
or vanish.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

import splice


def events(client: splice.Client) -> list[tuple[str, str, dict[str, Any]]]:
    """Every event in the store's log, oldest first: (routing key, kref, metadata)."""
    return [
        (e.routing_key, str(e.kref), dict(e.metadata))
        for e in client.event_stream(from_beginning=True, timeout=0)
    ]


def dump(client: splice.Client) -> dict[str, Any]:
    """The whole store, as plain comparable values."""
    state: dict[str, Any] = {}
    for project in client.get_projects():
        state[str(project.kref)] = ("project", project.description, project.metadata)
        for space in project.get_spaces(recursive=True):
            state[str(space.kref)] = ("space", space.metadata)
        for item in client.search(under=project.kref):
            state[str(item.kref)] = (
                "item",
                item.kind,
                item.metadata,
                item.deprecated,
                item.peek_next_revision(),
                tuple(item.get_tag_history()),
            )
            if isinstance(item, splice.Bundle):
                state[f"{item.kref} members"] = tuple(item.get_members())
                state[f"{item.kref} history"] = tuple(item.get_history())
            for rev in item.get_revisions():
                state[str(rev.kref)] = (
                    "revision",
                    rev.metadata,
                    tuple(rev.tags),
                    rev.published,
                    rev.deprecated,
                    rev.default_artifact,
                    rev.created_at,
                    rev.author,
                )
                for art in rev.get_artifacts():
                    state[str(art.kref)] = ("artifact", art.location, art.metadata)
                for edge in rev.get_edges():
                    state[f"{edge.source_kref} -{edge.edge_type}-> {edge.target_kref}"] = edge.metadata
    state["events"] = events(client)
    return state


def moment() -> datetime:
    """Now (UTC), strictly after every write before the call and before every write after it."""
    time.sleep(0.002)
    now = datetime.now(timezone.utc)
    time.sleep(0.002)
    return now
