"""A folder that makes this splice (and its runtime dependencies) importable in a DCC.

A DCC's Python gets one folder on ``PYTHONPATH`` holding links to exactly the splice
package that runs the launcher and the distributions it needs at run time
(platformdirs, requests and what they need, pyblish-base): nothing else of the
launcher's environment leaks in. An editable install (where ``splice`` is the
repository's ``core/`` folder and ``splice.hosts`` / ``splice.launcher`` live beside
it) becomes a ``splice/`` folder of links to every entry of ``core/`` plus ``hosts``
and ``launcher``. The folder is named by a hash of its links and made once (atomically)
under the user's cache folder. Links need a DCC whose Python has the same version for
compiled modules (charset-normalizer); splice itself and pyblish are pure Python.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from importlib import metadata
from pathlib import Path

_EXTRA = re.compile(r"extra\s*==")
_JUNK = {"tests", "test", "docs", "examples", "bin"}  # top-level folders some wheels ship by mistake


def _links() -> dict[str, str]:
    """name in the folder → the file or folder it links to."""
    import splice
    import splice.hosts
    import splice.launcher

    core = Path(splice.__file__).parent
    links: dict[str, str] = {}
    hosts, launcher = Path(splice.hosts.__file__).parent, Path(splice.launcher.__file__).parent
    if hosts.parent == core and launcher.parent == core:
        links["splice"] = str(core)
    else:  # editable: core/, hosts/ and launcher/ are put together as one package
        for entry in core.iterdir():
            if entry.name != "__pycache__":
                links[f"splice/{entry.name}"] = str(entry)
        links["splice/hosts"] = str(hosts)
        links["splice/launcher"] = str(launcher)
    for dist in _runtime_dists("splice"):
        links.update(_dist_links(dist))
    return links


def _runtime_dists(name: str) -> list[metadata.Distribution]:
    """``name``'s distribution and everything its non-extra requirements need, installed."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [name]
    while todo:
        wanted = re.split(r"[\s\[<>=!~;(]", todo.pop(), maxsplit=1)[0]
        key = re.sub(r"[-_.]+", "-", wanted).lower()
        if not key or key in seen:
            continue
        try:
            dist = metadata.distribution(wanted)
        except metadata.PackageNotFoundError:
            continue
        seen[key] = dist
        for req in dist.requires or []:
            if not _EXTRA.search(req) and _marker_ok(req):
                todo.append(req)
    return list(seen.values())


def _marker_ok(requirement: str) -> bool:
    if ";" not in requirement:
        return True
    try:
        from packaging.requirements import Requirement
    except ImportError:
        return True
    try:
        return Requirement(requirement).marker.evaluate()  # type: ignore[union-attr]
    except Exception:
        return True


def _dist_links(dist: metadata.Distribution) -> dict[str, str]:
    """The top-level modules, packages and the .dist-info of an installed distribution
    (for splice itself only its .dist-info: its code is linked above)."""
    out: dict[str, str] = {}
    files = dist.files or []
    base = Path(str(dist.locate_file("")))
    tops: set[str] = set()
    for f in files:
        parts = Path(str(f)).parts
        if not parts or parts[0] in ("..", "__pycache__") or parts[0].endswith(".data"):
            continue
        if len(parts) == 1 and not parts[0].endswith((".py", ".so", ".pyd", ".pth")):
            continue
        if parts[0].endswith(".pth") or parts[0].startswith("__editable__") or parts[0] in _JUNK:
            continue
        tops.add(parts[0])
    own = re.sub(r"[-_.]+", "-", dist.metadata["Name"] or "").lower() == "splice"
    for top in tops:
        target = base / top
        if target.exists() and (not own or top.endswith(".dist-info")):
            out[top] = str(target)
    return out


def splice_pythonpath(cache: Path | None = None) -> Path:
    """The folder to put on a DCC's ``PYTHONPATH`` (made on first use)."""
    links = _links()
    digest = hashlib.sha256(json.dumps(links, sort_keys=True).encode()).hexdigest()[:16]
    if cache is None:
        from platformdirs import user_cache_dir

        cache = Path(user_cache_dir("splice", appauthor=False)) / "launcher"
    folder = cache / f"python-{digest}"
    if folder.is_dir():
        return folder
    tmp = cache / f".python-{digest}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    for name, target in links.items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.symlink(target, path, target_is_directory=os.path.isdir(target))
        except OSError:  # no symlinks (Windows without the privilege): copy
            if os.path.isdir(target):
                shutil.copytree(target, path, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(target, path)
    try:
        os.replace(tmp, folder)
    except OSError:  # made meanwhile by another launch
        shutil.rmtree(tmp, ignore_errors=True)
    return folder
