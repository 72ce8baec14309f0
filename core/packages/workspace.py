"""Workspaces (seed 001): where assets are installed, edited, built and published.

::

    WORKSPACE/
      splice-workspace.json   repos, install sources, publish target, requirements, outputs
      inputs/                 a virtualenv made with uv: the installed asset packages
      outputs/                editable assets (one project folder each)
      build/                  wheels built from outputs
      external_packages/      wheels of non-asset dependencies (a --find-links source)

Installs go through uv with only the workspace's sources (its install repos,
``external_packages/``; the public index only when asked). A failed install
changes nothing: uv resolves before it installs, and the configuration is
written only after success.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import WorkspaceError
from .installer import run_uv, source_args
from .names import normalize
from .repos import INSTALL_DEFAULT, PUBLISH_DEFAULT, FolderRepo, IndexRepo, Repo, configured_repos, get_repo
from .requirements import parse_requirement

CONFIG = "splice-workspace.json"
LAYOUT = ("inputs", "outputs", "build", "external_packages")


def find_workspace(start: Path | str | None = None) -> Workspace | None:
    """The workspace holding ``start`` (default: the current folder), or ``None``."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return Workspace(folder)
    return None


class Workspace:
    """One workspace folder; see the module's documentation."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()
        path = self.root / CONFIG
        try:
            self.config: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise WorkspaceError(
                f"{self.root} is not a workspace (no {CONFIG}): splice workspace create"
            ) from None
        except ValueError as exc:
            raise WorkspaceError(f"{path} is not valid JSON: {exc}") from None

    def __repr__(self) -> str:
        return f"<Workspace {self.root}>"

    # -- creation ------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: Path | str,
        repos: Mapping[str, str] | None = None,
        *,
        install_from: Sequence[str] = (INSTALL_DEFAULT,),
        publish_to: str = PUBLISH_DEFAULT,
        public_index: bool = False,
        at: str | None = None,
        python: str | None = None,
    ) -> Workspace:
        """Make the layout and the ``inputs`` virtualenv (uv). Nothing is left on failure."""
        root = Path(path).resolve()
        if root.exists() and any(root.iterdir()):
            raise WorkspaceError(f"{root} exists and is not empty: a workspace needs a new or empty folder")
        table = configured_repos(repos)
        # unknown names fail here, before anything is made (the default publish target may
        # be named later: it is needed only to publish)
        for name in [*install_from, *([publish_to] if publish_to != PUBLISH_DEFAULT else [])]:
            get_repo(name, table)
        if at is not None:
            from ..times import parse_time, to_stamp

            at = to_stamp(parse_time(at))
        created = not root.exists()
        try:
            root.mkdir(parents=True, exist_ok=True)
            for folder in LAYOUT[1:]:
                (root / folder).mkdir()
            run_uv(["venv", "--quiet", "--python", python or sys.executable, str(root / "inputs")], "uv venv")
            config = {
                "format": 1,
                "repos": dict(repos or {}),
                "install_from": list(install_from),
                "publish_to": publish_to,
                "public_index": bool(public_index),
                "at": at,
                "requirements": [],
                "outputs": {},
            }
            (root / CONFIG).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        except BaseException:
            if created:
                shutil.rmtree(root, ignore_errors=True)
            else:
                for child in root.iterdir():
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
            raise
        return cls(root)

    # -- configuration -------------------------------------------------------------
    def save(self) -> None:
        tmp = self.root / (CONFIG + ".tmp")
        tmp.write_text(json.dumps(self.config, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.root / CONFIG)

    @property
    def python(self) -> Path:
        inputs = self.root / "inputs"
        return inputs / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")

    def repo(self, name: str) -> Repo:
        return get_repo(name, configured_repos(self.config.get("repos")))

    def install_repos(self) -> list[Repo]:
        repos = [self.repo(n) for n in self.config.get("install_from", [INSTALL_DEFAULT])]
        at = self.config.get("at")
        return [self._as_of(r, at) for r in repos] if at else repos

    def publish_repo(self) -> Repo:
        return self.repo(self.config.get("publish_to", PUBLISH_DEFAULT))

    def _as_of(self, repo: Repo, at: str) -> Repo:
        """A PEP 503 index of what ``repo`` held at ``at`` (written under ``build/.at``)."""
        if not isinstance(repo, FolderRepo):
            raise WorkspaceError(f"--at needs folder repos: {repo.name!r} is an index ({repo.index_url})")
        from .repos import write_simple_index

        simple = self.root / "build" / ".at" / repo.name / "simple"
        if simple.exists():
            shutil.rmtree(simple)
        simple.mkdir(parents=True)
        entries = [e for e in repo.entries() if e.at <= at]
        write_simple_index(simple, entries, repo.files.as_uri() + "/")
        return IndexRepo(f"{repo.name}@{at}", simple.as_uri())

    def sources(self) -> list[str]:
        return source_args(
            self.install_repos(), [self.root / "external_packages"], bool(self.config.get("public_index"))
        )

    # -- installing ----------------------------------------------------------------
    def add(self, requirements: Sequence[str]) -> list[str]:
        """Install requirements (krefs or names, with specifiers) and everything they need;
        remember them. Returns the workspace's whole requirement list."""
        if not requirements:
            raise WorkspaceError("workspace add needs at least one requirement (kref://…, name==1.2.3)")
        wanted = {normalize(parse_requirement(r).name): parse_requirement(r) for r in requirements}
        current = {normalize(parse_requirement(r).name): r for r in self.config.get("requirements", [])}
        current.update({k: r.to_pep508() for k, r in wanted.items()})
        reqs = [current[k] for k in sorted(current)]
        self.sync(reqs)
        self.config["requirements"] = reqs
        self.save()
        return reqs

    def install(self, requirements: Sequence[str], *, no_deps: bool = False) -> None:
        """Install exactly these (wheel paths, or pins with ``no_deps``)."""
        args = ["pip", "install", "--quiet", "--python", str(self.python), *self.sources()]
        if no_deps:
            args.append("--no-deps")
        run_uv([*args, *requirements], f"installing into {self.root}")

    def sync(self, requirements: Sequence[str]) -> None:
        """Install ``requirements`` as a fresh workspace would (newest allowed versions:
        ``--upgrade``), in one uv call; editable outputs stay (their wheels are passed too)."""
        editables = sorted(str(p) for p in (self.root / "build" / "editable").glob("*.whl"))
        args = ["pip", "install", "--quiet", "--upgrade", "--python", str(self.python), *self.sources()]
        run_uv([*args, *requirements, *editables], f"installing into {self.root}")

    def installed(self) -> list[dict[str, str]]:
        """What ``inputs`` holds: ``[{name, version, editable_project_location?}]``."""
        proc = run_uv(["pip", "list", "--format", "json", "--python", str(self.python)], "uv pip list")
        found = json.loads(proc.stdout or "[]")
        outputs = self.config.get("outputs", {})
        for dist in found:  # an editable wheel built by hatchling records no direct_url
            if normalize(dist["name"]) in outputs:
                dist["editable_project_location"] = str(self.output_dir(dist["name"]))
        return found

    # -- outputs -------------------------------------------------------------------
    def output_dir(self, name: str) -> Path:
        return self.root / "outputs" / normalize(name)

    def output_code(self, name: str) -> Path | None:
        """The module folder of an editable output, if ``name`` is one."""
        from .names import module_name

        if normalize(name) not in self.config.get("outputs", {}):
            return None
        folder = self.output_dir(name).joinpath(*module_name(name).split("."))
        return folder if folder.is_dir() else None
