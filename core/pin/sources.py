"""What a pin starts from: the krefs a scene, a USD layer stack, a workspace or a kref uses.

Each source gives :class:`Asked` krefs (as it writes them, with the artifact it uses when
it knows it) and a record of itself for the manifest's ``sources``. :func:`detect` tells
which kind of source an argument is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ValidationError
from ..kref import Kref

if TYPE_CHECKING:
    from ..client import Client

__all__ = ["Asked", "Source", "detect", "from_kref", "from_scene", "from_usd", "from_workspace"]

LOCK_NAME = "splice.lock"


@dataclass(frozen=True)
class Asked:
    """A kref as a source wrote it; ``artifact``: the representation it uses (a container's)."""

    kref: Kref
    artifact: str | None = None


@dataclass
class Source:
    record: dict[str, str]
    asked: list[Asked]


def detect(arg: str, host: str | None = None) -> str:
    """``kref``, ``workspace``, ``usd`` or ``scene`` for a command-line argument."""
    if arg.startswith("kref://"):
        return "kref"
    path = Path(arg)
    if path.is_dir() or path.name == LOCK_NAME or path.suffix == ".lock":
        return "workspace"
    from ..usd.refs import USD_SUFFIXES  # no pxr: the names only

    if path.suffix.lower() in USD_SUFFIXES:
        return "usd"
    from ..pipeline.adapters import SCENE_HOSTS

    if host or path.suffix.lower() in SCENE_HOSTS:
        return "scene"
    raise ValidationError(
        f"cannot tell what {arg!r} is: give a kref (kref://…), a workspace folder or its {LOCK_NAME}, a USD"
        f" layer ({', '.join(USD_SUFFIXES)}) or a scene file ({', '.join(SCENE_HOSTS)}; --host names another)"
    )


def from_kref(text: str) -> Source:
    kref = Kref(text)
    if not kref.is_item:
        raise ValidationError(f"pin needs item or revision krefs (…/name.kind[?r=N|?t=TAG]), not {kref}")
    return Source({"type": "kref", "kref": str(kref)}, [Asked(kref)])


def from_scene(path: str, host: str | None = None) -> Source:
    """Every container of the scene: its revision and the representation it loaded."""
    from ..pipeline.adapters import adapter, adapter_for_scene

    if not os.path.isfile(path):
        raise ValidationError(f"no scene file at {path}")
    found = adapter(host) if host else adapter_for_scene(path)
    scene = found.open_scene(path)
    asked = [Asked(Kref(c.kref), c.representation or None) for c in scene.ls_containers()]
    return Source({"type": "scene", "path": os.path.abspath(path), "host": found.name}, asked)


def from_usd(path: str, client: Client, at: str | None = None) -> Source:
    """Every kref of the layer stack, nested ones (in layers that krefs resolve to) too."""
    from ..usd import resolve_stack

    resolved = resolve_stack(path, client, at=at)
    asked = [Asked(Kref(authored)) for authored in resolved.resolutions]
    return Source({"type": "usd", "path": os.path.abspath(path)}, asked)


def from_workspace(path: str) -> Source:
    """The asset packages a workspace's lock pins (``splice.lock``: krefs with ``?r=N``)."""
    from ..packages.lock import read_lock

    lock = Path(path)
    if lock.is_dir():
        lock = lock / LOCK_NAME
        if not lock.is_file():
            raise ValidationError(
                f"{path} has no {LOCK_NAME}: lock the workspace first (splice workspace lock)"
            )
    _, packages = read_lock(lock)
    asked = [Asked(Kref(p.kref)) for p in packages if p.kref]
    return Source({"type": "workspace", "path": os.path.abspath(lock)}, asked)
