"""The splice menu of Maya (Load / Publish / Inventory) and the bootstrap ``userSetup.py`` calls.

Only :func:`bootstrap` and :func:`build_menu` touch Maya's UI (``maya.cmds`` /
``maya.utils``, imported inside them); the actions call the host-agnostic core.
"""

from __future__ import annotations

from typing import Any

from . import LOADERS_DIR, PLUGINS_DIR, install

__all__ = ["MENU_NAME", "bootstrap", "build_menu", "inventory", "load", "publish"]

MENU_NAME = "spliceMenu"


def bootstrap() -> None:
    """Install the host and give each new scene the launcher's context; add the menu once
    Maya's UI exists (not in batch mode)."""
    from maya import cmds, utils

    from splice.host import current

    host = install()

    def on_new_scene() -> None:
        context = current.context_from_env()
        if context.project is not None:
            host.set_context(context)

    cmds.scriptJob(event=("NewSceneOpened", on_new_scene))
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

    from splice.host import current, loaders_for
    from splice.host import load as load_kref

    if cmds.promptDialog(title="splice load", message="kref:", button=["Load", "Cancel"]) != "Load":
        return None
    kref = cmds.promptDialog(query=True, text=True).strip()
    container = load_kref(current.current(), kref, loaders=loaders_for(LOADERS_DIR))
    _tell("load", f"loaded {container.kref} as {container.key}")
    return container


def publish() -> Any:
    """Publish the scene's instances with splice's and Maya's plug-ins."""
    from splice.host import current
    from splice.host.publish import publish as run

    report = run(current.current(), paths=[PLUGINS_DIR])
    _tell("publish", report.to_text())
    return report


def inventory() -> None:
    """Show each container's status against the latest revision."""
    import splice
    from splice.host import current
    from splice.host import inventory as inv

    entries = inv.check(current.current(), splice.connect(), "latest")
    lines = [f"{e.container.key}: {e.status} (r{e.current} → {e.wanted})" for e in entries]
    _tell("inventory", "\n".join(lines) or "no containers in the scene")
