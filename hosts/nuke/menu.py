"""The splice menu of Nuke (Create…, Load…, Publish, Publish (repair first), Inventory, Update
all; then Loader…, Scene Inventory…, Publisher…: the artist tools) and the bootstrap the startup files call.

Only :func:`build_menu` and the dialogs touch ``nuke`` (imported inside them); the entries
are :func:`splice.pipeline.menus.build`'s, each guarded: a failure is a message, never a traceback.
"""

from __future__ import annotations

from typing import Any

from splice.pipeline import actions, menus

from . import KIND_REPRESENTATIONS, LOADERS_DIR, PLUGINS_DIR, install

__all__ = [
    "CONSOLE",
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

CONSOLE = "Nuke's Script Editor and the terminal Nuke runs in"


def bootstrap() -> None:
    """Install the host (``init.py``: every mode, ``nuke -t`` included)."""
    install()


def build_menu() -> Any:
    """Add the splice menu to Nuke's menu bar (``menu.py``: GUI only)."""
    import nuke

    menu = nuke.menu("Nuke").addMenu("splice")
    for label, action in entries():
        menu.addCommand(label.replace("…", "..."), action)
    menu.addSeparator()
    for label, action in tool_entries():  # the artist tools, parented to Nuke's active window
        menu.addCommand(label.replace("…", "..."), action)
    return menu


def _tell(title: str, text: str, severity: actions.Severity = "info", /) -> None:
    import nuke

    print(f"splice {title}:\n{text}")
    if nuke.GUI:
        heading = {"info": "", "warning": "Warning: ", "error": "Error: "}[severity]
        nuke.message(f"splice {title}\n\n{heading}{text}")


def _ask_create() -> tuple[str, str, str] | None:
    """One panel: kind (pulldown), name, representations (blank: the kind's)."""
    import nuke

    panel = nuke.Panel("splice create")
    panel.addEnumerationPulldown("kind", " ".join(KIND_REPRESENTATIONS))
    panel.addSingleLineInput("name", "")
    panel.addSingleLineInput("representations", "")
    if not panel.show():
        return None
    values = (panel.value("kind"), panel.value("name"), panel.value("representations") or "")
    return str(values[0]), str(values[1]), str(values[2])


def _ask_kref() -> str | None:
    import nuke

    return nuke.getInput("splice: kref to load", "")


_MENU = menus.build(
    _tell,
    CONSOLE,
    plugins_dir=PLUGINS_DIR,
    loaders_dir=LOADERS_DIR,
    offered=KIND_REPRESENTATIONS,
    ask_create=_ask_create,
    ask_kref=_ask_kref,
    noun="script",
)
create, load, publish, publish_with_repair, inventory, update_all = _MENU.functions()
open_tool = _MENU.open_tool  # open_tool("loader"): the tool, parented to the main window
entries = _MENU.entries
tool_entries = _MENU.tool_entries  # Loader…, Scene Inventory…, Publisher…: the tools there are
