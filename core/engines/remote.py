"""The remote engine: the whole :class:`~splice.backend.Backend` over HTTP to a splice server.

``splice.connect("http://host:8765", token="spl_…")`` (or ``$SPLICE_URL`` and
``$SPLICE_TOKEN``). Artists' machines talk to the server, never to the database.

- One kept-alive ``requests.Session``; (connect, read) timeouts.
- Retries with backoff only where repeating cannot write twice: reads, a write sent with
  an ``Idempotency-Key`` (:meth:`RemoteBackend.send`; the server makes it once per key), and
  ``batch_create_revisions`` when it carries an idempotency key.
- The server's ``{"error": {"code", "message"}}`` comes back as the same typed
  error of :mod:`splice.errors`.
- ``actor``: when it differs from the token's user, requests carry
  ``X-Splice-Act-As`` (the server allows that to admins and service tokens).
- ``event_stream`` follows the server's Server-Sent Events and, after a dropped
  connection or a server restart, reconnects from the last cursor it saw: nothing
  lost, nothing repeated. Consumer groups pull one event per request instead, so
  an event is handed to a member only when that member asks for it.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

from ..backend import Backend
from ..client import default_user
from ..errors import AuthenticationError, EngineError, SpliceError, ValidationError
from ..events import event_filter
from ..records import Event
from ..wire import (
    API_PREFIX,
    METHODS,
    Method,
    calls,
    decode_result,
    encode_args,
    error_from_body,
    event_from_dict,
    methods,
)

ACT_AS_HEADER = "X-Splice-Act-As"
IDEMPOTENCY_HEADER = "Idempotency-Key"  # splice.server.idempotency.HEADER (not imported: no FastAPI here)
_RETRY_STATUS = frozenset({502, 503, 504})
_LONG_POLL = 25.0  # seconds one pull of a consumer group waits at most


class RemoteBackend(Backend):
    """A :class:`~splice.backend.Backend` that forwards every call to a splice server.

    Its ``@read`` and ``@write`` methods are made from the protocol (see :func:`forward`),
    so a subclass that also derives from an extension protocol forwards that one's too."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        forward(cls)

    def __init__(
        self,
        url: str,
        actor: str,
        *,
        token: str | None = None,
        timeout: float = 30.0,
        connect_timeout: float = 5.0,
        retries: int = 3,
        reconnect_window: float = 60.0,
        verify: bool | str = True,
    ) -> None:
        import requests  # only the remote engine needs it
        from requests.adapters import HTTPAdapter

        self._requests = requests
        self.url = url
        self._base = url.rstrip("/")
        self._timeout = (min(connect_timeout, timeout), timeout)
        self._retries = max(0, int(retries))
        self._reconnect_window = reconnect_window
        token = token or os.environ.get("SPLICE_TOKEN")
        if not token:
            raise AuthenticationError(
                f"{url} is a splice server: pass connect(url, token='spl_…') or set SPLICE_TOKEN"
            )
        self._session = requests.Session()
        # The environment (proxies, NO_PROXY, REQUESTS_CA_BUNDLE) is read once here, not
        # on every request: with trust_env, requests re-reads it and looks for ~/.netrc at
        # each call (~150 us of a ~500 us loopback round trip), and a .netrc entry for the
        # server's host would replace the token's Authorization header with Basic auth.
        env = self._session.merge_environment_settings(self._base, {}, None, verify, None)
        self._session.trust_env = False
        self._session.proxies.update(env.get("proxies") or {})
        self._session.verify = env.get("verify", verify)
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers.update(
            {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "splice-remote",
            }
        )
        me = self._request("GET", f"{API_PREFIX}/whoami", None, retry=True)
        self.token_user: str = me["user"]
        self.tenant: str = me["tenant"]
        self.actor = self._choose_actor(actor, me)

    def _choose_actor(self, actor: str, me: dict[str, Any]) -> str:
        if actor == self.token_user:
            return actor
        if me.get("can_act_as"):
            self._session.headers[ACT_AS_HEADER] = actor
            return actor
        if actor == default_user():
            # connect() filled in the login name; the token says who this is
            return self.token_user
        raise ValidationError(
            f"user {actor!r} is not the token's user {self.token_user!r}, and only admins and "
            "service tokens may act as another user"
        )

    def __repr__(self) -> str:
        return f"<RemoteBackend {self.url} tenant={self.tenant} as {self.actor}>"

    # -- the transport ----------------------------------------------------------
    def _request(self, verb: str, path: str, body: Any, *, retry: bool, headers: dict | None = None) -> Any:
        requests = self._requests
        data = None if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        attempts = self._retries + 1 if retry else 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self._session.request(
                    verb,
                    self._base + path,
                    data=data.encode() if data else None,
                    timeout=self._timeout,
                    headers=headers,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                if last:
                    sure = " (the write may or may not have been made)" if not retry else ""
                    raise EngineError(f"splice server {self.url} did not answer{sure}: {exc}") from None
                time.sleep(0.1 * 2**attempt)
                continue
            if response.status_code in _RETRY_STATUS and not last:
                time.sleep(0.1 * 2**attempt)
                continue
            return self._answer(response)
        raise AssertionError("unreachable")

    def _answer(self, response: Any) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code == 200 and isinstance(body, dict):
            return body.get("result", body)
        error = error_from_body(body, response.status_code)
        if type(error) is SpliceError and response.status_code in _RETRY_STATUS:
            error = EngineError(f"splice server {self.url} answered HTTP {response.status_code}")
        raise error

    def _call(self, method: Method, args: dict[str, Any]) -> Any:
        result = self._request("POST", method.path, encode_args(method, args), retry=method.retry(args))
        return decode_result(method, result)

    def send(self, name: str, body: dict[str, Any], idempotency_key: str | None = None) -> Any:
        """Call method ``name`` with its arguments already wire-encoded (``body``, as
        :func:`splice.wire.encode_args` gives them); with ``idempotency_key``, a write is
        made once per key however often it is sent, and so is retried like a read."""
        method = METHODS[name] if name in METHODS else methods(type(self))[name]
        headers = None if idempotency_key is None else {IDEMPOTENCY_HEADER: idempotency_key}
        retry = method.read or idempotency_key is not None
        return decode_result(method, self._request("POST", method.path, body, retry=retry, headers=headers))

    def close(self) -> None:
        self._session.close()

    def event_stream(
        self,
        routing_key_filter: str | None,
        kref_filter: str | None,
        cursor: str | None,
        from_beginning: bool,
        consumer_group: str | None,
        timeout: float | None,
    ) -> Iterator[Event]:
        # check types here: a query string would turn 7 into "7"
        event_filter(routing_key_filter, kref_filter)
        if cursor is not None and not isinstance(cursor, str):
            raise ValidationError(
                f"cursor {cursor!r} is not a cursor of this store; pass the .cursor of an event"
            )
        if consumer_group is not None:
            return _GroupStream(
                self, routing_key_filter, kref_filter, cursor, from_beginning, consumer_group, timeout
            )
        return _SseStream(self, routing_key_filter, kref_filter, cursor, from_beginning, timeout)


def _forwarder(method: Method, declared: Callable[..., Any]) -> Callable[..., Any]:
    names = tuple(name for name, _ in method.params)

    def call(self: RemoteBackend, *args: Any, **kwargs: Any) -> Any:
        if len(args) > len(names):
            raise TypeError(f"{method.name}() takes {len(names)} arguments, {len(args)} given")
        bound = dict(zip(names, args, strict=False))  # fewer args than names: kwargs fill in
        for key, value in kwargs.items():
            if key in bound or key not in names:
                raise TypeError(f"{method.name}() got an unexpected or repeated argument {key!r}")
            bound[key] = value
        if len(bound) < len(names):
            raise TypeError(f"{method.name}() is missing {[n for n in names if n not in bound]}")
        return self._call(method, bound)

    return functools.wraps(declared)(call)  # the protocol's name, docstring and signature


def forward(cls: type) -> None:
    """Give ``cls`` a forwarding method for each ``@read`` / ``@write`` method of its protocols
    that no class of it implements; refuse a ``@stream`` / ``@local`` one left unimplemented."""
    for name, (declared, call) in calls(cls).items():
        owner = next(k for k in cls.__mro__ if name in vars(k))
        if not owner.__dict__.get("_is_protocol"):
            continue  # implemented (or forwarded already) by a class of the engine
        table = methods(owner)  # cached per protocol: Backend's is wire.METHODS
        if name not in table:
            raise TypeError(f"{cls.__qualname__} must implement {name}: {call.kind} methods are not sent")
        forwarder = _forwarder(table[name], declared)
        forwarder.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, forwarder)


forward(RemoteBackend)


def _query(**params: Any) -> dict[str, str]:
    out = {}
    for key, value in params.items():
        if value is None or value is False:
            continue
        out[key] = "true" if value is True else str(value)
    return out


class _SseStream:
    """Follows ``GET /api/v1/events``; reconnects from the last cursor when the connection drops.

    The first connection is opened at once (as the embedded engine fixes "now" at the
    call): the server's ``open`` message carries the position the stream starts after."""

    def __init__(
        self,
        backend: RemoteBackend,
        routing: str | None,
        kref: str | None,
        cursor: str | None,
        from_beginning: bool,
        timeout: float | None,
    ) -> None:
        self._backend = backend
        self._filters = {"routing_key_filter": routing, "kref_filter": kref}
        self._from_beginning = from_beginning
        self._timeout = timeout
        self._last_id: str | None = cursor
        self._last_event = time.monotonic()
        self._response: Any = None
        self._done = False
        self._lines: Iterator[str] | None = None
        try:
            self._connect()
        except backend._requests.RequestException as exc:
            self._drop()
            raise EngineError(f"could not open the event stream of {backend.url}: {exc}") from None

    # the iterator protocol (a class, so close() also releases an unread connection)
    def __iter__(self) -> _SseStream:
        return self

    def __next__(self) -> Event:
        while not self._done:
            try:
                event = self._read_one()
            except self._backend._requests.RequestException:
                event = None
                self._drop()
            if event is not None:
                return event
            if not self._done and self._response is None:
                self._reconnect()
        raise StopIteration

    def close(self) -> None:
        self._done = True
        self._drop()

    def __del__(self) -> None:
        with suppress(Exception):  # late in interpreter shutdown
            self._drop()

    # -- connections -------------------------------------------------------------
    def _remaining(self) -> float | None:
        if self._timeout is None:
            return None
        return self._timeout - (time.monotonic() - self._last_event)

    def _connect(self) -> None:
        backend = self._backend
        remaining = self._remaining()
        params = _query(
            **self._filters,
            cursor=self._last_id,
            from_beginning=self._from_beginning and self._last_id is None,
            timeout=None if remaining is None else max(0.0, remaining),
        )
        response = backend._session.get(
            backend._base + f"{API_PREFIX}/events",
            params=params,
            stream=True,
            headers={"Accept": "text/event-stream"},
            timeout=(backend._timeout[0], max(backend._timeout[1], 30.0)),
        )
        if response.status_code != 200:
            try:
                body = response.json()
            finally:
                response.close()
            raise error_from_body(body, response.status_code)
        self._response = response
        self._lines = _lines(response)
        # the first message says where the stream starts
        kind, ident, _data = self._message()
        if kind != "open":
            raise EngineError(f"splice server {backend.url} sent {kind!r} before opening the event stream")
        if ident:
            self._last_id = ident

    def _reconnect(self) -> None:
        backend = self._backend
        started = time.monotonic()
        pause = 0.05
        while not self._done:
            remaining = self._remaining()
            if remaining is not None and remaining <= 0:
                self._done = True
                return
            try:
                self._connect()
                return
            except (backend._requests.RequestException, EngineError) as exc:
                self._drop()
                if time.monotonic() - started > backend._reconnect_window:
                    raise EngineError(
                        f"lost the event stream of {backend.url} and could not reconnect for "
                        f"{backend._reconnect_window:g} s: {exc}"
                    ) from None
            time.sleep(pause)
            pause = min(pause * 2, 1.0)

    def _drop(self) -> None:
        response, self._response, self._lines = self._response, None, None
        if response is not None:
            response.close()

    # -- messages ------------------------------------------------------------------
    def _message(self) -> tuple[str, str | None, str]:
        """The next SSE message ``(event, id, data)``; heartbeats (comments) are skipped."""
        kind, ident, data = "message", None, []
        assert self._lines is not None
        for line in self._lines:
            if not line:
                if data or kind != "message" or ident is not None:
                    return kind, ident, "\n".join(data)
                continue
            if line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                kind = value
            elif field == "id":
                ident = value
            elif field == "data":
                data.append(value)
        raise self._backend._requests.ConnectionError("the event stream ended")

    def _read_one(self) -> Event | None:
        if self._response is None:
            return None
        kind, ident, data = self._message()
        if kind == "end":  # the server's timeout: no event for `timeout` seconds
            self.close()
            return None
        if kind == "error":
            self.close()
            raise error_from_body(json.loads(data), 500)
        if kind != "message":
            return None
        event = event_from_dict(json.loads(data))
        self._last_id = ident or event.cursor
        self._last_event = time.monotonic()
        return event


def _lines(response: Any) -> Iterator[str]:
    buffer = b""
    for chunk in response.iter_content(chunk_size=None):
        buffer += chunk
        while True:
            cut = buffer.find(b"\n")
            if cut < 0:
                break
            line, buffer = buffer[:cut], buffer[cut + 1 :]
            yield line.rstrip(b"\r").decode("utf-8")


class _GroupStream:
    """A consumer group member: each ``next`` asks the server for one event of the group
    (``POST /api/v1/events/next``), so an event is taken only when this member wants it."""

    def __init__(
        self,
        backend: RemoteBackend,
        routing: str | None,
        kref: str | None,
        cursor: str | None,
        from_beginning: bool,
        group: str,
        timeout: float | None,
    ) -> None:
        self._backend = backend
        self._body = {"routing_key_filter": routing, "kref_filter": kref, "consumer_group": group}
        self._timeout = timeout
        self._done = False
        # join now: a new group starts at this call (or at cursor / the beginning)
        self._pull(limit=0, wait=0.0, cursor=cursor, from_beginning=from_beginning)

    def __iter__(self) -> _GroupStream:
        return self

    def __next__(self) -> Event:
        started = time.monotonic()
        while not self._done:
            if self._timeout is None:
                wait = _LONG_POLL
            else:
                wait = max(0.0, self._timeout - (time.monotonic() - started))
            events = self._pull(limit=1, wait=wait)
            if events:
                return events[0]
            if self._timeout is not None:
                self._done = True
        raise StopIteration

    def close(self) -> None:
        self._done = True

    def _pull(
        self, *, limit: int, wait: float, cursor: str | None = None, from_beginning: bool = False
    ) -> list[Event]:
        body = {
            **self._body,
            "cursor": cursor,
            "from_beginning": from_beginning,
            "limit": limit,
            "timeout": wait,
        }
        backend = self._backend
        requests = backend._requests
        try:
            response = backend._session.post(
                backend._base + f"{API_PREFIX}/events/next",
                data=json.dumps(body).encode(),
                timeout=(backend._timeout[0], backend._timeout[1] + wait),
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise EngineError(f"splice server {backend.url} did not answer: {exc}") from None
        return [event_from_dict(e) for e in backend._answer(response)]
