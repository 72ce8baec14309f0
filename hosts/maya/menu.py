"""The splice menu of Maya (Load / Publish / Inventory) and the bootstrap ``userSetup.py`` calls.

Only :func:`bootstrap`, :func:`build_menu` and the dialogs touch Maya's UI (``maya.cmds`` /
``maya.utils``, imported inside them); the actions are :mod:`splice.host.actions`.
"""

from __future__ import annotations

from typing import Any

from splice.host import actions

from . import LOADERS_DIR, PLUGINS_DIR, install

__all__ = ["MENU_NAME", "bootstrap", "build_menu", "inventory", "load", "publish"]

MENU_NAME = "spliceMenu"


def bootstrap() -> None:
    """Install the host and give each new scene the launcher's context; add the menu once
    Maya's UI exists (not in batch mode)."""
    from maya import cmds, utils

    from splice.host import current

    host = install()
    cmds.scriptJob(event=("NewSceneOpened", lambda: current.apply_env_context(host)))
    if not cmds.about(batch=True):
        utils.executeDeferred(build_menu)


def build_menu() -> str:
    """(Re)build the splice menu in Maya's main menu bar; returns its name."""
    from maya import cmds, mel

    if cmds.menu(MENU_NAME, exists=True):
        cmds.deleteUI(MENU_NAME)
    window = mel.eval("$tmp = $gMainWindow")
    menu = str(cmds.menu(MENU_NAME, label="splice", parent=window, tearOff=True))
    for label, action in (("Load…", load), ("Publish", publish), ("Inventory", inventory)):
        cmds.menuItem(label=label, parent=menu, command=lambda *_, a=action: a())
    return menu


def _tell(title: str, text: str) -> None:
    from maya import cmds

    print(f"splice {title}:\n{text}")
    cmds.confirmDialog(title=f"splice {title}", message=text, button=["OK"])


def load() -> Any:
    """Ask for a kref and load it through the matching loader."""
    from maya import cmds

    if cmds.promptDialog(title="splice load", message="kref:", button=["Load", "Cancel"]) != "Load":
        return None
    return actions.load(cmds.promptDialog(query=True, text=True), LOADERS_DIR, _tell)


def publish() -> Any:
    """Publish the scene's instances with splice's and Maya's plug-ins."""
    return actions.publish(PLUGINS_DIR, _tell)


def inventory() -> None:
    """Show each container's status against the latest revision."""
    actions.inventory(_tell)
