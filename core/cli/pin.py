"""``splice pin``: one manifest of exactly what a scene, a USD layer stack, a workspace or a
list of krefs uses; ``pin diff`` says what changed between two, ``pin check`` refuses one
the store cannot reproduce. :mod:`splice.pin` loads only when a command runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from .common import Add, out, print_json

if TYPE_CHECKING:
    from ..client import Client

_WHAT = (
    "what to pin: scene files (.blend, .ma, .hip, .nk, .scene…), USD layers (.usd/.usda/.usdc), "
    "workspaces (a folder with splice.lock, or the lock) and krefs, mixed as you like"
)


def register(sub: Any, add: Add) -> None:
    """Add ``splice pin`` (and its ``diff`` and ``check``) to ``splice``'s sub-parsers."""
    p = add(
        sub,
        "pin",
        cmd_pin,
        "write one manifest of the exact revisions, artifacts and content hashes something uses",
        usage="splice pin SOURCE… [-o FILE] [--at TIME] [--host HOST]\n"
        "       splice pin diff A B [--json] [--exit-code]\n"
        "       splice pin check FILE [--json] [--no-content]",
        epilog="splice pin diff A B: what changed between two manifests. splice pin check FILE: "
        "every pinned revision is in the store and unchanged (exit 1 naming each one that is not). "
        "Consumers: splice inventory SCENE --want manifest:FILE, splice usd resolve LAYER --pin FILE, "
        "splice launch … --pin FILE (the DCC gets $SPLICE_PIN).",
    )
    p.add_argument("what", nargs="+", metavar="SOURCE", help=_WHAT)
    p.add_argument("-o", "--out", metavar="FILE", help="write the manifest to FILE (default: stdout)")
    p.add_argument(
        "--at", metavar="TIME", help="read tags as they were at TIME (YYYYMMDDHHMM UTC or ISO 8601)"
    )
    p.add_argument("--host", help="the host adapter that opens the scene files (default: by extension)")
    p.add_argument("--exit-code", action="store_true", help="pin diff: exit 1 when they differ (as git diff)")
    p.add_argument(
        "--no-content", action="store_true", help="pin check: the revisions only, not the content hashes"
    )


def cmd_pin(client: Client, args: argparse.Namespace) -> int:
    # `pin diff A B` and `pin check FILE` share the command: a source is never named diff/check
    action, rest = args.what[0], args.what[1:]
    if action in ("diff", "check"):
        wanted = 2 if action == "diff" else 1
        if len(rest) != wanted:
            from .common import CliError

            usage = "splice pin diff A B" if action == "diff" else "splice pin check FILE"
            raise CliError(f"{usage}: expected {wanted} manifest(s), got {len(rest)}")
        return _cmd_diff(args, *rest) if action == "diff" else _cmd_check(client, args, rest[0])
    from ..pin import make, write
    from ..pin import sources as s
    from .scenes import stdout_to_stderr

    found = []
    with stdout_to_stderr():  # a DCC opening a scene may print: stdout carries the manifest alone
        for arg in args.what:
            kind = s.detect(arg, args.host)
            if kind == "kref":
                found.append(s.from_kref(arg))
            elif kind == "workspace":
                found.append(s.from_workspace(arg))
            elif kind == "usd":
                found.append(s.from_usd(arg, client, args.at))
            else:
                found.append(s.from_scene(arg, args.host))
        manifest = make(client, found, args.at)
    if args.out:
        path = write(manifest, args.out)
        print(
            f"pinned {len(manifest.entries)} revision(s) from {len(found)} source(s): {path}", file=sys.stderr
        )
    else:
        sys.stdout.write(manifest.to_json())
    return 0


def _cmd_diff(args: argparse.Namespace, a: str, b: str) -> int:
    from ..pin import diff, read

    result = diff(read(a), read(b))
    if args.json:
        print_json(result.to_dict())
    else:
        out(*result.lines())
    return 1 if args.exit_code and result.changed else 0


def _cmd_check(client: Client, args: argparse.Namespace, path: str) -> int:
    import json
    from pathlib import Path

    from ..documents import check as check_document
    from ..pin import PinManifestError, check, read

    manifest = read(path)  # a file that is not a manifest at all is refused here, without pydantic
    check_document("pin", json.loads(Path(path).read_text(encoding="utf-8")), path, PinManifestError)
    report = check(manifest, client, content=not args.no_content)
    if args.json:
        print_json(report.to_dict())
        return 0 if report.ok else 1
    if report.ok:
        out(
            f"ok: {report.checked} pinned entr{'y' if report.checked == 1 else 'ies'} in the store, unchanged"
        )
        return 0
    report.raise_for(path)  # the typed error names every bad entry; the CLI prints it, exit 1
    return 1
