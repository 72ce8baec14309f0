"""The splice menu of Nuke (Load / Publish / Inventory) and the bootstrap the startup files call.

Only :func:`bootstrap`, :func:`build_menu` and the dialogs touch ``nuke`` (imported
inside them); the actions call the host-agnostic core.
"""

from __future__ import annotations

from typing import Any

from . import LOADERS_DIR, PLUGINS_DIR, install

__all__ = ["bootstrap", "build_menu", "inventory", "load", "publish"]


def bootstrap() -> None:
    """Install the host (``init.py``: every mode, ``nuke -t`` included)."""
    install()


def build_menu() -> Any:
    """Add the splice menu to Nuke's menu bar (``menu.py``: GUI only)."""
    import nuke

    menu = nuke.menu("Nuke").addMenu("splice")
    menu.addCommand("Load...", load)
    menu.addCommand("Publish", publish)
    menu.addCommand("Inventory", inventory)
    return menu


def _tell(title: str, text: str) -> None:
    import nuke

    print(f"splice {title}:\n{text}")
    if nuke.GUI:
        nuke.message(f"splice {title}\n\n{text}")


def load() -> Any:
    """Ask for a kref and load it through the matching loader."""
    import nuke

    from splice.host import current, loaders_for
    from splice.host import load as load_kref

    kref = (nuke.getInput("splice: kref to load", "") or "").strip()
    if not kref:
        return None
    container = load_kref(current.current(), kref, loaders=loaders_for(LOADERS_DIR))
    _tell("load", f"loaded {container.kref} as {container.key}")
    return container


def publish() -> Any:
    """Publish the script's instances with splice's and Nuke's plug-ins."""
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
    _tell("inventory", "\n".join(lines) or "no containers in the script")
