"""The splice launcher: per-shot environments and DCC start-up (``docs/launcher.md``).

::

    from splice.launcher import prepare, start

    launch = prepare(client, "kref://show/shots/sq010/sh010", "animation", "blender")
    launch.changes          # what splice sets: SPLICE_*, the workspace, the host's bootstrap paths
    started = start(launch)  # detached, output in started.log

- :mod:`.config`: the TOML layers (built-in ``apps.toml``, ``$SPLICE_APPS``, ``--config``,
  the project's override), each checked against :mod:`.schema` (pydantic models);
- :mod:`.discovery`: installed DCCs in their usual places on Linux, Windows and macOS;
- :mod:`.apps`: apps and versions (configured and discovered);
- :mod:`.context`: a space kref + a task, checked against the store;
- :mod:`.workspaces`: the context's uv workspace, made, locked and refreshed on demand;
- :mod:`.environment`: expansion, path lists, the hosts' bootstrap paths;
- :mod:`.launch`: :func:`prepare`, :func:`start`, saved launches (:func:`load`);
- :mod:`.gui`: the Qt window (``splice launcher``).

Importing this package is light; each part loads when first used.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Launch", "LaunchError", "Started", "load", "prepare", "start"]


def __getattr__(name: str) -> Any:
    if name in ("Launch", "Started", "load", "prepare", "start"):
        from . import launch

        return getattr(launch, name)
    if name == "LaunchError":
        from .errors import LaunchError

        return LaunchError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
