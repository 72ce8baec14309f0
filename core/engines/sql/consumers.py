"""Consumer groups: the members of a group share one position in the event log, so
each event goes to one member; the position is committed as the event is handed out.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable, Iterator

from ...records import Event
from .base import SQLBase


class ConsumerGroups(SQLBase):
    """Joining a group and streaming its share of the events."""

    def _join_group(self, group: str, start: int | None) -> None:
        """Join now, so a new group starts at this call, not at the first read; ``start``
        (``None``: the newest event) counts only for a group that is new."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO consumer_groups (name, position) VALUES (?, ?)"
                " ON CONFLICT (name) DO NOTHING",
                (group, self._head(conn) if start is None else start),
            )

    def _group_stream(
        self, group: str, accept: Callable[[str, str], bool], timeout: float | None
    ) -> Iterator[Event]:
        """The group's next accepted event, one at a time, its position moved past it first."""
        while True:
            taken = None
            with self._write() as conn:
                position = conn.execute(
                    "SELECT position FROM consumer_groups WHERE name = ?", (group,)
                ).fetchone()[0]
                for row in self._events_after(conn, position, 500):
                    position = row[0]
                    if accept(row[1], row[2]):
                        taken = row
                        break
                conn.execute("UPDATE consumer_groups SET position = ? WHERE name = ?", (position, group))
            if taken is not None:
                yield self._event(taken)
                continue
            deadline = None if timeout is None else _time.monotonic() + timeout
            if not self._wait(position, deadline):
                return

