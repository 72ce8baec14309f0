"""``splice usd list | resolve``: the krefs in a USD layer stack, and a resolved copy of it.

USD itself is imported only when a command runs (the ``usd`` extra, ``usd-core``).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from .common import Add, out, print_json

if TYPE_CHECKING:
    from ..client import Client


def register(sub: Any, add: Add) -> None:
    """Add ``splice usd`` and its actions to ``splice``'s sub-parsers."""
    usd = add(sub, "usd", None, "krefs inside USD layers: list them, write a resolved copy")
    usub = usd.add_subparsers(dest="what", metavar="ACTION", required=True)

    p = add(usub, "list", cmd_list, "list the krefs of a layer stack and where each is (no store needed)")
    p.set_defaults(no_client=True)
    p.add_argument("layer", metavar="LAYER", help="a .usd, .usda or .usdc file")
    p.add_argument(
        "--no-follow",
        action="store_true",
        help="this layer only, not its local sublayers, references and payloads",
    )

    p = add(
        usub,
        "resolve",
        cmd_resolve,
        "resolve every kref of a layer stack in one round trip and write a resolved copy",
        epilog="The original layers are never changed, except with --in-place. A kref that selects "
        "nothing fails the command naming it and where it is, with nothing written.",
    )
    p.add_argument("layer", metavar="LAYER", help="a .usd, .usda or .usdc file")
    p.add_argument(
        "--at",
        metavar="TIME",
        help="pin every tag kref (and those without a selector: latest) "
        "to the revision it selected at TIME (YYYYMMDDHHMM UTC or ISO 8601)",
    )
    p.add_argument(
        "--pin",
        metavar="FILE",
        help="resolve each kref to the revision the pin manifest FILE pins (splice pin); "
        "a kref it does not pin fails the command naming it",
    )
    p.add_argument(
        "-o",
        "--out",
        metavar="OUT",
        help="the resolved root layer (default: LAYER's name "
        "with .resolved before its extension); other changed layers go to OUT's <stem>.layers/",
    )
    p.add_argument(
        "--fetch",
        action="store_true",
        help="fetch each kref's stored files and point at "
        "the local copies (needed for files kept in a splice file store)",
    )
    p.add_argument(
        "--in-place",
        action="store_true",
        help="save the resolved paths into LAYER and its local layers (a farm job's own copy of the stack)",
    )


def _stack(layer: str, follow: bool) -> Any:
    from ..usd import walk

    return walk([layer], follow=follow)


def cmd_list(args: argparse.Namespace) -> int:
    stack = _stack(args.layer, not args.no_follow)
    if args.json:
        print_json(
            {"layer": stack.roots[0], "layers": list(stack.layers), "uses": [u.to_dict() for u in stack.uses]}
        )
        return 0
    uses = stack.uses
    out(f"{len(uses)} kref use(s), {len(stack.krefs())} distinct, in {len(stack.layers)} layer(s)")
    out(*(f"{u.authored}  ({u.where()})" for u in uses))
    return 0


def cmd_resolve(client: Client, args: argparse.Namespace) -> int:
    from ..usd import resolve_stack, write_copy, write_in_place
    from .common import CliError

    if args.in_place and args.out:
        raise CliError("give either --out (a resolved copy) or --in-place, not both")
    select = None
    if args.pin:
        if args.at:
            raise CliError("give either --pin (the manifest's revisions) or --at (tags at a time), not both")
        from ..pin import Pins, read

        select = Pins(read(args.pin)).strict
    resolved = resolve_stack(args.layer, client, at=args.at, fetch=args.fetch, select=select)
    written = write_in_place(resolved) if args.in_place else write_copy(resolved, args.out)
    if args.json:
        print_json({**resolved.to_dict(), "written": [str(p) for p in written]})
        return 0
    n = len(resolved.resolutions)
    out(f"resolved {n} kref(s) in {resolved.rounds} round trip(s); wrote {len(written)} layer(s):")
    out(*(f"  {p}" for p in written))
    return 0
