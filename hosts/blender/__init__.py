"""The Blender adapter of splice: ``BlenderHost``, bootstrap, menu and panel, pyblish plug-ins, loaders.

::

    import splice.hosts.blender as splice_blender

    host = splice_blender.install()          # inside Blender: the host, the context, the UI
    splice.pipeline.publish.publish(host, paths=[splice_blender.PLUGINS_DIR])

``import splice.hosts.blender`` stays light (no ``bpy``): the folders below are plain
paths, and :class:`BlenderHost` / :func:`install` import ``bpy`` when first used.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from splice.client import Client

    from .pipeline import BlenderHost, BpyScene

__all__ = [
    "DEFAULT_REPRESENTATIONS",
    "KIND_REPRESENTATIONS",
    "LOADERS_DIR",
    "PLUGINS_DIR",
    "REPRESENTATIONS",
    "ROOT",
    "SCRIPTS_DIR",
    "BlenderHost",
    "install",
    "loaders",
    "open_scene",
]

ROOT = Path(__file__).resolve().parent
PLUGINS_DIR = ROOT / "plugins" / "publish"
"""The pyblish plug-ins (collect / validate / extract) of Blender: pass it to ``publish(paths=…)``."""
LOADERS_DIR = ROOT / "plugins" / "load"
"""The loaders of Blender: a folder for ``discover_loaders`` / ``SPLICE_LOADER_PATH``."""
SCRIPTS_DIR = ROOT / "scripts"
"""Blender's user scripts folder for splice (``BLENDER_USER_SCRIPTS``): ``startup/`` bootstraps it."""

#: the artifacts the extractors write, by artifact name: (file suffix, kinds that may have it)
REPRESENTATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "blend": (".blend", ("model", "rig", "look", "layout", "animation", "pointcache", "camera")),
    "abc": (".abc", ("model", "layout", "animation", "pointcache", "camera")),
    "usd": (".usd", ("model", "layout", "animation", "pointcache", "camera")),
    "gltf": (".glb", ("model", "animation")),
}
#: what a publish of each kind extracts unless the instance's ``representations`` option says
DEFAULT_REPRESENTATIONS: dict[str, list[str]] = {
    "model": ["blend", "abc"],
    "rig": ["blend"],
    "look": ["blend"],
    "layout": ["blend"],
    "animation": ["abc"],
    "pointcache": ["abc"],
    "camera": ["abc", "blend"],
}
KIND_REPRESENTATIONS: dict[str, tuple[str, ...]] = {
    kind: tuple(name for name, (_, kinds) in REPRESENTATIONS.items() if kind in kinds)
    for kind in DEFAULT_REPRESENTATIONS
}
"""What the Create dialog offers: the kinds Blender publishes and the representations of each."""


def install(
    api: BpyScene | None = None, environ: Mapping[str, str] | None = None, client: Client | None = None
) -> BlenderHost:
    """Install the Blender host in this Blender, its context and UI (see
    :func:`splice.hosts.blender.pipeline.install`)."""
    from .pipeline import install as _install

    return _install(api, environ, client)


def loaders() -> dict[str, Any]:
    """The loaders Blender uses: :data:`LOADERS_DIR` and the folders on ``$SPLICE_LOADER_PATH``
    (the launcher puts LOADERS_DIR there too: each folder is read once)."""
    from splice.pipeline.loading import loaders_for

    return loaders_for(LOADERS_DIR)


def open_scene(path: str | Path, api: BpyScene | None = None, client: Client | None = None) -> BlenderHost:
    """Headless publishing (``splice publish SCENE --host blender``): install the host in this
    Blender (the ``bpy`` module; no UI) and open ``path``."""
    from .pipeline import install as _install

    host = _install(api, client=client, ui=False)
    host.quiet = True  # Blender's "Read blend: …" must not mix with the command's output
    host.open_file(path)
    return host


def __getattr__(name: str) -> Any:
    if name == "BlenderHost":
        from .pipeline import BlenderHost

        return BlenderHost
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
