"""Editable outputs: an asset installed in a workspace so that it can be edited,
bumped, built and published.

``edit`` writes the revision's project into ``outputs/<name>/`` (its code from
the revision's ``code`` artifact, if any), builds its editable wheel (PEP 660,
hatchling) and installs it into ``inputs`` with its dependencies. ``bump`` makes
a new revision of the item with the next version and the same requirements, and
rewrites the output's manifest; ``build`` puts a wheel in ``build/``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..nodes import Revision
from .build import build_wheel, code_of, write_project
from .errors import VersionError
from .spec import package_info, requires_of, set_package, versions_of
from .versions import SemVer
from .workspace import Workspace


def edit(workspace: Workspace, revision: Revision) -> Path:
    """Install ``revision`` as an editable output; return its project folder."""
    info = package_info(revision)
    folder = workspace.output_dir(info.name)
    code = workspace.output_code(info.name) or code_of(revision)
    _rewrite(folder, info, code)
    editables = workspace.root / "build" / "editable"
    for old in editables.glob(f"{info.name.replace('-', '_')}-*.whl"):
        old.unlink()
    wheel = build_wheel(folder, editables, "editable")  # kept: later installs pass it again
    workspace.install([str(wheel)])
    workspace.config.setdefault("outputs", {})[info.name] = str(info.item_kref)
    workspace.save()
    return folder


def _rewrite(folder: Path, info, code: Path | None) -> None:
    """(Re)write an output project, keeping its code."""
    with tempfile.TemporaryDirectory(prefix="splice-output-") as tmp:
        kept = None
        if code is not None:
            kept = Path(tmp) / "code"
            if code.is_dir():
                shutil.copytree(code, kept, ignore=shutil.ignore_patterns("__pycache__", "manifest.json"))
            else:
                kept = code
        write_project(info, folder, kept)


def bump(
    revision: Revision, part: str | None, suffix: str | None, workspace: Workspace | None = None
) -> Revision:
    """A new revision of the item with the next version (from the item's newest) and the
    same requirements; an editable output in ``workspace`` is updated to it."""
    versions = versions_of(revision.item_kref, revision._client)
    if not versions:
        raise VersionError(f"{revision.item_kref} has no version to bump: give one first")
    newest: SemVer = versions[-1][0]
    target = newest.bump(part, suffix)
    source = versions[-1][1]
    new = revision.get_item().create_revision(metadata={"bumped_from": str(source.kref)})
    set_package(new, target, requires_of(source))
    if workspace is not None and workspace.output_code(package_info(new).name) is not None:
        edit(workspace, new)  # the output now builds, and is installed as, the new version
    return new
