"""``splice init | ls | show | create | tag | untag | set | unset | delete | unlink |
resolve | search | history``: the store's nodes, their tags and metadata.

Each command takes a client and the parsed arguments, goes through the SDK and prints
text, or JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError, ValidationError
from ..kref import Kref
from .common import PROG, Add, add_meta, meta_dict, meta_pair, out, positive, print_json

if TYPE_CHECKING:
    from ..client import Client
    from ..nodes import Artifact, Item, Project, Revision, Space


def register(sub: Any, add: Add) -> None:
    """Add the node commands to ``splice``'s sub-parsers."""
    add(sub, "init", cmd_init, "create or open the store and say where it is")
    p = add(sub, "ls", cmd_ls, "list projects, or the tree of spaces and items under KREF")
    p.add_argument("kref", nargs="?", metavar="KREF")
    p.add_argument("-r", "--revisions", action="store_true", help="include revisions and their tags")
    p = add(sub, "show", cmd_show, "show any node: fields, metadata, tags, artifacts, edges")
    p.add_argument("kref", metavar="KREF")

    create = add(sub, "create", None, "create a project, space, item, revision, artifact or edge")
    csub = create.add_subparsers(dest="what", metavar="WHAT", required=True)
    p = add(csub, "project", cmd_create_project, "create a project")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--description", default="", metavar="TEXT")
    add_meta(p)
    for what, func, hint in (("space", cmd_create_space, "kref://project/space[/…]"),
                             ("item", cmd_create_item, "kref://project/…/name.kind")):
        p = add(csub, what, func, f"create a {what} ({hint})")
        p.add_argument("kref", metavar="KREF")
        p.add_argument("-p", "--parents", action="store_true", help="create missing parent spaces")
        add_meta(p)
    p = add(csub, "revision", cmd_create_revision, "create the next revision of an item")
    p.add_argument("kref", metavar="ITEM_KREF")
    add_meta(p)
    p = add(csub, "artifact", cmd_create_artifact, "add an artifact (a file location) to a revision")
    p.add_argument("kref", metavar="REV_KREF")
    p.add_argument("name", metavar="NAME")
    p.add_argument("location", metavar="LOCATION",
                   help="file://, smb://, nfs://, s3://, gs:// or an absolute path")
    p.add_argument("--default", action="store_true", help="make it the revision's default artifact")
    add_meta(p)
    p = add(csub, "edge", cmd_create_edge, "link two revisions (SRC depends on TARGET by default)")
    p.add_argument("source", metavar="SRC")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("--type", default="DEPENDS_ON", metavar="EDGE_TYPE", help="default DEPENDS_ON")
    add_meta(p)

    for name, func, verb in (("tag", cmd_tag, "put a tag on"), ("untag", cmd_untag, "take a tag off")):
        p = add(sub, name, func, f"{verb} a revision (tags are kept in history)")
        p.add_argument("kref", metavar="REV_KREF")
        p.add_argument("tag", metavar="TAG")
    p = add(sub, "set", cmd_set, "merge metadata into any node")
    p.add_argument("kref", metavar="KREF")
    p.add_argument("pairs", nargs="+", type=meta_pair, metavar="KEY=VALUE")
    p = add(sub, "unset", cmd_unset, "remove metadata keys from any node")
    p.add_argument("kref", metavar="KREF")
    p.add_argument("keys", nargs="+", metavar="KEY")
    p = add(sub, "delete", cmd_delete, "delete a node (projects, spaces and items must be empty)")
    p.add_argument("kref", metavar="KREF")
    p.add_argument("--force", action="store_true", help="delete what it holds too")
    p = add(sub, "unlink", cmd_unlink, "delete the edge SRC -TYPE-> TARGET")
    p.add_argument("source", metavar="SRC")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("--type", default="DEPENDS_ON", metavar="EDGE_TYPE", help="default DEPENDS_ON")

    p = add(sub, "resolve", cmd_resolve, "print the location each kref selects, one per line")
    p.add_argument("krefs", nargs="+", metavar="KREF")
    p = add(sub, "search", cmd_search, "find items by name glob, kind and metadata")
    p.add_argument("name", nargs="?", metavar="NAME_GLOB")
    p.add_argument("--kind")
    p.add_argument("--under", metavar="KREF", help="only below this project or space")
    p.add_argument("--limit", type=positive)
    add_meta(p)
    p = add(sub, "history", cmd_history, "the tag history of an item")
    p.add_argument("kref", metavar="ITEM_KREF")
    p.add_argument("--tag")


# -- looking nodes up ------------------------------------------------------------
def container(client: Client, kref: Kref) -> Project | Space:
    """The project or space a kref names."""
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
        return container(client, kref)
    if kref.artifact is not None:
        return client.get_artifact(kref)
    if kref.revision is not None or kref.tag is not None:
        return client.get_revision(kref)
    return client.get_item(kref)


def typed(kind: str, obj: Any) -> dict[str, Any]:
    """A node as JSON-ready values with a leading ``"type"`` key."""
    from .render import as_dict

    return as_dict(obj, kind)


# -- init, ls, show --------------------------------------------------------------
def cmd_init(client: Client, args: argparse.Namespace) -> int:
    backend = client.backend
    projects = client.get_projects()  # opens (and upgrades) the store
    path = getattr(backend, "path", None)
    info = {"url": backend.url, "path": str(path) if path else None, "user": backend.actor,
            "projects": len(projects)}
    if args.json:
        print_json(info)
    else:
        out(f"splice store: {info['path'] or info['url']}",
            f"user: {info['user']}", f"projects: {info['projects']}")
    return 0


def cmd_ls(client: Client, args: argparse.Namespace) -> int:
    from .render import build_tree, table, tree_lines, unicode_ok

    if args.kref is None:
        projects = client.get_projects()
        if args.json:
            print_json([typed("project", p) for p in projects])
        else:
            out(*table([[str(p.kref), p.description] for p in projects]))
        return 0
    data, tree = build_tree(client, Kref(args.kref), args.revisions)
    if args.json:
        print_json(data)
    else:
        out(*tree_lines(tree, unicode_ok()))
    return 0


def cmd_show(client: Client, args: argparse.Namespace) -> int:
    from ..backend import INCOMING, OUTGOING
    from .render import as_dict, fields, metadata_lines, revision_label, table, yes_no

    node: Any = _node(client, Kref(args.kref))
    kind = type(node).__name__.lower()
    data = typed(kind, node)
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
        data["revisions"] = [as_dict(r) for r in revisions]
        extra += ["revisions:", *(["  (none)"] if not revisions else [])]
        extra += ["  " + line for line in table(
            [[revision_label(r.number, r.tags, r.published, r.deprecated), r.created_at, r.author]
             for r in revisions])]
        if kind == "bundle":
            members = node.get_members()
            data["members"] = [as_dict(m) for m in members]
            extra += ["members:", *(f"  {m.item_kref}" for m in members)]
            extra += ["  (none)"] if not members else []
    elif kind == "revision":
        artifacts = node.get_artifacts()
        out_edges, in_edges = node.get_edges(direction=OUTGOING), node.get_edges(direction=INCOMING)
        base += [("item", str(node.item_kref)), ("number", str(node.number)),
                 ("tags", ", ".join(node.tags) or "(none)"), ("published", yes_no(node.published)),
                 ("deprecated", yes_no(node.deprecated)), ("default artifact", node.default_artifact or "-")]
        data.update(artifacts=[as_dict(a) for a in artifacts], edges_out=[as_dict(e) for e in out_edges],
                    edges_in=[as_dict(e) for e in in_edges])
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
        print_json(data)
        return 0
    if hasattr(node, "name"):
        base.insert(0, ("name", node.name))
    base += [("author", node.author), ("created", node.created_at)]
    out(*lines, *("  " + line for line in fields(base)), "metadata:", *metadata_lines(node.metadata), *extra)
    return 0


# -- writes ------------------------------------------------------------------------
def created(args: argparse.Namespace, kind: str, obj: Any) -> int:
    """Print a node just made: its kref, or its JSON with ``--json``."""
    if args.json:
        print_json(typed(kind, obj))
    else:
        out(str(obj.kref))
    return 0


def cmd_create_project(client: Client, args: argparse.Namespace) -> int:
    return created(args, "project", client.create_project(args.name, args.description, meta_dict(args)))


def _ensure_spaces(client: Client, kref: Kref) -> None:
    """Create the missing spaces above ``kref`` (``--parents``, as mkdir -p)."""
    for depth in range(1, len(kref.spaces)):
        space = Kref.build(kref.project, kref.spaces[:depth])
        try:
            client.get_space(space)
        except NotFoundError:
            container(client, space.parent).create_space(space.spaces[-1])  # type: ignore[arg-type]


def cmd_create_space(client: Client, args: argparse.Namespace) -> int:
    kref = Kref(args.kref)
    if not kref.is_space:
        raise ValidationError(f"{kref} is not a space kref (kref://project/space[/…])")
    if args.parents:
        _ensure_spaces(client, kref)
    parent = container(client, kref.parent)  # type: ignore[arg-type]
    return created(args, "space", parent.create_space(kref.spaces[-1], meta_dict(args)))


def cmd_create_item(client: Client, args: argparse.Namespace) -> int:
    kref = Kref(args.kref)
    if not kref.is_item or _has_query(kref):
        raise ValidationError(f"{kref} is not an item kref (kref://project/…/name.kind)")
    if args.parents:
        _ensure_spaces(client, Kref.build(kref.project, (*kref.spaces, "x")))
    parent = container(client, kref.parent)  # type: ignore[arg-type]
    item = parent.create_item(kref.item_name, kref.kind, meta_dict(args))  # type: ignore[arg-type]
    return created(args, "item", item)


def cmd_create_revision(client: Client, args: argparse.Namespace) -> int:
    kref = Kref(args.kref)
    if _has_query(kref):
        raise ValidationError(f"create revision takes an item kref, not {kref}")
    revision = client.get_item(kref).create_revision(meta_dict(args))
    return created(args, "revision", revision)


def cmd_create_artifact(client: Client, args: argparse.Namespace) -> int:
    revision = client.get_revision(Kref(args.kref))
    artifact = revision.create_artifact(args.name, args.location, meta_dict(args))
    if args.default:
        revision.set_default_artifact(args.name)
    return created(args, "artifact", artifact)


def cmd_create_edge(client: Client, args: argparse.Namespace) -> int:
    source = client.get_revision(Kref(args.source))
    edge = source.create_edge(Kref(args.target), args.type, meta_dict(args))
    if args.json:
        print_json(typed("edge", edge))
    else:
        out(f"{edge.source_kref} -{edge.edge_type}-> {edge.target_kref}")
    return 0


def _revision_out(args: argparse.Namespace, revision: Revision) -> int:
    if args.json:
        print_json(typed("revision", revision))
    else:
        out(f"{revision.kref} [{', '.join(revision.tags)}]")
    return 0


def cmd_tag(client: Client, args: argparse.Namespace) -> int:
    revision = client.get_revision(Kref(args.kref))
    revision.tag(args.tag)
    return _revision_out(args, revision)


def cmd_untag(client: Client, args: argparse.Namespace) -> int:
    revision = client.get_revision(Kref(args.kref))
    revision.untag(args.tag)
    return _revision_out(args, revision)


def cmd_set(client: Client, args: argparse.Namespace) -> int:
    node = _node(client, Kref(args.kref))
    merged = node.set_metadata(dict(args.pairs))
    if args.json:
        print_json({"kref": str(node.kref), "metadata": merged})
    else:
        out(str(node.kref))
    return 0


def cmd_unset(client: Client, args: argparse.Namespace) -> int:
    kref = _node(client, Kref(args.kref)).kref
    missing = [key for key in args.keys if not client.delete_attribute(kref, key)]
    if missing:
        raise NotFoundError(f"{kref} has no metadata key {', '.join(map(repr, missing))}")
    out(str(kref))
    return 0


def cmd_delete(client: Client, args: argparse.Namespace) -> int:
    node = _node(client, Kref(args.kref))
    node.delete(force=args.force)
    out(f"deleted {node.kref}")
    return 0


def cmd_unlink(client: Client, args: argparse.Namespace) -> int:
    client.get_revision(Kref(args.source)).delete_edge(Kref(args.target), args.type)
    out(f"deleted {args.source} -{args.type}-> {args.target}")
    return 0


# -- reads: resolve, search, history ---------------------------------------------
def cmd_resolve(client: Client, args: argparse.Namespace) -> int:
    krefs = [Kref(k) for k in args.krefs]  # refuse bad krefs before reading anything
    # one kref: resolve() names precisely what is missing; several: one round trip
    locations = [client.resolve(krefs[0])] if len(krefs) == 1 else client.resolve_many(krefs)
    if args.json:
        print_json([{"kref": str(k), "location": loc} for k, loc in zip(krefs, locations, strict=True)])
    else:
        out(*(loc or "" for loc in locations))
    missing = [str(k) for k, loc in zip(krefs, locations, strict=True) if loc is None]
    for kref in missing:
        print(f"{PROG}: error: {kref} selects no artifact", file=sys.stderr)
    return 1 if missing else 0


def cmd_search(client: Client, args: argparse.Namespace) -> int:
    from .render import table

    items = client.search(args.name, args.kind, meta_dict(args), under=args.under, limit=args.limit)
    if args.json:
        print_json([typed("bundle" if i.kind == "bundle" else "item", i) for i in items])
    else:
        out(*table([[str(i.kref), "deprecated" if i.deprecated else ""] for i in items]))
    return 0


def cmd_history(client: Client, args: argparse.Namespace) -> int:
    from .render import as_dict, table

    events = client.get_item(Kref(args.kref)).get_tag_history(args.tag)
    if args.json:
        print_json([as_dict(e) for e in events])
    else:
        out(*table([[e.at, e.action, e.tag, str(e.revision_kref), e.author] for e in events]))
    return 0
