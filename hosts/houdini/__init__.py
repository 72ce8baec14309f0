"""The Houdini adapter of splice, of the shape every adapter has (docs/dcc-adapters.md):
:class:`~.pipeline.HoudiniHost` (:mod:`.pipeline`) over :class:`~.api.HoudiniScene`
(:mod:`.api`), real over ``hou`` (:mod:`.real`) or in memory (:mod:`.memory_api`);
:mod:`.menu`; ``plugins/publish`` and ``plugins/load``. ``startup/`` is a HOUDINI_PATH entry:
the bootstrap (``scripts/python/pythonrc.py``) and the menu (``MainMenuCommon.xml``). Importing
this package never imports Houdini.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from splice.pipeline.adapters import Installer, folders

if TYPE_CHECKING:
    from .api import HoudiniScene
    from .pipeline import HoudiniHost

__all__ = ["KIND_REPRESENTATIONS", "LOADERS_DIR", "PLUGINS_DIR", "STARTUP_DIR", "install", "open_scene"]

PACKAGE_DIR, PLUGINS_DIR, LOADERS_DIR, STARTUP_DIR = folders(__file__)
KIND_REPRESENTATIONS: dict[str, tuple[str, ...]] = {
    "model": ("bgeo", "abc"),
    "layout": ("bgeo",),
    "animation": ("abc",),
    "pointcache": ("abc",),
}
"""What the Create dialog offers: the kinds Houdini's extractors publish and their representations
(``bgeo``: ``.bgeo.sc`` of the output SOP; ``abc``: an Alembic ROP); all of a kind's unless chosen."""


def host(api: HoudiniScene | None = None) -> HoudiniHost:
    """A Houdini host over ``hou`` (imported only now) unless ``api`` is given."""
    from .pipeline import HoudiniHost
    from .real import HouScene

    return HoudiniHost(HouScene() if api is None else api)


_installer = Installer(host)
install, open_scene = _installer.install, _installer.open_scene
