"""``splice sync``: the local replica of a splice server: how current it is, catching up,
and the writes made offline (queued, refused): push them, drop or retry a refused one."""

from __future__ import annotations

import argparse
from typing import Any

from .common import Add, positive, print_json


def register(sub: Any, add: Add) -> None:
    """Add ``sync status|pull|push|drop|retry`` to ``splice``'s sub-parsers."""
    p = add(
        sub,
        "sync",
        None,
        "the local replica of a splice server (status, pull, push, drop, retry)",
        db_help="the splice server (default: $SPLICE_URL)",
        epilog="A replica keeps a server's projects in a local file: reads are answered "
        "from it, and offline too. Clients use one with connect(url, replica=True) or "
        "SPLICE_REPLICA=1. Writes made while the server cannot be reached are queued "
        "there and pushed when it is back.",
    )
    verbs = p.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    for name, func, text in (
        ("status", cmd_status, "online or offline, how far behind, and the writes queued or refused"),
        ("pull", cmd_pull, "fill the replica (the first time) or catch up with the server now"),
        ("push", cmd_push, "send the writes queued offline now, in order; report what was refused"),
        ("drop", cmd_drop, "discard a refused write (its number, from sync status)"),
        ("retry", cmd_retry, "queue a refused write again (a tag move: move it anyway)"),
    ):
        v = add(verbs, name, func, text, db_help="the splice server (default: $SPLICE_URL)")
        v.add_argument("--replica", metavar="PATH", help="the replica file (default: the per-user one)")
        v.set_defaults(no_client=True)
        if name == "pull":
            v.add_argument("--full", action="store_true", help="copy every project again, whole")
        if name in ("drop", "retry"):
            v.add_argument("id", type=positive, metavar="ID", help="the write's number (splice sync status)")


def _open(args: argparse.Namespace, sync: bool) -> Any:
    from ..client import Client

    return Client.open(
        args.db,
        user=args.user,
        replica=args.replica or True,
        live=False,
        sync_on_open=sync,
        auto_push=False,  # only `sync push` sends the queue
    )


def _show(status: Any, as_json: bool, writes: list | None = None) -> None:
    if as_json:
        from ..records import to_dict

        out = to_dict(status)
        if writes is not None:
            out["writes"] = [w.to_dict() for w in writes]
        print_json(out)
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
    print(f"writes     {status.queued} queued, {status.refused} refused")
    for write in writes or []:
        _show_write(write)


def _show_write(write: Any) -> None:
    print(f"  #{write.id:<5} {write.state:<8} {write.queued_at}  {write.what}")
    if write.error:
        label = "refused" if write.state == "refused" else "last try"
        print(f"         {label}: {write.error_code}: {write.error}")


def cmd_status(args: argparse.Namespace) -> int:
    client = _open(args, sync=False)
    try:
        backend = client.backend
        _show(backend.sync_status(), args.json, backend.queued_writes())
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


def cmd_push(args: argparse.Namespace) -> int:
    """Exit 0 when every queued write landed, 1 when some were refused or are left."""
    client = _open(args, sync=False)
    try:
        report = client.backend.push()
    finally:
        client.close()
    if args.json:
        print_json(report.to_dict())
    else:
        for landed in report.landed:
            made = f" -> {', '.join(landed.made)}" if landed.made else ""
            print(f"landed   #{landed.write.id} {landed.write.what}{made}")
        for write in report.refused:
            print(f"refused  #{write.id} {write.what}\n         {write.error_code}: {write.error}")
        for write in report.held:
            print(f"kept     #{write.id} {write.what}\n         {write.error}")
        if report.stopped:
            print(f"stopped: {report.stopped}")
        print(f"{len(report.landed)} landed, {len(report.refused)} refused, {report.left} still queued")
        if report.refused:
            print(
                "drop a refused write with `splice sync drop ID`, "
                "or send it again with `splice sync retry ID`"
            )
    return 0 if not report.refused and not report.left else 1


def _on_write(args: argparse.Namespace, action: str, said: str) -> int:
    """``action`` (``drop`` or ``retry``) on write ``args.id``; ``said``: the line printed."""
    client = _open(args, sync=False)
    try:
        write = getattr(client.backend, action)(args.id)
    finally:
        client.close()
    if args.json:
        print_json(write.to_dict())
    else:
        print(said.format(id=write.id, what=write.what))
    return 0


def cmd_drop(args: argparse.Namespace) -> int:
    return _on_write(args, "drop", "dropped  #{id} {what}")


def cmd_retry(args: argparse.Namespace) -> int:
    return _on_write(args, "retry", "queued   #{id} {what} (sent at the next `splice sync push`)")
