"""The splice menu of Maya (Create…, Load…, Publish, Publish (repair first), Inventory, Update
all) and the bootstrap ``userSetup.py`` calls.

Only :func:`bootstrap`, :func:`build_menu` and the dialogs touch Maya's UI (``maya.cmds`` /
``maya.utils``, imported inside them); the actions are :mod:`splice.host.actions`, and every
menu entry runs through :func:`splice.host.actions.guarded`: a failure is a dialog, never a
traceback in the artist's face.
"""

from __future__ import annotations

from typing import Any

from splice.host import actions

from . import KIND_REPRESENTATIONS, LOADERS_DIR, PLUGINS_DIR, install

__all__ = [
    "CONSOLE",
    "MENU_NAME",
    "bootstrap",
    "build_menu",
    "create",
    "entries",
    "inventory",
    "load",
    "publish",
    "publish_with_repair",
    "update_all",
]

MENU_NAME = "spliceMenu"
CONSOLE = "Maya's Script Editor"
_ICONS = {"info": "information", "warning": "warning", "error": "critical"}


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
    for label, action in entries():
        cmds.menuItem(label=label, parent=menu, command=lambda *_, a=action: a())
    return menu


def _tell(title: str, text: str, severity: actions.Severity = "info", /) -> None:
    """Print to the Script Editor; a one-line success is an in-view message, the rest a dialog."""
    from maya import cmds

    print(f"splice {title}:\n{text}")
    if cmds.about(batch=True):
        return
    if severity == "info" and "\n" not in text:
        cmds.inViewMessage(assistMessage=f"splice {title}: {text}", position="topCenter", fade=True)
        return
    cmds.confirmDialog(title=f"splice {title}", message=text, button=["OK"], icon=_ICONS[severity])


@actions.guarded("create", _tell, CONSOLE)
def create() -> Any:
    """Ask for a kind, a name and the representations; mark the selection for publishing."""
    from maya import cmds

    kinds = list(KIND_REPRESENTATIONS)
    kind = cmds.confirmDialog(
        title="splice create",
        message="Publish the selection as:",
        button=[*kinds, "Cancel"],
        cancelButton="Cancel",
        dismissString="Cancel",
    )
    if kind not in kinds:
        return None
    name = _prompt(f"Name of the {kind}:", "", "Next")
    if name is None:
        return None
    offered = KIND_REPRESENTATIONS[kind]
    representations = " ".join(offered)
    if len(offered) > 1:
        representations = _prompt(f"Representations ({', '.join(offered)}):", representations, "Create")
        if representations is None:
            return None
    return actions.create(kind, name, _tell, offered=KIND_REPRESENTATIONS, representations=representations)


def _prompt(message: str, text: str, button: str) -> str | None:
    """A promptDialog's text, or None when cancelled."""
    from maya import cmds

    pressed = cmds.promptDialog(
        title="splice", message=message, text=text, button=[button, "Cancel"], cancelButton="Cancel"
    )
    return str(cmds.promptDialog(query=True, text=True)) if pressed == button else None


@actions.guarded("load", _tell, CONSOLE)
def load() -> Any:
    """Ask for a kref and load it through the matching loader."""
    kref = _prompt("kref:", "", "Load")
    return None if kref is None else actions.load(kref, LOADERS_DIR, _tell)


@actions.guarded("publish", _tell, CONSOLE)
def publish() -> Any:
    """Publish the scene's instances with splice's and Maya's plug-ins."""
    return actions.publish(PLUGINS_DIR, _tell)


@actions.guarded("publish", _tell, CONSOLE)
def publish_with_repair() -> Any:
    """Run the failing checks' repairs, then publish."""
    return actions.publish(PLUGINS_DIR, _tell, repair=True)


@actions.guarded("inventory", _tell, CONSOLE)
def inventory() -> Any:
    """Show each container's status against the latest revision."""
    return actions.inventory(_tell)


@actions.guarded("update all", _tell, CONSOLE)
def update_all() -> Any:
    """Update every outdated container to its latest revision."""
    return actions.update_all(LOADERS_DIR, _tell)


def entries() -> list[tuple[str, Any]]:
    """The menu's entries: ``splice.host.actions.MENU``'s labels and their functions."""
    functions = (create, load, publish, publish_with_repair, inventory, update_all)
    return list(zip(actions.MENU, functions, strict=True))
