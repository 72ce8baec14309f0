"""``splice publish | load | inventory``: work on a scene file headless (farm, CI).

Each command opens the scene with the named host adapter (:mod:`splice.pipeline.adapters`),
works through :mod:`splice.pipeline`, and saves the scene when it changed it.
:func:`register` imports nothing heavy; pyblish loads only when ``publish`` runs.
With ``--json`` the work runs inside :func:`stdout_to_stderr`, so stdout carries only the JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .common import Add, print_json

if TYPE_CHECKING:
    from ..client import Client
    from ..pipeline.adapters import Adapter
    from ..pipeline.interface import Host


def register(sub: Any, add: Add) -> None:
    """Add the scene commands to ``splice``'s sub-parsers with ``splice.cli``'s ``add``."""

    def scene(p: argparse.ArgumentParser) -> None:
        p.add_argument("scene", metavar="SCENE", help="the scene file")
        p.add_argument("--host", help="host adapter that opens it (default: by the file's extension: .blend"
                       " Blender, .ma/.mb Maya, .hip Houdini, .nk Nuke, .scene/.json the in-memory host)")

    p = add(sub, "publish", cmd_publish,
            "publish a scene's instances headless: collect, validate, extract, integrate (pyblish)",
            epilog="Exit status 1 when a check fails: nothing is written, and the report says "
                   "what failed on what and how to fix it.")
    scene(p)
    p.add_argument("--repair", action="store_true", help="run the failing validators' repairs first")
    p.add_argument("--plugins", metavar="DIR", action="append", default=[],
                   help="another folder of pyblish plug-ins (also read: $PYBLISHPLUGINPATH)")
    p.add_argument("--target", metavar="T", action="append", help="pyblish target (repeatable)")
    p.add_argument("--no-save", action="store_true", help="with --repair: do not save the repaired scene")

    p = add(sub, "load", cmd_load, "load a revision into a scene file and save it")
    scene(p)
    p.add_argument("kref", metavar="KREF", help="…/item.kind with ?r=N, ?t=TAG, &time=…, &a=NAME")
    p.add_argument("--representation", "-R", metavar="NAME", help="artifact name or file extension")
    p.add_argument("--loader", metavar="NAME", help="use this loader")
    p.add_argument("--namespace", metavar="NS", help="default: <item>_NN, the first free")

    p = add(sub, "inventory", cmd_inventory,
            "list a scene's containers against latest, a tag or a revision (one round trip); update them")
    scene(p)
    p.add_argument("--want", default=None, metavar="WANT",
                   help="latest, a tag, a revision number, or manifest:FILE (the revisions a pin manifest"
                        " pins; splice pin); default: latest, or $SPLICE_PIN's manifest when set")
    p.add_argument("--update", action="store_true", help="update the outdated containers and save")


def _open(args: argparse.Namespace) -> tuple[Adapter, Host]:
    from ..pipeline.adapters import adapter, adapter_for_scene

    found = adapter(args.host) if args.host else adapter_for_scene(args.scene)
    return found, found.open_scene(args.scene)


@contextlib.contextmanager
def stdout_to_stderr(enabled: bool = True) -> Iterator[None]:
    """Send everything written to stdout inside the block to stderr: Python's prints and, by
    moving file descriptor 1, what an exporter or the application writes from C (Blender's
    Alembic export does). Stdout is put back at the end, for the JSON alone."""
    if not enabled:
        yield
        return
    sys.stdout.flush()
    real_stdout = os.dup(1)
    try:
        os.dup2(2, 1)
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stdout.flush()
        _flush_c_stdio()  # C's buffered output belongs to the block: flush it while fd 1 is stderr
        os.dup2(real_stdout, 1)
        os.close(real_stdout)


def _flush_c_stdio() -> None:
    import ctypes

    with contextlib.suppress(OSError, AttributeError, TypeError):  # no C library to ask (Windows)
        ctypes.CDLL(None).fflush(None)


def cmd_publish(client: Client, args: argparse.Namespace) -> int:
    from ..pipeline import publish

    with stdout_to_stderr(args.json):
        found, host = _open(args)
        paths = [p for p in (found.plugins_dir, *args.plugins) if p]
        report = publish.publish(host, client, paths=paths, targets=args.target, repair=args.repair)
        if args.repair and report.repaired and not args.no_save:
            host.save_file()
    if args.json:
        print_json(report.to_dict())
    else:
        print(report.to_text())
    return 0 if report.success else 1


def _loaders(found: Adapter) -> dict:
    from ..pipeline import loaders_for

    return loaders_for(*([found.loaders_dir] if found.loaders_dir else []))


def cmd_load(client: Client, args: argparse.Namespace) -> int:
    import splice.pipeline

    with stdout_to_stderr(args.json):
        found, host = _open(args)
        container = splice.pipeline.load(
            host,
            args.kref,
            args.representation,
            loaders=_loaders(found),
            loader=args.loader,
            namespace=args.namespace,
            client=client,
        )
        host.save_file()
    if args.json:
        print_json(container.to_dict())
    else:
        print(f"{container.key}  {container.kref}  ({container.loader}, {container.representation})")
    return 0


def _want(raw: str) -> str | int:
    return int(raw) if raw.isdigit() else raw


def _manifest(raw: str | None) -> str | None:
    """The pin manifest ``--want manifest:FILE`` (or, with no --want, ``$SPLICE_PIN``) names."""
    if raw is None:
        return os.environ.get("SPLICE_PIN") or None
    return raw[len("manifest:"):] if raw.startswith("manifest:") else None


def cmd_inventory(client: Client, args: argparse.Namespace) -> int:
    from ..pipeline import inventory

    manifest = _manifest(args.want)
    with stdout_to_stderr(args.json):
        found, host = _open(args)
        loaders = _loaders(found) if args.update else None
        if manifest is not None:  # each container against the revision the manifest pins for it
            from ..pin import Pins, read
            from ..pin import inventory as pinned

            pins = Pins(read(manifest))
            entries = pinned.check(host, client, pins)
            changed = pinned.update(host, client, pins, loaders) if args.update else []
        else:
            want = _want(args.want or "latest")
            entries = inventory.check(host, client, want)
            changed = inventory.update_all(host, client, want, loaders) if args.update else []
        updated = [c.key for c in changed]
        if updated:
            host.save_file()
    if args.json:
        print_json({"entries": [e.to_dict() for e in entries], "updated": updated})
        return 0
    if not entries:
        print("no containers in the scene")
    for e in entries:
        mark = {"current": " ", "outdated": "↑", "missing": "✗", "no-match": "?"}[e.status]
        print(f"{mark} {e.container.key:<30} r{e.current:<4} {e.status:<9} {e.reason}")
    if updated:
        print(f"updated {len(updated)}: {', '.join(updated)}")
    return 0
