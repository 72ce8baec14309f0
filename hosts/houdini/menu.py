"""The splice menu's actions in Houdini (Load / Publish / Inventory) and the bootstrap.

The menu itself is ``startup/MainMenuCommon.xml`` (Houdini reads it from HOUDINI_PATH);
its items call the functions here. Only :func:`bootstrap` and the dialogs touch ``hou``
(imported inside them); the actions call the host-agnostic core.
"""

from __future__ import annotations

from typing import Any

from . import LOADERS_DIR, PLUGINS_DIR, install

__all__ = ["bootstrap", "inventory", "load", "publish"]


def bootstrap() -> None:
    """Install the host; give each new (cleared) scene the launcher's context."""
    import hou

    from splice.host import current

    host = install()

    def on_event(event_type: Any) -> None:
        if event_type == hou.hipFileEventType.AfterClear:
            context = current.context_from_env()
            if context.project is not None:
                host.set_context(context)

    hou.hipFile.addEventCallback(on_event)


def _tell(title: str, text: str) -> None:
    import hou

    print(f"splice {title}:\n{text}")
    if hou.isUIAvailable():
        hou.ui.displayMessage(text, title=f"splice {title}")


def load() -> Any:
    """Ask for a kref and load it through the matching loader."""
    import hou

    from splice.host import current, loaders_for
    from splice.host import load as load_kref

    button, kref = hou.ui.readInput("kref to load:", buttons=("Load", "Cancel"), title="splice load")
    if button != 0 or not kref.strip():
        return None
    container = load_kref(current.current(), kref.strip(), loaders=loaders_for(LOADERS_DIR))
    _tell("load", f"loaded {container.kref} as {container.key}")
    return container


def publish() -> Any:
    """Publish the scene's instances with splice's and Houdini's plug-ins."""
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
