"""Finding installed DCCs in their usual install places on Linux, Windows and macOS.

Each place is a glob under a base: ``/`` (the file-system root; ``C:/`` on Windows),
``~`` (the home folder) or ``%ProgramFiles%``. The bases can be replaced
(``Discovery(roots=…)``), so a fake tree of executables stands in for any OS. The
version comes from the path (``blender-4.5.1-linux-x64``, ``maya2025``,
``hfs20.5.370``, ``Nuke15.1v2``), else from a version folder beside a Blender
executable (``4.5/``), else from ``blender --version`` (cached by path, size and mtime).
"""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_BLENDER = r"[Bb]lender[- ]?(\d+\.\d+(?:\.\d+)?)"
_MAYA = r"[Mm]aya(20\d\d(?:\.\d+)?)"
_HOUDINI = r"(?:hfs|Houdini ?)(\d+\.\d+(?:\.\d+)?)"
_NUKE = r"Nuke(\d+\.\d+v\d+)"

# host → OS → [(pattern, version regex)]
PLACES: dict[str, dict[str, list[tuple[str, str]]]] = {
    "blender": {
        "linux": [
            ("/usr/bin/blender", _BLENDER),
            ("/usr/local/bin/blender", _BLENDER),
            ("/opt/blender*/blender", _BLENDER),
            ("/opt/blender/*/blender", _BLENDER),
            ("~/blender*/blender", _BLENDER),
            ("/snap/blender/current/blender", _BLENDER),
        ],
        "windows": [
            ("%ProgramFiles%/Blender Foundation/Blender */blender.exe", _BLENDER),
            ("~/AppData/Roaming/Blender Foundation/Blender */blender.exe", _BLENDER),
        ],
        "darwin": [
            ("/Applications/Blender*.app/Contents/MacOS/Blender", _BLENDER),
            ("~/Applications/Blender*.app/Contents/MacOS/Blender", _BLENDER),
        ],
    },
    "maya": {
        "linux": [("/usr/autodesk/maya20*/bin/maya", _MAYA)],
        "windows": [("%ProgramFiles%/Autodesk/Maya20*/bin/maya.exe", _MAYA)],
        "darwin": [("/Applications/Autodesk/maya20*/Maya.app/Contents/MacOS/Maya", _MAYA)],
    },
    "houdini": {
        "linux": [("/opt/hfs*/bin/houdini", _HOUDINI)],
        "windows": [("%ProgramFiles%/Side Effects Software/Houdini */bin/houdini.exe", _HOUDINI)],
        "darwin": [
            (
                "/Applications/Houdini/Houdini*/Frameworks/Houdini.framework/Versions/Current/"
                "Resources/bin/houdini",
                _HOUDINI,
            ),
        ],
    },
    "nuke": {
        "linux": [("/usr/local/Nuke*/Nuke*.*", _NUKE), ("/opt/Nuke*/Nuke*.*", _NUKE)],
        "windows": [("%ProgramFiles%/Nuke*/Nuke*.exe", _NUKE)],
        "darwin": [("/Applications/Nuke*/Nuke*.app/Contents/MacOS/Nuke*", _NUKE)],
    },
}
# the names looked for on PATH (globs)
ON_PATH: dict[str, list[str]] = {
    "blender": ["blender"],
    "maya": ["maya"],
    "houdini": ["houdini"],
    "nuke": ["Nuke*.*"],
}


def current_system() -> str:
    return {"win32": "windows", "darwin": "darwin"}.get(sys.platform, "linux")


@dataclass(frozen=True)
class Found:
    """One installed version: where it is, how its version was told."""

    host: str
    version: str
    executable: str
    place: str  # the pattern (or "PATH") that found it


class Discovery:
    """Looks for installed DCCs; ``roots`` replaces the bases ``/``, ``~``, ``%ProgramFiles%``,
    ``path`` the folders of ``PATH``, ``system`` the OS whose places are searched."""

    def __init__(
        self,
        system: str | None = None,
        roots: Mapping[str, str | os.PathLike[str]] | None = None,
        path: Sequence[str | os.PathLike[str]] | None = None,
        probe: bool = True,
    ) -> None:
        self.system = system or current_system()
        defaults = {
            "/": "C:/" if self.system == "windows" else "/",
            "~": str(Path.home()),
            "%ProgramFiles%": os.environ.get("PROGRAMFILES", "C:/Program Files"),
        }
        self.roots = {**defaults, **{k: os.fspath(v) for k, v in (roots or {}).items()}}
        env_path = os.environ.get("PATH", "").split(os.pathsep)
        self.path = [os.fspath(p) for p in (env_path if path is None else path) if os.fspath(p)]
        self.probe = probe and self.system == current_system()

    def places(self, host: str) -> list[str]:
        """Every place looked in for ``host``, as concrete globs, then ``PATH``'s folders."""
        out = [self._concrete(pattern) for pattern, _ in PLACES.get(host, {}).get(self.system, [])]
        names = ON_PATH.get(host, [host])
        out += [os.path.join(folder, name) for folder in self.path for name in names]
        return list(dict.fromkeys(out))

    def _concrete(self, pattern: str) -> str:
        for base in ("%ProgramFiles%", "~", "/"):
            if pattern.startswith(base):
                root = self.roots[base]
                return os.path.join(glob.escape(root), pattern[len(base) :].lstrip("/"))
        return pattern

    def find(self, host: str) -> list[Found]:
        """Installed versions of ``host``, newest first (one per real file)."""
        seen: set[str] = set()
        found: list[Found] = []
        entries = [
            (self._concrete(p), rx, p, self._root_of(p))
            for p, rx in PLACES.get(host, {}).get(self.system, [])
        ]
        names = ON_PATH.get(host, [host])
        entries += [(os.path.join(glob.escape(d), n), "", "PATH", d) for d in self.path for n in names]
        for pattern, regex, place, root in entries:
            for hit in sorted(glob.glob(pattern)):
                if not self._is_executable(hit):
                    continue
                real = os.path.realpath(hit)
                if real in seen:
                    continue
                seen.add(real)
                version = self._version(host, hit[len(root) :] if hit.startswith(root) else hit, real, regex)
                found.append(Found(host, version, hit, place))
        return sorted(found, key=lambda f: version_key(f.version), reverse=True)

    def _root_of(self, pattern: str) -> str:
        for base in ("%ProgramFiles%", "~", "/"):
            if pattern.startswith(base):
                return self.roots[base]
        return ""

    def _is_executable(self, path: str) -> bool:
        if not os.path.isfile(path):
            return False
        if self.system == current_system() and self.system != "windows":
            return os.access(path, os.X_OK)
        return True

    def _version(self, host: str, rel: str, real: str, regex: str) -> str:
        for candidate in (rel.replace("\\", "/"), real.replace("\\", "/")):
            match = re.search(regex or _regex_of(host), candidate)
            if match:
                return match.group(1)
        if host == "blender":
            beside = _blender_version_dir(Path(real))
            if beside:
                return beside
            if self.probe:
                return probe_blender(real) or "unknown"
        return "unknown"


def _regex_of(host: str) -> str:
    return {"blender": _BLENDER, "maya": _MAYA, "houdini": _HOUDINI, "nuke": _NUKE}.get(
        host, r"(\d+(?:\.\d+)+)"
    )


def _blender_version_dir(exe: Path) -> str | None:
    """A release's ``4.5/`` folder beside the executable (or in ``../Resources`` on macOS)."""
    for folder in (exe.parent, exe.parent.parent / "Resources"):
        try:
            names = [p.name for p in folder.iterdir() if p.is_dir() and re.fullmatch(r"\d+\.\d+", p.name)]
        except OSError:
            continue
        if names:
            return max(names, key=version_key)
    return None


def version_key(version: str) -> tuple:
    """Sorts ``3.4.1 < 4.5 < 4.5.1``, ``2024 < 2025.1``, ``15.1v2 < 15.1v3``; unknown first."""
    return tuple((0, int(p)) if p.isdigit() else (-1, p) for p in re.findall(r"\d+|[a-z]+", version.lower()))


def version_matches(wanted: str, version: str) -> bool:
    """``4.5`` matches ``4.5`` and ``4.5.1`` (whole components), not ``4.51``."""
    return version == wanted or version.startswith(wanted + ".") or version.startswith(wanted + "v")


def _cache_file() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("splice", appauthor=False)) / "launcher" / "versions.json"


def probe_blender(executable: str) -> str | None:
    """``blender --version``'s version, cached by the file's path, size and mtime."""
    try:
        stat = os.stat(executable)
    except OSError:
        return None
    key = f"{executable}|{stat.st_size}|{stat.st_mtime_ns}"
    cache = _cache_file()
    try:
        known = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if key in known:
        return known[key]
    try:
        proc = subprocess.run(
            [executable, "--version"], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"Blender (\d+\.\d+(?:\.\d+)?)", proc.stdout)
    version = match.group(1) if match else None
    if version:
        known[key] = version
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(known, indent=1), encoding="utf-8")
            os.replace(tmp, cache)
        except OSError:
            pass
    return version
