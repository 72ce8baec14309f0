"""The splice menu's actions in Houdini (Create…, Load…, Publish, Publish (repair first),
Inventory, Update all) and the bootstrap.

The menu itself is ``startup/MainMenuCommon.xml`` (Houdini reads it from HOUDINI_PATH);
its items call the functions here. Only :func:`bootstrap` and the dialogs touch ``hou``
(imported inside them); the actions are :mod:`splice.host.actions`, and every menu entry
runs through :func:`splice.host.actions.guarded`: a failure is a message, never a traceback.
"""

from __future__ import annotations

from typing import Any

from splice.host import actions

from . import KIND_REPRESENTATIONS, LOADERS_DIR, PLUGINS_DIR, install

__all__ = [
    "CONSOLE",
    "bootstrap",
    "create",
    "entries",
    "inventory",
    "load",
    "publish",
    "publish_with_repair",
    "update_all",
]

CONSOLE = "Houdini's console (Windows › Shell; the terminal Houdini runs in)"


def bootstrap() -> None:
    """Install the host; give each new (cleared) scene the launcher's context."""
    import hou

    from splice.host import current

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


@actions.guarded("create", _tell, CONSOLE)
def create() -> Any:
    """Ask for a kind, a name and the representations; mark the selected node for publishing."""
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
    representations = [offered[i] for i in picked]
    return actions.create(kind, name, _tell, offered=KIND_REPRESENTATIONS, representations=representations)


@actions.guarded("load", _tell, CONSOLE)
def load() -> Any:
    """Ask for a kref and load it through the matching loader."""
    import hou

    button, kref = hou.ui.readInput(
        "kref to load:", buttons=("Load", "Cancel"), close_choice=1, title="splice load"
    )
    return actions.load(kref, LOADERS_DIR, _tell) if button == 0 else None


@actions.guarded("publish", _tell, CONSOLE)
def publish() -> Any:
    """Publish the scene's instances with splice's and Houdini's plug-ins."""
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
    """The menu's entries (``MainMenuCommon.xml`` lists the same): labels and functions."""
    functions = (create, load, publish, publish_with_repair, inventory, update_all)
    return list(zip(actions.MENU, functions, strict=True))
