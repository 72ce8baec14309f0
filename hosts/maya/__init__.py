"""The Maya adapter of splice, of the shape every adapter has (docs/dcc-adapters.md):
:class:`~.pipeline.MayaHost` (:mod:`.pipeline`) over :class:`~.api.MayaScene` (:mod:`.api`),
real over ``maya.cmds`` (:mod:`.real`) or in memory (:mod:`.memory_api`); :mod:`.menu`;
``plugins/publish`` and ``plugins/load``. ``startup/userSetup.py`` is the bootstrap. Importing
this package never imports Maya.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from splice.pipeline.adapters import Installer, folders

if TYPE_CHECKING:
    from .api import MayaScene
    from .pipeline import MayaHost

__all__ = ["KIND_REPRESENTATIONS", "LOADERS_DIR", "PLUGINS_DIR", "STARTUP_DIR", "install", "open_scene"]

PACKAGE_DIR, PLUGINS_DIR, LOADERS_DIR, STARTUP_DIR = folders(__file__)
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


def host(api: MayaScene | None = None) -> MayaHost:
    """A Maya host over ``maya.cmds`` (imported only now) unless ``api`` is given."""
    from .pipeline import MayaHost
    from .real import CmdsScene

    return MayaHost(CmdsScene() if api is None else api)


_installer = Installer(host)
install, open_scene = _installer.install, _installer.open_scene
