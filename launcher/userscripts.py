"""Blender's user scripts folder for a launch: splice's start-up beside the artist's own.

Blender reads one user scripts folder (``BLENDER_USER_SCRIPTS``, else
``<config>/blender/X.Y/scripts``): its ``startup/`` modules run at start, its
``addons/`` are where preferences find the artist's add-ons. Pointing it at splice's
folder alone would hide the artist's. So the launcher makes a folder that holds links to
every entry of the artist's folder, and a ``startup/`` of links to the artist's start-up
modules plus splice's ``splice_startup.py``. Writes go through the links to the
artist's folder (an add-on installed from the preferences lands in the artist's
``addons/``, which is made first when missing, as Blender would).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path

__all__ = ["artist_scripts", "merged_scripts"]

_MADE_BY_BLENDER = ("addons", "modules", "presets")  # made in the artist's folder first: writes land there


def artist_scripts(version: str, environ: Mapping[str, str], system: str = sys.platform) -> Path:
    """The user scripts folder Blender ``version`` would use without splice."""
    if environ.get("BLENDER_USER_SCRIPTS"):
        return Path(environ["BLENDER_USER_SCRIPTS"])
    series = ".".join(version.split(".")[:2])
    home = Path(environ.get("HOME") or os.path.expanduser("~"))
    if system == "win32":
        appdata = environ.get("APPDATA") or str(home / "AppData" / "Roaming")
        return Path(appdata) / "Blender Foundation" / "Blender" / series / "scripts"
    if system == "darwin":
        return home / "Library" / "Application Support" / "Blender" / series / "scripts"
    config = environ.get("XDG_CONFIG_HOME") or str(home / ".config")
    return Path(config) / "blender" / series / "scripts"


def merged_scripts(splice_scripts: Path, artist: Path, cache: Path) -> Path:
    """A folder with splice's start-up and everything of ``artist`` (made when missing)."""
    for name in _MADE_BY_BLENDER:
        try:
            (artist / name).mkdir(parents=True, exist_ok=True)
        except OSError:
            break  # a read-only studio folder: link what is there
    links = {entry.name: entry for entry in _entries(artist) if entry.name != "startup"}
    startup = {f"startup/{e.name}": e for e in _entries(artist / "startup") if e.name != "__pycache__"}
    ours = {f"startup/{e.name}": e for e in _entries(splice_scripts / "startup") if e.suffix == ".py"}
    plan = {**links, **startup, **ours}  # splice's start-up wins a name clash
    digest = hashlib.sha256(json.dumps({k: str(v) for k, v in sorted(plan.items())}).encode()).hexdigest()
    folder = cache / f"blender-scripts-{digest[:16]}"
    if folder.is_dir():
        return folder
    tmp = cache / f".blender-scripts-{digest[:16]}.{uuid.uuid4().hex}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "startup").mkdir(parents=True)
    for name, target in plan.items():
        _link(target, tmp / name)
    try:
        os.replace(tmp, folder)
    except OSError:  # made meanwhile by another launch
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


def _link(target: Path, path: Path) -> None:
    try:
        os.symlink(target, path, target_is_directory=target.is_dir())
    except OSError:
        if sys.platform == "win32" and target.is_dir():  # no symlink privilege: a junction
            import _winapi

            _winapi.CreateJunction(str(target), str(path))
        elif target.is_dir():
            shutil.copytree(target, path)
        else:
            shutil.copy2(target, path)
