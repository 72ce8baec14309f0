"""The splice menu of Nuke (Load / Publish / Inventory) and the bootstrap the startup files call.

Only :func:`build_menu` and the dialogs touch ``nuke`` (imported inside them); the
actions are :mod:`splice.host.actions`.
"""

from __future__ import annotations

from typing import Any

from splice.host import actions

from . import LOADERS_DIR, PLUGINS_DIR, install

__all__ = ["bootstrap", "build_menu", "inventory", "load", "publish"]


def bootstrap() -> None:
    """Install the host (``init.py``: every mode, ``nuke -t`` included)."""
    install()


def build_menu() -> Any:
    """Add the splice menu to Nuke's menu bar (``menu.py``: GUI only)."""
    import nuke

    menu = nuke.menu("Nuke").addMenu("splice")
    menu.addCommand("Load...", load)
    menu.addCommand("Publish", publish)
    menu.addCommand("Inventory", inventory)
    return menu


def _tell(title: str, text: str) -> None:
    import nuke

    print(f"splice {title}:\n{text}")
    if nuke.GUI:
        nuke.message(f"splice {title}\n\n{text}")


def load() -> Any:
    """Ask for a kref and load it through the matching loader."""
    import nuke

    return actions.load(nuke.getInput("splice: kref to load", ""), LOADERS_DIR, _tell)


def publish() -> Any:
    """Publish the script's instances with splice's and Nuke's plug-ins."""
    return actions.publish(PLUGINS_DIR, _tell)


def inventory() -> None:
    """Show each container's status against the latest revision."""
    actions.inventory(_tell, "script")
