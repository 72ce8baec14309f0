"""A revision → a real wheel, built by a standard backend (hatchling, through ``build``).

:func:`write_project` writes an ordinary ``pyproject.toml`` project::

    pyproject.toml                       name, version, dependencies, extras, entry point
    splice_assets/<module>/__init__.py   exposes KREF, REVISION, VERSION, MANIFEST (+ the hooks)
    splice_assets/<module>/manifest.json kref, revision number, version, requires, artifacts
    splice_assets/<module>/hooks.py      the asset's own code, when it has some

and :func:`build_wheel` builds it with hatchling exactly as ``python -m build
--wheel --no-isolation`` would. Wheels are reproducible (hatchling's fixed
timestamps): the same revision builds the same bytes.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from ..nodes import Revision
from .errors import BuildError, ToolError
from .requirements import DEFAULT_GROUP
from .spec import PackageInfo, package_info

ENTRY_POINT_GROUP = "splice.assets"
MANIFEST = "manifest.json"
CODE_ARTIFACT = "code"
BACKEND_REQUIRES = "hatchling>=1.18"

_INIT = '''"""Asset package of {item} (revision {number}, version {version}); made by splice."""

import json as _json
from pathlib import Path as _Path

MANIFEST = _json.loads((_Path(__file__).parent / "manifest.json").read_text(encoding="utf-8"))
KREF = MANIFEST["kref"]
ITEM = MANIFEST["item"]
REVISION = MANIFEST["revision"]
VERSION = MANIFEST["version"]
{hooks}'''


def _toml(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string or list is valid TOML


def pyproject_text(info: PackageInfo) -> str:
    """The ``pyproject.toml`` of a revision's package."""
    base = info.requires.get(DEFAULT_GROUP, [])
    lines = [
        "[build-system]",
        f"requires = [{_toml(BACKEND_REQUIRES)}]",
        'build-backend = "hatchling.build"',
        "",
        "[project]",
        f"name = {_toml(info.name)}",
        f"version = {_toml(info.pep440)}",
        f"description = {_toml(f'splice asset {info.item_kref} (revision {info.number})')}",
        'requires-python = ">=3.7"',
        f"dependencies = {_toml([r.to_pep508() for r in base])}",
        "",
        "[project.optional-dependencies]",
        *(
            f"{group} = {_toml([r.to_pep508() for r in reqs])}"
            for group, reqs in info.requires.items()
            if group != DEFAULT_GROUP
        ),
        "",
        f'[project.entry-points."{ENTRY_POINT_GROUP}"]',
        f"{_toml(info.name)} = {_toml(info.module)}",
        "",
        "[project.urls]",
        f"kref = {_toml(str(info.revision_kref))}",
        "",
        "[tool.hatch.build.targets.wheel]",
        'packages = ["splice_assets"]',
        "",
        "[tool.splice]",
        f"kref = {_toml(str(info.revision_kref))}",
        f"revision = {info.number}",
        f"version = {_toml(str(info.version))}",
        "",
    ]
    return "\n".join(lines)


def write_project(info: PackageInfo, dest: Path, code: Path | None = None) -> Path:
    """Write the package's project into ``dest`` (made empty first); return ``dest``.

    ``code``: the asset's own code, a ``.py`` file (becomes ``hooks.py``) or a folder
    (its files become the module; an ``__init__.py`` of its own is kept, and the
    manifest is then read with ``splice.packages.hooks``)."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    module_dir = dest.joinpath(*info.module.split("."))
    module_dir.mkdir(parents=True)
    if code is not None:
        code = Path(code)
        if code.is_dir():
            shutil.copytree(
                code, module_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
            )
        elif code.is_file() and code.suffix == ".py":
            shutil.copyfile(code, module_dir / "hooks.py")
        else:
            raise BuildError(f"asset code {code} is neither a folder nor a .py file")
    (dest / "pyproject.toml").write_text(pyproject_text(info), encoding="utf-8")
    (module_dir / MANIFEST).write_text(
        json.dumps(info.manifest(), indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    hooks = ""
    if (module_dir / "hooks.py").exists():
        hooks = "\nfrom .hooks import *  # noqa: F403  (the asset's own code)\n"
    if not (module_dir / "__init__.py").exists():
        (module_dir / "__init__.py").write_text(
            _INIT.format(item=info.item_kref, number=info.number, version=info.version, hooks=hooks),
            encoding="utf-8",
        )
    return dest


def build_wheel(project: Path, outdir: Path, distribution: str = "wheel") -> Path:
    """Build the project's wheel (``distribution="editable"``: its editable wheel, PEP 660)
    into ``outdir`` with its backend (no isolation); return it."""
    try:
        from build import BuildBackendException, ProjectBuilder
    except ImportError:
        raise ToolError(
            "building packages needs 'build' and 'hatchling': pip install 'splice[packages]'"
        ) from None
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    from importlib.util import find_spec

    wanted = ["hatchling"] + (["editables"] if distribution == "editable" else [])
    missing = [name for name in wanted if find_spec(name) is None]
    if missing:  # checked here: asking the backend costs a process per build
        raise ToolError(
            f"the build backend is not installed: {', '.join(missing)} (pip install 'splice[packages]')"
        )
    builder = ProjectBuilder(str(project), python_executable=sys.executable, runner=_quiet_runner)
    try:
        return Path(builder.build(distribution, str(outdir)))
    except BuildBackendException as exc:
        raise BuildError(f"the build backend failed for {project}: {exc}") from None


def _quiet_runner(cmd, cwd=None, extra_environ=None) -> None:
    import os
    import subprocess

    env = {**os.environ, **(extra_environ or {})}
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BuildError(f"build backend failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")


def code_of(revision: Revision) -> Path | None:
    """The asset's own code: a local folder or ``.py`` file in its artifact ``code``."""
    for art in revision.get_artifacts():
        if art.name == CODE_ARTIFACT:
            location = art.location.removeprefix("file://")
            path = Path(location)
            if not path.exists():
                raise BuildError(
                    f"{revision.kref}: artifact 'code' points at {location}, which does not exist"
                )
            return path
    return None


def build_revision(
    revision: Revision, outdir: Path, code: Path | None = None, workdir: Path | None = None
) -> Path:
    """Build one revision's wheel into ``outdir``; return the wheel's path."""
    import tempfile

    info = package_info(revision)
    source = code if code is not None else code_of(revision)
    with tempfile.TemporaryDirectory(prefix="splice-build-", dir=workdir) as tmp:
        project = write_project(info, Path(tmp) / info.name, source)
        return build_wheel(project, outdir)
