"""Live events: ``GET /api/v1/events`` (Server-Sent Events) and ``POST /api/v1/events/next``.

The stream takes the arguments of ``Backend.event_stream`` as query parameters
(``routing_key_filter``, ``kref_filter``, ``cursor``, ``from_beginning``,
``consumer_group``, ``timeout``); a ``Last-Event-ID`` header (sent by browsers and the
remote engine when they reconnect) overrides ``cursor``. Messages:

- ``event: open`` first, its ``id:`` the position the stream starts after;
- one message per event: ``id:`` its cursor, ``data:`` the event as JSON;
- ``: heartbeat`` comments while idle; ``event: end`` when ``timeout`` seconds
  passed without an event; ``event: error`` if the engine fails mid-stream.

The engine's blocking iterator runs in worker threads, in slices of at most one
heartbeat, each resuming from the last position: a thread is never stuck on a client
that went away. Consumer-group members should pull with ``/events/next`` (one event
per request) — over SSE an event in flight when the connection drops is lost for the group.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from itertools import islice
from typing import Any

import anyio
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from .. import wire
from ..errors import SpliceError, ValidationError
from ..kref import check_name
from ..records import Event
from .context import config_of, principal_of, stores_of
from .models import EventPullRequest
from .results import event_shown
from .rpc import json_response
from .stores import for_actor

_ALLOWED_QUERY = {
    "routing_key_filter",
    "kref_filter",
    "cursor",
    "from_beginning",
    "consumer_group",
    "timeout",
}
_LIMITER: anyio.CapacityLimiter | None = None  # stream threads, apart from the request threads


def _limiter() -> anyio.CapacityLimiter:
    global _LIMITER
    if _LIMITER is None:
        _LIMITER = anyio.CapacityLimiter(256)
    return _LIMITER


def head_cursor(engine: Any) -> str | None:
    """The position of the newest event, when the engine can tell (``event_head()``, which
    splice's SQL engines have): a stream "from now" then has a cursor to resume from."""
    hook = getattr(engine, "event_head", None)
    return str(hook()) if hook is not None else None


def _sse(event: str | None = None, ident: str | None = None, data: str = "") -> bytes:
    lines = []
    if event:
        lines.append(f"event: {event}")
    if ident is not None:
        lines.append(f"id: {ident}")
    lines.append(f"data: {data}")
    return ("\n".join(lines) + "\n\n").encode()


def _event_json(event: Event) -> str:
    return json.dumps(wire.encode(event), ensure_ascii=False, separators=(",", ":"))


def router() -> APIRouter:
    r = APIRouter(prefix=wire.API_PREFIX, tags=["events"])

    @r.get(
        "/events",
        name="events",
        operation_id="events",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    async def events(
        request: Request,
        routing_key_filter: str | None = Query(None, description="revision.*, #.deleted"),
        kref_filter: str | None = Query(None, description="kref://show/**/*.model"),
        cursor: str | None = Query(None, description="resume just after this event"),
        from_beginning: bool = Query(False),
        consumer_group: str | None = Query(None),
        timeout: float | None = Query(None, ge=0, description="end after this many idle seconds"),
    ) -> Response:
        """Follow the tenant's events as Server-Sent Events (see the module's docs)."""
        unknown = set(request.query_params) - _ALLOWED_QUERY
        if unknown:
            raise ValidationError(
                f"unknown query parameters {sorted(unknown)}; allowed: {sorted(_ALLOWED_QUERY)}"
            )
        principal = principal_of(request)
        cursor = request.headers.get("last-event-id") or cursor
        if consumer_group is not None:
            check_name(consumer_group, "consumer group")
        heartbeat = config_of(request).heartbeat
        stores = stores_of(request)
        lease = stores.lease(principal.tenant)
        engine = for_actor(lease.__enter__(), principal.actor)
        try:
            start = cursor
            if start is None and not from_beginning and consumer_group is None:
                start = await anyio.to_thread.run_sync(head_cursor, engine)

            def open_slice(position: str | None, seconds: float) -> Iterator[Event]:
                if consumer_group is not None:
                    return engine.event_stream(
                        routing_key_filter, kref_filter, position, from_beginning, consumer_group, seconds
                    )
                return engine.event_stream(
                    routing_key_filter,
                    kref_filter,
                    position,
                    from_beginning and position is None,
                    None,
                    seconds,
                )

            first_slice = heartbeat if timeout is None else min(heartbeat, timeout)
            # opened here, so bad filters or cursors answer 422 before the stream starts
            first = await anyio.to_thread.run_sync(open_slice, start, first_slice)
        except BaseException:
            lease.__exit__(None, None, None)
            raise

        async def stream() -> AsyncIterator[bytes]:
            position, it, last_event = start, first, time.monotonic()
            try:
                yield _sse("open", position or "", json.dumps({"heartbeat": heartbeat}))
                while True:
                    event = await anyio.to_thread.run_sync(next, it, None, limiter=_limiter())
                    if event is not None:
                        position, last_event = event.cursor, time.monotonic()
                        if event_shown(principal, event):
                            yield _sse(None, event.cursor, _event_json(event))
                        continue
                    idle = time.monotonic() - last_event
                    if timeout is not None and idle >= timeout:
                        yield _sse("end", None, "{}")
                        return
                    if await request.is_disconnected():
                        return
                    yield b": heartbeat\n\n"
                    seconds = heartbeat if timeout is None else max(0.0, min(heartbeat, timeout - idle))
                    it = await anyio.to_thread.run_sync(open_slice, position, seconds, limiter=_limiter())
            except SpliceError as exc:
                yield _sse("error", None, json.dumps(wire.error_body(exc.code, str(exc))))
            finally:
                lease.__exit__(None, None, None)

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @r.post("/events/next", name="events_next", operation_id="events_next")
    def events_next(request: Request, body: EventPullRequest) -> Response:
        """Take up to ``limit`` events of a consumer group (waiting up to ``timeout`` s for the
        first); ``limit=0`` only joins the group. Each event is handed to one member."""
        principal = principal_of(request)
        check_name(body.consumer_group, "consumer group")
        with stores_of(request).lease(principal.tenant) as engine:
            it = for_actor(engine, principal.actor).event_stream(
                body.routing_key_filter,
                body.kref_filter,
                body.cursor,
                body.from_beginning,
                body.consumer_group,
                body.timeout,
            )
            try:
                taken = list(islice(it, body.limit)) if body.limit else []
            finally:
                close = getattr(it, "close", None)
                if close is not None:
                    close()
        shown = [wire.encode(e) for e in taken if event_shown(principal, e)]
        return json_response({"result": shown})

    return r
