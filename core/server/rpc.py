"""``POST /api/v1/<method>``: one route per ``@read`` / ``@write`` method of the protocol
(:class:`~splice.backend.Backend`, or an extension of it), from :func:`splice.wire.methods`.

Each call: the body is checked by its request model (422 naming the field), the
arguments are decoded and checked as the SDK checks them, the caller's roles are
checked on every kref the call touches (403), then the tenant's engine runs it as the
caller. The answer shows nothing of a project the caller may not view
(:mod:`.results`: listings, searches, edges, traversals, bundles, error messages).
A write with an ``Idempotency-Key`` header is made once per key (:mod:`.idempotency`).
"""

import inspect
import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response

from .. import wire
from ..backend import Backend
from ..errors import SpliceError
from . import idempotency
from .auth import authorize, authorize_reach
from .context import principal_of, stores_of
from .models import request_model
from .results import redact_error, shown
from .stores import for_actor


def json_response(payload: Any, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return Response(body.encode(), status_code=status, media_type="application/json")


def call(request: Request, method: wire.Method, body: dict[str, Any]) -> Response:
    """Run one protocol method for the caller of ``request``."""
    principal = principal_of(request)
    args = wire.decode_args(method, body)
    authorize(principal, method, args)
    key = None if method.read else request.headers.get(idempotency.HEADER)
    with stores_of(request).lease(principal.tenant) as engine:
        engine = for_actor(engine, principal.actor)
        try:
            authorize_reach(principal, method, args, engine)  # what it changes in other projects
        except SpliceError as exc:
            raise redact_error(principal, exc) from None

        def run() -> str:
            result = shown(principal, method, args, getattr(engine, method.name)(**args), engine)
            return _dumps({"result": wire.encode_result(method, result)})

        try:
            if key is None:
                return _body(run())
            who = f"{principal.user}:{principal.actor}"
            answer, replayed = idempotency.run_once(engine, who, key, method.name, body, run)
        except SpliceError as exc:
            raise redact_error(principal, exc) from None
    response = _body(answer)
    if replayed:
        response.headers[idempotency.REPLAYED_HEADER] = "true"
    return response


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _body(text: str) -> Response:
    return Response(text.encode(), status_code=200, media_type="application/json")


def _endpoint(method: wire.Method) -> Callable[..., Response]:
    model = request_model(method)
    optional = not method.params

    def endpoint(request: Request, body: Any = None) -> Response:
        data = body.model_dump() if body is not None else {}
        return call(request, method, data)

    # FastAPI reads the body model from the signature; methods without parameters take none
    annotation = model | None if optional else model
    default = None if optional else inspect.Parameter.empty
    endpoint.__signature__ = inspect.Signature(
        [  # type: ignore[attr-defined]
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
            inspect.Parameter(
                "body", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation, default=default
            ),
        ]
    )
    endpoint.__name__ = method.name
    return endpoint


def router(protocol: type = Backend) -> APIRouter:
    """A route per ``@read`` / ``@write`` method of ``protocol``."""
    r = APIRouter(prefix=wire.API_PREFIX, tags=["store"])
    for name, method in wire.methods(protocol).items():
        r.add_api_route(
            f"/{name}",
            _endpoint(method),
            methods=["POST"],
            name=name,
            operation_id=name,
            summary=name.replace("_", " "),
            description=method.doc + (" (read)" if method.read else " (write)"),
        )
    return r
