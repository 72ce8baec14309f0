"""Bundles: items of kind ``bundle`` whose every membership change is a new bundle
revision, so the members at any past revision are known.
"""

from __future__ import annotations

import json

from ...errors import AlreadyExistsError, NotFoundError, ValidationError
from ...kref import Kref
from ...records import BundleChange, BundleMember, Metadata
from ...times import now_stamp
from .base import dumps, kref_of
from .dialect import Connection
from .revisions import Revisions


class Bundles(Revisions):
    """Add and remove members, list them at a revision, the change history."""

    def _bundle_id(self, conn: Connection, bundle: Kref) -> int:
        item_id, kind, _, _ = self._item_row(conn, bundle)
        if kind != "bundle":
            raise ValidationError(f"{bundle.base} is a {kind}, not a bundle")
        return item_id

    def _members_at(self, conn: Connection, bundle_id: int, number: int | None) -> list[tuple]:
        limit = number if number is not None else 2**62
        return conn.execute(
            """
            SELECT c.member_item_id, c.member_kref, c.revision_number, c.created_at, c.author
            FROM bundle_changes c
            WHERE c.bundle_item_id = ? AND c.action = 'added' AND c.revision_number <= ?
              AND c.id = (SELECT MAX(id) FROM bundle_changes
                          WHERE bundle_item_id = c.bundle_item_id AND member_item_id = c.member_item_id
                            AND revision_number <= ?)
            ORDER BY c.member_kref
            """,
            (bundle_id, limit, limit),
        ).fetchall()

    def _bundle_change(self, bundle: Kref, member: Kref, metadata: Metadata, action: str) -> BundleChange:
        stamp = now_stamp()
        with self._write() as conn:
            bundle_id = self._bundle_id(conn, bundle)
            member_id, member_kind, _, member_path = self._item_row(conn, member)
            member_kref = kref_of(member_path)
            current = {row[0] for row in self._members_at(conn, bundle_id, None)}
            if action == "added":
                if member_id == bundle_id:
                    raise ValidationError(f"bundle {bundle.base} cannot contain itself")
                if member_id in current:
                    raise AlreadyExistsError(f"{member_kref} is already a member of {bundle.base}")
                if member_kind == "bundle" and bundle_id in self._bundle_closure(conn, member_id):
                    raise ValidationError(
                        f"adding {member_kref} to {bundle.base} would make the bundle contain itself"
                    )
            elif member_id not in current:
                raise NotFoundError(f"{member_kref} is not a member of {bundle.base}")
            number = self._record_bundle_change(
                conn, bundle_id, bundle.base, member_id, member_kref, action, metadata, stamp
            )
        return BundleChange(number, action, member_kref, self.actor, stamp, dict(metadata))

    def _record_bundle_change(
        self,
        conn: Connection,
        bundle_id: int,
        bundle: Kref,
        member_id: int,
        member_kref: Kref,
        action: str,
        metadata: Metadata,
        stamp: str,
    ) -> int:
        """Write one membership change as a new bundle revision; return its number."""
        meta = {"action": action, "member": str(member_kref), **metadata}
        _, _, number = self._insert_revision(conn, bundle, meta, stamp)
        conn.execute(
            "INSERT INTO bundle_changes (bundle_item_id, revision_number, action, member_item_id,"
            " member_kref, metadata, created_at, author) VALUES (?,?,?,?,?,?,?,?)",
            (bundle_id, number, action, member_id, str(member_kref), dumps(metadata), stamp, self.actor),
        )
        self._emit(conn, f"bundle.member_{action}", bundle, member=str(member_kref), revision=number)
        return number

    def _bundles_holding(self, conn: Connection, item_id: int) -> list[tuple[int, str]]:
        """(id, path) of the bundles that hold ``item_id`` now."""
        return conn.execute(
            """
            SELECT c.bundle_item_id, b.path FROM bundle_changes c JOIN items b ON b.id = c.bundle_item_id
            WHERE c.member_item_id = ? AND c.action = 'added'
              AND c.id = (SELECT MAX(id) FROM bundle_changes
                          WHERE bundle_item_id = c.bundle_item_id AND member_item_id = c.member_item_id)
            ORDER BY b.path
            """,
            (item_id,),
        ).fetchall()

    def _bundle_closure(self, conn: Connection, bundle_id: int) -> set[int]:
        """Every item a bundle holds, through nested bundles."""
        seen: set[int] = set()
        todo = [bundle_id]
        while todo:
            for member_id, *_ in self._members_at(conn, todo.pop(), None):
                if member_id not in seen:
                    seen.add(member_id)
                    todo.append(member_id)
        return seen

    def add_bundle_member(self, bundle: Kref, member: Kref, metadata: Metadata) -> BundleChange:
        return self._bundle_change(bundle, member, metadata, "added")

    def remove_bundle_member(self, bundle: Kref, member: Kref, metadata: Metadata) -> BundleChange:
        return self._bundle_change(bundle, member, metadata, "removed")

    def list_bundle_members(self, bundle: Kref, revision_number: int | None) -> list[BundleMember]:
        with self._read() as conn:
            bundle_id = self._bundle_id(conn, bundle)
            rows = self._members_at(conn, bundle_id, revision_number)
            return [BundleMember(Kref(k), n, at, by) for _, k, n, at, by in rows]

    def bundle_history(self, bundle: Kref) -> list[BundleChange]:
        with self._read() as conn:
            bundle_id = self._bundle_id(conn, bundle)
            rows = conn.execute(
                "SELECT revision_number, action, member_kref, author, created_at, metadata"
                " FROM bundle_changes WHERE bundle_item_id = ? ORDER BY revision_number",
                (bundle_id,),
            )
            return [BundleChange(n, a, Kref(k), au, at, json.loads(m)) for n, a, k, au, at, m in rows]
