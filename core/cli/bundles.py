"""``splice bundle create | add | remove | members | history``: bundles and their members."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ..kref import Kref
from .common import Add, add_meta, meta_dict, out, positive, print_json
from .nodes import container, created

if TYPE_CHECKING:
    from ..client import Client


def register(sub: Any, add: Add) -> None:
    """Add ``bundle`` and its actions to ``splice``'s sub-parsers."""
    bundle = add(sub, "bundle", None, "create bundles, change and list their members")
    bsub = bundle.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = add(bsub, "create", cmd_bundle_create, "create a bundle in a project or space")
    p.add_argument("parent", metavar="PARENT_KREF")
    p.add_argument("name", metavar="NAME")
    add_meta(p)
    for name, func in (("add", cmd_bundle_add), ("remove", cmd_bundle_remove)):
        p = add(bsub, name, func, f"{name} a member (a new bundle revision)")
        p.add_argument("bundle", metavar="BUNDLE")
        p.add_argument("item", metavar="ITEM")
        add_meta(p)
    p = add(bsub, "members", cmd_bundle_members, "the members now, or at a bundle revision")
    p.add_argument("bundle", metavar="BUNDLE")
    p.add_argument("--revision", type=positive, metavar="N")
    p = add(bsub, "history", cmd_bundle_history, "every membership change: who, what, when")
    p.add_argument("bundle", metavar="BUNDLE")


def cmd_bundle_create(client: Client, args: argparse.Namespace) -> int:
    bundle = container(client, Kref(args.parent)).create_bundle(args.name, meta_dict(args))
    return created(args, "bundle", bundle)


def _change(args: argparse.Namespace, change: Any) -> int:
    from .render import as_dict

    if args.json:
        print_json(as_dict(change))
    else:
        bundle = Kref(args.bundle).base
        out(f"{bundle} r{change.revision_number}: {change.action} {change.member_item_kref}")
    return 0


def cmd_bundle_add(client: Client, args: argparse.Namespace) -> int:
    bundle = client.get_bundle(Kref(args.bundle))
    return _change(args, bundle.add_member(Kref(args.item), meta_dict(args)))


def cmd_bundle_remove(client: Client, args: argparse.Namespace) -> int:
    bundle = client.get_bundle(Kref(args.bundle))
    return _change(args, bundle.remove_member(Kref(args.item), meta_dict(args)))


def cmd_bundle_members(client: Client, args: argparse.Namespace) -> int:
    from .render import as_dict, table

    members = client.get_bundle(Kref(args.bundle)).get_members(args.revision)
    if args.json:
        print_json([as_dict(m) for m in members])
    else:
        out(*table([[str(m.item_kref), f"r{m.added_in_revision}", m.added_by, m.added_at] for m in members]))
    return 0


def cmd_bundle_history(client: Client, args: argparse.Namespace) -> int:
    from .render import as_dict, table

    history = client.get_bundle(Kref(args.bundle)).get_history()
    if args.json:
        print_json([as_dict(c) for c in history])
    else:
        out(*table([[f"r{c.revision_number}", c.action, str(c.member_item_kref), c.author, c.created_at]
                    for c in history]))
    return 0
