"""The event stream: every write's events in the store's log, read after a cursor,
filtered, waiting for the next commit through the engine's ``_wait``.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable, Iterator

from ...events import event_filter, parse_cursor
from ...kref import Kref
from ...records import Event, EventCapabilities, Metadata
from .consumers import ConsumerGroups


class Events(ConsumerGroups):
    """``emit_event``, ``event_stream``, ``event_head``, ``event_capabilities``."""

    def emit_event(self, kref: Kref, routing_key: str, metadata: Metadata) -> Event:
        with self._write() as conn:
            _, _, node_kref, _ = self._node(conn, kref)
            self._emit(conn, routing_key, node_kref, **metadata)
            self._flush_events(conn)
            row = conn.execute(
                "SELECT id, routing_key, kref, action, at, author, metadata FROM events"
                " WHERE routing_key = ? AND kref = ? ORDER BY id DESC LIMIT 1",
                (routing_key, node_kref),
            ).fetchone()
        return self._event(row)

    def event_capabilities(self) -> EventCapabilities:
        return EventCapabilities(
            tier="embedded",
            supports_realtime=True,
            supports_routing_filters=True,
            supports_kref_filters=True,
            supports_cursor=True,
            supports_replay=True,
            supports_consumer_groups=True,
            max_retention_hours=None,
            max_buffer_size=None,
        )

    def event_head(self) -> str:
        """The cursor of the newest event ("0" before the first): a stream that starts
        "from now" elsewhere (the server's) resumes from here."""
        return str(self._head())

    def event_stream(
        self,
        routing_key_filter: str | None,
        kref_filter: str | None,
        cursor: str | None,
        from_beginning: bool,
        consumer_group: str | None,
        timeout: float | None,
    ) -> Iterator[Event]:
        accept = event_filter(routing_key_filter, kref_filter)
        start = parse_cursor(cursor) if cursor is not None else (0 if from_beginning else None)
        if consumer_group is not None:
            self._join_group(consumer_group, start)
            return self._group_stream(consumer_group, accept, timeout)
        return self._stream(accept, self._head() if start is None else start, timeout)

    def _stream(
        self, accept: Callable[[str, str], bool], position: int, timeout: float | None
    ) -> Iterator[Event]:
        while True:
            with self._read() as conn:
                rows = self._events_after(conn, position, 500)
            if not rows:
                deadline = None if timeout is None else _time.monotonic() + timeout
                if not self._wait(position, deadline):
                    return
                continue
            for row in rows:
                position = row[0]
                if accept(row[1], row[2]):
                    yield self._event(row)
