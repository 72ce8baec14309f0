"""``splice sync``: the local replica of a splice server: how current it is, and catching up."""

from __future__ import annotations

import argparse
from typing import Any

from .common import Add, print_json


def register(sub: Any, add: Add) -> None:
    """Add ``sync status`` and ``sync pull`` to ``splice``'s sub-parsers."""
    p = add(
        sub,
        "sync",
        None,
        "the local replica of a splice server (status, pull)",
        db_help="the splice server (default: $SPLICE_URL)",
        epilog="A replica keeps a server's projects in a local file: reads are answered "
        "from it, and offline too. Clients use one with connect(url, replica=True) or "
        "SPLICE_REPLICA=1.",
    )
    verbs = p.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    for name, func, text in (
        ("status", cmd_status, "online or offline, the replica's cursor and how far behind it is"),
        ("pull", cmd_pull, "fill the replica (the first time) or catch up with the server now"),
    ):
        v = add(verbs, name, func, text, db_help="the splice server (default: $SPLICE_URL)")
        v.add_argument("--replica", metavar="PATH", help="the replica file (default: the per-user one)")
        v.set_defaults(no_client=True)
        if name == "pull":
            v.add_argument("--full", action="store_true", help="copy every project again, whole")


def _open(args: argparse.Namespace, sync: bool) -> Any:
    from ..client import Client

    return Client.open(args.db, user=args.user, replica=args.replica or True, live=False, sync_on_open=sync)


def _show(status: Any, as_json: bool) -> None:
    if as_json:
        from ..records import to_dict

        print_json(to_dict(status))
        return
    state = (
        "online"
        if status.online
        else f"offline since {status.stale_since:%Y-%m-%d %H:%M:%S} UTC"
        if status.stale_since
        else "offline"
    )
    projects = "all it may view" if status.projects == "*" else ", ".join(status.projects)
    print(f"server     {status.url} ({state})")
    print(f"replica    {status.path} (projects: {projects})")
    print(f"cursor     {status.cursor} of {status.server_head} ({status.behind_by_events} events behind)")
    print(f"last sync  {status.last_sync or 'never'}")


def cmd_status(args: argparse.Namespace) -> int:
    client = _open(args, sync=False)
    try:
        _show(client.backend.sync_status(), args.json)
    finally:
        client.close()
    return 0


def cmd_pull(args: argparse.Namespace) -> int:
    client = _open(args, sync=not args.full)
    try:
        backend = client.backend
        _show(backend.pull() if args.full else backend.sync(), args.json)
    finally:
        client.close()
    return 0
