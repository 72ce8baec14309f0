"""The files that make a pulled folder a dvc project of its own: ``.dvc/config`` (the
store as remote ``splice``; the cache: a folder store itself, else splice's cache) and one
``<name>.dvc`` per placed file or folder, so ``dvc status`` and ``dvc pull`` work there
without splice."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .config import StoreConfig, cache_dir

REMOTE = "splice"
MARKER = "# written by splice (splice pull): the project's file store as dvc remote 'splice'"


def _ini(value: str) -> str:
    return value.replace("\\", "/") if os.name == "nt" else value


def write_config(folder: Path, store: StoreConfig) -> Path | None:
    """Write (or replace) ``folder/.dvc/config``; return its path. A config that splice did
    not write (the user's own dvc project) is left alone: ``None``."""
    dvc = folder / ".dvc"
    config = dvc / "config"
    if config.exists() and not config.read_text(encoding="utf-8").startswith(MARKER):
        return None
    dvc.mkdir(parents=True, exist_ok=True)
    cache = store.url if store.is_local else os.fspath(cache_dir())
    lines = [
        MARKER,
        "[core]",
        f"    remote = {REMOTE}",
        "    no_scm = true",
        "    analytics = false",
        f"    site_cache_dir = {_ini(os.fspath(cache_dir().parent / 'dvc-site'))}",
        "[cache]",
        f"    dir = {_ini(cache)}",
        f"['remote \"{REMOTE}\"']",
        f"    url = {_ini(store.url)}",
        *(f"    {key} = {value}" for key, value in sorted(store.options.items())),
    ]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / ".dvcignore").touch()
    return config


def write_dvc_file(folder: Path, filename: str, oid: str, size: int, nfiles: int | None) -> Path:
    """Write ``folder/<filename>.dvc`` naming the output's hash as ``dvc add`` would."""
    out = [f"- md5: {oid}", f"  size: {size}"]
    if nfiles is not None:
        out.append(f"  nfiles: {nfiles}")
    out += ["  hash: md5", f"  path: {json.dumps(filename)}"]
    path = folder / f"{filename}.dvc"
    path.write_text("outs:\n" + "\n".join(out) + "\n", encoding="utf-8")
    return path
