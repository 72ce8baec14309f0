"""``create_app(config)``: the splice server as an ASGI app.

Order of a request: the token is checked (401; 403 for a forbidden ``X-Splice-Act-As``),
the body size is checked (413), then the route runs. Every error answers
``{"error": {"code", "message"}}`` with the ``status`` its class declares; an unexpected
failure answers 500 with a generic message and its traceback goes to the log.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__, wire
from ..backend import Backend
from ..errors import AuthenticationError, ForbiddenError, SpliceError, ValidationError
from . import admin, events, packages, rpc
from .config import ServerConfig
from .control import BaseControlStore, check_user, open_control
from .shutdown import EndStreamsOnShutdown
from .stores import TenantStores

log = logging.getLogger("splice.server")
ACT_AS = b"x-splice-act-as"
PRINCIPAL_KEY = "splice.principal"
_BODY_METHODS = {b"POST", b"PUT", b"PATCH", "POST", "PUT", "PATCH"}


async def _send_error(send: Send, error: SpliceError, status: int = 0, headers: list | None = None) -> None:
    """Answer ``error`` from a middleware (its class's status unless ``status`` is given)."""
    body = json.dumps(wire.error_body(error.code, str(error))).encode()
    status = status or error.status
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


INDEX_PREFIXES = ("/simple/", "/packages/")  # the package index: Bearer, or Basic with the token


def _token_of(header: str, basic: bool) -> str:
    """The token of an ``Authorization`` header: ``Bearer spl_…``, or (``basic``) HTTP Basic
    with the token as password (any user name, e.g. ``__token__``)."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if basic and scheme.lower() == "basic":
        import base64
        import binascii

        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2].strip()
    return ""


class AuthMiddleware:
    """Every ``/api/`` request needs ``Authorization: Bearer spl_…`` of a live token; the
    package index (``/simple/``, ``/packages/``) takes it as Bearer or as HTTP Basic's password."""

    def __init__(self, app: ASGIApp, control: BaseControlStore) -> None:
        self.app = app
        self.control = control

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        index = scope["path"].startswith(INDEX_PREFIXES)
        if not index and not scope["path"].startswith(wire.API_PREFIX + "/"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        token = _token_of(headers.get(b"authorization", b"").decode("latin-1"), index)
        challenge = [(b"www-authenticate", b'Bearer realm="splice"')]
        if index:
            challenge.append((b"www-authenticate", b'Basic realm="splice"'))
        if not token:
            await _send_error(
                send,
                AuthenticationError(
                    "this route needs a token: send 'Authorization: Bearer spl_…'"
                    + (" (or HTTP Basic with the token as password)" if index else "")
                ),
                headers=challenge,
            )
            return
        principal = self.control.authenticate(token)
        if principal is None:
            await _send_error(send, AuthenticationError("the token is unknown or revoked"), headers=challenge)
            return
        act_as = headers.get(ACT_AS)
        if act_as is not None:
            if not (principal.is_admin or principal.service):
                refused = "X-Splice-Act-As is allowed only to tenant admins and service tokens"
                await _send_error(send, ForbiddenError(refused))
                return
            try:
                name = check_user(act_as.decode("utf-8", "replace"))
            except SpliceError as exc:
                await _send_error(send, type(exc)(f"X-Splice-Act-As: {exc}"), 422)
                return
            principal = dataclasses.replace(principal, actor=name)
        scope[PRINCIPAL_KEY] = principal
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Bodies over ``limit`` bytes answer 413 before any of it is parsed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        too_big = ValidationError(f"the request body is over the limit of {self.limit} bytes")
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await _send_error(send, too_big, 413)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await _send_error(send, too_big, 413)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def exact_path_table(routes: list[BaseRoute]) -> dict[str, tuple[Route, ...]]:
    """For each path of a route without path parameters, every route that can match it, in the
    router's order; empty (no fast path) when a route is anything but a plain ``Route``."""
    if not all(isinstance(r, Route) for r in routes):
        return {}
    plain = [r for r in routes if isinstance(r, Route)]
    return {
        route.path: tuple(r for r in plain if r.path_regex.match(route.path))
        for route in plain
        if not route.param_convertors
    }


_CHILD_SCOPE_KEYS = frozenset({"endpoint", "path_params", "route"})


class ExactPathRoutes:
    """The router's dispatch with a dict in front: a request to a path without parameters tries
    only the routes that can match that path, in the router's order, instead of every route of
    the app (~50). The first full match is the one the router's scan would have picked;
    anything else (405, 404, redirects, a root path) goes to the router's own scan."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.scan: ASGIApp = router.middleware_stack
        self._table: dict[str, tuple[Route, ...]] = {}
        self._count = -1

    def table(self) -> dict[str, tuple[Route, ...]]:
        routes = self.router.routes
        if len(routes) != self._count:  # routes added after start: build it again
            self._table = exact_path_table(routes)
            self._count = len(routes)
        return self._table

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope.get("root_path"):
            for route in self.table().get(scope["path"], ()):
                match, child_scope = route.matches(scope)
                if match is Match.FULL and child_scope.keys() <= _CHILD_SCOPE_KEYS:
                    scope.setdefault("router", self.router)
                    scope.update(child_scope)
                    scope["route"] = route
                    await route.handle(scope, receive, send)
                    return
        await self.scan(scope, receive, send)


def _validation_message(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors[:10]:
        loc = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        msg = error.get("msg", "invalid")
        if error.get("type") == "json_invalid":
            detail = (error.get("ctx") or {}).get("error", "")
            msg = f"malformed JSON ({detail})" if detail else "malformed JSON"
            loc = "body" + (f" at position {error['loc'][1]}" if len(error.get("loc", ())) > 1 else "")
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)


def create_app(config: ServerConfig, protocol: type = Backend) -> FastAPI:
    """The server app for ``config`` (stores open on first use), serving the methods of
    ``protocol`` (:class:`~splice.backend.Backend` or an extension its engines implement)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.stores.close()
        app.state.control.close()

    app = FastAPI(
        title="splice",
        version=__version__,
        lifespan=lifespan,
        description="The splice asset store over HTTP. Every route under /api/v1 needs "
        "'Authorization: Bearer spl_…'. See docs/server.md.",
    )
    app.state.config = config
    app.state.control = open_control(config)  # PostgreSQL: shared by every server on the database
    app.state.stores = TenantStores(config.db, config.max_open_stores)

    @app.exception_handler(SpliceError)
    async def splice_error(request: Request, exc: SpliceError) -> Response:
        return rpc.json_response(wire.error_body(exc.code, str(exc)), exc.status)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        return rpc.json_response(wire.error_body("validation", _validation_message(list(exc.errors()))), 422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "validation"}.get(exc.status_code, "http")
        message = (
            f"no route {request.method} {request.url.path}"
            if exc.status_code in (404, 405)
            else str(exc.detail)
        )
        return rpc.json_response(wire.error_body(code, message), exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error in %s %s", request.method, request.url.path)
        body = wire.error_body("internal", "internal server error (see the server log)")
        return rpc.json_response(body, 500)

    @app.get("/health", tags=["server"])
    def health() -> dict[str, str]:
        """Liveness: no token needed."""
        return {"status": "ok", "version": __version__}

    for router in (rpc.router(protocol), events.router(), admin.router(), packages.router()):
        # the routers' routes as the app's own (as /health): FastAPI's include_router wraps
        # each router in one route that matches its candidates again for every request
        app.router.routes.extend(router.routes)
    app.router.middleware_stack = ExactPathRoutes(app.router)
    app.add_middleware(EndStreamsOnShutdown)  # SIGTERM: event streams end, so the server can stop
    app.add_middleware(BodyLimitMiddleware, limit=config.max_body)
    app.add_middleware(AuthMiddleware, control=app.state.control)

    return app


def app_from_env() -> FastAPI:
    """The factory uvicorn's workers call (``splice serve --workers N``)."""
    return create_app(ServerConfig.from_env())
