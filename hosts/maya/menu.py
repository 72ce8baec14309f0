"""The splice menu of Maya (Create…, Load…, Publish, Publish (repair first), Inventory, Update
all; then Loader…, Scene Inventory…, Publisher…: the artist tools) and the bootstrap ``userSetup.py`` calls.

Only :func:`bootstrap`, :func:`build_menu` and the dialogs touch Maya's UI (``maya.cmds`` /
``maya.utils``, imported inside them); the entries are :func:`splice.pipeline.menus.build`'s, each
guarded: a failure is a dialog, never a traceback in the artist's face.
"""

from __future__ import annotations

from splice.pipeline import actions, menus

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
    "open_tool",
    "publish",
    "publish_with_repair",
    "tool_entries",
    "update_all",
]

MENU_NAME = "spliceMenu"
CONSOLE = "Maya's Script Editor"
_ICONS = {"info": "information", "warning": "warning", "error": "critical"}


def bootstrap() -> None:
    """Install the host and give each new scene the launcher's context; add the menu once
    Maya's UI exists (not in batch mode)."""
    from maya import cmds, utils

    from splice.pipeline import current

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
    cmds.menuItem(divider=True, parent=menu)
    for label, action in tool_entries():  # the artist tools, parented to Maya's main window
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


def _ask_create() -> tuple[str, str, str] | None:
    """A button per kind, then the name, then the representations (when the kind has several)."""
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
    representations: str | None = " ".join(offered)
    if len(offered) > 1:
        representations = _prompt(f"Representations ({', '.join(offered)}):", " ".join(offered), "Create")
    return None if representations is None else (kind, name, representations)


def _prompt(message: str, text: str, button: str) -> str | None:
    """A promptDialog's text, or None when cancelled."""
    from maya import cmds

    pressed = cmds.promptDialog(
        title="splice", message=message, text=text, button=[button, "Cancel"], cancelButton="Cancel"
    )
    return str(cmds.promptDialog(query=True, text=True)) if pressed == button else None


_MENU = menus.build(
    _tell,
    CONSOLE,
    plugins_dir=PLUGINS_DIR,
    loaders_dir=LOADERS_DIR,
    offered=KIND_REPRESENTATIONS,
    ask_create=_ask_create,
    ask_kref=lambda: _prompt("kref:", "", "Load"),
)
create, load, publish, publish_with_repair, inventory, update_all = _MENU.functions()
open_tool = _MENU.open_tool  # open_tool("loader"): the tool, parented to the main window
entries = _MENU.entries
tool_entries = _MENU.tool_entries  # Loader…, Scene Inventory…, Publisher…: the tools there are
