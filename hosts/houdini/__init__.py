"""The Houdini adapter of splice: :class:`~.pipeline.HoudiniHost` over a small Houdini interface.

- :mod:`.api` — :class:`~.api.HoudiniScene`, the few Houdini operations the adapter uses;
- :mod:`.real` — that interface over ``hou`` (imported only inside Houdini);
- :mod:`.memory_api` — the same interface in memory (tests, plug-in development);
- :mod:`.pipeline` — :class:`~.pipeline.HoudiniHost`, the :class:`splice.host.Host` of Houdini;
- :mod:`.menu` — the splice menu's actions; ``startup/`` — a HOUDINI_PATH entry with the
  bootstrap (``scripts/python/pythonrc.py``) and the menu (``MainMenuCommon.xml``);
- ``plugins/publish`` (pyblish plug-ins) and ``plugins/load`` (loaders).

Importing this package never imports Houdini.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .api import HoudiniScene
    from .pipeline import HoudiniHost

__all__ = ["KIND_REPRESENTATIONS", "LOADERS_DIR", "PLUGINS_DIR", "STARTUP_DIR", "install", "open_scene"]

PACKAGE_DIR = Path(__file__).resolve().parent
PLUGINS_DIR = PACKAGE_DIR / "plugins" / "publish"
LOADERS_DIR = PACKAGE_DIR / "plugins" / "load"
STARTUP_DIR = PACKAGE_DIR / "startup"
KIND_REPRESENTATIONS: dict[str, tuple[str, ...]] = {
    "model": ("bgeo", "abc"),
    "layout": ("bgeo",),
    "animation": ("abc",),
    "pointcache": ("abc",),
}
"""What the Create dialog offers: the kinds Houdini's extractors publish and their representations
(``bgeo``: ``.bgeo.sc`` of the output SOP; ``abc``: an Alembic ROP); all of a kind's unless chosen."""


def install(api: HoudiniScene | None = None, environ: Mapping[str, str] | None = None) -> HoudiniHost:
    """Install the Houdini host (over ``hou`` unless ``api`` is given) as this process's host,
    and give the scene the launcher's context (``SPLICE_CONTEXT`` / ``SPLICE_TASK``) when set."""
    from splice.host.current import install_from_env

    from .pipeline import HoudiniHost
    from .real import HouScene  # imports the DCC only when used

    host = HoudiniHost(HouScene() if api is None else api)
    return install_from_env(host, environ)  # a bad SPLICE_CONTEXT raises before any change


def open_scene(path: str | Path, api: HoudiniScene | None = None) -> HoudiniHost:
    """Headless use (``splice publish SCENE --host houdini``): install the host and open ``path``."""
    host = install(api)
    host.open_file(path)
    return host
