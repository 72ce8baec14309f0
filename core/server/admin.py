"""``/api/v1/whoami`` and the tenant admin's routes: users, tokens, roles of its own tenant.

Everything here stays inside the caller's tenant: a user or token of another tenant
is simply not found (404). Tenants themselves are created on the server with
``splice tenant add``.
"""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request, Response

from .. import wire
from .auth import require
from .context import control_of, principal_of
from .control import Principal, check_project, check_role, check_user
from .models import (
    Empty,
    RoleGrantRequest,
    RoleRevokeRequest,
    TokenCreateRequest,
    TokenListRequest,
    TokenRevokeRequest,
    UserRequest,
)
from .rpc import json_response


def _admin(request: Request, what: str) -> Principal:
    principal = principal_of(request)
    require(principal, None, "admin", what)
    return principal


def router() -> APIRouter:
    r = APIRouter(prefix=wire.API_PREFIX, tags=["auth"])

    @r.get("/whoami", name="whoami", operation_id="whoami")
    def whoami(request: Request) -> Response:
        """The caller: user, tenant, roles, and whether it may act as other users."""
        p = principal_of(request)
        return json_response(
            {
                "result": {
                    "user": p.user,
                    "tenant": p.tenant,
                    "actor": p.actor,
                    "roles": p.roles,
                    "admin": p.is_admin,
                    "service": p.service,
                    "can_act_as": p.is_admin or p.service,
                }
            }
        )

    @r.post("/admin/users/list", name="users_list", operation_id="users_list")
    def users_list(request: Request, body: Empty) -> Response:
        """Every user of the tenant with its roles."""
        p = _admin(request, "listing users")
        return json_response({"result": control_of(request).list_users(p.tenant)})

    @r.post("/admin/users/add", name="users_add", operation_id="users_add")
    def users_add(request: Request, body: UserRequest) -> Response:
        """Add a user (with no role yet) to the tenant."""
        p = _admin(request, "adding users")
        control_of(request).add_user(p.tenant, check_user(body.name))
        return json_response({"result": {"name": body.name}})

    @r.post("/admin/tokens/create", name="tokens_create", operation_id="tokens_create")
    def tokens_create(request: Request, body: TokenCreateRequest) -> Response:
        """A new token for a user of the tenant; the secret is in this answer only."""
        p = _admin(request, "creating tokens")
        token_id, secret = control_of(request).create_token(p.tenant, body.user, body.label, body.service)
        return json_response({"result": {"id": token_id, "token": secret, "user": body.user}})

    @r.post("/admin/tokens/revoke", name="tokens_revoke", operation_id="tokens_revoke")
    def tokens_revoke(request: Request, body: TokenRevokeRequest) -> Response:
        """Revoke a token by id or by the token itself; it stops working at once."""
        p = _admin(request, "revoking tokens")
        return json_response({"result": {"id": control_of(request).revoke_token(body.token, p.tenant)}})

    @r.post("/admin/tokens/list", name="tokens_list", operation_id="tokens_list")
    def tokens_list(request: Request, body: TokenListRequest) -> Response:
        """The tenant's tokens (never their secrets), with last use and revocation."""
        p = _admin(request, "listing tokens")
        tokens = control_of(request).list_tokens(p.tenant, body.user)
        return json_response({"result": [asdict(t) for t in tokens]})

    @r.post("/admin/roles/grant", name="roles_grant", operation_id="roles_grant")
    def roles_grant(request: Request, body: RoleGrantRequest) -> Response:
        """Give a user a role on a project, or on every project ('*')."""
        p = _admin(request, "granting roles")
        control_of(request).grant(p.tenant, body.user, check_role(body.role), check_project(body.project))
        return json_response({"result": {"user": body.user, "role": body.role, "project": body.project}})

    @r.post("/admin/roles/revoke", name="roles_revoke", operation_id="roles_revoke")
    def roles_revoke(request: Request, body: RoleRevokeRequest) -> Response:
        """Take a user's role on a project (or '*') away."""
        p = _admin(request, "revoking roles")
        removed = control_of(request).revoke_role(p.tenant, body.user, check_project(body.project))
        return json_response({"result": {"removed": removed}})

    return r
