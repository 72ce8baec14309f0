"""Workspace locks: the resolved set, exactly, as a requirements file pip and uv read.

::

    # splice workspace lock, format 1, made 2026-11-22T10:00:00.000000Z
    # splice-requirements: ["show-env-kitchen-model>=1"]
    # splice-repos: {"blessed": "/srv/repos/blessed"}
    show-env-kitchen-model==1.3.0 --hash=sha256:9f2c…  # kref://show/env/kitchen.model?r=2 repo=blessed
    show-props-table-model==1.2.3 --hash=sha256:04ab…  # kref://show/props/table.model?r=1 repo=blessed
    numpy==2.1.0 --hash=sha256:77e1…  # external file=/ws/external_packages/numpy-2.1.0-….whl

Every line pins a version and the sha256 of its wheel (a uv lock against a
folder records none), and names the kref with its revision number. ``pip
install --require-hashes -r LOCK`` works with no splice; ``splice workspace
create --from LOCK`` finds each wheel, checks its sha256 and installs exactly
those files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import WorkspaceError
from .names import normalize
from .repos import FolderRepo, sha256_of, wheel_name_version
from .workspace import Workspace

HEADER = "# splice workspace lock, format 1"
_LINE = re.compile(
    r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+) --hash=sha256:(?P<sha>[0-9a-f]{64})"
    r"\s+#\s+(?P<origin>kref://\S+|external)(?:\s+repo=(?P<repo>\S+))?(?:\s+file=(?P<file>.+))?\s*\Z"
)


@dataclass(frozen=True)
class Locked:
    name: str
    version: str
    sha256: str
    kref: str  # "" for an external package
    repo: str
    file: str  # the wheel's path (externals) or file name (in the repo)


def _find_external(workspace: Workspace, name: str, version: str) -> Path | None:
    for wheel in (workspace.root / "external_packages").glob("*.whl"):
        try:
            if wheel_name_version(wheel.name) == (normalize(name), version):
                return wheel
        except Exception:
            continue
    return None


def lock(workspace: Workspace, path: Path | None = None) -> Path:
    """Write the workspace's lock (default ``WORKSPACE/splice.lock``); return its path."""
    from .. import times

    repos = [r for r in (workspace.repo(n) for n in workspace.config.get("install_from", [])) if r]
    entries: list[Locked] = []
    problems = []
    for dist in sorted(workspace.installed(), key=lambda d: normalize(d["name"])):
        name, version = normalize(dist["name"]), dist["version"]
        if dist.get("editable_project_location"):
            problems.append(f"{name} {version} is an editable output: publish it, then add it")
            continue
        found = None
        for repo in repos:
            entry = repo.find(name, version) if isinstance(repo, FolderRepo) else None
            if entry is not None:
                found = Locked(name, version, entry.sha256, entry.kref, repo.name, entry.file)
                break
        if found is None:
            wheel = _find_external(workspace, name, version)
            if wheel is not None:
                found = Locked(name, version, sha256_of(wheel), "", "", str(wheel))
        if found is None:
            problems.append(f"{name} {version} is in no install repo nor external_packages/")
            continue
        entries.append(found)
    if problems:
        raise WorkspaceError("cannot lock " + str(workspace.root) + ": " + "; ".join(problems))
    lines = [
        f"{HEADER}, made {times.now_stamp()}",
        "# splice-requirements: " + json.dumps(workspace.config.get("requirements", [])),
        "# splice-repos: " + json.dumps({r.name: str(getattr(r, "path", r.index_url)) for r in repos}),
    ]
    for e in entries:
        origin = f"{e.kref} repo={e.repo}" if e.kref else f"external file={e.file}"
        lines.append(f"{e.name}=={e.version} --hash=sha256:{e.sha256}  # {origin}")
    target = Path(path) if path is not None else workspace.root / "splice.lock"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def read_lock(path: Path) -> tuple[dict, list[Locked]]:
    """(header data, locked packages) of a lock file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise WorkspaceError(f"cannot read lock {path}: {exc.strerror or exc}") from None
    lines = text.splitlines()
    if not lines or not lines[0].startswith(HEADER):
        raise WorkspaceError(f"{path} is not a splice workspace lock (first line: {HEADER!r})")
    header: dict = {}
    packages = []
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("# splice-"):
            key, _, value = line[len("# splice-") :].partition(": ")
            header[key] = json.loads(value)
        elif line.strip() and not line.startswith("#"):
            match = _LINE.match(line)
            if match is None:
                raise WorkspaceError(f"{path}:{number}: not a lock line: {line!r}")
            packages.append(
                Locked(
                    normalize(match["name"]),
                    match["version"],
                    match["sha"],
                    match["origin"] if match["origin"] != "external" else "",
                    match["repo"] or "",
                    match["file"] or "",
                )
            )
    return header, packages


def wheel_files(workspace: Workspace, packages: list[Locked], repos_table: dict[str, str]) -> list[Path]:
    """The wheel of every locked package, each checked against its sha256."""
    from .repos import get_repo

    files = []
    for p in packages:
        if p.kref:
            repo = get_repo(p.repo, {**repos_table, **workspace.config.get("repos", {})})
            entry = repo.find(p.name, p.version) if isinstance(repo, FolderRepo) else None
            if entry is None:
                raise WorkspaceError(f"locked {p.name} {p.version} ({p.kref}) is not in repo {p.repo!r}")
            path = repo.files / entry.file  # type: ignore[union-attr]
        else:
            path = Path(p.file)
        if not path.is_file():
            raise WorkspaceError(f"locked {p.name} {p.version}: wheel {path} is missing")
        digest = sha256_of(path)
        if digest != p.sha256:
            raise WorkspaceError(
                f"locked {p.name} {p.version}: {path} has sha256 {digest}, the lock says {p.sha256}: "
                "not installed (the wheel changed since the lock was made)"
            )
        files.append(path)
    return files


def create_from_lock(path: Path | str, lock_file: Path | str, **create_options) -> Workspace:
    """A new workspace holding exactly the locked wheels (verified), nothing resolved."""
    header, packages = read_lock(Path(lock_file))
    repos = {**header.get("repos", {}), **(create_options.pop("repos", None) or {})}
    workspace = Workspace.create(path, repos, install_from=list(header.get("repos", {})), **create_options)
    try:
        files = wheel_files(workspace, packages, repos)
        if files:
            workspace.install([str(f) for f in files], no_deps=True)
        workspace.config["requirements"] = header.get("requirements", [])
        workspace.config["locked_from"] = str(Path(lock_file).resolve())
        workspace.save()
    except BaseException:
        import shutil

        shutil.rmtree(workspace.root, ignore_errors=True)
        raise
    return workspace
