"""splice's runtime for a DCC: one folder a DCC's own Python imports splice from.

What runs inside the DCC is splice's pure-Python code and the few libraries it needs at
run time (pyblish-base, requests, platformdirs…), installed by uv **for the DCC's
Python** (its version decides the wheels: ``charset-normalizer`` is compiled), never
links into the launcher's environment. Files go to and from a folder store (a NAS, the
default) inside the DCC in pure Python; dvc, which talks to S3 / SSH / cloud stores and
brings a hundred packages, stays out of the DCC and runs beside it, in the launcher's
Python (:mod:`splice.files.beside`), so a DCC starts no slower and its own libraries
are never shadowed.

The artist tools are Qt windows (qtpy over a PySide): ``[runtime] qt`` decides what of Qt
goes in, by default from the app's splice host (``"auto"``): Blender ships no Qt, so its
runtime gets ``qtpy`` and ``PySide6-Essentials`` (with the pins of splice's ``gui`` extra,
about 130 MB installed, once per runtime); Maya, Houdini and Nuke ship their own PySide,
which must stay the one they import, so theirs get ``qtpy`` alone; an app with no splice
host gets neither. ``"pyside6"`` puts both in whatever the app (a prebuilt runtime for
Blender made with ``splice runtime --python``), ``"qtpy"`` only qtpy, ``"none"`` nothing.

A runtime is made once per (splice's version and code, the DCC's Python, the platform,
the package sources), in ``<root>/splice-<version>-py3XX-<digest>`` (``root``: the
``[runtime]`` table's ``root``, else ``<user cache>/splice/runtimes``), under a file
lock and renamed into place complete, so a launch never sees half of one. The
``[runtime]`` table of the launcher configuration says where the wheels come from::

    [runtime]
    index_url = "https://pypi.example.studio/simple/"   # default: the public index
    find_links = ["/srv/wheels"]                        # folders of wheels
    no_index = true                                     # only find_links: no index at all
    prebuilt = "/studio/splice-runtime/{python}"        # a runtime the studio ships, as is
    qt = "auto"                                         # or "pyside6", "qtpy", "none"
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .dccpython import DccPython
from .errors import ConfigError, LaunchError

__all__ = ["MANIFEST", "QT_CHOICES", "SHIPS_NO_QT", "Runtime", "build", "qt_requirements", "runtime_for"]

MANIFEST = "splice-runtime.json"
MIN_PYTHON = (3, 10)
SHIPS_NO_QT = frozenset({"blender"})
"""The splice hosts whose app has no Qt of its own: ``qt = "auto"`` brings PySide6 for them."""
QT_CHOICES = ("auto", "pyside6", "qtpy", "none")
"""The values of ``[runtime] qt``."""
_EXTRA = re.compile(r"extra\s*==")
_GUI_EXTRA = re.compile(r"""extra\s*==\s*["']gui["']""")
_QTPY, _PYSIDE = "qtpy", "pyside6-essentials"
_JUNK = ("tests", "test", "bin")  # top-level folders some wheels ship (pyblish-base: tests/)


@dataclass(frozen=True)
class Runtime:
    """A runtime folder for a DCC's Python (put it on the DCC's ``sys.path``)."""

    path: Path
    python: str
    made: bool = False  # True when this call built it

    def manifest(self) -> dict[str, Any]:
        return json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))


def runtime_for(
    python: DccPython, settings: Mapping[str, Any], what: str, host: str | None = None
) -> Runtime:
    """The runtime of splice for ``python`` (made when missing). ``what`` names the app in
    errors ("blender 3.4.1"); ``host`` is its splice host (``[runtime] qt = "auto"`` reads
    it). A failure names the DCC's Python and what to do."""
    check_settings(settings)
    _check_python(python, what)
    if settings.get("prebuilt"):
        return _prebuilt(str(settings["prebuilt"]), python, what)
    version = metadata.version("splice")
    requirements = _requirements() + qt_requirements(settings, host)
    digest = _digest(_splice_sources(), requirements, python, settings)
    root = _root(settings)
    folder = root / f"splice-{version}-{python.tag}-{digest[:12]}"
    if (folder / MANIFEST).is_file():
        return Runtime(folder, python.version)
    from .workspaces import exclusive

    with exclusive(root / f".{python.tag}.lock"):
        if (folder / MANIFEST).is_file():  # made meanwhile by another launch
            return Runtime(folder, python.version)
        build(folder, python, settings, what, host)
    return Runtime(folder, python.version, made=True)


def build(
    folder: Path, python: DccPython, settings: Mapping[str, Any], what: str, host: str | None = None
) -> Path:
    """Make a runtime in ``folder`` (which must not exist): built beside it, renamed into
    place complete. ``splice runtime --out`` makes a studio's prebuilt one with it."""
    if folder.exists():
        raise LaunchError(f"{folder} exists already: give a new folder for splice's runtime")
    check_settings(settings)
    _check_python(python, what)
    sources, version = _splice_sources(), metadata.version("splice")
    requirements = _requirements() + qt_requirements(settings, host)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(f".{folder.name}.build-{os.getpid()}-{threading.get_ident()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        _install(tmp, requirements, python, settings, what)
        _copy_splice(tmp, sources, version)
        manifest = {
            "splice": version,
            "python": python.version,
            "python_source": python.source,
            "platform": settings.get("platform") or sys.platform,
            "requirements": requirements,
            "packages": _installed(tmp),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _check_python(python: DccPython, what: str) -> None:
    if tuple(int(p) for p in python.version.split(".")) < MIN_PYTHON:
        raise LaunchError(
            f"{what} embeds Python {python.version} ({python.source}); splice runs on Python "
            f"{'.'.join(map(str, MIN_PYTHON))} or newer: use a newer version of the app"
        )


def check_settings(settings: Mapping[str, Any]) -> None:
    """The ``[runtime]`` table against :class:`splice.launcher.schema.Runtime`."""
    from ..documents import check

    check("splice.launcher.schema:Runtime", settings, "", ConfigError, "runtime", remember=True)


def _root(settings: Mapping[str, Any]) -> Path:
    if settings.get("root"):
        return Path(os.path.expanduser(str(settings["root"])))
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("splice", appauthor=False)) / "runtimes"


def _prebuilt(template: str, python: DccPython, what: str) -> Runtime:
    folder = Path(os.path.expanduser(template.replace("{python}", python.version)))
    if not (folder / "splice" / "__init__.py").is_file():
        raise LaunchError(
            f"the prebuilt splice runtime {folder} (runtime.prebuilt) has no splice package "
            f"for {what}'s Python {python.version}: make it with "
            f"`splice runtime --python {python.version} --out DIR`"
        )
    return Runtime(folder, python.version)


# -- what goes in ---------------------------------------------------------------------
def _splice_sources() -> dict[str, Path]:
    """Folder in the runtime → splice's code folder (an editable install keeps ``hosts`` and
    ``launcher`` beside ``core``: they become subpackages again)."""
    import splice
    import splice.hosts
    import splice.launcher

    core = Path(splice.__file__).parent
    hosts, launcher = Path(splice.hosts.__file__).parent, Path(splice.launcher.__file__).parent
    if hosts.parent == core and launcher.parent == core:
        return {"splice": core}
    return {"splice": core, "splice/hosts": hosts, "splice/launcher": launcher}


def _requirements() -> list[str]:
    """splice's run-time requirements (no extras), markers kept: uv evaluates them for the
    DCC's Python."""
    return sorted(r for r in metadata.requires("splice") or [] if not _EXTRA.search(r))


def qt_requirements(settings: Mapping[str, Any], host: str | None) -> list[str]:
    """What of Qt the runtime gets (``[runtime] qt``; ``"auto"``: from ``host``), with the
    versions splice's ``gui`` extra allows (PySide6 < 6.12: 6.12 crashes Python 3.11)."""
    choice = settings.get("qt") or "auto"
    if choice == "auto":
        choice = "none" if not host else "pyside6" if host in SHIPS_NO_QT else "qtpy"
    wanted = {"pyside6": (_QTPY, _PYSIDE), "qtpy": (_QTPY,), "none": ()}[choice]
    found = {}
    for requirement in metadata.requires("splice") or []:
        spec, _, marker = requirement.partition(";")
        name = re.split(r"[<>=!~\[ ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")
        if name in wanted and _GUI_EXTRA.search(marker):
            found[name] = spec.strip()
    return [found.get(name, name) for name in wanted]  # splice's extra gone: any version


def _files(folder: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if not name.endswith((".pyc", ".pyo")):
                yield Path(dirpath) / name


def _digest(
    sources: Mapping[str, Path], requirements: list[str], python: DccPython, settings: Mapping[str, Any]
) -> str:
    """Changes whenever the runtime would differ: splice's files (names, sizes, times: an
    edited editable install makes a new runtime), requirements, Python, package sources."""
    h = hashlib.sha256()
    h.update(json.dumps([requirements, python.version, sorted(settings.items())], default=str).encode())
    for name, folder in sorted(sources.items()):
        for path in _files(folder):
            st = path.stat()
            h.update(f"{name}/{path.relative_to(folder).as_posix()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _install(
    target: Path, requirements: list[str], python: DccPython, settings: Mapping[str, Any], what: str
) -> None:
    from ..packages.errors import ResolutionError, ToolError
    from ..packages.installer import run_uv

    args = ["pip", "install", "--quiet", "--target", str(target), "--python-version", python.version]
    args += ["--only-binary", ":all:"]  # nothing compiled here for another Python
    if settings.get("platform"):
        args += ["--python-platform", str(settings["platform"])]
    if settings.get("no_index"):
        args.append("--no-index")
    elif settings.get("index_url"):
        args += ["--index-url", str(settings["index_url"])]
    for link in settings.get("find_links", []):
        args += ["--find-links", os.path.expanduser(link)]
    try:
        run_uv([*args, *requirements], f"splice's runtime for {what}")
    except (ResolutionError, ToolError) as exc:
        where = "the wheels in runtime.find_links" if settings.get("no_index") else "the package index"
        raise LaunchError(
            f"cannot make splice's runtime for {what}'s Python {python.version} ({python.source}) "
            f"from {where}: {exc}\nThe studio's wheels for Python {python.version} go in "
            "[runtime] find_links (or index_url) of the launcher configuration."
        ) from None
    for junk in _JUNK:
        shutil.rmtree(target / junk, ignore_errors=True)


def _copy_splice(target: Path, sources: Mapping[str, Path], version: str) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name, folder in sorted(sources.items()):  # "splice" before "splice/hosts"
        shutil.copytree(folder, target / name, ignore=ignore, dirs_exist_ok=True)
    # entry points name the engines and host adapters: splice must be a distribution there too
    info = target / f"splice-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: splice\nVersion: {version}\n")
    points = metadata.distribution("splice").read_text("entry_points.txt") or ""
    (info / "entry_points.txt").write_text(points, encoding="utf-8")
    (info / "INSTALLER").write_text("splice-launcher\n")


def _installed(folder: Path) -> list[str]:
    out = []
    for info in sorted(folder.glob("*.dist-info")):
        meta = (info / "METADATA").read_text(encoding="utf-8", errors="replace")
        name = re.search(r"(?m)^Name: (.+)$", meta)
        ver = re.search(r"(?m)^Version: (.+)$", meta)
        if name and ver and name.group(1).strip() != "splice":
            out.append(f"{name.group(1).strip()}=={ver.group(1).strip()}")
    return out
