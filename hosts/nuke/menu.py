"""The splice menu of Nuke (Create…, Load…, Publish, Publish (repair first), Inventory, Update
all) and the bootstrap the startup files call.

Only :func:`build_menu` and the dialogs touch ``nuke`` (imported inside them); the actions
are :mod:`splice.host.actions`, and every menu entry runs through
:func:`splice.host.actions.guarded`: a failure is a message, never a traceback.
"""

from __future__ import annotations

from typing import Any

from splice.host import actions

from . import KIND_REPRESENTATIONS, LOADERS_DIR, PLUGINS_DIR, install

__all__ = [
    "CONSOLE",
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
    return menu


def _tell(title: str, text: str, severity: actions.Severity = "info", /) -> None:
    import nuke

    print(f"splice {title}:\n{text}")
    if nuke.GUI:
        heading = {"info": "", "warning": "Warning: ", "error": "Error: "}[severity]
        nuke.message(f"splice {title}\n\n{heading}{text}")


@actions.guarded("create", _tell, CONSOLE)
def create() -> Any:
    """Ask for a kind, a name and the representations; mark the selected nodes for publishing."""
    import nuke

    panel = nuke.Panel("splice create")
    panel.addEnumerationPulldown("kind", " ".join(KIND_REPRESENTATIONS))
    panel.addSingleLineInput("name", "")
    panel.addSingleLineInput("representations", "")
    if not panel.show():
        return None
    return actions.create(
        str(panel.value("kind")),
        str(panel.value("name")),
        _tell,
        offered=KIND_REPRESENTATIONS,
        representations=str(panel.value("representations") or ""),
    )


@actions.guarded("load", _tell, CONSOLE)
def load() -> Any:
    """Ask for a kref and load it through the matching loader."""
    import nuke

    return actions.load(nuke.getInput("splice: kref to load", ""), LOADERS_DIR, _tell)


@actions.guarded("publish", _tell, CONSOLE)
def publish() -> Any:
    """Publish the script's instances with splice's and Nuke's plug-ins."""
    return actions.publish(PLUGINS_DIR, _tell)


@actions.guarded("publish", _tell, CONSOLE)
def publish_with_repair() -> Any:
    """Run the failing checks' repairs, then publish."""
    return actions.publish(PLUGINS_DIR, _tell, repair=True)


@actions.guarded("inventory", _tell, CONSOLE)
def inventory() -> Any:
    """Show each container's status against the latest revision."""
    return actions.inventory(_tell, "script")


@actions.guarded("update all", _tell, CONSOLE)
def update_all() -> Any:
    """Update every outdated container to its latest revision."""
    return actions.update_all(LOADERS_DIR, _tell)


def entries() -> list[tuple[str, Any]]:
    """The menu's entries: ``splice.host.actions.MENU``'s labels and their functions."""
    functions = (create, load, publish, publish_with_repair, inventory, update_all)
    return list(zip(actions.MENU, functions, strict=True))
