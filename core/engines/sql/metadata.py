"""Metadata of any node: merge, set, get and delete keys (a published revision's,
and its artifacts', never change).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ...kref import Kref
from ...records import Metadata
from .base import SQLBase, dumps

# a change of a node's metadata: (the new metadata, the keys it changed)
Change = Callable[[Metadata], tuple[Metadata, list[str]]]


class NodeMetadata(SQLBase):
    """``set_metadata``, ``set_attribute``, ``get_attribute``, ``delete_attribute``."""

    def _update_metadata(self, kref: Kref, change: Change) -> Metadata:
        with self._write() as conn:
            table, node_id, node_kref, prefix = self._node(conn, kref)
            if table == "revisions":
                self._check_mutable(conn, node_id, "metadata")
            elif table == "artifacts":
                rid = conn.execute("SELECT revision_id FROM artifacts WHERE id = ?", (node_id,)).fetchone()[0]
                self._check_mutable(conn, rid, "artifacts")
            current = json.loads(
                conn.execute(f"SELECT metadata FROM {table} WHERE id = ?", (node_id,)).fetchone()[0]
            )
            updated, changed = change(dict(current))
            if changed:
                conn.execute(f"UPDATE {table} SET metadata = ? WHERE id = ?", (dumps(updated), node_id))
                self._emit(conn, f"{prefix}.updated", node_kref, keys=sorted(changed))
            return updated

    def set_metadata(self, kref: Kref, metadata: Metadata) -> Metadata:
        def merge(current: Metadata) -> tuple[Metadata, list[str]]:
            changed = [k for k, v in metadata.items() if current.get(k) != v]
            current.update(metadata)
            return current, changed

        return self._update_metadata(kref, merge)

    def set_attribute(self, kref: Kref, key: str, value: str) -> None:
        self.set_metadata(kref, {key: value})

    def get_attribute(self, kref: Kref, key: str) -> str | None:
        with self._read() as conn:
            table, node_id, _, _ = self._node(conn, kref)
            meta = json.loads(
                conn.execute(f"SELECT metadata FROM {table} WHERE id = ?", (node_id,)).fetchone()[0]
            )
            return meta.get(key)

    def delete_attribute(self, kref: Kref, key: str) -> bool:
        found: list[str] = []

        def drop(current: Metadata) -> tuple[Metadata, list[str]]:
            if key in current:
                del current[key]
                found.append(key)
            return current, found

        self._update_metadata(kref, drop)
        return bool(found)
