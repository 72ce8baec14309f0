"""From a context to a running DCC: resolve, compose the environment, run hooks, start.

:func:`prepare` checks everything first (configuration, context and task, app and
version, executable, the workspace) and returns a :class:`Launch`: plain data that
can be printed, saved as JSON and started again exactly (:func:`load`). Nothing is
started before every check passed and every pre-launch hook returned.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .apps import Apps, AppVersion
from .config import Config, project_config, studio_config
from .context import Context, resolve_context
from .discovery import Discovery
from .environment import EnvBuilder, host_bootstrap
from .errors import LaunchError
from .workspaces import bin_dir, ensure, site_packages, state, workspace_path, workspaces_root

FORMAT = 1
SPLICE_VARS = (
    "SPLICE_URL",
    "SPLICE_CONTEXT",
    "SPLICE_TASK",
    "SPLICE_HOST",
    "SPLICE_APP",
    "SPLICE_APP_VERSION",
    "SPLICE_WORKSPACE",
    "SPLICE_TIME",
    "SPLICE_PIN",
)


@dataclass
class Launch:
    """A resolved launch. ``env`` is the whole environment the app gets; ``changes`` and
    ``removed`` are what splice did to the base environment (what a saved launch keeps)."""

    context: str
    task: str
    app: str
    version: str
    executable: str
    args: list[str]
    env: dict[str, str]
    changes: dict[str, str]
    removed: list[str] = field(default_factory=list)
    host: str | None = None
    workspace: str | None = None
    lock_sha256: str = ""
    lock: str = ""  # the lock file's text, to rebuild the same workspace
    workspace_settings: dict[str, Any] = field(default_factory=dict)
    at: str | None = None
    store_time: str = ""
    store_url: str = ""
    cwd: str | None = None
    pin: str = ""  # the pin manifest's text ($SPLICE_PIN), to give the same one again (--from)

    @property
    def argv(self) -> list[str]:
        return [self.executable, *self.args]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("env")
        return {"format": FORMAT, **data}

    def save(self, path: Path | str) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


@dataclass
class Started:
    pid: int
    log: Path
    process: subprocess.Popen
    launch: Launch


def prepare(
    client: Any,
    context: str,
    task: str,
    app: str,
    version: str | None = None,
    *,
    config_paths: Sequence[Path | str] = (),
    at: str | None = None,
    extra_args: Sequence[str] = (),
    discovery: Discovery | None = None,
    environ: Mapping[str, str] | None = None,
    config: Config | None = None,
    report: Callable[[str], None] | None = None,
    pin: Path | str | None = None,
) -> Launch:
    """Resolve a launch (see the module's documentation). Raises a typed error naming
    what is wrong and what exists; starts nothing. ``pin``: a pin manifest (``splice pin``)
    the app loads through (``$SPLICE_PIN``); one naming a revision the store does not have
    is refused, naming it."""
    base = dict(os.environ if environ is None else environ)
    if config is None:
        config = studio_config(config_paths, base)
    from .. import times

    stamp = times.to_stamp(times.parse_time(at)) if at else None
    studio = config
    layered: dict[str, Config] = {}

    def project_tasks(metadata: Mapping[str, str]) -> list[str]:
        # the project's override may name its own default tasks
        layered["config"] = project_config(studio, metadata, _project_variables(metadata, app))
        return layered["config"].tasks

    ctx = resolve_context(client, context, task, project_tasks)
    config = layered["config"]
    variables = _variables(ctx, app)
    apps = Apps(config, discovery)
    chosen = apps.resolve(app, version)
    variables.update(version=chosen.version)

    ws_root = workspaces_root(config.workspace, base)
    ws_path = workspace_path(ws_root, ctx, stamp)
    if report is not None:
        before = state(ws_path, ctx.requirements, stamp)
        if not before.exists or before.stale:
            why = before.reason if before.exists else "first launch"
            report(f"making the workspace of {ctx.space} ({why}): {ws_path}")
    ws_state = ensure(ws_path, ctx, config.workspace, stamp)
    variables["workspace"] = str(ws_path)

    builder = EnvBuilder(base, variables)
    builder.set("SPLICE_URL", _store_url(client))
    builder.set("SPLICE_CONTEXT", ctx.space)
    builder.set("SPLICE_TASK", ctx.task)
    builder.set("SPLICE_HOST", chosen.host or chosen.app)
    builder.set("SPLICE_APP", chosen.app)
    builder.set("SPLICE_APP_VERSION", chosen.version)
    builder.set("SPLICE_WORKSPACE", str(ws_path))
    if stamp:
        builder.set("SPLICE_TIME", stamp)
    else:
        builder.unset("SPLICE_TIME")
    pin_text = _pin(client, pin)
    if pin is not None:
        builder.set("SPLICE_PIN", os.path.abspath(pin))
    else:
        builder.unset("SPLICE_PIN")
    builder.prepend("PATH", [str(bin_dir(ws_path))])
    runtime = _runtime(chosen, config, report)
    python_path = [str(p) for p in (site_packages(ws_path), runtime) if p]
    builder.prepend("PYTHONPATH", python_path)
    if runtime is not None and not base.get("SPLICE_TOOLS_PYTHON"):
        # what stays out of the DCC (dvc's remote stores) runs in the launcher's Python
        builder.set("SPLICE_TOOLS_PYTHON", sys.executable)
    # the same folders for DCCs whose Python ignores PYTHONPATH (official Blender builds):
    # their splice bootstrap adds these itself
    builder.set("SPLICE_PYTHONPATH", os.pathsep.join(python_path))
    if chosen.host:
        host_bootstrap(builder, chosen.host, chosen.version, runtime)
    builder.apply(config.env, "env")
    for where, table in chosen.env:
        builder.apply(table, where)

    launch = Launch(
        context=ctx.space,
        task=ctx.task,
        app=chosen.app,
        version=chosen.version,
        executable=chosen.executable,
        args=[*(_expand_arg(a, variables, builder) for a in chosen.args), *extra_args],
        env=builder.env,
        changes={},
        host=chosen.host,
        workspace=str(ws_path),
        lock_sha256=ws_state.lock_sha256,
        lock=(ws_path / "splice.lock").read_text(encoding="utf-8") if ws_state.locked else "",
        workspace_settings={k: v for k, v in config.workspace.items() if k in ("repos", "install_from")},
        at=stamp,
        store_time=stamp or times.now_stamp(),
        store_url=_store_url(client),
        cwd=str(ws_path),
        pin=pin_text,
    )
    run_hooks([*config.hooks, *chosen.hooks], launch)
    launch.changes = {k: v for k, v in sorted(launch.env.items()) if base.get(k) != v}
    launch.removed = sorted(k for k in base if k not in launch.env)
    return launch


def _pin(client: Any, pin: Path | str | None) -> str:
    """The manifest's text, once every revision it pins is found in the store."""
    if pin is None:
        return ""
    from ..pin import read, verify

    manifest = read(pin)  # a file that is not a manifest is refused naming it
    verify(manifest, client, content=False, where=str(pin))
    text = Path(pin).read_text(encoding="utf-8")
    return text


def _saved_pin(launch: Launch) -> None:
    """Point ``$SPLICE_PIN`` at the saved manifest: its file when unchanged, else a copy of
    the saved text in the per-user cache (by content: another machine, a moved file)."""
    import hashlib

    path = launch.changes.get("SPLICE_PIN", "")
    try:
        if path and Path(path).read_text(encoding="utf-8") == launch.pin:
            return
    except OSError:
        pass
    from platformdirs import user_cache_dir

    digest = hashlib.sha256(launch.pin.encode()).hexdigest()[:16]
    copy = Path(user_cache_dir("splice", appauthor=False)) / "pins" / f"{digest}.json"
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_text(launch.pin, encoding="utf-8")
    launch.changes["SPLICE_PIN"] = str(copy)


def _runtime(chosen: AppVersion, config: Config, report: Callable[[str], None] | None) -> Path | None:
    """splice's runtime made for the app's own Python (apps with a splice host, or a
    configured ``python``); ``None`` for other apps."""
    if not (chosen.host or chosen.python):
        return None
    from .dccpython import dcc_python
    from .runtime import runtime_for

    what = f"{chosen.app} {chosen.version}"
    python = dcc_python(chosen.app, chosen.host, chosen.executable, chosen.python)
    made = runtime_for(python, config.runtime, what, chosen.host)
    if made.made and report is not None:
        report(f"made splice's runtime for {what} (Python {python.version}): {made.path}")
    return made.path


def _expand_arg(text: str, variables: Mapping[str, str], builder: EnvBuilder) -> str:
    from .environment import expand

    return expand(text, variables, builder.env, "args")


def _variables(ctx: Context, app: str) -> dict[str, str]:
    return {
        "root": ctx.root,
        "project": ctx.project,
        "space": "/".join(ctx.path),
        "context": ctx.space,
        "task": ctx.task,
        "app": app,
        "version": "",
        "workspace": "",
    }


def _project_variables(metadata: Mapping[str, str], app: str) -> dict[str, str]:
    return {"root": metadata.get("root", ""), "app": app}


def _store_url(client: Any) -> str:
    """The client's store URL, a relative SQLite path made absolute (the app starts elsewhere)."""
    backend = getattr(client, "backend", None)
    path = getattr(backend, "path", None)  # the SQLite engine's file
    if path is not None:
        absolute = os.path.abspath(path)
        if os.name != "nt":  # sqlite:////abs parses to //abs: one leading slash
            absolute = "/" + absolute.lstrip("/")
        return "sqlite:///" + absolute
    return str(getattr(backend, "url", "") or os.environ.get("SPLICE_URL", ""))


def run_hooks(names: Sequence[str], launch: Launch) -> None:
    """Call each ``module:function`` with the launch; one that raises stops the launch."""
    for name in names:
        module, sep, func = name.partition(":")
        if not sep or not module or not func:
            raise LaunchError(f"pre-launch hook {name!r} must be written module:function")
        try:
            hook = getattr(importlib.import_module(module), func)
        except (ImportError, AttributeError) as exc:
            raise LaunchError(f"pre-launch hook {name} cannot be loaded: {exc}") from None
        try:
            hook(launch)
        except Exception as exc:
            raise LaunchError(f"pre-launch hook {name} stopped the launch: {exc}") from None


# -- saved launches -----------------------------------------------------------------
def load(path: Path | str, environ: Mapping[str, str] | None = None) -> Launch:
    """A saved launch, ready to start again exactly: the same executable, arguments and
    environment changes over the current environment, and the same workspace (rebuilt
    from the saved lock beside the shot's when that one changed since)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LaunchError(f"no saved launch at {path}") from None
    except ValueError as exc:
        raise LaunchError(f"{path} is not a saved launch (JSON): {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LaunchError(f"{path} is not a saved launch of format {FORMAT}")
    data.pop("format")
    base = dict(os.environ if environ is None else environ)
    try:
        launch = Launch(env={}, **data)
    except TypeError as exc:
        raise LaunchError(f"{path} is not a saved launch: {exc}") from None
    if not os.path.isfile(launch.executable):
        raise LaunchError(f"the saved launch's executable {launch.executable} does not exist any more")
    if launch.workspace and launch.lock:
        _same_workspace(launch)
    if launch.pin:
        _saved_pin(launch)
    env = {k: v for k, v in base.items() if k not in launch.removed}
    env.update(launch.changes)
    launch.env = env
    return launch


def _pins(lock_text: str) -> list[str]:
    return sorted(
        line.strip() for line in lock_text.splitlines() if line.strip() and not line.startswith("#")
    )


def _same_workspace(launch: Launch) -> None:
    """Point the launch at a workspace with exactly the saved lock (rebuilt when needed)."""
    assert launch.workspace is not None
    current = Path(launch.workspace) / "splice.lock"
    if current.is_file() and _pins(current.read_text(encoding="utf-8")) == _pins(launch.lock):
        return  # the same wheels (a lock remade with the same pins differs only in its header)
    target = Path(f"{launch.workspace}@lock-{launch.lock_sha256[:12]}")
    if not (target / "splice.lock").is_file():
        from ..packages.lock import create_from_lock

        target.parent.mkdir(parents=True, exist_ok=True)
        saved = target.with_name(target.name + ".lock.txt")
        saved.write_text(launch.lock, encoding="utf-8")
        settings = launch.workspace_settings
        try:
            create_from_lock(target, saved, repos=settings.get("repos") or None)
        except Exception as exc:
            raise LaunchError(f"cannot rebuild the saved launch's workspace from its lock: {exc}") from None
        (target / "splice.lock").write_text(launch.lock, encoding="utf-8")
    old, new = launch.workspace, str(target)
    launch.changes = {k: v.replace(old, new) for k, v in launch.changes.items()}
    launch.workspace = new
    launch.cwd = new


# -- starting -------------------------------------------------------------------------
def log_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$SPLICE_LOG_DIR``, else ``<user log folder>/splice/launcher``."""
    env = os.environ if environ is None else environ
    if env.get("SPLICE_LOG_DIR"):
        return Path(env["SPLICE_LOG_DIR"])
    from platformdirs import user_log_dir

    return Path(user_log_dir("splice", appauthor=False)) / "launcher"


def start(launch: Launch, logs: Path | str | None = None) -> Started:
    """Start the app detached (its own session, stdin closed), its output in a log file."""
    from .. import times

    folder = Path(logs) if logs is not None else log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = times.now_stamp().replace(":", "").replace("-", "")[:15]
    log = folder / f"{stamp}-{launch.app}-{launch.version}-{uuid.uuid4().hex[:6]}.log"
    kwargs: dict[str, Any] = {}
    if sys.platform == "win32":
        kwargs["creationflags"] = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        kwargs["start_new_session"] = True
    cwd = launch.cwd if launch.cwd and os.path.isdir(launch.cwd) else None
    with open(log, "ab") as out:
        out.write(
            f"# splice launch {launch.app} {launch.version}: {launch.context} {launch.task}\n"
            f"# {json.dumps(launch.argv)}\n".encode()
        )
        out.flush()
        try:
            proc = subprocess.Popen(
                launch.argv,
                env=launch.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                close_fds=True,
                **kwargs,
            )
        except OSError as exc:
            raise LaunchError(f"cannot start {launch.executable}: {exc.strerror or exc}") from None
    return Started(proc.pid, log, proc, launch)


EARLY_EXIT_SECONDS = 3.0
"""How long :func:`watch` waits for an app that cannot start (no display, a missing
library, a bad argument: each ends a DCC within its first second or two)."""


def watch(started: Started, seconds: float = EARLY_EXIT_SECONDS) -> int | None:
    """Wait up to ``seconds`` for the app to fail: raise :class:`LaunchError` with the log's
    last lines when it exits with an error in that time; its exit status when it finished
    (a batch job), ``None`` while it runs on."""
    try:
        code = started.process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return None
    if code != 0:
        raise LaunchError(early_exit(started, code))
    return code


def early_exit(started: Started, code: int) -> str:
    """What an artist reads when the app died at start: how, and the end of its log."""
    launch = started.launch
    how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
    try:
        lines = started.log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    tail = [line for line in lines if not line.startswith("# ")][-15:]
    shown = "\n".join(f"  | {line}" for line in tail) or "  (it wrote nothing)"
    return (
        f"{launch.app} {launch.version} {how} right after it started ({' '.join(launch.argv)}).\n"
        f"The end of its log ({started.log}):\n{shown}"
    )
