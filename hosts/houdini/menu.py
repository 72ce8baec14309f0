"""The splice menu's actions in Houdini (Load / Publish / Inventory) and the bootstrap.

The menu itself is ``startup/MainMenuCommon.xml`` (Houdini reads it from HOUDINI_PATH);
its items call the functions here. Only :func:`bootstrap` and the dialogs touch ``hou``
(imported inside them); the actions are :mod:`splice.host.actions`.
"""

from __future__ import annotations

from typing import Any

from splice.host import actions

from . import LOADERS_DIR, PLUGINS_DIR, install

__all__ = ["bootstrap", "inventory", "load", "publish"]


def bootstrap() -> None:
    """Install the host; give each new (cleared) scene the launcher's context."""
    import hou

    from splice.host import current

    host = install()

    def on_event(event_type: Any) -> None:
        if event_type == hou.hipFileEventType.AfterClear:
            current.apply_env_context(host)

    hou.hipFile.addEventCallback(on_event)


def _tell(title: str, text: str) -> None:
    import hou

    print(f"splice {title}:\n{text}")
    if hou.isUIAvailable():
        hou.ui.displayMessage(text, title=f"splice {title}")


def load() -> Any:
    """Ask for a kref and load it through the matching loader."""
    import hou

    button, kref = hou.ui.readInput("kref to load:", buttons=("Load", "Cancel"), title="splice load")
    return actions.load(kref, LOADERS_DIR, _tell) if button == 0 else None


def publish() -> Any:
    """Publish the scene's instances with splice's and Houdini's plug-ins."""
    return actions.publish(PLUGINS_DIR, _tell)


def inventory() -> None:
    """Show each container's status against the latest revision."""
    actions.inventory(_tell)
