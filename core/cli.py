"""``splice``: the command line over the whole model.

Every command connects with ``--db URL`` (default: ``$SPLICE_URL`` or the per-user
embedded store) as ``--user NAME`` and goes through the SDK, never the engine. Read
commands take ``--json`` for stable machine-readable output (records as
:func:`splice.records.to_dict` gives them). Expected errors print one line,
``splice: error: …``, and exit 1; usage errors exit 2.

The module top imports only argparse/os/sys (``splice`` itself is light), so
``splice --help`` starts fast; engines load on first connect.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from .errors import SpliceError

PROG = "splice"
DEFAULT_DEPTH = 10
GRAPH_DEPTH = 2


# -- the parser -----------------------------------------------------------------------
def _meta_pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected seconds >= 0, got {text!r}")
    return value


_DB_HELP = "store URL or path (default: $SPLICE_URL, else the per-user store)"
_USER_HELP = "who writes (default: $SPLICE_USER, else the login name)"
_JSON_HELP = "machine-readable JSON output"


def build_parser() -> argparse.ArgumentParser:
    """The ``splice`` argument parser (cheap: nothing is imported or connected)."""
    # Global options work before or after the sub-command: the sub-parsers' copies
    # default to SUPPRESS so they only override the top-level value when given.
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("global options")
    group.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=_DB_HELP)
    group.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS, help=_USER_HELP)
    group.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help=_JSON_HELP)

    parser = argparse.ArgumentParser(
        prog=PROG, description="splice: the asset pipeline's graph store from the command line.",
        epilog="Krefs look like kref://project/space/item.kind?r=3&a=mesh. "
               "'splice COMMAND --help' describes each command.")
    parser.add_argument("--db", metavar="URL", default=None, help=_DB_HELP)
    parser.add_argument("--user", metavar="NAME", default=None, help=_USER_HELP)
    parser.add_argument("--json", action="store_true", default=False, help=_JSON_HELP)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(where: Any, name: str, func: str, help: str, **kw: Any) -> argparse.ArgumentParser:
        p = where.add_parser(name, parents=[common], help=help, description=help, **kw)
        p.set_defaults(func=func)
        return p

    def meta(p: argparse.ArgumentParser) -> None:
        p.add_argument("--meta", metavar="KEY=VALUE", type=_meta_pair, action="append",
                       help="metadata (repeatable)")

    def traversal(p: argparse.ArgumentParser, depth: int = DEFAULT_DEPTH, with_limit: bool = True) -> None:
        p.add_argument("--depth", type=_positive, default=depth, help=f"max hops (default {depth})")
        p.add_argument("--type", action="append", metavar="EDGE_TYPE",
                       help="follow only this edge type (repeatable)")
        if with_limit:
            p.add_argument("--limit", type=_positive, help="stop after this many revisions")

    p = add(sub, "init", "cmd_init", "create or open the store and say where it is")
    p = add(sub, "ls", "cmd_ls", "list projects, or the tree of spaces and items under KREF")
    p.add_argument("kref", nargs="?", metavar="KREF")
    p.add_argument("-r", "--revisions", action="store_true", help="include revisions and their tags")
    p = add(sub, "show", "cmd_show", "show any node: fields, metadata, tags, artifacts, edges")
    p.add_argument("kref", metavar="KREF")

    create = add(sub, "create", "", "create a project, space, item, revision, artifact or edge")
    csub = create.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = add(csub, "project", "cmd_create_project", "create a project")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--description", default="", metavar="TEXT")
    meta(p)
    for what, func, hint in (("space", "cmd_create_space", "kref://project/space[/…]"),
                             ("item", "cmd_create_item", "kref://project/…/name.kind")):
        p = add(csub, what, func, f"create a {what} ({hint})")
        p.add_argument("kref", metavar="KREF")
        p.add_argument("-p", "--parents", action="store_true", help="create missing parent spaces")
        meta(p)
    p = add(csub, "revision", "cmd_create_revision", "create the next revision of an item")
    p.add_argument("kref", metavar="ITEM_KREF")
    meta(p)
    p = add(csub, "artifact", "cmd_create_artifact", "add an artifact (a file location) to a revision")
    p.add_argument("kref", metavar="REV_KREF")
    p.add_argument("name", metavar="NAME")
    p.add_argument("location", metavar="LOCATION",
                   help="file://, smb://, nfs://, s3://, gs:// or an absolute path")
    p.add_argument("--default", action="store_true", help="make it the revision's default artifact")
    meta(p)
    p = add(csub, "edge", "cmd_create_edge", "link two revisions (SRC depends on TARGET by default)")
    p.add_argument("source", metavar="SRC")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("--type", default="DEPENDS_ON", metavar="EDGE_TYPE", help="default DEPENDS_ON")
    meta(p)

    for name, func, verb in (("tag", "cmd_tag", "put a tag on"), ("untag", "cmd_untag", "take a tag off")):
        p = add(sub, name, func, f"{verb} a revision (tags are kept in history)")
        p.add_argument("kref", metavar="REV_KREF")
        p.add_argument("tag", metavar="TAG")
    p = add(sub, "set", "cmd_set", "merge metadata into any node")
    p.add_argument("kref", metavar="KREF")
    p.add_argument("pairs", nargs="+", type=_meta_pair, metavar="KEY=VALUE")
    p = add(sub, "unset", "cmd_unset", "remove metadata keys from any node")
    p.add_argument("kref", metavar="KREF")
    p.add_argument("keys", nargs="+", metavar="KEY")
    p = add(sub, "delete", "cmd_delete", "delete a node (projects, spaces and items must be empty)")
    p.add_argument("kref", metavar="KREF")
    p.add_argument("--force", action="store_true", help="delete what it holds too")
    p = add(sub, "unlink", "cmd_unlink", "delete the edge SRC -TYPE-> TARGET")
    p.add_argument("source", metavar="SRC")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("--type", default="DEPENDS_ON", metavar="EDGE_TYPE", help="default DEPENDS_ON")

    p = add(sub, "resolve", "cmd_resolve", "print the location each kref selects, one per line")
    p.add_argument("krefs", nargs="+", metavar="KREF")
    p = add(sub, "search", "cmd_search", "find items by name glob, kind and metadata")
    p.add_argument("name", nargs="?", metavar="NAME_GLOB")
    p.add_argument("--kind")
    p.add_argument("--under", metavar="KREF", help="only below this project or space")
    p.add_argument("--limit", type=_positive)
    meta(p)
    p = add(sub, "history", "cmd_history", "the tag history of an item")
    p.add_argument("kref", metavar="ITEM_KREF")
    p.add_argument("--tag")

    for name, func, help in (("deps", "cmd_deps", "what a revision depends on, transitively"),
                             ("dependents", "cmd_dependents", "what depends on a revision, transitively"),
                             ("impact", "cmd_impact", "what a change to a revision would affect")):
        p = add(sub, name, func, help)
        p.add_argument("kref", metavar="REV_KREF")
        traversal(p)
    p = add(sub, "path", "cmd_path", "the shortest dependency path from SRC to TARGET")
    p.add_argument("source", metavar="SRC")
    p.add_argument("target", metavar="TARGET")
    traversal(p, with_limit=False)

    bundle = add(sub, "bundle", "", "create bundles, change and list their members")
    bsub = bundle.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = add(bsub, "create", "cmd_bundle_create", "create a bundle in a project or space")
    p.add_argument("parent", metavar="PARENT_KREF")
    p.add_argument("name", metavar="NAME")
    meta(p)
    for name, func in (("add", "cmd_bundle_add"), ("remove", "cmd_bundle_remove")):
        p = add(bsub, name, func, f"{name} a member (a new bundle revision)")
        p.add_argument("bundle", metavar="BUNDLE")
        p.add_argument("item", metavar="ITEM")
        meta(p)
    p = add(bsub, "members", "cmd_bundle_members", "the members now, or at a bundle revision")
    p.add_argument("bundle", metavar="BUNDLE")
    p.add_argument("--revision", type=_positive, metavar="N")
    p = add(bsub, "history", "cmd_bundle_history", "every membership change: who, what, when")
    p.add_argument("bundle", metavar="BUNDLE")

    p = add(sub, "events", "cmd_events", "print events (cursor, time, routing key, kref, metadata)",
            epilog="Without --follow, prints the events already in the log (from the start, or "
                   "after --cursor, or from --group's position) and stops. With --follow, prints "
                   "new events until Ctrl-C or --timeout seconds without one.")
    p.add_argument("--filter", metavar="ROUTING", help="routing key filter: revision.*, #.deleted")
    p.add_argument("--kref", metavar="GLOB", help="kref glob: kref://show/**/*.model")
    p.add_argument("--cursor", metavar="C", help="resume just after this event's cursor")
    p.add_argument("--from-beginning", action="store_true", help="replay the whole log")
    p.add_argument("--group", metavar="G", help="consumer group (members share a position)")
    p.add_argument("--timeout", type=_seconds, metavar="S", help="with --follow: stop after S idle seconds")
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new events")
    p.add_argument("--limit", type=_positive, metavar="N", help="stop after N events")

    p = add(sub, "graph", "cmd_graph", "the dependency graph around a revision as Graphviz DOT or SVG")
    p.add_argument("kref", metavar="REV_KREF")
    traversal(p, GRAPH_DEPTH)
    p.add_argument("--format", choices=("dot", "svg"), default="dot", help="svg pipes through 'dot -Tsvg'")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")

    _server_commands(sub, add)
    _command("cli_packages:register")(sub, add)  # package, workspace
    _command("cli_files:register")(sub, add)
    _command("cli_host:register")(sub, add)  # publish, load, inventory
    _command("cli_launch:register")(sub, add)

    p = add(sub, "demo", "cmd_demo", "build the sci-fi-short demo project and show it around",
            epilog="The demo builds a FRESH store at --db (default: a demo store beside the "
                   "per-user one): a file already there is replaced.")
    p.set_defaults(no_client=True)
    return parser


_DATA_DIR_HELP = ("the server's data dir: control.db (users, tokens, roles) and, for SQLite, "
                  "tenants/ (default: the --db folder, else the per-user data folder)")


def _server_commands(sub: Any, add: Any) -> None:
    """``serve`` and the server-side admin tools (they edit the control store directly)."""
    p = add(sub, "serve", "cmd_serve", "run the splice server (HTTP API, auth, tenants, live events)",
            epilog="--db is the server's store: a folder of SQLite tenant stores (default), a "
                   ".db file (the 'default' tenant), or postgresql://…. On first start the admin "
                   "token is printed once.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=_positive, default=8765, help="port (default 8765)")
    p.add_argument("--data-dir", metavar="DIR", help=_DATA_DIR_HELP)
    p.add_argument("--workers", type=_positive, default=1, help="worker processes (PostgreSQL only)")
    p.set_defaults(no_client=True)

    def admin_parser(where: Any, name: str, func: str, help: str) -> argparse.ArgumentParser:
        p = add(where, name, func, help)
        p.add_argument("--data-dir", metavar="DIR", help=_DATA_DIR_HELP)
        p.set_defaults(no_client=True)
        return p

    tenant_opt = {"default": "default", "metavar": "T", "help": "tenant (default: default)"}
    token = add(sub, "token", "", "server admin: create, list and revoke API tokens (control store)")
    tsub = token.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = admin_parser(tsub, "create", "cmd_token_create", "create a token for a user (the user is added "
                     "if new); the token is printed once")
    # --user NAME (the global option) names the token's user
    p.add_argument("--tenant", **tenant_opt)
    p.add_argument("--role", choices=("viewer", "artist", "supervisor", "admin"), help="also grant this role")
    p.add_argument("--project", default="*", metavar="P", help="the role's project (default '*': all)")
    p.add_argument("--label", default="", help="what the token is for")
    p.add_argument("--service", action="store_true", help="a service token: may send X-Splice-Act-As")
    p = admin_parser(tsub, "revoke", "cmd_token_revoke", "revoke a token by id (tok_…) or by the token")
    p.add_argument("token", metavar="TOKEN_OR_ID")
    p = admin_parser(tsub, "list", "cmd_token_list", "list a tenant's tokens (never their secrets)")
    p.add_argument("--tenant", **tenant_opt)  # --user NAME: only this user's

    user = add(sub, "user", "", "server admin: add and list users (control store)")
    usub = user.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = admin_parser(usub, "add", "cmd_user_add", "add a user to a tenant")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--tenant", **tenant_opt)
    p = admin_parser(usub, "list", "cmd_user_list", "list a tenant's users and their roles")
    p.add_argument("--tenant", **tenant_opt)

    role = add(sub, "role", "", "server admin: grant and revoke roles (control store)")
    rsub = role.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = admin_parser(rsub, "grant", "cmd_role_grant", "give a user a role on a project or on all ('*')")
    p.add_argument("name", metavar="USER")
    p.add_argument("role", choices=("viewer", "artist", "supervisor", "admin"))
    p.add_argument("--project", default="*", metavar="P", help="default '*': every project")
    p.add_argument("--tenant", **tenant_opt)
    p = admin_parser(rsub, "revoke", "cmd_role_revoke", "take a user's role on a project (or '*') away")
    p.add_argument("name", metavar="USER")
    p.add_argument("--project", default="*", metavar="P")
    p.add_argument("--tenant", **tenant_opt)

    tenant = add(sub, "tenant", "", "server admin: add and list tenants (each has its own store)")
    nsub = tenant.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = admin_parser(nsub, "add", "cmd_tenant_add", "add a tenant")
    p.add_argument("name", metavar="T")
    admin_parser(nsub, "list", "cmd_tenant_list", "list tenants")


def _version() -> str:
    from . import __version__

    return __version__


# -- entry point ------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """Run ``splice`` with ``argv`` (default: the process arguments); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors (2)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        func = _command(args.func)
        if getattr(args, "no_client", False):
            return func(args)
        from .client import connect

        client = connect(args.db, user=args.user)
        try:
            return func(client, args)
        finally:
            client.close()
    except SpliceError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()  # the reader went away (splice events | head): not an error
        return 0
    except OSError as exc:  # e.g. a store in an unwritable folder
        return _fail(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
    except Exception as exc:
        if type(exc).__module__ == "sqlite3":  # a broken or locked database file
            return _fail(f"database error: {exc}")
        raise


def _command(name: str) -> Any:
    """The function of a command: ``"cmd_x"`` in cli_commands, or ``"module:cmd_x"`` in
    ``splice.module``. Commands load only now, never for ``--help``."""
    from importlib import import_module

    module, _, func = name.rpartition(":")
    return getattr(import_module(f".{module or 'cli_commands'}", __package__), func)


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 1


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    sys.exit(main())
