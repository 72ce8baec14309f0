"""The commands of ``splice`` (see :mod:`splice.cli`): each takes a client and the
parsed arguments, goes through the SDK and prints text, or JSON with ``--json``.

Imported only when a command runs, so ``splice --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from .errors import NotFoundError, SpliceError, ValidationError
from .kref import Kref

if TYPE_CHECKING:
    from .client import Client
    from .nodes import Artifact, Item, Project, Revision, Space

PROG = "splice"


class CliError(SpliceError):
    """A command-line problem that is not the SDK's (no ``dot``, an unwritable file…)."""

    code = "cli"


# -- output helpers ------------------------------------------------------------
def _out(*lines: str) -> None:
    for line in lines:
        print(line)


def _json(value: Any, compact: bool = False) -> None:
    import json

    if compact:
        print(json.dumps(value, ensure_ascii=False, separators=(",", ":")), flush=True)
    else:
        print(json.dumps(value, ensure_ascii=False, indent=2))


def _dict(obj: Any) -> dict[str, Any]:
    from .cli_render import as_dict

    return as_dict(obj)


def _typed(kind: str, obj: Any, **extra: Any) -> dict[str, Any]:
    from .cli_render import as_dict

    return as_dict(obj, kind, **extra)


def _meta(args: argparse.Namespace) -> dict[str, str]:
    return dict(getattr(args, "meta", None) or [])


# -- looking nodes up ------------------------------------------------------------
def _kref(text: str) -> Kref:
    return Kref(text)


def _container(client: Client, kref: Kref) -> Project | Space:
    if kref.is_project:
        return client.get_project(kref)
    if kref.is_space:
        return client.get_space(kref)
    raise ValidationError(f"{kref} is not a project or space kref (kref://project[/space…])")


def _has_query(kref: Kref) -> bool:
    return kref.revision is not None or kref.tag is not None or kref.artifact is not None


def _node(client: Client, kref: Kref) -> Project | Space | Item | Revision | Artifact:
    """The node a kref names: ``?a=`` an artifact, ``?r=``/``?t=`` a revision, else the item."""
    if not kref.is_item:
        return _container(client, kref)
    if kref.artifact is not None:
        return client.get_artifact(kref)
    if kref.revision is not None or kref.tag is not None:
        return client.get_revision(kref)
    return client.get_item(kref)


def _node_type(node: Any) -> str:
    return type(node).__name__.lower()


# -- init, ls, show --------------------------------------------------------------
def cmd_init(client: Client, args: argparse.Namespace) -> int:
    backend = client.backend
    projects = client.get_projects()  # opens (and upgrades) the store
    path = getattr(backend, "path", None)
    info = {"url": backend.url, "path": str(path) if path else None, "user": backend.actor,
            "projects": len(projects)}
    if args.json:
        _json(info)
    else:
        _out(f"splice store: {info['path'] or info['url']}",
             f"user: {info['user']}", f"projects: {info['projects']}")
    return 0


def cmd_ls(client: Client, args: argparse.Namespace) -> int:
    from .cli_render import build_tree, table, tree_lines, unicode_ok

    if args.kref is None:
        projects = client.get_projects()
        if args.json:
            _json([_typed("project", p) for p in projects])
        else:
            _out(*table([[str(p.kref), p.description] for p in projects]))
        return 0
    data, tree = build_tree(client, _kref(args.kref), args.revisions)
    if args.json:
        _json(data)
    else:
        _out(*tree_lines(tree, unicode_ok()))
    return 0


def cmd_show(client: Client, args: argparse.Namespace) -> int:
    from .backend import INCOMING, OUTGOING
    from .cli_render import fields, metadata_lines, revision_label, table, yes_no

    node: Any = _node(client, _kref(args.kref))
    kind = _node_type(node)
    data = _typed(kind, node)
    lines = [f"{kind} {node.kref}"]
    base: list[tuple[str, str]] = []
    extra: list[str] = []
    if kind in ("project", "space"):
        if kind == "project":
            base.append(("description", node.description))
        spaces, items = node.get_spaces(), node.get_items()
        data["spaces"] = [str(s.kref) for s in spaces]
        data["items"] = [str(i.kref) for i in items]
        extra += ["spaces:", *(f"  {s.name}/" for s in spaces or ()), *(["  (none)"] if not spaces else [])]
        extra += ["items:", *(f"  {i.name}.{i.kind}" for i in items), *(["  (none)"] if not items else [])]
    elif kind in ("item", "bundle"):
        revisions = node.get_revisions()
        base += [("kind", node.kind), ("deprecated", yes_no(node.deprecated))]
        data["revisions"] = [_dict(r) for r in revisions]
        extra += ["revisions:", *(["  (none)"] if not revisions else [])]
        extra += ["  " + line for line in table(
            [[revision_label(r.number, r.tags, r.published, r.deprecated), r.created_at, r.author]
             for r in revisions])]
        if kind == "bundle":
            members = node.get_members()
            data["members"] = [_dict(m) for m in members]
            extra += ["members:", *(f"  {m.item_kref}" for m in members)]
            extra += ["  (none)"] if not members else []
    elif kind == "revision":
        artifacts = node.get_artifacts()
        out_edges, in_edges = node.get_edges(direction=OUTGOING), node.get_edges(direction=INCOMING)
        base += [("item", str(node.item_kref)), ("number", str(node.number)),
                 ("tags", ", ".join(node.tags) or "(none)"), ("published", yes_no(node.published)),
                 ("deprecated", yes_no(node.deprecated)), ("default artifact", node.default_artifact or "-")]
        data.update(artifacts=[_dict(a) for a in artifacts], edges_out=[_dict(e) for e in out_edges],
                    edges_in=[_dict(e) for e in in_edges])
        extra += ["artifacts:", *(["  (none)"] if not artifacts else [])]
        default = node.default_artifact
        extra += ["  " + line for line in table(
            [[a.name, a.location, "(default)" if a.name == default else ""] for a in artifacts])]
        extra += ["edges out:", *(["  (none)"] if not out_edges else [])]
        extra += [f"  -{e.edge_type}-> {e.target_kref}" for e in out_edges]
        extra += ["edges in:", *(["  (none)"] if not in_edges else [])]
        extra += [f"  <-{e.edge_type}- {e.source_kref}" for e in in_edges]
    else:  # artifact
        base += [("revision", str(node.revision_kref)), ("location", node.location)]
    if args.json:
        _json(data)
        return 0
    if hasattr(node, "name"):
        base.insert(0, ("name", node.name))
    base += [("author", node.author), ("created", node.created_at)]
    _out(*lines, *("  " + line for line in fields(base)), "metadata:", *metadata_lines(node.metadata), *extra)
    return 0


# -- writes ------------------------------------------------------------------------
def _created(args: argparse.Namespace, kind: str, obj: Any) -> int:
    if args.json:
        _json(_typed(kind, obj))
    else:
        _out(str(obj.kref))
    return 0


def cmd_create_project(client: Client, args: argparse.Namespace) -> int:
    return _created(args, "project", client.create_project(args.name, args.description, _meta(args)))


def _ensure_spaces(client: Client, kref: Kref) -> None:
    """Create the missing spaces above ``kref`` (``--parents``, as mkdir -p)."""
    for depth in range(1, len(kref.spaces)):
        space = Kref.build(kref.project, kref.spaces[:depth])
        try:
            client.get_space(space)
        except NotFoundError:
            _container(client, space.parent).create_space(space.spaces[-1])  # type: ignore[arg-type]


def cmd_create_space(client: Client, args: argparse.Namespace) -> int:
    kref = _kref(args.kref)
    if not kref.is_space:
        raise ValidationError(f"{kref} is not a space kref (kref://project/space[/…])")
    if args.parents:
        _ensure_spaces(client, kref)
    parent = _container(client, kref.parent)  # type: ignore[arg-type]
    return _created(args, "space", parent.create_space(kref.spaces[-1], _meta(args)))


def cmd_create_item(client: Client, args: argparse.Namespace) -> int:
    kref = _kref(args.kref)
    if not kref.is_item or _has_query(kref):
        raise ValidationError(f"{kref} is not an item kref (kref://project/…/name.kind)")
    if args.parents:
        _ensure_spaces(client, Kref.build(kref.project, (*kref.spaces, "x")))
    parent = _container(client, kref.parent)  # type: ignore[arg-type]
    item = parent.create_item(kref.item_name, kref.kind, _meta(args))  # type: ignore[arg-type]
    return _created(args, "item", item)


def cmd_create_revision(client: Client, args: argparse.Namespace) -> int:
    kref = _kref(args.kref)
    if _has_query(kref):
        raise ValidationError(f"create revision takes an item kref, not {kref}")
    revision = client.get_item(kref).create_revision(_meta(args))
    return _created(args, "revision", revision)


def cmd_create_artifact(client: Client, args: argparse.Namespace) -> int:
    revision = client.get_revision(_kref(args.kref))
    artifact = revision.create_artifact(args.name, args.location, _meta(args))
    if args.default:
        revision.set_default_artifact(args.name)
    return _created(args, "artifact", artifact)


def cmd_create_edge(client: Client, args: argparse.Namespace) -> int:
    source = client.get_revision(_kref(args.source))
    edge = source.create_edge(_kref(args.target), args.type, _meta(args))
    if args.json:
        _json(_typed("edge", edge))
    else:
        _out(f"{edge.source_kref} -{edge.edge_type}-> {edge.target_kref}")
    return 0


def _revision_out(args: argparse.Namespace, revision: Revision) -> int:
    if args.json:
        _json(_typed("revision", revision))
    else:
        _out(f"{revision.kref} [{', '.join(revision.tags)}]")
    return 0


def cmd_tag(client: Client, args: argparse.Namespace) -> int:
    revision = client.get_revision(_kref(args.kref))
    revision.tag(args.tag)
    return _revision_out(args, revision)


def cmd_untag(client: Client, args: argparse.Namespace) -> int:
    revision = client.get_revision(_kref(args.kref))
    revision.untag(args.tag)
    return _revision_out(args, revision)


def cmd_set(client: Client, args: argparse.Namespace) -> int:
    node = _node(client, _kref(args.kref))
    merged = node.set_metadata(dict(args.pairs))
    if args.json:
        _json({"kref": str(node.kref), "metadata": merged})
    else:
        _out(str(node.kref))
    return 0


def cmd_unset(client: Client, args: argparse.Namespace) -> int:
    kref = _node(client, _kref(args.kref)).kref
    missing = [key for key in args.keys if not client.delete_attribute(kref, key)]
    if missing:
        raise NotFoundError(f"{kref} has no metadata key {', '.join(map(repr, missing))}")
    _out(str(kref))
    return 0


def cmd_delete(client: Client, args: argparse.Namespace) -> int:
    node = _node(client, _kref(args.kref))
    node.delete(force=args.force)
    _out(f"deleted {node.kref}")
    return 0


def cmd_unlink(client: Client, args: argparse.Namespace) -> int:
    client.get_revision(_kref(args.source)).delete_edge(_kref(args.target), args.type)
    _out(f"deleted {args.source} -{args.type}-> {args.target}")
    return 0


# -- reads: resolve, search, history ---------------------------------------------
def cmd_resolve(client: Client, args: argparse.Namespace) -> int:
    krefs = [_kref(k) for k in args.krefs]  # refuse bad krefs before reading anything
    # one kref: resolve() names precisely what is missing; several: one round trip
    locations = [client.resolve(krefs[0])] if len(krefs) == 1 else client.resolve_many(krefs)
    if args.json:
        _json([{"kref": str(k), "location": loc} for k, loc in zip(krefs, locations, strict=True)])
    else:
        _out(*(loc or "" for loc in locations))
    missing = [str(k) for k, loc in zip(krefs, locations, strict=True) if loc is None]
    for kref in missing:
        print(f"{PROG}: error: {kref} selects no artifact", file=sys.stderr)
    return 1 if missing else 0


def cmd_search(client: Client, args: argparse.Namespace) -> int:
    from .cli_render import table

    items = client.search(args.name, args.kind, _meta(args), under=args.under, limit=args.limit)
    if args.json:
        _json([_typed("bundle" if i.kind == "bundle" else "item", i) for i in items])
    else:
        _out(*table([[str(i.kref), "deprecated" if i.deprecated else ""] for i in items]))
    return 0


def cmd_history(client: Client, args: argparse.Namespace) -> int:
    from .cli_render import table

    events = client.get_item(_kref(args.kref)).get_tag_history(args.tag)
    if args.json:
        _json([_dict(e) for e in events])
    else:
        _out(*table([[e.at, e.action, e.tag, str(e.revision_kref), e.author] for e in events]))
    return 0


# -- graph queries ------------------------------------------------------------------
def _types(args: argparse.Namespace) -> list[str] | None:
    return args.type or None


def _traverse(client: Client, args: argparse.Namespace, dependents: bool) -> int:
    from .cli_render import table

    revision = client.get_revision(_kref(args.kref))
    walk = revision.get_all_dependents if dependents else revision.get_all_dependencies
    result = walk(args.depth, _types(args), args.limit)
    if args.json:
        _json({"revision": str(revision.kref), "direction": "dependents" if dependents else "dependencies",
               "max_depth": args.depth, "count": result.total_count, "truncated": result.truncated,
               "revisions": [_dict(n) for n in result.nodes]})
        return 0
    _out(*table([[str(n.depth), str(n.revision_kref), n.edge_type] for n in result.nodes]))
    if result.truncated:
        print(f"{PROG}: note: stopped at --limit {args.limit}", file=sys.stderr)
    return 0


def cmd_deps(client: Client, args: argparse.Namespace) -> int:
    return _traverse(client, args, dependents=False)


def cmd_dependents(client: Client, args: argparse.Namespace) -> int:
    return _traverse(client, args, dependents=True)


def cmd_impact(client: Client, args: argparse.Namespace) -> int:
    from .cli_render import table

    revision = client.get_revision(_kref(args.kref))
    impacted = revision.analyze_impact(_types(args), args.depth, args.limit)
    if args.json:
        _json({"revision": str(revision.kref), "impacted": [_dict(i) for i in impacted]})
    else:
        _out(*table([[str(i.impact_depth), str(i.revision_kref), i.edge_type] for i in impacted]))
    return 0


def cmd_path(client: Client, args: argparse.Namespace) -> int:
    source = client.get_revision(_kref(args.source))
    target = client.get_revision(_kref(args.target))
    path = source.find_path_to(target, _types(args), args.depth)
    if args.json:
        _json({"source": str(source.kref), "target": str(target.kref), "found": path is not None,
               "total_depth": path.total_depth if path else None,
               "steps": [_dict(s) for s in path.steps] if path else []})
    elif path is not None:
        _out(str(source.kref), *(f"  -{s.edge_type}-> {s.revision_kref}" for s in path.steps))
    if path is None:
        raise NotFoundError(f"no path from {source.kref} to {target.kref} within {args.depth} hops")
    return 0


def cmd_graph(client: Client, args: argparse.Namespace) -> int:
    from .cli_render import GraphNode, revision_label, to_dot

    root = client.get_revision(_kref(args.kref))
    types = _types(args)
    depth: dict[str, int] = {str(root.kref): 0}
    side: dict[str, str] = {str(root.kref): "root"}
    for name, walk in (("dependency", root.get_all_dependencies), ("dependent", root.get_all_dependents)):
        for n in walk(args.depth, types, args.limit).nodes:
            key = str(n.revision_kref)
            if key == str(root.kref):  # a cycle back to the root
                continue
            depth[key] = min(depth.get(key, n.depth), n.depth)
            side[key] = name if side.get(key, name) == name else "both"
    revisions = [r for r in client.batch_get_revisions(list(depth)) if r is not None]
    edges = []
    for revision in revisions:  # the edges among the revisions shown
        for e in revision.get_edges():
            if str(e.target_kref) in depth and (types is None or e.edge_type in types):
                edges.append(e)
    if args.json:
        _json({"root": str(root.kref), "max_depth": args.depth,
               "nodes": [{**_dict(r), "side": side[str(r.kref)], "depth": depth[str(r.kref)]}
                         for r in revisions],
               "edges": [_dict(e) for e in edges]})
        return 0
    nodes = [GraphNode(str(r.kref), f"{r.item_kref.path}\n"
                       + revision_label(r.number, r.tags, r.published, r.deprecated),
                       side[str(r.kref)], depth[str(r.kref)])
             for r in revisions]
    text = to_dot(nodes, [(str(e.source_kref), str(e.target_kref), e.edge_type) for e in edges],
                  title=f"{root.kref} (depth {args.depth})")
    data = text.encode()
    if args.format == "svg":
        data = _dot_to_svg(data)
    if args.output:
        try:
            with open(args.output, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    else:
        print(data.decode(), end="")
    return 0


def _dot_to_svg(dot: bytes) -> bytes:
    import shutil
    import subprocess

    exe = shutil.which("dot")
    if exe is None:
        raise CliError("SVG needs Graphviz's 'dot' on PATH; install Graphviz or use --format dot")
    proc = subprocess.run([exe, "-Tsvg"], input=dot, capture_output=True, check=False)
    if proc.returncode != 0:
        first = (proc.stderr.decode(errors="replace").strip().splitlines() or ["failed"])[0]
        raise CliError(f"dot -Tsvg failed: {first}")
    return proc.stdout


# -- bundles ------------------------------------------------------------------------
def cmd_bundle_create(client: Client, args: argparse.Namespace) -> int:
    bundle = _container(client, _kref(args.parent)).create_bundle(args.name, _meta(args))
    return _created(args, "bundle", bundle)


def _change(args: argparse.Namespace, change: Any) -> int:
    if args.json:
        _json(_dict(change))
    else:
        bundle = _kref(args.bundle).base
        _out(f"{bundle} r{change.revision_number}: {change.action} {change.member_item_kref}")
    return 0


def cmd_bundle_add(client: Client, args: argparse.Namespace) -> int:
    bundle = client.get_bundle(_kref(args.bundle))
    return _change(args, bundle.add_member(_kref(args.item), _meta(args)))


def cmd_bundle_remove(client: Client, args: argparse.Namespace) -> int:
    bundle = client.get_bundle(_kref(args.bundle))
    return _change(args, bundle.remove_member(_kref(args.item), _meta(args)))


def cmd_bundle_members(client: Client, args: argparse.Namespace) -> int:
    from .cli_render import table

    members = client.get_bundle(_kref(args.bundle)).get_members(args.revision)
    if args.json:
        _json([_dict(m) for m in members])
    else:
        _out(*table([[str(m.item_kref), f"r{m.added_in_revision}", m.added_by, m.added_at] for m in members]))
    return 0


def cmd_bundle_history(client: Client, args: argparse.Namespace) -> int:
    from .cli_render import table

    history = client.get_bundle(_kref(args.bundle)).get_history()
    if args.json:
        _json([_dict(c) for c in history])
    else:
        _out(*table([[f"r{c.revision_number}", c.action, str(c.member_item_kref), c.author, c.created_at]
                     for c in history]))
    return 0


# -- events -------------------------------------------------------------------------
def cmd_events(client: Client, args: argparse.Namespace) -> int:
    from .cli_render import event_line

    # Without --follow: print what is in the log (from the start unless a cursor or a
    # group says where) and stop. With --follow: new events until Ctrl-C or idle --timeout.
    from_beginning = args.from_beginning or (not args.follow and args.cursor is None)
    timeout = args.timeout if args.follow else (args.timeout or 0.0)
    stream = client.event_stream(args.filter, args.kref, args.cursor, from_beginning, args.group, timeout)
    last = None
    count = 0
    try:
        for event in stream:
            last = event.cursor
            if args.json:
                _json(_dict(event), compact=True)
            else:
                print(event_line(event.cursor, event.timestamp, event.routing_key, str(event.kref),
                                 event.metadata), flush=args.follow)
            count += 1
            if args.limit is not None and count >= args.limit:
                break
    except KeyboardInterrupt:
        if last is not None:
            print(f"{PROG}: stopped; resume with --cursor {last}", file=sys.stderr)
        return 130
    return 0


# -- demo ---------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    try:
        from . import demo  # type: ignore[attr-defined]
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.demo":
            raise
        raise CliError("the demo is not part of this install (splice.demo is missing)") from None
    return int(demo.run(args.db) or 0)


# -- the server and its admin tools ---------------------------------------------------
# These edit the control store of the server on this machine directly (no token needed:
# whoever can write the data dir administers the server). Tenant admins use the HTTP
# routes under /api/v1/admin instead.
def _server_config(args: argparse.Namespace, **kw: Any) -> Any:
    from .server.config import ServerConfig

    return ServerConfig.resolve(args.db, getattr(args, "data_dir", None), **kw)


def _control(args: argparse.Namespace) -> Any:
    from .server.control import ControlStore

    return ControlStore(_server_config(args).control_path)


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        from .server.serve import serve
    except ModuleNotFoundError as exc:
        raise CliError(
            f"the server needs its extra: pip install 'splice[server]' ({exc.name} is missing)"
        ) from None
    return serve(_server_config(args, host=args.host, port=args.port, workers=args.workers))


def cmd_token_create(args: argparse.Namespace) -> int:
    from contextlib import suppress

    from .errors import AlreadyExistsError

    if not args.user:
        raise ValidationError("splice token create needs --user NAME (the token's user)")
    control = _control(args)
    with suppress(AlreadyExistsError):
        control.add_user(args.tenant, args.user)
    if args.role:
        control.grant(args.tenant, args.user, args.role, args.project)
    token_id, secret = control.create_token(args.tenant, args.user, args.label, args.service)
    if args.json:
        _json({"id": token_id, "token": secret, "user": args.user, "tenant": args.tenant})
    else:
        _out(f"token {token_id} for {args.user} in tenant {args.tenant} (shown once):", secret)
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    token_id = _control(args).revoke_token(args.token)
    _json({"revoked": token_id}) if args.json else _out(f"revoked {token_id}")
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    tokens = [asdict(t) for t in _control(args).list_tokens(args.tenant, args.user)]
    if args.json:
        _json(tokens)
    else:
        for t in tokens:
            used = f"last used {t['last_used_at'] or 'never'}"
            state = f"revoked {t['revoked_at']}" if t["revoked_at"] else used
            _out(f"{t['id']}  {t['user']}  {'service ' if t['service'] else ''}{t['label']!r}  {state}")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    _control(args).add_user(args.tenant, args.name)
    _json({"user": args.name, "tenant": args.tenant}) if args.json else _out(f"added user {args.name}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    users = _control(args).list_users(args.tenant)
    if args.json:
        _json(users)
    else:
        for u in users:
            roles = ", ".join(f"{r} on {p}" for p, r in sorted(u["roles"].items())) or "no role"
            _out(f"{u['name']}  ({roles})")
    return 0


def cmd_role_grant(args: argparse.Namespace) -> int:
    _control(args).grant(args.tenant, args.name, args.role, args.project)
    _out(f"{args.name} is {args.role} on {args.project}")
    return 0


def cmd_role_revoke(args: argparse.Namespace) -> int:
    removed = _control(args).revoke_role(args.tenant, args.name, args.project)
    _out(f"{args.name}: role on {args.project} " + ("revoked" if removed else "was not granted"))
    return 0


def cmd_tenant_add(args: argparse.Namespace) -> int:
    _control(args).add_tenant(args.name)
    _out(f"added tenant {args.name}")
    return 0


def cmd_tenant_list(args: argparse.Namespace) -> int:
    tenants = _control(args).list_tenants()
    _json(tenants) if args.json else _out(*tenants)
    return 0
