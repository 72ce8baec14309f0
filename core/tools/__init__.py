"""splice's artist tools: Qt windows (qtpy) over the Host interface and a client.

``splice.tools.show(name, host, client, parent=None, **options)`` opens a tool: the module
``splice.tools.<name>`` and its ``Window(host, client, parent=None, **options)``. Each tool is
a model with no Qt in it (``<name>_model.py``) and a thin view (``<name>.py``); what they share
is in :mod:`splice.tools.common`. Importing this package does not import Qt: ``show`` does.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError

if TYPE_CHECKING:
    from ..client import Client
    from ..pipeline.interface import Host

__all__ = ["available", "show"]

_SHARED = {"common", "hosting"}  # modules of this package that are not tools
_open: dict[str, Any] = {}  # name → the open window (kept alive: Python owns it)


def available() -> list[str]:
    """The tools this splice has (modules of this package that define ``Window``)."""
    import pkgutil

    names = {m.name for m in pkgutil.iter_modules(__path__)}
    return sorted(n for n in names if not n.startswith("_") and n not in _SHARED and not n.endswith("_model"))


def show(name: str, host: Host, client: Client, parent: Any = None, **options: Any) -> Any:
    """Open the tool ``name`` (``"inventory"``…) for ``host`` and ``client``; returns its window.

    A window of the same tool already open for this host is raised instead of a second one.
    """
    if name not in available() or importlib.util.find_spec(f"{__name__}.{name}") is None:
        raise NotFoundError(f"no splice tool {name!r}; tools: {available()}")
    module = importlib.import_module(f"{__name__}.{name}")
    from .common import application

    application()
    window = _open.get(name)
    try:
        owner = window if hasattr(window, "host") else getattr(window, "model", None)  # Loader: its model
        reuse = (
            window is not None
            and getattr(owner, "host", None) is host
            and getattr(owner, "client", None) is client
            and window.isVisible()
        )
    except RuntimeError:  # deleted by Qt
        reuse = False
    if not reuse:
        window = module.Window(host, client, parent, **options)
        _open[name] = window
        from .common import follow_store_state

        follow_store_state(window, client)  # a replica offline says so in the title
    window.show()
    window.raise_()
    window.activateWindow()
    return window
