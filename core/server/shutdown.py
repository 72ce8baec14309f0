"""Stopping a server without losing anything: requests in flight finish, event streams end.

uvicorn's graceful shutdown (SIGTERM) stops accepting connections, lets each request in
flight finish and waits for every connection to close, which an event stream never does
by itself: a server with one subscriber would not stop until killed. So when shutdown
begins (uvicorn calls each connection's ``shutdown()``, where ``splice serve``'s HTTP
protocol :class:`~.serve.ClosingHTTPProtocol` calls :func:`begin`), each event stream is
told its client went away and its response is ended cleanly; the client reconnects (to
this server once it is back, or to another on the same database) from its last cursor:
nothing lost, nothing repeated.

One server per process (uvicorn's workers are processes): :func:`begin` ends the streams
of every app of this process.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import wire

EVENTS_PATH = wire.API_PREFIX + "/events"
_DISCONNECT: Message = {"type": "http.disconnect"}
_streams: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()  # the live streams' signals
_closing = False


def begin() -> None:
    """Shutdown begins: every event stream of this process ends now (and each new one at once)."""
    global _closing
    _closing = True
    for loop, signal in list(_streams):
        with suppress(RuntimeError):  # its loop closed already
            loop.call_soon_threadsafe(signal.set)


def closing() -> bool:
    return _closing


class EndStreamsOnShutdown:
    """Around ``GET /api/v1/events``: on :func:`begin`, the route's ``receive`` answers
    ``http.disconnect`` (Starlette then stops the stream), and the response is completed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != EVENTS_PATH:
            await self.app(scope, receive, send)
            return
        signal = asyncio.Event()
        entry = (asyncio.get_running_loop(), signal)
        _streams.add(entry)
        if _closing:
            signal.set()
        started = complete = False

        async def receive_or_end() -> Message:
            if signal.is_set():  # without waiting: Request.is_disconnected() asks in a cancelled scope
                return _DISCONNECT
            message = asyncio.ensure_future(receive())
            ended = asyncio.ensure_future(signal.wait())
            try:
                await asyncio.wait({message, ended}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (message, ended):
                    task.cancel()
            return message.result() if message.done() and not message.cancelled() else _DISCONNECT

        async def tracking_send(message: Message) -> None:
            nonlocal started, complete
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                complete = True
            await send(message)

        try:
            await self.app(scope, receive_or_end, tracking_send)
            if started and not complete and signal.is_set():
                # the stream stopped for shutdown: end the response properly, so the client
                # sees the end of the stream (and reconnects) rather than a cut connection
                with suppress(Exception):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            _streams.discard(entry)
