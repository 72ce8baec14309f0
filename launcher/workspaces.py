"""The workspace of a context: a :class:`splice.packages.workspace.Workspace` per space.

``ROOT/<project>/<space>/…/`` (``…@<time>`` when time-locked) holds a workspace whose
``inputs`` virtualenv has the context's packages (:mod:`.context`). It is made on the
first launch, locked (``splice.lock``), and remade when it is *stale*: the context's
requirements changed, or an install repo published something after the lock was
written (a time-locked workspace never goes stale that way). Making and remaking hold
an exclusive file lock (``ROOT/…/<space>.lock``), so two launches never build at once;
a remade workspace replaces the old one in one rename. A failure leaves the old one.

``ROOT``: the configuration's ``[workspace] root``, else ``$SPLICE_WORKSPACES``, else
``<user data folder>/splice/workspaces``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .context import Context
from .errors import LaunchError

ENV_ROOT = "SPLICE_WORKSPACES"
LOCK = "splice.lock"


def workspaces_root(settings: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    root = settings.get("root") or env.get(ENV_ROOT)
    if root:
        return Path(os.path.expanduser(str(root)))
    from platformdirs import user_data_dir

    return Path(user_data_dir("splice", appauthor=False)) / "workspaces"


def workspace_path(root: Path, context: Context, at: str | None = None) -> Path:
    path = root.joinpath(context.project, *context.path)
    if at:
        path = path.with_name(path.name + "@" + "".join(c for c in at if c.isalnum()))
    return path


@dataclass
class WorkspaceState:
    """What a context's workspace is like now (cheap: reads files, runs nothing)."""

    path: Path
    exists: bool = False
    locked: bool = False
    stale: bool = False
    reason: str = ""
    packages: list[str] = field(default_factory=list)  # name==version from the lock
    lock_sha256: str = ""

    def describe(self) -> str:
        if not self.exists:
            return f"{self.path}: not made yet (made on the first launch)"
        state = "stale: " + self.reason if self.stale else ("locked" if self.locked else "not locked")
        return f"{self.path}: {len(self.packages)} package(s), {state}"


def _lock_packages(text: str) -> list[str]:
    return [
        line.split()[0] for line in text.splitlines() if line and not line.startswith("#") and "==" in line
    ]


def state(path: Path, requirements: Sequence[str], at: str | None = None) -> WorkspaceState:
    """Is the workspace at ``path`` there, locked, up to date for ``requirements``?"""
    out = WorkspaceState(path)
    config_file = path / "splice-workspace.json"
    if not config_file.is_file():
        return out
    out.exists = True
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        out.stale, out.reason = True, "its configuration cannot be read"
        return out
    lock = path / LOCK
    if lock.is_file():
        data = lock.read_bytes()
        out.locked = True
        out.lock_sha256 = hashlib.sha256(data).hexdigest()
        out.packages = _lock_packages(data.decode("utf-8"))
    if sorted(config.get("requirements", [])) != sorted(_pep508(requirements)):
        out.stale, out.reason = True, "the context's packages changed"
    elif not out.locked:
        out.stale, out.reason = True, "it has no lock"
    elif not at and not config.get("at"):
        newer = _newer_repo(config, lock.stat().st_mtime)
        if newer:
            out.stale, out.reason = True, f"repo {newer} published since it was locked"
    return out


def _pep508(requirements: Sequence[str]) -> list[str]:
    """The requirements as the workspace records them (``Workspace.add`` stores PEP 508)."""
    from ..packages.requirements import parse_requirement

    out = []
    for req in requirements:
        try:
            out.append(parse_requirement(req).to_pep508())
        except Exception:
            out.append(req)
    return out


def _newer_repo(config: Mapping[str, Any], since: float) -> str | None:
    from ..packages.repos import FolderRepo, configured_repos, get_repo

    table = configured_repos(config.get("repos"))
    for name in config.get("install_from", []):
        try:
            repo = get_repo(name, table)
        except Exception:
            continue
        if isinstance(repo, FolderRepo):
            log = repo.path / "published.jsonl"
            with contextlib.suppress(OSError):
                if log.stat().st_mtime > since:
                    return repo.name
    return None


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (made if missing) across processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def ensure(
    path: Path, context: Context, settings: Mapping[str, Any], at: str | None = None
) -> WorkspaceState:
    """The context's workspace, made or remade when missing or stale; its state."""
    now = state(path, context.requirements, at)
    if now.exists and not now.stale:
        return now
    with exclusive(path.with_name(path.name + ".lock")):
        now = state(path, context.requirements, at)  # another launch may have made it meanwhile
        if now.exists and not now.stale:
            return now
        build = path.with_name(f".{path.name}.build-{os.getpid()}")
        shutil.rmtree(build, ignore_errors=True)
        try:
            _make(build, context, settings, at)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        old = path.with_name(f".{path.name}.old-{os.getpid()}")
        if path.exists():
            os.replace(path, old)
        os.replace(build, path)
        shutil.rmtree(old, ignore_errors=True)
        # the virtualenv's scripts name their folder: point them at the final place
        _relocate(path, build)
    return state(path, context.requirements, at)


def _make(folder: Path, context: Context, settings: Mapping[str, Any], at: str | None) -> None:
    from ..packages.errors import RepoError, ResolutionError, ToolError, WorkspaceError
    from ..packages.lock import lock
    from ..packages.workspace import Workspace

    repos = {str(k): os.path.expanduser(str(v)) for k, v in dict(settings.get("repos", {})).items()}
    # a context without packages needs no repo (and may have none configured)
    install_from = list(settings.get("install_from", ["blessed"])) if context.requirements else []
    try:
        ws = Workspace.create(folder, repos, install_from=install_from, at=at)
        if context.requirements:
            ws.add(list(context.requirements))
        lock(ws)
    except (ResolutionError, ToolError, WorkspaceError, RepoError) as exc:
        raise LaunchError(
            f"the workspace of {context.space} cannot be made: {exc}\n"
            f"requirements (metadata 'packages'): {', '.join(context.requirements)}\n"
            + _available(context.requirements, repos, install_from)
        ) from None


def _available(requirements: Sequence[str], repos: Mapping[str, str], install_from: Sequence[str]) -> str:
    """What the install repos hold of the required packages."""
    from ..packages.names import normalize
    from ..packages.repos import FolderRepo, configured_repos, get_repo
    from ..packages.requirements import parse_requirement

    lines = []
    table = configured_repos(repos)
    for name in install_from:
        try:
            repo = get_repo(name, table)
        except Exception as exc:
            lines.append(f"repo {name}: {exc}")
            continue
        if not isinstance(repo, FolderRepo):
            continue
        held = []
        for req in requirements:
            try:
                dist = normalize(parse_requirement(req).name)
            except Exception:
                continue
            versions = repo.versions(dist)
            held.append(f"{dist} {', '.join(versions) if versions else '(none)'}")
        lines.append(f"repo {name} ({repo.path}) holds: {'; '.join(held) or 'nothing asked for'}")
    return "\n".join(lines)


def _relocate(path: Path, built_at: Path) -> None:
    """Rewrite the build folder's name in the virtualenv's text files (activate scripts,
    pyvenv.cfg, console-script shebangs) after the rename."""
    old, new = str(built_at), str(path)
    for folder in (path / "inputs" / "bin", path / "inputs" / "Scripts", path / "inputs"):
        if not folder.is_dir():
            continue
        for file in folder.iterdir():
            if not file.is_file() or file.stat().st_size > 1 << 20:
                continue
            try:
                text = file.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            if old in text:
                file.write_text(text.replace(old, new), encoding="utf-8")
    cfg = path / "splice-workspace.json"
    if cfg.is_file() and old in cfg.read_text(encoding="utf-8"):
        cfg.write_text(cfg.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def site_packages(path: Path) -> Path | None:
    """The ``inputs`` virtualenv's site-packages."""
    inputs = path / "inputs"
    found = sorted(inputs.glob("lib/python*/site-packages")) or sorted(inputs.glob("Lib/site-packages"))
    return found[0] if found else None


def bin_dir(path: Path) -> Path:
    return path / "inputs" / ("Scripts" if sys.platform == "win32" else "bin")
