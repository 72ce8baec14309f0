"""``splice env | launch | launcher | apps``: per-shot environments and starting DCCs.

:func:`register` adds the commands to ``splice``'s parser and imports nothing heavy;
:mod:`splice.launcher` (and Qt, for ``launcher``) loads only when a command runs.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING, Any

from .common import Add, print_json, seconds

if TYPE_CHECKING:
    from ..client import Client

_CONFIG_HELP = "a studio configuration file (TOML), after $SPLICE_APPS's (repeatable)"
_PIN_HELP = "a pin manifest (splice pin): the app loads the revisions it pins ($SPLICE_PIN)"
_AT_HELP = "time-lock: the workspace holds what was published at TIME (YYYYMMDDHHMM or ISO 8601)"


def register(sub: Any, add: Add) -> None:
    """Add the launcher commands to the sub-parsers ``sub`` with ``splice.cli``'s ``add``."""

    def context(p: argparse.ArgumentParser, required: bool = True) -> None:
        p.add_argument(
            "--context", metavar="KREF", required=required, help="the space: kref://show/shots/sq010/sh010"
        )
        p.add_argument("--task", metavar="TASK", required=required, help="the task (e.g. animation)")
        p.add_argument(
            "--version",
            dest="app_version",
            metavar="V",
            help="the app's version (default: the newest installed)",
        )
        p.add_argument("--config", action="append", default=[], metavar="FILE", help=_CONFIG_HELP)
        p.add_argument("--at", metavar="TIME", help=_AT_HELP)
        p.add_argument("--pin", metavar="FILE", help=_PIN_HELP)

    p = add(
        sub,
        "env",
        cmd_env,
        "print the environment an app gets in a context (what splice sets, or --all)",
    )
    context(p)
    p.add_argument("--app", required=True, metavar="APP", help="blender, maya, houdini, nuke, …")
    p.add_argument("--all", action="store_true", help="the whole environment, not only splice's changes")

    p = add(
        sub,
        "launch",
        cmd_launch,
        "start an app in a context, detached, its output in a log file",
        epilog="Everything after --args goes to the app: splice launch blender --context K "
        "--task T --args -b --python-expr '…'. --from FILE starts a saved launch again.",
    )
    p.add_argument("app", nargs="?", metavar="APP", help="blender, maya, houdini, nuke, …")
    context(p, required=False)
    p.add_argument("--save", metavar="FILE", help="also write the resolved launch to FILE (JSON)")
    p.add_argument("--from", dest="from_file", metavar="FILE", help="start a launch saved with --save")
    p.add_argument(
        "--log-dir",
        metavar="DIR",
        help="where the log goes (default: $SPLICE_LOG_DIR, else the per-user log folder)",
    )
    p.add_argument("--dry-run", action="store_true", help="resolve and save, start nothing")
    p.add_argument(
        "--watch",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help="wait this long for an app that cannot start, to report it (default: 3; 0: do not wait)",
    )
    p.add_argument(
        "--args",
        dest="app_args",
        nargs=argparse.REMAINDER,
        default=[],
        metavar="ARG",
        help="arguments for the app (the rest of the line)",
    )

    p = add(sub, "apps", cmd_apps, "list the configured apps and their versions found here")
    p.add_argument("--config", action="append", default=[], metavar="FILE", help=_CONFIG_HELP)
    p.set_defaults(no_client=True)

    p = add(
        sub,
        "runtime",
        cmd_runtime,
        "make splice's runtime for a DCC's Python (what the launcher puts on its sys.path)",
        epilog="splice runtime blender: the runtime the next launch of Blender uses (made when "
        "missing). --python 3.11 --out DIR: a studio's prebuilt runtime ([runtime] prebuilt).",
    )
    p.add_argument("app", nargs="?", metavar="APP", help="the app whose Python it is for")
    p.add_argument("--version", dest="app_version", metavar="V", help="the app's version")
    p.add_argument("--python", metavar="X.Y", help="a Python version instead of an app's (3.10, 3.11…)")
    p.add_argument("--out", metavar="DIR", help="make it in DIR, a new folder, instead of the cache")
    p.add_argument("--config", action="append", default=[], metavar="FILE", help=_CONFIG_HELP)
    p.set_defaults(no_client=True)

    p = add(sub, "launcher", cmd_launcher, "open the launcher window (Qt)")
    p.add_argument("--config", action="append", default=[], metavar="FILE", help=_CONFIG_HELP)


def _progress(message: str) -> None:
    print(f"splice: {message}", file=sys.stderr, flush=True)


def _prepare(client: Client, args: argparse.Namespace, extra_args: list[str] | None = None) -> Any:
    from ..launcher.launch import prepare

    return prepare(
        client,
        args.context,
        args.task,
        args.app,
        args.app_version,
        config_paths=args.config,
        at=args.at,
        extra_args=extra_args or (),
        report=_progress,
        pin=args.pin,
    )


def cmd_env(client: Client, args: argparse.Namespace) -> int:
    launch = _prepare(client, args)
    env = dict(sorted(launch.env.items())) if args.all else launch.changes
    if args.json:
        print_json(env if args.all else {"set": env, "unset": launch.removed})
        return 0
    for key, value in env.items():
        print(f"{key}={value}")
    for key in [] if args.all else launch.removed:
        print(f"-{key}")
    return 0


def cmd_launch(client: Client, args: argparse.Namespace) -> int:
    from ..errors import ValidationError
    from ..launcher.launch import EARLY_EXIT_SECONDS, load, start, watch

    seconds = EARLY_EXIT_SECONDS if args.watch is None else args.watch
    if not 0 <= seconds <= 600:
        raise ValidationError(f"--watch must be 0 to 600 seconds, not {seconds:g}")
    if args.from_file:
        if args.app or args.context or args.task or args.at or args.app_version or args.pin:
            raise ValidationError(
                "--from FILE repeats a saved launch exactly (its pin manifest too): give no app, "
                "--context, --task, --version, --at or --pin with it"
            )
        launch = load(args.from_file)
        if args.app_args:
            launch.args = [*launch.args, *args.app_args]
    else:
        missing = [
            n for n, v in (("APP", args.app), ("--context", args.context), ("--task", args.task)) if not v
        ]
        if missing:
            raise ValidationError(f"splice launch needs {', '.join(missing)} (or --from FILE)")
        launch = _prepare(client, args, args.app_args)
    if args.save:
        launch.save(args.save)
    if args.dry_run:
        if args.json:
            print_json(launch.to_dict())
        else:
            print(f"{launch.app} {launch.version}: {' '.join(launch.argv)}  (not started)")
        return 0
    started = start(launch, args.log_dir)
    finished = watch(started, seconds) if seconds else None  # an app that cannot start raises
    if args.json:
        print_json(
            {
                "pid": started.pid,
                "log": str(started.log),
                "app": launch.app,
                "version": launch.version,
                "executable": launch.executable,
                "exit_code": finished,
            }
        )
    else:
        print(f"started {launch.app} {launch.version} (pid {started.pid}): {launch.context} {launch.task}")
        if finished is not None:
            print(f"{launch.app} finished (exit status {finished})")
        print(f"log: {started.log}")
    return 0


def cmd_apps(args: argparse.Namespace) -> int:
    from ..launcher.apps import Apps
    from ..launcher.config import studio_config

    apps = Apps(studio_config(args.config))
    rows = []
    for name in apps.names():
        versions = apps.versions(name)
        rows.append(
            {
                "app": name,
                "versions": [
                    {"version": v.version, "executable": v.executable, "exists": v.exists, "source": v.source}
                    for v in versions
                ],
            }
        )
    if args.json:
        print_json(rows)
        return 0
    for row in rows:
        found = (
            ", ".join(
                f"{v['version']} ({v['executable']}{'' if v['exists'] else ', missing'})"
                for v in row["versions"]
            )
            or "not found"
        )
        print(f"{row['app']}: {found}")
    return 0


def cmd_runtime(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..errors import ValidationError
    from ..launcher.apps import Apps
    from ..launcher.config import studio_config
    from ..launcher.dccpython import DccPython, dcc_python
    from ..launcher.runtime import build, runtime_for

    if bool(args.app) == bool(args.python):
        raise ValidationError("splice runtime needs an APP or --python X.Y (one of them)")
    config = studio_config(args.config)
    if args.app:
        chosen = Apps(config).resolve(args.app, args.app_version)
        what = f"{chosen.app} {chosen.version}"
        python = dcc_python(chosen.app, chosen.host, chosen.executable, chosen.python)
    else:
        if not re.fullmatch(r"3\.\d+", args.python):
            raise ValidationError(f"--python must be a Python version such as 3.11, not {args.python!r}")
        what, python = "the app", DccPython(args.python, "--python")
    host = chosen.host if args.app else None  # [runtime] qt = "auto" brings PySide6 to Blender
    if args.out:
        folder, made = build(Path(args.out).absolute(), python, config.runtime, what, host), True
    else:
        runtime = runtime_for(python, config.runtime, what, host)
        folder, made = runtime.path, runtime.made
    if args.json:
        print_json(
            {"path": str(folder), "python": python.version, "python_source": python.source, "made": made}
        )
    else:
        print(f"{folder}  (Python {python.version}, from {python.source}{'; made now' if made else ''})")
    return 0


def cmd_launcher(client: Client, args: argparse.Namespace) -> int:
    try:
        from ..launcher.gui import run
    except ImportError as exc:
        print(
            f"splice: error: the launcher window needs Qt: pip install 'splice[gui]' ({exc})", file=sys.stderr
        )
        return 1
    return run(client, config_paths=args.config)
