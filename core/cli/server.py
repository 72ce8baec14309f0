"""``splice serve | token | user | role | tenant``: the server and its admin tools.

The admin tools edit the control store of the server on this machine directly (no token
needed: whoever can write the data dir administers the server). Tenant admins use the
HTTP routes under /api/v1/admin instead. :mod:`splice.server` loads only when one runs.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import ValidationError
from .common import Add, CliError, out, positive, print_json

_DATA_DIR_HELP = ("the server's data dir: control.db (users, tokens, roles) and, for SQLite, "
                  "tenants/ (default: the --db folder, else the per-user data folder)")
_ROLES = ("viewer", "artist", "supervisor", "admin")


def register(sub: Any, add: Add) -> None:
    """Add ``serve`` and the admin tools to ``splice``'s sub-parsers."""
    p = add(sub, "serve", cmd_serve, "run the splice server (HTTP API, auth, tenants, live events)",
            db_help="the server's store: a folder of SQLite tenant stores, a .db file (the "
                    "'default' tenant) or postgresql://… (default: SQLite stores in the data dir; "
                    "$SPLICE_URL is not used: on an artist's machine it names the server)",
            epilog="On first start the admin token is printed once.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=positive, default=8765, help="port (default 8765)")
    p.add_argument("--data-dir", metavar="DIR", help=_DATA_DIR_HELP)
    p.add_argument("--workers", type=positive, default=1, help="worker processes (PostgreSQL only)")
    p.set_defaults(no_client=True)

    def admin_parser(where: Any, name: str, func: Any, help: str) -> argparse.ArgumentParser:
        p = add(where, name, func, help)
        p.add_argument("--data-dir", metavar="DIR", help=_DATA_DIR_HELP)
        p.set_defaults(no_client=True)
        return p

    tenant_opt: dict[str, Any] = {"default": "default", "metavar": "T", "help": "tenant (default: default)"}
    token = add(sub, "token", None, "server admin: create, list and revoke API tokens (control store)")
    tsub = token.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = admin_parser(tsub, "create", cmd_token_create, "create a token for a user (the user is added "
                     "if new); the token is printed once")
    # --user NAME (the global option) names the token's user
    p.add_argument("--tenant", **tenant_opt)
    p.add_argument("--role", choices=_ROLES, help="also grant this role")
    p.add_argument("--project", default="*", metavar="P", help="the role's project (default '*': all)")
    p.add_argument("--label", default="", help="what the token is for")
    p.add_argument("--service", action="store_true", help="a service token: may send X-Splice-Act-As")
    p = admin_parser(tsub, "revoke", cmd_token_revoke, "revoke a token by id (tok_…) or by the token")
    p.add_argument("token", metavar="TOKEN_OR_ID")
    p = admin_parser(tsub, "list", cmd_token_list, "list a tenant's tokens (never their secrets)")
    p.add_argument("--tenant", **tenant_opt)  # --user NAME: only this user's

    user = add(sub, "user", None, "server admin: add and list users (control store)")
    usub = user.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = admin_parser(usub, "add", cmd_user_add, "add a user to a tenant")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--tenant", **tenant_opt)
    p = admin_parser(usub, "list", cmd_user_list, "list a tenant's users and their roles")
    p.add_argument("--tenant", **tenant_opt)

    role = add(sub, "role", None, "server admin: grant and revoke roles (control store)")
    rsub = role.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = admin_parser(rsub, "grant", cmd_role_grant, "give a user a role on a project or on all ('*')")
    p.add_argument("name", metavar="USER")
    p.add_argument("role", choices=_ROLES)
    p.add_argument("--project", default="*", metavar="P", help="default '*': every project")
    p.add_argument("--tenant", **tenant_opt)
    p = admin_parser(rsub, "revoke", cmd_role_revoke, "take a user's role on a project (or '*') away")
    p.add_argument("name", metavar="USER")
    p.add_argument("--project", default="*", metavar="P")
    p.add_argument("--tenant", **tenant_opt)

    tenant = add(sub, "tenant", None, "server admin: add and list tenants (each has its own store)")
    nsub = tenant.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = admin_parser(nsub, "add", cmd_tenant_add, "add a tenant")
    p.add_argument("name", metavar="T")
    admin_parser(nsub, "list", cmd_tenant_list, "list tenants")


def _server_config(args: argparse.Namespace, **kw: Any) -> Any:
    from ..server.config import ServerConfig

    return ServerConfig.resolve(args.db, getattr(args, "data_dir", None), **kw)


def _control(args: argparse.Namespace) -> Any:
    from ..server.control import open_control

    return open_control(_server_config(args))  # with --db postgresql://…: the database's


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        from ..server.serve import serve
    except ModuleNotFoundError as exc:
        raise CliError(
            f"the server needs its extra: pip install 'splice[server]' ({exc.name} is missing)"
        ) from None
    return serve(_server_config(args, host=args.host, port=args.port, workers=args.workers))


def cmd_token_create(args: argparse.Namespace) -> int:
    from contextlib import suppress

    from ..errors import AlreadyExistsError

    if not args.user:
        raise ValidationError("splice token create needs --user NAME (the token's user)")
    control = _control(args)
    with suppress(AlreadyExistsError):
        control.add_user(args.tenant, args.user)
    if args.role:
        control.grant(args.tenant, args.user, args.role, args.project)
    token_id, secret = control.create_token(args.tenant, args.user, args.label, args.service)
    if args.json:
        print_json({"id": token_id, "token": secret, "user": args.user, "tenant": args.tenant})
    else:
        out(f"token {token_id} for {args.user} in tenant {args.tenant} (shown once):", secret)
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    token_id = _control(args).revoke_token(args.token)
    print_json({"revoked": token_id}) if args.json else out(f"revoked {token_id}")
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    tokens = [asdict(t) for t in _control(args).list_tokens(args.tenant, args.user)]
    if args.json:
        print_json(tokens)
    else:
        for t in tokens:
            used = f"last used {t['last_used_at'] or 'never'}"
            state = f"revoked {t['revoked_at']}" if t["revoked_at"] else used
            out(f"{t['id']}  {t['user']}  {'service ' if t['service'] else ''}{t['label']!r}  {state}")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    _control(args).add_user(args.tenant, args.name)
    print_json({"user": args.name, "tenant": args.tenant}) if args.json else out(f"added user {args.name}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    users = _control(args).list_users(args.tenant)
    if args.json:
        print_json(users)
    else:
        for u in users:
            roles = ", ".join(f"{r} on {p}" for p, r in sorted(u["roles"].items())) or "no role"
            out(f"{u['name']}  ({roles})")
    return 0


def cmd_role_grant(args: argparse.Namespace) -> int:
    _control(args).grant(args.tenant, args.name, args.role, args.project)
    out(f"{args.name} is {args.role} on {args.project}")
    return 0


def cmd_role_revoke(args: argparse.Namespace) -> int:
    removed = _control(args).revoke_role(args.tenant, args.name, args.project)
    out(f"{args.name}: role on {args.project} " + ("revoked" if removed else "was not granted"))
    return 0


def cmd_tenant_add(args: argparse.Namespace) -> int:
    _control(args).add_tenant(args.name)
    out(f"added tenant {args.name}")
    return 0


def cmd_tenant_list(args: argparse.Namespace) -> int:
    tenants = _control(args).list_tenants()
    print_json(tenants) if args.json else out(*tenants)
    return 0
