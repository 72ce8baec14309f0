"""``splice store | pull | push | ingest | derive | status``: asset files in the project's store.

:func:`register` adds the commands to ``splice``'s parser and imports nothing heavy; the
``cmd_*`` functions (and :mod:`splice.files`, then dvc) load only when a command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from .common import Add, print_json

if TYPE_CHECKING:
    from ..client import Client

_PROGRESS = "progress bars on stderr (default: when stderr is a terminal)"


def register(sub: Any, add: Add) -> None:
    """Add the file commands to the sub-parsers ``sub`` with ``splice.cli``'s ``add``."""

    def progress(p: argparse.ArgumentParser) -> None:
        p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None, help=_PROGRESS)

    p = add(
        sub,
        "store",
        cmd_store,
        "store a file or folder (an image sequence) in the project's file store as an artifact",
    )
    p.add_argument("kref", metavar="REV_KREF")
    p.add_argument("name", metavar="NAME")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--no-push", action="store_true", help="keep the objects in the local cache (push later)")
    p.add_argument("--meta", metavar="KEY=VALUE", action="append", help="metadata (repeatable)")
    progress(p)
    p = add(
        sub,
        "pull",
        cmd_pull,
        "fetch a revision's (or one artifact's) files, verify every checksum and place them",
    )
    p.add_argument("kref", metavar="KREF")
    p.add_argument("--to", default=".", metavar="DIR", help="where to place them (default: here)")
    p.add_argument("--link", action="store_true", help="hard-link from the cache instead of copying")
    p.add_argument("--no-dvc", action="store_true", help="do not write .dvc/config and NAME.dvc files")
    way = p.add_mutually_exclusive_group()
    way.add_argument(
        "--force",
        action="store_true",
        help="replace what is in the way (a file where a folder goes or the reverse, a symbolic link "
        "itself, a locally changed file); keep other files beside the pulled ones",
    )
    way.add_argument(
        "--clean",
        action="store_true",
        help="as --force, and remove what is not part of the revision from each pulled folder",
    )
    progress(p)
    p = add(sub, "push", cmd_push, "send what the file store lacks of a revision's files")
    p.add_argument("kref", metavar="KREF")
    progress(p)
    p = add(
        sub,
        "ingest",
        cmd_ingest,
        "import a file or folder from a path or URL, keeping the source's state",
    )
    p.add_argument("source", metavar="URL_OR_PATH")
    p.add_argument("kref", metavar="REV_KREF")
    p.add_argument("--name", help="artifact name (default: the source's file name)")
    p.add_argument("--meta", metavar="KEY=VALUE", action="append", help="metadata (repeatable)")
    progress(p)
    p = add(
        sub,
        "derive",
        cmd_derive,
        "run the item's declared stages (dvc pipelines) and store their outputs on the revision",
    )
    p.add_argument("kref", metavar="REV_KREF")
    progress(p)
    p = add(
        sub,
        "status",
        cmd_status,
        "say which stored files are in the store and which ingested ones changed at their source",
    )
    p.add_argument("kref", metavar="KREF")


def _progress(args: argparse.Namespace) -> bool:
    return args.progress if args.progress is not None else sys.stderr.isatty()


def _meta(args: argparse.Namespace) -> dict[str, str]:
    from ..errors import ValidationError

    out = {}
    for pair in getattr(args, "meta", None) or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValidationError(f"--meta expects KEY=VALUE, got {pair!r}")
        out[key] = value
    return out


def cmd_store(client: Client, args: argparse.Namespace) -> int:
    from .. import files

    artifact = files.store(
        client.get_revision(args.kref),
        args.name,
        args.path,
        _meta(args),
        push=not args.no_push,
        progress=_progress(args),
    )
    meta = artifact.metadata
    if args.json:
        print_json({"kref": artifact.kref, "location": artifact.location, "metadata": meta})
    else:
        print(f"{artifact.kref}  {meta['content_hash']}  {meta['size']} bytes  -> {meta['store']}")
    return 0


def cmd_pull(client: Client, args: argparse.Namespace) -> int:
    from .. import files

    paths = files.pull(
        args.kref,
        to=args.to,
        link=args.link,
        progress=_progress(args),
        dvc_files=not args.no_dvc,
        force=args.force,
        clean=args.clean,
        client=client,
    )
    if args.json:
        print_json([os.fspath(p) for p in paths])
    else:
        for path in paths:
            print(path)
    return 0


def cmd_push(client: Client, args: argparse.Namespace) -> int:
    from .. import files

    sent = files.push(args.kref, progress=_progress(args), client=client)
    if args.json:
        print_json({"pushed": sent})
    else:
        print(f"{sent} object(s) pushed")
    return 0


def cmd_ingest(client: Client, args: argparse.Namespace) -> int:
    from .. import files
    from ..errors import ValidationError

    name = args.name or _name_from(args.source)
    if not name:
        raise ValidationError(f"cannot make an artifact name from {args.source!r}: give --name")
    artifact = files.ingest(
        client.get_revision(args.kref), name, args.source, _meta(args), progress=_progress(args)
    )
    meta = artifact.metadata
    if args.json:
        print_json({"kref": artifact.kref, "location": artifact.location, "metadata": meta})
    else:
        print(f"{artifact.kref}  {meta['content_hash']}  from {meta['source']} ({meta['source_state']})")
    return 0


def _name_from(source: str) -> str:
    import re

    base = source.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"[^\w.-]+", "_", base.split(".")[0]).strip("_.")[:255]


def cmd_derive(client: Client, args: argparse.Namespace) -> int:
    from .. import files

    done = files.derive(client.get_revision(args.kref), progress=_progress(args))
    if args.json:
        print_json(
            [
                {
                    "stage": d.stage,
                    "ran": d.ran,
                    "kref": d.artifact.kref,
                    "content_hash": d.artifact.metadata.get("content_hash"),
                }
                for d in done
            ]
        )
    else:
        for d in done:
            state = "ran" if d.ran else "up to date"
            print(f"{d.artifact.kref}  {state}  {d.artifact.metadata['content_hash']}")
    return 0


def cmd_status(client: Client, args: argparse.Namespace) -> int:
    from .. import files

    rows = files.status(args.kref, client=client)
    if args.json:
        print_json(
            [
                {
                    "kref": r.kref,
                    "content_hash": r.content_hash,
                    "in_store": r.in_store,
                    "source": r.source,
                    "source_state": r.source_state,
                    "needs_reimport": r.needs_reimport,
                }
                for r in rows
            ]
        )
        return 0
    for r in rows:
        where = "in store" if r.in_store else "NOT IN STORE (splice push)"
        source = ""
        if r.source:
            source = f"  source {r.source_state}" + (": re-import" if r.needs_reimport else "")
        print(f"{r.kref}  {r.content_hash}  {where}{source}")
    return 0
