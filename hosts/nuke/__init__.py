"""The Nuke adapter of splice: :class:`~.pipeline.NukeHost` over a small Nuke interface.

- :mod:`.api` — :class:`~.api.NukeScript`, the few Nuke operations the adapter uses;
- :mod:`.real` — that interface over ``nuke`` (imported only inside Nuke);
- :mod:`.memory_api` — the same interface in memory (tests, plug-in development);
- :mod:`.pipeline` — :class:`~.pipeline.NukeHost`, the :class:`splice.host.Host` of Nuke;
- :mod:`.menu` — the splice menu; ``startup/`` — a NUKE_PATH entry: ``init.py`` installs
  the host (every mode, ``nuke -t`` too), ``menu.py`` adds the menu (GUI only);
- ``plugins/publish`` (pyblish plug-ins) and ``plugins/load`` (loaders).

Importing this package never imports Nuke.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .api import NukeScript
    from .pipeline import NukeHost

__all__ = ["KIND_REPRESENTATIONS", "LOADERS_DIR", "PLUGINS_DIR", "STARTUP_DIR", "install", "open_scene"]

PACKAGE_DIR = Path(__file__).resolve().parent
PLUGINS_DIR = PACKAGE_DIR / "plugins" / "publish"
LOADERS_DIR = PACKAGE_DIR / "plugins" / "load"
STARTUP_DIR = PACKAGE_DIR / "startup"
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


def install(api: NukeScript | None = None, environ: Mapping[str, str] | None = None) -> NukeHost:
    """Install the Nuke host (over ``nuke`` unless ``api`` is given) as this process's host,
    and give the script the launcher's context (``SPLICE_CONTEXT`` / ``SPLICE_TASK``) when set,
    now and in every script created, cleared, opened or saved later (Nuke keeps one session
    across scripts, and a new script's root has no context)."""
    from functools import partial

    from splice.host.current import install_from_env

    from .pipeline import NukeHost, keep_launcher_context
    from .real import NukeApi  # imports the DCC only when used

    host = NukeHost(NukeApi() if api is None else api)
    install_from_env(host, environ)  # a bad SPLICE_CONTEXT raises before any change
    host.api.on_script_events(partial(keep_launcher_context, host, environ))
    return host


def open_scene(path: str | Path, api: NukeScript | None = None) -> NukeHost:
    """Headless use (``splice publish SCENE --host nuke``): install the host and open ``path``."""
    host = install(api)
    host.open_file(path)
    return host
