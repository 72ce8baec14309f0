"""The Maya adapter of splice: :class:`~.pipeline.MayaHost` over a small Maya interface.

- :mod:`.api` — :class:`~.api.MayaScene`, the few Maya operations the adapter uses;
- :mod:`.real` — that interface over ``maya.cmds`` (imported only inside Maya);
- :mod:`.memory_api` — the same interface in memory (tests, plug-in development);
- :mod:`.pipeline` — :class:`~.pipeline.MayaHost`, the :class:`splice.host.Host` of Maya;
- :mod:`.menu` — the splice menu; ``startup/userSetup.py`` — the bootstrap;
- ``plugins/publish`` (pyblish plug-ins) and ``plugins/load`` (loaders).

Importing this package never imports Maya.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .api import MayaScene
    from .pipeline import MayaHost

__all__ = ["KIND_REPRESENTATIONS", "LOADERS_DIR", "PLUGINS_DIR", "STARTUP_DIR", "install", "open_scene"]

PACKAGE_DIR = Path(__file__).resolve().parent
PLUGINS_DIR = PACKAGE_DIR / "plugins" / "publish"
LOADERS_DIR = PACKAGE_DIR / "plugins" / "load"
STARTUP_DIR = PACKAGE_DIR / "startup"
KIND_REPRESENTATIONS: dict[str, tuple[str, ...]] = {
    "model": ("ma", "abc"),
    "rig": ("ma",),
    "look": ("ma",),
    "layout": ("ma",),
    "animation": ("abc",),
    "pointcache": ("abc",),
    "camera": ("abc",),
}
"""What the Create dialog offers: the kinds Maya's extractors publish and their representations
(``ma``: Maya ASCII of the members; ``abc``: AbcExport); all of a kind's unless the artist chooses."""


def install(api: MayaScene | None = None, environ: Mapping[str, str] | None = None) -> MayaHost:
    """Install the Maya host (over ``maya.cmds`` unless ``api`` is given) as this process's host,
    and give the scene the launcher's context (``SPLICE_CONTEXT`` / ``SPLICE_TASK``) when set."""
    from splice.host.current import install_from_env

    from .pipeline import MayaHost
    from .real import CmdsScene  # imports the DCC only when used

    host = MayaHost(CmdsScene() if api is None else api)
    return install_from_env(host, environ)  # a bad SPLICE_CONTEXT raises before any change


def open_scene(path: str | Path, api: MayaScene | None = None) -> MayaHost:
    """Headless use (``splice publish SCENE --host maya``): install the host and open ``path``."""
    host = install(api)
    host.open_file(path)
    return host
