"""Helpers of the asset-package tests: a small show of versioned assets, and clean
installers (uv and pip given explicit sources, pip's global configuration off)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import splice
from splice.packages import set_package

pytest.importorskip("packaging")
pytest.importorskip("hatchling")
pytest.importorskip("build")
uv_module = pytest.importorskip("uv")

TABLE = "kref://show/props/table.model"
CHAIR = "kref://show/props/chair.model"
KITCHEN = "kref://show/env/kitchen.model"


def uv() -> str:
    return uv_module.find_uv_bin()


def clean_env(tmp_path: Path) -> dict[str, str]:
    """No pip configuration, no splice settings, a private uv cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "SPLICE_", "VIRTUAL_ENV"))}
    env.update(
        PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", UV_CACHE_DIR=str(tmp_path / "uv-cache")
    )
    env.pop("PYTHONPATH", None)
    return env


def run(cmd: list, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def venv(path: Path, env: dict[str, str], seed: bool = False) -> Path:
    """A fresh virtualenv made by uv (``seed``: with pip in it); its python."""
    run([uv(), "venv", "--quiet", "--python", sys.executable, *(["--seed"] if seed else []), path], env)
    return path / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def store(tmp_path: Path) -> splice.Client:
    return splice.connect(f"sqlite:///{tmp_path / 'store.db'}", user="tester")


def make_show(client: splice.Client, code_dir: Path | None = None) -> dict[str, splice.Revision]:
    """table 1.2.3, 1.4.0, 1.5.0-rc.1, 2.0.0; chair 1.0.0 (requires numpy in 'build');
    kitchen 1.2.0 (table: abstract), 1.3.0 (table>=1.2.3,<2.0 and chair), 1.4.0 (table==1.2.3)."""
    show = client.create_project("show")
    props = show.create_space("props")
    env_space = show.create_space("env")
    table = props.create_item("table", "model")
    chair = props.create_item("chair", "model")
    kitchen = env_space.create_item("kitchen", "model")
    revs: dict[str, splice.Revision] = {}
    for version in ("1.2.3", "1.4.0", "1.5.0-rc.1", "2.0.0"):
        rev = table.create_revision()
        rev.create_artifact(
            "mesh", f"/mnt/table_{version}.abc", metadata={"sha256": version.replace(".", "") * 4}
        )
        set_package(rev, version)
        revs[f"table {version}"] = rev
    rev = chair.create_revision()
    set_package(rev, "1.0.0")
    revs["chair 1.0.0"] = rev
    for version, reqs in (
        ("1.2.0", [TABLE]),
        ("1.3.0", {"default": [f"{TABLE}>=1.2.3,<2.0", CHAIR], "build": [f"{TABLE}==2.0.0"]}),
        ("1.4.0", [f"{TABLE}==1.2.3"]),
    ):
        rev = kitchen.create_revision()
        if code_dir is not None and version == "1.3.0":
            rev.create_artifact("code", str(code_dir / "kitchen_hooks.py"))
        set_package(rev, version, reqs)
        revs[f"kitchen {version}"] = rev
    return revs


PUBLISHED = ("table 1.2.3", "table 1.4.0", "table 1.5.0-rc.1", "table 2.0.0", "chair 1.0.0",
             "kitchen 1.3.0", "kitchen 1.4.0")  # fmt: skip
HOOKS = "def build(scene):\n    return f'kitchen built in {scene}'\n"


_SNAPSHOT: list[Path] = []


def published_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per process: ``store.db`` with :func:`make_show`, every version in
    PUBLISHED in ``repos/review`` and all but the pre-release promoted to ``repos/blessed``."""
    from splice.packages.publish import promote, publish
    from splice.packages.repos import FolderRepo

    if _SNAPSHOT:
        return _SNAPSHOT[0]
    root = tmp_path_factory.mktemp("published")
    (root / "kitchen_hooks.py").write_text(HOOKS)
    client = store(root)
    revs = make_show(client, root)
    review = FolderRepo("review", root / "repos" / "review")
    blessed = FolderRepo("blessed", root / "repos" / "blessed")
    for key in PUBLISHED:
        entry = publish(revs[key], review)
        if "rc" not in key:
            promote(entry.name, entry.version, review, blessed)
    client.close()
    _SNAPSHOT.append(root)
    return root


def copy_snapshot(snapshot: Path, dest: Path) -> None:
    """A private copy of the published snapshot in ``dest`` (store.db, repos/, the hooks)."""
    import shutil

    shutil.copytree(snapshot / "repos", dest / "repos")
    for name in ("store.db", "kitchen_hooks.py"):
        shutil.copyfile(snapshot / name, dest / name)


def revisions_of(client: splice.Client) -> dict[str, splice.Revision]:
    """The show's revisions by 'item version', read back from a copied store."""
    from splice.packages import version_of

    out = {}
    for kref in (TABLE, CHAIR, KITCHEN):
        item = client.get_item(kref)
        for rev in item.get_revisions():
            out[f"{item.name} {version_of(rev)}"] = rev
    return out
