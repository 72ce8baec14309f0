"""The splice menu's actions in Houdini (Create…, Load…, Publish, Publish (repair first),
Inventory, Update all; then Loader…, Scene Inventory…, Publisher…: the artist tools, parented
to ``hou.qt.mainWindow()``) and the bootstrap.

The menu itself is ``startup/MainMenuCommon.xml`` (Houdini reads it from HOUDINI_PATH);
its items call the functions here. Only :func:`bootstrap` and the dialogs touch ``hou``
(imported inside them); the entries are :func:`splice.pipeline.menus.build`'s, each guarded: a
failure is a message, never a traceback.
"""

from __future__ import annotations

from typing import Any

from splice.pipeline import actions, menus

from . import KIND_REPRESENTATIONS, LOADERS_DIR, PLUGINS_DIR, install

__all__ = [
    "CONSOLE",
    "bootstrap",
    "create",
    "entries",
    "inventory",
    "load",
    "open_tool",
    "publish",
    "publish_with_repair",
    "tool_entries",
    "tool_tokens",
    "update_all",
]

CONSOLE = "Houdini's console (Windows › Shell; the terminal Houdini runs in)"


def bootstrap() -> None:
    """Install the host; give each new (cleared) scene the launcher's context."""
    import hou

    from splice.pipeline import current

    host = install()

    def on_event(event_type: Any) -> None:
        if event_type == hou.hipFileEventType.AfterClear:
            current.apply_env_context(host)

    hou.hipFile.addEventCallback(on_event)


def _tell(title: str, text: str, severity: actions.Severity = "info", /) -> None:
    import hou

    print(f"splice {title}:\n{text}")
    if hou.isUIAvailable():
        levels = {
            "info": hou.severityType.Message,
            "warning": hou.severityType.Warning,
            "error": hou.severityType.Error,
        }
        hou.ui.displayMessage(text, title=f"splice {title}", severity=levels[severity])


def _ask_create() -> tuple[str, str, list[str]] | None:
    """The kind (one of a list), the name, then the kind's representations (all ticked)."""
    import hou

    kinds = list(KIND_REPRESENTATIONS)
    chosen = hou.ui.selectFromList(
        kinds, exclusive=True, message="Publish the selection as:", title="splice create"
    )
    if not chosen:
        return None
    kind = kinds[chosen[0]]
    button, name = hou.ui.readInput(
        f"Name of the {kind}:", buttons=("Next", "Cancel"), close_choice=1, title="splice create"
    )
    if button != 0:
        return None
    offered = KIND_REPRESENTATIONS[kind]
    picked = tuple(range(len(offered)))
    if len(offered) > 1:
        picked = hou.ui.selectFromList(
            offered, default_choices=picked, message="Representations:", title="splice create"
        )
        if not picked:
            return None
    return kind, name, [offered[i] for i in picked]


def _ask_kref() -> str | None:
    import hou

    button, kref = hou.ui.readInput(
        "kref to load:", buttons=("Load", "Cancel"), close_choice=1, title="splice load"
    )
    return str(kref) if button == 0 else None


_MENU = menus.build(
    _tell,
    CONSOLE,
    plugins_dir=PLUGINS_DIR,
    loaders_dir=LOADERS_DIR,
    offered=KIND_REPRESENTATIONS,
    ask_create=_ask_create,
    ask_kref=_ask_kref,
)
create, load, publish, publish_with_repair, inventory, update_all = _MENU.functions()
open_tool = _MENU.open_tool  # open_tool("loader"): the tool, parented to the main window
entries = _MENU.entries  # MainMenuCommon.xml lists the same
tool_entries = _MENU.tool_entries  # Loader…, Scene Inventory…, Publisher…: the tools there are


def tool_tokens() -> list[str]:
    """The artist tools as Houdini's dynamic menu strip wants them: ``[token, label, …]``
    (``MainMenuCommon.xml``'s ``splice_tools``; choosing one calls :func:`open_tool`)."""
    from splice.tools.hosting import tool_entries as tools

    return [part for name, label in tools() for part in (name, label.replace("…", "..."))]
