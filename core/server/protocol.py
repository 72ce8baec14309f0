"""The HTTP protocol the server's uvicorn workers speak: uvicorn's own, with ``TCP_NODELAY``.

With ``--workers N`` uvicorn binds the listening socket itself as
``socket.socket(family)`` (protocol number 0), and asyncio sets ``TCP_NODELAY`` on
accepted connections only when the listening socket says ``IPPROTO_TCP``. Without it,
Nagle's algorithm holds the body of every response (written after its headers) until
the client acknowledges the headers, which a client delays by up to 40 ms: each request
to a multi-worker server took ~45 ms on loopback instead of ~1 ms. Setting the option
on each connection is harmless where asyncio already did.
"""

from __future__ import annotations

import asyncio
import socket
from contextlib import suppress

from uvicorn.protocols.http.auto import AutoHTTPProtocol

NAME = "splice.server.protocol:NoDelayHTTPProtocol"  # what `splice serve` passes as uvicorn's `http`


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)  # type: ignore[arg-type]
