"""``splice events``: the store's event log, replayed or followed."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from .common import PROG, Add, positive, print_json, seconds

if TYPE_CHECKING:
    from ..client import Client


def register(sub: Any, add: Add) -> None:
    """Add ``events`` to ``splice``'s sub-parsers."""
    p = add(sub, "events", cmd_events, "print events (cursor, time, routing key, kref, metadata)",
            epilog="Without --follow, prints the events already in the log (from the start, or "
                   "after --cursor, or from --group's position) and stops. With --follow, prints "
                   "new events until Ctrl-C or --timeout seconds without one.")
    p.add_argument("--filter", metavar="ROUTING", help="routing key filter: revision.*, #.deleted")
    p.add_argument("--kref", metavar="GLOB", help="kref glob: kref://show/**/*.model")
    p.add_argument("--cursor", metavar="C", help="resume just after this event's cursor")
    p.add_argument("--from-beginning", action="store_true", help="replay the whole log")
    p.add_argument("--group", metavar="G", help="consumer group (members share a position)")
    p.add_argument("--timeout", type=seconds, metavar="S", help="with --follow: stop after S idle seconds")
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new events")
    p.add_argument("--limit", type=positive, metavar="N", help="stop after N events")


def cmd_events(client: Client, args: argparse.Namespace) -> int:
    from .render import as_dict, event_line

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
                print_json(as_dict(event), compact=True)
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
