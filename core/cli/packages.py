"""``splice package …`` and ``splice workspace …``: assets as Python packages (seed 001).

:func:`register` adds the parsers (nothing heavy is imported); the ``cmd_*``
functions run the commands through :mod:`splice.packages`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import Add, print_json, seconds

if TYPE_CHECKING:
    from ..client import Client
    from ..packages.workspace import Workspace

_WS_HELP = "the workspace (default: the one holding the current folder)"


def _repo_pair(text: str) -> tuple[str, str]:
    name, sep, location = text.partition("=")
    if not sep or not name or not location:
        raise argparse.ArgumentTypeError(f"expected NAME=LOCATION (a folder or an index URL), got {text!r}")
    return name, location


def register(sub: Any, add: Add) -> None:
    """Add ``package`` and ``workspace`` to the ``splice`` parser."""
    pkg = add(sub, "package", None, "assets as Python packages: versions, wheels, repos, impact")
    psub = pkg.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = add(psub, "set", cmd_set, "give a revision a version and/or requirements")
    p.add_argument("kref", metavar="REV_KREF")
    p.add_argument("--version", dest="pkg_version", metavar="SEMVER", help="1.2.3, 1.2.3-rc.1")
    p.add_argument(
        "--requires",
        action="append",
        metavar="REQ",
        help="kref://…[SPEC] or a PEP 508 requirement (repeatable); replaces the group's",
    )
    p.add_argument(
        "--group", default="default", help="the requirements' group (default, build, edit, export…)"
    )
    p = add(
        psub, "show", cmd_show, "a revision's package: name, version, requirements, manifest"
    )
    p.add_argument("kref", metavar="REV_KREF")
    p = add(psub, "build", cmd_build, "build a revision's wheel")
    p.add_argument("kref", metavar="REV_KREF")
    p.add_argument(
        "-o", "--outdir", metavar="DIR", help="where (default: the workspace's build/, else dist/)"
    )
    p.add_argument("--code", metavar="PATH", help="the asset's own code: a .py file or a folder")
    p.add_argument("--workspace", metavar="PATH", help=_WS_HELP)
    p = add(
        psub,
        "publish",
        cmd_publish,
        "freeze a revision (tag published), build its wheel and add it to a repo",
    )
    p.add_argument("kref", metavar="REV_KREF")
    p.add_argument(
        "--repo", help="repo name or folder (default: the workspace's publish target, else review)"
    )
    p.add_argument("--code", metavar="PATH", help="the asset's own code: a .py file or a folder")
    p.add_argument("--workspace", metavar="PATH", help=_WS_HELP)
    p = add(psub, "promote", cmd_promote, "copy a published version from one repo to another")
    p.add_argument("kref", metavar="REV_KREF")
    p.add_argument("--from", dest="source", default="review", help="default review")
    p.add_argument("--to", dest="target", default="blessed", help="default blessed")
    p.add_argument("--workspace", metavar="PATH", help=_WS_HELP)
    p = add(psub, "bump", cmd_bump, "a new revision with the next version, same requirements")
    p.add_argument("kref", metavar="KREF")
    p.add_argument("part", nargs="?", choices=("major", "minor", "micro"))
    p.add_argument("--suffix", metavar="PRE", help="make it a pre-release: rc1, beta.2, alpha")
    p.add_argument("--workspace", metavar="PATH", help=_WS_HELP)
    p = add(
        psub,
        "impact",
        cmd_impact,
        "which dependents take this revision's version (push / semi-push) and which do not (pull)",
    )
    p.add_argument("kref", metavar="REV_KREF")
    p.add_argument("--under", metavar="KREF", help="only below this project or space (default: anywhere)")
    p = add(psub, "events", cmd_events, "print package.published and package.promoted events")
    p.add_argument("--timeout", type=seconds, default=0.0, metavar="S",
                   help="wait S idle seconds (default 0)")

    ws = add(sub, "workspace", None, "uv workspaces: inputs venv, outputs, build, external_packages")
    wsub = ws.add_subparsers(dest="what", metavar="ACTION", required=True)
    p = add(wsub, "create", cmd_ws_create, "make a workspace (an inputs venv made with uv)")
    p.add_argument("path", metavar="PATH")
    p.add_argument(
        "--repo",
        action="append",
        type=_repo_pair,
        metavar="NAME=LOCATION",
        help="a named repo (repeatable); others come from $SPLICE_REPOS",
    )
    p.add_argument(
        "--install-from", action="append", metavar="NAME", help="install sources (default blessed)"
    )
    p.add_argument("--publish-to", default="review", metavar="NAME", help="publish target (default review)")
    p.add_argument("--public-index", action="store_true", help="also install from the public index")
    p.add_argument("--at", metavar="TIME", help="only what the repos held then (YYYYMMDDHHMM or ISO 8601)")
    p.add_argument("--from", dest="lock", metavar="LOCK", help="reproduce a lock exactly")
    p.add_argument("--python", metavar="PY", help="the inputs venv's Python (default: this one)")
    p.set_defaults(no_client=True)
    p = add(wsub, "add", cmd_ws_add, "install assets and all they need from the repos")
    p.add_argument("requirements", nargs="+", metavar="REQ", help="kref://…[SPEC] or NAME[SPEC]")
    p.add_argument("--workspace", metavar="PATH", help=_WS_HELP)
    p.set_defaults(no_client=True)
    p = add(wsub, "edit", cmd_ws_edit, "install an asset as an editable output")
    p.add_argument("kref", metavar="REV_KREF")
    p.add_argument("--workspace", metavar="PATH", help=_WS_HELP)
    p = add(
        wsub, "lock", cmd_ws_lock, "write pins, krefs, revisions and sha256 of every wheel"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="default WORKSPACE/splice.lock")
    p.add_argument("--workspace", metavar="PATH", help=_WS_HELP)
    p.set_defaults(no_client=True)
    p = add(wsub, "show", cmd_ws_show, "the workspace's configuration and installed packages")
    p.add_argument("--workspace", metavar="PATH", help=_WS_HELP)
    p.set_defaults(no_client=True)


# -- helpers -----------------------------------------------------------------------
def _print(args: argparse.Namespace, data: Any, text: str) -> None:
    if getattr(args, "json", False):
        print_json(data, default=str)
    else:
        print(text)


def _find_workspace(args: argparse.Namespace) -> Workspace | None:
    """``--workspace PATH``, else the workspace holding the current folder, if any."""
    from ..packages.workspace import Workspace, find_workspace

    given = getattr(args, "workspace", None)
    return Workspace(given) if given else find_workspace()


def _workspace(args: argparse.Namespace) -> Workspace:
    from ..packages.errors import WorkspaceError

    found = _find_workspace(args)
    if found is None:
        raise WorkspaceError("not inside a workspace: give --workspace PATH or run splice workspace create")
    return found


def _info_dict(info: Any) -> dict[str, Any]:
    return {"name": info.name, "pep440": info.pep440, "module": info.module, **info.manifest()}


# -- package ---------------------------------------------------------------------------
def cmd_set(client: Client, args: argparse.Namespace) -> int:
    from ..packages.spec import requires_of, set_package

    revision = client.get_revision(args.kref)
    requires = None
    if args.requires is not None:
        requires = {g: [str(r) for r in reqs] for g, reqs in requires_of(revision).items()}
        requires[args.group] = args.requires
    info = set_package(revision, args.pkg_version, requires)
    _print(args, _info_dict(info), f"{info.revision_kref}: {info.name} {info.version} ({info.pep440})")
    return 0


def cmd_show(client: Client, args: argparse.Namespace) -> int:
    from ..packages.spec import package_info

    info = package_info(client.get_revision(args.kref))
    lines = [f"{info.name} {info.version} (PEP 440 {info.pep440}) = {info.revision_kref}"]
    for group, reqs in info.requires.items():
        lines += [f"  {group}: {r} [{r.kind}]" for r in reqs]
    _print(args, _info_dict(info), "\n".join(lines))
    return 0


def cmd_build(client: Client, args: argparse.Namespace) -> int:
    from ..packages.build import build_revision

    revision = client.get_revision(args.kref)
    ws = _find_workspace(args)
    code = Path(args.code) if args.code else None
    if ws is not None:
        from ..packages.names import dist_name

        code = code or ws.output_code(dist_name(revision.item_kref))
    outdir = Path(args.outdir) if args.outdir else (ws.root / "build" if ws is not None else Path("dist"))
    wheel = build_revision(revision, outdir, code)
    _print(args, {"wheel": str(wheel)}, str(wheel))
    return 0


def cmd_publish(client: Client, args: argparse.Namespace) -> int:
    from ..packages.names import dist_name
    from ..packages.publish import publish
    from ..packages.repos import PUBLISH_DEFAULT, get_repo

    revision = client.get_revision(args.kref)
    ws = _find_workspace(args)
    code = Path(args.code) if args.code else None
    if ws is not None:
        repo = ws.repo(args.repo) if args.repo else ws.publish_repo()
        code = code or ws.output_code(dist_name(revision.item_kref))
    else:
        repo = get_repo(args.repo or PUBLISH_DEFAULT)
    entry = publish(revision, repo, code)
    _print(
        args, {"repo": repo.name, **entry.as_dict()}, f"published {entry.file} to {repo.name} ({entry.kref})"
    )
    return 0


def cmd_promote(client: Client, args: argparse.Namespace) -> int:
    from ..packages.publish import announce_promotion, promote
    from ..packages.repos import get_repo
    from ..packages.spec import package_info

    revision = client.get_revision(args.kref)
    info = package_info(revision)
    ws = _find_workspace(args)
    source, target = (
        (ws.repo(args.source), ws.repo(args.target)) if ws else map(get_repo, (args.source, args.target))
    )
    entry = promote(info.name, info.pep440, source, target)
    announce_promotion(revision, target, entry)
    _print(
        args,
        {"repo": target.name, **entry.as_dict()},
        f"promoted {entry.file}: {source.name} -> {target.name}",
    )
    return 0


def cmd_bump(client: Client, args: argparse.Namespace) -> int:
    from ..packages.outputs import bump
    from ..packages.spec import version_of

    revision = client.get_revision(args.kref)
    new = bump(revision, args.part, args.suffix, _find_workspace(args))
    text = str(version_of(new))
    _print(args, {"kref": str(new.kref), "version": text}, f"{new.kref}: {text}")
    return 0


def cmd_impact(client: Client, args: argparse.Namespace) -> int:
    from ..packages.impact import impact

    rows = impact(client.get_revision(args.kref), args.under)
    lines = [
        f"{'takes ' if r.takes else 'keeps '} {r.dependent} ({r.dependent_version or 'no version'}): "
        f"{r.requirement} [{r.group}] - {r.reason}"
        for r in rows
    ]
    _print(args, [r.as_dict() for r in rows], "\n".join(lines) or "no dependent requires this item")
    return 0


def cmd_events(client: Client, args: argparse.Namespace) -> int:
    import json

    from ..packages.publish import package_events

    for event in package_events(client, from_beginning=True, timeout=args.timeout):
        if getattr(args, "json", False):
            print(json.dumps({"routing_key": event.routing_key, "action": event.action,
                              "kref": str(event.kref), "cursor": event.cursor, **event.metadata}))
        else:
            m = event.metadata
            print(f"{event.routing_key} {event.kref} {m.get('file')} -> {m.get('repo')}")
    return 0


# -- workspace ------------------------------------------------------------------------
def cmd_ws_create(args: argparse.Namespace) -> int:
    from ..packages.workspace import Workspace

    options: dict[str, Any] = {
        "publish_to": args.publish_to,
        "public_index": args.public_index,
        "at": args.at,
        "python": args.python,
    }
    if args.install_from:
        options["install_from"] = args.install_from
    repos = dict(args.repo or [])
    if args.lock:
        from ..packages.lock import create_from_lock

        options.pop("install_from", None)
        ws = create_from_lock(args.path, args.lock, repos=repos, **options)
    else:
        ws = Workspace.create(args.path, repos, **options)
    _print(args, {"workspace": str(ws.root), **ws.config}, f"workspace {ws.root}")
    return 0


def cmd_ws_add(args: argparse.Namespace) -> int:
    ws = _workspace(args)
    reqs = ws.add(args.requirements)
    installed = ws.installed()
    _print(
        args,
        {"requirements": reqs, "installed": installed},
        "\n".join(f"{d['name']}=={d['version']}" for d in installed),
    )
    return 0


def cmd_ws_edit(client: Client, args: argparse.Namespace) -> int:
    from ..packages.outputs import edit

    folder = edit(_workspace(args), client.get_revision(args.kref))
    _print(args, {"output": str(folder)}, f"editable output {folder}")
    return 0


def cmd_ws_lock(args: argparse.Namespace) -> int:
    from ..packages.lock import lock

    path = lock(_workspace(args), Path(args.output) if args.output else None)
    _print(args, {"lock": str(path)}, str(path))
    return 0


def cmd_ws_show(args: argparse.Namespace) -> int:
    import json

    ws = _workspace(args)
    installed = ws.installed()
    lines = [f"workspace {ws.root}", json.dumps(ws.config, indent=2)]
    lines += [f"  {d['name']}=={d['version']}" for d in installed]
    _print(args, {"workspace": str(ws.root), "config": ws.config, "installed": installed}, "\n".join(lines))
    return 0
