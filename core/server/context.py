"""What a request handler reaches through the app: the caller, the stores, the config."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import AuthenticationError

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection

    from .config import ServerConfig
    from .control import ControlStore, Principal
    from .stores import TenantStores


def principal_of(request: HTTPConnection) -> Principal:
    """The caller, set by the auth middleware before any route runs."""
    principal = request.scope.get("splice.principal")
    if principal is None:
        raise AuthenticationError("this route needs a token: send 'Authorization: Bearer spl_…'")
    return principal


def stores_of(request: HTTPConnection) -> TenantStores:
    return request.app.state.stores


def control_of(request: HTTPConnection) -> ControlStore:
    return request.app.state.control


def config_of(request: HTTPConnection) -> ServerConfig:
    return request.app.state.config
