"""Tags and their history: ``latest`` moves by itself, any other tag is held by one
revision of an item at a time, and every tag and untag is kept.
"""

from __future__ import annotations

from datetime import datetime

from ...errors import ImmutableError, NotFoundError, ValidationError
from ...kref import Kref
from ...records import RevisionRecord, TagEvent
from ...times import now_stamp
from .base import LATEST, PUBLISHED, SQLBase
from .dialect import Connection


class Tags(SQLBase):
    """Tag, untag, tag history and "which revision held a tag at time T"."""

    def _move_tag(
        self,
        conn: Connection,
        item_id: int,
        rid: int,
        number: int,
        tag: str,
        stamp: str,
        left: tuple[int, int] | None = None,
    ) -> None:
        """Give ``tag`` to the revision and record it; ``left``: (id, number) of the revision
        it leaves, whose 'untagged' row goes first in the same INSERT."""
        conn.execute(
            "INSERT INTO tags (item_id, tag, revision_id) VALUES (?,?,?)"
            " ON CONFLICT (item_id, tag) DO UPDATE SET revision_id = excluded.revision_id",
            (item_id, tag, rid),
        )
        rows = [(left[0], left[1], "untagged")] if left else []
        rows.append((rid, number, "tagged"))
        conn.execute(
            "INSERT INTO tag_history (item_id, revision_id, revision_number, tag, action, at, author) VALUES "
            + ",".join(["(?,?,?,?,?,?,?)"] * len(rows)),
            [v for r, n, action in rows for v in (item_id, r, n, tag, action, stamp, self.actor)],
        )

    def _tag(
        self,
        conn: Connection,
        item_id: int,
        rid: int,
        number: int,
        rkref: str,
        tag: str,
        stamp: str,
        published: bool = False,
    ) -> None:
        """Move ``tag`` to the revision; ``published``: it was inserted published already."""
        if tag == LATEST:
            raise ValidationError("'latest' moves by itself to the newest revision; it cannot be set")
        current = conn.execute(
            "SELECT t.revision_id, r.number FROM tags t JOIN revisions r ON r.id = t.revision_id"
            " WHERE t.item_id = ? AND t.tag = ?",
            (item_id, tag),
        ).fetchone()
        if current is not None and current[0] == rid:
            return
        if current is not None:  # the tag leaves its holder: say so in history and events
            holder = f"{str(rkref).partition('?')[0]}?r={current[1]}"
            self._emit(conn, "revision.untagged", holder, tag=tag, moved_to=number)
        self._move_tag(conn, item_id, rid, number, tag, stamp, left=current)
        if tag == PUBLISHED and not published:
            conn.execute("UPDATE revisions SET published = 1 WHERE id = ?", (rid,))
        self._emit(conn, "revision.tagged", rkref, tag=tag)

    def _tag_target(self, conn: Connection, revision: Kref) -> tuple[int, int, int, str]:
        """(revision id, item id, number, revision kref) of the revision a kref selects."""
        rid = self._revision_id(conn, revision)
        item_id, number, path = conn.execute(
            "SELECT r.item_id, r.number, i.path FROM revisions r JOIN items i ON i.id = r.item_id"
            " WHERE r.id = ?",
            (rid,),
        ).fetchone()
        return rid, item_id, number, f"kref://{path}?r={number}"

    def tag_revision(self, revision: Kref, tag: str) -> RevisionRecord:
        with self._write() as conn:
            rid, item_id, number, rkref = self._tag_target(conn, revision)
            self._tag(conn, item_id, rid, number, rkref, tag, now_stamp())
            return self._revision_record(conn, rid)

    def untag_revision(self, revision: Kref, tag: str) -> RevisionRecord:
        if tag == LATEST:
            raise ValidationError("'latest' moves by itself to the newest revision; it cannot be removed")
        if tag == PUBLISHED:
            raise ImmutableError("'published' is for good: a published revision stays published")
        with self._write() as conn:
            rid, item_id, number, rkref = self._tag_target(conn, revision)
            deleted = conn.execute(
                "DELETE FROM tags WHERE item_id = ? AND tag = ? AND revision_id = ?", (item_id, tag, rid)
            ).rowcount
            if not deleted:
                raise NotFoundError(f"{rkref} has no tag {tag!r}")
            self._record_untag(conn, item_id, rid, number, tag, now_stamp())
            self._emit(conn, "revision.untagged", rkref, tag=tag)
            return self._revision_record(conn, rid)

    def _record_untag(
        self, conn: Connection, item_id: int, rid: int, number: int, tag: str, stamp: str
    ) -> None:
        conn.execute(
            "INSERT INTO tag_history (item_id, revision_id, revision_number, tag, action, at, author)"
            " VALUES (?,?,?,?,'untagged',?,?)",
            (item_id, rid, number, tag, stamp, self.actor),
        )

    def tag_history(self, item: Kref, tag: str | None) -> list[TagEvent]:
        with self._read() as conn:
            item_id, _, _, path = self._item_row(conn, item)
            sql = "SELECT revision_number, tag, action, at, author FROM tag_history WHERE item_id = ?"
            args: list = [item_id]
            if tag is not None:
                sql += " AND tag = ?"
                args.append(tag)
            rows = conn.execute(sql + " ORDER BY id", args)
            return [TagEvent(Kref.stored(path, n), t, a, at, au) for n, t, a, at, au in rows]

    def was_tagged(self, revision: Kref, tag: str, at: datetime | None) -> bool:
        with self._read() as conn:
            rid = self._revision_id(conn, revision)
            if at is None:
                return (
                    conn.execute(
                        "SELECT 1 FROM tag_history WHERE revision_id = ? AND tag = ? AND action = 'tagged'",
                        (rid, tag),
                    ).fetchone()
                    is not None
                )
            item_id = conn.execute("SELECT item_id FROM revisions WHERE id = ?", (rid,)).fetchone()[0]
            return self._revision_at(conn, item_id, tag, at) == rid
