"""Which Python a DCC embeds: the version splice's runtime is made for.

A DCC runs its own Python (Blender 4.2: 3.11, Maya 2024: 3.10, Houdini 20.5: 3.11,
Nuke 15: 3.10), rarely the launcher's. In order:

1. the configuration: ``python = "3.11"`` (a version) or ``python = "/path/to/mayapy"`` (an
   interpreter, asked for its version) on ``[apps.NAME]`` or one of its versions;
2. the DCC's own interpreter beside its executable (``mayapy``, ``hython``);
3. asking the application itself, headless (Blender: ``-b --factory-startup
   --python-expr``);
4. its bundled Python library beside the executable (``lib/python3.X``, ``python3X.dll``).

An answer found by running something is cached per executable (its path, size and
modification time), so only the first launch of an installation pays for it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import LaunchError

__all__ = ["DccPython", "dcc_python"]

_VERSION = re.compile(r"^3\.(\d+)$")
_PRINT = "import sys; print('SPLICE-PYTHON=%d.%d' % sys.version_info[:2])"
_ANSWER = re.compile(r"SPLICE-PYTHON=(3\.\d+)")
_PROBE_TIMEOUT = 120  # a DCC's first start on a cold disk can take a while
_INTERPRETERS = {"maya": ("mayapy", "mayapy.exe"), "houdini": ("hython", "hython.exe")}
_LIBRARY = re.compile(r"^(?:lib)?python3\.?(\d+)(?:\.dll|\.so[.\d]*|\.dylib)?$")


@dataclass(frozen=True)
class DccPython:
    """The DCC's Python version (``"3.11"``) and how it was found."""

    version: str
    source: str

    @property
    def tag(self) -> str:
        return "py" + self.version.replace(".", "")


def dcc_python(
    app: str, host: str | None, executable: str, configured: str | None = None, cache: Path | None = None
) -> DccPython:
    """The Python of ``executable`` (see the module's documentation); raises
    :class:`LaunchError` naming the app and how to configure it when nothing tells."""
    if configured:
        return _configured(app, configured)
    key = _cache_key(executable)
    cached = _read_cache(cache, key)
    if cached is not None:
        return cached
    found = _interpreter_beside(host, executable) or _ask_app(host, executable) or _library_beside(executable)
    if found is None:
        raise LaunchError(
            f"cannot tell which Python {app} ({executable}) embeds: set it in the launcher "
            f'configuration, [apps.{app}] python = "3.11" (its version) or = "/path/to/its/python"'
        )
    if not found.source.startswith("files"):
        _write_cache(cache, key, found)
    return found


def _configured(app: str, value: str) -> DccPython:
    value = value.strip()
    if _VERSION.match(value):
        return DccPython(value, "configuration")
    if os.path.isfile(value):
        version = _run(app, [value, "-c", _PRINT])
        if version:
            return DccPython(version, f"interpreter {value}")
        raise LaunchError(f"[apps.{app}] python = {value!r} did not answer with its version when run")
    raise LaunchError(
        f"[apps.{app}] python = {value!r} is neither a version (3.10, 3.11…) nor an existing interpreter"
    )


def _interpreter_beside(host: str | None, executable: str) -> DccPython | None:
    folder = Path(executable).resolve().parent
    for name in _INTERPRETERS.get(host or "", ()):
        candidate = folder / name
        if candidate.is_file():
            version = _run(host or "", [str(candidate), "-c", _PRINT])
            if version:
                return DccPython(version, f"interpreter {candidate}")
    return None


def _ask_app(host: str | None, executable: str) -> DccPython | None:
    if host != "blender":
        return None
    # --factory-startup: neither the artist's scripts nor splice's start-up run for this
    version = _run(host, [executable, "-b", "--factory-startup", "--python-expr", _PRINT])
    return DccPython(version, f"{executable} -b --python-expr") if version else None


def _library_beside(executable: str) -> DccPython | None:
    """``lib/python3.X`` or a ``python3X`` library shipped in the DCC's own folders."""
    base = Path(executable).resolve().parent
    if base in (Path("/usr/bin"), Path("/usr/local/bin"), Path("/bin")):
        return None  # a system-wide install: the system's Pythons say nothing about the app
    versions = set()
    for folder in (base, base / "lib", base.parent / "lib", base.parent / "Frameworks"):
        if folder.is_dir():
            for entry in folder.iterdir():
                match = _LIBRARY.match(entry.name)
                if match:
                    versions.add(f"3.{match.group(1)}")
    if len(versions) == 1:
        return DccPython(versions.pop(), f"files beside {executable}")
    return None


def _run(what: str, argv: list[str]) -> str | None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SPLICE_"))}
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=_PROBE_TIMEOUT, env=env, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _ANSWER.search(proc.stdout + proc.stderr)
    return match.group(1) if match else None


# -- the per-executable cache ----------------------------------------------------------
def _cache_key(executable: str) -> str:
    try:
        st = os.stat(executable)
    except OSError:
        return executable
    return f"{os.path.realpath(executable)}|{st.st_size}|{st.st_mtime_ns}"


def _cache_file(cache: Path | None) -> Path:
    if cache is None:
        from platformdirs import user_cache_dir

        cache = Path(user_cache_dir("splice", appauthor=False)) / "launcher"
    return cache / "dcc-pythons.json"


def _read_cache(cache: Path | None, key: str) -> DccPython | None:
    try:
        entry = json.loads(_cache_file(cache).read_text(encoding="utf-8")).get(key)
        return DccPython(**entry) if entry else None
    except (OSError, ValueError, TypeError):
        return None


def _write_cache(cache: Path | None, key: str, found: DccPython) -> None:
    path = _cache_file(cache)
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        table = {}
    table[key] = asdict(found)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(table, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs the next launch a probe
