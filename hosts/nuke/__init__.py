"""The Nuke adapter of splice, of the shape every adapter has (docs/dcc-adapters.md):
:class:`~.pipeline.NukeHost` (:mod:`.pipeline`) over :class:`~.api.NukeScript` (:mod:`.api`),
real over ``nuke`` (:mod:`.real`) or in memory (:mod:`.memory_api`); :mod:`.menu`;
``plugins/publish`` and ``plugins/load``. ``startup/`` is a NUKE_PATH entry: ``init.py``
installs the host (every mode), ``menu.py`` adds the menu (GUI only). Importing this package
never imports Nuke.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from splice.pipeline.adapters import Installer, folders

if TYPE_CHECKING:
    from .api import NukeScript
    from .pipeline import NukeHost

__all__ = ["KIND_REPRESENTATIONS", "LOADERS_DIR", "PLUGINS_DIR", "STARTUP_DIR", "install", "open_scene"]

PACKAGE_DIR, PLUGINS_DIR, LOADERS_DIR, STARTUP_DIR = folders(__file__)
KIND_REPRESENTATIONS: dict[str, tuple[str, ...]] = {
    "render": (),
    "review": (),
    "workfile": ("nk",),
    "layout": ("nk",),
    "look": ("nk",),
}
"""What the Create dialog offers: the kinds Nuke's extractors publish and their representations
(``nk``: the members' nodes; render and review: what the Write node writes, named after its file
type — ``exr``, ``mov``…, so there is nothing to choose)."""


def host(api: NukeScript | None = None) -> NukeHost:
    """A Nuke host over ``nuke`` (imported only now) unless ``api`` is given."""
    from .pipeline import NukeHost
    from .real import NukeApi

    return NukeHost(NukeApi() if api is None else api)


def _keep_context(host: NukeHost, environ: Mapping[str, str] | None) -> None:
    """The launcher's context in every script created, cleared, opened or saved later (Nuke
    keeps one session across scripts, and a new script's root has no context)."""
    from functools import partial

    from .pipeline import keep_launcher_context

    host.api.on_script_events(partial(keep_launcher_context, host, environ))


_installer = Installer(host, _keep_context)
install, open_scene = _installer.install, _installer.open_scene
